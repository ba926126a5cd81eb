"""Hooks that exist only under pytest-xdist: the workers' shard counts, deselected
tests and coverage data files handed to the controller."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from pytest_paradisco.hooks.session import ParadiscoPlugin
from pytest_paradisco.shard import ShardStats


@dataclasses.dataclass(frozen=True)
class WorkerDeselected:
    """A test the xdist workers deselected, as the controller's terminal reporter
    counts it (the controller has no items of its own)."""

    nodeid: str


class WorkerDeselections:
    """In an xdist worker whose tests paradisco filters (a selection or a shard): note
    every deselected test, whichever filter deselected it, for the controller's final
    line ("4 passed, 15 deselected"), which xdist leaves without the count."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.nodeids: list[str] = []

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        """Every filter (-k, -m, --deselect, --lf, the selection, sharding) reports its
        deselection through this hook, as pytest's own counter receives it."""
        self.nodeids.extend(item.nodeid for item in items)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Hand the node ids to the controller through workeroutput, which xdist sends
        once this hook has run."""
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput["paradisco_deselected"] = self.nodeids


class XdistHooks:
    """Hooks that exist only under pytest-xdist (registered only when it is present)."""

    def __init__(self, plugin: ParadiscoPlugin) -> None:
        self.plugin = plugin
        self.deselected_counted = False

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """Every worker collects the same shard, so the first worker's counts stand for
        the run: the controller collects nothing itself. The first worker's deselected
        tests go into the terminal reporter's counts, so the final line says "N
        deselected" as it does without xdist; into its ``stats`` rather than through
        ``pytest_deselected``, whose implementations in other plugins expect real items.
        Not when the counts already hold deselected tests (an xdist that forwards them)."""
        output = getattr(node, "workeroutput", None) or {}
        data = output.get("paradisco_shard")
        if data is not None and self.plugin.stats is None:
            self.plugin.stats = ShardStats.from_json(data)
        deselected = output.get("paradisco_deselected")
        if deselected and not self.deselected_counted:
            self.deselected_counted = True
            reporter = self.plugin.config.pluginmanager.get_plugin("terminalreporter")
            stats = getattr(reporter, "stats", None)
            if isinstance(stats, dict) and not stats.get("deselected"):
                stats["deselected"] = [WorkerDeselected(nodeid) for nodeid in deselected]
        files = output.get("paradisco_coverage_files")
        if files and self.plugin.coverage is not None:
            self.plugin.coverage.saved.extend(str(path) for path in files)
