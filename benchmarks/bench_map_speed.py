"""Mapping speed on a real suite nobody here wrote: cold and warm ``--paradisco-map``
with 0 (in-process), 1 and 2 workers, what one changed source file and one changed test
file cost, and that the plugin imports no Jedi while mapping is off.

Run with the worktree's virtual environment (``scripts/test`` or
``source scripts/_env.sh`` creates it)::

    .venv/bin/python benchmarks/bench_map_speed.py

It downloads the pinned sdist of toolz into ``benchmarks/.work/`` (ignored by git),
unpacks a fresh copy, runs ``pytest --collect-only`` on its own suite with the mapping on,
and replaces the section ``## Mapping speed`` of ``benchmarks/RESULTS.md``
(``--project boltons``: boltons 24.0.0's suite, its own section; its conftest needs pytest
< 9, so run it with ``benchmarks/.work/venv-accuracy/bin/python``, which
``bench_map_accuracy`` creates). "Cold" starts
without ``.pytest_cache`` (no cached results and cold Jedi parse caches); "warm" repeats
the same command with nothing changed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_shard  # noqa: E402

ROOT = HERE.parent
WORK = HERE / ".work"
RESULTS = HERE / "RESULTS.md"
HEADING = "## Mapping speed"

PROJECT = "toolz"
VERSION = "1.0.0"
#: toolz keeps no pytest configuration: setup.cfg pins the rootdir to the sdist (and
#: supplies coverage's [run] source = toolz, which the mapping uses as its source).
ARGS: tuple[str, ...] = ("-c", "setup.cfg", "--rootdir", ".", "--co", "-q", "toolz")
#: A function body edited for the "one source file changed" run.
SOURCE_FILE = "toolz/dicttoolz.py"
SOURCE_OLD = "    rv = factory()\n"
TEST_FILE = "toolz/tests/test_dicttoolz.py"

#: ``--project``: the projects this benchmark knows, as (version, pytest arguments, the
#: source file and line edited, the test file a test is added to). boltons has no
#: coverage configuration: its source is named.
PROJECTS: dict[str, tuple[str, tuple[str, ...], str, str, str]] = {
    "toolz": (VERSION, ARGS, SOURCE_FILE, SOURCE_OLD, TEST_FILE),
    "boltons": (
        "24.0.0",
        ("-c", "pytest.ini", "--rootdir", ".", "--co", "-q", "tests",
         "--paradisco-source=boltons"),
        "boltons/dictutils.py",
        "        ret._clear_ll()\n",
        "tests/test_dictutils.py",
    ),
    "click": (
        "8.1.7",
        ("-c", "setup.cfg", "--rootdir", ".", "--co", "-q", "tests",
         "--paradisco-source=click"),
        "src/click/utils.py",
        "    paragraph_end = help.find(\"\\n\\n\")\n",
        "tests/test_utils.py",
    ),
}  # fmt: skip


@dataclass
class Run:
    label: str
    wall: float
    stats: dict[str, Any]
    cpu: float  # user + system seconds of pytest and its worker processes


def sdist() -> Path:
    return bench_shard.download_sdist(f"{PROJECT}=={VERSION}", WORK)


def fresh_copy(archive: Path) -> Path:
    target = WORK / "map-speed"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        try:
            tar.extractall(target, filter="data")
        except TypeError:  # Python without extraction filters
            tar.extractall(target)  # our own pinned sdist
    return target / f"{PROJECT}-{VERSION}"


def command(workers: int | str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        *ARGS,
        "--paradisco-map",
        f"--paradisco-workers={workers}",
    ]


def run(project: Path, workers: int | str, label: str, plugin: Path | None = None) -> Run:
    """One pytest session; ``plugin``: a ``src`` directory whose pytest_paradisco shadows
    the installed one (an earlier commit, for a before/after in the same run)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARADISCO_")}
    # the project imports itself from its tree (boltons' tests import boltons; click's
    # from src/)
    paths = [str(plugin)] if plugin is not None else []
    paths += [str(project / "src")] if (project / "src").is_dir() else []
    env["PYTHONPATH"] = os.pathsep.join([*paths, str(project), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        command(workers), cwd=project, env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"{label}: pytest exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    stats = json.loads((project / "paradisco-map.json").read_text())["stats"]
    print(
        f"{label}: {wall:.1f} s wall, mapping {stats['seconds']['total']:.2f} s, "
        f"analysed {stats['analysed']} test + {stats['source_analysed']} source files",
        flush=True,
    )
    return Run(label, wall, stats, cpu)


def jedi_free(project: Path) -> tuple[bool, float]:
    """Is Jedi absent after a session with mapping off, and how long does importing the
    plugin take (``-X importtime``, cumulative microseconds of pytest_paradisco.plugin)?"""
    probe = f"import sys, pytest; pytest.main({list(ARGS)!r}); print('JEDI', 'jedi' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=project, capture_output=True, text=True, check=False
    )
    imported = "JEDI True" in done.stdout
    timing = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pytest_paradisco.plugin"],
        capture_output=True,
        text=True,
        check=True,
    )
    micros = 0.0
    for line in timing.stderr.splitlines():
        if line.rstrip().endswith("| pytest_paradisco.plugin"):
            micros = float(line.split("|")[1])
    return not imported, micros


def baseline(rev: str) -> Path:
    """``src`` of commit ``rev`` of this repository, unpacked under ``.work``."""
    target = WORK / f"baseline-{rev}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "src"


def codeflash(project: Path) -> tuple[float | None, str]:
    """codeflash 0.20.6's ``discover_unit_tests`` on the same tree, its venv and driver
    from ``bench_map_accuracy``: (wall seconds of the whole process, note)."""
    import bench_map_accuracy as acc

    python, why = acc.codeflash_venv()
    if python is None:
        return None, why
    pairs, wall, why = acc.codeflash_pairs(python, project, acc.PROJECTS[PROJECT])
    if pairs is None:
        return None, why
    return wall, f"{len(pairs)} pairs (direct references only)"


def versions() -> str:
    from importlib.metadata import version

    parts = [f"Python {platform.python_version()}"]
    parts += [f"{d} {version(d)}" for d in ("pytest", "jedi", "parso")]
    parts.append(f"pytest-paradisco {bench_shard.plugin_commit()}")
    return ", ".join(parts)


def section(
    runs: list[Run],
    changes: list[Run],
    jedi: tuple[bool, float],
    load: str,
    heading: str,
    versus: list[str] = [],  # noqa: B006 (read only)
) -> str:
    cold = {r.label: r for r in runs if r.label.startswith("cold")}
    base = cold["cold, workers=0"].stats["seconds"]["total"]
    rows = [
        "| run | mapping (s) | pytest wall (s) | CPU, all processes (s) | vs workers=0 cold "
        "| test files analysed | source files analysed | cache hits (test/source) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        total = r.stats["seconds"]["total"]
        rows.append(
            f"| {r.label} | {total:.2f} | {r.wall:.1f} | {r.cpu:.1f} | {base / total:.2f}x | "
            f"{r.stats['analysed']} | {r.stats['source_analysed']} | "
            f"{r.stats['cache_hits']}/{r.stats['source_cache_hits']} |"
        )
    change_rows = [
        "| change | test files re-analysed | source files re-analysed | mapping (s) |",
        "|---|---|---|---|",
    ]
    for r in changes:
        change_rows.append(
            f"| {r.label} | {r.stats['analysed']} ({', '.join(r.stats['analysed_files'])}) | "
            f"{r.stats['source_analysed']} ({', '.join(r.stats['source_analysed_files'])}) | "
            f"{r.stats['seconds']['total']:.2f} |"
        )
    first = runs[0].stats
    free, micros = jedi
    cmd = " ".join(shlex.quote(part) for part in ["pytest", *ARGS, "--paradisco-map"])
    return "\n".join(
        [
            heading,
            "",
            f"{PROJECT} {VERSION} (sdist): {first['test_files']} test files, "
            f"{first['tests']} test functions, {first['functions']} source functions; "
            f"{first['pairs_direct']} direct and {first['pairs']} closure pairs.",
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared; load average "
            f"{load} at the start), {platform.system()} {platform.release()}. {versions()}.",
            "",
            f"Command (in the unpacked sdist): `{cmd} --paradisco-workers=N`; cold runs "
            "start without `.pytest_cache` (no cached results, cold Jedi parse caches); "
            "'results cleared' removes only the cached results, as `--paradisco-cache-clear` "
            "does. Produced by "
            f"`{' '.join(['python', 'benchmarks/bench_map_speed.py', *sys.argv[1:]])}`.",
            "",
            *rows,
            "",
            *versus,
            "Workers pay off only with idle cores: on a shared machine whose other load fills "
            "the cores, the workers' CPU time adds up to about the in-process run's and the "
            "wall time does not drop (compare the CPU column with the wall column).",
            "",
            "Changes, after the runs above (the cache decides what is re-analysed):",
            "",
            *change_rows,
            "",
            f"Mapping off: Jedi imported by a `pytest --co` session: "
            f"{'no' if free else 'YES'}; `import pytest_paradisco.plugin` takes "
            f"{micros / 1000:.0f} ms cumulative (`python -X importtime`, pytest included).",
            "",
        ]
    )


#: Subsections of a section that a benchmark's run keeps (hand-written notes and earlier
#: runs, under the generated text): their headings start with one of these.
KEPT = ("\n### Earlier", "\n### Notes")


def write(text: str, heading: str, results: Path) -> None:
    """Replace the section ``heading`` of ``results`` with ``text``, keeping its
    :data:`KEPT` subsections after it."""
    old = results.read_text() if results.exists() else "# Benchmark results\n"
    start = old.find(heading + "\n")
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + len(heading))
        ends = [i for i in (old.find(k, start, end if end >= 0 else None) for k in KEPT) if i >= 0]
        tail = old[min(ends) + 1 :] if ends else (old[end + 1 :] if end >= 0 else "")
        new = old[:start] + text.rstrip("\n") + "\n\n" + tail
    results.write_text(new)


def seconds(r: Run) -> float:
    return float(r.stats["seconds"]["total"])


def compare(
    runs: list[Run], workers: int | str, rev: str | None, with_codeflash: bool
) -> list[str]:
    """Lines comparing the cold maps of this run with the plugin at commit ``rev`` and
    with codeflash's discovery, each on a fresh tree."""
    lines: list[str] = []
    cold = [r for r in runs if r.label.startswith("cold")]
    if rev:
        project = fresh_copy(sdist())
        old = run(project, workers, f"cold, workers={workers}, at {rev}", baseline(rev))
        runs.append(old)
        new = next(r for r in cold if r.label == f"cold, workers={workers}")
        lines.append(
            f"Against the plugin at {rev} in the same run, cold, workers={workers} (its time "
            f"over ours): mapping {seconds(old) / seconds(new):.2f}x, "
            f"pytest wall {old.wall / new.wall:.2f}x, CPU {old.cpu / new.cpu:.2f}x; "
            f"{old.stats['pairs_direct']} direct and {old.stats['pairs']} closure pairs then."
        )
    if with_codeflash:
        wall, note = codeflash(fresh_copy(sdist()))
        if wall is None:
            lines.append(f"codeflash: not measured ({note}).")
        else:
            lines.append(
                f"codeflash 0.20.6 `discover_unit_tests` (sequential, {note}) on the same tree: "
                f"{wall:.1f} s wall (its process). Its wall over each cold map's pytest wall: "
                + ", ".join(
                    f"{r.label}: {wall / r.wall:.2f}x" for r in runs if r.label.startswith("cold")
                )
                + "."
            )
    return [*lines, ""] if lines else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", nargs="+", default=["0", "1", "2"], help="N or auto")
    parser.add_argument(
        "--baseline", metavar="REV", help="also a cold map with the plugin at commit REV"
    )
    parser.add_argument(
        "--codeflash", action="store_true", help="also time codeflash's discovery (its venv)"
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS")
    parser.add_argument("--heading", default=HEADING, help="the RESULTS.md section to own")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument(
        "--project",
        choices=sorted(PROJECTS),
        default="toolz",
        help="the suite to map (boltons, click: their sections are '## Mapping speed, NAME')",
    )
    options = parser.parse_args()
    # the module's constants name the project for every function here
    global PROJECT, VERSION, ARGS, SOURCE_FILE, SOURCE_OLD, TEST_FILE  # noqa: PLW0603
    PROJECT = options.project
    VERSION, ARGS, SOURCE_FILE, SOURCE_OLD, TEST_FILE = PROJECTS[PROJECT]
    if PROJECT != "toolz" and options.heading == HEADING:
        options.heading = f"{HEADING}, {PROJECT}"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    project = fresh_copy(sdist())
    runs: list[Run] = []
    workers_list: list[int | str] = [w if w == "auto" else int(w) for w in options.workers]
    for workers in workers_list:
        shutil.rmtree(project / ".pytest_cache", ignore_errors=True)
        runs.append(run(project, workers, f"cold, workers={workers}"))
        runs.append(run(project, workers, f"warm, workers={workers}"))
        shutil.rmtree(project / ".pytest_cache/d/paradisco-map", ignore_errors=True)
        runs.append(run(project, workers, f"results cleared, Jedi caches kept, workers={workers}"))
    last = max((w for w in workers_list if w != "auto"), default=2)
    source = project / SOURCE_FILE
    text = source.read_text()
    if SOURCE_OLD not in text:
        sys.exit(f"{SOURCE_FILE} no longer holds {SOURCE_OLD!r}: update the benchmark")
    source.write_text(text.replace(SOURCE_OLD, SOURCE_OLD.rstrip("\n") + "  # edited\n", 1))
    changes = [run(project, last, f"one function body in {SOURCE_FILE}, workers={last}")]
    test = project / TEST_FILE
    test.write_text(test.read_text() + "\n\ndef test_added_by_benchmark():\n    assert True\n")
    changes.append(run(project, last, f"one test added to {TEST_FILE}, workers={last}"))
    versus = compare(runs, workers_list[-1], options.baseline, options.codeflash)
    text = section(runs, changes, jedi_free(project), load, options.heading, versus)
    print(text)
    if not options.no_write:
        write(text, options.heading, options.results)


if __name__ == "__main__":
    main()
