"""The session plugin: sharding (by file, test or balanced weight), ``--shard-plan``,
recorded durations, and the one ``paradisco`` section of the terminal summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_paradisco import durations, report
from pytest_paradisco.balance import (
    Weights,
    balanced_assignment,
    estimate_weights,
    loads,
    weights_from_durations,
)
from pytest_paradisco.covsession import CoverageSession
from pytest_paradisco.hooks.common import MAP_SUMMARY_KEY, SELECT_SUMMARY_KEY, warn
from pytest_paradisco.options import Settings
from pytest_paradisco.shard import (
    PlanShard,
    ShardStats,
    file_key,
    glob_match,
    imbalance,
    plan,
    shard_of,
)
from pytest_paradisco.testfiles import session_test_files


class ParadiscoPlugin:
    """Per-session state and the hooks that use it."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.session: pytest.Session | None = None
        self.python_files: list[str] = []
        self.prune = False
        self.key_hook = False
        self.pruned: set[str] = set()
        self.stats: ShardStats | None = None
        self.plan_keys: list[tuple[str, str]] | None = None
        self.weights: Weights | None = None
        self.balanced: dict[str, int] = {}
        self.header_detail = ""
        self.durations: dict[str, float] = {}
        self.coverage: CoverageSession | None = None

    # -- header

    def pytest_report_header(self, config: pytest.Config) -> str | None:
        """One line, pasteable as flags, when a paradisco feature is on."""
        return self.settings.header(self.header_detail)

    # -- collection

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Decide, once the rootdir conftest is loaded, whether files can be skipped
        unimported: only when shards are whole files and no ``pytest_paradisco_shard_key``
        implementation regroups tests across files."""
        self.session = session
        self.python_files = list(self.config.getini("python_files"))
        self.key_hook = bool(self.config.hook.pytest_paradisco_shard_key.get_hookimpls())
        settings = self.settings
        self.prune = (
            settings.sharding
            and settings.shard_by in ("file", "balanced")
            and not settings.shard_plan
            and not self.key_hook
        )
        if settings.shard_plan or (settings.sharding and settings.shard_by == "balanced"):
            self.weights = self._suite_weights()
            self.header_detail = f"weights: {self.weights.detail}"
        if settings.sharding and settings.shard_by == "balanced":
            assert self.weights is not None
            assert settings.shard_total is not None
            self.balanced = balanced_assignment(self.weights.values, settings.shard_total)
            ratio = imbalance(loads(self.balanced, self.weights.values, settings.shard_total))
            self.header_detail += f"; expected max/mean {ratio:.2f}"

    def _suite_weights(self) -> Weights:
        """Every test file's weight, read before anything is imported: recorded durations
        where they exist, else an ast estimate of its tests."""
        config = self.config
        sources = {}
        for path in session_test_files(config):
            try:
                sources[file_key(path, config.rootpath)] = path.read_bytes()
            except OSError:
                continue  # unreadable here: pytest will report it; it shards by hash
        estimate = estimate_weights(sources)
        paths = durations.expand(self.settings.durations, config.rootpath)
        recorded, problems = durations.read(paths)
        for problem in problems:
            warn(config, f"paradisco: {problem}; weighing files by estimate")
        if recorded is None:
            return estimate
        return weights_from_durations(recorded.files, estimate, recorded.origin)

    def _file_shard(self, key: str) -> int:
        """The shard of a test file: the balanced plan's where it has the file (it may not:
        a file the walk did not see), else the path hash."""
        settings = self.settings
        assert settings.shard_total is not None
        if key in self.balanced:
            return self.balanced[key]
        return shard_of(key, settings.shard_total)

    @pytest.hookimpl(tryfirst=True)
    def pytest_ignore_collect(self, collection_path: Path, config: pytest.Config) -> bool | None:
        """Skip another shard's test module before it is imported. tryfirst because the
        hook is first-result-wins and projects answer it in their own conftest; we answer
        True only for files we own the decision on and None (defer) for the rest: paths
        named on the command line, conftest/__init__ files, non-Python files."""
        if not self.prune or collection_path.suffix != ".py":
            return None
        if collection_path.name in ("conftest.py", "__init__.py"):
            return None
        if self.session is not None and self.session.isinitpath(collection_path):
            return None
        if not any(glob_match(pattern, collection_path) for pattern in self.python_files):
            return None
        key = file_key(collection_path, config.rootpath)
        if self._file_shard(key) == self.settings.shard_id:
            return None
        self.pruned.add(key)
        return True

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Keep this shard's items. trylast, so -k, -m, --deselect and --lf have already
        filtered; the assignment depends on each item's key alone, never on order."""
        settings = self.settings
        if settings.shard_plan:
            self.plan_keys = [(self._key(item, test=True), self._file(item)) for item in items]
            return
        if not settings.sharding:
            return
        if (
            self.pruned
            and not self.key_hook
            and config.hook.pytest_paradisco_shard_key.get_hookimpls()
        ):
            raise pytest.UsageError(
                "paradisco: pytest_paradisco_shard_key is implemented in a conftest.py below "
                "the rootdir, which loaded after files were already assigned by path; move it "
                "to the rootdir's conftest.py or a plugin"
            )
        assert settings.shard_id is not None
        assert settings.shard_total is not None
        keep: list[pytest.Item] = []
        drop: list[pytest.Item] = []
        for item in items:
            mine = self._item_shard(item) == settings.shard_id
            (keep if mine else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep
        kept_files = {self._file(item) for item in keep}
        other_files = {self._file(item) for item in drop} - kept_files
        self.stats = ShardStats(
            shard_id=settings.shard_id,
            shard_total=settings.shard_total,
            shard_by=settings.shard_by,
            tests_kept=len(keep),
            tests_deselected=len(drop),
            files_kept=len(kept_files),
            files_other=len(other_files | self.pruned),
            files_pruned=len(self.pruned),
        )
        if self.stats.empty:
            warn(config, report.empty_shard_warning(self.stats))

    def _item_shard(self, item: pytest.Item) -> int:
        assert self.settings.shard_total is not None
        if self.key_hook or self.settings.shard_by == "test":
            return shard_of(self._key(item), self.settings.shard_total)
        return self._file_shard(self._file(item))

    def _key(self, item: pytest.Item, *, test: bool = False) -> str:
        """The hook's key, else the node id (``--shard-by=test``, or ``test``) or the file."""
        if self.key_hook:
            key = self.config.hook.pytest_paradisco_shard_key(item=item)
            if key is not None:
                return str(key)
        if test or self.settings.shard_by == "test":
            return item.nodeid
        return self._file(item)

    def _file(self, item: pytest.Item) -> str:
        return file_key(item.path, self.config.rootpath)

    def pytest_report_collectionfinish(self, config: pytest.Config) -> str | None:
        """The shard's counts right under pytest's "collected N items", before a long run
        starts (the header is printed before collection, so it cannot know them)."""
        if self.stats is None or config.get_verbosity() < 0:
            return None
        return f"paradisco: {report.shard_summary(self.stats)}"

    # -- running

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool | None:
        """``--shard-plan`` runs no test: answer the loop first, as --collect-only does,
        unless collection failed (then pytest's own loop reports the errors)."""
        if self.settings.shard_plan and not session.testsfailed:
            return True
        return None

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """An empty shard of a non-empty suite passes (exit 0, with the warning); a suite
        that collects nothing keeps pytest's exit 5. tryfirst so the terminal reporter,
        which wraps this hook, sees the final status. Workers hand their counts to the
        xdist controller through workeroutput."""
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None and self.stats is not None:
            workeroutput["paradisco_shard"] = self.stats.to_json()
        if (
            self.stats is not None
            and self.stats.empty
            and session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED
        ):
            session.exitstatus = pytest.ExitCode.OK

    # -- summary

    def pytest_terminal_summary(
        self, terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
    ) -> None:
        """One ``paradisco`` section; silent with -qq."""
        if config.get_verbosity() < -1:
            return
        lines = (
            self._summary_lines(config)
            + config.stash.get(SELECT_SUMMARY_KEY, [])
            + config.stash.get(MAP_SUMMARY_KEY, [])
        )
        if lines:
            terminalreporter.write_sep("=", "paradisco")
            for line in lines:
                terminalreporter.write_line(line)

    def _summary_lines(self, config: pytest.Config) -> list[str]:
        settings = self.settings
        if settings.shard_plan:
            keys = self.plan_keys or []
            weights = self.weights
            if settings.shard_total is not None:
                plans = self._plans(keys, settings.shard_total)
                return report.plan_table(
                    plans[settings.shard_by],
                    settings.shard_by,
                    settings.shard_id,
                    config.get_verbosity() > 0,
                    weights,
                ) + report.plan_comparison(plans, weights)
            return report.plan_overview(
                {total: self._plans(keys, total) for total in report.PLAN_TOTALS}, weights
            )
        lines = []
        if self.stats is not None:
            lines.append(report.shard_summary(self.stats))
        if self.coverage is not None and (self.coverage.verdict or self.coverage.error):
            lines.extend(self.coverage.summary_lines())
        return lines

    def _plans(self, keys: list[tuple[str, str]], total: int) -> dict[str, list[PlanShard]]:
        """The partition of the collected tests under every mode, for comparison."""
        weights = self.weights.values if self.weights is not None else None
        balanced = balanced_assignment(weights or {}, total)

        def by_balanced(_key: str, file: str) -> int:
            return balanced.get(file, shard_of(file, total))

        return {
            "file": plan(keys, total, lambda _key, file: shard_of(file, total), weights),
            "balanced": plan(keys, total, by_balanced, weights),
            "test": plan(keys, total, lambda key, _file: shard_of(key, total), weights),
        }

    # -- durations

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Sum each test file's setup, call and teardown time. Under xdist the controller
        receives every report; workers do not record (their totals would be partial)."""
        if not self.settings.store_durations or hasattr(self.config, "workerinput"):
            return
        file = report.nodeid.split("::", 1)[0]
        self.durations[file] = self.durations.get(file, 0.0) + report.duration

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Write the durations once the run is over (in the controller or sole process)."""
        if not self.settings.store_durations or hasattr(config, "workerinput"):
            return
        if not self.durations:
            return
        target = config.rootpath / self.settings.durations
        durations.write(target, self.durations)
