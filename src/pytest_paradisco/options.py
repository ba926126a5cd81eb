"""Every option of the plugin: its command-line flags, ini twin and environment variable,
and :class:`Settings`, the values resolved once per session.

Precedence, highest first: the command line, the ini file (``[tool.pytest.ini_options]``,
``pytest.ini``, ...), the environment, the default. A single bad value fails with one line
naming where it came from; a bad combination fails with :class:`pytest.UsageError`.
"""

from __future__ import annotations

import argparse
import glob
import importlib.metadata
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_paradisco.balance import BALANCED_SCHEME
from pytest_paradisco.shard import (
    SCHEME,
    CIDetectionError,
    CIShard,
    ci_variable_names,
    detect_ci_shard,
)

# -- value parsers: str -> value, raising ArgumentTypeError (argparse turns it into a usage error)


def parse_shard_id(text: str) -> int | str:
    """``auto`` or a 0-based shard index."""
    text = text.strip()
    if text.lower() == "auto":
        return "auto"
    value = _parse_int(text, "a shard index (0, 1, ...) or 'auto'")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative: shard ids are 0-based (0, 1, ...)")
    return value


def parse_shard_total(text: str) -> int:
    """A number of shards, at least 1."""
    value = _parse_int(text.strip(), "a number of shards (1, 2, ...)")
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"{text.strip()!r}: the number of shards must be at least 1"
        )
    return value


_PAIR = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


def parse_shard_pair(text: str) -> tuple[int, int]:
    """``K/N``: shard K (0-based) of N."""
    match = _PAIR.fullmatch(text)
    if match is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not K/N (shard K of N, 0-based, e.g. 0/4 .. 3/4)"
        )
    shard_id, total = int(match[1]), int(match[2])
    if total < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: the number of shards must be at least 1")
    if shard_id >= total:
        raise argparse.ArgumentTypeError(
            f"{text!r}: shard {shard_id} does not exist, shard ids are 0-based (0..{total - 1})"
        )
    return shard_id, total


SHARD_BY_CHOICES = ("file", "test", "balanced")


def parse_shard_by(text: str) -> str:
    value = text.strip().lower()
    if value not in SHARD_BY_CHOICES:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of: {', '.join(SHARD_BY_CHOICES)}")
    return value


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not a boolean (true/false, 1/0, yes/no)")


def parse_percent(text: str) -> float:
    """A coverage percentage, 0 to 100 (``80``, ``92.5``)."""
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a percentage (a number from 0 to 100, e.g. 80 or 92.5)"
        ) from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage between 0 and 100")
    return value


def parse_run_id(text: str) -> str:
    """Any non-empty label shared by the shards of one CI run."""
    value = text.strip()
    if not value:
        raise argparse.ArgumentTypeError("the run id must not be empty")
    return value


def parse_workers(text: str) -> int | str:
    """``auto`` (one per usable core) or a number of worker processes (0: in-process)."""
    text = text.strip()
    if text.lower() == "auto":
        return "auto"
    value = _parse_int(text, "a number of workers (0 = in-process, 1, 2, ...) or 'auto'")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the number of workers cannot be negative")
    return value


def parse_depth(text: str) -> int | None:
    """``full`` (None: the whole closure) or a number of calls, 0 for direct only."""
    text = text.strip()
    if text.lower() == "full":
        return None
    value = _parse_int(text, "a depth (0 = direct references only, 1, 2, ...) or 'full'")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the depth cannot be negative")
    return value


def parse_seconds(text: str) -> float:
    """A positive number of seconds."""
    try:
        value = float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text.strip()!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text.strip()!r}: the time limit must be positive")
    return value


def _entries(text: str) -> tuple[str, ...]:
    """The entries of a list separated by commas or whitespace (ini and environment)."""
    return tuple(part for part in re.split(r"[,\s]+", text.strip()) if part)


def parse_sources(text: str) -> tuple[str, ...]:
    """Source entries, separated by commas or whitespace (ini and environment form)."""
    entries = _entries(text)
    if not entries:
        raise argparse.ArgumentTypeError("no source named (give a package or a directory)")
    return entries


def parse_follow(text: str) -> tuple[str, ...]:
    """Top-level module names (or ``all``), separated by commas or whitespace."""
    entries = _entries(text)
    if not entries:
        raise argparse.ArgumentTypeError("no module named (give a top-level module, or all)")
    for entry in entries:
        if not entry.isidentifier():
            raise argparse.ArgumentTypeError(
                f"{entry!r} is not a top-level module name (such as attr, or all)"
            )
    return entries


def parse_patterns(text: str) -> tuple[str, ...]:
    """Function names or globs, separated by commas or whitespace (ini and environment)."""
    entries = _entries(text)
    if not entries:
        raise argparse.ArgumentTypeError("no function named (give pkg.mod.func or a glob)")
    return entries


def parse_rev(text: str) -> str:
    """A git revision: a commit, branch, tag or expression such as ``HEAD~2``."""
    value = text.strip()
    if not value:
        raise argparse.ArgumentTypeError("an empty revision (name a commit, branch or tag)")
    if value.startswith("-") or any(char.isspace() for char in value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a git revision (a commit, branch or tag such as origin/main)"
        )
    return value


def parse_diff(text: str) -> bool | str:
    """``--paradisco-diff``'s value: a boolean (on or off), else a git revision."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value and value in _FALSE:
        return False
    return parse_rev(text)


MAP_SOURCE_CHOICES = ("static", "coverage", "both")


def parse_map_source(text: str) -> str:
    value = text.strip().lower()
    if value not in MAP_SOURCE_CHOICES:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of: {', '.join(MAP_SOURCE_CHOICES)}")
    return value


def _parse_int(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None


# -- the option table

#: CI variables naming one run of a pipeline, shared by all its shards. GitHub's
#: GITHUB_RUN_ATTEMPT is left out on purpose: re-running only the failed final job is a new
#: attempt that still downloads the first attempt's shard artifacts.
RUN_ID_VARIABLES = ("GITHUB_RUN_ID", "CI_PIPELINE_ID", "CIRCLE_WORKFLOW_ID", "BUILDKITE_BUILD_ID")


def ci_run_id(environ: Mapping[str, str]) -> str | None:
    """The CI's own run id, or None outside CI."""
    for name in RUN_ID_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


@dataclass(frozen=True)
class Option:
    """One setting: its flags, ini name, environment variable and how to parse a string."""

    dest: str
    flags: tuple[str, ...]
    ini: str
    env: str
    help: str
    parse: Callable[[str], Any]
    metavar: str | None = None
    is_flag: bool = False
    repeatable: bool = False  # the flag may be given several times (values collected)
    #: Not None: the value is optional and must be attached (``--flag=VALUE``); the bare
    #: flag stores this. See :func:`give_back_words`.
    const: Any = None

    @property
    def flag(self) -> str:
        """The spelling used in messages: the first registered flag."""
        return self.flags[0]


SHARD_ID = Option(
    dest="paradisco_shard_id",
    flags=("--shard-id", "--paradisco-shard-id"),
    ini="shard_id",
    env="PARADISCO_SHARD_ID",
    help=(
        "Run only shard K (0-based) of --shard-total; 'auto' reads the CI's own parallelism "
        f"variables ({ci_variable_names()}). Default: no sharding."
    ),
    parse=parse_shard_id,
    metavar="K|auto",
)
SHARD_TOTAL = Option(
    dest="paradisco_shard_total",
    flags=("--shard-total", "--paradisco-shard-total"),
    ini="shard_total",
    env="PARADISCO_SHARD_TOTAL",
    help="Split the suite into N shards (with --shard-id). Default: no sharding.",
    parse=parse_shard_total,
    metavar="N",
)
SHARD = Option(
    dest="paradisco_shard",
    flags=("--shard", "--paradisco-shard"),
    ini="shard",
    env="PARADISCO_SHARD",
    help="Shorthand for --shard-id=K --shard-total=N. Default: no sharding.",
    parse=parse_shard_pair,
    metavar="K/N",
)
SHARD_BY = Option(
    dest="paradisco_shard_by",
    flags=("--shard-by", "--paradisco-shard-by"),
    ini="shard_by",
    env="PARADISCO_SHARD_BY",
    help=(
        "What a shard is made of: 'file' (whole test files by path hash, decided before "
        "they are imported), 'balanced' (whole files packed to near-equal weight, also "
        "decided before import) or 'test' (single node ids, for suites with a few huge "
        "files). Default: file."
    ),
    parse=parse_shard_by,
    metavar="file|balanced|test",
)
SHARD_PLAN = Option(
    dest="paradisco_shard_plan",
    flags=("--shard-plan", "--paradisco-shard-plan"),
    ini="shard_plan",
    env="PARADISCO_SHARD_PLAN",
    help=(
        "Collect the whole suite, print every shard's files and tests (the files with -v) "
        "and the max/mean ratio, and run no test. Default: off."
    ),
    parse=parse_bool,
    is_flag=True,
)

DEFAULT_DURATIONS = ".paradisco-durations.json"


def parse_path(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path")
    return text.strip()


DURATIONS = Option(
    dest="paradisco_durations",
    flags=("--paradisco-durations",),
    ini="paradisco_durations",
    env="PARADISCO_DURATIONS",
    help=(
        "Recorded durations that weigh test files for --shard-by=balanced: a JSON file or a "
        "glob matching several (merged, e.g. one per shard's artifact), relative to the "
        f"rootdir. Default: {DEFAULT_DURATIONS} when it exists, else an estimate of each "
        "file's tests read with ast."
    ),
    parse=parse_path,
    metavar="PATH|GLOB",
)
STORE_DURATIONS = Option(
    dest="paradisco_store_durations",
    flags=("--paradisco-store-durations",),
    ini="paradisco_store_durations",
    env="PARADISCO_STORE_DURATIONS",
    help=(
        "At the end of the run, record each test file's duration into the "
        "--paradisco-durations file (merged with what it holds). Default: off."
    ),
    parse=parse_bool,
    is_flag=True,
)
FAIL_UNDER = Option(
    dest="paradisco_fail_under",
    flags=("--paradisco-fail-under",),
    ini="paradisco_fail_under",
    env="PARADISCO_FAIL_UNDER",
    help=(
        "Fail the session when the combined coverage total, rounded as coverage displays "
        "it, is under PCT. Applies when coverage measures in parallel mode (pytest-cov "
        "--cov, or coverage run); not checked on one shard's partial data. "
        "Default: coverage's [report] fail_under."
    ),
    parse=parse_percent,
    metavar="PCT",
)
IGNORE_BAD_DATA = Option(
    dest="paradisco_ignore_bad_data",
    flags=("--paradisco-ignore-bad-data",),
    ini="paradisco_ignore_bad_data",
    env="PARADISCO_IGNORE_BAD_DATA",
    help=(
        "Decide the coverage threshold on the usable data files when some are corrupt, "
        "empty or foreign (they are named either way). Default: off, the threshold fails."
    ),
    parse=parse_bool,
    is_flag=True,
)
RUN_ID = Option(
    dest="paradisco_run_id",
    flags=("--paradisco-run-id",),
    ini="paradisco_run_id",
    env="PARADISCO_RUN_ID",
    help=(
        "The CI run this shard belongs to, recorded with its coverage data so "
        "`paradisco combine` can refuse another run's shard. Default: the CI's own run id "
        f"({', '.join(RUN_ID_VARIABLES)}), else none."
    ),
    parse=parse_run_id,
    metavar="ID",
)

#: The map file's default, relative to the rootdir.
DEFAULT_MAP_FILE = "paradisco-map.json"
#: The time limit of one mapping task (a file, or a part of a large one), in seconds.
DEFAULT_MAP_TIMEOUT = 120.0

MAP = Option(
    dest="paradisco_map",
    flags=("--paradisco-map",),
    ini="paradisco_map",
    env="PARADISCO_MAP",
    help=(
        "Map source functions to the tests that exercise them (statically, during "
        "collection; works with --collect-only) and write the map as JSON. Default: off."
    ),
    parse=parse_bool,
    is_flag=True,
)
MAP_FILE = Option(
    dest="paradisco_map_file",
    flags=("--paradisco-map-file",),
    ini="paradisco_map_file",
    env="PARADISCO_MAP_FILE",
    help=(
        "Where --paradisco-map writes the JSON, relative to the rootdir. "
        f"Default: {DEFAULT_MAP_FILE}."
    ),
    parse=parse_path,
    metavar="PATH",
)
WORKERS = Option(
    dest="paradisco_workers",
    flags=("--paradisco-workers",),
    ini="paradisco_workers",
    env="PARADISCO_WORKERS",
    help=(
        "Worker processes that analyse test files for --paradisco-map: N, 0 (in this "
        "process) or 'auto' (one per usable core). Default: auto."
    ),
    parse=parse_workers,
    metavar="N|auto",
)
SOURCE = Option(
    dest="paradisco_source",
    flags=("--paradisco-source",),
    ini="paradisco_source",
    env="PARADISCO_SOURCE",
    help=(
        "A package or directory whose functions --paradisco-map maps; repeat for more. "
        "Default: coverage's [run] source when set, else the packages under src/, else "
        "the project's packages the tests import."
    ),
    parse=parse_sources,
    metavar="PKG_OR_DIR",
    repeatable=True,
)
FOLLOW = Option(
    dest="paradisco_follow",
    flags=("--paradisco-follow",),
    ini="paradisco_follow",
    env="PARADISCO_FOLLOW",
    help=(
        "A top-level module outside the project whose code Jedi follows while mapping "
        "(a library the project's values pass through); repeat for more, or 'all' for "
        "every import. Default: the project, pytest fixtures by their decorator, and the "
        "standard library's functools, copy, pickle, contextlib, collections, io, os, "
        "typing and a few more (docs/mapping.md)."
    ),
    parse=parse_follow,
    metavar="MODULE",
    repeatable=True,
)
NO_CACHE = Option(
    dest="paradisco_no_cache",
    flags=("--paradisco-no-cache",),
    ini="paradisco_no_cache",
    env="PARADISCO_NO_CACHE",
    help="Neither read nor write the mapping cache (under pytest's cache dir). Default: off.",
    parse=parse_bool,
    is_flag=True,
)
CACHE_CLEAR = Option(
    dest="paradisco_cache_clear",
    flags=("--paradisco-cache-clear",),
    ini="paradisco_cache_clear",
    env="PARADISCO_CACHE_CLEAR",
    help="Empty the mapping cache before mapping. Default: off.",
    parse=parse_bool,
    is_flag=True,
)
MAP_TIMEOUT = Option(
    dest="paradisco_timeout",
    flags=("--paradisco-timeout",),
    ini="paradisco_timeout",
    env="PARADISCO_TIMEOUT",
    help=(
        "Seconds one file's analysis (one part of a large file) may take before it is "
        "stopped and reported. "
        f"Default: {DEFAULT_MAP_TIMEOUT:g}."
    ),
    parse=parse_seconds,
    metavar="SECONDS",
)

DEPTH = Option(
    dest="paradisco_depth",
    flags=("--paradisco-depth",),
    ini="paradisco_depth",
    env="PARADISCO_DEPTH",
    help=(
        "How many calls deep --paradisco-map follows the source's own call graph from what "
        "a test references: a number, 0 for direct references only, or 'full'. "
        "Default: full."
    ),
    parse=parse_depth,
    metavar="N|full",
)

SELECT = Option(
    dest="paradisco_select",
    flags=("--paradisco-select",),
    ini="paradisco_select",
    env="PARADISCO_SELECT",
    help=(
        "Run only the tests mapped to the functions matching PATTERN (a qualified name "
        "such as pkg.mod.Class.method, or a glob such as 'pkg.mod.*'); repeat for more. "
        "Turns --paradisco-map on. Default: no selection."
    ),
    parse=parse_patterns,
    metavar="PATTERN",
    repeatable=True,
)
DIFF = Option(
    dest="paradisco_diff",
    flags=("--paradisco-diff",),
    ini="paradisco_diff",
    env="PARADISCO_DIFF",
    help=(
        "Run only the tests that the changes since REV (committed, staged, unstaged and "
        "untracked) can affect; changes the map cannot attribute run everything. REV is "
        "attached with '=' (--paradisco-diff=origin/main): a word after a bare "
        "--paradisco-diff is a path to test. Turns --paradisco-map on. Default: off; REV "
        "defaults to the merge-base with the upstream branch when there is one, else HEAD."
    ),
    parse=parse_diff,
    metavar="REV",
    const=True,
)
DIFF_BASE = Option(
    dest="paradisco_diff_base",
    flags=("--paradisco-diff-base",),
    ini="paradisco_diff_base",
    env="PARADISCO_DIFF_BASE",
    help=(
        "The git revision --paradisco-diff compares the working tree with (implies "
        "--paradisco-diff; the same as --paradisco-diff=REV). Default: the merge-base "
        "with the upstream branch when there is one, else HEAD."
    ),
    parse=parse_rev,
    metavar="REV",
)

SELECT_OPTIONS: tuple[Option, ...] = (SELECT, DIFF, DIFF_BASE)

MAP_SOURCE = Option(
    dest="paradisco_map_source",
    flags=("--paradisco-map-source",),
    ini="paradisco_map_source",
    env="PARADISCO_MAP_SOURCE",
    help=(
        "Where the map comes from: 'static' (Jedi), 'coverage' (the test contexts of a "
        "past `pytest --cov --cov-context=test` run in coverage's data file) or 'both' "
        "(coverage's tests where it measured the file, with the tests' own references and "
        "tests it never saw from the static map; elsewhere the static map). Default: both "
        "when the data file has test contexts, else static."
    ),
    parse=parse_map_source,
    metavar="static|coverage|both",
)

MAP_OPTIONS: tuple[Option, ...] = (
    MAP,
    MAP_SOURCE,
    MAP_FILE,
    WORKERS,
    SOURCE,
    FOLLOW,
    NO_CACHE,
    CACHE_CLEAR,
    MAP_TIMEOUT,
    DEPTH,
)

#: Settings field -> option, for the mapping options.
MAP_FIELDS: dict[str, Option] = {
    "map": MAP,
    "map_file": MAP_FILE,
    "map_workers": WORKERS,
    "map_sources": SOURCE,
    "map_follow": FOLLOW,
    "map_no_cache": NO_CACHE,
    "map_cache_clear": CACHE_CLEAR,
    "map_timeout": MAP_TIMEOUT,
    "map_depth": DEPTH,
    "map_source": MAP_SOURCE,
}

OPTIONS: tuple[Option, ...] = (
    SHARD_ID,
    SHARD_TOTAL,
    SHARD,
    SHARD_BY,
    SHARD_PLAN,
    DURATIONS,
    STORE_DURATIONS,
    FAIL_UNDER,
    IGNORE_BAD_DATA,
    RUN_ID,
    *MAP_OPTIONS,
    *SELECT_OPTIONS,
)

#: pytest-shard registers ``--shard-id`` too; argparse refuses a flag registered twice.
PYTEST_SHARD_DIST = "pytest-shard"


def shard_id_flag_taken(pluginmanager: pytest.PytestPluginManager) -> bool:
    """Will pytest-shard be loaded in this session (so ``--shard-id`` is taken)?"""
    if pluginmanager.has_plugin("pytest-shard") or pluginmanager.has_plugin(
        "pytest_shard.pytest_shard"
    ):
        return True
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return False
    for entry_point in importlib.metadata.entry_points(group="pytest11"):
        dist = getattr(entry_point, "dist", None)
        name = getattr(dist, "name", "") or ""
        if name.lower().replace("_", "-") == PYTEST_SHARD_DIST and not pluginmanager.is_blocked(
            entry_point.name
        ):
            return True
    return False


def register(parser: pytest.Parser, *, skip_flags: frozenset[str] = frozenset()) -> None:
    """Declare every option in one ``paradisco`` group, each with its ini twin."""
    group = parser.getgroup("paradisco", "paradisco: sharding, test mapping, parallel coverage")
    for option in OPTIONS:
        flags = [flag for flag in option.flags if flag not in skip_flags]
        if option.is_flag:
            group.addoption(
                *flags, dest=option.dest, action="store_true", default=None, help=option.help
            )
        elif option.const is not None:
            group.addoption(
                *flags,
                dest=option.dest,
                nargs="?",
                const=option.const,
                type=option.parse,
                default=None,
                metavar=option.metavar,
                help=f"{option.help} Env: {option.env}.",
            )
        elif option.repeatable:
            group.addoption(
                *flags,
                dest=option.dest,
                action="append",
                type=option.parse,
                default=None,
                metavar=option.metavar,
                help=f"{option.help} Env: {option.env}.",
            )
        else:
            group.addoption(
                *flags,
                dest=option.dest,
                type=option.parse,
                default=None,
                metavar=option.metavar,
                help=f"{option.help} Env: {option.env}.",
            )
        parser.addini(option.ini, help=option.help, type="string", default=None)


def give_back_words(args: list[str]) -> list[str]:
    """Keep the words after a bare optional-value flag (``--paradisco-diff tests/x.py``)
    what they are without it: paths to test. argparse would take the first as the flag's
    value; the value must be attached (``--paradisco-diff=REV``), so each bare flag that
    a word follows is moved after those words, in place. Options keep their order, and
    nothing after ``--`` moves. Returns the words that argparse would have taken."""
    bare = {flag for option in OPTIONS if option.const is not None for flag in option.flags}
    taken: list[str] = []
    index = 0
    while index < len(args) and args[index] != "--":
        end = index + 1
        if args[index] in bare:
            while end < len(args) and not args[end].startswith("-"):
                end += 1
            if end > index + 1:
                taken.append(args[index + 1])
                args[index:end] = [*args[index + 1 : end], args[index]]
        index = end
    return taken


# -- Settings

_RANK = {"command line": 0, "ini": 1, "environment": 2, "default": 3}


@dataclass(frozen=True)
class Source:
    """Where a value came from, spelled the way the user wrote it."""

    kind: str  # "command line", "ini", "environment", "default" or a CI provider
    text: str  # e.g. "--shard-id=2", "shard_id = 2 (pyproject.toml)", "PARADISCO_SHARD_ID=2"

    @property
    def rank(self) -> int:
        return _RANK.get(self.kind, 2)


_DEFAULT = Source("default", "default")


def _lookup(
    config: pytest.Config, option: Option, environ: Mapping[str, str]
) -> tuple[Any, Source]:
    value = config.getoption(option.dest)
    if value is not None and option.repeatable:
        merged = tuple(entry for entries in value for entry in entries)
        return merged, Source(
            "command line", " ".join(f"{option.flag}={entry}" for entry in merged)
        )
    if value is not None:
        return value, Source(
            "command line",
            option.flag
            if option.is_flag or (option.const is not None and value is option.const)
            else f"{option.flag}={_show(value)}",
        )
    raw = config.getini(option.ini)
    if raw not in (None, "", []):
        if isinstance(raw, list):
            raw = " ".join(raw)
        where = config.inipath.name if config.inipath else "ini"
        text = f"{option.ini} = {raw} ({where})"
        return _parse_or_fail(option, str(raw), text), Source("ini", text)
    raw_env = environ.get(option.env)
    if raw_env is not None and raw_env.strip():
        text = f"{option.env}={raw_env}"
        return _parse_or_fail(option, raw_env, text), Source("environment", text)
    return None, _DEFAULT


def _show(value: Any) -> str:
    if isinstance(value, tuple) and all(isinstance(part, int) for part in value):
        return "/".join(str(part) for part in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # --paradisco-fail-under=80, as typed
    return str(value)


def _parse_or_fail(option: Option, raw: str, text: str) -> Any:
    try:
        return option.parse(raw)
    except argparse.ArgumentTypeError as exc:
        raise pytest.UsageError(f"paradisco: {text}: {exc}") from None


@dataclass(frozen=True)
class Settings:
    """Every paradisco setting of one session, validated, with where each came from."""

    shard_id: int | None = None
    shard_total: int | None = None
    shard_by: str = "file"
    shard_plan: bool = False
    shard_ci: CIShard | None = None
    durations: str = DEFAULT_DURATIONS
    store_durations: bool = False
    fail_under: float | None = None
    ignore_bad_data: bool = False
    run_id: str | None = None
    map: bool = False
    map_file: str = DEFAULT_MAP_FILE
    map_workers: int | str = "auto"
    map_sources: tuple[str, ...] = ()
    map_follow: tuple[str, ...] = ()
    map_no_cache: bool = False
    map_cache_clear: bool = False
    map_timeout: float = DEFAULT_MAP_TIMEOUT
    map_depth: int | None = None  # None: the full closure
    map_source: str | None = None  # None: both when coverage data has test contexts
    select: tuple[str, ...] = ()
    diff: bool = False
    diff_base: str | None = None  # None: the merge-base with upstream, else HEAD
    sources: Mapping[str, Source] = field(default_factory=dict, compare=False)

    @property
    def sharding(self) -> bool:
        """Is this session one shard of several (or of one)?"""
        return self.shard_id is not None and self.shard_total is not None

    @property
    def selecting(self) -> bool:
        """Does this session run only some tests (by function or by git diff)?"""
        return bool(self.select) or self.diff

    def select_flags(self) -> str:
        """The selection as flags a user can paste back."""
        flags = [f"--paradisco-select={pattern}" for pattern in self.select]
        if self.diff and self.diff_base is not None:
            flags.append(f"--paradisco-diff={self.diff_base}")
        elif self.diff:
            flags.append("--paradisco-diff")
        return " ".join(flags)

    @property
    def active(self) -> bool:
        """Is any paradisco feature on (so the header says so)?"""
        return self.sharding or self.shard_plan or self.store_durations or self.map

    def shard_flags(self) -> str:
        """The shard selection as flags a user can paste back."""
        return (
            f"--shard-id={self.shard_id} --shard-total={self.shard_total} "
            f"--shard-by={self.shard_by}"
        )

    @property
    def scheme(self) -> str:
        """The name of the assignment rule in force."""
        return BALANCED_SCHEME if self.shard_by == "balanced" else SCHEME

    def header(self, detail: str = "") -> str | None:
        """The one header line (flags a user can paste back), or None when idle."""
        flags: list[str] = []
        if self.sharding:
            flags.append(self.shard_flags())
        if self.shard_plan:
            if not self.sharding:
                total = f" --shard-total={self.shard_total}" if self.shard_total else ""
                flags.append(f"--shard-by={self.shard_by}{total}")
            flags.append("--shard-plan")
        if self.store_durations:
            flags.append(f"--paradisco-durations={self.durations} --paradisco-store-durations")
        if not flags:
            return None
        line = "paradisco: " + " ".join(flags)
        if self.sharding or self.shard_plan:
            line += f" [{self.scheme}{'; ' + detail if detail else ''}]"
        if self.shard_ci is not None:
            line += f" (from {self.shard_ci.describe()})"
        elif self.sharding and self.sources["shard_id"].kind == "environment":
            line += f" (from {self.sources['shard_id'].text})"
        return line

    @classmethod
    def from_config(
        cls, config: pytest.Config, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Resolve every option (command line > ini > environment > default) and validate."""
        env = os.environ if environ is None else environ
        shard_id, id_src = _lookup(config, SHARD_ID, env)
        shard_total, total_src = _lookup(config, SHARD_TOTAL, env)
        pair, pair_src = _lookup(config, SHARD, env)
        shard_by, by_src = _lookup(config, SHARD_BY, env)
        plan, plan_src = _lookup(config, SHARD_PLAN, env)
        durations, durations_src = _lookup(config, DURATIONS, env)
        store, store_src = _lookup(config, STORE_DURATIONS, env)
        fail_under, fail_src = _lookup(config, FAIL_UNDER, env)
        ignore_bad, ignore_src = _lookup(config, IGNORE_BAD_DATA, env)
        run_id, run_src = _lookup(config, RUN_ID, env)
        if run_id is None:
            run_id = ci_run_id(env)
            if run_id is not None:
                run_src = Source("environment", "CI run id")
        mapping = {option.dest: _lookup(config, option, env) for option in MAP_OPTIONS}
        select, select_src = _lookup(config, SELECT, env)
        diff, diff_src = _lookup(config, DIFF, env)
        diff_base, base_src = _lookup(config, DIFF_BASE, env)
        if isinstance(diff, str):  # --paradisco-diff=REV: on, comparing with REV
            if diff_base is not None and diff_base != diff and base_src.rank == diff_src.rank:
                raise pytest.UsageError(
                    f"paradisco: {diff_src.text} and {base_src.text} name different "
                    f"revisions; give one of them"
                )
            if diff_base is None or diff_src.rank < base_src.rank:
                diff_base, base_src = diff, diff_src
            diff = True
        if diff_base is not None and diff is None:
            diff, diff_src = True, base_src
        if diff is False and diff_base is not None and base_src.rank < diff_src.rank:
            diff, diff_src = True, base_src  # an explicit base outranks a weaker "off"
        selecting = bool(select) or bool(diff)
        depth, depth_src = mapping[DEPTH.dest]
        if selecting and depth is not None:
            what = select_src.text if select else diff_src.text
            raise pytest.UsageError(
                f"paradisco: {what} with {depth_src.text} could skip tests that reach a "
                f"selected function through more than {depth} calls; drop "
                f"{DEPTH.flag} (the default, full, is what selection needs)"
            )

        if pair is not None:
            pair_id, pair_total = pair
            shard_id, id_src = _merge_pair(shard_id, id_src, pair_id, pair_src, SHARD_ID)
            shard_total, total_src = _merge_pair(
                shard_total, total_src, pair_total, pair_src, SHARD_TOTAL
            )

        ci: CIShard | None = None
        if shard_id == "auto":
            try:
                ci = detect_ci_shard(env)
            except CIDetectionError as exc:
                raise pytest.UsageError(f"paradisco: {id_src.text}: {exc}") from None
            if ci is None:
                raise pytest.UsageError(
                    f"paradisco: {id_src.text} found no CI parallelism variables "
                    f"(looked for {ci_variable_names()}); pass --shard-id=K --shard-total=N "
                    f"or set {SHARD_ID.env}/{SHARD_TOTAL.env}"
                )
            if shard_total is not None and shard_total != ci.shard_total:
                raise pytest.UsageError(
                    f"paradisco: {total_src.text} disagrees with {ci.provider}'s "
                    f"{ci.variables}; drop {SHARD_TOTAL.flag} to use the CI's total"
                )
            shard_id, shard_total = ci.shard_id, ci.shard_total
            total_src = Source(ci.provider, ci.variables)

        if shard_id is not None and shard_total is None:
            raise pytest.UsageError(
                f"paradisco: {id_src.text} needs the number of shards: add "
                f"{SHARD_TOTAL.flag}=N (or {SHARD_TOTAL.ini} in the ini file, or "
                f"{SHARD_TOTAL.env}), or use {SHARD.flag}=K/N"
            )
        if shard_total is not None and shard_id is None and not plan:
            raise pytest.UsageError(
                f"paradisco: {total_src.text} needs the shard to run: add "
                f"{SHARD_ID.flag}=K with K in 0..{shard_total - 1} (or 'auto'), or use "
                f"{SHARD.flag}=K/N"
            )
        if shard_id is not None and shard_total is not None and shard_id >= shard_total:
            raise pytest.UsageError(
                f"paradisco: {id_src.text} is out of range for {total_src.text}: "
                f"shard ids are 0-based, 0..{shard_total - 1}"
            )
        if store and glob.has_magic(durations or DEFAULT_DURATIONS):
            raise pytest.UsageError(
                f"paradisco: {durations_src.text} is a glob, but --paradisco-store-durations "
                "needs one file to write; store to a plain path and read the glob elsewhere"
            )
        return cls(
            shard_id=shard_id,
            shard_total=shard_total,
            shard_by=shard_by or "file",
            shard_plan=bool(plan),
            shard_ci=ci,
            durations=durations or DEFAULT_DURATIONS,
            store_durations=bool(store),
            fail_under=fail_under,
            ignore_bad_data=bool(ignore_bad),
            run_id=run_id,
            map=bool(mapping[MAP.dest][0]) or selecting,
            map_file=mapping[MAP_FILE.dest][0] or DEFAULT_MAP_FILE,
            map_workers=_default(mapping[WORKERS.dest][0], "auto"),
            map_sources=mapping[SOURCE.dest][0] or (),
            map_follow=mapping[FOLLOW.dest][0] or (),
            map_no_cache=bool(mapping[NO_CACHE.dest][0]),
            map_cache_clear=bool(mapping[CACHE_CLEAR.dest][0]),
            map_timeout=mapping[MAP_TIMEOUT.dest][0] or DEFAULT_MAP_TIMEOUT,
            map_depth=depth,
            map_source=mapping[MAP_SOURCE.dest][0],
            select=select or (),
            diff=bool(diff),
            diff_base=diff_base,
            sources={
                "select": select_src,
                "diff": diff_src,
                "diff_base": base_src,
                "durations": durations_src,
                "store_durations": store_src,
                "fail_under": fail_src,
                "ignore_bad_data": ignore_src,
                "run_id": run_src,
                "shard_id": id_src,
                "shard_total": total_src,
                "shard_by": by_src,
                "shard_plan": plan_src,
                **{field: mapping[option.dest][1] for field, option in MAP_FIELDS.items()},
            },
        )


def _default(value: Any, default: Any) -> Any:
    return default if value is None else value


def _merge_pair(
    value: Any, src: Source, pair_value: int, pair_src: Source, option: Option
) -> tuple[Any, Source]:
    """Combine ``--shard=K/N`` with an explicit ``--shard-id``/``--shard-total``."""
    if value is None or pair_src.rank < src.rank:
        return pair_value, pair_src
    if src.rank < pair_src.rank or value == pair_value:
        return value, src
    raise pytest.UsageError(
        f"paradisco: {pair_src.text} and {src.text} disagree; give one of "
        f"{SHARD.flag} or {option.flag}"
    )
