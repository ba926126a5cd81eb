"""Names followed by ast alone (discover/static.py) map exactly as Jedi maps them, and
every name ast cannot follow unambiguously is still answered by Jedi. Real Jedi over a
small generated project, mapped in-process with and without the ast table."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from _mapping_projects import map_in_process, write_project
from pytest_paradisco.discover.static import StaticTable, module_table
from pytest_paradisco.testmap import FunctionEntry

PROJECT = {
    "src/app/__init__.py": """
        from .core import Parser, helper
        from .util import *
    """,
    "src/app/core.py": """
        import sys
        from typing import Optional, Union


        class Base:
            def __init__(self):
                self.fed = []

            def feed(self, text):
                self.fed.append(text)
                return self.check()

            def check(self):
                return len(self.fed)


        class Parser(Base):
            def close(self):
                return self.feed("")

            def child(self) -> "Parser":
                return Parser()

            def __iter__(self):
                return iter(self.fed)


        def make_parser() -> Parser:
            return Parser()


        def find() -> Union[None, "Widget"]:
            return None


        def describe(widget: "Widget", parser: Optional[Parser] = None) -> int:
            return widget.size()


        class Holder:
            def __init__(self, widget: "Widget"):
                self.parser = Parser()
                self.widget = widget
                self.spare = None
                self.count = 0

            def run(self):
                self.spare = make_parser()
                for item in self.parser:
                    pass
                self.count += 1
                return self.parser.close(), self.widget.size(), self.spare.check()


        class Outer:
            def __init__(self):
                self.holder = Holder(Widget())

            def go(self):
                return self.holder.parser.child()


        def helper():
            return Parser().close()


        def pick():
            return 1


        def other():
            return 2


        pick = other  # rebound by an assignment: Jedi decides

        if sys.version_info >= (3,):
            def either():
                return 3
        else:
            def either():
                return 4

        try:
            from app.fast import speedup
        except ImportError:
            from app.slow import speedup


        class Widget:
            def __init__(self, hook=None):
                if hook is not None:
                    self.render = hook  # an instance attribute of a method's name: Jedi

            def render(self):
                return self.size()

            def size(self):
                return 1

            @property
            def label(self):
                return "w"

            @label.setter
            def label(self, value):
                self._label = value

            def show(self):
                return self.render(), self.label, self.size()

            @staticmethod
            def make(self):
                return self.size()

            @classmethod
            def create(cls) -> "Widget":
                return cls()
    """,
    "src/app/fast.py": """
        def speedup():
            return "fast"
    """,
    "src/app/slow.py": """
        def speedup():
            return "slow"
    """,
    "src/app/util.py": """
        __all__ = ["tool"]


        def tool():
            return 1


        def hidden():
            return 2
    """,
    "tests/conftest.py": """
        import pytest

        from app.core import Parser, Widget


        @pytest.fixture
        def parser():
            return Parser()


        @pytest.fixture
        def made(parser):
            child = parser.child()
            yield child


        @pytest.fixture
        def either_one(request):
            if request.param:
                return Parser()
            return Widget()
    """,
    "tests/helpers.py": """
        from app.core import helper


        def run_helper():
            return helper()
    """,
    "tests/test_app.py": """
        import pytest

        import app
        import app.core as core
        from app import Parser, helper, tool
        from app.core import (
            Holder,
            Outer,
            Widget,
            describe,
            either,
            find,
            make_parser,
            pick,
            speedup,
        )
        from helpers import run_helper


        def local_helper():
            return tool()


        def test_name():
            assert helper()


        def test_class():
            parser = Parser()
            assert parser.close() == 1


        def test_star_export():
            assert tool() == 1


        def test_module_chain():
            assert app.core.helper()
            assert core.Parser


        def test_rebound():
            assert pick() == 2


        def test_conditional():
            assert either() == 3


        def test_try_import():
            assert speedup()


        def test_helper_here():
            assert local_helper()


        def test_helper_module():
            assert run_helper()


        def test_widget():
            assert Widget().show()


        def test_nested():
            def inner():
                return helper()

            assert inner()


        def test_typed_locals():
            parser = make_parser()
            assert parser.close()
            child = parser.child()
            child.check()
            for item in child:
                pass
            widget = Widget.create()
            assert widget.size()
            found = find()
            found.render()


        def test_fixtures(parser, made):
            parser.close()
            made.check()


        def test_annotated():
            assert describe(Widget())


        def test_holder():
            holder = Holder(Widget())
            holder.run()


        def test_outer():
            outer = Outer()
            outer.go()


        def test_two_classes(either_one):
            either_one.size()


        @pytest.mark.parametrize("parser", [Widget()])
        def test_parametrized(parser):
            parser.size()
    """,
}


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, FunctionEntry], ...]:
    root = tmp_path_factory.mktemp("static")
    write_project(root, PROJECT)
    both = (
        map_in_process(root, "app", "tests/test_app.py"),
        map_in_process(root, "app", "tests/test_app.py", static=False),
    )
    return both


def _direct(functions: dict[str, FunctionEntry], test: str) -> set[str]:
    return {
        name for name, entry in functions.items() if f"tests/test_app.py::{test}" in entry.direct
    }


def test_static_map_equals_jedi_map(maps: tuple[dict[str, FunctionEntry], ...]) -> None:
    static, jedi_only = maps
    fixtures = "tests/test_app.py::test_fixtures"
    # Jedi leaves `made.check()` untyped (the fixture `made` yields what another
    # fixture's method returns); ast types it
    assert fixtures in static["app.core.Base.check"].direct
    assert fixtures not in jedi_only["app.core.Base.check"].direct

    def without(entry: FunctionEntry) -> tuple[list[str], ...]:
        return [t for t in entry.direct if t != fixtures], [t for t in entry.tests if t != fixtures]

    assert {n: without(e) for n, e in static.items()} == {
        n: without(e) for n, e in jedi_only.items()
    }


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        # a name imported through a package's re-export
        ("test_name", {"app.core.helper"}),
        # a class called: its constructors (inherited), its methods through the instance
        ("test_class", {"app.core.Base.__init__", "app.core.Parser.close"}),
        # a star import narrowed by __all__
        ("test_star_export", {"app.util.tool"}),
        # attribute chains through modules; a class named but not called
        ("test_module_chain", {"app.core.helper"}),
        # rebound by an assignment: what the name holds at the end (Jedi's answer)
        ("test_rebound", {"app.core.other"}),
        # helpers of the test code followed into their bodies
        ("test_helper_here", {"app.util.tool"}),
        ("test_helper_module", {"app.core.helper"}),
        ("test_nested", {"app.core.helper"}),
        ("test_widget", {"app.core.Widget.__init__", "app.core.Widget.show"}),
    ],
)
def test_static_names(
    maps: tuple[dict[str, FunctionEntry], ...], test: str, expected: set[str]
) -> None:
    static, _ = maps
    assert _direct(static, test) == expected


TYPED = {
    "app.core.make_parser",
    "app.core.Parser.close",
    "app.core.Parser.child",
    "app.core.Base.check",
    "app.core.Parser.__iter__",
    "app.core.Widget.size",
    "app.core.find",
    "app.core.Widget.render",
}


def test_typed_locals(maps: tuple[dict[str, FunctionEntry], ...]) -> None:
    # a local bound once to a source class's instance: by a constructor, or a function,
    # method or classmethod whose return annotation names the class ("C", Optional[C],
    # Union[None, "C"])
    static, _ = maps
    assert _direct(static, "test_typed_locals") == {*TYPED, "app.core.Widget.create"}


def test_typed_locals_need_no_jedi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jedi

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Jedi was asked")

    monkeypatch.setattr(jedi.Script, "goto", fail)
    monkeypatch.setattr(jedi.Script, "infer", fail)
    write_project(tmp_path, PROJECT)
    functions = map_in_process(tmp_path, "app", "tests/test_app.py")
    # ast follows `Widget.create` too: a method of a class it follows
    assert _direct(functions, "test_typed_locals") == {*TYPED, "app.core.Widget.create"}
    # a fixture's class: what it returns or yields, through the fixtures it uses; not
    # where it returns two classes, nor where parametrize overrides it
    assert _direct(functions, "test_fixtures") == {
        "app.core.Base.__init__",  # the fixtures' bodies (`parser.child()`: Jedi's)
        "app.core.Parser.close",
        "app.core.Base.check",
    }
    # a source function's parameter annotated with a source class
    assert "tests/test_app.py::test_annotated" in functions["app.core.Widget.size"].tests
    # instance attributes the class's methods assign one class's instances (or None)
    holder = "tests/test_app.py::test_holder"
    for name in ("Parser.close", "Parser.__iter__", "Widget.size", "Base.check"):
        assert holder in functions[f"app.core.{name}"].tests, name
    # and chains of them: `self.holder.parser.child()`
    assert "tests/test_app.py::test_outer" in functions["app.core.Parser.child"].tests
    assert "app.core.Widget.size" not in _direct(functions, "test_two_classes")
    # parametrize overrides the fixture `parser`: its values' class
    assert "app.core.Widget.size" in _direct(functions, "test_parametrized")


def test_conditional_bindings_left_to_jedi(
    maps: tuple[dict[str, FunctionEntry], ...], tmp_path: Path
) -> None:
    static, _ = maps
    # `try: from .fast import .. except ImportError: from .slow import ..`: Jedi's answer
    assert "app.fast.speedup" in _direct(static, "test_try_import")
    write_project(tmp_path, PROJECT)
    table = StaticTable([str(tmp_path / "src")], str(tmp_path))
    for name in ("either", "speedup", "pick"):  # bound in both branches, twice, rebound
        assert _lookup(table, "app.core", name) is None
    text = (tmp_path / "src/app/core.py").read_text().splitlines()
    other = next(n for n, line in enumerate(text, 1) if line.startswith("def other"))
    assert _lookup(table, "app.core", "other") == ("core.py", other)


def _table(tmp_path: Path, files: dict[str, str]) -> StaticTable:
    write_project(tmp_path, files)
    return StaticTable([str(tmp_path)], str(tmp_path))


def _lookup(table: StaticTable, module: str, name: str) -> tuple[str, int] | None:
    found_table = table.table(module)
    assert found_table is not None
    found = table.lookup(found_table, name)
    return None if found is None else (Path(found.path).name or found.module, found.line)


def test_table_follows_only_unambiguous_bindings(tmp_path: Path) -> None:
    table = _table(
        tmp_path,
        {
            "pkg/__init__.py": "from .a import *\nfrom .b import *\nfrom . import sub\n",
            "pkg/a.py": "def f():\n    pass\ndef g():\n    pass\n",
            "pkg/b.py": "__all__ = ['g']\ndef g():\n    pass\ndef f2():\n    pass\n",
            "pkg/sub.py": "def s():\n    pass\n",
            "pkg/late.py": "def f():\n    pass\nfrom pkg.a import *\n",
            # pyparsing's core.py: a name imported, then star imports of modules that
            # export it too (the same function), or do not export it
            "pkg/again.py": (
                "from pkg.a import g\nfrom pkg.b import f2\n"
                "from pkg.reexport import *\nfrom pkg.sub import *\n"
            ),
            "pkg/reexport.py": "from pkg.a import g\nfrom pkg.sub import s as f2\n",
            "pkg/twice.py": "def f():\n    pass\ndef f():\n    pass\n",
            "pkg/glob.py": "def f():\n    pass\ndef set_f():\n    global f\n",
            "pkg/over.py": (
                "import typing as t\nfrom typing import overload\n"
                "@overload\ndef f(x: int) -> int: ...\n"
                "@t.overload\ndef f(x: str) -> str: ...\n"
                "def f(x):\n    return x\n"
            ),
        },
    )
    assert _lookup(table, "pkg", "f") == ("a.py", 1)  # one star import exports it
    assert _lookup(table, "pkg", "g") is None  # two star imports export it
    assert _lookup(table, "pkg", "f2") is None  # not in b's __all__
    assert _lookup(table, "pkg", "sub") == ("pkg.sub", 0)  # a submodule
    assert _lookup(table, "pkg.late", "f") is None  # a star import after the def
    assert _lookup(table, "pkg.again", "g") == ("a.py", 3)  # re-exported as itself
    assert _lookup(table, "pkg.again", "f2") is None  # rebound to another function
    assert _lookup(table, "pkg.twice", "f") is None  # bound twice
    assert _lookup(table, "pkg.glob", "f") is None  # rebound through `global`
    assert _lookup(table, "pkg.over", "f") == ("over.py", 7)  # the overloads' implementation


def test_table_reads_modules_beside_stubs_and_leaves_the_rest_to_jedi(tmp_path: Path) -> None:
    """A stub beside its module (more-itertools 10.3.0 ships `more.pyi` beside
    `more.py`) changes nothing of what runs: the module is read. A stub alone stands for
    code ast cannot read, and a module outside the project is not ours: Jedi's."""
    table = _table(
        tmp_path,
        {
            "pkg/__init__.py": "from .typed import f\nfrom .ext import g\nfrom os import path\n",
            "pkg/typed.py": "def f():\n    pass\n",
            "pkg/typed.pyi": "def f() -> None: ...\n",
            "pkg/ext.pyi": "def g() -> None: ...\n",
        },
    )
    assert table.file_of("pkg.typed") == str((tmp_path / "pkg/typed.py").resolve())
    assert _lookup(table, "pkg", "f") == ("typed.py", 1)
    assert table.file_of("pkg.ext") is None
    assert _lookup(table, "pkg", "g") is None
    assert _lookup(table, "pkg", "path") is None


def test_module_table_marks_every_other_binding(tmp_path: Path) -> None:
    tree = ast.parse(
        "import a.b\nimport c as d\nfrom .e import f\nx = 1\nfor i in []:\n    pass\n"
        "with open('x') as fh:\n    pass\n"
    )
    table = module_table(tree, "pkg.mod", str(tmp_path / "mod.py"), False)
    assert table.names["a"] == ("module", "a")
    assert table.names["d"] == ("module", "c")
    assert table.names["f"] == ("from", "pkg.e", "f")
    assert table.names["x"] is None
    assert table.names["i"] is None
    assert table.names["fh"] is None


def test_module_table_reads_imports_for_annotations(tmp_path: Path) -> None:
    tree = ast.parse(
        "import typing as t\nif t.TYPE_CHECKING:\n    from .parser import Parser\n"
        "if TYPE_CHECKING:\n    import a\nelse:\n    import b as a\n"
        "if DEBUG:\n    from .c import C\n"
    )
    table = module_table(tree, "pkg.mod", str(tmp_path / "mod.py"), False)
    assert table.names["Parser"] == ("from", "pkg.parser", "Parser")
    assert table.names["a"] is None  # an `else`: which one binds it is the run's choice
    assert table.names["C"] is None


def test_plain_bindings_are_not_typed(tmp_path: Path) -> None:
    from pytest_paradisco.discover.references import _load_module, _syntax_sites

    path = tmp_path / "test_plain.py"
    path.write_text(
        "from app import Parser, make\n"
        "def test_it(fixture):\n"
        "    f = lambda: 1\n"  # line 3
        "    f()\n"
        "    items = [1, 2]\n"  # line 5
        "    for kind in (int, str):\n"  # line 6
        "        kind()\n"
        "    for item in items:\n"
        "        pass\n"
        "    p = Parser()\n"  # line 10
        "    with p:\n"
        "        pass\n"
        "    g = make()\n"  # line 13
        "    g()\n"
        "    fixture()\n"  # line 15
        "    g()\n"
    )
    module = _load_module(str(path))
    node = module.tree.body[1]
    sites = _syntax_sites(node, module)
    # a called local is typed where it is bound (`g = make()`), once for all its calls
    assert sorted(line for line, _, _, _ in sites) == [10, 13, 15]


def test_attributes_of_plain_locals_are_not_asked(tmp_path: Path) -> None:
    from pytest_paradisco.discover.references import _load_module, _positions

    path = tmp_path / "test_plain.py"
    path.write_text(
        "from app import Parser\n"
        "def test_it(fixture):\n"
        "    lines = []\n"
        "    lines.append(1)\n"  # line 4: a list's method
        "    for ch in 'abc':\n"
        "        ch.upper()\n"  # line 6: a str's
        "    p = Parser()\n"
        "    p.feed(lines)\n"  # line 8
        "    n = []\n"
        "    n = fixture\n"
        "    n.feed()\n"  # line 11: bound twice, once to a fixture
        "    fixture.feed()\n"  # line 12: a parameter
        "    total = 0\n"
        "    total += p\n"
        "    total.feed()\n"  # line 15: what `p.__radd__` returns
        "def test_nested():\n"
        "    lines = []\n"
        "    lines.append(1)\n"  # line 18
        "    def inner(lines):\n"
        "        lines.feed()\n"  # line 20: a parameter of the nested function
    )
    module = _load_module(str(path))
    lines = [sorted({p[0] for p in _positions(node, module)}) for node in module.tree.body[1:]]
    assert lines == [[8, 11, 12, 15], [18, 20]]


def test_long_test_file_keeps_inferring(tmp_path: Path) -> None:
    # One Jedi Script serves the whole file; Jedi answers nothing for a node it inferred
    # 300 times in one inference state (here `return Parser()`), so the counts are reset
    # per test function with the memoised answers: the last test maps like the first.
    tests = "".join(
        f"\n\ndef test_{n}():\n    parser = make()\n    assert parser.feed()\n" for n in range(320)
    )
    write_project(
        tmp_path,
        {
            "src/lib/__init__.py": "",
            "src/lib/core.py": """
                class Parser:
                    def feed(self):
                        return 1


                def make():
                    return Parser()
            """,
            "tests/test_long.py": "from lib.core import make\n" + tests,
        },
    )
    functions = map_in_process(tmp_path, "lib", "tests/test_long.py")
    feed = set(functions["lib.core.Parser.feed"].direct)
    assert {"tests/test_long.py::test_0", "tests/test_long.py::test_319"} <= feed
    assert len(feed) == 320


def test_self_methods_reach_the_closure(maps: tuple[dict[str, FunctionEntry], ...]) -> None:
    static, _ = maps
    test = "tests/test_app.py::test_widget"
    # `self.size()` in `show` (ast), `self.render()` (also an instance attribute: Jedi)
    assert test in static["app.core.Widget.size"].tests
    assert test in static["app.core.Widget.render"].tests
    assert test not in static["app.core.Widget.make"].tests
