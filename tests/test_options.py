"""Options: command line, ini and environment, precedence, bad input, the header."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pytest_paradisco.shard import shard_of

FILES = 6


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    for i in range(FILES):
        pytester.makepyfile(
            **{f"test_o{i}": "def test_a():\n    pass\n\ndef test_b():\n    pass\n"}
        )
    return pytester


def passed_in_shard(shard: int, total: int) -> int:
    return 2 * sum(1 for i in range(FILES) if shard_of(f"test_o{i}.py", total) == shard)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shard-id=1"], "*--shard-id=1 needs the number of shards: add --shard-total=N*"),
        (["--shard-total=4"], "*--shard-total=4 needs the shard to run: add --shard-id=K*0..3*"),
        (
            ["--shard-id=4", "--shard-total=4"],
            "*--shard-id=4 is out of range for --shard-total=4: shard ids are 0-based, 0..3",
        ),
        (["--shard-id=0", "--shard-total=0"], "*--shard-total*'0': the number of shards must be*"),
        (["--shard-id=x", "--shard-total=2"], "*--shard-id*'x' is not a shard index*"),
        (["--shard-id=-1", "--shard-total=2"], "*--shard-id*'-1' is negative*"),
        (["--shard-id=1.5", "--shard-total=2"], "*--shard-id*'1.5' is not a shard index*"),
        (["--shard=3/2"], "*--shard*'3/2': shard 3 does not exist*0..1*"),
        (["--shard=a"], "*--shard*'a' is not K/N*"),
        (["--shard-by=dir", "--shard=0/2"], "*--shard-by*'dir' is not one of: file, test*"),
        (["--shard=1/4", "--shard-id=2"], "*--shard=1/4 and --shard-id=2 disagree*"),
        (["--shard-id=auto"], "*--shard-id=auto found no CI parallelism variables*CI_NODE_INDEX*"),
        (["--paradisco-shard-id=1"], "*--shard-id=1 needs the number of shards*"),
    ],
)
def test_bad_command_line(suite: pytest.Pytester, args: list[str], message: str) -> None:
    result = suite.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stderr.str()
    assert "INTERNALERROR" not in result.stdout.str()


@pytest.mark.parametrize(
    ("ini", "env", "message"),
    [
        ("shard_total = four\nshard_id = 1", {}, "*shard_total = four (tox.ini): 'four' is not*"),
        ("shard_by = dir\nshard = 0/2", {}, "*shard_by = dir (tox.ini): 'dir' is not one of*"),
        (
            "",
            {"PARADISCO_SHARD_TOTAL": "0", "PARADISCO_SHARD_ID": "0"},
            "*PARADISCO_SHARD_TOTAL=0: *",
        ),
        (
            "",
            {"PARADISCO_SHARD_ID": "3", "PARADISCO_SHARD_TOTAL": "2"},
            "*PARADISCO_SHARD_ID=3 is out*",
        ),
        ("", {"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "2", "PARADISCO_SHARD_ID": "auto"}, "*range*"),
    ],
)
def test_bad_ini_and_environment(
    suite: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    ini: str,
    env: dict[str, str],
    message: str,
) -> None:
    suite.makefile(".ini", tox=f"[pytest]\n{ini}\n")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = suite.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_auto_disagreeing_total_is_an_error(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI_NODE_INDEX", "1")
    monkeypatch.setenv("CI_NODE_TOTAL", "3")
    result = suite.runpytest("--shard-id=auto", "--shard-total=4")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--shard-total=4 disagrees with GitLab's CI_NODE_INDEX=1*"])


@pytest.mark.parametrize(
    ("env", "shard", "total", "origin"),
    [
        (
            {"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3"},
            1,
            3,
            "GitLab CI_NODE_INDEX=2, CI_NODE_TOTAL=3",
        ),
        (
            {"CIRCLE_NODE_INDEX": "0", "CIRCLE_NODE_TOTAL": "2"},
            0,
            2,
            "CircleCI CIRCLE_NODE_INDEX=0*",
        ),
        (
            {"BUILDKITE_PARALLEL_JOB": "1", "BUILDKITE_PARALLEL_JOB_COUNT": "2"},
            1,
            2,
            "Buildkite BUILDKITE_PARALLEL_JOB=1*",
        ),
    ],
)
def test_auto_reads_ci_variables(
    suite: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    shard: int,
    total: int,
    origin: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = suite.runpytest("--shard-id=auto")
    result.assert_outcomes(passed=passed_in_shard(shard, total))
    result.stdout.fnmatch_lines(
        [f"paradisco: --shard-id={shard} --shard-total={total} --shard-by=file *(from {origin})"]
    )


def test_environment_used_when_flags_absent(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARADISCO_SHARD_ID", "1")
    monkeypatch.setenv("PARADISCO_SHARD_TOTAL", "2")
    result = suite.runpytest()
    result.assert_outcomes(passed=passed_in_shard(1, 2))
    result.stdout.fnmatch_lines(["*--shard-id=1 --shard-total=2 *(from PARADISCO_SHARD_ID=1)"])


def test_command_line_beats_ini_beats_environment(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARADISCO_SHARD", "0/2")
    suite.makefile(".ini", tox="[pytest]\nshard = 1/2\n")
    suite.runpytest().assert_outcomes(passed=passed_in_shard(1, 2))
    suite.runpytest("--shard=0/3").assert_outcomes(passed=passed_in_shard(0, 3))
    (suite.path / "tox.ini").unlink()
    suite.runpytest().assert_outcomes(passed=passed_in_shard(0, 2))


def test_pyproject_ini_options(suite: pytest.Pytester) -> None:
    suite.makepyprojecttoml(
        '[tool.pytest.ini_options]\nshard_id = "1"\nshard_total = 2\nshard_by = "file"\n'
    )
    result = suite.runpytest()
    result.assert_outcomes(passed=passed_in_shard(1, 2))
    result.stdout.fnmatch_lines(
        ["paradisco: --shard-id=1 --shard-total=2 --shard-by=file [[]md5-v1]"]
    )


def test_shard_pair_agreeing_with_explicit_values(suite: pytest.Pytester) -> None:
    suite.runpytest("--shard=1/2", "--shard-id=1").assert_outcomes(passed=passed_in_shard(1, 2))


def test_header_can_be_pasted_back(suite: pytest.Pytester) -> None:
    first = suite.runpytest("--shard=1/3")
    line = next(x for x in first.outlines if x.startswith("paradisco: "))
    flags = line.split(": ", 1)[1].split(" [")[0].split()
    second = suite.runpytest(*flags)
    assert second.parseoutcomes() == first.parseoutcomes()


def test_no_header_and_no_section_when_idle(suite: pytest.Pytester) -> None:
    result = suite.runpytest()
    result.assert_outcomes(passed=2 * FILES)
    assert "paradisco" not in result.stdout.str().replace("plugins: paradisco", "")


def test_help_lists_every_option_in_one_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    text = result.stdout.str()
    group = text.split("paradisco: sharding", 1)[1].split("\n\n", 1)[0]
    for flag in ("--shard-id", "--shard-total", "--shard=", "--shard-by", "--shard-plan"):
        assert flag in group, flag
        assert flag.replace("--", "--paradisco-", 1) in group
    for ini in ("shard_id ", "shard_total ", "shard ", "shard_by ", "shard_plan "):
        assert f"  {ini}" in text


def test_plugin_can_be_switched_off(suite: pytest.Pytester) -> None:
    suite.runpytest("-p", "no:paradisco").assert_outcomes(passed=2 * FILES)
    result = suite.runpytest("-p", "no:paradisco", "--shard=0/2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_quiet_quiet_is_silent(suite: pytest.Pytester) -> None:
    result = suite.runpytest("-qq", "--shard=0/2")
    assert "paradisco" not in result.stdout.str()


# -- --shard-plan


def test_shard_plan_runs_nothing_and_shows_the_partition(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_fails="def test_boom():\n    assert 0\n")
    result = suite.runpytest("--shard-plan", "--shard-total=3", "-v")
    assert result.ret == pytest.ExitCode.OK
    assert "FAILED" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*3 shards by file [[]md5-v1]: 13 tests in 7 files",
            "*shard*files*tests*tests%*weight*weight%",
            "*max/mean tests per shard: *",
        ]
    )
    files = [f"test_o{i}.py" for i in range(FILES)] + ["test_fails.py"]
    for name in files:
        result.stdout.fnmatch_lines([f"* {name} (*tests)"])
    rows = [
        line.split()
        for line in result.outlines
        if line.strip()[:1].isdigit() and line.strip().endswith("%")
    ]
    assert len(rows) == 3
    assert sum(int(row[2]) for row in rows) == 13


def test_shard_plan_without_total_compares_totals(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--shard-plan")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "12 tests in 6 files; max/mean tests per shard by --shard-by*",
            "*N*file*balanced*test*empty(file)",
            "   2 *",
            "  16 *",
        ]
    )


def test_shard_plan_under_xdist_still_sees_everything(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess("-n", "2", "--shard-plan", "--shard-total=2")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*2 shards by file [[]md5-v1]: 12 tests in 6 files"])


# -- the shard-key hook

CLASS_KEY_CONFTEST = """\
def pytest_paradisco_shard_key(item):
    if item.cls is not None:
        return item.nodeid.rsplit("::", 1)[0]
    return None
"""


def test_shard_key_hook_keeps_a_class_together(pytester: pytest.Pytester) -> None:
    methods = "".join(f"    def test_{j}(self):\n        pass\n" for j in range(5))
    pytester.makepyfile(
        test_classes="".join(f"class TestC{i}:\n{methods}\n" for i in range(6))
        + "".join(f"def test_free{i}():\n    pass\n" for i in range(6))
    )
    pytester.makeconftest(CLASS_KEY_CONFTEST)
    seen: set[str] = set()
    for k in range(3):
        result = pytester.runpytest("--co", "-q", f"--shard={k}/3", "-W", "ignore::UserWarning")
        ids = {line for line in result.outlines if "::" in line}
        assert not ids & seen
        seen |= ids
        for i in range(6):
            in_shard = {n for n in ids if f"TestC{i}::" in n}
            assert len(in_shard) in (0, 5), f"class TestC{i} split: {in_shard}"
            assert bool(in_shard) == (shard_of(f"test_classes.py::TestC{i}", 3) == k)
    assert len(seen) == 36


def test_shard_key_hook_below_rootdir_is_refused(pytester: pytest.Pytester) -> None:
    sub = pytester.mkpydir("sub")
    (Path(sub) / "conftest.py").write_text(CLASS_KEY_CONFTEST)
    for i in range(6):
        (Path(sub) / f"test_s{i}.py").write_text("def test_x():\n    pass\n")
    (pytester.path / "test_top.py").write_text("def test_x():\n    pass\n")
    results = [pytester.runpytest(f"--shard={k}/3") for k in range(3)]
    assert any(r.ret == pytest.ExitCode.USAGE_ERROR for r in results)
    for r in results:
        if r.ret == pytest.ExitCode.USAGE_ERROR:
            r.stderr.fnmatch_lines(["*pytest_paradisco_shard_key is implemented in a conftest.py*"])


# -- living beside pytest-shard


@pytest.fixture
def with_pytest_shard(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    site = Path(sys.prefix) / "extra" / "pytest-shard"
    if not (site / "pytest_shard").is_dir():
        pytest.skip("pytest-shard is installed by scripts/test into .venv/extra/pytest-shard")
    monkeypatch.setenv("PYTHONPATH", str(site) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return suite


def test_pytest_shard_installed_help_works(with_pytest_shard: pytest.Pytester) -> None:
    result = with_pytest_shard.runpytest_subprocess("--help")
    assert result.ret == pytest.ExitCode.OK
    assert "--num-shards" in result.stdout.str()
    assert "--paradisco-shard-id" in result.stdout.str()


def test_pytest_shard_installed_our_spellings_work(with_pytest_shard: pytest.Pytester) -> None:
    result = with_pytest_shard.runpytest_subprocess("--paradisco-shard-id=1", "--shard-total=2")
    result.assert_outcomes(passed=passed_in_shard(1, 2))
    result = with_pytest_shard.runpytest_subprocess("--shard=0/2")
    result.assert_outcomes(passed=passed_in_shard(0, 2))


def test_pytest_shard_installed_clash_is_one_message(with_pytest_shard: pytest.Pytester) -> None:
    result = with_pytest_shard.runpytest_subprocess("--shard-id=1", "--shard-total=2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--shard-id belongs to pytest-shard*--paradisco-shard-id=K*"])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_pytest_shard_disabled_gives_back_shard_id(with_pytest_shard: pytest.Pytester) -> None:
    result = with_pytest_shard.runpytest_subprocess(
        "-p", "no:pytest-shard", "--shard-id=1", "--shard-total=2"
    )
    result.assert_outcomes(passed=passed_in_shard(1, 2))


@pytest.mark.parametrize(
    ("args", "after", "taken"),
    [
        (["--paradisco-diff"], ["--paradisco-diff"], []),
        (["--paradisco-diff=main", "t.py"], ["--paradisco-diff=main", "t.py"], []),
        (["--paradisco-diff", "t.py"], ["t.py", "--paradisco-diff"], ["t.py"]),
        (
            ["-v", "--paradisco-diff", "a.py", "b.py", "-k", "x", "c.py"],
            ["-v", "a.py", "b.py", "--paradisco-diff", "-k", "x", "c.py"],
            ["a.py"],
        ),
        (
            ["--paradisco-diff", "a.py", "--paradisco-diff=main"],
            ["a.py", "--paradisco-diff", "--paradisco-diff=main"],
            ["a.py"],
        ),
        (["--paradisco-diff", "--", "a.py"], ["--paradisco-diff", "--", "a.py"], []),
        (["-k", "--paradisco-diff", "a.py"], ["-k", "a.py", "--paradisco-diff"], ["a.py"]),
    ],
)
def test_words_after_a_bare_diff_flag_stay_paths(
    args: list[str], after: list[str], taken: list[str]
) -> None:
    from pytest_paradisco.options import give_back_words

    assert give_back_words(args) == taken
    assert args == after
