"""Hash sharding driven through real pytest sessions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_paradisco.shard import shard_of

QUIET_WARNING = ("-W", "ignore::pytest_paradisco.ParadiscoWarning")

LOGGING_MODULE = """\
import os
with open(os.environ["IMPORT_LOG"], "a") as log:
    log.write({name!r} + "\\n")
"""


def make_suite(root: Path, files: int, *, log: bool = False) -> list[str]:
    """A suite of ``files`` test files with 1..4 tests each, some in subpackages."""
    names = []
    for i in range(files):
        sub = ("", "unit/", "integration/deep/")[i % 3]
        rel = f"tests/{sub}test_f{i:02d}.py"
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        body = LOGGING_MODULE.format(name=rel) if log else ""
        body += "".join(f"def test_{j}():\n    pass\n" for j in range(1 + i % 4))
        path.write_text(body)
        names.append(rel)
    return names


def node_ids(result: pytest.RunResult) -> set[str]:
    return {line for line in result.outlines if "::" in line and " " not in line}


def collect(pytester: pytest.Pytester, *args: str) -> set[str]:
    result = pytester.runpytest("--co", "-q", *QUIET_WARNING, *args)
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED), result.outlines
    return node_ids(result)


def test_shards_are_disjoint_and_complete(pytester: pytest.Pytester) -> None:
    make_suite(pytester.path, 24)
    full = collect(pytester)
    assert len(full) == sum(1 + i % 4 for i in range(24))
    for total in range(1, 9):
        shards = [
            collect(pytester, f"--shard-id={k}", f"--shard-total={total}") for k in range(total)
        ]
        assert sum(len(s) for s in shards) == len(full), total
        assert set().union(*shards) == full, total


def test_each_file_goes_to_md5_of_its_relative_path(pytester: pytest.Pytester) -> None:
    files = make_suite(pytester.path, 12)
    for k in range(3):
        kept = {nodeid.split("::")[0] for nodeid in collect(pytester, f"--shard={k}/3")}
        assert kept == {f for f in files if shard_of(f, 3) == k}


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    tree=st.lists(
        st.from_regex(r"(tests/)?([a-z]{1,5}/){0,2}test_[a-z0-9]{1,6}\.py", fullmatch=True),
        min_size=1,
        max_size=12,
        unique=True,
    ),
    total=st.integers(min_value=1, max_value=5),
)
def test_property_random_trees(pytester: pytest.Pytester, tree: list[str], total: int) -> None:
    root = Path(pytester.mkdir(f"tree{len(list(pytester.path.iterdir()))}"))
    (root / "pytest.ini").write_text("[pytest]\n")
    for rel in tree:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("def test_one():\n    pass\n\ndef test_two():\n    pass\n")
    args = (str(root), "--rootdir", str(root), "-p", "no:cacheprovider", "--import-mode=importlib")
    full = collect(pytester, *args)
    shards = [collect(pytester, *args, f"--shard={k}/{total}") for k in range(total)]
    assert sum(len(s) for s in shards) == len(full)
    assert set().union(*shards) == full


def test_adding_and_removing_files_moves_no_other_file(pytester: pytest.Pytester) -> None:
    make_suite(pytester.path, 10)
    before = [collect(pytester, f"--shard={k}/4") for k in range(4)]
    (pytester.path / "tests" / "test_new_a.py").write_text("def test_x():\n    pass\n")
    (pytester.path / "tests" / "test_new_b.py").write_text("def test_x():\n    pass\n")
    (pytester.path / "tests" / "test_f03.py").unlink()
    after = [collect(pytester, f"--shard={k}/4") for k in range(4)]
    for k in range(4):
        unchanged_before = {n for n in before[k] if "test_f03" not in n}
        unchanged_after = {n for n in after[k] if "test_new" not in n}
        assert unchanged_before == unchanged_after


def test_same_assignment_at_another_absolute_path(
    pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory
) -> None:
    make_suite(pytester.path, 10)
    (pytester.path / "pytest.ini").write_text("[pytest]\n")
    here = collect(pytester, "--shard=0/3")
    elsewhere = tmp_path_factory.mktemp("other") / "deeper" / "checkout"
    shutil.copytree(pytester.path, elsewhere)
    moved = collect(pytester, str(elsewhere), "--rootdir", str(elsewhere), "--shard=0/3")
    assert here
    assert moved == here


def test_shard_imports_only_its_own_test_files(pytester: pytest.Pytester) -> None:
    files = make_suite(pytester.path, 12, log=True)
    (pytester.path / "tests" / "unit" / "conftest.py").write_text(
        LOGGING_MODULE.format(name="tests/unit/conftest.py")
    )
    log = pytester.path / "imports.log"
    pytester._monkeypatch.setenv("IMPORT_LOG", str(log))
    for k in range(3):
        log.write_text("")
        result = pytester.runpytest("--shard", f"{k}/3", *QUIET_WARNING)
        result.assert_outcomes(
            passed=sum(1 + i % 4 for i, f in enumerate(files) if shard_of(f, 3) == k)
        )
        imported = set(log.read_text().split())
        mine = {f for f in files if shard_of(f, 3) == k}
        assert imported == mine | {"tests/unit/conftest.py"}, k


def test_without_sharding_every_file_is_imported(pytester: pytest.Pytester) -> None:
    files = make_suite(pytester.path, 6, log=True)
    log = pytester.path / "imports.log"
    pytester._monkeypatch.setenv("IMPORT_LOG", str(log))
    pytester.runpytest().assert_outcomes(passed=sum(1 + i % 4 for i in range(6)))
    assert set(log.read_text().split()) == set(files)


def test_shard_by_test_splits_inside_files(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_big="".join(f"def test_{i}():\n    pass\n" for i in range(40)))
    full = collect(pytester)
    shards = [collect(pytester, f"--shard={k}/4", "--shard-by=test") for k in range(4)]
    assert set().union(*shards) == full
    assert sum(len(s) for s in shards) == 40
    assert all(shards), "40 tests by node id should reach each of 4 shards"
    for k, shard in enumerate(shards):
        assert all(shard_of(nodeid, 4) == k for nodeid in shard)


def test_deselected_count_is_reported(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_big="".join(f"def test_{i}():\n    pass\n" for i in range(20)))
    result = pytester.runpytest("--shard=0/2", "--shard-by=test")
    kept = sum(1 for i in range(20) if shard_of(f"test_big.py::test_{i}", 2) == 0)
    result.assert_outcomes(passed=kept, deselected=20 - kept)
    result.stdout.fnmatch_lines(
        [f"*shard 0/2 by test [[]md5-v1]: {kept} of 20 tests in 1 of 1 files*"]
    )


def test_explicit_file_arguments_are_sharded_not_lost(pytester: pytest.Pytester) -> None:
    files = make_suite(pytester.path, 8)
    args = files[:5]
    everything = collect(pytester, *args)
    shards = [collect(pytester, *args, f"--shard={k}/2") for k in range(2)]
    assert set().union(*shards) == everything
    assert not shards[0] & shards[1]


def test_doctest_text_files_are_sharded_by_file(pytester: pytest.Pytester) -> None:
    make_suite(pytester.path, 4)
    for i in range(6):
        (pytester.path / "tests" / f"test_doc{i}.txt").write_text(">>> 1 + 1\n2\n")
    full = collect(pytester, "--doctest-glob=*.txt")
    assert sum("test_doc" in n for n in full) == 6
    shards = [collect(pytester, "--doctest-glob=*.txt", f"--shard={k}/3") for k in range(3)]
    assert sum(len(s) for s in shards) == len(full)
    assert set().union(*shards) == full


def test_a_projects_own_ignore_collect_still_applies(pytester: pytest.Pytester) -> None:
    make_suite(pytester.path, 6)
    pytester.makeconftest(
        "def pytest_ignore_collect(collection_path, config):\n"
        "    if collection_path.name == 'test_f01.py':\n"
        "        return True\n"
    )
    full = collect(pytester)
    assert not any("test_f01" in n for n in full)
    shards = [collect(pytester, f"--shard={k}/2") for k in range(2)]
    assert set().union(*shards) == full


@pytest.mark.parametrize("selection", [("-k", "test_0 or test_2"), ("-m", "slow")])
def test_keyword_and_marker_selection_then_shard(
    pytester: pytest.Pytester, selection: tuple[str, str]
) -> None:
    for i in range(8):
        pytester.makepyfile(
            **{
                f"test_m{i}": "import pytest\n"
                "@pytest.mark.slow\ndef test_0():\n    pass\n"
                "def test_1():\n    pass\n"
                "def test_2():\n    pass\n"
            }
        )
    pytester.makeini("[pytest]\nmarkers = slow\n")
    full = collect(pytester, *selection)
    shards = [collect(pytester, *selection, f"--shard={k}/3") for k in range(3)]
    assert set().union(*shards) == full
    assert sum(len(s) for s in shards) == len(full)


def test_last_failed_within_a_shard(pytester: pytest.Pytester) -> None:
    for i in range(6):
        pytester.makepyfile(
            **{f"test_lf{i}": "def test_ok():\n    pass\n\ndef test_bad():\n    assert 0\n"}
        )
    pytester.runpytest().assert_outcomes(passed=6, failed=6)
    mine = sum(1 for i in range(6) if shard_of(f"test_lf{i}.py", 2) == 1)
    result = pytester.runpytest("--lf", "--shard=1/2", *QUIET_WARNING)
    # --lf drops the passing tests while collecting (not as a deselection).
    result.assert_outcomes(failed=mine)
    result.stdout.fnmatch_lines([f"run-last-failure: rerun previous {mine} failures*"])


def test_empty_shard_passes_with_a_warning(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_only="def test_x():\n    pass\n")
    empty = next(k for k in range(8) if shard_of("test_only.py", 8) != k)
    result = pytester.runpytest_subprocess(f"--shard={empty}/8")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [f"*ParadiscoWarning: paradisco: shard {empty}/8 is empty: all 1 test file(s)*"]
    )


def test_empty_shard_passes_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_only="def test_x():\n    pass\n")
    empty = next(k for k in range(8) if shard_of("test_only.py", 8) != k)
    result = pytester.runpytest_subprocess("-n", "2", f"--shard={empty}/8")
    assert result.ret == pytest.ExitCode.OK, result.outlines
    result.stdout.fnmatch_lines([f"*shard {empty}/8 is empty*"])


def test_empty_suite_keeps_exit_status_5(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(helper="x = 1\n")
    result = pytester.runpytest_subprocess("--shard=0/4")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


RECORDING_CONFTEST = """\
import os
import pytest

@pytest.fixture(autouse=True)
def _record(request):
    with open(os.environ["RUN_LOG"], "a") as log:
        log.write(request.node.nodeid + "\\n")
"""


def test_xdist_run_equals_plain_run(pytester: pytest.Pytester) -> None:
    make_suite(pytester.path, 16)
    pytester.makeconftest(RECORDING_CONFTEST)
    runs = {}
    for extra in ((), ("-n", "2")):
        log = pytester.path / f"run{len(runs)}.log"
        pytester._monkeypatch.setenv("RUN_LOG", str(log))
        result = pytester.runpytest_subprocess("--shard=2/3", *extra)
        assert result.ret == pytest.ExitCode.OK, result.outlines
        runs[extra] = sorted(log.read_text().split())
    assert runs[()] == runs[("-n", "2")]
    assert runs[()]


def test_xdist_shard_by_test_summary(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_big="".join(f"def test_{i}():\n    pass\n" for i in range(30)))
    kept = sum(1 for i in range(30) if shard_of(f"test_big.py::test_{i}", 3) == 1)
    result = pytester.runpytest_subprocess("-n", "2", "--shard=1/3", "--shard-by=test")
    result.assert_outcomes(passed=kept, deselected=30 - kept)  # as without xdist
    result.stdout.fnmatch_lines(
        [f"*shard 1/3 by test [[]md5-v1]: {kept} of 30 tests in 1 of 1 files*"]
    )


# Found by benchmarks/bench_shard.py on jinja2 3.1.4: its ``filterwarnings = ["error"]``
# (click, Flask and most Pallets projects have the same) made the empty-shard warning an
# exception inside pytest_collection_modifyitems: INTERNALERROR, exit 3.
ERROR_FILTER_TOTAL = 8


def _empty_shard_with_error_filter(pytester: pytest.Pytester) -> int:
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    pytester.makepyfile(test_one="def test_one():\n    pass\n")
    return (shard_of("test_one.py", ERROR_FILTER_TOTAL) + 1) % ERROR_FILTER_TOTAL


@pytest.mark.parametrize("shard_by", ["file", "test"])
def test_empty_shard_passes_with_filterwarnings_error(
    pytester: pytest.Pytester, shard_by: str
) -> None:
    empty = _empty_shard_with_error_filter(pytester)
    result = pytester.runpytest_subprocess(
        f"--shard-id={empty}", f"--shard-total={ERROR_FILTER_TOTAL}", f"--shard-by={shard_by}"
    )
    assert result.ret == pytest.ExitCode.OK
    assert "INTERNALERROR" not in result.stdout.str()
    what = "1 test(s)" if shard_by == "test" else "1 test file(s)"
    result.stdout.fnmatch_lines(
        [f"*ParadiscoWarning: paradisco: shard {empty}/{ERROR_FILTER_TOTAL} is empty: all {what}*"]
    )


def test_empty_shard_warning_can_still_be_silenced(pytester: pytest.Pytester) -> None:
    empty = _empty_shard_with_error_filter(pytester)
    result = pytester.runpytest_subprocess(
        f"--shard-id={empty}", f"--shard-total={ERROR_FILTER_TOTAL}", *QUIET_WARNING
    )
    assert result.ret == pytest.ExitCode.OK
    assert "is empty" not in result.stdout.str()
