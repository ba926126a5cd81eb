"""Terminal lines: plain functions from values to strings, no pytest objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from pytest_paradisco.balance import BALANCED_SCHEME, Weights, best_possible_ratio
from pytest_paradisco.shard import SCHEME, PlanShard, ShardStats, imbalance

if TYPE_CHECKING:
    from pytest_paradisco.affected import SelectionStats
    from pytest_paradisco.testmap import TestMap

MODES = ("file", "balanced", "test")


def scheme(shard_by: str) -> str:
    return BALANCED_SCHEME if shard_by == "balanced" else SCHEME


#: Totals shown by ``--shard-plan`` when no ``--shard-total`` is given.
PLAN_TOTALS = (2, 3, 4, 6, 8, 12, 16)
#: Mapping errors listed in the summary (all of them are in the JSON).
MAX_ERRORS_SHOWN = 10


def shard_summary(stats: ShardStats) -> str:
    """``shard 2/4 by file: 131 of 512 tests in 30 of 118 files ...``"""
    where = f"shard {stats.shard_id}/{stats.shard_total} by {stats.shard_by}"
    line = f"{where} [{scheme(stats.shard_by)}]: "
    if stats.files_pruned:
        line += (
            f"{stats.tests_kept} tests in {stats.files_kept} of "
            f"{stats.files_kept + stats.files_other} files; {stats.files_pruned} files of "
            "other shards not imported"
        )
        if stats.tests_deselected:
            line += f", {stats.tests_deselected} tests deselected"
    else:
        line += (
            f"{stats.tests_kept} of {stats.tests_kept + stats.tests_deselected} tests in "
            f"{stats.files_kept} of {stats.files_kept + stats.files_other} files"
        )
    return line


def empty_shard_warning(stats: ShardStats) -> str:
    if stats.shard_by == "test":
        what = f"{stats.tests_deselected} test(s)"
    else:
        what = f"{stats.files_other} test file(s)"
    return (
        f"paradisco: shard {stats.shard_id}/{stats.shard_total} is empty: all {what} of the "
        f"suite went to other shards under {scheme(stats.shard_by)}, so this shard passes "
        "with no test run. Use fewer shards; "
        f"`pytest --shard-plan --shard-total={stats.shard_total}` shows the partition."
    )


def _weight(value: float, weights: Weights | None) -> str:
    if weights is not None and weights.source == "durations":
        return f"{value / 1000:.1f}s"
    return f"{value:.0f}"


def plan_table(
    shards: Sequence[PlanShard],
    shard_by: str,
    current: int | None,
    verbose: bool,
    weights: Weights | None = None,
) -> list[str]:
    """The partition for one total: a row per shard, then the max/mean ratio."""
    total_tests = sum(s.tests for s in shards)
    total_files = len({f for s in shards for f in s.files})
    mean = total_tests / len(shards)
    lines = [
        f"{len(shards)} shards by {shard_by} [{scheme(shard_by)}]: {total_tests} tests in "
        f"{total_files} files",
    ]
    if weights is not None:
        lines.append(f"weights: {weights.detail}")
    lines.append(
        f"{'shard':>7} {'files':>6} {'tests':>6} {'tests%':>7} {'weight':>8} {'weight%':>8}"
    )
    whole = sum(s.weight for s in shards)
    for shard in shards:
        share = 100.0 * shard.weight / whole if whole else 0.0
        tests_share = 100.0 * shard.tests / total_tests if total_tests else 0.0
        mark = "  <- this shard" if shard.index == current else ""
        lines.append(
            f"{shard.index:>7} {len(shard.files):>6} {shard.tests:>6} {tests_share:>6.1f}% "
            f"{_weight(shard.weight, weights):>8} {share:>7.1f}%{mark}"
        )
        if verbose:
            for file in sorted(shard.files):
                lines.append(f"{'':>9}{file} ({shard.files[file]} tests)")
    ratio = imbalance(s.tests for s in shards)
    largest = max(shards, key=lambda s: (s.tests, -s.index))
    empty = sum(1 for s in shards if s.tests == 0)
    lines.append(
        f"max/mean tests per shard: {ratio:.2f} (largest: shard {largest.index} with "
        f"{largest.tests} tests; mean {mean:.1f})" + (f"; {empty} empty" if empty else "")
    )
    return lines


def plan_comparison(plans: Mapping[str, Sequence[PlanShard]], weights: Weights | None) -> list[str]:
    """max/mean of every mode for one total, to choose --shard-by."""
    lines = [f"{'--shard-by':>12} {'max/mean tests':>15} {'max/mean weight':>16}"]
    for mode in MODES:
        shards = plans[mode]
        by_tests = imbalance(s.tests for s in shards)
        by_weight = imbalance(round(s.weight) for s in shards)
        lines.append(f"{mode:>12} {by_tests:>15.2f} {by_weight:>16.2f}")
    if weights is not None:
        total = len(next(iter(plans.values())))
        bound = best_possible_ratio(weights.values.values(), total)
        lines.append(f"(the largest file alone allows max/mean weight >= {bound:.2f})")
    return lines


def plan_overview(
    plans: Mapping[int, Mapping[str, Sequence[PlanShard]]], weights: Weights | None
) -> list[str]:
    """One row per candidate total: max/mean tests per shard under every mode."""
    first = next(iter(plans.values()))["file"] if plans else []
    tests = sum(s.tests for s in first)
    files = len({f for s in first for f in s.files})
    lines = [
        f"{tests} tests in {files} files; max/mean tests per shard by --shard-by "
        "(pass --shard-total=N to see one partition)",
        f"{'N':>4} " + " ".join(f"{mode:>9}" for mode in MODES) + f" {'empty(file)':>12}",
    ]
    for total, by_mode in plans.items():
        ratios = " ".join(f"{imbalance(s.tests for s in by_mode[m]):>9.2f}" for m in MODES)
        empty = sum(1 for s in by_mode["file"] if s.tests == 0)
        lines.append(f"{total:>4} {ratios} {empty:>12}")
    if weights is not None:
        lines.append(f"weights: {weights.detail}")
    return lines


def unmeasured_workers_warning() -> str:
    """``coverage run -m pytest -n N`` without subprocess measurement: about 0%."""
    return (
        "paradisco: coverage measures only this process, but pytest-xdist runs the tests "
        "in worker processes that coverage does not measure, so the total would be near "
        '0%. Add `patch = ["subprocess"]` under [tool.coverage.run] (coverage 7.10+), '
        "or run `pytest --cov` (pytest-cov) instead of `coverage run -m pytest`."
    )


def idle_threshold_warning(source: str) -> str:
    """A coverage threshold was asked for, but coverage does not measure the session."""
    return (
        f"paradisco: {source} has no effect: coverage does not measure this session in "
        "parallel mode. Run `pytest --cov` (pytest-cov), or `coverage run -m pytest` with "
        "`parallel = true` under [tool.coverage.run]."
    )


def map_summary(testmap: TestMap, path: str, cache_note: str | None) -> list[str]:
    """The mapping's lines of the ``paradisco`` section."""
    stats = testmap.stats
    seconds = stats.get("seconds", {})
    count = len(testmap.unmapped)  # the JSON's `unmapped`
    unlinked = ""
    if count:
        unlinked = f" ({count} {'test' if count == 1 else 'tests'} linked to none: unmapped)"
    lines = [
        f"map: {stats['functions_mapped']} of {stats['functions']} functions mapped to "
        f"{stats['tests_mapped']} tests in {stats['test_files_mapped']} files{unlinked} -> {path}",
        f"  import filter kept {stats['test_files_kept']} of {stats['test_files']} test files; "
        f"analysed {stats['analysed']}, cache hits {stats['cache_hits']}"
        + (f" (cache {cache_note})" if cache_note else "")
        + f"; workers {stats['workers']}",
        f"  closure (depth {stats['depth']}): {stats['pairs']} test-function pairs, "
        f"{stats['pairs_direct']} direct, over {stats['call_edges']} call edges; source "
        f"files analysed {stats['source_analysed']}, cache hits {stats['source_cache_hits']}",
        "  time: "
        + ", ".join(
            f"{phase} {seconds[phase]:.2f} s" for phase in ("targets", "imports", "references")
        )
        + f" (total {seconds['total']:.2f} s)",
    ]
    errors = testmap.errors
    if errors:
        lines.append(f"  errors ({len(errors)}, their tests are still collected):")
        lines += [f"    {error.describe()}" for error in errors[:MAX_ERRORS_SHOWN]]
        if len(errors) > MAX_ERRORS_SHOWN:
            lines.append(f"    ... and {len(errors) - MAX_ERRORS_SHOWN} more in {path}")
    return lines


#: How the mapping's phases read in its progress line.
MAP_PHASES = {"imports": "import filter", "references": "Jedi"}


def map_progress(phase: str, done: int, total: int) -> str:
    """The mapping's progress line on a terminal, rewritten in place as files are done."""
    return f"paradisco: mapping, {MAP_PHASES.get(phase, phase)}: {done}/{total} files"


def selection_summary(
    stats: SelectionStats, flags: str, base: str | None, filters: str = ""
) -> list[str]:
    """The selection's lines of the ``paradisco`` section: how many tests were kept and
    why, one line per reason; then how many of them run after the other filters
    (``filters`` names them: ``-k``, ``-m``, ``--lf``, sharding)."""
    total = stats.kept + stats.deselected
    where = f" (base {base})" if base else ""
    lines = [
        f"selection {flags}{where}: {stats.kept} of {total} tests kept, "
        f"{stats.deselected} deselected"
    ]
    if stats.last_failed:
        beside = total - stats.last_failed
        lines.append(
            f"  --lf: pytest collected its {_plural(stats.last_failed, 'last failure')}"
            + (f" and {_plural(beside, 'test')} beside them" if beside > 0 else "")
            + ", not the whole suite"
        )
    if stats.run_all is not None:
        lines.append(f"  all kept by a safety rule: {stats.run_all}")
    else:
        for reason, count in stats.reasons.items():
            detail = ""
            if reason.startswith("mapped to") and stats.functions:
                detail = f" ({_plural(stats.functions, 'function')})"
            lines.append(f"  {count} {reason}{detail}")
    if not stats.kept and stats.last_failed:
        lines.append(
            "  none of the last failures is mapped to what was selected or changed; "
            "without --lf, the tests that are run"
        )
    elif not stats.kept and stats.run_all is None:
        lines.append("  no test is mapped to what was selected or changed")
    if stats.run is not None and stats.run < stats.kept:
        lines.append(
            f"  {stats.run} of the {stats.kept} kept run after {filters or 'other plugins'}"
        )
    return lines


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"
