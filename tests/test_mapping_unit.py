"""The pure parts of mapping, without Jedi: targets, the import filter, source roots,
the cache, the JSON form and the summary."""

from __future__ import annotations

import ast
import json
import os
import textwrap
from pathlib import Path

import pytest

from pytest_paradisco import report
from pytest_paradisco.discover.cache import ResultCache
from pytest_paradisco.discover.imports import ImportFilter, conftests_above
from pytest_paradisco.discover.mapper import (
    Closure,
    MapRequest,
    call_graph,
    importers,
    make_context,
    overrides,
)
from pytest_paradisco.discover.references import FileResult
from pytest_paradisco.discover.session import (
    SourceError,
    default_sources,
    resolve_entries,
    root_for_dir,
)
from pytest_paradisco.discover.targets import SourceRoot, index_sources, version_test
from pytest_paradisco.testmap import FunctionEntry, MapError, TestMap


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


SOURCE = {
    "src/pkg/__init__.py": "from pkg.base import Base as Base\n",
    "src/pkg/base.py": """
        class Base:
            def __new__(cls):
                return super().__new__(cls)

            def __init__(self):
                self.x = 1
    """,
    "src/pkg/sub.py": """
        from pkg import Base
        from . import util


        class Child(Base):
            def __post_init__(self):
                pass

            def go(self):
                return util.helper()


        class Grand(Child):
            def __init__(self):
                super().__init__()


        async def fetch():
            def inner():
                class Local:
                    def m(self):
                        pass
                return Local
            return inner
    """,
    "src/pkg/util.py": "def helper():\n    return 1\n",
    "src/pkg/lonely.py": "def alone():\n    return 2\n",
    "src/pkg/conftest.py": "def not_a_target():\n    pass\n",
    "src/pkg/broken.py": "def oops(:\n",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, SOURCE)
    return tmp_path


def test_targets_are_named_by_qualname(project: Path) -> None:
    index = index_sources([SourceRoot(project / "src/pkg", project / "src")], project)
    assert sorted(index.targets) == [
        "pkg.base.Base.__init__",
        "pkg.base.Base.__new__",
        "pkg.lonely.alone",
        "pkg.sub.Child.__post_init__",
        "pkg.sub.Child.go",
        "pkg.sub.Grand.__init__",
        "pkg.sub.fetch",
        "pkg.sub.fetch.<locals>.inner",
        "pkg.sub.fetch.<locals>.inner.<locals>.Local.m",
        "pkg.util.helper",
    ]
    go = index.targets["pkg.sub.Child.go"]
    assert (go.file, go.line, go.end_line) == ("src/pkg/sub.py", 9, 10)
    assert index.errors == [("src/pkg/broken.py", "does not parse: invalid syntax (line 1)")]


def test_every_definition_of_a_redefined_name_is_its_target(tmp_path: Path) -> None:
    """cachetools' ``cached`` defines ``wrapper`` in each branch of an ``if``; Jedi lands
    on any of them (the one its flow analysis picks), so each ``def`` line is the
    target, as is each line of a class defined in both branches of a version check."""
    write(
        tmp_path,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/core.py": """
                import sys


                def cached(info):
                    def decorator(func):
                        if info:

                            def wrapper():
                                return func()

                        else:

                            def wrapper():
                                return None

                        return wrapper

                    return decorator


                if sys.version_info >= (3,):

                    class Text(str):
                        pass

                else:

                    class Text(bytes):
                        pass
            """,
        },
    )
    roots = [SourceRoot(tmp_path / "src/pkg", tmp_path / "src")]
    index = index_sources(roots, tmp_path)
    request = MapRequest(tmp_path, [], roots, [tmp_path / "src"])
    context = make_context(index, request)
    core = str((tmp_path / "src/pkg/core.py").resolve())
    wrapper = "pkg.core.cached.<locals>.decorator.<locals>.wrapper"
    assert sorted(line for (path, line), name in context.functions.items() if name == wrapper) == [
        8,
        13,
    ]
    assert index.targets[wrapper].line == 13  # the map's `line`: the last definition
    assert context.class_names[(core, 23)] == context.class_names[(core, 28)] == "pkg.core.Text"


def test_a_branch_this_python_never_takes_defines_no_target(tmp_path: Path) -> None:
    """six 1.16.0 defines ``exec_``, ``wraps``, ``byte2int`` ... for Python 2 under
    ``if PY3: .. else:``; no test can run them, and Jedi still lands on them (7 of six's
    20 false direct pairs). A name a live branch defines too keeps the dead line as its
    own, as a redefinition does."""
    write(
        tmp_path,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/core.py": """
                import builtins
                import functools
                import sys

                PY3 = sys.version_info[0] == 3

                if sys.version_info[0] == 2:

                    def old():
                        pass

                if PY3:
                    exec_ = getattr(builtins, "exec")
                else:

                    def exec_(code):
                        pass

                if sys.version_info[:2] < (3, 4):

                    def wraps(f):
                        return f

                else:
                    wraps = functools.wraps

                if not PY3 or sys.platform == "win32":

                    def maybe():
                        pass

                if not PY3:

                    def u(s):
                        return s.decode()

                else:

                    def u(s):
                        return s
            """,
        },
    )
    roots = [SourceRoot(tmp_path / "src/pkg", tmp_path / "src")]
    index = index_sources(roots, tmp_path)
    assert "pkg.core.old" not in index.targets
    assert "pkg.core.exec_" not in index.targets
    assert "pkg.core.wraps" not in index.targets
    assert "pkg.core.maybe" in index.targets  # `sys.platform`: not a version test
    assert index.targets["pkg.core.u"].line == 39
    context = make_context(index, MapRequest(tmp_path, [], roots, [tmp_path / "src"]))
    u_lines = sorted(line for (_, line), name in context.functions.items() if name == "pkg.core.u")
    assert u_lines == [34, 39]
    known = {"PY3": True}
    for code, value in [
        ("sys.version_info >= (3,)", True),
        ("sys.version_info < (3, 4)", False),
        ("sys.version_info.major == 2", False),
        ("PY3 and sys.version_info[:2] >= (3, 0)", True),
        ("not PY3 or x", None),
        ("PY3 or x", True),
        ("sys.platform == 'linux'", None),
    ]:
        assert version_test(ast.parse(code, mode="eval").body, known) is value, code


def test_a_name_error_handler_for_a_builtin_this_python_has_defines_no_target(
    tmp_path: Path,
) -> None:
    """six 1.16.0's ``try: advance_iterator = next`` / ``except NameError: def
    advance_iterator(it)``: ``next`` is a builtin here, the handler never runs (9 of
    six's 13 false direct pairs). A handler of anything but ``NameError``, or a ``try``
    body that does more than bind builtins, keeps its definitions."""
    write(
        tmp_path,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/core.py": """
                try:
                    advance_iterator = next
                except NameError:

                    def advance_iterator(it):
                        return it.next()

                try:
                    callable = callable
                except (NameError,):

                    def callable(obj):
                        return True

                try:
                    unicode = unicode_type
                except NameError:

                    def unicode(s):
                        return s

                try:
                    import fast
                except ImportError:

                    def slow():
                        pass
            """,
        },
    )
    index = index_sources([SourceRoot(tmp_path / "src/pkg", tmp_path / "src")], tmp_path)
    assert "pkg.core.advance_iterator" not in index.targets
    assert "pkg.core.callable" not in index.targets
    assert "pkg.core.unicode" in index.targets  # `unicode_type` is no builtin
    assert "pkg.core.slow" in index.targets


def test_constructors_follow_bases_through_re_exports(project: Path) -> None:
    index = index_sources([SourceRoot(project / "src/pkg", project / "src")], project)
    # Child's base is spelled pkg.Base: re-exported by pkg/__init__.py from pkg.base
    assert index.constructors("pkg.sub.Child") == (
        "pkg.base.Base.__new__",
        "pkg.base.Base.__init__",
        "pkg.sub.Child.__post_init__",
    )
    assert index.constructors("pkg.sub.Grand") == (
        "pkg.base.Base.__new__",
        "pkg.sub.Grand.__init__",
        "pkg.sub.Child.__post_init__",
    )


def test_dependencies_and_fingerprint(project: Path) -> None:
    root = [SourceRoot(project / "src/pkg", project / "src")]
    index = index_sources(root, project)
    assert index.imports["pkg.sub"] == {"pkg", "pkg.util"}
    # pkg.sub with its parent package, not what they import in turn
    assert index.import_files(["pkg.sub"]) == {"src/pkg/__init__.py", "src/pkg/sub.py"}
    before = index.fingerprint()
    util = project / "src/pkg/util.py"
    util.write_text("def helper():\n    return 2  # a body edit\n")
    assert index_sources(root, project).fingerprint() == before
    util.write_text("def helper():\n    return 2\n\ndef another():\n    pass\n")
    assert index_sources(root, project).fingerprint() != before


@pytest.mark.parametrize(
    ("code", "kept"),
    [
        ("import pkg.sub as s", True),
        ("from pkg import sub", True),
        ("from pkg.sub import Child", True),
        ("from pkg import Base", True),
        ("import pkg", True),
        ("def test_a():\n    from pkg.util import helper", True),
        ("from pkg.sub import *", True),
        ("import os\nfrom collections import OrderedDict", False),
        ("import pkgx", False),
    ],
)
def test_import_filter_spellings(project: Path, code: str, kept: bool) -> None:
    write(project, {"tests/test_x.py": code + "\n"})
    index = index_sources([SourceRoot(project / "src/pkg", project / "src")], project)
    check = ImportFilter(index, [project / "src"]).check(project / "tests/test_x.py")
    assert check.kept is kept
    assert check.error is None


def test_import_filter_follows_conftests_helpers_and_relative_imports(project: Path) -> None:
    write(
        project,
        {
            "tests/conftest.py": "from pkg.util import helper\n",
            "tests/deep/test_a.py": "def test_a():\n    pass\n",
            "other/__init__.py": "",
            "other/helpers.py": "from pkg import lonely\n",
            "other/test_b.py": "from .helpers import *\n",
            "src/pkg/tests/__init__.py": "",
            "src/pkg/tests/test_c.py": "from ..lonely import alone\n",
            "plain/test_d.py": "import json\n",
            "plain/test_e.py": "def test_e(:\n",
        },
    )
    index = index_sources(
        [SourceRoot(project / "src/pkg", project / "src")],
        project,
        exclude=[project / "src/pkg/tests/test_c.py"],
    )
    assert "pkg.tests.test_c" not in index.modules  # test files are never targets
    flt = ImportFilter(index, [project / "src"])
    a = flt.check(project / "tests/deep/test_a.py")
    assert (a.kept, a.modules, a.local_files) == (True, {"pkg.util"}, ("tests/conftest.py",))
    b = flt.check(project / "other/test_b.py")
    assert (b.kept, b.modules, b.local_files) == (
        True,
        {"pkg", "pkg.lonely"},
        ("other/helpers.py",),
    )
    assert flt.check(project / "src/pkg/tests/test_c.py").modules == {"pkg.lonely"}
    assert not flt.check(project / "plain/test_d.py").kept
    broken = flt.check(project / "plain/test_e.py")
    assert not broken.kept
    assert broken.error == "does not parse: invalid syntax (line 1)"
    assert conftests_above(project / "tests/deep/test_a.py", project) == [
        project / "tests/conftest.py"
    ]


def test_importers_reach_modules_through_packages_and_source_imports(project: Path) -> None:
    write(
        project,
        {
            "tests/test_sub.py": "from pkg.sub import Child\n",
            "tests/test_lonely.py": "import pkg.lonely\n",
            "tests/test_none.py": "import json\n",
        },
    )
    index = index_sources([SourceRoot(project / "src/pkg", project / "src")], project)
    flt = ImportFilter(index, [project / "src"])
    checks = {p: flt.check(p) for p in sorted((project / "tests").glob("test_*.py"))}
    found = importers(index, checks, project)
    both = ["tests/test_lonely.py", "tests/test_sub.py"]
    # importing pkg.sub runs pkg/__init__ (which imports pkg.base) and pkg.sub's imports
    assert found["pkg"] == both
    assert found["pkg.base"] == both
    assert found["pkg.util"] == ["tests/test_sub.py"]
    assert found["pkg.lonely"] == ["tests/test_lonely.py"]
    assert "tests/test_none.py" not in {f for files in found.values() for f in files}


def test_overrides_follow_source_bases(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/shapes/__init__.py": "from shapes.base import Shape as Shape\n",
            "src/shapes/base.py": """
                class Shape:
                    def __init__(self):
                        pass

                    def area(self):
                        return 0

                    def name(self):
                        return "shape"
            """,
            "src/shapes/square.py": """
                from shapes import Shape


                class Square(Shape):
                    def __init__(self):
                        pass

                    def area(self):
                        return 1


                class Tiny(Square):
                    def area(self):
                        return 0.1

                    def name(self):
                        return "tiny"
            """,
        },
    )
    index = index_sources([SourceRoot(tmp_path / "src/shapes", tmp_path / "src")], tmp_path)
    assert overrides(index) == {
        "shapes.square.Square.area": ["shapes.base.Shape.area"],
        "shapes.square.Tiny.area": ["shapes.square.Square.area", "shapes.base.Shape.area"],
        "shapes.square.Tiny.name": ["shapes.base.Shape.name"],
    }


def test_source_roots(project: Path) -> None:
    bases = [project / "src", project]
    (project / "lib").mkdir()
    assert resolve_entries(["pkg"], project, bases) == [
        SourceRoot(project / "src/pkg", project / "src")
    ]
    assert resolve_entries(["pkg.sub"], project, bases)[0].path == project / "src/pkg/sub.py"
    assert root_for_dir(project / "src", bases) == SourceRoot(project / "src", project / "src")
    assert root_for_dir(project / "lib", bases) == SourceRoot(project / "lib", project)
    with pytest.raises(SourceError, match="'nope' is neither a directory nor a module"):
        resolve_entries(["nope"], project, bases)


def test_default_sources_in_order(project: Path) -> None:
    bases = [project / "src", project]
    write(project, {"tests/test_x.py": "import app\nimport pkg\n", "app/__init__.py": ""})
    tests = [project / "tests/test_x.py"]
    by_coverage = default_sources(project, bases, (["app"], "setup.cfg"), tests)
    assert by_coverage is not None
    assert (by_coverage.origin, by_coverage.names) == (
        "coverage [run] source in setup.cfg",
        ("app",),
    )
    by_src = default_sources(project, bases, None, tests)
    assert by_src is not None
    assert (by_src.origin, by_src.names) == ("the packages under src/", ("src/pkg",))
    assert by_src.flags() == "--paradisco-source=src/pkg"
    (project / "src").rename(project / "elsewhere")
    by_imports = default_sources(project, [project], None, tests)
    assert by_imports is not None
    assert (by_imports.origin, by_imports.names) == (
        "the project's packages the tests import",
        ("app",),
    )


def test_cache_entries(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c", salt="v1")
    result = FileResult("tests/test_a.py", ("t::a",), (("t::a", "pkg.f"),), ("/x/pkg.py",))
    hashes = {"src/pkg.py": "h1", "tests/conftest.py": "h2"}
    key = cache.key("tests/test_a.py", "content-1")
    assert cache.get("tests/test_a.py", key, hashes.get) is None
    cache.put("tests/test_a.py", key, hashes, result)
    assert cache.get("tests/test_a.py", key, hashes.get) == result
    assert [p.name.startswith(".tmp") for p in (tmp_path / "c").iterdir()] == [False]
    # the file's content changed: another key
    assert (
        cache.get("tests/test_a.py", cache.key("tests/test_a.py", "content-2"), hashes.get) is None
    )
    # a dependency changed
    assert cache.get("tests/test_a.py", key, {**hashes, "src/pkg.py": "h3"}.get) is None
    # other versions, target set or settings: another salt, another key
    assert ResultCache(tmp_path / "c", salt="v2").key("tests/test_a.py", "content-1") != key
    assert cache.corrupt == []
    entry = next((tmp_path / "c").iterdir())
    entry.write_text("{not json")
    assert cache.get("tests/test_a.py", key, hashes.get) is None
    assert cache.corrupt == ["tests/test_a.py"]
    cache.clear()
    assert not (tmp_path / "c").exists()
    nothing = ResultCache(None, salt="")
    nothing.put("tests/test_a.py", key, hashes, result)
    assert nothing.get("tests/test_a.py", key, hashes.get) is None


def test_json_round_trip_and_version(tmp_path: Path) -> None:
    testmap = TestMap(
        rootdir="/r",
        sources=["src/pkg"],
        functions={"pkg.f": FunctionEntry("src/pkg/f.py", 1, 2, ["t.py::a"], ["t.py::a"])},
        errors=[MapError("t2.py", "syntax", "does not parse")],
        stats={"functions": 1},
        unmapped=["t.py::b"],
    )
    path = tmp_path / "out" / "map.json"
    testmap.write(path)
    assert TestMap.read(path) == testmap
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
    assert [p.name for p in path.parent.iterdir()] == ["map.json"]  # no temporary left
    data = json.loads(path.read_text())
    assert list(data) == [
        "version",
        "rootdir",
        "sources",
        "functions",
        "errors",
        "importers",
        "overrides",
        "unmapped",
        "stats",
    ]
    data["version"] = 2
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="map version 2 is not 1"):
        TestMap.read(path)


def test_summary_lists_errors_up_to_a_limit() -> None:
    errors = [MapError(f"t{i}.py", "timeout", "ran past 1 s") for i in range(12)]
    testmap = TestMap("/r", [], {}, errors)
    testmap.stats = {
        "functions": 5,
        "functions_mapped": 4,
        "tests_mapped": 9,
        "test_files_mapped": 3,
        "test_files_kept": 3,
        "test_files": 4,
        "analysed": 2,
        "cache_hits": 1,
        "workers": 2,
        "depth": "full",
        "pairs": 20,
        "pairs_direct": 12,
        "call_edges": 7,
        "source_analysed": 1,
        "source_cache_hits": 3,
        "seconds": {"targets": 0.01, "imports": 0.02, "references": 1.5, "total": 1.53},
    }
    lines = report.map_summary(testmap, "m.json", None)
    assert lines[:4] == [
        "map: 4 of 5 functions mapped to 9 tests in 3 files -> m.json",
        "  import filter kept 3 of 4 test files; analysed 2, cache hits 1; workers 2",
        "  closure (depth full): 20 test-function pairs, 12 direct, over 7 call edges; "
        "source files analysed 1, cache hits 3",
        "  time: targets 0.01 s, imports 0.02 s, references 1.50 s (total 1.53 s)",
    ]
    assert lines[4] == "  errors (12, their tests are still collected):"
    assert lines[5] == "    t0.py: timeout: ran past 1 s"
    assert lines[-1] == "    ... and 2 more in m.json"
    assert len(lines) == 5 + 10 + 1
    # the tests the map links to nothing (the JSON's `unmapped`) are counted too
    testmap.unmapped = ["t1.py::test_a", "t1.py::test_b"]
    lines = report.map_summary(testmap, "m.json", None)
    assert lines[0] == (
        "map: 4 of 5 functions mapped to 9 tests in 3 files (2 tests linked to none: "
        "unmapped) -> m.json"
    )


def test_closure_depth_and_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}}
    assert Closure(edges, None).of({"a"}) == {"a", "b", "c", "d"}
    assert Closure(edges, 0).of({"a"}) == {"a"}
    assert Closure(edges, 1).of({"a"}) == {"a", "b"}
    assert Closure(edges, 2).of({"a", "d"}) == {"a", "b", "c", "d"}


def test_call_graph_dispatches_to_overrides(project: Path) -> None:
    write(
        project,
        {
            "src/pkg/shapes.py": """
                class Shape:
                    def area(self):
                        return 0

                    def __init__(self):
                        pass

                class Square(Shape):
                    def area(self):
                        return 1

                    def __init__(self):
                        pass

                class Cube(Square):
                    def area(self):
                        return 2

                def total(shape):
                    return shape.area()
            """
        },
    )
    index = index_sources([SourceRoot(project / "src/pkg", project / "src")], project)
    edges = call_graph(index, [("pkg.shapes.total", "pkg.shapes.Shape.area")])
    assert edges["pkg.shapes.total"] == {"pkg.shapes.Shape.area"}
    assert edges["pkg.shapes.Shape.area"] == {"pkg.shapes.Square.area", "pkg.shapes.Cube.area"}
    assert edges["pkg.shapes.Square.area"] == {"pkg.shapes.Cube.area"}
    assert "pkg.shapes.Shape.__init__" not in edges  # constructors are not dispatched


def test_closure_dispatches_only_to_classes_it_constructs() -> None:
    """A call typed ``Base.m`` runs ``Sub.m`` only on a ``Sub``: the override is followed
    once the reached code constructs a ``Sub`` or a subclass of it, wherever in the
    closure that happens (before or after the call)."""
    edges = {"t": {"Base.m", "f"}, "f": {"new:Other"}, "g": {"Base.m"}}
    dispatch = {"Base.m": {("Sub.m", "Sub"), ("Other.m", "Other")}}
    ancestors = {
        "Base": frozenset({"Base"}),
        "Sub": frozenset({"Sub", "Base"}),
        "Deep": frozenset({"Deep", "Sub", "Base"}),
        "Other": frozenset({"Other", "Base"}),
    }
    closure = Closure(edges, None, dispatch, ancestors)
    assert closure.of({"g"}) == {"g", "Base.m"}
    assert closure.of({"g", "new:Sub"}) == {"g", "new:Sub", "Base.m", "Sub.m"}
    assert closure.of({"g", "new:Deep"}) == {"g", "new:Deep", "Base.m", "Sub.m"}
    assert closure.of({"g", "new:Base"}) == {"g", "new:Base", "Base.m"}
    # `t` constructs an Other through `f`, after reaching Base.m
    assert closure.of({"t"}) == {"t", "f", "new:Other", "Base.m", "Other.m"}
    assert Closure(edges, 1, dispatch, ancestors).of({"t"}) == {"t", "f", "Base.m"}
