"""``--paradisco-select`` and ``--paradisco-diff``: choose the tests the map ties to
the chosen functions or changed lines, hand the choice to xdist workers, deselect the rest."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pytest

from pytest_paradisco import report
from pytest_paradisco.hooks.common import (
    MAP_RESULT_KEY,
    SELECT_SUMMARY_KEY,
    SETTINGS_KEY,
    MapResult,
    warn,
)
from pytest_paradisco.options import Settings
from pytest_paradisco.shard import file_key, glob_match

if TYPE_CHECKING:
    from pytest_paradisco.affected import SelectionStats
    from pytest_paradisco.gitdiff import Diff
    from pytest_paradisco.selection import Selection


class SelectHooks:
    """``--paradisco-select`` and ``--paradisco-diff``: keep the tests the map ties to the
    chosen functions or to the changed lines, deselect the rest. Registered only when a
    selection is asked for, in every process: the xdist controller computes the selection
    once (after mapping) and hands it to the workers, which apply it."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.change_set: Diff | None = None
        self.selection: Selection | None = None
        self.stats: SelectionStats | None = None
        self.controller = False
        workerinput = getattr(config, "workerinput", None)
        if workerinput is not None:
            from pytest_paradisco.affected import from_json

            data = workerinput.get("paradisco_selection")
            # A worker without the controller's selection (an old controller) keeps all.
            self.selection = from_json(data) if data is not None else None
        elif settings.diff:
            # Ask git at configure time: a bad revision or a shallow clone stops the
            # session before anything is mapped or any worker starts.
            from pytest_paradisco.gitdiff import GitError, diff

            try:
                self.change_set = diff(config.rootpath, settings.diff_base)
            except GitError as exc:
                source = settings.sources["diff_base"]
                if source.kind == "default":
                    source = settings.sources["diff"]
                raise pytest.UsageError(f"paradisco: {source.text}: {exc}") from None

    def pytest_report_header(self, config: pytest.Config) -> str | None:
        """One line, pasteable as flags: what is selected and which base was compared."""
        if hasattr(config, "workerinput"):
            return None
        line = f"paradisco: {self.settings.select_flags()}"
        if self.change_set is not None:
            changes = len(self.change_set.changes)
            line += (
                f" (base {self.change_set.base[:12]}: {self.change_set.described}; "
                f"{changes} changed file{'s' if changes != 1 else ''})"
            )
        return line

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Neither tryfirst nor trylast: under xdist the controller has mapped in the
        mapping plugin's tryfirst sessionstart; choose the selection here, before xdist's
        trylast sessionstart starts the workers and sends them ``workerinput``."""
        self.controller = self.config.pluginmanager.hasplugin("dsession")
        if self.controller:
            self._choose()

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Hand the controller's selection to each worker (JSON-able), so every worker
        keeps exactly the same tests, as xdist requires."""
        from pytest_paradisco.affected import to_json

        if self.selection is not None:
            node.workerinput["paradisco_selection"] = to_json(self.selection)

    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Keep the selected items. Neither tryfirst nor trylast: after the mapping
        (tryfirst, it maps the collected items) and before sharding (trylast), so that
        each shard runs its share of the selected tests. -k, -m and --lf filter too; the
        order among filters does not change what is left."""
        from pytest_paradisco.affected import split

        if getattr(config, "workerinput", None) is None:
            self._choose()
        if self.selection is None:
            return
        keep, drop, stats = split(self.selection, [item.nodeid for item in items])
        self.stats = dataclasses.replace(stats, last_failed=_last_failures(config, items))
        if drop:
            config.hook.pytest_deselected(items=[items[i] for i in drop])
            items[:] = [items[i] for i in keep]
        self._summarise()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Count the kept tests that run after every filter: -k, -m and --deselect
        run after this plugin's filter (their hook was registered first), --lf's
        wrapper and sharding after that. Here, once all have filtered, the items are
        final (in each xdist worker too; the controller collects none)."""
        if self.stats is not None:
            self.stats = dataclasses.replace(self.stats, run=len(session.items))
            self._summarise()

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """Every worker keeps the same tests: the first worker's counts stand for the run."""
        from pytest_paradisco.affected import SelectionStats

        data = (getattr(node, "workeroutput", None) or {}).get("paradisco_selection")
        if data is not None and self.stats is None:
            self.stats = SelectionStats.from_json(data)
            self._summarise()

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """A diff that touches no test passes (exit 0, and the summary says so) rather
        than pytest's exit 5, so CI can run ``--paradisco-diff`` on every change; a
        ``--paradisco-select`` that finds no test keeps exit 5. tryfirst so the terminal
        reporter, which wraps this hook, sees the final status."""
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None and self.stats is not None:
            workeroutput["paradisco_selection"] = self.stats.to_json()
        stats = self.stats
        if (
            stats is not None
            and not stats.kept
            and stats.deselected
            and not self.settings.select
            and session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED
        ):
            session.exitstatus = pytest.ExitCode.OK

    def _choose(self) -> None:
        if self.selection is not None:
            return
        from pytest_paradisco.affected import session_selection
        from pytest_paradisco.selection import SelectionError

        config = self.config
        result = config.stash.get(MAP_RESULT_KEY, None)
        if result is None:
            result = MapResult(None, [], [])
        python_files = list(config.getini("python_files"))
        rootdir = config.rootpath

        def is_test_file(rel: str) -> bool:
            return any(glob_match(pattern, rootdir / rel) for pattern in python_files)

        if self.change_set is not None and result.coverage_mtime is not None:
            top = self.change_set.toplevel
            rels = {
                file_key(top / c.path, config.rootpath): top / c.path
                for c in self.change_set.changes
            }
            newer = [
                rel
                for rel, path in sorted(rels.items())
                if rel.endswith(".py")
                and any(rel == r.path or rel.startswith(r.path + "/") for r in result.roots)
                and path.is_file()
                and path.stat().st_mtime > result.coverage_mtime
            ]
            if newer:
                warn(
                    config,
                    f"paradisco: the coverage data predates changes to {', '.join(newer[:3])}"
                    + (f" and {len(newer) - 3} more" if len(newer) > 3 else "")
                    + "; their new lines are selected through the static map only",
                )
        try:
            self.selection = session_selection(
                result.testmap,
                self.settings.select,
                self.change_set,
                rootdir,
                result.roots,
                is_test_file,
                result.test_files,
            )
        except SelectionError as exc:
            raise pytest.UsageError(f"paradisco: {exc}") from None

    def _summarise(self) -> None:
        if self.stats is None:
            return
        base = None
        if self.change_set is not None:
            base = f"{self.change_set.base[:12]}, {self.change_set.described}"
        self.config.stash[SELECT_SUMMARY_KEY] = report.selection_summary(
            self.stats, self.settings.select_flags(), base, _other_filters(self.config)
        )


def _last_failures(config: pytest.Config, items: list[pytest.Item]) -> int:
    """How many last failures ``--lf`` collected instead of the suite, 0 when it did
    not: with failures in its cache it collects only the failed tests (and skips other
    files) as soon as it meets one, so the items then are the last failures."""
    cache = getattr(config, "cache", None)
    if not config.getoption("lf", False) or cache is None:
        return 0
    failed = cache.get("cache/lastfailed", {})
    return sum(1 for item in items if item.nodeid in failed)


def _other_filters(config: pytest.Config) -> str:
    """The filters besides the selection that this session applies, as typed."""
    names = [
        flag
        for flag, dest in (("-k", "keyword"), ("-m", "markexpr"), ("--deselect", "deselect"))
        if config.getoption(dest, None)
    ]
    if config.getoption("lf", False):
        names.append("--lf")
    settings = config.stash.get(SETTINGS_KEY, None)
    if settings is not None and settings.sharding:
        names.append("sharding")
    return ", ".join(names)
