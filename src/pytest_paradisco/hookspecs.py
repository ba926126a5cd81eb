"""Hooks that pytest-paradisco offers to conftest.py files and plugins."""

from __future__ import annotations

import pytest


@pytest.hookspec(firstresult=True)
def pytest_paradisco_shard_key(item: pytest.Item) -> str | None:
    """Return the key that decides ``item``'s shard, or None to use the default key.

    Tests with the same key always land in the same shard, so returning, say, the
    class's node id keeps a class together. The first non-None result wins.

    Implement it in the rootdir's ``conftest.py`` or in a plugin: while an
    implementation exists, files are no longer skipped before import (a file's tests
    might belong to several shards), and every shard collects the whole suite.
    """
