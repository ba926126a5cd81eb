"""Which imports Jedi follows while mapping (discover/jedi_scope.py): the project's, the
standard library's that carry the project's values, and the modules named with
``--paradisco-follow``; pytest's fixtures are still recognised."""

from __future__ import annotations

from pathlib import Path

import pytest

from _mapping_projects import write_project
from pytest_paradisco.discover.mapper import MapOutcome, MapRequest, build_map
from pytest_paradisco.discover.session import resolve_entries
from pytest_paradisco.testfiles import find_test_files

PROJECT = {
    "src/shop/__init__.py": "",
    "src/shop/calc.py": """
        class Parser:
            def feed(self, text):
                return text
    """,
    "tests/conftest.py": """
        import pytest

        from shop.calc import Parser


        @pytest.fixture
        def parser():
            return Parser()
    """,
    "tests/test_scope.py": """
        import copy

        from boxes import Box
        from shop.calc import Parser


        def test_fixture(parser):
            parser.feed("a")


        def test_stdlib():
            copy.copy(Parser()).feed("a")


        def test_library():
            Box(Parser()).get().feed("a")
    """,
}

#: A library outside the project, importable only through PYTHONPATH.
LIBRARY = """
class Box:
    def __init__(self, value):
        self.value = value

    def get(self):
        return self.value
"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The project's root, and the directory the library is importable from."""
    root = tmp_path_factory.mktemp("shop")
    write_project(root, PROJECT)
    site = tmp_path_factory.mktemp("site")
    write_project(site, {"boxes/__init__.py": LIBRARY})
    return root, site


def mapped(
    shop: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, follow: tuple[str, ...]
) -> MapOutcome:
    # Jedi types against this interpreter as a subprocess sees it: the library is
    # importable there through PYTHONPATH, outside every root of the project
    root, site = shop
    monkeypatch.setenv("PYTHONPATH", str(site))
    files = find_test_files(["tests"], root, ["test_*.py"], [])
    roots = resolve_entries(["shop"], root, [root / "src"])
    return build_map(MapRequest(root, files, roots, [root / "src"], workers=0, follow=follow))


def direct(outcome: MapOutcome) -> set[str]:
    return set(outcome.testmap.functions["shop.calc.Parser.feed"].direct)


def test_only_the_project_and_the_stdlib_that_carries_it_are_followed(
    shop: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome = mapped(shop, monkeypatch, ())
    assert not outcome.testmap.errors
    # pytest is not followed, yet the fixture's value is typed; copy.copy is followed
    assert {"tests/test_scope.py::test_fixture", "tests/test_scope.py::test_stdlib"} <= (
        direct(outcome)
    )
    # the library is opaque: what Box.get returns is unknown, so no direct pair; the
    # closure still reaches feed by its name, on the Parser the test constructs (a test
    # whose only targets are such pseudo-targets has a closure too)
    assert "tests/test_scope.py::test_library" not in direct(outcome)
    tests = outcome.testmap.functions["shop.calc.Parser.feed"].tests
    assert "tests/test_scope.py::test_library" in tests


@pytest.mark.parametrize("follow", [("boxes",), ("all",)])
def test_follow_names_a_library_jedi_then_follows(
    shop: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, follow: tuple[str, ...]
) -> None:
    outcome = mapped(shop, monkeypatch, follow)
    assert direct(outcome) == {
        "tests/test_scope.py::test_fixture",
        "tests/test_scope.py::test_stdlib",
        "tests/test_scope.py::test_library",
    }


def test_jedi_is_given_back_its_own_import(
    shop: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jedi.inference import imports  # type: ignore[import-untyped]
    from jedi.plugins import pytest as jedi_pytest  # type: ignore[import-untyped]

    before = imports.import_module, jedi_pytest.FixtureFilter._is_fixture
    mapped(shop, monkeypatch, ())
    assert (imports.import_module, jedi_pytest.FixtureFilter._is_fixture) == before
