"""An empty shard in a project that turns warnings into errors.

Found by benchmarks/bench_shard.py on jinja2 3.1.4, whose ``filterwarnings = ["error"]``
(click, Flask and most of the Pallets projects have the same) made the empty-shard
warning an exception inside ``pytest_collection_modifyitems``: INTERNALERROR, exit 3.
"""

from __future__ import annotations

import pytest

from pytest_paradisco.shard import shard_of

TOTAL = 8


def _empty_shard(pytester: pytest.Pytester) -> int:
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    pytester.makepyfile(test_one="def test_one():\n    pass\n")
    owner = shard_of("test_one.py", TOTAL)
    return (owner + 1) % TOTAL


@pytest.mark.parametrize("shard_by", ["file", "test"])
def test_empty_shard_passes_with_filterwarnings_error(
    pytester: pytest.Pytester, shard_by: str
) -> None:
    empty = _empty_shard(pytester)
    result = pytester.runpytest_subprocess(
        f"--shard-id={empty}", f"--shard-total={TOTAL}", f"--shard-by={shard_by}"
    )
    assert result.ret == pytest.ExitCode.OK
    assert "INTERNALERROR" not in result.stdout.str()
    result.stdout.fnmatch_lines([f"*ParadiscoWarning: paradisco: shard {empty}/{TOTAL} is empty*"])


def test_empty_shard_warning_can_still_be_silenced(pytester: pytest.Pytester) -> None:
    empty = _empty_shard(pytester)
    result = pytester.runpytest_subprocess(
        f"--shard-id={empty}",
        f"--shard-total={TOTAL}",
        "-W",
        "ignore::pytest_paradisco.ParadiscoWarning",
    )
    assert result.ret == pytest.ExitCode.OK
    assert "is empty" not in result.stdout.str()
