"""Calls no type reaches, followed by name in the closure (discover/names.py): an
attribute Jedi resolves to nothing reaches the method of that name of each class the
test's closure constructs; ``getattr(self, f"visit_{...}")`` reaches the ``visit_``
methods of the constructed subclasses; a registry of functions read reaches them; the
calls in generated code of a project that compiles code it writes. Never a class that
is not constructed, never into ``direct``. Real Jedi over small generated projects,
mapped in-process."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from _mapping_projects import map_in_process, write_project
from pytest_paradisco.discover.mapper import Closure, method_tables
from pytest_paradisco.discover.names import AttrPattern, literal_words, name_edges
from pytest_paradisco.discover.targets import SourceRoot, index_sources
from pytest_paradisco.testmap import FunctionEntry

PROJECT = {
    "src/disp/__init__.py": "",
    "src/disp/core.py": """
        from functools import partial


        class Handler:
            def handle(self):
                return 1


        class Loud(Handler):
            def handle(self):
                return 2


        class Never(Handler):
            def handle(self):
                return 3


        def run_all(items):
            # `items` is an unannotated parameter: Jedi types `item` as nothing
            return [item.handle() for item in items]


        class Visitor:
            def visit(self, node):
                return getattr(self, f"visit_{type(node).__name__}")(node)


        class Printer(Visitor):
            def visit_int(self, node):
                return str(node)

            def visit_str(self, node):
                return node


        class Unused(Visitor):
            def visit_int(self, node):
                return node


        class Stranger:
            def visit_int(self, node):
                return node


        def shout(text):
            return text.upper()


        def whisper(text):
            return text.lower()


        def strip(text):
            return text.strip()


        def pad(text):
            return f" {text} "


        def frame(text):
            return f"[{text}]"


        def hush(level, text):
            return text


        class Style:
            def __init__(self, row, edge=None):
                self.row = row
                self.edge = edge


        FILTERS = {"shout": shout, "whisper": whisper}
        CLEANERS = [strip]
        STYLES = {"shout": Style(pad, edge=frame), "whisper": Style(partial(hush, 1))}


        def apply(name, text):
            for clean in CLEANERS:
                text = clean(text)
            style = STYLES[name]
            return style.row(FILTERS[name](text))
    """,
    "tests/test_disp.py": """
        from disp.core import Loud, Printer, Stranger, apply, run_all


        def test_loud():
            assert run_all([Loud()]) == [2]


        def test_nothing_built():
            assert run_all([]) == []


        def test_printer():
            assert Stranger().visit_int(1) == 1
            assert Printer().visit(1) == "1"


        def test_apply():
            assert apply("shout", "a") == "A"
    """,
}


@pytest.fixture(scope="module")
def functions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FunctionEntry]:
    root = tmp_path_factory.mktemp("disp")
    write_project(root, PROJECT)
    return map_in_process(root, "disp", "tests/test_disp.py")


def pairs_of(functions: dict[str, FunctionEntry], name: str, field: str = "tests") -> set[str]:
    entry = functions[f"disp.core.{name}"]
    return {t.removeprefix("tests/test_disp.py::") for t in getattr(entry, field)}


def test_an_untyped_call_reaches_the_method_of_constructed_classes_only(
    functions: dict[str, FunctionEntry],
) -> None:
    assert pairs_of(functions, "run_all") == {"test_loud", "test_nothing_built"}
    assert pairs_of(functions, "Loud.handle") == {"test_loud"}
    # never constructed (Never), overridden in the class constructed (Handler), or the
    # test constructs nothing: no pair
    assert pairs_of(functions, "Never.handle") == set()
    assert pairs_of(functions, "Handler.handle") == set()
    # closure only
    assert pairs_of(functions, "Loud.handle", "direct") == set()
    # the pseudo-targets that carry these pairs never reach the map itself
    assert not [name for name in functions if ":" in name]


def test_getattr_with_a_prefix_reaches_the_methods_of_constructed_subclasses(
    functions: dict[str, FunctionEntry],
) -> None:
    assert pairs_of(functions, "Printer.visit_int") == {"test_printer"}
    assert pairs_of(functions, "Printer.visit_str") == {"test_printer"}
    assert pairs_of(functions, "Unused.visit_int") == set()  # never constructed
    # constructed, and it has a visit_int, but it is no Visitor: only its direct call
    assert pairs_of(functions, "Stranger.visit_int") == {"test_printer"}
    assert pairs_of(functions, "Printer.visit_str", "direct") == set()


def test_a_registry_read_reaches_the_functions_it_holds(
    functions: dict[str, FunctionEntry],
) -> None:
    """A list's functions are reached by whoever reads it; a dict's entry kept under a
    name only by the tests whose strings hold the name."""
    assert pairs_of(functions, "strip") == {"test_apply"}
    assert pairs_of(functions, "shout") == {"test_apply"}
    assert pairs_of(functions, "whisper") == set()  # no string of test_apply says it
    assert pairs_of(functions, "shout", "direct") == set()
    # tabulate's `"latex": TableFormat(.., datarow=partial(_latex_row, ..))`: the names
    # passed to the call that makes an entry, nested calls included
    assert pairs_of(functions, "pad") == {"test_apply"}
    assert pairs_of(functions, "frame") == {"test_apply"}
    assert pairs_of(functions, "hush") == set()


GENERATED = """
    class Env:
        def getattr(self, obj, name):
            return obj


    class Lonely:
        def getattr(self, obj, name):
            return obj


    def join_all(*parts):
        return "".join(parts)


    def render(text):
        source = "result = join_all(env.getattr(obj, 'x'))"
        namespace = {"join_all": join_all, "env": Env(), "obj": text}
        {run}
        return namespace["result"]
"""


@pytest.mark.parametrize(
    ("run", "generated"),
    [
        ('exec(compile(source, "<t>", "exec"), namespace)', True),
        ('exec("result = 1", namespace)', False),  # runs only a literal: no generated code
    ],
)
def test_calls_in_generated_code(tmp_path: Path, run: str, generated: bool) -> None:
    write_project(
        tmp_path, {"src/gen/__init__.py": "", "src/gen/t.py": GENERATED.replace("{run}", run)}
    )
    index = index_sources([SourceRoot(tmp_path / "src/gen", tmp_path / "src")], tmp_path)
    edges = name_edges(index, index.name_facts)
    assert index.name_facts.compiles is generated
    if generated:
        assert edges["gen.t.render"] == {"gen.t.join_all"}
    else:
        assert "gen.t.render" not in edges
    # `attr:getattr` (an attribute Jedi cannot type) reaches Env.getattr when the closure
    # constructs an Env, not Lonely's
    closure = Closure(
        {"gen.t.render": {"attr:getattr", "new:gen.t.Env"}},
        None,
        ancestors={"gen.t.Env": frozenset({"gen.t.Env"}), "gen.t.Lonely": frozenset()},
        methods={
            "gen.t.Env": {"getattr": "gen.t.Env.getattr"},
            "gen.t.Lonely": {"getattr": "gen.t.Lonely.getattr"},
        },
    )
    assert "gen.t.Env.getattr" in closure.of({"gen.t.render"})
    assert "gen.t.Lonely.getattr" not in closure.of({"gen.t.render"})


def test_closure_dispatches_by_name_whichever_comes_first() -> None:
    """The class may be constructed before or after the call by name is reached, and at
    any depth; ``@CLASS`` keeps only classes derived from it."""
    ancestors = {
        "A": frozenset({"A"}),
        "B": frozenset({"B", "A"}),
        "C": frozenset({"C"}),
    }
    methods = {
        "A": {"run": "A.run", "visit_x": "A.visit_x"},
        "B": {"run": "B.run", "visit_x": "A.visit_x", "visit_y": "B.visit_y"},
        "C": {"run": "C.run", "visit_x": "C.visit_x"},
    }
    edges = {
        "call": {"attr:run"},
        "make_b": {"new:B"},
        "late": {"call", "step"},
        "step": {"make_b"},
        "walk": {"attr:visit_*@A", "new:B", "new:C"},
    }
    closure = Closure(edges, None, ancestors=ancestors, methods=methods)
    assert closure.of({"call"}) == {"call", "attr:run"}
    assert closure.of({"call", "new:B"}) >= {"B.run"}
    assert "A.run" not in closure.of({"call", "new:B"})
    assert {"B.run"} <= closure.of({"late"})  # constructed after the call is reached
    assert Closure(edges, 2, ancestors=ancestors, methods=methods).of({"late"}) == {
        "late",
        "call",
        "step",
        "attr:run",
        "make_b",
    }
    walked = closure.of({"walk"})
    assert {"A.visit_x", "B.visit_y"} <= walked
    assert "C.visit_x" not in walked  # C is constructed but is no A
    assert AttrPattern.parse("attr:visit_*@pkg.A") == AttrPattern("visit_", True, "pkg.A")
    assert AttrPattern.parse("attr:run") == AttrPattern("run", False, None)


def test_registry_entries_kept_under_a_name_follow_the_test_words(tmp_path: Path) -> None:
    edges = {"lookup": {"key:upper", "key:lower"}, "key:upper": {"up"}, "key:lower": {"low"}}
    closure = Closure(edges, None)
    assert closure.of({"lookup"}) == {"lookup", "key:upper", "key:lower", "up", "low"}
    gated = closure.of({"lookup"}, frozenset({"upper", "x"}))
    assert gated == {"lookup", "key:upper", "key:lower", "up"}
    test_file = tmp_path / "test_w.py"
    test_file.write_text(
        textwrap.dedent(
            """
            import pytest

            TEMPLATE = "{{ x|upper }}"


            @pytest.mark.parametrize("name", ["title"])
            def test_one(name):
                assert render("{{ y|lower }}")


            class TestTwo:
                shared = "trim"

                def test_two(self):
                    assert "center"

                def helper(self):
                    return "hidden"
            """
        )
    )
    words = literal_words(test_file, "t/test_w.py")
    assert words["t/test_w.py::test_one"] >= {"x", "upper", "name", "title", "y", "lower"}
    assert words["t/test_w.py::TestTwo::test_two"] >= {"upper", "trim", "center"}
    assert "hidden" not in words["t/test_w.py::TestTwo::test_two"]
    assert "lower" not in words["t/test_w.py::TestTwo::test_two"]
    bad = tmp_path / "test_bad.py"
    bad.write_text("def (:\n")
    assert literal_words(bad, "test_bad.py") == {}


def test_super_calls_and_classes_called_through_variables(tmp_path: Path) -> None:
    """``super().m()`` reaches the next ``m`` along the class's source bases; a variable
    bound to a class (in the function or around it) and called reaches its constructors."""
    write_project(
        tmp_path,
        {
            "src/mk/__init__.py": "",
            "src/mk/core.py": """
                import typing as t


                class Base:
                    def __init__(self):
                        self.x = 1

                    def close(self):
                        return 0


                class Middle(Base):
                    pass


                class Leaf(Middle):
                    def __init__(self):
                        super().__init__()

                    def close(self):
                        return super().close()


                class Unrelated:
                    def __init__(self):
                        pass


                def command(cls=None):
                    if cls is None:
                        cls = t.cast(t.Type[Leaf], Leaf)

                    def decorator(f):
                        return cls(f)

                    return decorator


                def checks(value, callback):
                    assert isinstance(value, Unrelated)
                    return callback()


                class Made:
                    def _simple(self):
                        return 1

                    visit_one = _simple

                    @classmethod
                    def from_code(cls):
                        return object.__new__(cls)
            """,
        },
    )
    index = index_sources([SourceRoot(tmp_path / "src/mk", tmp_path / "src")], tmp_path)
    edges = name_edges(index, index.name_facts)
    assert edges["mk.core.Leaf.__init__"] == {"mk.core.Base.__init__"}
    assert edges["mk.core.Leaf.close"] == {"mk.core.Base.close"}
    assert edges["mk.core.command.<locals>.decorator"] == {
        "mk.core.Leaf.__init__",
        "new:mk.core.Leaf",
    }
    # a class only named (isinstance), and a callback called: nothing constructed
    assert "mk.core.checks" not in edges
    # `object.__new__(cls)` builds a Made; `visit_one` is another name of `_simple`
    assert edges["mk.core.Made.from_code"] == {"new:mk.core.Made"}
    assert method_tables(index)["mk.core.Made"]["visit_one"] == "mk.core.Made._simple"
    off = name_edges(index, index.name_facts, frozenset({"super", "variable-call"}))
    assert "mk.core.Leaf.__init__" not in off
    assert "mk.core.command.<locals>.decorator" not in off


def test_a_method_that_calls_its_own_class_constructs_it(tmp_path: Path) -> None:
    """``type(self)(..)``, ``self.__class__(..)`` and ``cls(..)`` in a classmethod
    construct the method's class (toolz's ``curry.bind``); ``type(other)(..)`` and a
    plain method's ``cls(..)`` do not."""
    write_project(
        tmp_path,
        {
            "src/own/__init__.py": "",
            "src/own/core.py": """
                class Curry:
                    def __init__(self, func):
                        self.func = func

                    def bind(self):
                        return type(self)(self.func)

                    def copy(self):
                        return self.__class__(self.func)

                    @classmethod
                    def make(cls, func):
                        return cls(func)

                    def other(self, thing):
                        return type(thing)(self.func)

                    def plain(cls, func):
                        return cls(func)
            """,
        },
    )
    index = index_sources([SourceRoot(tmp_path / "src/own", tmp_path / "src")], tmp_path)
    edges = name_edges(index, index.name_facts)
    for method in ("bind", "copy", "make"):
        assert edges[f"own.core.Curry.{method}"] == {
            "own.core.Curry.__init__",
            "new:own.core.Curry",
        }, method
    assert "own.core.Curry.other" not in edges
    assert "own.core.Curry.plain" not in edges
    off = name_edges(index, index.name_facts, frozenset({"variable-call"}))
    assert "own.core.Curry.bind" not in off


LOOPS = """
    class Base:
        def __bool__(self):
            return True


    class Loop(Base):
        def __init__(self, items):
            self.items = items

        def __iter__(self):
            return iter(self.items)

        def first(self):
            return self.items[0]

        def _peek(self):
            return None


    def render(text):
        source = "for item, loop in Loop(items):\\n    pass"
        exec(compile(source, "<t>", "exec"), {"Loop": Loop, "items": text})
"""


def test_instances_generated_code_constructs(tmp_path: Path) -> None:
    # what generated code does with an instance it makes is not in the source: its
    # public methods are reached by name, for tests whose strings name them (a
    # template's `loop.first`)
    write_project(tmp_path, {"src/gen/__init__.py": "", "src/gen/t.py": LOOPS})
    index = index_sources([SourceRoot(tmp_path / "src/gen", tmp_path / "src")], tmp_path)
    edges = name_edges(index, index.name_facts)
    assert edges["gen.t.render"] == {
        "gen.t.Loop.__init__",
        "new:gen.t.Loop",
        "key:first",
    }
    assert edges["key:first"] == {"gen.t.Loop.first"}
    closure = Closure(edges, None)
    assert "gen.t.Loop.first" in closure.of({"gen.t.render"}, frozenset({"loop", "first"}))
    assert "gen.t.Loop.first" not in closure.of({"gen.t.render"}, frozenset({"loop"}))
    assert "gen.t.Loop._peek" not in closure.of({"gen.t.render"}, frozenset({"_peek"}))


CLASS_HOOKS = {
    "src/hooks/__init__.py": "",
    "src/hooks/core.py": """
        class Generator:
            def generate(self):
                return self.emit()

            def emit(self):
                return "code"


        class NativeGenerator(Generator):
            def emit(self):
                return "native"


        class Template:
            def render(self):
                return "template"


        class NativeTemplate(Template):
            def render(self):
                return "native template"


        class Environment:
            generator_class = Generator

            def compile(self):
                return self.generator_class().generate()

            def load(self):
                return self.template_class().render()


        class NativeEnvironment(Environment):
            generator_class = NativeGenerator


        Environment.template_class = Template
        NativeEnvironment.template_class = NativeTemplate
    """,
    "tests/test_hooks.py": """
        from hooks.core import Environment, NativeEnvironment


        def test_native():
            env = NativeEnvironment()
            assert env.compile() == "native"
            assert env.load() == "native template"


        def test_plain():
            assert Environment().compile() == "code"
    """,
}


def test_a_class_attribute_holding_a_class_constructs_it(tmp_path: Path) -> None:
    """jinja2's ``NativeEnvironment.code_generator_class = NativeCodeGenerator``, called
    as ``self.code_generator_class(..)`` in a method of the base, which Jedi types by
    the base's ``CodeGenerator``: an instance of the class may construct the classes its
    class attributes hold (in its body, or set from the module's top level), so a base
    method may run their overrides; only for tests that construct the class."""
    write_project(tmp_path, CLASS_HOOKS)
    index = index_sources([SourceRoot(tmp_path / "src/hooks", tmp_path / "src")], tmp_path)
    edges = name_edges(index, index.name_facts)
    assert edges["new:hooks.core.NativeEnvironment"] == {
        "new:hooks.core.NativeGenerator",
        "new:hooks.core.NativeTemplate",
    }
    assert "new:hooks.core.NativeEnvironment" not in name_edges(
        index, index.name_facts, frozenset({"class-attr"})
    )
    functions = map_in_process(tmp_path, "hooks", "tests/test_hooks.py")
    native = "tests/test_hooks.py::test_native"
    assert functions["hooks.core.NativeGenerator.emit"].tests == [native]
    assert functions["hooks.core.NativeTemplate.render"].tests == [native]


OVERRIDDEN = {
    "src/ov/__init__.py": "",
    "src/ov/types.py": """
        class ParamType:
            arity = 1


        class Pair(ParamType):
            @property
            def arity(self):
                return 2


        class Never(ParamType):
            @property
            def arity(self):
                return 3


        class Param:
            def __init__(self, type: ParamType) -> None:
                self.type = type

            def nargs(self) -> int:
                return self.type.arity
    """,
    "tests/test_ov.py": """
        from ov.types import Pair, Param, ParamType


        def test_pair():
            assert Param(Pair()).nargs() == 2


        def test_plain():
            assert Param(ParamType()).nargs() == 1
    """,
}


def test_a_data_attribute_a_subclass_overrides_with_a_property(tmp_path: Path) -> None:
    """``self.type.arity``, typed as the base's class attribute ``arity = 1``, runs the
    ``arity`` property of a subclass the test constructs (click's ``Tuple.arity``)."""
    write_project(tmp_path, OVERRIDDEN)
    functions = map_in_process(tmp_path, "ov", "tests/test_ov.py")
    assert functions["ov.types.Pair.arity"].tests == ["tests/test_ov.py::test_pair"]
    assert functions["ov.types.Never.arity"].tests == []


PROTOCOLS = {
    "src/ser/__init__.py": "",
    "src/ser/core.py": """
        import json
        import typing as t


        class PSerializer(t.Protocol):
            def loads(self, payload): ...

            def dumps(self, obj): ...


        class Compact:
            @staticmethod
            def loads(payload):
                return json.loads(payload)

            @staticmethod
            def dumps(obj):
                return json.dumps(obj, separators=(",", ":"))


        class Pretty:
            def loads(self, payload):
                return json.loads(payload)

            def dumps(self, obj):
                return json.dumps(obj, indent=2)


        class Half:
            def dumps(self, obj):
                return repr(obj)


        class Serializer:
            default_serializer: PSerializer = json

            def __init__(self, serializer: PSerializer | None = None):
                if serializer is None:
                    serializer = self.default_serializer
                self.serializer: PSerializer = serializer

            def encode(self, obj):
                return self.serializer.dumps(obj)


        class CompactMixin:
            default_serializer: PSerializer = Compact


        class CompactSerializer(CompactMixin, Serializer):
            pass


        class Hook(t.Protocol):
            def __call__(self, value): ...


        class Shout:
            def __call__(self, value):
                return value.upper()


        def run_hook(hook: Hook, value):
            return hook(value)
    """,
    "tests/test_ser.py": """
        from ser.core import CompactSerializer, Serializer, Shout, run_hook


        def test_compact():
            assert CompactSerializer().encode([1, 2]) == "[1,2]"


        def test_plain():
            assert Serializer().encode([1]) == "[1]"
            assert Shout() and run_hook(str.upper, "a") == "A"
    """,
}


def test_a_protocol_call_runs_the_implementations_the_test_holds(tmp_path: Path) -> None:
    """itsdangerous 2.2.0's ``self.serializer: _PDataSerializer`` (a ``typing.Protocol``)
    holds ``_CompactJSON`` where ``URLSafeSerializerMixin.default_serializer`` says so:
    a call typed by the protocol runs the methods of the source classes that implement
    all of it, once the test makes an instance holding one (the mixin is a base of what
    the test constructs). ``Half`` implements part of it; ``Pretty`` is held by
    nothing the tests make; ``Hook`` is all dunders."""
    write_project(tmp_path, PROTOCOLS)
    functions = map_in_process(tmp_path, "ser", "tests/test_ser.py")
    prefix = "tests/test_ser.py::"
    assert functions["ser.core.Compact.dumps"].tests == [f"{prefix}test_compact"]
    assert functions["ser.core.Pretty.dumps"].tests == []
    assert functions["ser.core.Half.dumps"].tests == []
    assert functions["ser.core.Compact.loads"].tests == []  # no call of it
    # a protocol of dunders only is a callback type any callable class implements
    assert functions["ser.core.Hook.__call__"].tests == [f"{prefix}test_plain"]
    assert functions["ser.core.Shout.__call__"].tests == []
    index = index_sources([SourceRoot(tmp_path / "src/ser", tmp_path / "src")], tmp_path)
    edges = name_edges(index, index.name_facts)
    assert "new:ser.core.Compact" in edges["new:ser.core.CompactSerializer"]


def test_getattr_by_a_type_name_reaches_every_method_of_the_class(tmp_path: Path) -> None:
    """``getattr(self, name)`` with ``name`` made of a node class's ``__name__`` (pyflakes'
    ``nodeType = node_class.__name__.upper()``) is a visitor's dispatch: any method of
    the class (and of its subclasses) may run, or those starting with the prefix the
    name is built with. A name from elsewhere, or on another object, is not."""
    write_project(
        tmp_path,
        {
            "src/lint/__init__.py": "",
            "src/lint/checker.py": """
                class Checker:
                    def handler(self, node_class):
                        node_type = node_class.__name__.upper()
                        return getattr(self, node_type, self.unknown)

                    def direct(self, node):
                        return getattr(self, type(node).__name__)

                    def process(self, node):
                        func_name = "_process_{cls}".format(cls=type(node).__name__)
                        return getattr(self, func_name.lower(), self.unknown)

                    def _process_name(self, node):
                        return node

                    def by_option(self, option):
                        return getattr(self, option)

                    def elsewhere(self, other, node):
                        return getattr(other, type(node).__name__)

                    def NAME(self, node):
                        return node

                    def unknown(self, node):
                        return None
            """,
        },
    )
    index = index_sources([SourceRoot(tmp_path / "src/lint", tmp_path / "src")], tmp_path)
    edges = name_edges(index, index.name_facts)
    everything = AttrPattern.parse(next(iter(edges["lint.checker.Checker.handler"])))
    assert edges["lint.checker.Checker.handler"] == edges["lint.checker.Checker.direct"]
    assert (everything.name, everything.prefix, everything.within) == (
        "",
        True,
        "lint.checker.Checker",
    )
    tables = method_tables(index)
    assert set(everything.methods(tables["lint.checker.Checker"])) == {
        f"lint.checker.Checker.{m}"
        for m in (
            "handler",
            "direct",
            "process",
            "_process_name",
            "by_option",
            "elsewhere",
            "NAME",
            "unknown",
        )
    }
    # sqlparse's filters: the name has a prefix, through `.format(..)` and `.lower()`
    assert edges["lint.checker.Checker.process"] == {"attr:_process_*@lint.checker.Checker"}
    assert "lint.checker.Checker.by_option" not in edges
    assert "lint.checker.Checker.elsewhere" not in edges
    off = name_edges(index, index.name_facts, frozenset({"getattr"}))
    assert "lint.checker.Checker.handler" not in off


def test_a_class_passed_to_a_function_that_calls_its_parameter_is_constructed(
    tmp_path: Path,
) -> None:
    """pyflakes' ``self.report(messages.UndefinedName, node, name)``, where ``report(self,
    messageClass, *args)`` calls ``messageClass(..)``: the caller makes an instance of
    the class it passes (by position or keyword, the callee found by name). A class
    passed where the callee does not call the parameter, or passed to a builtin, is not
    made."""
    write_project(
        tmp_path,
        {
            "src/rep/__init__.py": "",
            "src/rep/messages.py": """
                class Message:
                    def __init__(self, text):
                        self.text = text


                class Undefined(Message):
                    pass


                class Unused(Message):
                    pass


                class Scope:
                    def __init__(self):
                        self.names = {}
            """,
            "src/rep/checker.py": """
                from rep import messages
                from rep.messages import Scope


                class Checker:
                    def report(self, message_class, *args):
                        return message_class(*args)

                    def in_scope(self, *, cls):
                        return cls()

                    def keep(self, kind):
                        return kind

                    def name(self, node):
                        self.report(messages.Undefined, node)

                    def scoped(self):
                        return self.in_scope(cls=Scope)

                    def kept(self):
                        return self.keep(messages.Unused)

                    def check(self, node):
                        return isinstance(node, messages.Unused)
            """,
        },
    )
    index = index_sources([SourceRoot(tmp_path / "src/rep", tmp_path / "src")], tmp_path)
    edges = name_edges(index, index.name_facts)
    assert edges["rep.checker.Checker.name"] == {
        "rep.messages.Message.__init__",
        "new:rep.messages.Undefined",
    }
    assert edges["rep.checker.Checker.scoped"] == {
        "rep.messages.Scope.__init__",
        "new:rep.messages.Scope",
    }
    assert "rep.checker.Checker.kept" not in edges
    assert "rep.checker.Checker.check" not in edges
    off = name_edges(index, index.name_facts, frozenset({"variable-call"}))
    assert "rep.checker.Checker.name" not in off


def test_a_variable_asked_callable_and_called_may_be_any_callable_instance(
    tmp_path: Path,
) -> None:
    """voluptuous' ``if callable(schema): def validate_callable(path, data): return
    schema(data)``: the value may be an instance of any class with ``__call__`` (its
    validators), so the closure dispatches to ``__call__`` by name. A parameter only
    called, with no such check (click's ``ctx.invoke(callback)``), is not, nor a local
    (click's ``if call and callable(value): value = value()`` over a default)."""
    write_project(
        tmp_path,
        {
            "src/val/__init__.py": "",
            "src/val/core.py": """
                def compile_scalar(schema):
                    if callable(schema):

                        def validate_callable(path, data):
                            return schema(data)

                        return validate_callable
                    return None


                def invoke(callback, *args):
                    return callback(*args)


                def get_default(defaults, name):
                    value = defaults.get(name)
                    if callable(value):
                        return value()
                    return value


                class Range:
                    def __call__(self, value):
                        return value


                DEFAULT = Range()  # made at import: every test has one
            """,
            "tests/test_val.py": """
                from val.core import Range, compile_scalar


                def test_range():
                    assert compile_scalar(Range())(None, 1) == 1


                def test_other():
                    assert compile_scalar(len)(None, [1]) == 1
            """,
        },
    )
    functions = map_in_process(tmp_path, "val", "tests/test_val.py")
    # not for the instance the import makes (toolz's curried namespace is made of
    # `curry` instances, and `thread_first`'s `if callable(form): form(val)` would
    # reach `curry.__call__` for every test)
    assert functions["val.core.Range.__call__"].tests == ["tests/test_val.py::test_range"]
    index = index_sources([SourceRoot(tmp_path / "src/val", tmp_path / "src")], tmp_path)
    edges = name_edges(index, index.name_facts)
    caller = "val.core.compile_scalar.<locals>.validate_callable"
    assert edges[caller] == {"attr:__call__!"}
    pattern = AttrPattern.parse("attr:__call__!")
    assert (pattern.name, pattern.own) == ("__call__", True)
    assert list(pattern.methods(method_tables(index)["val.core.Range"])) == [
        "val.core.Range.__call__"
    ]
    assert "val.core.invoke" not in edges
    assert "val.core.get_default" not in edges  # a local, as click's default values
    assert "val.core.compile_scalar" not in edges
    off = name_edges(index, index.name_facts, frozenset({"variable-call"}))
    assert caller not in off
