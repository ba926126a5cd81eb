"""The session-level selection (affected.py) over a real git repository: what only a
session knows (mapped roots, test helpers, files outside the suite)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from pytest_paradisco.affected import (
    Root,
    SelectionStats,
    from_json,
    session_selection,
    split,
    to_json,
    union,
)
from pytest_paradisco.gitdiff import diff
from pytest_paradisco.selection import Selection

MAP: dict[str, Any] = {
    "version": 1,
    "functions": {
        "pkg.calc.add": {
            "file": "pkg/calc.py",
            "line": 1,
            "tests": ["tests/test_calc.py::test_add"],
        },
        "pkg.calc.sub": {
            "file": "pkg/calc.py",
            "line": 5,
            "tests": ["tests/test_calc.py::test_sub"],
        },
    },
    "errors": [],
}
ROOTS = [Root("pkg", ".")]  # a package at the rootdir, imported from the rootdir
TEST_FILES = ["tests/test_calc.py"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "scripts").mkdir()
    (tmp_path / "pkg/__init__.py").write_text("")
    (tmp_path / "pkg/calc.py").write_text(
        "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
    )
    (tmp_path / "pkg/data.txt").write_text("x\n")
    (tmp_path / "tests/test_calc.py").write_text("def test_add(): pass\n")
    (tmp_path / "tests/helpers.py").write_text("X = 1\n")
    (tmp_path / "scripts/release.py").write_text("VERSION = 1\n")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.invalid")
    git(tmp_path, "config", "user.name", "t")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    return tmp_path


def choose(repo: Path, patterns: tuple[str, ...] = (), with_diff: bool = True) -> Selection:
    return session_selection(
        MAP,
        patterns,
        diff(repo) if with_diff else None,
        repo,
        ROOTS,
        lambda rel: rel.rsplit("/", 1)[-1].startswith("test_"),
        TEST_FILES,
    )


def test_a_body_change_in_a_package_at_the_rootdir(repo: Path) -> None:
    calc = repo / "pkg/calc.py"
    calc.write_text(calc.read_text().replace("a - b", "b - a"))
    (repo / "scripts/release.py").write_text("VERSION = 2\n")  # outside the suite
    selection = choose(repo)
    assert selection.run_all is None
    assert dict(selection.tests) == {"tests/test_calc.py::test_sub": "mapped to changed function"}


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("tests/helpers.py", "tests/helpers.py changed: a module beside the tests"),
        ("pkg/data.txt", "pkg/data.txt changed: a non-Python file in a source package"),
    ],
)
def test_what_the_map_does_not_cover_runs_everything(repo: Path, path: str, reason: str) -> None:
    (repo / path).write_text("changed = True\n")
    selection = choose(repo)
    assert selection.run_all is not None
    assert selection.run_all.startswith(reason)


def test_no_map_runs_everything_and_select_joins_diff(repo: Path) -> None:
    failed = session_selection(None, (), diff(repo), repo, ROOTS, lambda rel: False, [])
    assert failed.run_all is not None
    assert "mapping failed" in failed.run_all
    (repo / "tests/test_new.py").write_text("def test_new(): pass\n")
    both = choose(repo, ("pkg.calc.sub",))
    assert both.reason("tests/test_calc.py::test_sub") == "mapped to selected function"
    assert both.reason("tests/test_new.py::test_new") == "new test file"
    assert both.reason("tests/test_calc.py::test_add") is None
    assert union(Selection(run_all="x"), both).run_all == "x"


def test_split_counts_by_reason_and_round_trips_json() -> None:
    selection = Selection(
        None,
        frozenset({"pkg.calc.add"}),
        {"t.py::test_a": "mapped to changed function"},
        {"t2.py": "new test file"},
    )
    assert from_json(to_json(selection)) == selection
    nodeids = ["t.py::test_a[1]", "t.py::test_a[2]", "t.py::test_b", "t2.py::test_c"]
    keep, drop, stats = split(selection, nodeids)
    assert (keep, drop) == ([0, 1, 3], [2])
    assert stats.reasons == {"mapped to changed function": 2, "new test file": 1}
    assert SelectionStats.from_json(stats.to_json()) == stats
