"""Find a session's test files before pytest collects them, by pytest's own rules.

Used where a decision about one file needs the whole suite before any module is imported
(balanced shards). The walk follows the command-line arguments (or ``testpaths``),
``norecursedirs``, ``--ignore``/``--ignore-glob``, virtualenv detection and
``python_files``. It never decides what runs: a file it misses is still collected by
pytest and still lands in exactly one shard (by its path hash).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from pytest_paradisco.shard import glob_match

_FILES = pytest.StashKey[list[Path]]()
_TEXT_FILES = pytest.StashKey[list[Path]]()


def session_test_files(config: pytest.Config) -> list[Path]:
    """The session's test files by its own arguments and ini settings, walked once per
    session (balanced sharding and mapping both need them) and kept in ``config.stash``."""
    if _FILES not in config.stash:
        config.stash[_FILES] = _session_files(config, config.getini("python_files"))
    return config.stash[_FILES]


def session_doctest_files(config: pytest.Config) -> list[Path]:
    """The text files the session collects doctests from, by its arguments: those
    ``--doctest-glob`` matches (``test*.txt`` by default), and a ``.txt`` or ``.rst``
    file named as an argument."""
    if not config.pluginmanager.has_plugin("doctest"):
        return []
    if _TEXT_FILES not in config.stash:
        globs = config.getoption("doctestglob", None) or ["test*.txt"]
        config.stash[_TEXT_FILES] = _session_files(config, globs, text=True)
    return config.stash[_TEXT_FILES]


def _session_files(
    config: pytest.Config, patterns: Iterable[str], *, text: bool = False
) -> list[Path]:
    """:func:`find_test_files` by the session's arguments and ini settings."""
    return find_test_files(
        config.args,
        config.invocation_params.dir,
        patterns,
        config.getini("norecursedirs"),
        config.getoption("ignore", None) or (),
        config.getoption("ignore_glob", None) or (),
        bool(config.getoption("collect_in_virtualenv", False)),
        text=text,
    )


def find_test_files(
    args: Iterable[str],
    invocation_dir: Path,
    python_files: Iterable[str],
    norecursedirs: Iterable[str],
    ignore: Iterable[str] = (),
    ignore_glob: Iterable[str] = (),
    collect_in_virtualenv: bool = False,
    *,
    text: bool = False,
) -> list[Path]:
    """Every test module under ``args``, sorted, duplicates removed; with ``text``, the
    doctest text files instead (``python_files`` then holds the doctest globs)."""
    patterns = list(python_files)
    norecurse = list(norecursedirs)
    ignored = {os.path.abspath(invocation_dir / p) for p in ignore}
    ignored_globs = [os.path.abspath(invocation_dir / g) for g in ignore_glob]

    def skipped(path: Path) -> bool:
        text = os.path.abspath(path)
        return text in ignored or any(fnmatch.fnmatch(text, g) for g in ignored_globs)

    found: set[Path] = set()
    for arg in args:
        path = invocation_dir / arg.split("::", 1)[0]
        if path.is_file():
            wanted = (
                path.suffix in (".txt", ".rst") or any(glob_match(p, path) for p in patterns)
                if text
                else path.suffix == ".py"
            )
            if wanted and not skipped(path):
                found.add(path)
        elif path.is_dir():
            found.update(_walk(path, patterns, norecurse, skipped, collect_in_virtualenv, text))
    return sorted(found)


def _walk(
    top: Path,
    patterns: list[str],
    norecurse: list[str],
    skipped: Callable[[Path], bool],
    collect_in_virtualenv: bool,
    text: bool = False,
) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            sub = here / name
            if name == "__pycache__" or any(fnmatch.fnmatch(name, p) for p in norecurse):
                continue
            if not collect_in_virtualenv and (sub / "pyvenv.cfg").is_file():
                continue
            if skipped(sub):
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            if text:
                if name.endswith(".py"):
                    continue
            elif not name.endswith(".py") or name in ("conftest.py", "__init__.py"):
                continue
            path = here / name
            if any(glob_match(p, path) for p in patterns) and not skipped(path):
                yield path
