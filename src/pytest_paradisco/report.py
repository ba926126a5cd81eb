"""Terminal lines: plain functions from values to strings, no pytest objects."""

from __future__ import annotations

from collections.abc import Sequence

from pytest_paradisco.shard import SCHEME, PlanShard, ShardStats, imbalance

#: Totals shown by ``--shard-plan`` when no ``--shard-total`` is given.
PLAN_TOTALS = (2, 3, 4, 6, 8, 12, 16)


def shard_summary(stats: ShardStats) -> str:
    """``shard 2/4 by file: 131 of 512 tests in 30 of 118 files ...``"""
    line = f"shard {stats.shard_id}/{stats.shard_total} by {stats.shard_by} [{SCHEME}]: "
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
    others = stats.files_other
    return (
        f"paradisco: shard {stats.shard_id}/{stats.shard_total} is empty: all {others} "
        f"test file(s) of the suite hash to other shards under {SCHEME}, so this shard "
        "passes with no test run. Use fewer shards; "
        f"`pytest --shard-plan --shard-total={stats.shard_total}` shows the partition."
    )


def plan_table(
    shards: Sequence[PlanShard], shard_by: str, current: int | None, verbose: bool
) -> list[str]:
    """The partition for one total: a row per shard, then the max/mean ratio."""
    total_tests = sum(s.tests for s in shards)
    total_files = len({f for s in shards for f in s.files})
    mean = total_tests / len(shards)
    lines = [
        f"{len(shards)} shards by {shard_by} [{SCHEME}]: {total_tests} tests in "
        f"{total_files} files",
        f"{'shard':>7} {'files':>6} {'tests':>6} {'share':>7}",
    ]
    for shard in shards:
        share = 100.0 * shard.tests / total_tests if total_tests else 0.0
        mark = "  <- this shard" if shard.index == current else ""
        lines.append(
            f"{shard.index:>7} {len(shard.files):>6} {shard.tests:>6} {share:>6.1f}%{mark}"
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


def plan_overview(plans: Sequence[Sequence[PlanShard]], shard_by: str) -> list[str]:
    """One row per candidate total, to choose N."""
    tests = sum(s.tests for s in plans[0]) if plans else 0
    files = len({f for s in plans[0] for f in s.files}) if plans else 0
    lines = [
        f"{tests} tests in {files} files by {shard_by} [{SCHEME}]; "
        "pass --shard-total=N to see one partition",
        f"{'N':>4} {'max/mean':>9} {'largest':>8} {'smallest':>9} {'empty':>6}",
    ]
    for shards in plans:
        sizes = [s.tests for s in shards]
        lines.append(
            f"{len(shards):>4} {imbalance(sizes):>9.2f} {max(sizes):>8} {min(sizes):>9} "
            f"{sizes.count(0):>6}"
        )
    return lines
