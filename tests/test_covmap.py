"""The coverage source of the map, over real coverage data files."""

from __future__ import annotations

from pathlib import Path

import pytest
from coverage import CoverageData

from pytest_paradisco import covmap
from pytest_paradisco.covmap import CoverageMap, coverage_tests
from pytest_paradisco.testmap import FunctionEntry


@pytest.mark.parametrize(
    ("context", "test"),
    [
        ("tests/t.py::test_a|run", "tests/t.py::test_a"),
        ("tests/t.py::C::test_a[1-2]|setup", "tests/t.py::C::test_a"),
        ("tests/t.py::test_a[a|b]|run", "tests/t.py::test_a"),
        ("tests/t.py::test_a[x|y|z]|teardown", "tests/t.py::test_a"),
        ("tests/t.py::test_a", "tests/t.py::test_a"),
        ("", None),
        ("tests/t.py|run", None),
    ],
)
def test_test_of_context(context: str, test: str | None) -> None:
    assert covmap.test_of_context(context) == test


def test_a_bar_in_a_parametrize_id_still_ties_the_test(tmp_path: Path) -> None:
    source = tmp_path / "pkg" / "mod.py"
    source.parent.mkdir()
    source.write_text("def f(x):\n    return x\n\n\ndef g():\n    return 2\n")
    data = CoverageData(str(tmp_path / ".coverage"))
    data.set_context("tests/test_mod.py::test_f[a|b]|run")
    data.add_lines({str(source): [2]})
    data.set_context("tests/test_mod.py::test_g|run")
    data.add_lines({str(source): [6]})
    data.write()
    functions = {
        "pkg.mod.f": FunctionEntry("pkg/mod.py", 1, 2),
        "pkg.mod.g": FunctionEntry("pkg/mod.py", 5, 6),
    }
    found = coverage_tests(tmp_path / ".coverage", tmp_path, functions)
    assert found.tests == {
        "pkg.mod.f": ["tests/test_mod.py::test_f"],
        "pkg.mod.g": ["tests/test_mod.py::test_g"],
    }
    assert found.contexts == 2


TWICE = """\
import sys


class Box:
    def __init__(self):
        self._v = 0

    @property
    def value(self):
        return self._v

    @value.setter
    def value(self, v):
        self._v = v


if sys.platform == "nowhere":
    def helper():
        return 1
else:
    def helper():
        return 2
"""


def test_a_name_defined_twice_gets_the_tests_of_both_definitions(tmp_path: Path) -> None:
    """A property's getter and setter share one name, and so do the two branches of a
    conditional ``def``; the map's entry keeps the last definition's lines, but a test that
    ran only the first one must still be tied to the name."""
    source = tmp_path / "pkg" / "box.py"
    source.parent.mkdir()
    source.write_text(TWICE)
    data = CoverageData(str(tmp_path / ".coverage"))
    for context, lines in (
        ("tests/test_box.py::test_get|run", [6, 10]),  # __init__, the getter's body
        ("tests/test_box.py::test_set|run", [6, 14]),  # __init__, the setter's body
        ("tests/test_box.py::test_helper|run", [19]),  # the first branch's helper
    ):
        data.set_context(context)
        data.add_lines({str(source): lines})
    data.write()
    functions = {  # as the static map records them: the last definition wins
        "pkg.box.Box.__init__": FunctionEntry("pkg/box.py", 5, 6),
        "pkg.box.Box.value": FunctionEntry("pkg/box.py", 13, 14),
        "pkg.box.helper": FunctionEntry("pkg/box.py", 21, 22),
    }
    found = coverage_tests(tmp_path / ".coverage", tmp_path, functions)
    assert found.tests == {
        "pkg.box.Box.__init__": ["tests/test_box.py::test_get", "tests/test_box.py::test_set"],
        "pkg.box.Box.value": ["tests/test_box.py::test_get", "tests/test_box.py::test_set"],
        "pkg.box.helper": ["tests/test_box.py::test_helper"],
    }


def test_both_keeps_what_coverage_saw_and_the_closure_only_for_tests_it_never_recorded() -> None:
    found = CoverageMap(
        "d",
        0.0,
        4,
        tests={"pkg.f": ["t.py::a"]},
        measured={"src/pkg.py"},
        recorded={"t.py::a", "t.py::b", "t.py::d"},
    )
    # b: recorded, not seen running f (dropped); c: never recorded, added since (kept);
    # d: recorded, not seen, but references f itself (kept)
    entry = FunctionEntry(
        "src/pkg.py", 1, 2, ["t.py::a", "t.py::b", "t.py::c", "t.py::d"], ["t.py::d"]
    )
    assert found.joined("pkg.f", entry) == ["t.py::a", "t.py::c", "t.py::d"]
    # a file the run did not measure: the static map's tests
    assert found.joined("other.g", FunctionEntry("src/other.py", 1, 2, ["t.py::b"])) == ["t.py::b"]
