"""Decorators in tests and in the source (toolz 1.0.0's largest class of closure misses:
``@curry def add`` inside a test constructs a ``curry`` and calling ``add`` runs
``curry.__call__``; ``@instanceproperty def func`` makes ``func`` an
``InstanceProperty``, whose ``__get__`` runs on every read). Real Jedi over a small
generated project, mapped in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from _mapping_projects import linked, map_in_process, write_project
from pytest_paradisco.discover.mapper import MapRequest, build_map
from pytest_paradisco.discover.session import resolve_entries

PROJECT = {
    "src/fn/__init__.py": "from .core import *\n",
    "src/fn/core.py": """
        class Described(property):
            def __get__(self, obj, owner=None):
                return property.__get__(self, obj, owner)


        def described(fget):
            return Described(fget)


        class curry:
            def __init__(self, func):
                self.func = func

            def __call__(self, *args):
                return self.func(*args)

            @described
            def name(self):
                return self.func.__name__

            def unused(self):
                return 0


        class Perms:
            class _Prop:
                def __get__(self, obj, owner=None):
                    return 1

                def __set__(self, obj, value):
                    pass

            user = _Prop()


        class Modes:
            class _Bits:
                def __get__(self, obj, owner=None):
                    return 1

                def __set__(self, obj, value):
                    pass

            user = _Bits()

            def __init__(self, user=""):
                self.user = user


        class Box:
            def _get(self):
                return 1

            def _set(self, value):
                pass

            size = property(_get, _set)
    """,
    "tests/test_fn.py": """
        from operator import add

        from fn.core import Box, Described, Modes, Perms, curry


        def test_decorated_local():
            @curry
            def add(x, y):
                return x + y

            assert add(1, 2) == 3


        def test_decorated_local_never_called():
            @curry
            def twice(x):
                return 2 * x

            assert twice


        def test_plain_local():
            def add(x, y):
                return x + y

            assert add(1, 2) == 3


        def test_descriptor():
            assert curry(len).name == "len"


        def test_local_decorated():
            class Local:
                @Described
                def size(self):
                    return 1

            assert Local().size == 1


        def test_local_attribute():
            class Local:
                size = Described(len)

            assert Local().size


        def test_nested_descriptor():
            assert Perms().user == 1


        def test_descriptor_set():
            perms = Perms()
            perms.user = 2


        def test_typed_descriptor_read():
            modes = Modes()
            assert modes.user


        def test_typed_descriptor_set():
            modes = Modes()
            modes.user = "rw"


        def test_property_read():
            assert Box().size == 1


        def test_property_set():
            box = Box()
            box.size = 2
    """,
}


def test_decorators_of_nested_functions_and_descriptor_factories(tmp_path: Path) -> None:
    write_project(tmp_path, PROJECT)
    functions = map_in_process(tmp_path, "fn", "tests/test_fn.py")
    prefix = "tests/test_fn.py::"

    def direct(name: str) -> set[str]:
        return {t.removeprefix(prefix) for t in functions[f"fn.core.{name}"].direct}

    def closure(name: str) -> set[str]:
        return {t.removeprefix(prefix) for t in functions[f"fn.core.{name}"].tests}

    # `@curry` over a nested function calls curry when the test runs ...
    constructed = {"test_decorated_local", "test_decorated_local_never_called", "test_descriptor"}
    assert direct("curry.__init__") == constructed
    # ... and calling the function (its name hides `operator.add`) runs curry.__call__;
    # a nested function without a decorator is the test's own code
    assert direct("curry.__call__") == {"test_decorated_local"}
    # a method made by a source function that returns a source descriptor: reading it
    # runs the descriptor's __get__
    assert direct("curry.name") == {"test_descriptor"}
    assert closure("Described.__get__") == {
        "test_descriptor",
        # and so does reading a descriptor a test's own class holds: made by a source
        # class as a decorator, or assigned in the class body
        "test_local_decorated",
        "test_local_attribute",
    }
    assert closure("curry.unused") == set()
    # a descriptor class defined in the class body that uses it (boltons' `FilePerms`)
    assert direct("Perms._Prop.__get__") == {"test_nested_descriptor"}
    # assigned: the descriptor's `__set__`; `property(fget, fset)`: the getter when read,
    # the setter when assigned
    assert direct("Perms._Prop.__set__") == {"test_descriptor_set"}
    assert direct("Box._get") == {"test_property_read"}
    # an instance `ast` types whose class body binds the attribute to a descriptor, also
    # assigned in `__init__` (where Jedi lands, finding no descriptor): boltons' FilePerms
    assert direct("Modes._Bits.__get__") == {"test_typed_descriptor_read"}
    assert direct("Modes._Bits.__set__") == {"test_typed_descriptor_set"}
    assert direct("Box._set") == {"test_property_set"}


CALLED_ARGS = {
    "src/spec/__init__.py": "",
    "src/spec/core.py": """
        from collections import defaultdict


        class Spec:
            def __init__(self, text):
                self.text = text


        class Bucket:
            def __init__(self):
                self.items = []


        def parse_all(texts):
            return frozenset(map(Spec, texts))


        def buckets():
            return defaultdict(Bucket)
    """,
    "tests/test_spec.py": """
        from spec.core import Spec, buckets, parse_all


        def test_parse_all():
            assert parse_all(["a"])


        def test_sorted_by_spec():
            assert sorted(["b", "a"], key=Spec)


        def test_named_only():
            assert Spec
    """,
}


def test_a_class_handed_to_what_calls_it_is_constructed(tmp_path: Path) -> None:
    write_project(tmp_path, CALLED_ARGS)
    functions = map_in_process(tmp_path, "spec", "tests/test_spec.py")

    def tests(name: str, field: str = "tests") -> set[str]:
        return {t.rpartition("::")[2] for t in getattr(functions[f"spec.core.{name}"], field)}

    # `map(Spec, ..)` in the source, `key=Spec` in the test; a class only named is not
    assert tests("Spec.__init__") == {"test_parse_all", "test_sorted_by_spec"}
    assert tests("Spec.__init__", "direct") == {"test_sorted_by_spec"}
    assert tests("Bucket.__init__") == set()  # buckets() is never called


MADE_BY_DECORATORS = {
    "src/app/__init__.py": "",
    "src/app/a.py": """
        class Group:
            def __init__(self, func):
                self.func = func

            def command(self):
                return lambda func: func

            def other(self):
                return 1


        def group(name=None):
            def decorator(func):
                return Group(func)

            return decorator
    """,
    "src/app/options.py": """
        from typing import Callable, TypeVar

        F = TypeVar("F")


        def option(*names, default=None) -> "Callable[[F], F]":
            return lambda func: func
    """,
    "src/app/b.py": """
        class Board:
            def __init__(self, func):
                self.func = func

            def command(self):
                return lambda func: func


        def group(name=None):
            def decorator(func):
                return Board(func)

            return decorator
    """,
    "tests/test_a.py": """
        from app.a import group


        def test_command():
            @group("x")
            def cli():
                pass

            @cli.command()
            def sub():
                pass


        def test_other():
            @group("y")
            def cli():
                pass

            cli.other()
    """,
    "tests/test_c.py": """
        from app.a import group
        from app.options import option


        def test_one_option():
            @group("x")
            @option("--a")
            def cli():
                pass

            cli.other()


        def test_two_options():
            @group("x")
            @option("--b", "-b")
            @option("--c", default=1)
            def cli():
                pass

            cli.other()
    """,
    "tests/test_b.py": """
        from app.b import group


        def test_command():
            @group("x")
            def cli():
                pass

            @cli.command()
            def sub():
                pass
    """,
}


def test_what_decorators_make_of_a_local_def(tmp_path: Path) -> None:
    # click's tests make their `cli` with `@click.group()` in every test, and the type
    # of what that makes is asked of Jedi once for the same decorators: the same
    # spelling that means another function in another file makes another class
    write_project(tmp_path, MADE_BY_DECORATORS)
    roots = resolve_entries(["app"], tmp_path, [tmp_path / "src"])
    tests = [tmp_path / "tests/test_a.py", tmp_path / "tests/test_b.py"]
    request = MapRequest(tmp_path, tests, roots, [tmp_path / "src"])
    functions = dict(build_map(request).testmap.functions)

    assert linked(functions, "app.a.Group.command", "tests/") == {"test_a.py::test_command"}
    assert linked(functions, "app.a.Group.other", "tests/") == {"test_a.py::test_other"}
    assert linked(functions, "app.b.Board.command", "tests/") == {"test_b.py::test_command"}


def test_decorators_that_hand_back_what_they_decorate_are_not_asked_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # click's `@click.option(..)` (`-> Callable[[FC], FC]`) between `@click.group()` and
    # the `def`: the stacks differ by their options, what they make does not
    import jedi

    write_project(tmp_path, MADE_BY_DECORATORS)
    asked: list[int] = []
    infer = jedi.Script.infer

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        if str(self.path).endswith("test_c.py"):
            asked.append(args[0] if args else kwargs.get("line", 0))
        return infer(self, *args, **kwargs)

    monkeypatch.setattr(jedi.Script, "infer", counted)
    functions = map_in_process(tmp_path, "app", "tests/test_c.py")
    assert linked(functions, "app.a.Group.other", "tests/test_c.py::") == {
        "test_one_option",
        "test_two_options",
    }
    assert len(asked) == 1  # one decorator key for both stacks


ANNOTATED = {
    "src/cli/__init__.py": """
        from .core import Command, Custom, Group, Runner
        from .decorators import command, group
    """,
    "src/cli/core.py": """
        from typing import Any, Callable, Union, overload


        class Command:
            def __init__(self, callback=None):
                self.callback = callback
                self.params = []

            def main(self):
                return self.callback()


        class Custom(Command):
            def main(self):
                return 0


        class Group(Command):
            @overload
            def command(self, __func: Callable[..., Any]) -> Command: ...

            @overload
            def command(self, name: str = "") -> Callable[[Callable[..., Any]], Command]: ...

            def command(
                self, *args: Any
            ) -> Union[Callable[[Callable[..., Any]], Command], Command]:
                return Command


        class Result:
            def __init__(self, output):
                self.output = output

            def check(self):
                return self.output


        class Runner:
            def invoke(self) -> "Result":
                return Result("")


        class Item:
            def unwrap(self):
                return self


        class Table(Item):
            def unwrap(self):
                return {}


        @overload
        def item(value: dict) -> Table: ...


        @overload
        def item(value: int) -> Item: ...


        def item(value) -> Item:
            return Table() if isinstance(value, dict) else Item()
    """,
    "src/cli/decorators.py": """
        import typing as t

        from .core import Command, Group

        _AnyCallable = t.Callable[..., t.Any]
        CmdType = t.TypeVar("CmdType", bound=Command)


        @t.overload
        def command(name: _AnyCallable) -> Command: ...


        @t.overload
        def command(
            name: t.Optional[str] = None, cls: None = None
        ) -> t.Callable[[_AnyCallable], Command]: ...


        def command(
            name: t.Union[t.Optional[str], _AnyCallable] = None,
            cls: t.Optional[t.Type[CmdType]] = None,
        ) -> t.Union[Command, t.Callable[[_AnyCallable], t.Union[Command, CmdType]]]:
            if callable(name):
                return Command(name)
            return lambda f: (cls or Command)(f)


        def group(name=None) -> t.Callable[[_AnyCallable], Group]:
            return lambda f: Group(f)
    """,
    "tests/test_cli.py": """
        import cli


        def test_group():
            @cli.group()
            def main():
                pass

            @main.command()
            def sub():
                pass

            sub.main()
            assert main.params == []


        def test_bare():
            @cli.command
            def run():
                pass

            run.main()


        def test_results():
            result = cli.Runner().invoke()
            assert result.output
            result = cli.Runner().invoke()
            result.check()


        def test_overloaded():
            table = cli.core.item({})
            table.unwrap()


        def test_custom():
            @cli.command(cls=cli.Custom)
            def run():
                pass

            run.main()
    """,
}


def test_what_decorators_make_is_read_off_their_annotations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # click's `@click.group()`/`@cli.command()` are overloaded functions and methods
    # annotated `-> Callable[[..], Group]`: ast reads the class, Jedi is not asked
    import jedi

    write_project(tmp_path, ANNOTATED)
    asked: list[int] = []
    for method in ("goto", "infer"):
        original = getattr(jedi.Script, method)

        def counted(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            if str(self.path).endswith("test_cli.py"):
                asked.append(args[0] if args else kwargs.get("line", 0))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(jedi.Script, method, counted)
    functions = map_in_process(tmp_path, "cli", "tests/test_cli.py")
    prefix = "tests/test_cli.py::"
    assert linked(functions, "cli.core.Group.command", prefix) == {"test_group"}
    assert linked(functions, "cli.core.Command.main", prefix) == {"test_group", "test_bare"}
    # a local bound twice, each time to a `Result`
    assert linked(functions, "cli.core.Result.check", prefix) == {"test_results"}
    # an overloaded function's implementation says less than the overloads do
    # (tomlkit's `item(value) -> Item`): Jedi picks the overload
    assert linked(functions, "cli.core.Table.unwrap", prefix) == {"test_overloaded"}
    assert linked(functions, "cli.core.Item.unwrap", prefix) == set()
    # Jedi is asked where `cls=` decides the class (a `TypeVar` in the annotation), and
    # what `cli.Runner().invoke` is; not about the decorated locals nor `result`'s uses
    lines = (tmp_path / "tests/test_cli.py").read_text().splitlines()
    assert {lines[line - 1].strip() for line in asked} == {
        "run.main()",
        "result = cli.Runner().invoke()",
        "table = cli.core.item({})",
        "table.unwrap()",
    }


ATTACHED = {
    "src/memo/__init__.py": """
        import functools


        def cached(cache, info=True):
            def decorator(func):
                def wrapper(*args):
                    return cache.setdefault(args, func(*args))

                if info:

                    def cache_info():
                        return len(cache)

                else:
                    cache_info = None
                wrapper.cache_info = cache_info
                return functools.update_wrapper(wrapper, func)

            return decorator


        def lonely():
            def cache_info():
                return 0

            return cache_info
    """,
    "tests/test_memo.py": """
        import unittest

        import memo


        class DecoratorTests:
            def decorator(self):
                return self.DECORATOR({})

            def test_info(self):
                square = self.decorator()(lambda n: n * n)
                assert square.cache_info() == 0


        class TestCached(unittest.TestCase, DecoratorTests):
            DECORATOR = staticmethod(memo.cached)
    """,
}


def test_a_function_a_decorator_attaches_to_its_wrapper_is_reached_by_name(
    tmp_path: Path,
) -> None:
    """cachetools' ``cached`` sets ``wrapper.cache_info = cache_info`` (a ``def`` in one
    branch, ``None`` in the other, where Jedi lands): a test that got the wrapper (which
    Jedi cannot type here, through a test class's ``DECORATOR``) and calls
    ``.cache_info()`` runs it, in the closure of a test that reaches ``cached``'s
    decorator. A function of that name nothing attaches is not reached."""
    write_project(tmp_path, ATTACHED)
    functions = map_in_process(tmp_path, "memo", "tests/test_memo.py")
    test = "tests/test_memo.py::TestCached::test_info"
    assert functions["memo.cached.<locals>.decorator.<locals>.cache_info"].tests == [test]
    assert functions["memo.cached.<locals>.decorator.<locals>.cache_info"].direct == []
    assert functions["memo.lonely.<locals>.cache_info"].tests == []
