"""Balanced shards on real suites: max/mean shard weight by test count and by recorded
time for every ``--shard-by`` mode, the bound the largest file imposes, and how many
other files move when one file is added or removed.

Run with the project's virtual environment (``scripts/test`` creates it)::

    .venv/bin/python benchmarks/bench_balance.py

It reuses bench_shard.py's pinned suites and benchmark venv (downloading what is
missing), collects each suite once, runs it once with ``--paradisco-store-durations``,
and computes the partitions in-process with the plugin's own functions. Collection time
per balanced shard is measured by bench_shard.py (its table has a ``paradisco balanced``
row). Replaces the section ``## Balanced shards`` in ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import bench_shard as bs  # noqa: E402

from pytest_paradisco import durations  # noqa: E402
from pytest_paradisco.balance import (  # noqa: E402
    balanced_assignment,
    best_possible_ratio,
    estimate_weights,
    weights_from_durations,
)
from pytest_paradisco.shard import imbalance, shard_of  # noqa: E402

HEADING = "## Balanced shards"
TOTALS = (2, 4, 8, 16)
MOVE_TRIALS = 60


def collect(python: Path, project: Path, suite: bs.Suite) -> list[str]:
    proc = subprocess.run(
        [str(python), "-m", "pytest", *bs.COLLECT, "-p", "no:pytest-shard", *suite.args],
        cwd=project,
        env=bs.clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    return bs.parse_nodeids(proc.stdout)


def record_durations(python: Path, project: Path, suite: bs.Suite) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "durations.json"
        subprocess.run(
            [
                str(python),
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:pytest-shard",
                "-p",
                "no:cacheprovider",
                "--paradisco-store-durations",
                f"--paradisco-durations={target}",
                *suite.args,
            ],
            cwd=project,
            env=bs.clean_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        return durations.load(target) if target.exists() else {}


def ratios(
    nodeids: list[str], seconds: dict[str, float], assign_file: dict[str, int] | None, n: int
) -> tuple[float, float]:
    """max/mean by tests and by recorded time; ``assign_file`` None means by node id."""
    per_file = Counter(nid.split("::")[0] for nid in nodeids)
    tests = [0] * n
    time = [0.0] * n
    for nid in nodeids:
        file = nid.split("::")[0]
        if assign_file is None:
            shard = shard_of(nid, n)
        else:
            shard = assign_file.get(file, shard_of(file, n))
        tests[shard] += 1
        time[shard] += seconds.get(file, 0.0) / per_file[file]
    return imbalance(tests), imbalance(round(t * 1000) for t in time)


def moves(weights: dict[str, int], n: int, rng: random.Random) -> tuple[float, float]:
    """Mean number of other files moved when one file is added, and when one is removed."""
    base = balanced_assignment(weights, n)
    files = sorted(weights)
    median = sorted(weights.values())[len(weights) // 2]
    added, removed = [], []
    for trial in range(MOVE_TRIALS):
        grown = dict(weights)
        grown[f"tests/test_added_{trial}_{rng.randrange(10**6)}.py"] = median
        after = balanced_assignment(grown, n)
        added.append(sum(1 for f in files if after[f] != base[f]))
        gone = rng.choice(files)
        shrunk = {k: v for k, v in weights.items() if k != gone}
        after = balanced_assignment(shrunk, n)
        removed.append(sum(1 for f in shrunk if after[f] != base[f]))
    return statistics.mean(added), statistics.mean(removed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", nargs="*", help="names of the suites to run (default: all)")
    args = parser.parse_args(argv)
    suites = [s for s in bs.SUITES if not args.suites or s.name in args.suites]
    projects = [bs.fetch(s) for s in suites]
    python = bs.venv(projects, bs.SUITES)
    rng = random.Random(2026)
    rows = []
    for suite, project in zip(suites, projects, strict=True):
        bs.log(f"bench: {suite.pin}")
        nodeids = collect(python, project, suite)
        files = sorted({nid.split("::")[0] for nid in nodeids})
        seconds = record_durations(python, project, suite)
        sources = {f: (project / f).read_bytes() for f in files if (project / f).is_file()}
        estimate = estimate_weights(sources)
        timed = weights_from_durations(seconds, estimate, "run") if seconds else estimate
        counts = Counter(nid.split("::")[0] for nid in nodeids)
        for n in TOTALS:
            row = {"suite": suite.pin, "n": n, "files": len(files), "tests": len(nodeids)}
            row["file"] = ratios(nodeids, seconds, {f: shard_of(f, n) for f in files}, n)
            row["test"] = ratios(nodeids, seconds, None, n)
            row["balanced (estimate)"] = ratios(
                nodeids, seconds, balanced_assignment(estimate.values, n), n
            )
            row["balanced (durations)"] = ratios(
                nodeids, seconds, balanced_assignment(timed.values, n), n
            )
            row["bound tests"] = best_possible_ratio(counts.values(), n)
            row["bound time"] = best_possible_ratio(
                (round(seconds.get(f, 0) * 1000) for f in files), n
            )
            row["moves"] = moves(estimate.values, n, rng)
            rows.append(row)
    section = render(rows, python)
    write(section)
    print(section)
    return 0


def write(section: str) -> None:
    results = bs.RESULTS
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    start = text.find(HEADING)
    if start == -1:
        text = text.rstrip() + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    results.write_text(text.rstrip() + "\n")


def render(rows: list[dict[str, object]], python: Path) -> str:
    modes = ("file", "test", "balanced (estimate)", "balanced (durations)")
    lines = [
        HEADING,
        "",
        f"Machine: {bs.machine()}. pytest {bs.version_of(python, 'pytest')}, "
        f"Python {sys.version.split()[0]}.",
        "Command: `.venv/bin/python benchmarks/bench_balance.py`",
        "",
        "max/mean shard weight by test count / by recorded time (one run of each suite with "
        "`--paradisco-store-durations`; for `test` the time of a file is shared evenly by its "
        "tests). `bound` is what the largest single file allows (a whole-file mode can do no "
        "better). `moved` is the mean number of *other* files that change shard when one file "
        f"is added / removed under `balanced` ({MOVE_TRIALS} trials each; `file` moves none by "
        "construction).",
        "",
        "| suite | N | files | tests | "
        + " | ".join(modes)
        + " | bound (tests / time) | moved (add / remove) |",
        "|---|---|---|---|" + "---|" * len(modes) + "---|---|",
    ]
    for row in rows:
        cells = []
        for mode in modes:
            by_tests, by_time = row[mode]  # type: ignore[misc]
            cells.append(f"{by_tests:.2f} / {by_time:.2f}")
        add, remove = row["moves"]  # type: ignore[misc]
        lines.append(
            f"| {row['suite']} | {row['n']} | {row['files']} | {row['tests']} | "
            + " | ".join(cells)
            + f" | {row['bound tests']:.2f} / {row['bound time']:.2f} | {add:.2f} / {remove:.2f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
