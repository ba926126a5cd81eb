"""combine.py on its own: real coverage data files written with coverage's API, real
source files, no pytest session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from coverage import CoverageData

from pytest_paradisco import combine as c


@pytest.mark.parametrize(
    ("percent", "fail_under", "precision", "shown", "failed"),
    [
        (92.666, 92.67, 2, "92.67", False),  # exactly at the threshold as displayed
        (92.666, 92.68, 2, "92.67", True),
        (92.666, 92.66, 2, "92.67", False),
        (96.55, 97, 0, "97", False),  # shown 97: passes, as the banner says
        (96.55, 97, 2, "96.55", True),
        (92.6664, 92.667, 2, "92.666", True),  # the threshold implies 3 digits
        (99.996, 100, 2, "99.99", True),  # 100 must really be 100, and is not shown
        (100.0, 100, 0, "100", False),
        (0.001, None, 2, "0.01", False),
    ],
)
def test_verdict_is_decided_on_the_shown_number(
    percent: float, fail_under: float | None, precision: int, shown: str, failed: bool
) -> None:
    verdict = c.decide(percent, fail_under, precision)
    assert verdict.shown == shown
    assert verdict.failed is failed
    if fail_under is not None:
        sign = "<" if failed else ">="
        assert verdict.comparison() == f"{shown}% {sign} {c.format_percent(fail_under)}%"


def test_threshold_outside_0_100_is_refused() -> None:
    with pytest.raises(c.CombineError, match="fail-under=101"):
        c.decide(50.0, 101, 0)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory with two source files and a coverage config (line coverage)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("x = 1\ny = 2\nz = 3\nw = 4\n")
    (tmp_path / "b.py").write_text("p = 1\nq = 2\n")
    (tmp_path / ".coveragerc").write_text("[run]\nparallel = true\n[report]\nprecision = 1\n")
    return tmp_path


def write_data(path: Path, lines: dict[str, list[int]], *, arcs: bool = False) -> Path:
    data = CoverageData(str(path))
    if arcs:
        data.add_arcs({name: [(-1, n) for n in numbers] for name, numbers in lines.items()})
    else:
        data.add_lines(lines)
    data.write()
    data.close()
    return path


def test_combine_names_bad_files_keeps_them_and_combines_the_rest(project: Path) -> None:
    a, b = str(project / "a.py"), str(project / "b.py")
    one = write_data(project / ".coverage.h.pid1.Xaaaaaax", {a: [1, 2]})
    two = write_data(project / ".coverage.h.pid2.Xbbbbbbx", {a: [3], b: [1]})
    dup = project / ".coverage.h.pid3.Xccccccx"
    dup.write_bytes(two.read_bytes())
    empty = project / ".coverage.empty"
    empty.write_bytes(b"")
    corrupt = project / ".coverage.corrupt"
    corrupt.write_bytes(b"not a database at all" * 10)
    foreign = write_data(project / ".coverage.h.pid4.Xddddddx", {b: [2]}, arcs=True)

    inputs = c.find_data_files([str(project)], ".coverage")
    result = c.combine(inputs, str(project / ".coverage"), remove_inputs=True)

    assert sorted(result.combined) == [str(one), str(two)]
    assert result.duplicates == (str(dup),)
    reasons = {os.path.basename(bad.path): bad.reason for bad in result.bad}
    assert reasons[".coverage.empty"].startswith("empty file (0 bytes)")
    assert "not a database" in reasons[".coverage.corrupt"]
    assert reasons[".coverage.h.pid4.Xddddddx"].startswith("foreign: measured branch coverage")
    assert result.processes == 2
    message = result.bad_message()
    assert message is not None
    assert message.startswith("3 coverage data file(s) could not be combined")
    # The good inputs and the duplicate were consumed, the bad ones are all still there.
    assert not one.exists()
    assert not two.exists()
    assert not dup.exists()
    assert empty.exists()
    assert corrupt.exists()
    assert foreign.exists()

    verdict = c.total(str(project / ".coverage"), fail_under=80)
    assert verdict.shown == "66.7"  # a.py: 3 of 4 lines, b.py: 1 of 2
    assert verdict.failed


def test_data_file_may_be_an_input_and_nothing_is_lost_on_failure(project: Path) -> None:
    a = str(project / "a.py")
    target = write_data(project / ".coverage", {a: [1]})
    extra = write_data(project / ".coverage.h.pid9.Xeeeeeex", {a: [2]})
    result = c.combine([str(target), str(extra)], str(target))
    assert result.combined == (str(target), str(extra))
    assert extra.exists()  # kept unless asked
    assert c.total(str(target)).shown == "50.0"

    with pytest.raises(c.CombineError, match="no usable coverage data"):
        c.combine([str(project / ".coverage.none")], str(target))

    blocked = project / "out" / ".coverage"
    blocked.mkdir(parents=True)
    (blocked / "keep").write_text("x")
    with pytest.raises(c.CombineError, match="every input is left as it was"):
        c.combine([str(extra)], str(blocked))
    assert extra.exists()
    assert not [p for p in (project / "out").iterdir() if p.name.startswith(c.TEMP_PREFIX)]


def test_find_data_files_recursively(tmp_path: Path) -> None:
    for name in (
        "s0/.coverage",
        "s1/deep/.coverage.host.pid1.Xabcdefx",
        "s1/.coverage-paradisco.json",
        "s1/.coverage-journal",
        "s2/.coveragerc",
        "s2/other.txt",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    found = c.find_data_files([str(tmp_path)], ".coverage")
    assert [os.path.relpath(p, tmp_path) for p in found] == [
        "s0/.coverage",
        "s1/deep/.coverage.host.pid1.Xabcdefx",
    ]
    skipped = c.find_data_files(
        [str(tmp_path)], ".coverage", exclude=[str(tmp_path / "s0/.coverage")]
    )
    assert len(skipped) == 1
    with pytest.raises(c.CombineError, match="no such file or directory"):
        c.find_data_files([str(tmp_path / "missing")], ".coverage")


def ident(shard: int, total: int = 4, run: str | None = "r1") -> c.ShardIdentity:
    return c.ShardIdentity(shard, total, "md5-v1", "file", run)


def test_check_shards_names_missing_duplicated_and_foreign() -> None:
    check = c.check_shards(
        {
            "/a/0": ident(0),
            "/a/1": ident(1),
            "/b/1": ident(1),
            "/a/3": ident(3),
            "/old/2": ident(2, run="r0"),
            "/x/8": ident(0, total=8),
            "/loose": None,
        },
        expect=4,
    )
    assert check.run_id == "r1"
    assert check.present == (0, 1, 3)
    assert check.missing == (2,)
    assert check.duplicated == ((1, ("/a/1", "/b/1")),)
    assert check.use == ("/a/0", "/a/1", "/a/3")
    reasons = {bad.path: bad.reason for bad in check.foreign}
    assert reasons["/old/2"].endswith("not of run r1")
    assert reasons["/x/8"].endswith("not a shard of 4")
    assert reasons["/loose"].startswith("no shard identity")
    problems = check.problems()
    assert problems[0] == "missing shard 2 of 4 (run r1)"
    assert not check.complete
    assert c.check_shards({"/a": ident(0, 1)}).complete


def test_identity_round_trip_and_stale_sidecar(tmp_path: Path) -> None:
    data = tmp_path / ".coverage"
    data.write_bytes(b"data")
    c.write_identity(str(data), ident(2))
    found, problem = c.read_identity(str(data))
    assert problem is None
    assert found is not None
    assert (found.shard_id, found.shard_total, found.run_id) == (2, 4, "r1")
    assert len(found.data_sha256) == 64
    data.write_bytes(b"other data")
    found, problem = c.read_identity(str(data))
    assert found is not None
    assert problem is not None
    assert "is not the data shard 2/4" in problem


def test_unmapped_roots_advice(tmp_path: Path) -> None:
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "m.py").write_text("")
    advice = c.unmapped_files(
        [
            "/ci/one/src/pkg/m.py",
            "/ci/two/src/pkg/m.py",
            str(tmp_path / "src" / "pkg" / "m.py"),
            "/ci/one/gone.py",
        ],
        base=str(tmp_path),
    )
    assert advice is not None
    assert advice.local == "src/"
    assert advice.roots == ("/ci/one/src/", "/ci/two/src/")
    assert advice.unfound == ("/ci/one/gone.py",)
    assert 'source = ["src/", "/ci/one/src/", "/ci/two/src/"]' in advice.message()
    assert c.unmapped_files([str(tmp_path / "src" / "pkg" / "m.py")], base=str(tmp_path)) is None


@pytest.mark.parametrize(
    ("name", "process"),
    [
        (".coverage.host.pid123.Xabcdefx", "host:123"),
        (".coverage.host.pid123.Xabcdefx.Habcdefghijkh", "host:123"),
        (".coverage.my_host.4567.123456", "my_host:4567"),
        (".coverage", ".coverage"),
    ],
)
def test_process_of(name: str, process: str) -> None:
    assert c.process_of(name) == process


def test_writer_running_tells_live_writers(tmp_path: Path) -> None:
    """A data file of a process still running is left to it (it may be incomplete)."""
    import socket
    import subprocess
    import sys

    from pytest_paradisco.covsession import writer_running

    host = socket.gethostname().replace(".", "_")
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert writer_running(str(tmp_path / f".coverage.{host}.pid{live.pid}.Xabcdefx"))
    finally:
        live.kill()
        live.wait()
    assert not writer_running(str(tmp_path / f".coverage.{host}.pid{live.pid}.Xabcdefx"))
    assert not writer_running(str(tmp_path / f".coverage.{host}.pid{os.getpid()}.Xabcdefx"))
    assert not writer_running(str(tmp_path / ".coverage.otherhost.pid1.Xabcdefx"))
    assert not writer_running(str(tmp_path / ".coverage"))


def test_ci_run_id_ignores_the_github_attempt() -> None:
    from pytest_paradisco.options import ci_run_id

    assert ci_run_id({"GITHUB_RUN_ID": "5", "GITHUB_RUN_ATTEMPT": "2"}) == "5"
    assert ci_run_id({"CI_PIPELINE_ID": "77"}) == "77"
    assert ci_run_id({}) is None
