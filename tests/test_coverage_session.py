"""The coverage feature inside a pytest session: real pytest-cov, real xdist, real
``coverage run``, each run in a subprocess, and the real ``coverage report`` afterwards.

Each test reproduces one thing users hit (issue 4, "What users hit today") and checks
that the plugin's path is immune to it.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from _coverage_projects import (
    clean_env,
    coverage_total,
    data_files,
    numbered_project,
    paradisco_line,
    run,
)


def test_no_coverage_costs_nothing(pytester: pytest.Pytester) -> None:
    """Without coverage in the session the plugin does not import coverage at all."""
    pytester.makepyfile(
        test_plain="""
        import sys

        def test_plain():
            assert "coverage" not in sys.modules
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    assert "paradisco: coverage" not in result.stdout.str()


def test_xdist_total_is_the_later_coverage_report(pytester: pytest.Pytester) -> None:
    """The classic failure: a printed total, then a plain `coverage report` on a partial
    file. After the session there is one data file, and it gives the enforced total."""
    numbered_project(pytester.path, 278, 300)
    result = pytester.runpytest_subprocess(
        "-n", "2", "--cov", "--cov-report=", "--paradisco-fail-under=80"
    )
    assert result.ret == pytest.ExitCode.OK
    line = paradisco_line(result.outlines)
    assert line.startswith("paradisco: coverage 92.67% >= 80% (combined ")
    assert "from 2 processes" in line
    assert data_files(pytester.path) == [".coverage"]
    assert coverage_total(pytester.path) == "92.67"
    result.stdout.fnmatch_lines(["paradisco: coverage (pytest-cov) combined into .coverage*"])


@pytest.mark.parametrize(
    ("threshold", "status", "sign"),
    [("92.66", 0, ">="), ("92.67", 0, ">="), ("92.68", 1, "<")],
)
def test_threshold_at_precision_2(
    pytester: pytest.Pytester, threshold: str, status: int, sign: str
) -> None:
    """278/300 = 92.666..% shows as 92.67 with precision 2: exactly at the threshold
    passes, one hundredth above fails, and the banner says the same as the status."""
    numbered_project(pytester.path, 278, 300, tests=1)
    result = pytester.runpytest_subprocess(
        "--cov", "--cov-report=", f"--paradisco-fail-under={threshold}"
    )
    assert result.ret == status
    assert paradisco_line(result.outlines).startswith(
        f"paradisco: coverage 92.67% {sign} {threshold}% "
    )
    assert coverage_total(pytester.path) == "92.67"
    # coverage's own verdict on the same data agrees with ours.
    report = run(["coverage", "report", f"--fail-under={threshold}"], pytester.path)
    assert (report.returncode == 2) == bool(status)


def test_threshold_from_coverage_config_fails_the_session(pytester: pytest.Pytester) -> None:
    """Every test passes, the total is under [report] fail_under: exit status 1."""
    numbered_project(pytester.path, 278, 300, tests=1, extra="fail_under = 95\n")
    # pytest-cov's own terminal report is on: its total is reused, not computed again.
    result = pytester.runpytest_subprocess("--cov")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["TOTAL * 92.67%"])
    assert paradisco_line(result.outlines).startswith("paradisco: coverage 92.67% < 95% ")
    result.stdout.fnmatch_lines(["*fail-under 95% ([[]report[]] fail_under = 95)*"])
    assert coverage_total(pytester.path, "--fail-under=0") == "92.67"


def test_threshold_from_the_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PARADISCO_FAIL_UNDER applies when no flag or ini value is given, and says so."""
    numbered_project(pytester.path, 278, 300, tests=1)
    monkeypatch.setenv("PARADISCO_FAIL_UNDER", "93")
    result = pytester.runpytest_subprocess("--cov", "--cov-report=")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*fail-under 93% (PARADISCO_FAIL_UNDER=93)*"])
    assert paradisco_line(result.outlines).startswith("paradisco: coverage 92.67% < 93% ")


def test_display_and_verdict_agree_where_pytest_cov_disagrees(
    pytester: pytest.Pytester,
) -> None:
    """28/29 = 96.55%: pytest-cov prints "FAIL ... not reached" for 97 with precision 0
    and exits 0. The paradisco line says 97% >= 97%, like `coverage report`; with
    precision 2 it says 96.55% < 97% and the session fails."""
    numbered_project(pytester.path, 28, 29, precision=0, tests=1)
    result = pytester.runpytest_subprocess(
        "--cov", "--cov-report=", "--cov-fail-under=97", "--paradisco-fail-under=97"
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["FAIL Required test coverage of 97% not reached*"])
    assert paradisco_line(result.outlines).startswith("paradisco: coverage 97% >= 97% ")
    assert run(["coverage", "report", "--fail-under=97"], pytester.path).returncode == 0

    numbered_project(pytester.path, 28, 29, precision=2, tests=1)
    result = pytester.runpytest_subprocess("--cov", "--cov-report=", "--paradisco-fail-under=97")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert paradisco_line(result.outlines).startswith("paradisco: coverage 96.55% < 97% ")


def test_shard_does_not_check_partial_data(inventory: pytest.Pytester) -> None:
    """Each shard checking --cov-fail-under on its partial data fails every shard. A
    shard's partial total is never held to the threshold here (neither ours nor
    pytest-cov's), the header says so, and the data carries the shard's identity."""
    pytester = inventory
    result = pytester.runpytest_subprocess(
        "--shard=1/4",
        "--paradisco-run-id=run-7",
        "--cov",
        "--cov-report=",
        "--cov-fail-under=99",
    )
    assert result.ret == pytest.ExitCode.OK
    assert "on shard 1/4, partial data, not checked" in paradisco_line(result.outlines)
    result.stdout.fnmatch_lines(
        ["paradisco: coverage (pytest-cov) *shard 1/4*not checked on this shard's partial*"]
    )
    assert "not reached" not in result.stdout.str()
    identity = json.loads((pytester.path / ".coverage-paradisco.json").read_text())
    assert identity["shard_id"] == 1
    assert identity["shard_total"] == 4
    assert identity["run_id"] == "run-7"
    assert identity["scheme"] == "md5-v1"
    assert len(identity["data_sha256"]) == 64


def test_coverage_run_xdist_without_subprocess_patch_warns(pytester: pytest.Pytester) -> None:
    """`coverage run -m pytest -n 2` measures only the controller (about 0%): warn with
    the config line that fixes it."""
    numbered_project(pytester.path, 278, 300, tests=2)
    result = run(["coverage", "run", "-m", "pytest", "-n", "2"], pytester.path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'patch = ["subprocess"]' in result.stdout
    assert "ParadiscoWarning" in result.stdout


def test_coverage_run_xdist_with_subprocess_patch(pytester: pytest.Pytester) -> None:
    """With `patch = ["subprocess"]` the workers are measured, saved before they report
    done, combined with the controller's data, and nothing stray is left behind for
    the next `coverage report` to merge."""
    numbered_project(pytester.path, 278, 300, tests=2, extra_run='patch = ["subprocess"]\n')
    result = run(
        ["coverage", "run", "-m", "pytest", "-n", "2", "--paradisco-fail-under=90"],
        pytester.path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = paradisco_line(result.stdout.splitlines())
    assert line == "paradisco: coverage 92.67% >= 90% (combined 3 data files from 3 processes)"
    assert data_files(pytester.path) == [".coverage"]
    assert coverage_total(pytester.path) == "92.67"


def test_stale_data_file_is_not_merged(pytester: pytest.Pytester) -> None:
    """A `.coverage` from an earlier run (here measuring a module since renamed) is not
    mixed into this session's total nor into the later `coverage report`."""
    numbered_project(pytester.path, 278, 300, tests=1)
    (pytester.path / "pkg" / "old.py").write_text("def gone():\n    return 1\n\ngone()\n")
    stale = run(["coverage", "run", "--parallel-mode", "-m", "pkg.old"], pytester.path)
    assert stale.returncode == 0, stale.stderr
    assert run(["coverage", "combine"], pytester.path).returncode == 0
    assert data_files(pytester.path) == [".coverage"]
    (pytester.path / "pkg" / "old.py").unlink()

    result = run(["coverage", "run", "-m", "pytest"], pytester.path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert paradisco_line(result.stdout.splitlines()).startswith("paradisco: coverage 92.67%")
    assert data_files(pytester.path) == [".coverage"]
    assert coverage_total(pytester.path) == "92.67"


def test_bad_data_file_is_named_kept_and_fails_closed(pytester: pytest.Pytester) -> None:
    """A corrupt data file written during the session (a crashed subprocess, say) is
    named, left in place, and the threshold fails even though the rest passes it;
    --paradisco-ignore-bad-data decides on the rest."""
    numbered_project(pytester.path, 278, 300, tests=1)
    (pytester.path / "tests" / "test_crash.py").write_text(
        "from pathlib import Path\n\n\n"
        "def test_writes_a_broken_data_file():\n"
        '    Path(".coverage.crashed.pid99.Xabcdefx").write_bytes(b"SQLite format 3" * 9)\n'
    )
    result = pytester.runpytest_subprocess("--cov", "--cov-report=", "--paradisco-fail-under=80")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=2)
    assert paradisco_line(result.outlines).startswith("paradisco: coverage 92.67% >= 80% ")
    result.stdout.fnmatch_lines(
        [
            "paradisco: 1 coverage data file(s) could not be combined and were left in place:"
            " .coverage.crashed.pid99.Xabcdefx: *",
            "paradisco: the threshold fails closed*--paradisco-ignore-bad-data*",
        ]
    )
    assert ".coverage.crashed.pid99.Xabcdefx" in data_files(pytester.path)

    result = pytester.runpytest_subprocess(
        "--cov", "--cov-report=", "--paradisco-fail-under=80", "--paradisco-ignore-bad-data"
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["paradisco: the threshold was decided on the usable data*"])


def test_threshold_without_coverage_warns(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    result = pytester.runpytest_subprocess("--paradisco-fail-under=80")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        ["*ParadiscoWarning: paradisco: --paradisco-fail-under=80 has no effect: coverage*"]
    )
    assert "paradisco: coverage" not in result.stdout.str()


def test_bad_threshold_value_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--paradisco-fail-under=101")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--paradisco-fail-under*'101' is not a percentage*"])
    pytester.makeini("[pytest]\nparadisco_fail_under = lots\n")
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*paradisco_fail_under = lots*is not a percentage*"])


def test_two_sessions_finishing_at_once_lose_no_data(pytester: pytest.Pytester) -> None:
    """Two `coverage run -m pytest` sessions in one directory, overlapping: combines take
    turns, neither takes the other's running process's file, and the data file written
    last holds both sessions' data."""
    numbered_project(pytester.path, 278, 300, tests=0)
    (pytester.path / "pkg" / "other.py").write_text("def f():\n    return 1\n\nf()\n")
    (pytester.path / "tests" / "test_a.py").write_text(
        "import time\nfrom pkg.mod import hit\n\n\ndef test_a():\n    hit()\n    time.sleep(3)\n"
    )
    (pytester.path / "tests" / "test_b.py").write_text(
        "import time\nimport pkg.other\n\n\ndef test_b():\n    time.sleep(3)\n"
    )
    env = clean_env()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "coverage", "run", "-m", "pytest", f"tests/test_{name}.py"],
            cwd=pytester.path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("a", "b")
    ]
    outputs = [proc.communicate(timeout=120)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    assert data_files(pytester.path) == [".coverage"]
    report = run(["coverage", "report", "--show-missing"], pytester.path)
    assert "pkg/other.py" in report.stdout, outputs
    assert coverage_total(pytester.path) != "0.00"
    measured = run(["coverage", "json", "-o", "-"], pytester.path)
    files = json.loads(measured.stdout)["files"]
    assert files["pkg/mod.py"]["summary"]["covered_lines"] == 278
    assert files["pkg/other.py"]["summary"]["covered_lines"] == 3
