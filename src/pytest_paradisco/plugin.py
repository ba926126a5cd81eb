"""The pytest hooks of pytest-paradisco, and nothing else: thin glue over the plain
modules (options, shard, report). Switch the plugin off with ``-p no:paradisco``."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
import warnings
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_paradisco import durations, hookspecs, report
from pytest_paradisco.balance import (
    Weights,
    balanced_assignment,
    estimate_weights,
    loads,
    weights_from_durations,
)
from pytest_paradisco.covsession import COVERAGE_RUN, PYTEST_COV, CoverageSession
from pytest_paradisco.errors import ParadiscoWarning
from pytest_paradisco.options import (
    DIFF,
    SHARD_ID,
    SHARD_TOTAL,
    Settings,
    give_back_words,
    register,
    shard_id_flag_taken,
)
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

if TYPE_CHECKING:
    from pytest_paradisco.affected import Root, SelectionStats
    from pytest_paradisco.discover.session import Sources
    from pytest_paradisco.gitdiff import Diff
    from pytest_paradisco.selection import Selection
    from pytest_paradisco.testmap import TestMap

SETTINGS_KEY = pytest.StashKey[Settings]()
#: The mapping's summary lines, shown in the one ``paradisco`` section.
MAP_SUMMARY_KEY = pytest.StashKey[list[str]]()
#: The selection's summary lines, shown in the same section.
SELECT_SUMMARY_KEY = pytest.StashKey[list[str]]()
PLUGIN_NAME = "paradisco-session"
MAP_PLUGIN_NAME = "paradisco-map"
SELECT_PLUGIN_NAME = "paradisco-select"


class MapResult:
    """What this session's mapping produced, for the selection: the map's JSON form
    (None when mapping failed), the mapped source roots and the test files."""

    def __init__(
        self,
        testmap: dict[str, Any] | None,
        roots: list[Root],
        test_files: list[str],
        coverage_mtime: float | None = None,
    ) -> None:
        self.testmap = testmap
        self.roots = roots
        self.test_files = test_files
        self.coverage_mtime = coverage_mtime


MAP_RESULT_KEY = pytest.StashKey[MapResult]()
#: The words after a bare ``--paradisco-diff`` that were kept as paths to test.
GIVEN_BACK_KEY = pytest.StashKey[list[str]]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Declare ``pytest_paradisco_shard_key`` so conftest files can implement it."""
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Declare the options. ``--shard-id`` is left to pytest-shard when it is installed:
    argparse would abort on the second registration with a traceback, so only the
    ``--paradisco-shard-id`` spelling is ours then."""
    skip = frozenset({"--shard-id"}) if shard_id_flag_taken(pluginmanager) else frozenset()
    register(parser, skip_flags=skip)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    """Keep ``pytest --paradisco-diff tests/x.py`` collecting ``tests/x.py``: the revision
    of ``--paradisco-diff[=REV]`` must be attached, so a bare flag is moved after the
    words that follow it. This hook sees the whole argument list (addopts included)
    before pytest's final parse, and may rewrite it in place (pytest's own docs show
    it). tryfirst: the early parse of those arguments is refreshed before pytest's own
    implementation picks the initial conftest files from the paths to test."""
    taken = give_back_words(args)
    if not taken:
        return
    early_config.stash[GIVEN_BACK_KEY] = taken
    fresh = parser.parse_known_args(args)
    for name in ("file_or_dir", DIFF.dest):
        setattr(early_config.known_args_namespace, name, getattr(fresh, name))


def _check_given_back(config: pytest.Config) -> None:
    """A word after a bare ``--paradisco-diff`` that is no path was surely meant as
    the revision: say how to write that, rather than pytest's "file not found"."""
    if config.getoption("pyargs", False):
        return
    for word in config.stash.get(GIVEN_BACK_KEY, []):
        path = word.split("::", 1)[0]
        if not (config.invocation_params.dir / path).exists():
            raise pytest.UsageError(
                f"paradisco: {DIFF.flag} {word}: {word!r} is read as a path to test, and "
                f"there is no such file or directory; to compare with the revision {word}, "
                f"attach it: {DIFF.flag}={word}"
            )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Resolve the settings once, before any other plugin acts on them. tryfirst so that a
    bad value stops the session before xdist starts workers, and so that
    ``--shard-plan`` can turn distribution off before xdist's (trylast) configure."""
    if shard_id_flag_taken(config.pluginmanager) and _pytest_shard_took_our_flag(config):
        raise pytest.UsageError(
            "paradisco: --shard-id belongs to pytest-shard, which is installed too; use "
            f"{SHARD_ID.flags[1]}=K with {SHARD_TOTAL.flag}=N (or --shard=K/N), or disable "
            "pytest-shard with -p no:pytest-shard"
        )
    _check_given_back(config)
    settings = Settings.from_config(config)
    config.stash[SETTINGS_KEY] = settings
    if settings.shard_plan and config.pluginmanager.hasplugin("xdist"):
        # The plan needs every item in this process; xdist workers would collect them.
        config.option.dist = "no"
        config.option.tx = []
    plugin = ParadiscoPlugin(config, settings)
    config.pluginmanager.register(plugin, PLUGIN_NAME)
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistHooks(plugin), f"{PLUGIN_NAME}-xdist")
    if settings.map and not hasattr(config, "workerinput"):
        # xdist workers never map: the controller maps once for the whole session.
        config.pluginmanager.register(MapHooks(config, settings), MAP_PLUGIN_NAME)
    if settings.selecting:
        config.pluginmanager.register(SelectHooks(config, settings), SELECT_PLUGIN_NAME)
    if hasattr(config, "workerinput") and (settings.selecting or settings.sharding):
        config.pluginmanager.register(WorkerDeselections(config), f"{PLUGIN_NAME}-deselected")
    hooks = _coverage_hooks(config, settings, plugin)
    if hooks is not None:
        config.pluginmanager.register(hooks, f"{PLUGIN_NAME}-coverage")
        if hooks.session is not None:
            config.pluginmanager.register(
                CoverageLoopEnd(hooks.session), f"{PLUGIN_NAME}-coverage-loop"
            )
    elif (
        settings.fail_under is not None
        and settings.sources["fail_under"].kind in ("command line", "ini")
        and not hasattr(config, "workerinput")
        and not settings.shard_plan
    ):
        _warn(config, report.idle_threshold_warning(settings.sources["fail_under"].text))


def _coverage_hooks(
    config: pytest.Config, settings: Settings, plugin: ParadiscoPlugin
) -> CoverageHooks | None:
    """Coverage hooks when coverage measures this session, else None. coverage is
    imported only when pytest-cov or ``coverage run`` already did."""
    if settings.shard_plan:
        return None  # no test runs, nothing is measured
    worker = getattr(config, "workerinput", None) is not None
    cov_plugin = config.pluginmanager.get_plugin("_cov")
    if cov_plugin is not None and not config.getoption("no_cov", False):
        if worker:
            return None  # pytest-cov saves a worker's data itself
        controller = getattr(cov_plugin, "cov_controller", None)
        cov = getattr(controller, "cov", None)
        if cov is None:
            return None
        topdir = getattr(controller, "topdir", os.getcwd())
        data_file = os.path.join(topdir, str(cov.config.data_file))
        config_file: str | bool = cov.config.config_file or True
        return _session_hooks(
            config, settings, plugin, PYTEST_COV, data_file=data_file, config_file=config_file
        )
    if "coverage" not in sys.modules:
        return None
    import coverage

    current = coverage.Coverage.current()
    if current is None:
        return None
    if worker:
        return CoverageHooks(config, None, worker=True)
    distributed = _distributed(config)
    if distributed and "subprocess" not in getattr(current.config, "patch", []):
        _warn(config, report.unmeasured_workers_warning())
    if not current.config.parallel:
        return None
    data_file = os.path.abspath(str(current.config.data_file))
    return _session_hooks(
        config,
        settings,
        plugin,
        COVERAGE_RUN,
        data_file=data_file,
        config_file=current.config.config_file or True,
    )


def _session_hooks(
    config: pytest.Config,
    settings: Settings,
    plugin: ParadiscoPlugin,
    mode: str,
    *,
    data_file: str,
    config_file: str | bool,
) -> CoverageHooks:
    from pytest_paradisco.combine import ShardIdentity, config_fail_under

    fail_under, fail_source = settings.fail_under, settings.sources["fail_under"].text
    if fail_under is None:
        fail_under = config_fail_under(config_file)
        fail_source = f"[report] fail_under = {fail_under:g}" if fail_under else ""
    shard = None
    if settings.sharding:
        assert settings.shard_id is not None
        assert settings.shard_total is not None
        shard = ShardIdentity(
            shard_id=settings.shard_id,
            shard_total=settings.shard_total,
            scheme=settings.scheme,
            shard_by=settings.shard_by,
            run_id=settings.run_id,
        )
        cov_plugin = config.pluginmanager.get_plugin("_cov")
        options = getattr(cov_plugin, "options", None)
        if getattr(options, "cov_fail_under", None):
            # pytest-cov would fail this shard on its partial data; the total is checked
            # by `paradisco combine` once every shard is in.
            if fail_under is None:
                fail_under = float(options.cov_fail_under)  # type: ignore[union-attr]
                fail_source = f"--cov-fail-under={fail_under:g}"
            options.cov_fail_under = None  # type: ignore[union-attr]
    session = CoverageSession(
        mode=mode,
        data_file=data_file,
        config_file=config_file,
        fail_under=fail_under,
        fail_source=fail_source,
        ignore_bad=settings.ignore_bad_data,
        shard=shard,
        distributed=_distributed(config),
    )
    session.start()
    plugin.coverage = session
    return CoverageHooks(config, session, worker=False)


def _distributed(config: pytest.Config) -> bool:
    """Will pytest-xdist run the tests in worker processes?"""
    return bool(config.getoption("numprocesses", None)) or (
        config.getoption("dist", "no") not in (None, "no")
    )


def _warn(config: pytest.Config, message: str) -> None:
    """Show a ParadiscoWarning in pytest's warnings summary, honouring ``ignore`` filters
    but never ``error``: many projects set ``filterwarnings = error`` (click, jinja2),
    which would turn a warning into an exception inside a hook (INTERNALERROR, exit 3),
    while what we warn about (an empty shard, an unusable durations file, coverage that
    measures nothing) must not stop the run."""
    warning = ParadiscoWarning(message)
    try:
        config.issue_config_time_warning(warning, stacklevel=3)
    except ParadiscoWarning:
        config.hook.pytest_warning_recorded.call_historic(
            kwargs={
                "warning_message": warnings.WarningMessage(warning, ParadiscoWarning, __file__, 0),
                "when": "config",
                "nodeid": "",
                "location": None,
            }
        )


def _pytest_shard_took_our_flag(config: pytest.Config) -> bool:
    """The user asked for paradisco sharding but ``--shard-id`` went to pytest-shard."""
    ours_total = config.getoption(SHARD_TOTAL.dest) is not None
    ours_id = config.getoption(SHARD_ID.dest) is not None
    return ours_total and not ours_id and config.getoption("shard_id", 0) != 0


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
            _warn(config, f"paradisco: {problem}; weighing files by estimate")
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
            _warn(config, report.empty_shard_warning(self.stats))

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


class CoverageHooks:
    """Combine coverage at the end of the session and enforce the threshold; registered
    only when coverage measures the session (so a session without coverage pays nothing).

    In an xdist worker under ``coverage run`` it only saves the worker's data before the
    worker reports itself done, so the controller finds every worker's file."""

    def __init__(
        self, config: pytest.Config, session: CoverageSession | None, *, worker: bool
    ) -> None:
        self.config = config
        self.session = session
        self.worker = worker

    def pytest_report_header(self, config: pytest.Config) -> str | None:
        """Say how coverage is combined and whether the threshold is checked here."""
        return self.session.header() if self.session is not None else None

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        """Outermost wrapper, so it runs after pytest-cov's wrapper has saved and merged
        its data (under xdist, after every worker is down), yet still inside the loop:
        pytest reads ``session.testsfailed`` right after this hook to pick the exit
        status, while ``pytest_sessionfinish`` would be too late for it. A loop that
        raised (collection errors, -x stop, Ctrl-C) is left alone."""
        result = yield
        if self.worker:
            _save_current_coverage(self.config)
            return result
        if self.session is None or self.config.getoption("collectonly", False):
            return result
        if self.session.mode == COVERAGE_RUN:
            saved = _save_current_coverage(None)
            self.session.saved.extend(saved)
        else:
            self.session.reported_total = _pytest_cov_total(self.config)
        if self.session.finish():
            session.testsfailed += 1
        return result


class CoverageLoopEnd:
    """The innermost ``pytest_runtestloop`` wrapper of the coverage feature."""

    def __init__(self, session: CoverageSession) -> None:
        self.session = session

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        """Innermost wrapper: after the loop (under xdist, after every worker is down and
        has saved) but before pytest-cov's wrapper merges the files, note which data
        files this session's processes wrote, to count them in the summary."""
        result = yield
        self.session.loop_ended()
        return result


def _pytest_cov_total(config: pytest.Config) -> float | None:
    """The total pytest-cov just reported, when it is what `coverage report` on the data
    file would say: measured as configured (no ``--cov=SOURCE``, no ``--cov-branch``
    overriding the configuration)."""
    cov_plugin = config.pluginmanager.get_plugin("_cov")
    options = getattr(cov_plugin, "options", None)
    value = getattr(cov_plugin, "cov_total", None)
    if options is None or not isinstance(value, float):
        return None
    if getattr(options, "cov_source", None) is not None:
        return None
    if getattr(options, "cov_branch", None) is not None:
        return None
    return value


def _already_saved() -> None:
    """Stands in for ``Coverage.save`` once this plugin has saved the data itself."""


def _save_current_coverage(config: pytest.Config | None) -> list[str]:
    """Stop and save ``coverage run``'s measurement of this process now rather than at
    exit, so its data is on disk before it is combined (in a worker: before the worker
    reports itself done). Returns the data file written."""
    import coverage

    current = coverage.Coverage.current()
    if current is None:
        return []
    current.stop()
    current.save()
    # coverage saves once more when the process ends (`coverage run` after the script,
    # a measured subprocess at exit). By then this file is combined and removed, and
    # that save would recreate it as a stray that the next `coverage report` merges in.
    # Nothing is measured after stop(), so the later save has nothing to add.
    if hasattr(current, "_auto_save"):
        current._auto_save = False  # as coverage does for processes it hands over to
    setattr(current, "save", _already_saved)  # noqa: B010 - an instance override
    data = current.get_data()
    path = data.data_filename()
    files = [path] if os.path.exists(path) else []
    workeroutput = getattr(config, "workeroutput", None) if config is not None else None
    if workeroutput is not None:
        workeroutput["paradisco_coverage_files"] = files
    return files


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


class MapHooks:
    """``--paradisco-map``: glue between the session and discover/ (registered only when
    mapping is on, and never in an xdist worker)."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.sources: Sources | None = None
        self.controller = False
        self.done = False
        self.failed_files: set[Path] = set()

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Choose the source roots before the header is printed (it names them). Under
        xdist this process is the controller and collects nothing: map here, once,
        before the workers start, from the test files found by walking the same paths."""
        config = self.config
        self.sources = self._resolve_sources()
        self.controller = config.pluginmanager.hasplugin("dsession")
        if self.controller:
            self._map(session_test_files(self.config))

    def pytest_report_header(self, config: pytest.Config) -> str | None:
        """One line, pasteable as flags, saying which source is mapped and why."""
        if self.sources is None:
            return None
        workers = self.settings.map_workers
        depth = "full" if self.settings.map_depth is None else self.settings.map_depth
        return (
            f"paradisco: --paradisco-map {self.sources.flags()} --paradisco-workers={workers} "
            f"--paradisco-depth={depth} (source: {self.sources.origin})"
        )

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Map the files pytest collected. tryfirst: before -k, -m, sharding or any
        plugin deselects, so the map covers every collected test file. Mapping only
        reads: the items are left exactly as they are. Under ``--lf`` pytest collects
        only the files of the last failures; the map still covers the session's test
        files (as under xdist), so a function whose tests were not collected is not
        taken for one that no test reaches."""
        if self.controller or self.done:
            return
        files = {Path(item.path) for item in items if isinstance(item, pytest.Function)}
        if config.getoption("lf", False):
            files.update(session_test_files(config))
        self._map(sorted(files | self.failed_files))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A test file that failed to collect (say, a syntax error) has no items, but the
        map names it in ``errors``: remember it."""
        if report.failed and "::" not in report.nodeid and report.nodeid.endswith(".py"):
            self.failed_files.add(self.config.rootpath / report.nodeid)

    def _resolve_sources(self) -> Sources:
        # discover/ is imported only when mapping is on: the plugin costs nothing unused
        from pytest_paradisco.discover.session import (
            SourceError,
            Sources,
            coverage_source,
            default_sources,
            resolve_entries,
        )

        config = self.config
        rootdir = config.rootpath
        bases = self._bases()
        if self.settings.map_sources:
            try:
                roots = resolve_entries(self.settings.map_sources, rootdir, bases)
            except SourceError as exc:
                raise pytest.UsageError(f"paradisco: --paradisco-source: {exc}") from None
            names = self.settings.map_sources
            origin = self.settings.sources["map_sources"].text
            return Sources(tuple(roots), origin, tuple(names))
        found = default_sources(
            rootdir, bases, coverage_source(rootdir), session_test_files(self.config)
        )
        if found is None:
            raise pytest.UsageError(
                "paradisco: --paradisco-map found no source to map (no coverage [run] "
                "source, no package under src/, no package of the project imported by the "
                "tests); name it with --paradisco-source=PKG_OR_DIR"
            )
        return found

    def _bases(self) -> list[Path]:
        rootdir = self.config.rootpath
        bases = [rootdir / "src"] if (rootdir / "src").is_dir() else []
        with contextlib.suppress(ValueError):  # pytest without the pythonpath ini
            bases += [Path(p) for p in self.config.getini("pythonpath")]
        return [*bases, rootdir]

    def _map(self, files: list[Path]) -> None:
        from pytest_paradisco.discover.mapper import MapRequest, build_map

        self.done = True
        config = self.config
        settings = self.settings
        assert self.sources is not None
        cache_dir = self._cache_dir()
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        show = (
            reporter is not None
            and getattr(reporter, "isatty", False)
            and config.get_verbosity() >= 0
        )

        shown_phase, shown_at = "", 0.0

        def progress(phase: str, done: int, total: int) -> None:
            # at most twice a second, as pytest's own collection counter, but always a
            # phase's first and last file
            nonlocal shown_phase, shown_at
            if not show or reporter is None:
                return
            now = time.monotonic()
            if phase == shown_phase and done < total and now - shown_at < 0.5:
                return
            shown_phase, shown_at = phase, now
            reporter.rewrite(report.map_progress(phase, done, total), erase=True)

        request = MapRequest(
            rootdir=config.rootpath,
            test_files=files,
            roots=self.sources.roots,
            search_path=self._bases(),
            workers=settings.map_workers,
            timeout=settings.map_timeout,
            cache_dir=cache_dir,
            jedi_cache=cache_dir.parent / "paradisco-jedi" if cache_dir is not None else None,
            python_functions=tuple(config.getini("python_functions")),
            python_classes=tuple(config.getini("python_classes")),
            depth=settings.map_depth,
            doctests=self._doctest_paths(),
            progress=progress,
        )
        target = Path(settings.map_file)
        if not target.is_absolute():
            target = config.rootpath / target
        from pytest_paradisco.affected import Root

        roots = [
            Root(file_key(root.path, config.rootpath), file_key(root.base, config.rootpath))
            for root in self.sources.roots
        ]
        test_files = [file_key(path, config.rootpath) for path in files]
        config.stash[MAP_RESULT_KEY] = MapResult(None, roots, test_files)
        try:
            outcome = build_map(request)
            outcome.testmap.write(target)
        except Exception as exc:  # a mapping bug must never cost the test run
            message = f"paradisco: mapping failed: {type(exc).__name__}: {exc}"
            config.stash[MAP_SUMMARY_KEY] = [message]
            warnings.warn(ParadiscoWarning(message), stacklevel=1)
            return
        finally:
            if show and reporter is not None:
                # blank the line and go back to its start: under xdist the session
                # header is written next, and would otherwise begin at its far end
                reporter.rewrite("", erase=True)
                reporter.rewrite("")
        for message in outcome.warnings:
            warnings.warn(ParadiscoWarning(message), stacklevel=1)
        coverage_line, coverage_mtime = self._add_coverage(outcome.testmap, target)
        config.stash[MAP_RESULT_KEY] = MapResult(
            outcome.testmap.to_json(), roots, test_files, coverage_mtime
        )
        config.stash[MAP_SUMMARY_KEY] = report.map_summary(
            outcome.testmap, file_key(target, config.rootpath), self._cache_note(cache_dir)
        ) + ([coverage_line] if coverage_line else [])

    def _doctest_paths(self) -> list[Path]:
        """With ``--doctest-modules``, the paths pytest collects doctests from: the
        session's arguments (or testpaths), without ``::`` parts."""
        if not self.config.getoption("doctestmodules", False):
            return []
        here = self.config.invocation_params.dir
        paths = [Path(arg.split("::", 1)[0]) for arg in self.config.args]
        return [path if path.is_absolute() else here / path for path in paths]

    def _add_coverage(self, testmap: TestMap, target: Path) -> tuple[str | None, float | None]:
        """Join the tests a past coverage run with test contexts saw to the static map
        (``--paradisco-map-source``); rewrite the map file when anything was joined.
        Returns the summary line and the data file's modification time."""
        from pytest_paradisco.covmap import age_text, coverage_tests, data_file_for
        from pytest_paradisco.covmap import has_test_contexts as usable

        wanted = self.settings.map_source
        if wanted == "static":
            return None, None
        rootdir = self.config.rootpath
        data_file = data_file_for(rootdir)
        shown = file_key(data_file, rootdir)
        if not usable(data_file):
            if wanted is None:
                return None, None
            raise pytest.UsageError(
                f"paradisco: {self.settings.sources['map_source'].text}: {shown} has no test "
                "contexts; record them with `pytest --cov --cov-context=test` first, or use "
                "--paradisco-map-source=static"
            )
        try:
            found = coverage_tests(data_file, rootdir, testmap.functions)
        except Exception as exc:  # a data file coverage cannot read: say so, keep static
            if wanted is not None:
                raise pytest.UsageError(f"paradisco: cannot read {shown}: {exc}") from None
            _warn(self.config, f"paradisco: cannot read {shown} ({exc}); static map only")
            return None, None
        only_coverage = wanted == "coverage"
        for name, entry in testmap.functions.items():
            seen = found.tests.get(name, [])
            # None where the run did not measure the file: it says nothing of it then
            entry.coverage = seen if entry.file in found.measured else None
            entry.tests = seen if only_coverage else sorted(set(entry.tests) | set(seen))
        testmap.stats["coverage"] = {
            "data_file": shown,
            "age_seconds": round(found.age_seconds, 1),
            "contexts": found.contexts,
            "pairs": found.pairs,
            "added": found.added,
        }
        testmap.write(target)
        mode = "coverage only" if only_coverage else "union with the static map"
        line = (
            f"  coverage ({mode}): {found.contexts} test contexts in {shown}, "
            f"{age_text(found.age_seconds)} old: {found.pairs} test-function pairs, "
            f"{found.added} not in the static map"
        )
        return line, data_file.stat().st_mtime

    def _cache_dir(self) -> Path | None:
        if self.settings.map_no_cache:
            return None
        cache = getattr(self.config, "cache", None)
        if cache is None:  # -p no:cacheprovider
            return None
        directory = Path(cache.mkdir("paradisco-map"))
        if self.settings.map_cache_clear:
            from pytest_paradisco.discover.cache import ResultCache

            ResultCache(directory, salt="").clear()
            directory.mkdir(parents=True, exist_ok=True)
        return directory

    def _cache_note(self, cache_dir: Path | None) -> str | None:
        if cache_dir is not None:
            return None
        if self.settings.map_no_cache:
            return "off: --paradisco-no-cache"
        return "off: no cacheprovider"


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
                _warn(
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
