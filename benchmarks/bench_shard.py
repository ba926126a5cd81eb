"""Collection time of one shard against the full suite: pytest-paradisco's pruning
(another shard's test modules are never imported) beside pytest-shard 0.1.2's
filtering (every module is imported, then items are dropped), on real suites that
nobody here wrote.

Run with the worktree's virtual environment (``scripts/test`` or
``source scripts/_env.sh`` creates it)::

    .venv/bin/python benchmarks/bench_shard.py

The script downloads pinned sdists into ``benchmarks/.work/`` (ignored by git),
builds one benchmark venv there holding the suites, their test dependencies, this
plugin (editable) and pytest-shard, and disables whichever plugin is not being
measured with ``-p no:NAME``. It then replaces the section ``## Sharding: collection
time per shard`` in ``benchmarks/RESULTS.md``. It exits 1 if the union of our shards'
node ids differs from the full collection, or a shard's count differs from
``--shard-plan``'s, for any suite and N.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
VENV = WORK / "venv-shard"
RESULTS = HERE / "RESULTS.md"
HEADING = "## Sharding: collection time per shard"

# The suites are from 2024 and run with filterwarnings=error: pytest 9 deprecations
# (and its removal of py.path hook arguments, used by boltons) would fail them.
PYTEST = "pytest==8.4.2"
PYTEST_SHARD = "pytest-shard==0.1.2"
COLLECT = ("--collect-only", "-q", "-p", "no:cacheprovider")


@dataclass(frozen=True)
class Suite:
    """A third-party project whose own test suite we shard."""

    name: str
    version: str
    #: Test paths, relative to the unpacked sdist (its own pytest config applies).
    paths: tuple[str, ...]
    #: Pinned test-only dependencies.
    deps: tuple[str, ...] = ()

    @property
    def pin(self) -> str:
        return f"{self.name}=={self.version}"


SUITES = (
    Suite("click", "8.1.7", ("tests",)),
    Suite("jinja2", "3.1.4", ("tests",), ("markupsafe==3.0.4",)),
    Suite("boltons", "24.0.0", ("tests",)),
    Suite("tomlkit", "0.13.2", ("tests",), ("pyyaml==6.0.4",)),
    Suite("packaging", "24.1", ("tests",), ("pretend==1.0.9",)),
)


@dataclass(frozen=True)
class Tool:
    """One way of sharding: the flags for full collection and for shard K of N."""

    name: str
    version: str
    disable: str

    def full(self) -> tuple[str, ...]:
        return (*COLLECT, "-p", self.disable)

    def shard(self, k: int, n: int) -> tuple[str, ...]:
        if self.name == "pytest-paradisco":
            flags = (f"--shard-id={k}", f"--shard-total={n}")
        else:
            flags = (f"--shard-id={k}", f"--num-shards={n}")
        return (*self.full(), *flags)


@dataclass
class Run:
    """Repeated timings of one command and the node ids it collected."""

    seconds: list[float] = field(default_factory=list)
    nodeids: list[str] = field(default_factory=list)
    returncode: int = 0
    summary: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pip(python: Path | str, *args: str) -> None:
    cmd = [str(python), "-m", "pip", "--disable-pip-version-check", "-q", *args]
    subprocess.run(cmd, check=True)


def fetch(suite: Suite) -> Path:
    """Download and unpack the suite's sdist; return the project directory."""
    sdists = WORK / "sdist"
    sdists.mkdir(parents=True, exist_ok=True)
    target = WORK / "src" / f"{suite.name}-{suite.version}"
    if target.is_dir():
        return target
    stem = f"{suite.name}-{suite.version}".lower()
    found = [p for p in sdists.glob("*.tar.gz") if p.name.lower().startswith(stem + ".")]
    if not found:
        log(f"bench: downloading {suite.pin}")
        pip(sys.executable, "download", "--no-binary", ":all:", "--no-deps", "-d", str(sdists),
            suite.pin)  # fmt: skip
        found = [p for p in sdists.glob("*.tar.gz") if p.name.lower().startswith(stem + ".")]
    if len(found) != 1:
        raise SystemExit(f"bench: expected one sdist for {suite.pin} in {sdists}, got {found}")
    unpack = WORK / "src"
    unpack.mkdir(exist_ok=True)
    with tarfile.open(found[0]) as tar:
        (top,) = {Path(name).parts[0] for name in tar.getnames()}
        tar.extractall(unpack, filter="data")
    (unpack / top).rename(target)
    return target


def venv(projects: Sequence[Path], suites: Sequence[Suite]) -> Path:
    """One venv with the plugin (editable), pytest-shard, the suites and their test deps."""
    python = VENV / "bin" / "python"
    requirements = [
        PYTEST,
        PYTEST_SHARD,
        *(dep for suite in suites for dep in suite.deps),
        *map(str, projects),
        "-e",
        str(ROOT),
    ]
    want = hashlib.sha256(
        "\n".join([*requirements, (ROOT / "pyproject.toml").read_text()]).encode()
    ).hexdigest()
    stamp = VENV / ".bench-installed"
    if not python.exists():
        log(f"bench: creating {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.read_text() != want:
        log("bench: installing " + " ".join(requirements))
        pip(python, "install", *requirements)
        stamp.write_text(want)
    return python


def clean_env() -> dict[str, str]:
    """The caller's environment without what would change what pytest collects."""
    drop = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTHONPATH", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    ci = ("CI_NODE_", "CIRCLE_NODE_", "BUILDKITE_PARALLEL_", "PARADISCO_")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(ci)}
    env["PYTHONWARNINGS"] = "ignore"
    return env


def parse_nodeids(stdout: str) -> list[str]:
    """The item lines of ``--collect-only -q``: they come first and end at a blank line
    or a ``===`` section; pytest-shard adds one ``Running N items`` line before them."""
    ids = []
    for line in stdout.splitlines():
        if not line.strip() or line.startswith("="):
            break
        if line.startswith("Running ") and " items in this shard" in line:
            continue
        if "::" in line:
            ids.append(line)
    return ids


def summary_line(stdout: str) -> str:
    """Our ``paradisco`` section's first line, if any."""
    lines = stdout.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^=+ paradisco =+$", line) and i + 1 < len(lines):
            return lines[i + 1]
    return ""


def run_once(python: Path, cwd: Path, args: Sequence[str], run: Run) -> None:
    cmd = [str(python), "-m", "pytest", *args]
    start = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=cwd, env=clean_env(), capture_output=True, text=True, check=False
    )
    run.seconds.append(time.perf_counter() - start)
    run.nodeids = parse_nodeids(proc.stdout)
    run.returncode = proc.returncode
    run.summary = summary_line(proc.stdout)
    if proc.returncode not in (0, 5):
        log(f"bench: exit {proc.returncode} from {shlex.join(cmd)} in {cwd}")
        log(proc.stdout[-3000:] + proc.stderr[-3000:])


def plan_counts(python: Path, cwd: Path, paths: Sequence[str], n: int) -> list[int]:
    """Tests per shard as ``--shard-plan`` prints them."""
    cmd = [str(python), "-m", "pytest", "--shard-plan", f"--shard-total={n}", "-p",
           "no:pytest-shard", "-p", "no:cacheprovider", *paths]  # fmt: skip
    proc = subprocess.run(
        cmd, cwd=cwd, env=clean_env(), capture_output=True, text=True, check=False
    )
    counts = {}
    for line in proc.stdout.splitlines():
        match = re.match(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+[\d.]+%", line)
        if match:
            counts[int(match.group(1))] = int(match.group(3))
    return [counts.get(k, -1) for k in range(n)]


@dataclass
class SuiteResult:
    suite: Suite
    files: int
    tests: int
    rows: list[dict[str, object]]
    problems: list[str]


def bench_suite(
    python: Path, project: Path, suite: Suite, *, tools: Sequence[Tool], totals: Sequence[int],
    reps: int,
) -> SuiteResult:  # fmt: skip
    paths = suite.paths
    configs: dict[tuple[str, int, int], tuple[str, ...]] = {}
    for tool in tools:
        configs[(tool.name, 1, 0)] = (*tool.full(), *paths)
        for n in totals:
            for k in range(n):
                configs[(tool.name, n, k)] = (*tool.shard(k, n), *paths)
    runs = {key: Run() for key in configs}
    # Warm up: the first run writes pytest's rewritten-module and bytecode caches.
    for tool in tools:
        run_once(python, project, configs[(tool.name, 1, 0)], Run())
    # Interleave the repetitions, so load from other processes spreads over all configs.
    for rep in range(reps):
        log(f"bench: {suite.pin}: repetition {rep + 1}/{reps} ({len(configs)} commands)")
        for key, args in configs.items():
            run_once(python, project, args, runs[key])

    problems: list[str] = []
    rows: list[dict[str, object]] = []
    full_ids: dict[str, list[str]] = {}
    for tool in tools:
        full = runs[(tool.name, 1, 0)]
        if full.returncode != 0 or not full.nodeids:
            problems.append(f"{suite.pin}: {tool.name} full collection exit {full.returncode}")
        full_ids[tool.name] = full.nodeids
    ours, theirs = tools[0].name, tools[1].name
    if sorted(full_ids[ours]) != sorted(full_ids[theirs]):
        problems.append(f"{suite.pin}: the two full collections differ")
    everything = full_ids[ours]
    files = len({nodeid.split("::", 1)[0] for nodeid in everything})

    for n in totals:
        plan = plan_counts(python, project, paths, n)
        row: dict[str, object] = {"n": n}
        for tool in tools:
            full = runs[(tool.name, 1, 0)]
            shards = [runs[(tool.name, n, k)] for k in range(n)]
            counts = [len(s.nodeids) for s in shards]
            union = [nodeid for s in shards for nodeid in s.nodeids]
            if sorted(union) != sorted(full.nodeids):
                missing = set(full.nodeids) - set(union)
                extra = set(union) - set(full.nodeids)
                dupes = len(union) - len(set(union))
                problems.append(
                    f"{suite.pin} N={n} {tool.name}: union of shards != full collection "
                    f"({len(missing)} missing, {len(extra)} extra, {dupes} duplicated; "
                    f"e.g. {sorted(missing)[:3]} {sorted(extra)[:3]})"
                )
            if tool.name == ours:
                if counts != plan:
                    problems.append(
                        f"{suite.pin} N={n}: --shard-plan says {plan}, shards collected {counts}"
                    )
                bad = [k for k, s in enumerate(shards) if s.returncode != 0]
                if bad:
                    problems.append(f"{suite.pin} N={n} {ours}: shards {bad} did not exit 0")
            times = [s.median for s in shards]
            mean_tests = sum(counts) / n
            row[tool.name] = {
                "max_ratio": max(times) / full.median,
                "mean_ratio": statistics.mean(times) / full.median,
                "max_tests": max(counts),
                "mean_tests": mean_tests,
                "imbalance": max(counts) / mean_tests if mean_tests else 0.0,
                "empty": sum(1 for c in counts if c == 0),
                "exit_codes": sorted({s.returncode for s in shards}),
            }
        rows.append(row)
    return SuiteResult(suite, files, len(everything), rows, problems)


def version_of(python: Path, dist: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({dist!r}))"
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc), {model}, {platform.system()} {platform.machine()}"


def render(
    results: Sequence[SuiteResult], tools: Sequence[Tool], versions: dict[str, str],
    reps: int, command: str,
) -> str:  # fmt: skip
    ours, theirs = tools[0], tools[1]
    lines = [
        HEADING,
        "",
        "What one CI shard pays to collect its tests, against collecting the whole suite:",
        f"{ours.name} skips other shards' test modules before importing them; "
        f"{theirs.name} imports every module and then drops items (and shards by node id, "
        "so its shards are better balanced but always import everything).",
        "",
        f"- Machine: {machine()}; shared with other processes, so only ratios are quoted.",
        f"- Python {platform.python_version()}, pytest {versions['pytest']}, "
        f"pytest-paradisco {versions['pytest-paradisco']}, "
        f"pytest-shard {versions['pytest-shard']}.",
        f"- Command: `{command}`",
        f"- Each collection: `python -m pytest {' '.join(COLLECT)} -p no:<other plugin> "
        "[shard flags] tests` in the unpacked sdist (its own pytest config applies), "
        f"wall time of the subprocess, median of {reps} interleaved repetitions after one "
        "warm-up run (bytecode and assertion-rewrite caches are warm).",
        f"- Shard flags: {ours.name} `--shard-id=K --shard-total=N` (by file, md5-v1); "
        f"{theirs.name} `--shard-id=K --num-shards=N` (by node id, sha256).",
        "- slowest/full: the slowest shard's collection time over the full collection's "
        "(same tool, same venv); mean/full: the mean over shards. Tests max/mean: the "
        "largest shard's test count over the mean.",
        "",
        f"| suite | tests | files | N | {ours.name} slowest/full | mean/full | tests max/mean "
        f"| {theirs.name} slowest/full | mean/full | tests max/mean |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    notes: list[str] = []
    for result in results:
        for row in result.rows:
            a = row[ours.name]
            b = row[theirs.name]
            assert isinstance(a, dict)
            assert isinstance(b, dict)

            def tests(cell: dict[str, object]) -> str:
                text = f"{cell['max_tests']}/{cell['mean_tests']:.1f} = {cell['imbalance']:.2f}"
                if cell["empty"]:
                    text += f" ({cell['empty']} empty)"
                return text

            lines.append(
                f"| {result.suite.pin} | {result.tests} | {result.files} | {row['n']} "
                f"| {a['max_ratio']:.2f} | {a['mean_ratio']:.2f} | {tests(a)} "
                f"| {b['max_ratio']:.2f} | {b['mean_ratio']:.2f} | {tests(b)} |"
            )
            if b["exit_codes"] != [0]:
                notes.append(
                    f"{result.suite.pin} N={row['n']}: {theirs.name} shard exit codes "
                    f"{b['exit_codes']} (5 = an empty shard fails the CI job)"
                )
    lines.append("")
    problems = [p for r in results for p in r.problems]
    if problems:
        lines.append("**Problems found (the run is not valid until they are fixed):**")
        lines.append("")
        lines.extend(f"- {p}" for p in problems)
    else:
        lines.append(
            f"Checked for every suite and N: the union of {ours.name}'s shards' node ids equals "
            "the full collection with no duplicate, each shard's test count equals "
            "`--shard-plan`'s, and every shard exits 0 (an empty one included)."
        )
    if notes:
        lines.append("")
        lines.extend(f"- {note}" for note in notes)
    lines.append("")
    return "\n".join(lines)


def write_section(section: str) -> None:
    """Replace our section of RESULTS.md (from its heading to the next ``## ``)."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text.rstrip("\n") + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument("--totals", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument(
        "--suites", nargs="+", choices=[s.name for s in SUITES], default=[s.name for s in SUITES]
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args(argv)
    suites = [s for s in SUITES if s.name in args.suites]
    projects = [fetch(suite) for suite in suites]
    python = venv(projects, suites)
    versions = {d: version_of(python, d) for d in ("pytest", "pytest-paradisco", "pytest-shard")}
    tools = (
        Tool("pytest-paradisco", versions["pytest-paradisco"], "no:pytest-shard"),
        Tool("pytest-shard", versions["pytest-shard"], "no:paradisco"),
    )
    results = [
        bench_suite(python, project, suite, tools=tools, totals=args.totals, reps=args.reps)
        for suite, project in zip(suites, projects, strict=True)
    ]
    command = "python benchmarks/bench_shard.py" + (
        " " + shlex.join(sys.argv[1:]) if sys.argv[1:] else ""
    )
    section = render(results, tools, versions, args.reps, command)
    print(section)
    if not args.no_write:
        write_section(section)
    problems = [p for r in results for p in r.problems]
    for problem in problems:
        log(f"bench: PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
