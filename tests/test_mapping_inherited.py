"""Test methods a test class inherits from a class of another module (cachetools 5.3.3
writes its cache tests once, in ``tests/__init__.py``'s ``CacheTestMixin``, and each
``class LRUCacheTest(unittest.TestCase, CacheTestMixin)`` sets ``Cache = LRUCache``):
pytest collects them under the subclass, so the map has them too, with what their body
reaches through the subclass's class attributes. Real Jedi, real pytest."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from _mapping_projects import map_in_process, write_project
from pytest_paradisco.discover.mapper import MapRequest, build_map
from pytest_paradisco.discover.session import resolve_entries

PROJECT = {
    "src/kv/__init__.py": "",
    "src/kv/store.py": """
        class Store:
            def __init__(self, size):
                self.size = size
                self.data = {}

            def __setitem__(self, key, value):
                self.data[key] = value

            def __getitem__(self, key):
                return self.data[key]


        class Recent(Store):
            def __getitem__(self, key):
                return super().__getitem__(key)


        def make(size):
            return Store(size)
    """,
    "tests/__init__.py": """
        from kv.store import make


        class StoreTests:
            Store = None

            def test_insert(self):
                store = self.Store(size=2)
                store[1] = 1
                assert store[1] == 1

            def test_make(self):
                assert make(2).size == 2
    """,
    "tests/test_recent.py": """
        import unittest

        from kv.store import Recent

        from . import StoreTests


        class RecentTest(unittest.TestCase, StoreTests):
            Store = Recent

            def test_own(self):
                assert Recent(1).size == 1
    """,
}


def test_inherited_tests_are_mapped_through_the_subclass(tmp_path: Path) -> None:
    write_project(tmp_path, PROJECT)
    functions = map_in_process(tmp_path, "kv", "tests/test_recent.py")
    prefix = "tests/test_recent.py::RecentTest::"
    assert functions["kv.store.make"].direct == [f"{prefix}test_make"]
    # `self.Store(size=2)` is `Recent(size=2)`: its constructor, and the dunders
    # syntax runs on the local it is bound to
    assert functions["kv.store.Store.__init__"].direct == [
        f"{prefix}test_insert",
        f"{prefix}test_own",
    ]
    assert f"{prefix}test_make" in functions["kv.store.Store.__init__"].tests
    assert functions["kv.store.Recent.__getitem__"].direct == [f"{prefix}test_insert"]
    assert functions["kv.store.Store.__setitem__"].direct == [f"{prefix}test_insert"]


def test_a_change_to_the_base_module_maps_its_tests_again(pytester: pytest.Pytester) -> None:
    files = {
        **PROJECT,
        "tests/test_plain.py": "import kv.store\n\n\ndef test_plain():\n    assert kv.store\n",
    }
    for rel, text in files.items():
        path = pytester.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    pytester.makeini("[pytest]\npythonpath = src\n")
    args = ("--co", "-q", "--paradisco-map", "--paradisco-source=kv", "--paradisco-workers=0")
    first = pytester.runpytest_subprocess(*args)
    assert first.ret == pytest.ExitCode.OK
    first.stdout.fnmatch_lines(["*test_recent.py::RecentTest::test_insert"])
    data = json.loads((pytester.path / "paradisco-map.json").read_text())
    assert data["stats"]["tests"] == 4
    # a test the map links to no function is named as such
    assert data["unmapped"] == ["tests/test_plain.py::test_plain"]
    mixin = pytester.path / "tests" / "__init__.py"
    mixin.write_text(mixin.read_text().replace("assert make(2).size == 2", "assert 2 == 2"))
    second = pytester.runpytest_subprocess(*args)
    assert second.ret == pytest.ExitCode.OK
    data = json.loads((pytester.path / "paradisco-map.json").read_text())
    # test_recent.py imports the changed module, test_plain.py does not
    assert (data["stats"]["analysed"], data["stats"]["cache_hits"]) == (1, 1)
    assert data["functions"]["kv.store.make"]["tests"] == []


HELPERS = {
    "src/memo/__init__.py": "",
    "src/memo/func.py": """
        def lru_cache(maxsize):
            def decorator(f):
                return f

            return decorator


        def fifo_cache(maxsize):
            def decorator(f):
                return f

            return decorator


        class Store:
            def __init__(self, size):
                self.size = size
    """,
    "tests/__init__.py": """
        class DecoratorTests:
            def decorator(self, maxsize):
                return self.DECORATOR(maxsize)

            def make(self):
                return self.Store(1)

            def test_decorator(self):
                assert self.decorator(2)(len)("ab") == 2

            def test_make(self):
                assert self.make().size == 1
    """,
    "tests/test_func.py": """
        import unittest

        from memo import func

        from . import DecoratorTests


        class LRUTest(unittest.TestCase, DecoratorTests):
            DECORATOR = staticmethod(func.lru_cache)
            Store = func.Store


        class FIFOTest(unittest.TestCase, DecoratorTests):
            DECORATOR = staticmethod(func.fifo_cache)
    """,
}


def test_helper_methods_read_each_test_class_attributes(tmp_path: Path) -> None:
    """``self.decorator(..)``, a helper method of the mixin, calls ``self.DECORATOR``:
    for each test class, what its own body binds there (cachetools'
    ``DECORATOR = staticmethod(cachetools.func.lru_cache)``)."""
    write_project(tmp_path, HELPERS)
    functions = map_in_process(tmp_path, "memo", "tests/test_func.py")
    assert functions["memo.func.lru_cache"].direct == [
        "tests/test_func.py::LRUTest::test_decorator"
    ]
    assert functions["memo.func.fifo_cache"].direct == [
        "tests/test_func.py::FIFOTest::test_decorator"
    ]
    assert functions["memo.func.Store.__init__"].direct == [
        "tests/test_func.py::LRUTest::test_make"
    ]


COLLECTION = {
    "src/kv/__init__.py": "",
    "src/kv/store.py": PROJECT["src/kv/store.py"],
    "tests/__init__.py": """
        import unittest

        from kv.store import make


        class Check(unittest.TestCase):
            def runTest(self):
                assert make(1).size == 1
    """,
    "tests/test_kinds.py": """
        import unittest

        from kv.store import make

        from . import Check


        class CheckAgain(Check):
            pass


        class WithTests(unittest.TestCase):
            def runTest(self):
                pass

            def test_make(self):
                assert make(2).size == 2


        class TestHidden:
            __test__ = False

            def test_not_collected(self):
                make(3)


        class TestShownAgain(TestHidden):
            __test__ = True

            def test_shown(self):
                make(4)


        class TestStillHidden(TestHidden):
            def test_hidden_too(self):
                make(5)
    """,
}


def test_the_map_knows_the_tests_pytest_collects(pytester: pytest.Pytester) -> None:
    """``runTest`` of a ``TestCase`` without test methods is its one test (pyparsing
    3.1.2's ``test_simple_unit.py``); ``__test__ = False`` hides a class and what
    derives from it, unless that says ``__test__ = True``; a test class a test module
    imports is collected there too, by the name it is bound to."""
    for rel, text in COLLECTION.items():
        path = pytester.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    pytester.makeini("[pytest]\npythonpath = src\n")
    plain = pytester.runpytest_subprocess("--co", "-q", "-p", "no:paradisco")
    collected = {line for line in plain.outlines if "::" in line}
    assert collected == {
        "tests/test_kinds.py::Check::runTest",  # imported: pytest collects it here too
        "tests/test_kinds.py::CheckAgain::runTest",
        "tests/test_kinds.py::WithTests::test_make",
        "tests/test_kinds.py::TestShownAgain::test_shown",
        "tests/test_kinds.py::TestShownAgain::test_not_collected",
    }
    result = pytester.runpytest_subprocess(
        "--co", "-q", "--paradisco-map", "--paradisco-source=kv", "--paradisco-workers=0"
    )
    assert result.ret == pytest.ExitCode.OK
    data = json.loads((pytester.path / "paradisco-map.json").read_text())
    known = {t for entry in data["functions"].values() for t in entry["tests"]}
    assert known | set(data["unmapped"]) == collected
    assert data["functions"]["kv.store.make"]["direct"] == sorted(collected)


GIVEN = {
    "src/kv/__init__.py": "",
    "src/kv/store.py": PROJECT["src/kv/store.py"],
    "tests/__init__.py": """
        class StoreTests:
            Store = None

            def check(self, store):
                store[1] = 1
                assert store[1] == 1

            def test_given(self):
                self.check(self.Store(size=2))
    """,
    "tests/test_given.py": """
        import unittest

        from kv.store import Recent

        from . import StoreTests


        class RecentTest(unittest.TestCase, StoreTests):
            Store = Recent
    """,
}


def test_a_helper_given_an_instance_of_a_held_class(tmp_path: Path) -> None:
    """``self.check(self.Store(size=2))`` hands the helper a ``Recent``: the syntax on
    its parameter runs ``Recent``'s dunders (cachetools' ``_test_getsizeof(cache)``)."""
    write_project(tmp_path, GIVEN)
    functions = map_in_process(tmp_path, "kv", "tests/test_given.py")
    given = ["tests/test_given.py::RecentTest::test_given"]
    assert functions["kv.store.Recent.__getitem__"].direct == given
    assert functions["kv.store.Store.__setitem__"].direct == given


DECORATED = {
    "src/memo/__init__.py": "",
    "src/memo/deco.py": """
        def cachedmethod(cache):
            def decorator(method):
                def wrapper(self, *args):
                    return method(self, *args)

                return wrapper

            return decorator


        def unused(value):
            return value
    """,
    "tests/test_deco.py": """
        from memo.deco import cachedmethod


        class Cached:
            @cachedmethod(lambda self: {})
            def get(self, value):
                return value


        def test_get():
            assert Cached().get(1) == 1
    """,
}


def test_a_test_helper_a_source_decorator_wraps_runs_the_wrapper(tmp_path: Path) -> None:
    """Calling a method of the test code decorated with a source decorator runs what the
    decorator made of it (cachetools' ``@cachedmethod(lambda self: self.cache)``): the
    decorator's nested functions, in the closure, never among the direct pairs."""
    write_project(tmp_path, DECORATED)
    functions = map_in_process(tmp_path, "memo", "tests/test_deco.py")
    wrapper = functions["memo.deco.cachedmethod.<locals>.decorator.<locals>.wrapper"]
    assert wrapper.tests == ["tests/test_deco.py::test_get"]
    assert wrapper.direct == []
    assert functions["memo.deco.unused"].tests == []


THIN = {
    "src/kv/__init__.py": "",
    "src/kv/store.py": PROJECT["src/kv/store.py"],
    "tests/__init__.py": PROJECT["tests/__init__.py"],
    "tests/test_thin.py": """
        import unittest

        from kv.store import Recent, Store

        from . import StoreTests


        class FakeClock:
            def now(self):
                return 0


        class TimedStore(Recent):
            # its own constructor: what a fake clock is there for
            def __init__(self, size):
                Recent.__init__(self, size)
                self.clock = FakeClock()


        class LoudStore(Store):
            def __setitem__(self, key, value):
                print(key)


        class TimedTest(unittest.TestCase, StoreTests):
            Store = TimedStore

            def test_local(self):
                store = TimedStore(1)
                store["a"] = 1


        def test_overridden():
            store = LoudStore(1)
            store["a"] = 1
    """,
}


def test_a_test_subclass_that_redefines_only_its_constructor_is_its_source_base(
    tmp_path: Path,
) -> None:
    """cachetools' ``class TTLTestCache(TTLCache)`` passes a fake timer in ``__init__``
    and is ``Cache`` of the TTL tests: ``cache[1] = 1`` on its instances runs
    ``TTLCache``'s methods. A subclass that redefines a method runs its own."""
    write_project(tmp_path, THIN)
    functions = map_in_process(tmp_path, "kv", "tests/test_thin.py")
    prefix = "tests/test_thin.py::"
    assert functions["kv.store.Store.__setitem__"].direct == [
        f"{prefix}TimedTest::test_insert",
        f"{prefix}TimedTest::test_local",
    ]
    assert functions["kv.store.Recent.__getitem__"].direct == [f"{prefix}TimedTest::test_insert"]
    # the constructor is the test class's own, which calls the source's
    assert f"{prefix}TimedTest::test_local" in functions["kv.store.Store.__init__"].tests
    assert f"{prefix}test_overridden" not in functions["kv.store.Store.__setitem__"].tests


LOCAL_SUBCLASS = {
    "src/kv/__init__.py": "",
    "src/kv/store.py": PROJECT["src/kv/store.py"]
    + """

        class Missing(Store):
            def __getitem__(self, key):
                if key not in self.data:
                    return self.__missing__(key)
                return self.data[key]

            def __missing__(self, key):
                raise KeyError(key)
    """,
    "tests/__init__.py": """
        class MissingTests:
            Store = None

            def test_missing(self):
                class Defaulting(self.Store):
                    def __missing__(self, key):
                        self[key] = key
                        return key

                store = Defaulting(size=2)
                assert store[1] == 1
    """,
    "tests/test_missing.py": """
        import unittest

        from kv.store import Missing, Recent

        from . import MissingTests


        class MissingTest(unittest.TestCase, MissingTests):
            Store = Missing


        class RecentTest(unittest.TestCase, MissingTests):
            Store = Recent
    """,
}


def test_a_class_a_test_derives_from_the_held_class_is_that_class_per_test_class(
    tmp_path: Path,
) -> None:
    """cachetools' ``test_missing`` defines ``class DefaultCache(self.Cache)`` with its
    own ``__missing__``: its base is the ``Cache`` each test class binds, so ``cache[1]``
    runs that class's ``__getitem__`` (``Missing``'s in one test class, ``Recent``'s in
    the other), and the base's constructors run."""
    write_project(tmp_path, LOCAL_SUBCLASS)
    functions = map_in_process(tmp_path, "kv", "tests/test_missing.py")
    prefix = "tests/test_missing.py::"
    assert functions["kv.store.Missing.__getitem__"].direct == [
        f"{prefix}MissingTest::test_missing"
    ]
    assert functions["kv.store.Recent.__getitem__"].direct == [f"{prefix}RecentTest::test_missing"]
    assert functions["kv.store.Store.__init__"].tests == [
        f"{prefix}MissingTest::test_missing",
        f"{prefix}RecentTest::test_missing",
    ]


FACTORIES = {
    "src/sig/__init__.py": "",
    "src/sig/ser.py": """
        from typing import Generic, TypeVar

        T = TypeVar("T")


        class Ser(Generic[T]):
            def __init__(self, key, **options):
                self.key = key

            def dumps(self, value):
                return str(value)


        class UrlSer(Ser[str]):
            def dumps(self, value):
                return "u" + str(value)
    """,
    # tests/ is no package: pytest puts it on sys.path, and tpkg is importable by name
    "tests/tpkg/__init__.py": "",
    "tests/tpkg/test_base.py": """
        from functools import partial

        import pytest

        from sig.ser import Ser


        class TestSer:
            @pytest.fixture(params=(Ser, partial(Ser, strict=True)))
            def factory(self, request):
                return partial(request.param, key="k")

            @pytest.fixture()
            def ser(self, factory):
                return factory()

            def test_dumps(self, factory):
                assert factory().dumps(1)

            def test_ser(self, ser: Ser):
                assert ser.dumps(1)
    """,
    "tests/tpkg/test_url.py": """
        from functools import partial

        import pytest

        from sig.ser import UrlSer
        from tpkg.test_base import TestSer


        class TestUrlSer(TestSer):
            @pytest.fixture()
            def factory(self):
                return partial(UrlSer, key="k")
    """,
}


def test_test_classes_other_test_modules_import_by_name(pytester: pytest.Pytester) -> None:
    """itsdangerous 2.2.0: ``from test_itsdangerous.test_serializer import
    TestSerializer`` (its ``tests/`` is on sys.path, as pytest puts it there) brings a
    test class whose tests pytest collects again in the importing module, and under each
    subclass there. Their fixtures are the class's and its bases', wherever they are
    defined; a fixture's ``params=`` are what ``request.param`` gives; ``partial(C, ..)``
    is a ``C`` made later, and a fixture that calls such a fixture gives a ``C``; and a
    class whose base is a generic's parameterization (``Ser[str]``) inherits that
    class's constructor."""
    for rel, text in FACTORIES.items():
        path = pytester.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    pytester.makeini("[pytest]\npythonpath = src\n")
    result = pytester.runpytest_subprocess(
        "--co", "-q", "--paradisco-map", "--paradisco-source=sig", "--paradisco-workers=0"
    )
    assert result.ret == pytest.ExitCode.OK
    data = json.loads((pytester.path / "paradisco-map.json").read_text())
    functions = data["functions"]
    assert functions["sig.ser.Ser.__init__"]["direct"] == [
        "tests/tpkg/test_base.py::TestSer::test_dumps",  # through the fixture's params
        "tests/tpkg/test_base.py::TestSer::test_ser",
        "tests/tpkg/test_url.py::TestSer::test_dumps",  # the class, collected again
        "tests/tpkg/test_url.py::TestSer::test_ser",
        "tests/tpkg/test_url.py::TestUrlSer::test_dumps",  # UrlSer's, through Ser[str]
        "tests/tpkg/test_url.py::TestUrlSer::test_ser",
    ]
    url_dumps = functions["sig.ser.UrlSer.dumps"]["tests"]
    assert "tests/tpkg/test_url.py::TestUrlSer::test_dumps" in url_dumps
    # `ser` is what calling `factory` makes, per test class: a `Ser`, or a `UrlSer`
    # whose `dumps` runs instead of the one `ser: Ser` names
    assert functions["sig.ser.UrlSer.dumps"]["direct"] == [
        "tests/tpkg/test_url.py::TestUrlSer::test_ser"
    ]
    assert (
        "tests/tpkg/test_url.py::TestUrlSer::test_ser"
        not in (functions["sig.ser.Ser.dumps"]["direct"])
    )
    assert "tests/tpkg/test_base.py::TestSer::test_ser" in functions["sig.ser.Ser.dumps"]["direct"]
    assert data["unmapped"] == []


REPEATED = {
    "src/lib/__init__.py": "",
    "src/lib/core.py": """
        class Thing:
            def run(self):
                return 1


        def make_thing():
            return Thing()


        maker = make_thing  # an alias: Jedi's to follow, not ast's
    """,
    "tests/test_many.py": """
        import unittest

        from lib import core


        class TestBase(unittest.TestCase):
            def test_run(self):
                thing = core.maker()
                assert thing.run() == 1


        class TestAgain(TestBase):
            pass


        class TestThrice(TestBase):
            pass
    """,
}


def test_an_inherited_body_asks_jedi_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pyparsing 3.1.2's test classes inherit ~270 tests four times over: each copy's
    body asks Jedi the same questions, which are answered once (43,228 questions were
    10,176 different ones), and every copy maps as the first one does."""
    import jedi

    asked: Counter[tuple[str, int, int]] = Counter()
    goto = jedi.Script.goto

    def counting(self: Any, line: int, column: int, **options: Any) -> Any:
        asked[(str(self.path), line, column)] += 1
        return goto(self, line, column, **options)

    monkeypatch.setattr(jedi.Script, "goto", counting)
    write_project(tmp_path, REPEATED)
    functions = map_in_process(tmp_path, "lib", "tests/test_many.py")
    tests = {f"tests/test_many.py::{c}::test_run" for c in ("TestBase", "TestAgain", "TestThrice")}
    assert set(functions["lib.core.make_thing"].direct) == tests
    assert tests <= set(functions["lib.core.Thing.run"].tests)
    in_tests = [n for (path, _, _), n in asked.items() if path.endswith("test_many.py")]
    assert in_tests
    assert max(in_tests) == 1


OVERRIDES = {
    "src/cli/__init__.py": "",
    "src/cli/api.py": """
        def main(args):
            return check(args)


        def check(args):
            return len(args)


        def spawn(args):
            return list(args)


        def report(args):
            return str(args)
    """,
    "tests/test_api.py": """
        import unittest

        from cli.api import main, report, spawn


        class IntegrationTests(unittest.TestCase):
            def run_cli(self, paths):
                return spawn(paths)

            def checked(self, paths):
                return self.run_cli(paths)

            def test_direct(self):
                assert self.run_cli(["a"])

            def test_through_a_helper(self):
                assert self.checked(["a"])


        class TestMain(IntegrationTests):
            def run_cli(self, paths):
                report(paths)
                return main(paths)


        class TestBoth(IntegrationTests):
            def run_cli(self, paths):
                return super().run_cli(paths)
    """,
}


def test_an_inherited_test_runs_the_helper_its_subclass_overrides(tmp_path: Path) -> None:
    """pyflakes 3.2.0's ``TestMain(IntegrationTests)`` runs the inherited tests with its
    own ``runPyflakes``: Jedi types ``self`` as the class the test is written in, and
    found the base's helper only (both classes' tests mapped to nothing of pyflakes)."""
    write_project(tmp_path, OVERRIDES)
    functions = map_in_process(tmp_path, "cli", "tests/test_api.py")
    base = "tests/test_api.py::IntegrationTests::"
    sub = "tests/test_api.py::TestMain::"
    both = "tests/test_api.py::TestBoth::"
    # the override runs for the subclass, called from the test or from a base helper
    assert functions["cli.api.main"].tests == [f"{sub}test_direct", f"{sub}test_through_a_helper"]
    assert functions["cli.api.check"].tests == functions["cli.api.main"].tests
    assert functions["cli.api.report"].tests == functions["cli.api.main"].tests
    # the base's own helper runs for the base and through `super()`, not for TestMain
    assert functions["cli.api.spawn"].tests == [
        f"{base}test_direct",
        f"{base}test_through_a_helper",
        f"{both}test_direct",
        f"{both}test_through_a_helper",
    ]


SHADOWED = {
    "src/chk/__init__.py": "",
    "src/chk/api.py": """
        def check(text):
            return text.split()


        def doctestify(text):
            return ">>> " + text
    """,
    "tests/__init__.py": "",
    "tests/test_plain.py": """
        import unittest

        from chk.api import check


        class Test(unittest.TestCase):
            def flakes(self, text):
                return check(text)

            def test_words(self):
                assert self.flakes("a b")
    """,
    "tests/test_doctests.py": """
        from chk.api import doctestify
        from tests.test_plain import Test as TestPlain


        class _DoctestMixin:
            def flakes(self, text):
                return super().flakes(doctestify(text))


        class TestPlain(_DoctestMixin, TestPlain):
            pass
    """,
}


def test_a_test_class_named_as_the_imported_class_it_derives_from(
    pytester: pytest.Pytester,
) -> None:
    """pyflakes 3.2.0's ``from pyflakes.test.test_imports import Test as TestImports``
    then ``class TestImports(_DoctestMixin, TestImports)``: the base is the imported
    class (the name's binding before the class statement), whose tests pytest collects
    again under the new class, with the mixin's helper in front of the base's (its
    212 tests mapped to nothing)."""
    for rel, text in SHADOWED.items():
        path = pytester.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    pytester.makeini("[pytest]\npythonpath = src\n")
    result = pytester.runpytest_subprocess(
        "--co", "-q", "--paradisco-map", "--paradisco-source=chk", "--paradisco-workers=0"
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["tests/test_doctests.py::TestPlain::test_words"])
    data = json.loads((pytester.path / "paradisco-map.json").read_text())
    functions = data["functions"]
    shadowing = "tests/test_doctests.py::TestPlain::test_words"
    assert functions["chk.api.check"]["tests"] == [
        shadowing,
        "tests/test_plain.py::Test::test_words",
    ]
    assert functions["chk.api.doctestify"]["tests"] == [shadowing]
    assert data["unmapped"] == []


DECLARED = {
    # `fields` both a submodule and a name of the package: ast leaves it to Jedi
    "src/mm/__init__.py": """
        from mm import fields
        from mm.fields import Boolean, Field, String


        class Schema:
            def dump(self, obj):
                items = vars(type(self)).items()
                return {name: f.serialize(obj) for name, f in items if isinstance(f, Field)}
    """,
    "src/mm/fields.py": """
        class Field:
            def serialize(self, value):
                return self._serialize(value)

            def _serialize(self, value):
                return value


        class Boolean(Field):
            def _serialize(self, value):
                return bool(value)


        class String(Field):
            def _serialize(self, value):
                return str(value)
    """,
    "tests/__init__.py": "",
    "tests/base.py": """
        from mm import Schema, fields


        class UserSchema(Schema):
            ok = fields.Boolean()


        class BlogSchema(Schema):
            user = UserSchema
    """,
    "tests/test_m.py": """
        from tests.base import BlogSchema, UserSchema


        def test_dump():
            assert UserSchema().dump(1)


        def test_blog():
            assert BlogSchema().dump(1) == {}
    """,
}


def test_an_instance_of_a_declared_test_class_holds_what_its_body_made(
    tmp_path: Path,
) -> None:
    """marshmallow 3.21.3's ``tests/base.py`` declares schemas (``class
    UserSchema(Schema): ok = fields.Boolean()``), their fields made when it is
    imported: a test that makes a ``UserSchema()`` holds a ``Boolean``, so
    ``field.serialize(..)`` may dispatch to ``Boolean._serialize`` (the closure's),
    also through a class the body only names (``user = UserSchema``). ``String``,
    made by no body, is not reached."""
    write_project(tmp_path, DECLARED)
    roots = resolve_entries(["mm"], tmp_path, [tmp_path / "src"])
    request = MapRequest(
        tmp_path, [tmp_path / "tests/test_m.py"], roots, [tmp_path / "src", tmp_path]
    )
    functions = build_map(request).testmap.functions
    assert functions["mm.fields.Boolean._serialize"].tests == [
        "tests/test_m.py::test_blog",
        "tests/test_m.py::test_dump",
    ]
    assert functions["mm.fields.Boolean._serialize"].direct == []
    assert functions["mm.fields.String._serialize"].tests == []
