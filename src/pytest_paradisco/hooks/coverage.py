"""Coverage combining and the threshold at the end of the session: which hooks to
register (pytest-cov or ``coverage run`` measuring, in a worker or not), and the
``pytest_runtestloop`` wrappers that call :mod:`pytest_paradisco.covsession`."""

from __future__ import annotations

import os
import sys
from collections.abc import Generator

import pytest

from pytest_paradisco import report
from pytest_paradisco.covsession import COVERAGE_RUN, PYTEST_COV, CoverageSession
from pytest_paradisco.hooks.common import warn
from pytest_paradisco.hooks.session import ParadiscoPlugin
from pytest_paradisco.options import Settings


def coverage_hooks(
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
        warn(config, report.unmeasured_workers_warning())
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
