"""`paradisco combine` on real shard artifacts: four shards of the example project, each
run by real pytest + pytest-cov in its own checkout under another absolute root, their
data downloaded into separate artifact directories, as a CI matrix leaves them."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from _coverage_projects import coverage_total, run

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "inventory"
#: What a run of scripts/demo may leave in the example; never part of a fresh checkout.
LEFTOVERS = shutil.ignore_patterns(".coverage*", ".pytest_cache", "__pycache__")
PRECISION = "\n[tool.coverage.report]\nprecision = 2\n"


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """artifacts/coverage-K/{.coverage,.coverage-paradisco.json} for K in 0..3, each
    measured in /.../runner-K/checkout (four different roots), run id ci-1."""
    base = tmp_path_factory.mktemp("ci")
    artifacts = base / "artifacts"
    for shard in range(4):
        checkout = base / f"runner-{shard}" / "checkout"
        shutil.copytree(EXAMPLE, checkout, ignore=LEFTOVERS)
        result = run(
            [
                "pytest",
                f"--shard={shard}/4",
                "--paradisco-run-id=ci-1",
                "--cov",
                "--cov-report=",
                "-p",
                "no:cacheprovider",
            ],
            checkout,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        target = artifacts / f"coverage-{shard}"
        target.mkdir(parents=True)
        for name in (".coverage", ".coverage-paradisco.json"):
            shutil.copy2(checkout / name, target / name)
        shutil.rmtree(checkout.parent)  # like a CI runner: that root is gone
    return artifacts


def final_checkout(tmp_path: Path, shards: Path, paths: str = "") -> Path:
    """The final job's checkout (another root again) with the artifacts downloaded."""
    checkout = tmp_path / "final" / "checkout"
    shutil.copytree(EXAMPLE, checkout, ignore=LEFTOVERS)
    with (checkout / "pyproject.toml").open("a") as handle:
        handle.write(PRECISION + paths)
    shutil.copytree(shards, checkout / "artifacts")
    return checkout


def paths_entry(shards: Path, skip: int | None = None) -> str:
    """The [paths] entry mapping the four runners' roots onto a checkout."""
    roots = [f'"{shards.parent}/runner-{k}/checkout/src/"' for k in range(4) if k != skip]
    return f'\n[tool.coverage.paths]\nsource = ["src/", {", ".join(roots)}]\n'


def digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def advised_paths(stderr: str) -> str:
    """The `[tool.coverage.paths]` entry that `paradisco combine` advised."""
    match = re.search(r"^\s*(\[tool\.coverage\.paths\])\n\s*(source = \[.*\])$", stderr, re.M)
    assert match, stderr
    return f"\n{match[1]}\n{match[2]}\n"


def test_roots_advice_then_total_equals_coverage_combine(tmp_path: Path, shards: Path) -> None:
    """Without [paths] the four roots are named with the entry to add (rather than a
    report counting each file four times, or "No source for code"); with that entry,
    the total equals `coverage combine && coverage report` on copies of the same
    inputs, and the whole suite's own total."""
    checkout = final_checkout(tmp_path, shards)
    result = run(["pytest_paradisco.cli", "combine", "artifacts", "--expect-shards=4"], checkout)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "recorded under 4 other checkout root(s)" in result.stderr
    entry = advised_paths(result.stderr)
    for shard in range(4):
        assert f"runner-{shard}/checkout/src/" in entry

    # A [paths] entry that misses one root (61% instead of the total, silently, with
    # coverage alone) gets that root named.
    partial = final_checkout(tmp_path / "partial", shards, paths_entry(shards, skip=2))
    result = run(["pytest_paradisco.cli", "combine", "artifacts"], partial)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "recorded under 1 other checkout root(s)" in result.stderr
    assert "runner-2/checkout/src/" in advised_paths(result.stderr)

    with (checkout / "pyproject.toml").open("a") as handle:
        handle.write(entry)
    before = digests(checkout / "artifacts")
    result = run(
        [
            "pytest_paradisco.cli",
            "combine",
            "artifacts",
            "--expect-shards=4",
            "--json=summary.json",
            "--markdown=summary.md",
        ],
        checkout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((checkout / "summary.json").read_text())
    assert summary["shards"]["present"] == [0, 1, 2, 3]
    assert summary["shards"]["run_id"] == "ci-1"
    assert result.stdout.splitlines()[-1] == (
        f"paradisco: coverage {summary['shown']}% (combined 4 data files of 4/4 shards, run ci-1)"
    )
    assert digests(checkout / "artifacts") == before  # inputs kept, untouched
    assert coverage_total(checkout) == summary["shown"]  # the later report agrees
    assert f"| Total | **{summary['shown']}%** |" in (checkout / "summary.md").read_text()

    # coverage's own combine on copies of the same complete inputs.
    check = tmp_path / "check"
    shutil.copytree(EXAMPLE, check, ignore=LEFTOVERS)
    shutil.copy2(checkout / "pyproject.toml", check / "pyproject.toml")
    for shard in range(4):
        shutil.copy2(shards / f"coverage-{shard}" / ".coverage", check / f".coverage.s{shard}")
    assert run(["coverage", "combine"], check).returncode == 0
    assert coverage_total(check) == summary["shown"]

    # ... and the whole suite in one process.
    whole = tmp_path / "whole"
    shutil.copytree(EXAMPLE, whole, ignore=LEFTOVERS)
    shutil.copy2(checkout / "pyproject.toml", whole / "pyproject.toml")
    single = run(["pytest", "--cov", "--cov-report=", "-p", "no:cacheprovider"], whole)
    assert single.returncode == 0, single.stdout
    assert coverage_total(whole) == summary["shown"]

    # Re-running gives the same total (nothing was consumed).
    again = run(["pytest_paradisco.cli", "combine", "artifacts", "--json=again.json"], checkout)
    assert again.returncode == 0, again.stderr
    assert json.loads((checkout / "again.json").read_text())["shown"] == summary["shown"]


def test_missing_corrupt_and_duplicated_shards_are_named(tmp_path: Path, shards: Path) -> None:
    """Shard 2 missing, shard 1 truncated, shard 3 downloaded twice: each is named by
    shard id, the rest is combined, nothing is deleted, and the exit status is 1 (not
    94%-and-passing as with `coverage combine`)."""
    checkout = final_checkout(tmp_path, shards, paths_entry(shards))
    artifacts = checkout / "artifacts"
    shutil.rmtree(artifacts / "coverage-2")
    data = artifacts / "coverage-1" / ".coverage"
    data.write_bytes(data.read_bytes()[:4096])
    shutil.copytree(artifacts / "coverage-3", artifacts / "coverage-3-retry")
    before = digests(artifacts)
    result = run(
        [
            "pytest_paradisco.cli",
            "combine",
            "artifacts",
            "--expect-shards=4",
            "--json=summary.json",
            "-q",
        ],
        checkout,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "paradisco: missing shard 2 of 4 (run ci-1)" in result.stderr
    assert "shard 3 of 4 appears 2 times" in result.stderr
    assert "is not the data shard 1/4 [md5-v1, by file, run ci-1] wrote" in result.stderr
    assert re.search(r"could not be combined.*coverage-1/\.coverage: ", result.stderr)
    summary = json.loads((checkout / "summary.json").read_text())
    assert summary["shards"]["missing"] == [2]
    assert list(summary["shards"]["duplicated"]) == ["3"]
    assert summary["exit_status"] == 1
    assert digests(artifacts) == before

    # Deciding on what is usable: still named, exit 0, the same two shards combined.
    result = run(
        ["pytest_paradisco.cli", "combine", "artifacts", "-q", "--ignore-bad-data"], checkout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "missing shard 2 of 4" in result.stderr
    assert "of 2/4 shards, run ci-1)" in result.stdout


def test_foreign_shard_and_fail_under(tmp_path: Path, shards: Path) -> None:
    """A shard of another run is foreign (named, left out); under --fail-under the exit
    status is 2, coverage's convention."""
    checkout = final_checkout(tmp_path, shards, paths_entry(shards))
    sidecar = checkout / "artifacts" / "coverage-0" / ".coverage-paradisco.json"
    identity = json.loads(sidecar.read_text())
    identity["run_id"] = "ci-0"
    sidecar.write_text(json.dumps(identity))
    result = run(["pytest_paradisco.cli", "combine", "artifacts", "-q", "--run-id=ci-1"], checkout)
    assert result.returncode == 1
    assert "foreign: artifacts/coverage-0/.coverage: shard 0/4" in result.stderr
    assert "not of run ci-1" in result.stderr
    assert "missing shard 0 of 4" in result.stderr

    result = run(
        ["pytest_paradisco.cli", "combine", "artifacts", "-q", "--fail-under=100"], checkout
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert re.search(r"paradisco: coverage [\d.]+% < 100% ", result.stdout)


def test_failed_write_keeps_every_input(tmp_path: Path, shards: Path) -> None:
    """When the combined file cannot be written, every input stays and no temporary
    file is left; running again with a writable target gives the total."""
    checkout = final_checkout(tmp_path, shards, paths_entry(shards))
    blocked = checkout / "out" / ".coverage"
    blocked.mkdir(parents=True)
    (blocked / "x").write_text("a directory where the data file should go")
    before = digests(checkout / "artifacts")
    result = run(
        ["pytest_paradisco.cli", "combine", "artifacts", "--data-file=out/.coverage", "-q"],
        checkout,
    )
    assert result.returncode == 1
    assert "could not write the combined data to out/.coverage" in result.stderr
    assert "every input is left as it was" in result.stderr
    assert digests(checkout / "artifacts") == before
    assert not list(checkout.rglob(".paradisco-combine-*"))
    assert not (checkout / ".coverage").exists()

    result = run(
        ["pytest_paradisco.cli", "combine", "artifacts", "--data-file=out2/.coverage", "-q"],
        checkout,
    )
    assert result.returncode == 0, result.stderr
    assert (checkout / "out2" / ".coverage").is_file()
    assert digests(checkout / "artifacts") == before


def test_no_data_found(tmp_path: Path) -> None:
    result = run(["pytest_paradisco.cli", "combine", str(tmp_path)], tmp_path)
    assert result.returncode == 1
    assert "no coverage data files named .coverage or .coverage.* under" in result.stderr
    result = run(["pytest_paradisco.cli", "combine", "nowhere"], tmp_path)
    assert result.returncode == 1
    assert "nowhere: no such file or directory" in result.stderr


def test_map_table_into_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    """`paradisco map | head -1` used to end in a BrokenPipeError traceback."""
    functions = {
        f"pkg.mod.f{i}": {
            "file": "src/pkg/mod.py",
            "line": i,
            "end_line": i,
            "tests": [],
            "direct": [],
        }
        for i in range(1, 20000)
    }
    map_file = tmp_path / "map.json"
    map_file.write_text(json.dumps({"version": 1, "functions": functions, "errors": []}))
    proc = subprocess.run(
        f"{shlex.quote(sys.executable)} -m pytest_paradisco.cli map {shlex.quote(str(map_file))}"
        " | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stdout.strip()
    assert "Traceback" not in proc.stderr
    assert "BrokenPipe" not in proc.stderr
