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
import json
import os
import platform
import re
import resource
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
    #: Its pytest config file. Passed with ``-c`` and ``--rootdir=.``: pytest looks for
    #: a config upwards past a pyproject.toml without ``[tool.pytest.ini_options]`` and
    #: would find this repository's own, which a user's checkout does not have.
    config: str
    #: Test paths, relative to the unpacked sdist.
    paths: tuple[str, ...]
    #: Pinned test-only dependencies.
    deps: tuple[str, ...] = ()

    @property
    def pin(self) -> str:
        return f"{self.name}=={self.version}"

    @property
    def args(self) -> tuple[str, ...]:
        return ("-c", self.config, "--rootdir=.", *self.paths)


SUITES = (
    Suite("click", "8.1.7", "setup.cfg", ("tests",)),
    Suite("jinja2", "3.1.4", "pyproject.toml", ("tests",), ("markupsafe==3.0.4",)),
    Suite("boltons", "24.0.0", "pytest.ini", ("tests",)),
    Suite("tomlkit", "0.13.2", "pyproject.toml", ("tests",), ("pyyaml==6.0.4",)),
    Suite("packaging", "24.1", "pyproject.toml", ("tests",), ("pretend==1.0.9",)),
)


@dataclass(frozen=True)
class Tool:
    """One way of sharding: the flags for full collection and for shard K of N."""

    name: str
    #: ``-p no:NAME`` for the other plugin, so the two never meet in one session.
    disable: str
    #: The shard flags, formatted with ``k`` and ``n``.
    flags: str
    #: pytest-paradisco's ``--shard-by`` value; empty for pytest-shard.
    shard_by: str = ""

    @property
    def ours(self) -> bool:
        return bool(self.shard_by)

    def full(self) -> tuple[str, ...]:
        return (*COLLECT, "-p", self.disable)

    def shard(self, k: int, n: int) -> tuple[str, ...]:
        return (*self.full(), *self.flags.format(k=k, n=n).split())


TOOLS = (
    Tool("paradisco file", "no:pytest-shard", "--shard-id={k} --shard-total={n}", "file"),
    Tool(
        "paradisco balanced",
        "no:pytest-shard",
        "--shard-id={k} --shard-total={n} --shard-by=balanced",
        "balanced",
    ),
    Tool("pytest-shard", "no:paradisco", "--shard-id={k} --num-shards={n}"),
)


@dataclass
class Run:
    """Repeated timings of one command and the node ids it collected."""

    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    nodeids: list[str] = field(default_factory=list)
    returncode: int = 0
    summary: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pip(python: Path | str, *args: str) -> None:
    cmd = [str(python), "-m", "pip", "--disable-pip-version-check", "-q", *args]
    subprocess.run(cmd, check=True)


def download_sdist(pin: str, dest: Path) -> Path:
    """The sdist of ``NAME==VERSION`` in ``dest``, downloaded from PyPI when missing."""
    dest.mkdir(parents=True, exist_ok=True)
    stem = pin.replace("==", "-").lower()

    def present() -> list[Path]:
        return [p for p in dest.glob("*.tar.gz") if p.name.lower().startswith(stem + ".")]

    found = present()
    if not found:
        log(f"bench: downloading {pin}")
        pip(sys.executable, "download", "--no-binary", ":all:", "--no-deps", "-d", str(dest),
            pin)  # fmt: skip
        found = present()
    if len(found) != 1:
        raise SystemExit(f"bench: expected one sdist for {pin} in {dest}, got {found}")
    return found[0]


def plugin_commit() -> str:
    """The short commit of this checkout, which names the plugin version measured."""
    done = subprocess.run(
        ["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "?"


def fetch(suite: Suite) -> Path:
    """Download and unpack the suite's sdist; return the project directory."""
    target = WORK / "src" / f"{suite.name}-{suite.version}"
    if target.is_dir():
        return target
    archive = download_sdist(suite.pin, WORK / "sdist")
    unpack = WORK / "src"
    unpack.mkdir(exist_ok=True)
    with tarfile.open(archive) as tar:
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
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=cwd, env=clean_env(), capture_output=True, text=True, check=False
    )
    run.seconds.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time of the pytest process: less disturbed than wall time by other processes.
    run.cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    run.nodeids = parse_nodeids(proc.stdout)
    run.returncode = proc.returncode
    run.summary = summary_line(proc.stdout)
    if proc.returncode not in (0, 5):
        log(f"bench: exit {proc.returncode} from {shlex.join(cmd)} in {cwd}")
        log(proc.stdout[-3000:] + proc.stderr[-3000:])


def plan_counts(python: Path, cwd: Path, paths: Sequence[str], n: int, shard_by: str) -> list[int]:
    """Tests per shard as ``--shard-plan`` prints them (-1: no row for that shard)."""
    cmd = [str(python), "-m", "pytest", "--shard-plan", f"--shard-total={n}",
           f"--shard-by={shard_by}", "-p", "no:pytest-shard", "-p", "no:cacheprovider",
           *paths]  # fmt: skip
    proc = subprocess.run(
        cmd, cwd=cwd, env=clean_env(), capture_output=True, text=True, check=False
    )
    counts = {}
    for line in proc.stdout.splitlines():
        # "  shard  files  tests  [weight]  share": the first table is the chosen mode's.
        match = re.match(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(?:[\d.]+\s+)?[\d.]+%", line)
        if match and int(match.group(1)) not in counts:
            counts[int(match.group(1))] = int(match.group(3))
    return [counts.get(k, -1) for k in range(n)]


@dataclass
class SuiteResult:
    suite: Suite
    files: int
    tests: int
    rows: list[dict[str, object]]
    problems: list[str]
    notes: list[str]
    raw: dict[str, dict[str, object]]


def bench_suite(
    python: Path, project: Path, suite: Suite, *, tools: Sequence[Tool], totals: Sequence[int],
    reps: int,
) -> SuiteResult:  # fmt: skip
    paths = suite.args
    # A full collection per plugin (the paradisco modes share theirs), then every shard.
    configs: dict[tuple[str, int, int], tuple[str, ...]] = {}
    for tool in tools:
        configs.setdefault((f"full {tool.disable}", 1, 0), (*tool.full(), *paths))
    for tool in tools:
        for n in totals:
            for k in range(n):
                configs[(tool.name, n, k)] = (*tool.shard(k, n), *paths)
    runs = {key: Run() for key in configs}

    def full_run(tool: Tool) -> Run:
        return runs[(f"full {tool.disable}", 1, 0)]

    # Warm up: the first run writes pytest's rewritten-module and bytecode caches.
    for key, args in configs.items():
        if key[0].startswith("full "):
            run_once(python, project, args, Run())
    # Interleave the repetitions, so load from other processes spreads over all configs.
    for rep in range(reps):
        log(f"bench: {suite.pin}: repetition {rep + 1}/{reps} ({len(configs)} commands)")
        for key, args in configs.items():
            run_once(python, project, args, runs[key])

    problems: list[str] = []
    notes: list[str] = []
    rows: list[dict[str, object]] = []
    for tool in tools:
        full = full_run(tool)
        if full.returncode != 0 or not full.nodeids:
            problems.append(f"{suite.pin}: full collection exit {full.returncode} ({tool.disable})")
    everything = full_run(tools[0]).nodeids
    if any(sorted(full_run(tool).nodeids) != sorted(everything) for tool in tools):
        problems.append(f"{suite.pin}: the full collections with either plugin differ")
    files = len({nodeid.split("::", 1)[0] for nodeid in everything})
    if not all(nodeid.startswith(suite.paths) for nodeid in everything):
        problems.append(f"{suite.pin}: node ids not relative to the project: {everything[:1]}")

    for n in totals:
        row: dict[str, object] = {"n": n}
        for tool in tools:
            full = full_run(tool)
            shards = [runs[(tool.name, n, k)] for k in range(n)]
            counts = [len(s.nodeids) for s in shards]
            union = [nodeid for s in shards for nodeid in s.nodeids]
            if sorted(union) != sorted(full.nodeids):
                missing = set(full.nodeids) - set(union)
                extra = set(union) - set(full.nodeids)
                dupes = len(union) - len(set(union))
                (problems if tool.ours else notes).append(
                    f"{suite.pin} N={n} {tool.name}: union of shards != full collection "
                    f"({len(missing)} missing, {len(extra)} extra, {dupes} duplicated; "
                    f"e.g. {sorted(missing)[:3]} {sorted(extra)[:3]})"
                )
            if tool.ours:
                plan = plan_counts(python, project, paths, n, tool.shard_by)
                if counts != plan:
                    problems.append(
                        f"{suite.pin} N={n} {tool.name}: --shard-plan says {plan}, "
                        f"shards collected {counts}"
                    )
                bad = [k for k, s in enumerate(shards) if s.returncode != 0]
                if bad:
                    codes = [shards[k].returncode for k in bad]
                    problems.append(
                        f"{suite.pin} N={n} {tool.name}: shards {bad} exited {codes}, not 0"
                    )
            elif any(s.returncode != 0 for s in shards):
                codes = sorted({s.returncode for s in shards})
                notes.append(
                    f"{suite.pin} N={n}: {tool.name} shards exit {codes} "
                    "(5: an empty shard fails its CI job)"
                )
            times = [s.median for s in shards]
            mean_tests = sum(counts) / n
            row[tool.name] = {
                "max_ratio": max(times) / full.median,
                "mean_ratio": statistics.mean(times) / full.median,
                "cpu_max_ratio": max(s.cpu_median for s in shards) / full.cpu_median,
                "cpu_mean_ratio": statistics.mean(s.cpu_median for s in shards) / full.cpu_median,
                "max_tests": max(counts),
                "mean_tests": mean_tests,
                "imbalance": max(counts) / mean_tests if mean_tests else 0.0,
                "empty": sum(1 for c in counts if c == 0),
            }
        rows.append(row)
    raw = {
        " ".join(configs[key]): {
            "wall": run.seconds,
            "cpu": run.cpu,
            "tests": len(run.nodeids),
            "exit": run.returncode,
        }
        for key, run in runs.items()
    }
    for disable in dict.fromkeys(tool.disable for tool in tools):
        full = runs[(f"full {disable}", 1, 0)]
        log(
            f"bench: {suite.pin}: full collection (-p {disable}): median {full.median:.2f} s "
            f"wall, {full.cpu_median:.2f} s CPU"
        )
    return SuiteResult(suite, files, len(everything), rows, problems, notes, raw)


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
    flags = "; ".join(f"{tool.name}: `{tool.flags.format(k='K', n='N')}`" for tool in tools)
    lines = [
        HEADING,
        "",
        "What one CI shard pays to collect its tests, against collecting the whole suite. "
        "pytest-paradisco decides by file path (`file`: md5-v1 hash; `balanced`: files packed "
        "by an ast estimate of their tests) and skips other shards' test modules before "
        "importing them; pytest-shard imports every module, then keeps the items whose node "
        "id hashes (sha256) to its shard.",
        "",
        f"- Machine: {machine()}; shared with other processes, so only ratios are quoted.",
        f"- Python {platform.python_version()}, pytest {versions['pytest']}, "
        f"pytest-paradisco {versions['pytest-paradisco']}, "
        f"pytest-shard {versions['pytest-shard']}.",
        f"- Command: `{command}` (pinned sdists and versions are in the script).",
        f"- Each collection: `python -m pytest {' '.join(COLLECT)} -p no:<other plugin> "
        "[shard flags] -c CONFIG --rootdir=. tests` in the unpacked sdist, CONFIG being "
        "the project's own pytest config file; "
        f"median of {reps} interleaved repetitions after a warm-up run (bytecode and "
        "assertion-rewrite caches are warm).",
        f"- Shard flags: {flags}.",
        "- slowest/full: the slowest shard's wall time over the full collection's (same "
        "plugin, same venv). tests max/mean: the largest shard's test count over the mean.",
        "",
    ]
    head = "| suite | tests | files | N |"
    rule = "| --- | ---: | ---: | ---: |"
    for tool in tools:
        head += f" {tool.name} slowest/full | tests max/mean |"
        rule += " ---: | ---: |"
    lines += [head, rule]

    def cell(result: SuiteResult, row: dict[str, object], tool: Tool) -> dict[str, float]:
        value = row[tool.name]
        assert isinstance(value, dict)
        return value

    for result in results:
        for row in result.rows:
            line = f"| {result.suite.pin} | {result.tests} | {result.files} | {row['n']} |"
            for tool in tools:
                c = cell(result, row, tool)
                tests = f"{c['max_tests']}/{c['mean_tests']:.1f} = {c['imbalance']:.2f}"
                if c["empty"]:
                    tests += f" ({c['empty']:.0f} empty)"
                line += f" {c['max_ratio']:.2f} | {tests} |"
            lines.append(line)
    lines += [
        "",
        "The same runs: the mean shard's wall time over the full collection's, and the "
        "slowest shard by CPU time (user+sys of the pytest process, which other processes "
        "on the machine disturb less than wall time):",
        "",
    ]
    head = "| suite | N |"
    rule = "| --- | ---: |"
    for tool in tools:
        head += f" {tool.name} mean/full | CPU slowest/full |"
        rule += " ---: | ---: |"
    lines += [head, rule]
    for result in results:
        for row in result.rows:
            line = f"| {result.suite.pin} | {row['n']} |"
            for tool in tools:
                c = cell(result, row, tool)
                line += f" {c['mean_ratio']:.2f} | {c['cpu_max_ratio']:.2f} |"
            lines.append(line)
    lines.append("")
    problems = [p for r in results for p in r.problems]
    if problems:
        lines += ["**Problems found (the run is not valid until they are fixed):**", ""]
        lines += [f"- {p}" for p in problems]
    else:
        ours = " and ".join(f"`{tool.name}`" for tool in tools if tool.ours)
        lines.append(
            f"Checked for every suite and N, for {ours}: the union of the shards' node ids "
            "equals the full collection with no duplicate, each shard's test count equals "
            "`--shard-plan`'s, and every shard exits 0 (an empty one included)."
        )
    notes = [n for r in results for n in r.notes]
    if notes:
        lines += ["", "Notes:", ""]
        lines += [f"- {n}" for n in notes]
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
    tools = TOOLS
    results = [
        bench_suite(python, project, suite, tools=tools, totals=args.totals, reps=args.reps)
        for suite, project in zip(suites, projects, strict=True)
    ]
    command = "python benchmarks/bench_shard.py" + (
        " " + shlex.join(sys.argv[1:]) if sys.argv[1:] else ""
    )
    raw = {r.suite.pin: r.raw for r in results}
    (WORK / "bench_shard.json").write_text(json.dumps(raw, indent=1))
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
