"""Selection by function and by diff, over real git repositories and map JSON."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from pytest_paradisco.gitdiff import FileChange, diff
from pytest_paradisco.selection import (
    SelectionError,
    function_node_id,
    function_spans,
    module_name,
    select_diff,
    select_functions,
)

MAP: dict[str, Any] = {
    "version": 1,
    "functions": {
        "pkg.calc.add": {
            "file": "src/pkg/calc.py",
            "line": 1,
            "tests": ["tests/test_calc.py::test_add"],
        },
        "pkg.calc.Acc.push": {
            "file": "src/pkg/calc.py",
            "line": 9,
            "tests": ["tests/test_calc.py::TestAcc::test_push", "tests/test_flow.py::test_flow"],
        },
        "pkg.calc.unused": {"file": "src/pkg/calc.py", "line": 5, "tests": []},
    },
    "errors": [{"file": "tests/test_broken.py", "kind": "syntax"}],
    "importers": {"pkg.calc": ["tests/test_calc.py", "tests/test_flow.py"]},
    "overrides": {"pkg.calc.Acc.push": ["pkg.base.Base.push"]},
}
MAP["functions"]["pkg.base.Base.push"] = {
    "file": "src/pkg/base.py",
    "line": 2,
    "tests": ["tests/test_base.py::test_push_through_the_base"],
}

CALC = """\
def add(a, b):
    return a + b


def unused():
    return 0


class Acc:
    def push(self, x):
        self.items = [x]
        return self
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "src" / "pkg" / "__init__.py").write_text("")
    (root / "src" / "pkg" / "calc.py").write_text(CALC)
    (root / "src" / "pkg" / "data.json").write_text("{}\n")
    (root / "tests" / "test_calc.py").write_text("def test_add(): pass\n")
    (root / "tests" / "conftest.py").write_text("")
    (root / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    (root / "README.md").write_text("hi\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.invalid")
    git(root, "config", "user.name", "t")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def select(repo: Path, testmap: dict[str, Any] = MAP) -> Any:
    def old_source(change: FileChange) -> str | None:
        try:
            return git(repo, "show", f"HEAD:{change.old_path or change.path}")
        except subprocess.CalledProcessError:
            return None

    return select_diff(
        diff(repo), testmap, repo, ["src"], lambda rel: rel.startswith("tests/test_"), old_source
    )


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


def test_function_body_change_selects_its_tests(repo: Path) -> None:
    edit(repo / "src/pkg/calc.py", "self.items = [x]", "self.items = [x, x]")
    selection = select(repo)
    assert selection.run_all is None
    assert selection.functions == {"pkg.calc.Acc.push"}
    assert set(selection.tests) == {
        "tests/test_calc.py::TestAcc::test_push",
        "tests/test_flow.py::test_flow",
        "tests/test_base.py::test_push_through_the_base",
    }
    # a call the static map typed as the overridden base method may run the override
    assert (
        selection.reason("tests/test_base.py::test_push_through_the_base")
        == "mapped to pkg.base.Base.push, overridden"
    )
    assert (
        selection.reason("tests/test_calc.py::TestAcc::test_push[3]")
        == "mapped to changed function"
    )
    assert selection.reason("tests/test_calc.py::test_add") is None
    assert selection.reason("tests/test_broken.py::test_x") == "could not be analysed by the mapper"


def test_deleted_lines_count_in_the_old_version(repo: Path) -> None:
    edit(repo / "src/pkg/calc.py", "def unused():\n    return 0\n", "")
    assert select(repo).functions >= {"pkg.calc.unused"}


def test_a_changed_function_mapped_to_no_test_runs_the_files_importing_it(
    repo: Path,
) -> None:
    edit(repo / "src/pkg/calc.py", "return 0", "return 1")
    selection = select(repo)
    assert selection.run_all is None
    assert not selection.tests
    why = "imports pkg.calc, whose pkg.calc.unused no test is mapped to"
    assert selection.reason("tests/test_flow.py::test_other") == why
    assert selection.reason("tests/test_calc.py::test_add[1]") == why
    assert selection.reason("tests/test_io.py::test_read") is None


def test_a_coverage_run_that_saw_no_test_run_it_vouches_for_nothing(repo: Path) -> None:
    vouched = {**MAP, "functions": {**MAP["functions"]}}
    vouched["functions"]["pkg.calc.unused"] = {**MAP["functions"]["pkg.calc.unused"]}
    vouched["functions"]["pkg.calc.unused"]["coverage"] = []
    edit(repo / "src/pkg/calc.py", "return 0", "return 1")
    selection = select(repo, vouched)
    assert selection.functions == {"pkg.calc.unused"}
    assert not selection.tests
    assert not set(selection.files) - {"tests/test_broken.py"}


def test_a_map_without_import_records_runs_everything_for_an_unmapped_change(
    repo: Path,
) -> None:
    edit(repo / "src/pkg/calc.py", "return 0", "return 1")
    run_all = select(repo, {k: v for k, v in MAP.items() if k != "importers"}).run_all
    assert run_all is not None
    assert "pkg.calc.unused changed" in run_all


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda r: edit(r / "src/pkg/calc.py", "def add", "import os\n\n\ndef add"),
            "outside any function",
        ),
        (
            lambda r: (r / "tests/conftest.py").write_text("import pytest\n"),
            "tests/conftest.py changed",
        ),
        (
            lambda r: edit(r / "pyproject.toml", "]", "]\nx = 1"),
            "pyproject.toml changed: configuration",
        ),
        (
            lambda r: (r / "src/pkg/data.json").write_text("[]\n"),
            "non-Python file in a source package",
        ),
        (lambda r: (r / "src/pkg/calc.py").unlink(), "src/pkg/calc.py deleted"),
        (lambda r: git(r, "mv", "src/pkg/calc.py", "src/pkg/calc2.py"), "renamed"),
    ],
)
def test_changes_the_map_cannot_attribute_run_everything(
    repo: Path, change: Any, reason: str
) -> None:
    change(repo)
    selection = select(repo)
    assert selection.run_all is not None
    assert reason in selection.run_all
    assert selection.reason("tests/anything.py::test_x") == "safety rule"


def test_changed_and_new_test_files_run_entirely(repo: Path) -> None:
    edit(repo / "tests/test_calc.py", "pass", "assert 1")
    (repo / "tests/test_new.py").write_text("def test_n(): pass\n")
    selection = select(repo)
    assert selection.files["tests/test_calc.py"] == "changed test file"
    assert selection.files["tests/test_new.py"] == "new test file"
    assert selection.reason("tests/test_new.py::test_n") == "new test file"


def test_unrelated_files_select_nothing(repo: Path) -> None:
    edit(repo / "README.md", "hi", "hello")
    selection = select(repo)
    assert selection.run_all is None
    assert not selection.tests
    assert selection.reason("tests/test_calc.py::test_add") is None


def test_select_functions_by_name_and_glob() -> None:
    assert set(select_functions(MAP, ["pkg.calc.add"]).tests) == {"tests/test_calc.py::test_add"}
    assert select_functions(MAP, ["pkg.calc.Acc.*"]).functions == {"pkg.calc.Acc.push"}
    with pytest.raises(
        SelectionError,
        match=r"pkg\.calc\.ad matches no mapped function; did you mean pkg\.calc\.add",
    ):
        select_functions(MAP, ["pkg.calc.ad"])


def test_spans_and_names() -> None:
    spans = {s.name: (s.first, s.last) for s in function_spans(CALC)}
    assert spans == {"add": (1, 2), "unused": (5, 6), "Acc.push": (10, 12)}
    nested = function_spans("def f():\n    def g():\n        return 1\n    return g\n")
    assert [s.name for s in nested] == ["f", "f.<locals>.g"]
    assert module_name("src/pkg/calc.py", ["src"]) == "pkg.calc"
    assert module_name("src/pkg/__init__.py", ["src"]) == "pkg"
    assert module_name("lib/x.py", ["src"]) is None
    assert function_node_id("t.py::C::test_a[1-[x]]") == "t.py::C::test_a"


def test_a_coverage_run_that_measured_the_override_decides_alone(repo: Path) -> None:
    measured = {**MAP, "functions": {**MAP["functions"]}}
    push = {**MAP["functions"]["pkg.calc.Acc.push"]}
    push["coverage"] = push["tests"]
    measured["functions"]["pkg.calc.Acc.push"] = push
    edit(repo / "src/pkg/calc.py", "self.items = [x]", "self.items = [x, x]")
    assert "tests/test_base.py::test_push_through_the_base" not in select(repo, measured).tests
