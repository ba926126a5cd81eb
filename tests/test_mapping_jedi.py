"""Real Jedi over a generated project that holds every case the mapping must handle.
The project is mapped once in-process per module and the tests read that map (Jedi is
slow); one test maps it again with two worker processes and compares."""

from __future__ import annotations

import dataclasses
import shutil
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from pytest_paradisco.discover import mapper
from pytest_paradisco.discover.mapper import MapOutcome, MapRequest, build_map
from pytest_paradisco.discover.session import resolve_entries
from pytest_paradisco.testfiles import find_test_files

PROJECT = {
    "pyproject.toml": """
        [tool.pytest.ini_options]
        pythonpath = ["src"]
        testpaths = ["tests", "other"]
    """,
    "src/shop/__init__.py": """
        from shop._core import Basket as Basket
    """,
    "src/shop/_core.py": """
        class Base:
            def __init__(self):
                self.items = []

            def describe(self):
                return "base"

        class Basket(Base):
            def add(self, item):
                self.items.append(item)
                return self

            def total(self):
                return sum(self.items)

            def describe(self):
                return "basket"


        def show(obj: Base):
            return obj.describe()

        async def fetch():
            return 2

        def outer():
            def inner():
                return 3
            return inner()
    """,
    "src/shop/calc.py": """
        def add(a, b):
            return a + b

        def mul(a, b):
            return a * b

        def unused():
            return 0

        class Parser:
            def __init__(self):
                self.seen = []

            def feed(self, text):
                self.seen.append(text)
    """,
    "src/shop/calc.pyi": """
        def add(a: int, b: int) -> int: ...
        def mul(a: int, b: int) -> int: ...
        def unused() -> int: ...
        class Parser:
            seen: list[str]
            def __init__(self) -> None: ...
            def feed(self, text: str) -> None: ...
    """,
    "src/shop/chain.py": """
        from shop._core import Base, show
        from shop.calc import add


        def top(x):
            return middle(x)


        def middle(x):
            return add(x, 1)


        def describe_all():
            return show(Base())
    """,
    "src/shop/fmt.py": """
        def fmt(value):
            return str(value)
    """,
    "src/shop/db.py": """
        def connect():
            return {}

        def reset():
            return None
    """,
    "tests/conftest.py": """
        import pytest

        from shop import db


        @pytest.fixture
        def conn():
            return db.connect()


        @pytest.fixture
        def basket(conn):
            from shop import Basket
            return Basket()


        @pytest.fixture(autouse=True)
        def _clean():
            db.reset()
    """,
    "tests/test_spellings.py": """
        import pytest

        import shop.calc as c
        from shop import fmt
        from shop.calc import mul


        def test_alias():
            assert c.add(1, 2) == 3


        def test_from_pkg_import_sub():
            assert fmt.fmt(1) == "1"


        def test_from_sub_import_f():
            assert mul(2, 3) == 6


        @pytest.mark.parametrize("x", [1, 2])
        def test_param(x):
            assert c.add(x, 0) == x


        def test_parser():
            p = c.Parser()
            p.feed("x")


        @pytest.mark.usefixtures("conn")
        def test_uses():
            pass
    """,
    "tests/test_classes.py": """
        from shop import Basket


        def _make():
            return Basket().add(1)


        class TestA:
            def test_same(self, basket):
                basket.add(2)


        class TestB:
            def test_same(self):
                assert _make().total() == 1
    """,
    "tests/test_unit.py": """
        import unittest

        from shop.calc import Parser


        class TestU(unittest.TestCase):
            def setUp(self):
                self.parser = Parser()

            def test_feed(self):
                self.parser.feed("a")
    """,
    "tests/test_async.py": """
        import asyncio

        from shop._core import fetch, outer


        def test_fetch():
            assert asyncio.run(fetch()) == 2


        def test_outer():
            assert outer() == 3
    """,
    "tests/test_chain.py": """
        from shop.chain import describe_all, top


        def test_top():
            assert top(1) == 2


        def test_describe():
            assert describe_all() == "base"
    """,
    "tests/test_broken.py": """
        def test_x(:
            pass
    """,
    "tests/pkg/__init__.py": "",
    "tests/pkg/helpers.py": """
        from shop.calc import add


        def twice(x):
            return add(x, x)
    """,
    "tests/pkg/test_rel.py": """
        from .helpers import twice


        def test_twice():
            assert twice(2) == 4
    """,
    "other/test_none.py": """
        def test_nothing():
            assert True
    """,
}


def write_project(root: Path, files: dict[str, str] = PROJECT) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def request_for(root: Path, **kwargs: Any) -> MapRequest:
    files = find_test_files(["tests", "other"], root, ["test_*.py"], [])
    roots = resolve_entries(["shop"], root, [root / "src"])
    return MapRequest(root, files, roots, [root / "src"], **kwargs)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shop")
    write_project(root)
    return root


@pytest.fixture(scope="module")
def mapped(shop: Path) -> MapOutcome:
    """The in-process map, shared by the tests of this module (Jedi is slow)."""
    return build_map(request_for(shop, workers=0))


def direct_tests(outcome: MapOutcome, function: str) -> set[str]:
    return set(outcome.testmap.functions[function].direct)


def test_parallel_map_equals_sequential_map(
    shop: Path, mapped: MapOutcome, monkeypatch: pytest.MonkeyPatch
) -> None:
    # and with every file of more than 64 bytes cut into parts, shared by the workers
    monkeypatch.setattr(mapper, "PART_BYTES", 64)
    sequential = mapped
    parallel = build_map(request_for(shop, workers=2))
    assert sequential.testmap.stats["workers"] == 0
    assert parallel.testmap.stats["workers"] == 2
    one, two = sequential.testmap.to_json(), parallel.testmap.to_json()
    assert one["functions"] == two["functions"]
    assert one["errors"] == two["errors"]
    assert sequential.testmap.mapped > 10
    for count in ("analysed", "source_analysed", "tests", "tests_mapped"):
        assert one["stats"][count] == two["stats"][count], count


def test_every_import_spelling(mapped: MapOutcome) -> None:
    outcome = mapped
    spell = "tests/test_spellings.py"
    assert f"{spell}::test_alias" in direct_tests(outcome, "shop.calc.add")  # import a.b as c
    assert direct_tests(outcome, "shop.fmt.fmt") == {f"{spell}::test_from_pkg_import_sub"}
    assert direct_tests(outcome, "shop.calc.mul") == {f"{spell}::test_from_sub_import_f"}
    # relative import of a helper module inside a test package, followed into the helper
    assert "tests/pkg/test_rel.py::test_twice" in direct_tests(outcome, "shop.calc.add")
    # re-exported through shop/__init__.py
    assert "tests/test_classes.py::TestB::test_same" in direct_tests(
        outcome, "shop._core.Basket.add"
    )


def test_parametrized_tests_map_by_function(mapped: MapOutcome) -> None:
    tests = direct_tests(mapped, "shop.calc.add")
    assert "tests/test_spellings.py::test_param" in tests
    assert not any("[" in test for test in mapped.testmap.tests())


def test_classes_map_to_constructors_and_inferred_methods(
    mapped: MapOutcome,
) -> None:
    outcome = mapped
    parser = {"tests/test_spellings.py::test_parser", "tests/test_unit.py::TestU::test_feed"}
    assert parser <= direct_tests(outcome, "shop.calc.Parser.__init__")  # setUp followed
    assert parser <= direct_tests(outcome, "shop.calc.Parser.feed")  # p = Parser(); p.feed()
    # Basket has no __init__ of its own: calling it runs Base.__init__
    assert {
        "tests/test_classes.py::TestA::test_same",
        "tests/test_classes.py::TestB::test_same",
    } <= direct_tests(outcome, "shop._core.Base.__init__")


def test_same_named_methods_are_not_confused(mapped: MapOutcome) -> None:
    total = direct_tests(mapped, "shop._core.Basket.total")
    assert total == {"tests/test_classes.py::TestB::test_same"}


def test_fixtures_transitive_autouse_and_usefixtures(mapped: MapOutcome) -> None:
    outcome = mapped
    connect = direct_tests(outcome, "shop.db.connect")
    assert "tests/test_classes.py::TestA::test_same" in connect  # basket -> conn
    assert "tests/test_spellings.py::test_uses" in connect  # usefixtures
    assert "tests/test_spellings.py::test_alias" not in connect
    reset = direct_tests(outcome, "shop.db.reset")  # autouse, from the conftest
    assert {"tests/test_spellings.py::test_alias", "tests/test_async.py::test_fetch"} <= reset
    assert "other/test_none.py::test_nothing" not in reset
    # the fixture's return type types the parameter: basket.add -> Basket.add
    assert "tests/test_classes.py::TestA::test_same" in direct_tests(
        outcome, "shop._core.Basket.add"
    )


def test_targets_are_source_functions_never_stubs(mapped: MapOutcome) -> None:
    testmap = mapped.testmap
    assert {entry.file for entry in testmap.functions.values()} == {
        "src/shop/_core.py",
        "src/shop/calc.py",
        "src/shop/chain.py",
        "src/shop/fmt.py",
        "src/shop/db.py",
    }
    assert "shop._core.outer.<locals>.inner" in testmap.functions
    assert "tests/test_async.py::test_fetch" in direct_tests(mapped, "shop._core.fetch")
    assert testmap.functions["shop.calc.unused"].direct == []
    assert testmap.functions["shop.calc.add"].line == 1


def test_filter_errors_and_stats(mapped: MapOutcome) -> None:
    testmap = mapped.testmap
    errors = [(e.file, e.kind) for e in testmap.errors]
    assert errors == [("tests/test_broken.py", "syntax")]
    assert "line 1" in testmap.errors[0].message
    stats = testmap.stats
    assert stats["test_files"] == 8
    # other/test_none.py imports nothing of shop; test_broken.py does not parse
    assert stats["test_files_kept"] == 6
    assert stats["source_analysed"] == 6
    assert "other/test_none.py" not in stats["analysed_files"]
    assert stats["functions"] == len(testmap.functions)


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_jedi_errors_and_timeouts_are_named_and_the_rest_is_mapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jedi made to raise on one file (the failure is injected; the handling is real),
    then a time limit no file can meet."""
    import jedi

    shutil.copytree(EXAMPLES / "inventory", tmp_path, dirs_exist_ok=True)
    request = MapRequest(
        tmp_path,
        find_test_files(["tests"], tmp_path, ["test_*.py"], []),
        resolve_entries(["inventory"], tmp_path, [tmp_path / "src"]),
        [tmp_path / "src"],
        workers=0,
        depth=0,  # direct references only: the source is not analysed
        static=False,  # Jedi answers every name (ast types test_stock.py's fixture)
    )
    goto, infer = jedi.Script.goto, jedi.Script.infer

    def failing(method: Any) -> Any:
        def fail(self: Any, *args: Any, **kwargs: Any) -> Any:
            if str(self.path).endswith("test_stock.py"):
                raise RuntimeError("inference exploded")
            return method(self, *args, **kwargs)

        return fail

    monkeypatch.setattr(jedi.Script, "goto", failing(goto))
    monkeypatch.setattr(jedi.Script, "infer", failing(infer))
    broken = build_map(request).testmap
    assert {(e.file, e.kind) for e in broken.errors} == {("tests/test_stock.py", "jedi")}
    assert all("RuntimeError: inference exploded" in e.message for e in broken.errors)
    restock = broken.functions["inventory.reports.restock_report"].direct
    assert "tests/test_reports.py::test_restock_report" in restock
    assert (
        "tests/test_stock.py::test_low" not in broken.functions["inventory.stock.Stock.low"].direct
    )
    monkeypatch.undo()

    # in a worker, which is killed at the limit (a cold worker's first file takes longer)
    two = [tmp_path / "tests/test_stock.py", tmp_path / "tests/test_pricing.py"]
    timed = build_map(dataclasses.replace(request, test_files=two, timeout=0.05, workers=1)).testmap
    assert [(e.file, e.kind, e.message) for e in timed.errors] == [
        ("tests/test_pricing.py", "timeout", "ran past 0.05 s"),
        ("tests/test_stock.py", "timeout", "ran past 0.05 s"),
    ]
    assert len(timed.functions) == 14
    assert timed.mapped == 0
    assert timed.stats["worker_restarts"] >= 1


def test_closure_over_the_source_call_graph(mapped: MapOutcome) -> None:
    functions = mapped.testmap.functions
    top = "tests/test_chain.py::test_top"
    assert top in functions["shop.chain.top"].direct
    assert top not in functions["shop.chain.middle"].direct
    assert top in functions["shop.chain.middle"].tests  # top -> middle
    assert top in functions["shop.calc.add"].tests  # top -> middle -> add
    assert top not in functions["shop.calc.mul"].tests
    describe = "tests/test_chain.py::test_describe"
    # describe_all -> show -> Base.describe, which a Basket overrides ...
    assert describe in functions["shop._core.Base.describe"].tests
    # ... but only on a Basket, and no reached code builds one
    assert describe not in functions["shop._core.Basket.describe"].tests
    assert describe in functions["shop._core.Base.__init__"].tests
    for entry in functions.values():
        assert set(entry.direct) <= set(entry.tests)
    stats = mapped.testmap.stats
    assert stats["pairs"] > stats["pairs_direct"]
    assert stats["depth"] == "full"


def test_a_part_of_a_large_file_that_fails_costs_only_its_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """test_stock.py cut into parts (its five tests, one or two per part); Jedi made to
    hang on test_low's line only (the delay is injected; the time limit is real)."""
    import jedi

    shutil.copytree(EXAMPLES / "inventory", tmp_path, dirs_exist_ok=True)
    monkeypatch.setattr(mapper, "PART_BYTES", 128)
    request = MapRequest(
        tmp_path,
        [tmp_path / "tests/test_stock.py"],
        resolve_entries(["inventory"], tmp_path, [tmp_path / "src"]),
        [tmp_path / "src"],
        workers=0,
        depth=0,
        timeout=6.0,  # far above what a part takes, even cold on a loaded machine
        cache_dir=tmp_path / "cache",
        static=False,  # Jedi answers every name (ast types test_stock.py's fixture)
    )
    goto = jedi.Script.goto

    def slow(self: Any, line: int, *args: Any, **kwargs: Any) -> Any:
        if str(self.path).endswith("test_stock.py") and line == 27:  # in test_low
            time.sleep(8)
        return goto(self, line, *args, **kwargs)

    monkeypatch.setattr(jedi.Script, "goto", slow)
    testmap = build_map(request).testmap
    [error] = testmap.errors
    assert (error.file, error.kind) == ("tests/test_stock.py", "timeout")
    assert error.message.startswith("ran past 6 s (part ")
    assert error.message.endswith(" of 4)")
    assert (
        "tests/test_stock.py::test_low" not in testmap.functions["inventory.stock.Stock.low"].direct
    )
    take = testmap.functions["inventory.stock.Stock.take"].direct
    assert take == ["tests/test_stock.py::test_take"]  # test_take_too_much shared test_low's part
    monkeypatch.undo()
    # the file was not cached without its missing part: analysed again, whole this time
    again = build_map(request).testmap
    assert (again.stats["analysed"], again.stats["cache_hits"], again.errors) == (1, 0, [])
    assert again.functions["inventory.stock.Stock.low"].direct == ["tests/test_stock.py::test_low"]
    assert len(again.functions["inventory.stock.Stock.take"].direct) == 2


def test_jedi_asks_its_subprocess_once_per_literal_and_state(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Real Jedi and its real environment subprocess; the requests sent are counted."""
    import jedi
    from jedi.inference.compiled import subprocess

    from pytest_paradisco.discover.references import _environment, _memoised_subprocess

    _memoised_subprocess()
    sent: list[str] = []
    run = subprocess.CompiledSubprocess.run

    def counted(self: Any, state: int, function: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(function.__name__)
        return run(self, state, function, *args, **kwargs)

    monkeypatch.setattr(subprocess.CompiledSubprocess, "run", counted)
    environment = _environment(jedi)
    states = [jedi.Script("x = 1\n", environment=environment)._inference_state for _ in "ab"]
    values = []
    for state in [*states, states[0]]:
        for literal in ("abc", "abc", 1, 1.0, True, 1):
            values.append(state.compiled_subprocess.create_simple_object(literal))
    # per state: "abc", 1, 1.0 and True once each (1 == 1.0 == True, but not the same
    # object); the second state asks again, the first not
    assert sent.count("create_simple_object") == 8
    assert values[0] is values[1]
    assert values[2] is values[5]
    assert values[2] is not values[4]
    assert values[:6] == values[12:]


def test_the_name_at_a_position_is_the_one_parsos_walk_finds() -> None:
    """Every position of some real code (the start of the mapping's largest module, cut
    mid-way, and of this file): the bisection answers what parso's walk answers."""
    import parso
    from parso.python import tree

    from pytest_paradisco.discover import references

    references._name_by_bisection()
    walk = tree.PythonMixin.get_name_of_position
    tricky = 'f(x)[y].z\nif a:b=c;d\ns = "q" f"{u}"\n\n  # c\nlambda: (v)\n'
    real = [Path(p).read_text().splitlines()[:120] for p in (references.__file__, __file__)]
    for text in (tricky, *("\n".join(lines) for lines in real)):
        module = parso.parse(text)
        assert type(module).get_name_of_position is not walk
        lines = [*text.splitlines(), ""]
        for line, content in enumerate(lines, 1):
            for column in range(len(content) + 2):
                position = (line, column)
                assert module.get_name_of_position(position) is walk(module, position), position
