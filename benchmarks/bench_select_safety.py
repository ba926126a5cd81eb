"""Selection safety: edit one function of a real project, ask what ``--paradisco-diff``
selects, and compare with the tests that truly run that function.

Run with the worktree's virtual environment (``scripts/test`` creates it)::

    .venv/bin/python benchmarks/bench_select_safety.py [--projects toolz boltons ...]
        [--sample 300] [--seed 6] [--real 12] [--testmon 30] [--no-write]

For each pinned project (``bench_map_accuracy``'s list; its venv
``benchmarks/.work/venv-accuracy`` and helpers are reused) the script:

1. unpacks the sdist into ``benchmarks/.work/select/NAME`` and commits it to a new git
   repository there;
2. **truth**: runs the suite once with ``--cov=PKG --cov-context=test``
   (``bench_map_accuracy.truth``): a test truly affects a function when it ran a line of
   the function's body (any phase: fixtures count; tests that ran, node ids without
   parametrize ids, as the map counts them). The same data file, copied to where coverage's
   config of the project puts it (``.coverage``), is the coverage source of the map;
3. builds the static map once, cold (``--paradisco-map-source=static``), and keeps the
   mapping cache;
4. for each source function of a seeded random sample (``--sample``, ``0`` for all),
   makes an actual edit in the work tree: one line ``pass  # paradisco-bench`` inserted
   at the top of the function's body (after its docstring), a line git's diff attributes
   to that function and not to module level. Then asks what ``--paradisco-diff`` selects
   with each map source: ``static`` (the cold map), ``coverage`` (the data of the run
   before the edit, read by ``covmap.coverage_tests`` with the edited file's new function
   lines, as a session after the edit reads it) and ``both`` (``CoverageMap.joined``), through the
   plugin's own functions: ``gitdiff.diff(tree, "HEAD")`` and
   ``affected.diff_selection``, then ``affected.split`` over the collected node ids. Then
   ``git checkout`` puts the file back.
5. **the real user path**, on the first ``--real`` changes of the sample: the same edit
   and ``paradisco affected --diff HEAD -- ARGS --paradisco-map-source=M`` for each source
   (a pytest session that re-maps the edited tree, from the mapping cache where nothing
   it depends on changed); its node ids must equal the in-process answer (a difference is
   counted and listed). On the first project, ``pytest --co -q --paradisco-diff`` is run
   beside ``paradisco affected`` for the first change, and the two must agree.
6. **pytest-testmon** (``--testmon N``, pinned below, in its own venv
   ``benchmarks/.work/venv-testmon``): one full ``pytest --testmon`` run builds its
   database, then, for the first N changes of the sample, the same edit and
   ``pytest --testmon --co -q``; its node ids are scored the same way.

Scores per project and map source: *safety* is the share of changes whose every truly
affecting test was selected (over all sampled changes, and over the changes of functions
some test runs, where a miss is possible); *share of the suite* selected (test functions
kept over test functions collected), median and mean. Beside them: the whole suite
(safety 1, share 100%) and "changed test files only" (a source edit selects nothing: safe
exactly when no test runs the function). Unsafe changes are listed with the missed test
and a cause (``bench_map_accuracy.Classifier``'s classes for the static map).

It replaces the section ``## Selection safety`` of ``benchmarks/RESULTS.md``. Raw
per-change results go to ``benchmarks/.work/select-safety.json``.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import pickle
import platform
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_map_accuracy as acc
import bench_shard
from bench_map_speed import write

from pytest_paradisco.affected import Root, diff_selection, split
from pytest_paradisco.covmap import coverage_tests
from pytest_paradisco.gitdiff import diff
from pytest_paradisco.selection import function_node_id
from pytest_paradisco.testmap import FunctionEntry

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
TREES = WORK / "select"
TESTMON_VENV = WORK / "venv-testmon"
TESTMON = "pytest-testmon==2.2.0"
RESULTS = HERE / "RESULTS.md"
RAW = WORK / "select-safety.json"
SAVED = WORK / "select-safety.pickle"
HEADING = "## Selection safety"
SOURCES = ("static", "coverage", "both")
MARK = "pass  # paradisco-bench"
STATIC_MAP = ".bench-static-map.json"
#: safety rules left out of the selection (``--without``), to measure what each one gives
WITHOUT: set[str] = set()
IGNORED = (
    ".coverage*",
    ".accuracy-*",
    ".pytest_cache/",
    "paradisco-map.json",
    ".bench-*",
    ".testmondata*",
    "__pycache__/",
    "*.egg-info/",
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def git(tree: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", *args],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def fresh_repo(project: acc.Project) -> Path:
    """The unpacked sdist, committed to a new git repository."""
    unpacked = bench_shard.fetch(project.suite)
    tree = TREES / unpacked.name
    shutil.rmtree(tree, ignore_errors=True)
    TREES.mkdir(parents=True, exist_ok=True)
    shutil.copytree(unpacked, tree)
    (tree / ".gitignore").write_text("\n".join(IGNORED) + "\n")
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", f"{project.suite.pin} as released")
    return tree


# --- edits ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    function: str  # key, as the map names it
    file: str  # relative to the tree
    line: int  # 1-based line the new line is inserted before
    indent: str  # the body's indentation


def _start(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno] + [d.lineno for d in decorators])


def edits(tree: Path, functions: dict[str, tuple[str, int]]) -> tuple[list[Edit], list[str]]:
    """Where to insert one line into each function's body; and the functions skipped (a
    one-line ``def``: no line of its own to insert before)."""
    found: list[Edit] = []
    skipped: list[str] = []
    parsed: dict[str, tuple[ast.Module, list[str]]] = {}
    for key, (rel, def_line) in sorted(functions.items()):
        if rel not in parsed:
            text = (tree / rel).read_text(encoding="utf-8")
            parsed[rel] = (ast.parse(text), text.splitlines())
        module, lines = parsed[rel]
        node = next(
            n
            for n in ast.walk(module)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.lineno == def_line
        )
        body = node.body
        first = body[0]
        docstring = (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        )
        if first.lineno == node.lineno:
            skipped.append(key)
            continue
        anchor = body[1] if docstring and len(body) > 1 else first
        text = lines[anchor.lineno - 1]
        indent = text[: len(text) - len(text.lstrip())]
        if len(indent) != anchor.col_offset:
            skipped.append(key)  # the statement shares its line with another
            continue
        if docstring and len(body) == 1:
            found.append(Edit(key, rel, (first.end_lineno or first.lineno) + 1, indent))
        else:
            found.append(Edit(key, rel, _start(anchor), indent))
    return found, skipped


def apply(tree: Path, edit: Edit) -> None:
    path = tree / edit.file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    lines.insert(edit.line - 1, f"{edit.indent}{MARK}\n")
    text = "".join(lines)
    path.write_text(text, encoding="utf-8")
    try:
        ast.parse(text)
    except SyntaxError as exc:
        git(tree, "checkout", "--", edit.file)
        raise ValueError(f"edit of {edit.function} does not parse: {exc}") from None


# --- selections -------------------------------------------------------------------------


def spans(source: str, module: str) -> dict[str, tuple[int, int]]:
    """Each function's ``def`` line and last line, by the map's key."""
    found: dict[str, tuple[int, int]] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                found[f"{module}.{name}"] = (child.lineno, child.end_lineno or child.lineno)
                visit(child, f"{name}.<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


@dataclass
class Context:
    """What the in-process selection of one project needs."""

    project: acc.Project
    tree: Path
    static: dict[str, Any]  # the cold static map's JSON
    data_file: Path
    nodeids: list[str]  # collected, with parametrize ids
    roots: list[Root]
    test_files: set[str]

    @property
    def suite(self) -> set[str]:
        return {function_node_id(n) for n in self.nodeids}

    def is_test_file(self, rel: str) -> bool:
        return rel in self.test_files

    def module(self, rel: str) -> str:
        parts = Path(rel).relative_to(self.project.root).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def selections(ctx: Context, edit: Edit) -> dict[str, set[str]]:
    """The test functions ``--paradisco-diff`` keeps for the edited tree, per map source."""
    change_set = diff(ctx.tree, "HEAD")
    module = ctx.module(edit.file)
    new = spans((ctx.tree / edit.file).read_text(encoding="utf-8"), module)
    entries = {
        name: FunctionEntry(
            edit.file,
            line,
            end,
            list(ctx.static["functions"][name]["tests"]),
            list(ctx.static["functions"][name]["direct"]),
        )
        for name, (line, end) in new.items()
        if name in ctx.static["functions"]
    }
    found = coverage_tests(ctx.data_file, ctx.tree, entries)
    seen = found.tests
    # As the session writes the map: `coverage` is None where the run did not measure the
    # file (it says nothing of it then), and `importers` lets a function tied to no test
    # run the test files that import its module.
    measured = edit.file in found.measured
    maps: dict[str, dict[str, dict[str, Any]]] = {
        "static": {n: {"tests": e.tests} for n, e in entries.items()},
        "coverage": {
            n: {"tests": seen.get(n, []), "coverage": seen.get(n, []) if measured else None}
            for n in entries
        },
        "both": {
            n: {"tests": found.joined(n, e), "coverage": seen.get(n, []) if measured else None}
            for n, e in entries.items()
        },
    }
    extra = {"errors": ctx.static.get("errors", [])}
    for key in ("importers", "overrides"):
        if key in ctx.static and key not in WITHOUT:
            extra[key] = ctx.static[key]
    # the other files' functions, as the session's map has them: static tests (and, for
    # the coverage sources, no coverage data read for them here: the override rule and the
    # fallback look only at the edited function's own coverage mark)
    others = {
        n: {"tests": e["tests"]} for n, e in ctx.static["functions"].items() if n not in entries
    }
    result: dict[str, set[str]] = {}
    for source, functions in maps.items():
        testmap = {"functions": {**others, **functions}, **extra}
        chosen = diff_selection(
            change_set, testmap, ctx.tree, ctx.roots, ctx.is_test_file, ctx.test_files
        )
        keep, _, _ = split(chosen, ctx.nodeids)
        result[source] = {function_node_id(ctx.nodeids[i]) for i in keep}
    return result


def pytest_args(project: acc.Project) -> list[str]:
    return [*project.suite.args, f"--paradisco-source={project.package}"]


def run_in_tree(cmd: list[str], ctx: Context) -> subprocess.CompletedProcess[str]:
    """Run a command in the project's tree with its environment, output captured."""
    env = acc.env(ctx.tree, ctx.project)
    return subprocess.run(cmd, cwd=ctx.tree, env=env, capture_output=True, text=True, check=False)


def affected(python: Path, ctx: Context, source: str) -> set[str]:
    """``paradisco affected --diff HEAD``'s answer: the real user path."""
    paradisco = python.parent / "paradisco"
    cmd = [str(paradisco), "affected", "--diff", "HEAD", "--", *pytest_args(ctx.project)]
    cmd.append(f"--paradisco-map-source={source}")
    done = run_in_tree(cmd, ctx)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} exited {done.returncode}\n{done.stderr[-2000:]}")
    return {function_node_id(line) for line in done.stdout.splitlines() if "::" in line}


def pytest_diff(python: Path, ctx: Context) -> set[str]:
    """``pytest --co -q --paradisco-diff --paradisco-diff-base=HEAD``'s kept tests."""
    cmd = [str(python), "-m", "pytest", "--co", "-q", "--paradisco-diff"]
    cmd += ["--paradisco-diff-base=HEAD", *pytest_args(ctx.project)]
    done = run_in_tree(cmd, ctx)
    if done.returncode not in (0, 5):
        raise RuntimeError(f"{shlex.join(cmd)} exited {done.returncode}\n{done.stdout[-2000:]}")
    return {function_node_id(n) for n in bench_shard.parse_nodeids(done.stdout)}


# --- testmon ----------------------------------------------------------------------------


def testmon_venv(projects: Sequence[acc.Project]) -> tuple[Path | None, str]:
    python = TESTMON_VENV / "bin" / "python"
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(TESTMON_VENV)], check=True)
        probe = subprocess.run(
            [str(python), "-c", "import testmon"], capture_output=True, check=False
        )
        if probe.returncode != 0:
            deps = [d for p in projects for d in p.suite.deps]
            bench_shard.pip(python, "install", TESTMON, acc.REQUIREMENTS[0], *deps)
    except subprocess.CalledProcessError as exc:
        return None, f"installing {TESTMON} failed: {exc}"
    return python, ""


def testmon_env(ctx: Context) -> dict[str, str]:
    return acc.env(ctx.tree, ctx.project)


def testmon_build(python: Path, ctx: Context) -> tuple[float, str]:
    for stale in ctx.tree.glob(".testmondata*"):
        stale.unlink()
    cmd = [str(python), "-m", "pytest", *ctx.project.suite.args, "-q", "--testmon"]
    start = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=ctx.tree, env=testmon_env(ctx), capture_output=True, text=True, check=False
    )
    tail = [line for line in done.stdout.splitlines() if line.strip()]
    return time.perf_counter() - start, tail[-1] if tail else f"exit {done.returncode}"


def testmon_select(python: Path, ctx: Context) -> set[str]:
    cmd = [str(python), "-m", "pytest", *ctx.project.suite.args, "--co", "-q", "--testmon"]
    done = subprocess.run(
        cmd, cwd=ctx.tree, env=testmon_env(ctx), capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 5):
        raise RuntimeError(f"{shlex.join(cmd)} exited {done.returncode}\n{done.stdout[-2000:]}")
    return {function_node_id(n) for n in bench_shard.parse_nodeids(done.stdout)}


# --- one project ------------------------------------------------------------------------


@dataclass
class Change:
    function: str
    file: str
    truth: set[str]
    selected: dict[str, set[str]]  # source -> test functions kept
    real: dict[str, set[str]] = field(default_factory=dict)
    testmon: set[str] | None = None


@dataclass
class ProjectRun:
    project: acc.Project
    suite: int
    functions: int
    skipped: int
    sample: int
    truth_seconds: float
    truth_outcome: str
    map_seconds: float
    select_seconds: float
    changes: list[Change]
    real_seconds: float = 0.0
    real_checked: int = 0
    real_mismatches: list[str] = field(default_factory=list)
    pytest_agrees: str = ""
    testmon_note: str = ""
    testmon_build: float = 0.0
    testmon_seconds: float = 0.0
    causes: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    #: edited functions whose body also ran at import time (coverage's empty context)
    import_time: list[str] = field(default_factory=list)


def static_map(
    python: Path, tree: Path, project: acc.Project
) -> tuple[dict[str, Any], list[str], float]:
    shutil.rmtree(tree / ".pytest_cache", ignore_errors=True)
    cmd = [str(python), "-m", "pytest", "--co", "-q", "--paradisco-map", *pytest_args(project)]
    cmd += ["--paradisco-map-source=static", f"--paradisco-map-file={STATIC_MAP}"]
    log(f"select: {project.suite.name}: static map, cold")
    start = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=tree, env=acc.env(tree, project), capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 5) or not (tree / STATIC_MAP).exists():
        sys.exit(f"{shlex.join(cmd)} exited {done.returncode}\n{done.stdout[-3000:]}{done.stderr}")
    return (
        json.loads((tree / STATIC_MAP).read_text()),
        bench_shard.parse_nodeids(done.stdout),
        seconds,
    )


def data_file_of(python: Path, tree: Path) -> Path:
    """Where a session in ``tree`` looks for coverage data (the project's coverage config)."""
    probe = "from pathlib import Path; from pytest_paradisco.covmap import data_file_for; "
    probe += "print(data_file_for(Path('.').resolve()))"
    done = subprocess.run(
        [str(python), "-c", probe], cwd=tree, capture_output=True, text=True, check=True
    )
    return Path(done.stdout.strip())


def run_project(
    python: Path,
    tm_python: Path | None,
    project: acc.Project,
    options: argparse.Namespace,
) -> ProjectRun:
    tree = fresh_repo(project)
    truth = acc.truth(python, tree, project)
    data_file = data_file_of(python, tree)
    shutil.copyfile(tree / ".coverage.accuracy", data_file)
    static, nodeids, map_seconds = static_map(python, tree, project)
    test_files = {n.split("::", 1)[0] for n in nodeids}
    base = project.root
    path = project.package if base == "." else f"{base}/{project.package}"
    ctx = Context(project, tree, static, data_file, nodeids, [Root(path, base)], test_files)
    tested: dict[str, set[str]] = {}
    for key, test in truth.pairs:
        tested.setdefault(key, set()).add(test)
    candidates, skipped = edits(tree, truth.functions)
    chosen = list(candidates)
    random.Random(options.seed).shuffle(chosen)
    if options.sample:
        chosen = chosen[: options.sample]
    run = ProjectRun(
        project,
        len(ctx.suite),
        len(truth.functions),
        len(skipped),
        len(chosen),
        truth.seconds,
        truth.outcome,
        map_seconds,
        0.0,
        [],
    )
    log(f"select: {project.suite.name}: {len(chosen)} edits of {len(truth.functions)} functions")
    start = time.perf_counter()
    for edit in chosen:
        apply(tree, edit)
        try:
            selected = selections(ctx, edit)
        finally:
            git(tree, "checkout", "--", edit.file)
        run.changes.append(
            Change(edit.function, edit.file, tested.get(edit.function, set()), selected)
        )
    run.select_seconds = time.perf_counter() - start
    real = min(options.real, len(chosen))
    start = time.perf_counter()
    for i, (edit, change) in enumerate(zip(chosen[:real], run.changes, strict=False)):
        apply(tree, edit)
        try:
            for source in SOURCES:
                change.real[source] = affected(python, ctx, source)
                if change.real[source] != change.selected[source]:
                    only_real = sorted(change.real[source] - change.selected[source])[:2]
                    only_ours = sorted(change.selected[source] - change.real[source])[:2]
                    run.real_mismatches.append(
                        f"{edit.function} ({source}): affected only {only_real}, "
                        f"in-process only {only_ours}"
                    )
            if i == 0 and options.check_pytest:
                plain = pytest_diff(python, ctx)
                run.pytest_agrees = (
                    f"`pytest --co -q --paradisco-diff` and `paradisco affected --diff` agree "
                    f"on {edit.function} ({len(plain)} test functions)"
                    if plain == change.real["both"]
                    else f"DISAGREE on {edit.function}: {len(plain)} vs {len(change.real['both'])}"
                )
        finally:
            git(tree, "checkout", "--", edit.file)
        run.real_checked += 1
    run.real_seconds = time.perf_counter() - start
    if tm_python is not None and options.testmon:
        run.testmon_build, outcome = testmon_build(tm_python, ctx)
        run.testmon_note = f"database built by a full `--testmon` run ({outcome})"
        start = time.perf_counter()
        try:
            for edit, change in zip(chosen[: options.testmon], run.changes, strict=False):
                apply(tree, edit)
                try:
                    change.testmon = testmon_select(tm_python, ctx)
                finally:
                    git(tree, "checkout", "--", edit.file)
            after = testmon_select(tm_python, ctx)
            if after:
                run.testmon_note += f"; WARNING: {len(after)} selected with no change"
        except RuntimeError as exc:
            run.testmon_note = f"testmon failed: {str(exc).splitlines()[0]}"
        run.testmon_seconds = time.perf_counter() - start
    edited = {c.function for c in run.changes}
    run.import_time = sorted(edited & ran_at_import(tree, project))
    sorter = acc.Classifier(tree, project, truth, static)
    for source in SOURCES:
        found = []
        for change in run.changes:
            missed = sorted(change.truth - change.selected[source])
            if missed:
                pair = (change.function, missed[0])
                why = sorter.miss(pair) if source == "static" else coverage_cause(ctx, pair)
                found.append((change.function, f"{missed[0]} (+{len(missed) - 1})", why))
        run.causes[source] = found
    return run


def ran_at_import(tree: Path, project: acc.Project) -> set[str]:
    """Functions a body line of which ran outside any test (coverage's empty context:
    while modules were imported, at collection)."""
    from coverage import CoverageData

    owners, _ = acc.body_lines(tree, project)
    data = CoverageData(basename=str(tree / ".coverage.accuracy"))
    data.read()
    found: set[str] = set()
    data.set_query_context("")
    for measured in data.measured_files():
        lines = owners.get(str(Path(measured).resolve()), {})
        found.update(lines[n] for n in data.lines(measured) or () if n in lines)
    return found


def coverage_cause(ctx: Context, pair: tuple[str, str]) -> str:
    key, test = pair
    if key not in ctx.static["functions"]:
        return "function not among the map's targets"
    if test not in ctx.suite:
        return "test not collected by the session"
    return "not in the coverage data for the function's lines"


# --- report -----------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    changes: int
    ran: int  # changes of functions some test runs
    safe: float
    safe_run: float
    median: float
    mean: float


def row(label: str, changes: Sequence[Change], picks: Iterable[set[str]], suite: int) -> Row:
    picked = list(picks)
    safe = [not (c.truth - p) for c, p in zip(changes, picked, strict=True)]
    run_only = [s for c, s in zip(changes, safe, strict=True) if c.truth]
    shares = [len(p) / suite for p in picked]
    return Row(
        label,
        len(changes),
        len(run_only),
        sum(safe) / len(safe) if safe else 1.0,
        sum(run_only) / len(run_only) if run_only else 1.0,
        statistics.median(shares) if shares else 0.0,
        statistics.fmean(shares) if shares else 0.0,
    )


def rows(run: ProjectRun) -> list[Row]:
    changes = run.changes
    result = [
        row(f"`--paradisco-diff`, map {s}", changes, (c.selected[s] for c in changes), run.suite)
        for s in SOURCES
    ]
    ran = sum(1 for c in changes if c.truth)
    result.append(Row("whole suite", len(changes), ran, 1.0, 1.0, 1.0, 1.0))
    result.append(row("changed test files only", changes, (set() for _ in changes), run.suite))
    sampled = [c for c in changes if c.testmon is not None]
    if sampled:
        picks = (c.testmon or set() for c in sampled)
        result.append(row("pytest-testmon", sampled, picks, run.suite))
        same = (c.selected["both"] for c in sampled)
        result.append(row("`--paradisco-diff`, map both, same edits", sampled, same, run.suite))
    return result


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def table(runs: Sequence[ProjectRun]) -> list[str]:
    lines = [
        "| project (test functions) | selection | edits (of functions some test runs) | safety "
        "| safety where a test runs it | median share of suite | mean share |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        for r in rows(run):
            lines.append(
                f"| {run.project.suite.pin} ({run.suite}) | {r.label} | {r.changes} ({r.ran}) "
                f"| {r.safe:.3f} | {r.safe_run:.3f} | {pct(r.median)} | {pct(r.mean)} |"
            )
    return lines


def _missed(text: str) -> str:
    """``"t.py::test_a (+2)"`` -> ``"`t.py::test_a` and 2 more"``."""
    test, _, more = text.rpartition(" (+")
    count = more.rstrip(")")
    return f"`{test}`" + (f" and {count} more" if count not in ("", "0") else "")


def section(runs: Sequence[ProjectRun], python: Path, load: str, seconds: float) -> str:
    detail: list[str] = []
    for run in runs:
        ran = sum(1 for c in run.changes if c.truth)
        detail.append(
            f"**{run.project.suite.pin}**: {run.suite} test functions collected; suite with "
            f"contexts {run.truth_seconds:.1f} s ({run.truth_outcome}); {run.functions} "
            f"functions, {run.skipped} one-line `def`s not editable, {run.sample} edited "
            f"({ran} of them run by some test); cold static map {run.map_seconds:.1f} s; "
            f"in-process selection of all edits {run.select_seconds:.1f} s; real path "
            f"(`paradisco affected`, 3 sources) on {run.real_checked} edits "
            f"{run.real_seconds:.1f} s, "
            + (
                f"{len(run.real_mismatches)} differences: " + "; ".join(run.real_mismatches[:3])
                if run.real_mismatches
                else "identical answers"
            )
            + (f"; {run.pytest_agrees}" if run.pytest_agrees else "")
            + "."
        )
        if run.import_time:
            detail.append(
                f"- {len(run.import_time)} edited functions also ran at import time (outside "
                "any test context), e.g. "
                + ", ".join(f"`{f}`" for f in run.import_time[:3])
                + ": an edit there can change every test that imports the module, which "
                "neither the truth nor the coverage map sees."
            )
        if run.testmon_note:
            detail.append(
                f"- testmon: {run.testmon_note}; build {run.testmon_build:.1f} s, "
                f"selection of its edits {run.testmon_seconds:.1f} s."
            )
        for source in SOURCES:
            causes = run.causes.get(source, [])
            if not causes:
                detail.append(f"- unsafe, map {source}: none")
                continue
            counts: dict[str, int] = {}
            for _, _, why in causes:
                counts[why] = counts.get(why, 0) + 1
            ordered = sorted(counts.items(), key=lambda kv: -kv[1])
            ranked = ", ".join(f"{why}: {n}" for why, n in ordered)
            examples = "; ".join(f"`{f}` misses {_missed(t)} ({why})" for f, t, why in causes[:3])
            detail.append(f"- unsafe, map {source}: {len(causes)} ({ranked}). E.g. {examples}")
        detail.append("")
    return "\n".join(
        [
            HEADING,
            "",
            "Each change is an actual edit in a git repository of the unpacked sdist: one line "
            f"`{MARK}` inserted at the top of a function's body (after its docstring), for a "
            "seeded random sample of the package's functions. Truth: the tests that ran a "
            "line of that function's body in one run of the suite with "
            "`--cov=PKG --cov-context=test` before the edit (any phase; test functions, node "
            "ids without parametrize ids; only tests that ran). *Safety*: the share of "
            "changes for which every truly affecting test was selected (target >= 0.99), "
            "over all edits and over the edits of functions some test runs (the others are "
            "safe whatever is selected). *Share*: test functions selected over test functions "
            "collected. The map sources: `static` (built once, cold, before the edits), "
            "`coverage` (that run's data, as `--paradisco-map-source=coverage` reads it after "
            "the edit) and `both` (the default when the data has test contexts).",
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared; load average "
            f"{load} at the start), {platform.system()} {platform.release()}. "
            f"{acc.versions(python)}; {TESTMON}. Whole run {seconds / 60:.1f} min.",
            "",
            "Produced by `"
            + shlex.join(["python", "benchmarks/bench_select_safety.py", *sys.argv[1:]])
            + "`.",
            "",
            *table(runs),
            "",
            "What the truth cannot see (so neither can these scores): a function run by a "
            "module- or session-scoped fixture counts for the one test whose setup ran it "
            "(coverage records the fixture under that test's context), while every test "
            "using the fixture depends on it; and a function run at import time (its lines "
            "under coverage's empty context) affects every test importing its module. Both "
            "maps share these blind spots. A name defined twice (a property's getter and "
            "setter, a `def` under `if PYPY:`) is one function, as the map names it; the "
            "edit goes into its last definition. The real-path check runs a pytest session "
            "per edit and map source; the in-process answers use the same functions on "
            "the map built before the edits (a one-line `pass` changes no name, import or "
            "call, so the static map of the edited tree is the same).",
            "",
            *detail,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--projects",
        nargs="+",
        default=["toolz", "boltons", "tomlkit", "packaging"],
        choices=list(acc.PROJECTS),
    )
    parser.add_argument("--sample", type=int, default=300, help="edits per project; 0: all")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--real", type=int, default=12, help="edits per project checked via paradisco affected"
    )
    parser.add_argument("--testmon", type=int, default=30, help="edits per project for testmon")
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        choices=["importers", "overrides"],
        help="leave a safety rule's map records out of the selection (ablation)",
    )
    parser.add_argument(
        "--report-only", action="store_true", help="re-render the last run's saved results"
    )
    options = parser.parse_args()
    WITHOUT.update(options.without)
    if options.report_only:
        saved = pickle.loads(SAVED.read_bytes())
        text = section(saved["runs"], Path(saved["python"]), saved["load"], saved["seconds"])
        text = text.replace(
            "Produced by `python benchmarks/bench_select_safety.py --report-only`",
            f"Produced by `{saved['command']}`",
        )
        if not options.no_write:
            write(text, HEADING, RESULTS)
        print(text)
        return
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    begin = time.perf_counter()
    projects = [acc.PROJECTS[name] for name in options.projects]
    python = acc.venv(projects)
    tm_python: Path | None = None
    if options.testmon:
        tm_python, why = testmon_venv(projects)
        if tm_python is None:
            log(f"select: {why}")
    runs: list[ProjectRun] = []
    raw: dict[str, Any] = {}
    for index, project in enumerate(projects):
        options.check_pytest = index == 0
        run = run_project(python, tm_python, project, options)
        runs.append(run)
        raw[project.suite.pin] = [
            {
                "function": c.function,
                "truth": sorted(c.truth),
                "selected": {s: sorted(v) for s, v in c.selected.items()},
                "testmon": sorted(c.testmon) if c.testmon is not None else None,
            }
            for c in run.changes
        ]
        RAW.write_text(json.dumps(raw, indent=1))
        command = shlex.join(["python", "benchmarks/bench_select_safety.py", *sys.argv[1:]])
        seconds = time.perf_counter() - begin
        SAVED.write_bytes(
            pickle.dumps(
                {
                    "runs": runs,
                    "python": str(python),
                    "load": load,
                    "seconds": seconds,
                    "command": command,
                }
            )
        )
        text = section(runs, python, load, time.perf_counter() - begin)
        log("\n".join(table([run])))
        if not options.no_write:
            write(text, HEADING, RESULTS)
    print(text)


if __name__ == "__main__":
    main()
