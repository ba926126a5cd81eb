"""Hash sharding: which shard a test file (or test) belongs to, and CI detection.

Nothing here imports pytest. A shard is chosen by a key alone: the same key gives
the same shard on every machine, in every process and whatever else is in the suite,
so shards need no coordination, are disjoint and together complete, and adding a
file moves no other file.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

#: The name of the assignment rule. It is printed in the header and the plan, so a
#: change of rule is never silent: a new rule gets a new name.
SCHEME = "md5-v1"

T = TypeVar("T")


def shard_of(key: str, total: int) -> int:
    """Return the 0-based shard of ``key`` among ``total`` shards (scheme ``md5-v1``).

    ``int(md5(key).hexdigest(), 16) % total``: a real hash, never ``hash()``, which is
    salted per process and would disagree between machines.
    """
    if total < 1:
        raise ValueError(f"total must be at least 1, got {total}")
    digest = hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()
    return int(digest, 16) % total


def file_key(path: Path | str, rootdir: Path | str) -> str:
    """The shard key of a file: its path relative to ``rootdir``, ``/``-separated.

    Lexical (no symlinks resolved), like pytest's own node ids, so the same checkout
    at another absolute path, or on Windows, gives the same key.
    """
    rel = os.path.relpath(os.fspath(path), os.fspath(rootdir))
    return rel.replace(os.sep, "/")


def partition(items: Iterable[T], key: Callable[[T], str], total: int) -> list[list[T]]:
    """Split ``items`` into ``total`` lists by the shard of their key, keeping their order."""
    shards: list[list[T]] = [[] for _ in range(total)]
    for item in items:
        shards[shard_of(key(item), total)].append(item)
    return shards


def imbalance(sizes: Iterable[int]) -> float:
    """The largest shard over the mean shard (1.0 is perfect; 0.0 when all are empty)."""
    values = list(sizes)
    total = sum(values)
    if not values or total == 0:
        return 0.0
    return max(values) / (total / len(values))


@dataclass(frozen=True)
class CIShard:
    """A shard position read from a CI provider's own parallelism variables."""

    provider: str
    shard_id: int
    shard_total: int
    variables: str

    def describe(self) -> str:
        return f"{self.provider} {self.variables}"


@dataclass(frozen=True)
class _Provider:
    name: str
    index_var: str
    total_var: str
    one_based: bool


# Providers with native job parallelism; GitHub Actions has none (a matrix sets
# PARADISCO_SHARD_ID/PARADISCO_SHARD_TOTAL instead).
CI_PROVIDERS: tuple[_Provider, ...] = (
    _Provider("GitLab", "CI_NODE_INDEX", "CI_NODE_TOTAL", one_based=True),
    _Provider("CircleCI", "CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", one_based=False),
    _Provider(
        "Buildkite", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", one_based=False
    ),
)


class CIDetectionError(ValueError):
    """The CI variables are present but unusable (not integers, out of range)."""


def detect_ci_shard(environ: Mapping[str, str]) -> CIShard | None:
    """Return the shard the CI's parallelism variables describe, or None if none are set.

    GitLab's ``CI_NODE_INDEX`` is 1-based; the others are 0-based. The result is
    always 0-based.
    """
    for provider in CI_PROVIDERS:
        raw_index = environ.get(provider.index_var, "").strip()
        raw_total = environ.get(provider.total_var, "").strip()
        if not raw_index and not raw_total:
            continue
        variables = f"{provider.index_var}={raw_index!r}, {provider.total_var}={raw_total!r}"
        try:
            index, total = int(raw_index), int(raw_total)
        except ValueError:
            raise CIDetectionError(f"{provider.name} sets {variables}: not integers") from None
        shard_id = index - 1 if provider.one_based else index
        if total < 1 or not 0 <= shard_id < total:
            raise CIDetectionError(f"{provider.name} sets {variables}: index out of range")
        return CIShard(
            provider.name,
            shard_id,
            total,
            f"{provider.index_var}={index}, {provider.total_var}={total}",
        )
    return None


def ci_variable_names() -> str:
    """The variables ``--shard-id=auto`` reads, for error messages and docs."""
    return ", ".join(f"{p.index_var}/{p.total_var} ({p.name})" for p in CI_PROVIDERS)


def glob_match(pattern: str, path: Path) -> bool:
    """Match ``path`` like pytest's ``python_files`` globs: a pattern without a path
    separator matches the file name, one with a separator matches the path's tail."""
    if "/" not in pattern and os.sep not in pattern:
        return fnmatch.fnmatch(path.name, pattern)
    if not os.path.isabs(pattern):
        pattern = f"*{os.sep}{pattern.replace('/', os.sep)}"
    return fnmatch.fnmatch(str(path), pattern)


@dataclass(frozen=True)
class ShardStats:
    """What one shard kept, as counted in the process that collected (JSON-able, so an
    xdist worker can hand it to the controller)."""

    shard_id: int
    shard_total: int
    shard_by: str
    tests_kept: int
    tests_deselected: int
    files_kept: int
    files_other: int
    files_pruned: int

    @property
    def empty(self) -> bool:
        """Did this shard get nothing while the suite has something?"""
        return self.tests_kept == 0 and (self.tests_deselected > 0 or self.files_pruned > 0)

    def to_json(self) -> dict[str, int | str]:
        return {
            "shard_id": self.shard_id,
            "shard_total": self.shard_total,
            "shard_by": self.shard_by,
            "tests_kept": self.tests_kept,
            "tests_deselected": self.tests_deselected,
            "files_kept": self.files_kept,
            "files_other": self.files_other,
            "files_pruned": self.files_pruned,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ShardStats:
        return cls(
            shard_id=int(str(data["shard_id"])),
            shard_total=int(str(data["shard_total"])),
            shard_by=str(data["shard_by"]),
            tests_kept=int(str(data["tests_kept"])),
            tests_deselected=int(str(data["tests_deselected"])),
            files_kept=int(str(data["files_kept"])),
            files_other=int(str(data["files_other"])),
            files_pruned=int(str(data["files_pruned"])),
        )


@dataclass(frozen=True)
class PlanShard:
    """One shard of a plan: its tests, per file key how many tests it holds, its weight."""

    index: int
    tests: int
    files: dict[str, int]
    weight: float = 0.0


def plan(
    keyed: Iterable[tuple[str, str]],
    total: int,
    assign: Callable[[str, str], int] | None = None,
    weights: Mapping[str, int] | None = None,
) -> list[PlanShard]:
    """Partition ``(shard key, file key)`` pairs, one per test, into ``total`` shards.

    ``assign`` maps a pair to its shard (default: ``shard_of(key, total)``). With
    ``weights`` (per file), a shard's weight is each file's weight shared out over the
    file's tests, so splitting a file by test splits its weight too.
    """
    pairs = list(keyed)
    choose = assign or (lambda key, file: shard_of(key, total))
    tests = [0] * total
    files: list[dict[str, int]] = [{} for _ in range(total)]
    per_file: dict[str, int] = {}
    for key, file in pairs:
        index = choose(key, file)
        tests[index] += 1
        files[index][file] = files[index].get(file, 0) + 1
        per_file[file] = per_file.get(file, 0) + 1
    weight = [0.0] * total
    for index in range(total):
        for file, count in files[index].items():
            share = weights.get(file, count) if weights is not None else count
            weight[index] += share * count / per_file[file]
    return [PlanShard(i, tests[i], files[i], weight[i]) for i in range(total)]
