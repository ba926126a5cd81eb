"""Dunders that syntax calls: ``with`` runs ``__enter__``/``__exit__`` and ``for`` runs
``__iter__``/``__next__`` on a value of a source class, in tests and in the source
(the largest class of closure misses on click 8.1.7: ``with ctx:`` in ``Command.main``).
Real Jedi over a small generated project, mapped in-process."""

from __future__ import annotations

from pathlib import Path

from _mapping_projects import linked, map_in_process, write_project
from pytest_paradisco.testmap import FunctionEntry

PROJECT = {
    "src/res/__init__.py": "",
    "src/res/core.py": """
        class Session:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return None

            def __iter__(self):
                return self

            def __next__(self):
                raise StopIteration

            def unused(self):
                return 0


        def open_session() -> Session:
            return Session()


        def run():
            session = open_session()
            with session:
                return 1


        def walk():
            for _ in open_session():
                pass


        def plain():
            with open(__file__) as handle:
                return handle.read()
    """,
    "tests/test_res.py": """
        from res.core import Session, open_session, plain, run, walk


        def test_with_in_test():
            with Session() as session:
                assert session


        def test_with_call_in_test():
            with open_session():
                pass


        def test_run():
            assert run() == 1


        def test_walk():
            walk()


        def test_plain():
            assert plain()
    """,
}


def test_with_and_for_reach_the_dunders_they_call(tmp_path: Path) -> None:
    write_project(tmp_path, PROJECT)
    functions = map_in_process(tmp_path, "res", "tests/test_res.py")
    prefix = "tests/test_res.py::"

    def direct(name: str) -> set[str]:
        return {t.removeprefix(prefix) for t in functions[f"res.core.{name}"].direct}

    def closure(name: str) -> set[str]:
        return {t.removeprefix(prefix) for t in functions[f"res.core.{name}"].tests}

    # in the test body: a constructed value, and the value a call returns
    with_tests = {"test_with_in_test", "test_with_call_in_test"}
    assert direct("Session.__enter__") == with_tests
    assert direct("Session.__exit__") == with_tests
    # in the source: run's `with session:` and walk's `for _ in open_session():`
    assert closure("Session.__enter__") == with_tests | {"test_run"}
    assert closure("Session.__exit__") == with_tests | {"test_run"}
    assert closure("Session.__iter__") == {"test_walk"}
    assert closure("Session.__next__") == {"test_walk"}
    # nothing syntax does not call, and nothing for a `with` over a builtin's value
    assert closure("Session.unused") == set()
    assert "test_plain" not in closure("Session.__exit__")


OPERATORS = {
    "src/ops/__init__.py": "from .core import *\n",
    "src/ops/extra.py": """
        import ops


        @ops.Memo
        def starred():
            return 6
    """,
    "src/ops/core.py": """
        class Base:
            def __len__(self):
                return 0

            def __iadd__(self, other):
                return self

            def __call__(self):
                return 1

            def empty(self):
                return None


        class Bag(Base):
            def __init__(self):
                self.items = {}

            def __getitem__(self, key):
                return self.items[key]

            def __setitem__(self, key, value):
                self.items[key] = value

            def __delitem__(self, key):
                del self.items[key]

            def __contains__(self, key):
                return key in self.items

            def __eq__(self, other):
                return True

            def __add__(self, other):
                return self

            def __str__(self):
                return "bag"

            def __repr__(self):
                return "Bag()"

            def __bool__(self):
                return True

            def __hash__(self):
                return 0


        def make_bag() -> Bag:
            return Bag()


        def size(bag: Bag):
            return len(bag)


        def _add():
            return 2


        def adder():
            return _add


        def _step():
            return 5


        class Runner:
            def __init__(self):
                self.step = _step

            @property
            def ready(self):
                return True

            def run(self):
                return self.step() if self.ready else None


        def wrap(func):
            def wrapper(*args):
                return func(*args)

            return wrapper


        @wrap
        def wrapped():
            return 3


        class Number:
            __sub__ = wrap(int.__sub__)


        class Memo:
            def __init__(self, func):
                self.func = func

            def __call__(self, *args):
                return self.func(*args)


        @Memo
        def memoised():
            return 4


        class Described:
            def __get__(self, obj, owner):
                return 7


        class Holder:
            value = Described()
    """,
    "tests/test_ops.py": """
        from ops.core import Bag, Holder, Number, Runner, adder, make_bag, memoised, size, wrapped
        from ops.extra import starred


        def test_subscripts():
            bag = make_bag()
            bag["a"] = 1
            assert bag["a"] == 1
            del bag["a"]
            bag.empty()


        def test_operators():
            bag = Bag()
            bag += [1]
            assert bag == 3
            assert bag + bag


        def test_protocols():
            bag = Bag()
            assert "a" not in bag
            assert str(bag) == "bag"
            assert repr(bag)
            assert len(bag) == 0
            if bag:
                pass


        def test_filtered():
            assert [b for b in [Bag(), Bag()] if b]


        def test_call_instance():
            bag = Bag()
            assert bag() == 1


        def test_call_variable():
            f = adder()
            assert f() == 2


        def test_call_result():
            assert adder()() == 2


        def test_size():
            assert size(Bag()) == 0


        def test_runner():
            assert Runner().run() == 5


        def test_decorated():
            assert wrapped() == 3
            assert memoised() == 4


        def test_assigned_method():
            assert Number() - 1


        def test_starred():
            assert starred() == 6


        def test_descriptor():
            assert Holder().value == 7


        def test_key():
            bag = Bag()
            seen = {}
            seen[bag] = 1
            assert bag in seen
    """,
}


def test_syntax_calls_and_callable_values_reach_what_runs(tmp_path: Path) -> None:
    """Operators, subscripts, comparisons, ``len()``/``str()``/``repr()``, truth tests and
    ``+=`` reach the dunders they call, along source base classes (``Bag`` inherits
    ``__len__``, ``__iadd__`` and ``__call__``); a called instance runs ``__call__``; a
    called variable or attribute runs the source function it holds; calling a decorated
    function runs its source decorator's wrapper (or a decorator class's ``__call__``)."""
    functions = _map(tmp_path, OPERATORS, "ops", "tests/test_ops.py")
    prefix = "tests/test_ops.py::"

    def direct(name: str) -> set[str]:
        return {t.removeprefix(prefix) for t in functions[f"ops.core.{name}"].direct}

    def closure(name: str) -> set[str]:
        return {t.removeprefix(prefix) for t in functions[f"ops.core.{name}"].tests}

    assert direct("Bag.__getitem__") == {"test_subscripts"}
    assert direct("Bag.__setitem__") == {"test_subscripts"}
    assert direct("Bag.__delitem__") == {"test_subscripts"}
    assert direct("Bag.__eq__") == {"test_operators"}  # `bag["a"] == 1` compares an int
    assert direct("Base.__iadd__") == {"test_operators"}  # inherited, and typed before `+=`
    assert direct("Bag.__add__") == {"test_operators"}
    assert direct("Bag.__contains__") == {"test_protocols"}
    assert direct("Bag.__str__") == {"test_protocols"}
    assert direct("Bag.__repr__") == {"test_protocols"}
    assert direct("Base.__len__") == {"test_protocols"}
    assert direct("Bag.__bool__") == {"test_protocols", "test_filtered"}  # `if` in [..]
    assert direct("Base.__call__") == {"test_call_instance"}
    assert direct("_add") == {"test_call_variable", "test_call_result"}
    # Jedi takes `bag["a"] = 1` for a new binding of `bag` and loses its type after it
    assert direct("Base.empty") == {"test_subscripts"}
    assert closure("Base.__len__") == {"test_protocols", "test_size"}
    assert closure("_step") == {"test_runner"}
    assert closure("Runner.ready") == {"test_runner"}  # a property read runs its getter
    # and `__sub__ = wrap(...)` in a class body makes the wrapper the method
    assert closure("wrap.<locals>.wrapper") == {"test_decorated", "test_assigned_method"}
    # `@ops.Memo`, with `ops/__init__.py` importing `*` from `ops.core`
    assert closure("Memo.__call__") == {"test_decorated", "test_starred"}
    assert direct("Described.__get__") == {"test_descriptor"}  # a descriptor read
    # a key of a subscript or the left of `in` is hashed; nothing else hashes a Bag here
    assert closure("Bag.__hash__") == {"test_key"}
    assert closure("wrap") == set()  # a decorator runs at import, not in the test


def _map(
    tmp_path: Path, files: dict[str, str], package: str, test: str
) -> dict[str, FunctionEntry]:
    write_project(tmp_path, files)
    return map_in_process(tmp_path, package, test)


PICKLED = {
    "src/store/__init__.py": "",
    "src/store/core.py": """
        class Reduced:
            def __reduce__(self):
                return (Reduced, ())

            def __getstate__(self):
                return {}


        class Stateful:
            def __getstate__(self):
                return {}

            def __setstate__(self, state):
                pass
    """,
    "tests/test_store.py": """
        import pickle

        from store.core import Reduced, Stateful


        def test_reduced():
            assert pickle.loads(pickle.dumps(Reduced()))


        def test_stateful():
            value = Stateful()
            assert pickle.loads(pickle.dumps(value))
    """,
}


def test_pickling_reaches_what_pickle_calls(tmp_path: Path) -> None:
    write_project(tmp_path, PICKLED)
    functions = map_in_process(tmp_path, "store", "tests/test_store.py")

    def direct(name: str) -> set[str]:
        return {t.rpartition("::")[2] for t in functions[f"store.core.{name}"].direct}

    # the first of __reduce_ex__, __reduce__, __getstate__ the class defines; and the
    # __setstate__ unpickling runs
    assert direct("Reduced.__reduce__") == {"test_reduced"}
    assert direct("Reduced.__getstate__") == set()
    assert direct("Stateful.__getstate__") == {"test_stateful"}
    assert direct("Stateful.__setstate__") == {"test_stateful"}


SUBCLASSED = {
    "src/sub/__init__.py": "",
    "src/sub/core.py": """
        class Base:
            def __init__(self, value):
                self.value = value

            def __call__(self):
                return self.value

            def __len__(self):
                return 1

            def __eq__(self, other):
                return True
    """,
    "tests/test_sub.py": """
        from sub.core import Base


        def test_own_subclass():
            class Mine(Base):
                def __len__(self):
                    return 2

            mine = Mine(1)
            assert mine() == 1
            assert len(mine) == 2


        class Shared(Base):
            pass


        class Deeper(Shared):
            pass


        def test_subclass_of_a_subclass():
            deeper = Deeper(1)
            assert deeper == 2
    """,
}


def test_a_tests_own_subclass_runs_its_source_bases(tmp_path: Path) -> None:
    write_project(tmp_path, SUBCLASSED)
    functions = map_in_process(tmp_path, "sub", "tests/test_sub.py")

    def direct(name: str) -> set[str]:
        return {t.rpartition("::")[2] for t in functions[f"sub.core.{name}"].direct}

    both = {"test_own_subclass", "test_subclass_of_a_subclass"}
    # constructing the test's subclass runs the source base's constructor
    assert direct("Base.__init__") == both
    # dunders the subclass inherits run the source base's; one it defines does not
    assert direct("Base.__call__") == {"test_own_subclass"}
    assert direct("Base.__len__") == set()
    assert direct("Base.__eq__") == {"test_subclass_of_a_subclass"}


HASHED = {
    "src/tags/__init__.py": "",
    "src/tags/core.py": """
        class Tag:
            def __init__(self, name):
                self.name = name

            def __eq__(self, other):
                return self.name == other.name

            def __hash__(self):
                return hash(self.name)


        def all_tags():
            return [Tag("a"), Tag("b")]
    """,
    "tests/test_tags.py": """
        from tags.core import Tag, all_tags


        def test_in_list():
            found = list(all_tags())
            assert Tag("a") in found


        def test_in_set():
            assert Tag("a") in {Tag("b")}


        def test_set_of_map():
            assert len(frozenset(map(Tag, ["a", "b"]))) == 2


        def test_compared():
            assert Tag("a") == Tag("a")


        def test_set_of_names():
            tag = Tag("a")
            assert len({tag}) == 1


        def test_called():
            assert Tag("a")
    """,
}


def test_containers_hash_and_compare_what_they_hold(tmp_path: Path) -> None:
    """``k in x`` compares ``k`` with a list's items and hashes it for a set; a set
    built from instances (a display of calls or of names, ``frozenset(map(Tag, ..))``)
    hashes each; two instances constructed in a comparison compare (a call of a CapWords
    name is typed, another call's value is not)."""
    functions = _map(tmp_path, HASHED, "tags", "tests/test_tags.py")

    def direct(name: str) -> set[str]:
        return linked(functions, f"tags.core.{name}", "tests/test_tags.py::")

    assert direct("Tag.__eq__") == {"test_in_list", "test_compared"}
    assert direct("Tag.__hash__") == {"test_in_set", "test_set_of_map", "test_set_of_names"}
    assert direct("Tag.__init__") == {
        "test_in_list",
        "test_in_set",
        "test_set_of_map",
        "test_compared",
        "test_set_of_names",
        "test_called",
    }


ASSERTIONS = {
    "src/spools/__init__.py": "",
    "src/spools/core.py": """
        class Spool:
            def __eq__(self, other):
                return True

            def __ne__(self, other):
                return False

            def __bool__(self):
                return True

            def __contains__(self, item):
                return True
    """,
    "tests/test_spool.py": """
        import unittest

        from spools.core import Spool


        class TestSpool(unittest.TestCase):
            def setUp(self):
                self.spool = Spool()

            def test_equal(self):
                self.assertEqual(Spool(), self.spool)

            def test_not_equal(self):
                other = Spool()
                self.assertNotEqual(other, "x")

            def test_true(self):
                self.assertTrue(self.spool)

            def test_in(self):
                self.assertIn("x", self.spool)

            def test_made_only(self):
                self.assertIsNotNone(Spool())
    """,
}


def test_unittest_assertions_run_what_they_check(tmp_path: Path) -> None:
    """``self.assertEqual(a, b)`` runs ``a == b``, ``assertTrue(x)`` ``bool(x)``,
    ``assertIn(k, x)`` ``k in x``, as the ``assert`` statement of each would."""
    functions = _map(tmp_path, ASSERTIONS, "spools", "tests/test_spool.py")

    def direct(name: str) -> set[str]:
        return linked(functions, f"spools.core.{name}", "tests/test_spool.py::TestSpool::")

    assert direct("Spool.__eq__") == {"test_equal"}
    assert direct("Spool.__ne__") == {"test_not_equal"}
    assert direct("Spool.__bool__") == {"test_true"}
    assert direct("Spool.__contains__") == {"test_in"}


SIGNATURES = {
    "src/sig/__init__.py": "",
    "src/sig/core.py": """
        class Curried:
            def __init__(self, func):
                self.func = func

            @property
            def __signature__(self):
                return None


        def is_valid(func):
            return True


        def unused_default():
            return 0


        class Pickled:
            def __reduce__(self):
                return (Pickled, ())


        def dumps(value):
            return str(value)
    """,
    "tests/test_sig.py": """
        import inspect
        import pickle
        from inspect import signature

        from sig.core import Curried, Pickled, dumps, is_valid, unused_default


        def test_signature():
            inspect.signature(Curried(len))


        def test_signature_imported():
            curried = Curried(len)
            assert signature(curried) is not None


        def test_default(check=is_valid):
            assert check(len)


        def test_default_unread(check=unused_default):
            assert True


        def test_pickled():
            assert pickle.dumps(Pickled())


        def test_own_dumps():
            assert dumps(Pickled())
    """,
}


def test_signature_and_the_defaults_a_test_calls(tmp_path: Path) -> None:
    """``inspect.signature(x)`` reads ``x.__signature__`` (toolz's curry defines it), and
    ``pickle.dumps(x)`` runs ``x.__reduce__``, where the function is the one of that
    module (through it, or imported from it); a
    test's parameter default that names a function runs when the body calls the
    parameter (toolz's ``def test_is_valid(check_valid=is_valid_args)``), not when the
    body never reads it."""
    functions = _map(tmp_path, SIGNATURES, "sig", "tests/test_sig.py")
    prefix = "tests/test_sig.py::"

    def linked(name: str, field: str = "direct") -> set[str]:
        entry = functions[f"sig.core.{name}"]
        return {t.removeprefix(prefix) for t in getattr(entry, field)}

    assert linked("Curried.__signature__") == {"test_signature", "test_signature_imported"}
    assert linked("is_valid") == {"test_default"}
    assert linked("unused_default", "tests") == set()
    # the project's own `dumps` is not pickle's (tomlkit exports one)
    assert linked("Pickled.__reduce__") == {"test_pickled"}


FACTORIES = {
    "src/streams/__init__.py": "",
    "src/streams/compat.py": """
        import typing as t
        from functools import partial


        def make_cached(source: t.Callable[[], int]) -> t.Callable[[], int]:
            cache = {}

            def func() -> int:
                if source not in cache:
                    cache[source] = source()
                return cache[source]

            return func


        default_out = make_cached(lambda: 1)


        def drop(n, seq):
            return seq[n:]


        rest = partial(drop, 1)
    """,
    "src/streams/curried.py": """
        import streams.compat


        class curry:
            def __init__(self, func):
                self.func = func

            def __call__(self, *args):
                return self.func(*args)


        drop = curry(streams.compat.drop)
        del streams
    """,
    "src/streams/io.py": """
        import inspect
        from typing import TypeVar, cast

        from .compat import default_out

        C = TypeVar("C")


        def renamed(old_name: str, fn: C) -> C:
            if "self" == list(inspect.signature(fn).parameters)[0]:

                def _inner(self, *args):
                    return fn(self, *args)

            else:

                def _inner(*args):
                    return fn(*args)

            return cast(C, _inner)


        def echo():
            return default_out()


        class Stream:
            def write_text(self, text):
                return len(text)

            writeText = renamed("writeText", write_text)
    """,
    "tests/test_io.py": """
        from streams.compat import rest
        from streams.curried import drop
        from streams.io import Stream, echo


        def test_alias():
            assert Stream().writeText("ab") == 2


        def test_echo():
            assert echo() == 1


        def test_rest():
            assert rest("ab") == "b"


        def test_curried():
            assert drop(1, "ab") == "b"
    """,
}


def test_a_module_level_function_made_by_a_factory_runs_when_called(tmp_path: Path) -> None:
    """click's ``_default_text_stdout = _make_cached_stream_func(..)``, called by ``echo``:
    Jedi types the variable by the factory's annotation (a ``Callable``), which leads to
    no function; the nested function the factory returns is what runs. Likewise a
    ``functools.partial`` of a source function, and an instance of a source class with
    a ``__call__`` made around one, and a class attribute a factory makes of a method."""
    functions = _map(tmp_path, FACTORIES, "streams", "tests/test_io.py")
    made = functions["streams.compat.make_cached.<locals>.func"]
    assert made.tests == ["tests/test_io.py::test_echo"]
    assert made.direct == []
    # toolz's `rest = partial(drop, 1)`: calling `rest` calls `drop`; and toolz.curried's
    # `take = toolz.curry(toolz.take)`, read before the module's `del toolz`
    assert functions["streams.compat.drop"].direct == [
        "tests/test_io.py::test_curried",
        "tests/test_io.py::test_rest",
    ]
    assert functions["streams.curried.curry.__call__"].direct == ["tests/test_io.py::test_curried"]
    # pyparsing's `parseString = replaced_by_pep8("parseString", parse_string)` in a class
    # body: the wrapper the factory defines (once per branch, returned through `cast`)
    # runs, and so does the function it wraps, which Jedi types the alias as
    assert functions["streams.io.renamed.<locals>._inner"].direct == [
        "tests/test_io.py::test_alias"
    ]
    assert functions["streams.io.Stream.write_text"].direct == ["tests/test_io.py::test_alias"]


COMPOSED = {
    "src/comp/__init__.py": "",
    "src/comp/core.py": """
        def identity(x):
            return x


        class Composed:
            def __init__(self, funcs):
                self.funcs = funcs

            def __call__(self, x):
                for f in self.funcs:
                    x = f(x)
                return x


        def compose(*funcs):
            if not funcs:
                return identity
            return Composed(funcs)
    """,
    "tests/test_comp.py": """
        from comp.core import compose


        def test_composed():
            assert compose(str, len)(12) == 2
    """,
}


def test_a_call_called_in_turn_is_typed_with_its_arguments(tmp_path: Path) -> None:
    # toolz's `compose(*fs)(x)`: executed without its arguments, Jedi follows only the
    # `if not funcs` branch and finds `identity`
    write_project(tmp_path, COMPOSED)
    functions = map_in_process(tmp_path, "comp", "tests/test_comp.py")
    assert linked(functions, "comp.core.Composed.__call__", "tests/test_comp.py::") == {
        "test_composed"
    }


LEFT_TO_SUBCLASSES = {
    "src/tree/__init__.py": "",
    "src/tree/core.py": """
        import copy


        class Node:
            def copy(self):
                return copy.copy(self)

            def __len__(self):
                return 0

            def size(self):
                return len(self)


        class Leaf(Node):
            def __copy__(self):
                return Leaf()


        class Branch(Node):
            def __copy__(self):
                return Branch()

            def __len__(self):
                return 2
    """,
    "tests/test_tree.py": """
        from tree.core import Leaf


        def test_copy():
            assert Leaf().copy()


        def test_size():
            assert Leaf().size() == 0
    """,
}


def test_syntax_on_self_reaches_what_subclasses_define(tmp_path: Path) -> None:
    # tomlkit's `AbstractTable.copy` runs `copy.copy(self)`, which runs the `__copy__`
    # of the subclass the test made (`Table`'s); not that of one it did not make
    functions = _map(tmp_path, LEFT_TO_SUBCLASSES, "tree", "tests/test_tree.py")
    prefix = "tests/test_tree.py::"

    def closure(name: str) -> set[str]:
        return {t.removeprefix(prefix) for t in functions[f"tree.core.{name}"].tests}

    assert closure("Leaf.__copy__") == {"test_copy"}
    assert closure("Branch.__copy__") == set()
    # where the class has the dunder, it is what runs (and its overrides, by dispatch)
    assert closure("Node.__len__") == {"test_size"}
    assert closure("Branch.__len__") == set()


MADE_IN_A_FUNCTION = {
    "src/flags/__init__.py": "",
    "src/flags/core.py": """
        def make_flag(name):
            class Flag:
                def __bool__(self):
                    return False

                def __repr__(self):
                    return name

            return Flag()
    """,
    "tests/test_flags.py": """
        from flags.core import make_flag

        NOT_SET = make_flag("NOT_SET")


        def test_falsy():
            assert not NOT_SET
    """,
}


def test_instances_of_a_class_defined_in_a_function_run_its_dunders(tmp_path: Path) -> None:
    # boltons' `make_sentinel` returns an instance of a class it defines; Jedi names that
    # class without its `<locals>`, so it is found by where it is defined
    functions = _map(tmp_path, MADE_IN_A_FUNCTION, "flags", "tests/test_flags.py")
    flag = "flags.core.make_flag.<locals>.Flag"
    assert functions[f"{flag}.__bool__"].direct == ["tests/test_flags.py::test_falsy"]
    assert functions[f"{flag}.__repr__"].direct == []


PARAMETRIZED = {
    "src/kinds/__init__.py": """
        from .types import UNPROCESSED, Choice, Number
    """,
    "src/kinds/types.py": """
        class Kind:
            def info(self):
                return {"name": type(self).__name__}

            def convert(self, value):
                return self._check(value)

            def _check(self, value):
                raise NotImplementedError


        class Choice(Kind):
            def __init__(self, choices):
                self.choices = choices

            def _check(self, value):
                return value

            def info(self):
                return {**super().info(), "choices": self.choices}


        class Number(Kind):
            def info(self):
                return {"min": 0}


        class Unprocessed(Kind):
            def info(self):
                return {}


        class Unused(Kind):
            def info(self):
                return None


        UNPROCESSED = Unprocessed()
    """,
    "tests/test_kinds.py": """
        import pytest

        import kinds

        NUMBER = (kinds.Number(), {"min": 0})


        @pytest.mark.parametrize(
            ("obj", "expect"),
            [
                pytest.param(kinds.Choice(["a"]), {"name": "Choice", "choices": ["a"]}, id="c"),
                pytest.param(*NUMBER, id="number"),
                (kinds.UNPROCESSED, {}),
            ],
        )
        def test_info(obj, expect):
            assert obj.info() == expect


        @pytest.mark.parametrize(argnames="obj", argvalues=[kinds.Choice(["b"])])
        def test_convert(obj):
            assert obj.convert(1) == 1


        @pytest.fixture
        def made(request):
            return request.param


        # indirect: the values go to the fixture, whatever it makes of them
        @pytest.mark.parametrize("made", [kinds.types.Unused()], indirect=True)
        def test_indirect(made):
            assert made.info() is None
    """,
}


def test_a_parametrized_argument_reaches_the_methods_of_each_value_class(
    tmp_path: Path,
) -> None:
    """click's ``test_parameter(obj, expect)``, parametrized over ``click.Choice([..])``,
    ``*STRING_PARAM_TYPE`` (a module-level tuple) and ``click.UNPROCESSED`` (a
    module-level instance), runs each value's ``to_info_dict``: Jedi leaves a
    parametrized argument untyped, the values are typed one by one."""
    functions = _map(tmp_path, PARAMETRIZED, "kinds", "tests/test_kinds.py")
    info = "tests/test_kinds.py::test_info"
    for cls in ("Choice", "Number", "Unprocessed"):
        assert functions[f"kinds.types.{cls}.info"].direct == [info], cls
    assert functions["kinds.types.Unused.info"].tests == []
    # an inherited method, found along the value's class's bases, which runs the
    # override of the value's class (the test handles a `Choice` as if it made one)
    convert = "tests/test_kinds.py::test_convert"
    assert functions["kinds.types.Kind.convert"].direct == [convert]
    assert convert in functions["kinds.types.Choice._check"].tests


RAISES = {
    "src/errs/__init__.py": """
        from .core import AppError, Missing, fail
    """,
    "src/errs/core.py": """
        class AppError(Exception):
            def __init__(self, name):
                super().__init__(name)
                self.name = name

            def __str__(self):
                return "app: " + self.args[0]

            def code(self):
                return 2


        class Missing(AppError):
            def hint(self):
                return "add it"


        def fail(name):
            raise Missing(name)
    """,
    "tests/test_errs.py": """
        import unittest

        import pytest
        from pytest import raises

        import errs


        def test_match():
            with pytest.raises(errs.Missing, match="app: x"):
                errs.fail("x")


        def test_value():
            with raises(errs.Missing) as excinfo:
                errs.fail("y")
            assert excinfo.value.hint() == "add it"
            assert str(excinfo.value) == "app: y"


        def test_excinfo_match():
            with pytest.raises(errs.AppError) as excinfo:
                errs.fail("z")
            excinfo.match("z")


        def test_raised_only():
            with pytest.raises(errs.Missing):
                errs.fail("w")


        @pytest.mark.parametrize("name, error", [("v", errs.Missing), ("", errs.AppError)])
        def test_parametrized(name, error):
            with pytest.raises(error):
                errs.fail(name)


        class TestUnit(unittest.TestCase):
            def test_assert_raises(self):
                self.assertRaises(errs.Missing, errs.fail, "v")

            def test_regex(self):
                with self.assertRaisesRegex(errs.AppError, "app"):
                    errs.fail("u")
    """,
}


def test_pytest_raises_types_the_exception(tmp_path: Path) -> None:
    """``with pytest.raises(E) as excinfo``: ``excinfo.value`` is an ``E`` (its methods,
    ``str(excinfo.value)``), and where pytest matches the message (``match=``,
    ``excinfo.match(..)``) it runs ``E.__str__`` itself (click's ``MissingParameter``,
    ``BadParameter``; Jedi types ``excinfo.value`` as a ``BaseException``). unittest's
    ``assertRaises`` too. A test that passes saw an ``E`` raised: it ran ``E``'s
    constructors (socketutils' ``Timeout.__init__`` in boltons' tests)."""
    functions = _map(tmp_path, RAISES, "errs", "tests/test_errs.py")
    prefix = "tests/test_errs.py::"
    assert functions["errs.core.AppError.__str__"].direct == [
        f"{prefix}TestUnit::test_regex",
        f"{prefix}test_excinfo_match",
        f"{prefix}test_match",
        f"{prefix}test_value",
    ]
    assert functions["errs.core.AppError.__init__"].direct == [
        f"{prefix}TestUnit::test_assert_raises",
        f"{prefix}TestUnit::test_regex",
        f"{prefix}test_excinfo_match",
        f"{prefix}test_match",
        f"{prefix}test_parametrized",
        f"{prefix}test_raised_only",
        f"{prefix}test_value",
    ]
    assert functions["errs.core.Missing.hint"].direct == [f"{prefix}test_value"]
    assert functions["errs.core.AppError.code"].tests == []


REBOUND = {
    "src/rb/__init__.py": "",
    "src/rb/parser.py": """
        class Parser:
            def primary(self):
                return 1

            def expression(self, cond=True):
                return 2

            def parse_tuple(self, simplified=False, cond=True):
                if simplified:
                    parse = self.primary
                elif cond:
                    parse = self.expression
                else:

                    def parse():
                        return self.expression(cond=False)

                return [parse() for _ in range(2)]
    """,
    "tests/test_rb.py": """
        from rb.parser import Parser


        def test_tuple():
            assert Parser().parse_tuple(cond=False) == [2, 2]
    """,
}


def test_a_local_def_bound_among_other_values_runs_when_the_name_is_called(
    tmp_path: Path,
) -> None:
    """jinja2's ``Parser.parse_tuple``: ``parse`` is a bound method in two branches and a
    local ``def`` in the third; ``parse()`` may run the ``def``."""
    functions = _map(tmp_path, REBOUND, "rb", "tests/test_rb.py")
    nested = functions["rb.parser.Parser.parse_tuple.<locals>.parse"]
    assert nested.tests == ["tests/test_rb.py::test_tuple"]
    assert nested.direct == []


HOOKS = {
    "src/hk/__init__.py": "",
    "src/hk/items.py": """
        class Item:
            def __init__(self, value, **extra):
                self.value = value
                self._extra = extra

            def __getattr__(self, name):
                return self._extra.get(name)


        class Record:
            def __setattr__(self, name, value):
                object.__setattr__(self, name, value)
    """,
    "tests/test_hk.py": """
        from hk.items import Item, Record


        def test_extra():
            item = Item("x", a=1)
            assert item.a == 1


        def test_value():
            item = Item("x")
            assert item.value == "x"


        def test_record():
            record = Record()
            record.size = 3
    """,
}


def test_attribute_hooks_of_a_typed_value(tmp_path: Path) -> None:
    """An attribute that a typed value's class does not have runs its ``__getattr__``
    (click's ``CompletionItem("x", a=1).a``; not for an attribute the source assigns,
    an instance attribute), and assigning one runs its ``__setattr__``."""
    functions = _map(tmp_path, HOOKS, "hk", "tests/test_hk.py")
    assert functions["hk.items.Item.__getattr__"].direct == ["tests/test_hk.py::test_extra"]
    assert functions["hk.items.Record.__setattr__"].direct == ["tests/test_hk.py::test_record"]


SET_UP = {
    "src/flo/__init__.py": "",
    "src/flo/core.py": """
        class Flo:
            def __bool__(self):
                return True


        class BytesFlo(Flo):
            def read(self):
                return b""


        class TextFlo(Flo):
            def read(self):
                return ""
    """,
    "tests/test_flo.py": """
        from unittest import TestCase

        from flo import core


        class Mixin:
            def test_read(self):
                assert not self.flo.read()

            def test_truthy(self):
                assert self.flo


        class TestBytes(TestCase, Mixin):
            def setUp(self):
                self.flo = core.BytesFlo()


        class TestText(TestCase, Mixin):
            def setUp(self):
                self.flo = core.TextFlo()


        class TestPlain:
            def setup_method(self):
                self.flo = core.TextFlo()

            def test_plain(self):
                assert self.flo.read() == ""
    """,
}


def test_a_test_class_types_the_attributes_its_methods_assign(tmp_path: Path) -> None:
    """boltons' ``TestSpooledBytesIO.setUp`` assigns ``self.spooled_flo =
    ioutils.SpooledBytesIO()``, read by tests a mixin defines (Jedi types their ``self``
    as the mixin): ``self.flo.read()`` in each test class is that class's ``flo``'s."""
    functions = _map(tmp_path, SET_UP, "flo", "tests/test_flo.py")
    prefix = "tests/test_flo.py::"
    assert functions["flo.core.BytesFlo.read"].direct == [f"{prefix}TestBytes::test_read"]
    assert functions["flo.core.TextFlo.read"].direct == [
        f"{prefix}TestPlain::test_plain",
        f"{prefix}TestText::test_read",
    ]
    assert functions["flo.core.Flo.__bool__"].direct == [
        f"{prefix}TestBytes::test_truthy",
        f"{prefix}TestText::test_truthy",
    ]


SHADOWED = {
    "src/tick/__init__.py": "",
    "src/tick/core.py": """
        class Ticker:
            def __init__(self):
                self.count = 0

            def __next__(self):
                self.count += 1
                return self.count
    """,
    "tests/test_tick.py": """
        from tick.core import Ticker


        class Python2Iterator:
            def __next__(self):
                return 0

            next = __next__  # a class attribute: the builtin `next` is not hidden


        def test_next():
            ticker = Ticker()
            assert next(ticker) == 1
    """,
}


def test_a_name_bound_in_a_class_body_does_not_hide_a_builtin(tmp_path: Path) -> None:
    """click's test_termui.py binds ``next = __next__`` in a class body; ``next(progress)``
    in its tests is still the builtin, which runs ``ProgressBar.__next__``."""
    functions = _map(tmp_path, SHADOWED, "tick", "tests/test_tick.py")
    assert functions["tick.core.Ticker.__next__"].direct == ["tests/test_tick.py::test_next"]


ZIPPED = {
    "src/zp/__init__.py": "",
    "src/zp/core.py": """
        class Lines:
            def __init__(self, lines):
                self.lines = lines

            def __iter__(self):
                return iter(self.lines)


        class Keep:
            def __init__(self, value):
                self.value = value

            def __iter__(self):
                return iter([self.value])


        def upper(line):
            return line.upper()
    """,
    "tests/test_zp.py": """
        from zp.core import Keep, Lines, upper


        def test_zip():
            for a, b in zip(["x"], Lines(["x"])):
                assert a == b


        def test_map():
            assert list(map(upper, Keep("a"))) == ["A"]
    """,
}


def test_builtins_iterate_the_arguments_they_iterate(tmp_path: Path) -> None:
    """``zip(a, b)`` iterates every argument (click's ``zip(expected, KeepOpenFile(f))``),
    ``map(f, xs)`` and ``filter(f, xs)`` their iterable, not the function."""
    functions = _map(tmp_path, ZIPPED, "zp", "tests/test_zp.py")
    assert functions["zp.core.Lines.__iter__"].direct == ["tests/test_zp.py::test_zip"]
    assert functions["zp.core.Keep.__iter__"].direct == ["tests/test_zp.py::test_map"]


INDEXED = {
    "src/ix/__init__.py": "",
    "src/ix/core.py": """
        class Param:
            def __init__(self, name):
                self.name = name

            def __repr__(self):
                return f"<Param {self.name}>"


        class Other:
            def __repr__(self):
                return "<Other>"


        def position(order, param: Param) -> float:
            try:
                return order.index(param)
            except ValueError:  # its message holds `repr(param)`
                return float("inf")


        def show(other: Other) -> str:
            return "other"
    """,
    "tests/test_ix.py": """
        from ix.core import Other, Param, position, show


        def test_position():
            assert position([], Param("a")) == float("inf")


        def test_show():
            assert show(Other()) == "other"
    """,
}


def test_index_runs_the_repr_of_what_it_looks_for(tmp_path: Path) -> None:
    """``order.index(param)`` raises ``ValueError`` with ``repr(param)`` in its message
    when ``param`` is missing (click's ``iter_params_for_processing``)."""
    functions = _map(tmp_path, INDEXED, "ix", "tests/test_ix.py")
    assert functions["ix.core.Param.__repr__"].tests == ["tests/test_ix.py::test_position"]
    assert functions["ix.core.Other.__repr__"].tests == []


HIDDEN = {
    "src/fo/__init__.py": "",
    "src/fo/core.py": """
        import io
        import typing as t


        class KeepOpen:
            def __init__(self, f):
                self._f = f

            def __enter__(self) -> "KeepOpen":
                return self

            def __exit__(self, *exc):
                pass

            def __getattr__(self, name):
                return getattr(self._f, name)


        class Lazy:
            def __init__(self, name):
                self.name = name

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                pass

            def __getattr__(self, name):
                return getattr(io.StringIO(self.name), name)


        def open_file(name: str, lazy: bool = False) -> t.IO[t.Any]:
            if lazy:
                return t.cast(t.IO[t.Any], Lazy(name))
            f = t.cast(t.IO[t.Any], KeepOpen(io.StringIO(name)))
            return f
    """,
    "tests/test_fo.py": """
        import fo
        import fo.core
        from fo.core import open_file


        def test_read():
            with open_file("abc") as f:
                assert f.read() == "abc"


        def test_open():
            assert open_file("abc") is not None


        def run(body):
            return body()


        def test_nested():
            def cli():
                with open_file("abc") as f:
                    return f.read()

            assert run(cli) == "abc"


        def test_through_jedi():
            # `fo` is bound twice: ast leaves it to Jedi
            with fo.core.open_file("abc") as f:
                assert f.read() == "abc"
    """,
}


def test_classes_behind_a_return_annotation(tmp_path: Path) -> None:
    """``open_file() -> t.IO[t.Any]`` returns ``t.cast(t.IO[t.Any], KeepOpen(f))`` (click's
    ``open_file``): Jedi reads the annotation, ``with`` runs ``KeepOpen.__enter__`` and
    ``__exit__``, and ``f.read`` its ``__getattr__`` (those of ``Lazy`` too: either may be
    returned), in a test's nested function too, and where only Jedi follows the callee."""
    functions = _map(tmp_path, HIDDEN, "fo", "tests/test_fo.py")
    both = [
        "tests/test_fo.py::test_nested",
        "tests/test_fo.py::test_read",
        "tests/test_fo.py::test_through_jedi",
    ]
    for cls in ("KeepOpen", "Lazy"):
        for dunder in ("__enter__", "__exit__", "__getattr__"):
            assert functions[f"fo.core.{cls}.{dunder}"].tests == both
    assert functions["fo.core.KeepOpen.__getattr__"].direct == both


MIXINS = {
    "src/mx/__init__.py": "",
    "src/mx/store.py": """
        import collections.abc
        from collections.abc import MutableSequence


        class Store(collections.abc.MutableMapping):
            def __init__(self):
                self.data = {}

            def __getitem__(self, key):
                return self.data[key]

            def __setitem__(self, key, value):
                self.data[key] = value

            def __delitem__(self, key):
                del self.data[key]

            def __iter__(self):
                return iter(self.data)

            def __len__(self):
                return len(self.data)


        class Items(MutableSequence):
            def __init__(self):
                self.items = []

            def __getitem__(self, index):
                return self.items[index]

            def __setitem__(self, index, value):
                self.items[index] = value

            def __delitem__(self, index):
                del self.items[index]

            def __len__(self):
                return len(self.items)

            def insert(self, index, value):
                self.items.insert(index, value)


        def make():
            return Store()
    """,
    "tests/test_mx.py": """
        from mx.store import Items, Store, make


        def test_made():
            store = make()  # no annotation: Jedi types it
            store.update({1: 2})


        def test_update():
            store = Store()
            store.update({1: 2})


        def test_pop():
            store = Store()
            store.pop(1, None)


        def test_append():
            items = Items()
            items.append(1)
    """,
}


def test_mixin_methods_of_collections_abc_run_the_class_dunders(tmp_path: Path) -> None:
    """``MutableMapping.update`` runs ``__setitem__`` of the class that derives from it
    (cachetools' ``Cache``), ``pop`` its ``__getitem__`` and ``__delitem__``,
    ``MutableSequence.append`` its ``insert``: methods no source class defines; on a
    value ast types, and on one Jedi types."""
    functions = _map(tmp_path, MIXINS, "mx", "tests/test_mx.py")
    assert functions["mx.store.Store.__setitem__"].direct == [
        "tests/test_mx.py::test_made",
        "tests/test_mx.py::test_update",
    ]
    assert functions["mx.store.Store.__delitem__"].direct == ["tests/test_mx.py::test_pop"]
    assert functions["mx.store.Store.__getitem__"].direct == ["tests/test_mx.py::test_pop"]
    assert functions["mx.store.Items.insert"].direct == ["tests/test_mx.py::test_append"]


CLASS_DEFAULT = {
    "src/sz/__init__.py": """
        class _DefaultSize:
            def __setitem__(self, key, value):
                assert value == 1

            def pop(self, key):
                return 1


        class Cache:
            __size = _DefaultSize()

            def __init__(self, getsizeof=None):
                if getsizeof is not None:
                    self.__size = dict()
                self.__data = {}

            def __setitem__(self, key, value):
                self.__size[key] = 1
                self.__data[key] = value

            def pop(self, key):
                return self.__size.pop(key)
    """,
    "tests/test_sz.py": """
        from sz import Cache


        def test_set():
            cache = Cache()
            cache[1] = 2


        def test_pop():
            Cache().pop(1)
    """,
}


def test_a_class_attributes_default_instance_is_what_self_x_may_be(tmp_path: Path) -> None:
    """cachetools' ``Cache`` binds ``__size = _DefaultSize()`` in its body and replaces it
    with a ``dict`` in ``__init__`` only for some instances: Jedi types ``self.__size``
    as the ``dict`` alone, but ``self.__size[key] = 1`` runs
    ``_DefaultSize.__setitem__`` for the others (125 of cachetools' true pairs)."""
    functions = _map(tmp_path, CLASS_DEFAULT, "sz", "tests/test_sz.py")
    prefix = "tests/test_sz.py::"
    assert functions["sz._DefaultSize.__setitem__"].tests == [f"{prefix}test_set"]
    assert functions["sz._DefaultSize.pop"].tests == [f"{prefix}test_pop"]


PROPERTY_VALUE = {
    "src/tm/__init__.py": """
        import time


        class _TimedCache:
            class _Timer:
                def __init__(self, timer):
                    self.__timer = timer

                def __call__(self):
                    return self.__timer()

                def __enter__(self):
                    return self.__timer()

                def __exit__(self, *exc):
                    pass

            def __init__(self, timer=time.monotonic):
                self.__timer = _TimedCache._Timer(timer)

            @property
            def timer(self):
                return self.__timer


        class TTL(_TimedCache):
            def now(self):
                return self.timer()
    """,
    "tests/test_tm.py": """
        from tm import TTL


        def test_now():
            TTL().now()
    """,
}


def test_a_property_returning_a_typed_attribute_types_what_it_reads(tmp_path: Path) -> None:
    """cachetools' ``_TimedCache.timer`` property returns ``self.__timer``, which
    ``__init__`` binds to ``_TimedCache._Timer(timer)`` (a class in a class):
    ``self.timer()`` in ``TTLCache`` runs the getter and ``_Timer.__call__``."""
    functions = _map(tmp_path, PROPERTY_VALUE, "tm", "tests/test_tm.py")
    test = "tests/test_tm.py::test_now"
    assert functions["tm._TimedCache.timer"].tests == [test]
    assert functions["tm._TimedCache._Timer.__call__"].tests == [test]


ORDERED = {
    "src/pq/__init__.py": """
        import heapq
        from bisect import insort


        class Item:
            def __init__(self, rank):
                self.rank = rank

            def __lt__(self, other):
                return self.rank < other.rank


        class Queue:
            def __init__(self):
                self.heap = []

            def push(self, rank):
                item = Item(rank)
                heapq.heappush(self.heap, item)


        def sorted_insert(items, rank):
            insort(items, Item(rank))
    """,
    "tests/test_pq.py": """
        from pq import Queue, sorted_insert


        def test_push():
            Queue().push(1)


        def test_insort():
            sorted_insert([], 2)
    """,
}


def test_heappush_and_insort_order_the_item_with_lt(tmp_path: Path) -> None:
    """cachetools' ``TLRUCache`` pushes its ``_Item``s on a heap: ``heapq.heappush(h,
    item)`` (and ``bisect.insort``) compares the item with ``<``, ``_Item.__lt__``."""
    functions = _map(tmp_path, ORDERED, "pq", "tests/test_pq.py")
    assert functions["pq.Item.__lt__"].tests == [
        "tests/test_pq.py::test_insort",
        "tests/test_pq.py::test_push",
    ]


REFLECTED = {
    "src/grammar/__init__.py": "",
    "src/grammar/core.py": """
        class Expr:
            def __init__(self, name):
                self.name = name

            def __add__(self, other):
                return Expr(self.name + str(other))

            def __radd__(self, other):
                return Expr(str(other) + self.name)
    """,
    "tests/test_grammar.py": """
        from grammar.core import Expr


        def test_both_made():
            assert Expr("a") + Expr("b")


        def test_literal_left():
            assert "(" + Expr("b")


        def test_builtin_local():
            left = str(1)
            assert left + Expr("b")


        def test_unknown_left(prefix):
            assert prefix + Expr("b")
    """,
}


def test_a_reflected_operator_runs_where_the_left_operand_is_builtin(tmp_path: Path) -> None:
    """``a + b`` runs ``b.__radd__`` only where ``a.__add__`` does not handle ``b``: for
    a builtin value (a literal, a local only ever bound to one) it runs; for any other
    left operand it may, in the closure only (``Expr(..) + Expr(..)`` does not:
    pyparsing 3.1.2's tests had 800 false of 933 direct ``__radd__``-like pairs)."""
    functions = _map(tmp_path, REFLECTED, "grammar", "tests/test_grammar.py")
    prefix = "tests/test_grammar.py::"
    radd = functions["grammar.core.Expr.__radd__"]
    assert radd.direct == [f"{prefix}test_builtin_local", f"{prefix}test_literal_left"]
    assert radd.tests == [
        f"{prefix}test_both_made",
        f"{prefix}test_builtin_local",
        f"{prefix}test_literal_left",
        f"{prefix}test_unknown_left",
    ]
    assert functions["grammar.core.Expr.__add__"].direct == [f"{prefix}test_both_made"]


CALLED_BACK = {
    "src/wrapping/__init__.py": "",
    "src/wrapping/core.py": """
        import textwrap


        class Wrapper(textwrap.TextWrapper):
            def _handle_long_word(self, chunks, cur_line, cur_len, width):
                return super()._handle_long_word(chunks, cur_line, cur_len, width)

            def _own(self):
                return 1


        class Narrow(Wrapper):
            def _split(self, text):
                return super()._split(text)


        class Plain:
            def _handle_long_word(self):
                return 0
    """,
    "tests/test_wrapping.py": """
        from wrapping.core import Narrow, Plain, Wrapper


        def test_wrap():
            assert Wrapper(width=3).wrap("abcdef")


        def test_narrow():
            assert Narrow(width=3).wrap("abc def")


        def test_plain():
            assert Plain()
    """,
}


def test_a_standard_library_base_calls_back_what_a_source_class_overrides(
    tmp_path: Path,
) -> None:
    """tabulate 0.9.0's ``_CustomTextWrap(textwrap.TextWrapper)`` overrides
    ``_handle_long_word``, which only ``TextWrapper``'s own code calls: a test that
    makes one may run it (the closure), as it may any method of the class (or its
    subclass) that the base's source calls on ``self``; not a method the base never
    calls, nor a method of that name on an unrelated class."""
    functions = _map(tmp_path, CALLED_BACK, "wrapping", "tests/test_wrapping.py")
    prefix = "tests/test_wrapping.py::"
    assert functions["wrapping.core.Wrapper._handle_long_word"].tests == [
        f"{prefix}test_narrow",
        f"{prefix}test_wrap",
    ]
    assert functions["wrapping.core.Wrapper._handle_long_word"].direct == []
    assert functions["wrapping.core.Narrow._split"].tests == [f"{prefix}test_narrow"]
    assert functions["wrapping.core.Wrapper._own"].tests == []
    assert functions["wrapping.core.Plain._handle_long_word"].tests == []


LAMBDAS = {
    "src/flags/__init__.py": "",
    "src/flags/core.py": """
        def announce(name):
            return name


        class Flags:
            @classmethod
            def _set(cls, name, value):
                setattr(cls, name, value)

            enable = classmethod(lambda cls, name: cls._set(name, True))
            shout = staticmethod(lambda name: announce(name))
            quiet = classmethod(lambda cls, name: cls._untouched(name))
    """,
    "tests/test_flags.py": """
        from flags.core import Flags


        def test_enable():
            Flags.enable("debug")


        def test_shout():
            assert Flags.shout("x") == "x"


        def test_either(on):
            (Flags.enable if on else Flags.shout)("debug")
    """,
}


def test_a_lambda_a_class_binds_runs_what_it_calls(tmp_path: Path) -> None:
    """pyparsing 3.1.2's ``enable = classmethod(lambda cls, name: cls._set(name,
    True))``: a lambda is no target, so calling the attribute reaches what the lambda
    calls, a method of the class through its first parameter or a function by name."""
    functions = _map(tmp_path, LAMBDAS, "flags", "tests/test_flags.py")
    prefix = "tests/test_flags.py::"
    # (either branch of a conditional callee is called: pyparsing's `restore()` runs
    # `(__diag__.enable if value else __diag__.disable)(name)`)
    assert functions["flags.core.Flags._set"].direct == [
        f"{prefix}test_either",
        f"{prefix}test_enable",
    ]
    assert functions["flags.core.announce"].direct == [
        f"{prefix}test_either",
        f"{prefix}test_shout",
    ]


CONTEXTS = {
    "src/ctx/__init__.py": "",
    "src/ctx/core.py": """
        class Context:
            def __init__(self):
                self.saved = {}

            def save(self):
                self.saved["x"] = 1
                return self

            def restore(self):
                return self.saved

            def discard(self):
                return None
    """,
    "tests/test_ctx.py": """
        import unittest

        from ctx.core import Context


        class TestSaved(unittest.TestCase):
            suite_context = None
            backup = None

            def setUp(self):
                self.suite_context.restore()

            def tearDown(self):
                self.backup.discard()

            def test_one(self):
                assert True


        class TestOther(unittest.TestCase):
            other = None
            kept = None

            def tearDown(self):
                self.kept.restore()

            def test_other(self):
                self.other.discard()


        class TestLater(unittest.TestCase):
            def setUp(self):
                TestOther.kept = TestSaved.suite_context

            def test_later(self):
                assert True


        TestSaved.suite_context = Context().save()
        TestSaved.backup = TestSaved.suite_context
        TestOther.other = 3
        TestOther.kept = TestOther.other
    """,
}


def test_a_class_attribute_the_module_assigns_later_types_self_x(tmp_path: Path) -> None:
    """pyparsing 3.1.2's ``Test02_WithoutPackrat`` binds ``suite_context = None`` and
    its module assigns ``Test02_WithoutPackrat.suite_context =
    ppt.reset_pyparsing_context().save()`` (a method that returns ``self``) after the
    class: ``self.suite_context.restore()`` in ``setUp`` runs ``restore`` for every
    test of the class; ``C.backup = C.suite_context`` holds the same. Where any value
    is not a source class's (``TestOther.other = 3``), nothing is typed."""
    functions = _map(tmp_path, CONTEXTS, "ctx", "tests/test_ctx.py")
    prefix = "tests/test_ctx.py::"
    assert functions["ctx.core.Context.restore"].direct == [f"{prefix}TestSaved::test_one"]
    assert functions["ctx.core.Context.save"].tests == []  # run at import, by no test
    # `TestSaved.backup` holds what `suite_context` holds; `TestOther.kept` holds `3`
    # or that: untyped
    assert functions["ctx.core.Context.discard"].direct == [f"{prefix}TestSaved::test_one"]


CALLED_PARAMETERS = {
    "src/dep/__init__.py": "from ._deprecated import bump, cmd\n",
    "src/dep/cli.py": """
        def cmd(args):
            return helper(args)


        def helper(args):
            return args


        def unused(args):
            return args
    """,
    "src/dep/_deprecated.py": """
        import typing as t
        from functools import partial, wraps

        from . import cli

        F = t.TypeVar("F", bound=t.Callable[..., t.Any])


        def deprecated(func: t.Optional[F] = None, *, replace=None):
            if func is None:
                return partial(deprecated, replace=replace)

            @wraps(func)
            def wrapper(*args, **kwargs):
                return func(*args, **kwargs)

            return wrapper


        @deprecated(replace="x")
        def bump(v):
            return v + 1


        cmd = deprecated(cli.cmd, replace="dep.cli.cmd")
    """,
    "tests/test_dep.py": """
        import pytest

        from dep import bump, cmd
        from dep.cli import unused


        @pytest.mark.parametrize("func, args", [(bump, (1,)), (cmd, (2,))])
        def test_called(func, args):
            func(*args)


        @pytest.mark.parametrize("func", [unused])
        def test_not_called(func):
            assert func
    """,
}


def test_a_parametrized_argument_the_test_calls_calls_each_value(tmp_path: Path) -> None:
    """semver 3.0.2's ``test_should_raise_deprecation_warnings(func, args, kwargs)``
    over ``bump_major``, ``cmd_bump = deprecated(cli.cmd_bump, ..)`` and others, which
    calls ``func(*args, **kwargs)``: each value given is called, a function (and what
    its decorator wraps it in) or a variable a factory made, as a call of that name in
    the test's body would be. A value only passed on is not called. What such a
    factory wraps is called by its wrapper, whose parameter Jedi types by its
    annotation (a ``TypeVar``) and follows nowhere."""
    functions = _map(tmp_path, CALLED_PARAMETERS, "dep", "tests/test_dep.py")
    called = ["tests/test_dep.py::test_called"]
    assert functions["dep._deprecated.bump"].direct == called
    assert functions["dep._deprecated.deprecated.<locals>.wrapper"].direct == called
    assert functions["dep.cli.cmd"].tests == called
    assert functions["dep.cli.helper"].tests == called
    assert functions["dep.cli.unused"].tests == []


DOCTEST_NAMESPACE = {
    "src/ver/__init__.py": "",
    "src/ver/version.py": """
        class Version:
            def __init__(self, major):
                self.major = major


        def bump(v):
            return v + 1


        def shown(v):
            return str(v)
    """,
    "tests/helpers.py": """
        from ver.version import Version


        def coerce(text):
            return Version(int(text))
    """,
    "tests/conftest.py": """
        import pytest

        import ver.version
        from helpers import coerce


        @pytest.fixture(autouse=True)
        def add_names(doctest_namespace):
            doctest_namespace["Version"] = ver.version.Version
            doctest_namespace["coerce"] = coerce
            doctest_namespace.update(bump=ver.version.bump)
            ver.version.shown(1)
    """,
    "tests/test_v.py": """
        def test_nothing():
            assert True
    """,
}


def test_what_a_fixture_puts_in_the_doctest_namespace_is_not_run(tmp_path: Path) -> None:
    """semver 3.0.2's autouse ``add_semver(doctest_namespace)`` stores ``coerce`` (a test
    helper that makes a ``Version``) and classes for its doctests: every test requested
    the fixture, and all of them had ``Version.__init__`` as a direct pair. What goes into
    ``doctest_namespace`` is for doctests; what the fixture calls is still run."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\npythonpath = ["src", "tests"]\n', encoding="utf-8"
    )
    functions = _map(tmp_path, DOCTEST_NAMESPACE, "ver", "tests/test_v.py")
    assert functions["ver.version.Version.__init__"].tests == []
    assert functions["ver.version.bump"].tests == []
    assert functions["ver.version.shown"].direct == ["tests/test_v.py::test_nothing"]


PARAMETRIZED_SYNTAX = {
    "src/ver/__init__.py": "from .version import Other, Version\n",
    "src/ver/version.py": """
        class Version:
            def __init__(self, major):
                self.major = major

            def __repr__(self):
                return f"Version({self.major})"

            def __len__(self):
                return 1


        class Other:
            def __len__(self):
                return 2
    """,
    "tests/test_v.py": """
        import pytest

        from ver import Other, Version


        @pytest.mark.parametrize("version", [Version(1), Version(2)])
        def test_repr(version):
            assert repr(version).startswith("Version(")


        @pytest.mark.parametrize("value", [Version(1), Other()])
        def test_mixed(value):
            assert len(value)
    """,
}


def test_syntax_on_a_parametrized_argument_runs_its_class_dunders(tmp_path: Path) -> None:
    """semver 3.0.2's ``test_repr(version, expected)`` over ``Version(..)`` values:
    ``repr(version)`` runs ``Version.__repr__``. An argument whose values are all calls
    of one source class is typed as that class for the test's syntax, as a fixture's
    value is; values of several classes type it as none of them."""
    functions = _map(tmp_path, PARAMETRIZED_SYNTAX, "ver", "tests/test_v.py")
    assert functions["ver.version.Version.__repr__"].direct == ["tests/test_v.py::test_repr"]
    assert functions["ver.version.Version.__len__"].direct == []
    assert functions["ver.version.Other.__len__"].direct == []


HANDED_ON = {
    "src/act/__init__.py": "",
    "src/act/core.py": """
        def renamed(name, fn):
            def _inner(*args):
                return fn(*args)

            return _inner


        class Common:
            @staticmethod
            def strip_tags(tokens):
                return tokens

            stripTags = renamed("stripTags", strip_tags)

            @staticmethod
            def upper_tags(tokens):
                return tokens.upper()

            upperTags = upper_tags


        class Element:
            def __init__(self):
                self.actions = []

            def add_action(self, fn):
                self.actions.append(fn)
                return self
    """,
    "tests/test_act.py": """
        from act.core import Common, Element


        def test_handed_on():
            assert Element().add_action(Common.stripTags).actions


        def test_alias_handed_on():
            assert Element().add_action(Common.upperTags).actions
    """,
}


def test_a_wrapper_a_factory_made_handed_on_as_a_value(tmp_path: Path) -> None:
    """pyparsing 3.1.2's ``read_everything.addParseAction(ppc.stripHTMLTags)``, where a
    class body binds ``stripHTMLTags = replaced_by_pep8("stripHTMLTags",
    strip_html_tags)``: the wrapper is handed on to be called, as a function passed
    is, and the closure reaches what the factory was handed (a method defined above
    the assignment in the same class body). pyparsing's ``stripHTMLTags`` is a plain
    alias, ``stripHTMLTags = strip_html_tags``: handed on, it is that method."""
    functions = _map(tmp_path, HANDED_ON, "act", "tests/test_act.py")
    test = ["tests/test_act.py::test_handed_on"]
    assert functions["act.core.renamed.<locals>._inner"].direct == test
    assert functions["act.core.Common.strip_tags"].tests == test
    # `upperTags = upper_tags`: another name for the method, handed on the same way
    assert functions["act.core.Common.upper_tags"].direct == [
        "tests/test_act.py::test_alias_handed_on"
    ]


def test_a_class_statement_runs_its_metaclass_and_init_subclass(tmp_path: Path) -> None:
    """marshmallow 3.21.3's tests define schema classes in their bodies: ``class
    MySchema(Schema)`` runs ``SchemaMeta.__new__``/``__init__`` (which registers the
    class) when the test runs, and a base's ``__init_subclass__`` runs the same way
    (jinja2's ``Extension``). A class statement in a source function runs them each
    time the function runs. A test that only names the base runs neither."""
    write_project(
        tmp_path,
        {
            "src/sch/__init__.py": """
                REGISTRY = {}


                def register(name, cls):
                    REGISTRY[name] = cls


                class SchemaMeta(type):
                    def __new__(mcs, name, bases, attrs):
                        return super().__new__(mcs, name, bases, attrs)

                    def __init__(cls, name, bases, attrs):
                        super().__init__(name, bases, attrs)
                        register(name, cls)


                class Schema(metaclass=SchemaMeta):
                    def dump(self, obj):
                        return dict(obj)


                class Plugin:
                    def __init_subclass__(cls, **kwargs):
                        super().__init_subclass__(**kwargs)


                def from_fields(**fields):
                    class Generated(Schema):
                        pass

                    return Generated
            """,
            "tests/test_s.py": """
                from sch import Plugin, Schema, from_fields


                class Base(Schema):  # at import: the collection's, no test's
                    pass


                def test_local_schema():
                    class MySchema(Base):
                        pass

                    assert MySchema().dump({}) == {}


                def test_plugin():
                    class Mine(Plugin):
                        pass


                def test_generated():
                    assert from_fields()


                def test_named():
                    assert Schema
            """,
        },
    )
    functions = map_in_process(tmp_path, "sch", "tests/test_s.py")
    local, generated = "tests/test_s.py::test_local_schema", "tests/test_s.py::test_generated"
    assert functions["sch.SchemaMeta.__new__"].direct == [local]
    assert functions["sch.SchemaMeta.__init__"].direct == [local]
    assert functions["sch.SchemaMeta.__init__"].tests == [generated, local]
    assert functions["sch.register"].tests == [generated, local]
    assert functions["sch.Plugin.__init_subclass__"].direct == ["tests/test_s.py::test_plugin"]


def test_syntax_on_an_abc_subclass_runs_the_mixin_it_inherits(tmp_path: Path) -> None:
    """marshmallow's ``OrderedSet(MutableSet).__init__`` does ``self |= iterable``: the
    class defines no ``__ior__``, ``MutableSet``'s mixin runs and calls ``self.add``,
    which the closure reaches (not the direct pairs: tomlkit's `a += [3, 4]` on an
    `item([1, 2])` Jedi types as several classes gave 6 false direct pairs)."""
    write_project(
        tmp_path,
        {
            "src/oset/__init__.py": """
                from collections.abc import MutableSet


                class OrderedSet(MutableSet):
                    def __init__(self, iterable=None):
                        self.map = {}
                        if iterable is not None:
                            self |= iterable

                    def __len__(self):
                        return len(self.map)

                    def __contains__(self, key):
                        return key in self.map

                    def __iter__(self):
                        return iter(self.map)

                    def add(self, key):
                        self.map[key] = None

                    def discard(self, key):
                        self.map.pop(key, None)
            """,
            "tests/test_o.py": """
                from oset import OrderedSet


                def test_make():
                    assert len(OrderedSet([1])) == 1
            """,
        },
    )
    functions = map_in_process(tmp_path, "oset", "tests/test_o.py")
    assert functions["oset.OrderedSet.add"].tests == ["tests/test_o.py::test_make"]
    # what the mixin calls is one step from the syntax: the closure's, not a direct pair
    assert functions["oset.OrderedSet.add"].direct == []
    assert functions["oset.OrderedSet.discard"].tests == []
