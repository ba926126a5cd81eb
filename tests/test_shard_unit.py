"""The pure sharding functions, without pytest in the loop."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_paradisco.shard import (
    CIDetectionError,
    detect_ci_shard,
    file_key,
    glob_match,
    imbalance,
    partition,
    plan,
    shard_of,
)

paths = st.lists(
    st.from_regex(r"[a-z]{1,8}(/[a-z_]{1,8}){0,3}/test_[a-z0-9]{1,8}\.py", fullmatch=True),
    unique=True,
    max_size=60,
)


def test_shard_of_is_md5_mod_n() -> None:
    key = "tests/test_a.py"
    expected = int(hashlib.md5(key.encode()).hexdigest(), 16)
    assert [shard_of(key, n) for n in range(1, 9)] == [expected % n for n in range(1, 9)]


@pytest.mark.parametrize(
    ("key", "total", "shard"),
    [("tests/test_a.py", 4, 0), ("tests/test_b.py", 4, 1), ("tests/sub/test_c.py", 3, 2)],
)
def test_shard_of_is_pinned(key: str, total: int, shard: int) -> None:
    """md5-v1 must never change silently: these values are part of the scheme."""
    assert shard_of(key, total) == shard


def test_shard_of_rejects_zero_total() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        shard_of("x", 0)


@given(paths, st.integers(min_value=1, max_value=16))
def test_partition_is_disjoint_and_complete(keys: list[str], total: int) -> None:
    shards = partition(keys, lambda k: k, total)
    assert len(shards) == total
    assert sorted(k for shard in shards for k in shard) == sorted(keys)


@given(paths, paths, st.integers(min_value=1, max_value=16))
def test_adding_files_moves_no_other_file(keys: list[str], extra: list[str], total: int) -> None:
    before = {k: shard_of(k, total) for k in keys}
    grown = partition(keys + [e for e in extra if e not in before], lambda k: k, total)
    after = {k: i for i, shard in enumerate(grown) for k in shard}
    assert all(after[k] == before[k] for k in keys)


def test_file_key_is_relative_and_slashed(tmp_path: Path) -> None:
    assert file_key(tmp_path / "tests" / "sub" / "test_x.py", tmp_path) == "tests/sub/test_x.py"
    assert file_key(tmp_path / "test_x.py", tmp_path / "tests") == "../test_x.py"


def test_file_key_ignores_the_absolute_location(tmp_path: Path) -> None:
    one, two = tmp_path / "a" / "checkout", tmp_path / "elsewhere"
    assert file_key(one / "tests/test_x.py", one) == file_key(two / "tests/test_x.py", two)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("test_*.py", "/r/tests/test_a.py", True),
        ("*_test.py", "/r/tests/a_test.py", True),
        ("test_*.py", "/r/tests/helper.py", False),
        ("tests/check_*.py", "/r/tests/check_a.py", True),
        ("tests/check_*.py", "/r/other/check_a.py", False),
    ],
)
def test_glob_match_follows_python_files(pattern: str, path: str, matches: bool) -> None:
    assert glob_match(pattern, Path(path)) is matches


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "4"}, ("GitLab", 0, 4)),
        ({"CI_NODE_INDEX": "4", "CI_NODE_TOTAL": "4"}, ("GitLab", 3, 4)),
        ({"CIRCLE_NODE_INDEX": "0", "CIRCLE_NODE_TOTAL": "3"}, ("CircleCI", 0, 3)),
        ({"BUILDKITE_PARALLEL_JOB": "2", "BUILDKITE_PARALLEL_JOB_COUNT": "3"}, ("Buildkite", 2, 3)),
    ],
)
def test_detect_ci_shard(environ: dict[str, str], expected: tuple[str, int, int]) -> None:
    found = detect_ci_shard(environ)
    assert found is not None
    assert (found.provider, found.shard_id, found.shard_total) == expected


def test_detect_ci_shard_none() -> None:
    assert detect_ci_shard({"CI": "true"}) is None


@pytest.mark.parametrize(
    "environ",
    [
        {"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "4"},  # GitLab is 1-based
        {"CIRCLE_NODE_INDEX": "3", "CIRCLE_NODE_TOTAL": "3"},
        {"BUILDKITE_PARALLEL_JOB": "x", "BUILDKITE_PARALLEL_JOB_COUNT": "3"},
        {"CI_NODE_INDEX": "1"},
    ],
)
def test_detect_ci_shard_rejects_bad_values(environ: dict[str, str]) -> None:
    with pytest.raises(CIDetectionError):
        detect_ci_shard(environ)


def test_imbalance() -> None:
    assert imbalance([5, 5]) == 1.0
    assert imbalance([9, 3]) == 1.5
    assert imbalance([0, 0]) == 0.0


def test_plan_counts_tests_and_files() -> None:
    keyed = [("tests/test_a.py", "tests/test_a.py")] * 3 + [("tests/test_b.py", "tests/test_b.py")]
    shards = plan(keyed, 4)
    assert sum(s.tests for s in shards) == 4
    assert shards[shard_of("tests/test_a.py", 4)].files["tests/test_a.py"] == 3
