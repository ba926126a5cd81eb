"""The pytest entry point of pytest-paradisco: the module-level hooks, which declare the
options and register one hook object per feature (see :mod:`pytest_paradisco.hooks`).
Thin glue over the plain modules. Switch the plugin off with ``-p no:paradisco``.

Every module-level name starting with ``pytest_`` here is a hook implementation to
pluggy: import no helper with such a name into this module."""

from __future__ import annotations

import pytest

from pytest_paradisco import hookspecs, report
from pytest_paradisco.hooks.common import (
    GIVEN_BACK_KEY,
    MAP_PLUGIN_NAME,
    PLUGIN_NAME,
    SELECT_PLUGIN_NAME,
    SETTINGS_KEY,
    warn,
)
from pytest_paradisco.hooks.coverage import CoverageLoopEnd, coverage_hooks
from pytest_paradisco.hooks.mapping import MapHooks
from pytest_paradisco.hooks.select import SelectHooks
from pytest_paradisco.hooks.session import ParadiscoPlugin
from pytest_paradisco.hooks.xdist import WorkerDeselections, XdistHooks
from pytest_paradisco.options import (
    DIFF,
    SHARD_ID,
    SHARD_TOTAL,
    Settings,
    give_back_words,
    register,
    shard_id_flag_taken,
)


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
    hooks = coverage_hooks(config, settings, plugin)
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
        warn(config, report.idle_threshold_warning(settings.sources["fail_under"].text))


def _pytest_shard_took_our_flag(config: pytest.Config) -> bool:
    """The user asked for paradisco sharding but ``--shard-id`` went to pytest-shard."""
    ours_total = config.getoption(SHARD_TOTAL.dest) is not None
    ours_id = config.getoption(SHARD_ID.dest) is not None
    return ours_total and not ours_id and config.getoption("shard_id", 0) != 0
