"""One session's selection: the map of this session plus what the user asked for
(``--paradisco-select`` patterns, a ``--paradisco-diff``) -> a :class:`Selection`.

Nothing here imports pytest. It adds to :mod:`pytest_paradisco.selection` what only a
session knows: the source roots as mapped (package directories and the directories they
are imported from), which files are test files, and test-helper modules beside the tests,
which the map does not cover (a change there runs everything).
"""

from __future__ import annotations

import dataclasses
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_paradisco.gitdiff import Diff, FileChange
from pytest_paradisco.selection import (
    CONFIG_FILES,
    Selection,
    select_diff,
    select_functions,
)

#: Reasons, in the order the summary lists them.
REASON_ORDER = (
    "mapped to changed function",
    "mapped to selected function",
    "changed test file",
    "new test file",
    "could not be analysed by the mapper",
    "safety rule",
)


@dataclass(frozen=True)
class Root:
    """A mapped source root, relative to the rootdir with ``/``: the package directory
    (or module file) and the directory it is imported from."""

    path: str
    base: str


def _under(rel: str, path: str) -> bool:
    if path in ("", "."):
        return True
    return rel == path or rel.startswith(path.rstrip("/") + "/")


def _old_source(change_set: Diff) -> Callable[[FileChange], str | None]:
    def read(change: FileChange) -> str | None:
        proc = subprocess.run(
            ["git", "show", f"{change_set.base}:{change.old_path or change.path}"],
            cwd=change_set.toplevel,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
        return proc.stdout if proc.returncode == 0 else None

    return read


def _rel(change_set: Diff, path: str, rootdir: Path) -> str:
    import os

    return os.path.relpath(change_set.toplevel / path, rootdir).replace(os.sep, "/")


def diff_selection(
    change_set: Diff,
    testmap: Mapping[str, Any],
    rootdir: Path,
    roots: Sequence[Root],
    is_test_file: Callable[[str], bool],
    test_files: Iterable[str],
) -> Selection:
    """The tests a diff can affect. Changes outside the mapped sources, the tests and
    the configuration (a README, a script under ``scripts/``) select nothing; a Python
    module beside the tests that is not a test file (a helper the tests import) and a
    non-Python file inside a mapped package run everything."""
    test_dirs = {file.rsplit("/", 1)[0] for file in test_files if "/" in file}
    relevant: list[FileChange] = []
    for change in change_set.changes:
        rel = _rel(change_set, change.path, rootdir)
        name = rel.rsplit("/", 1)[-1]
        if rel.startswith("../"):
            continue
        if name == "conftest.py" or (name in CONFIG_FILES and "/" not in rel):
            relevant.append(change)
            continue
        if is_test_file(rel):
            relevant.append(change)
            continue
        owner = next((root for root in roots if _under(rel, root.path)), None)
        if owner is not None:
            if not rel.endswith(".py"):
                return Selection(run_all=f"{rel} changed: a non-Python file in a source package")
            relevant.append(change)
            continue
        if rel.endswith(".py") and any(_under(rel, d) for d in test_dirs):
            return Selection(
                run_all=f"{rel} changed: a module beside the tests, which they may import "
                "(the map covers source functions only)"
            )
    bases = sorted({root.base for root in roots})
    return select_diff(
        dataclasses.replace(change_set, changes=tuple(relevant)),
        testmap,
        rootdir,
        bases,
        is_test_file,
        _old_source(change_set),
    )


def union(first: Selection | None, second: Selection | None) -> Selection:
    """Tests chosen by either (``--paradisco-select`` with ``--paradisco-diff``)."""
    if first is None or second is None:
        chosen = first or second
        assert chosen is not None
        return chosen
    if first.run_all is not None or second.run_all is not None:
        return first if first.run_all is not None else second
    return Selection(
        None,
        first.functions | second.functions,
        {**second.tests, **first.tests},
        {**second.files, **first.files},
    )


def session_selection(
    testmap: Mapping[str, Any] | None,
    patterns: Sequence[str],
    change_set: Diff | None,
    rootdir: Path,
    roots: Sequence[Root],
    is_test_file: Callable[[str], bool],
    test_files: Iterable[str],
) -> Selection:
    """The selection of one session; ``testmap`` None means mapping failed: run all.
    Raises :class:`~pytest_paradisco.selection.SelectionError` for a pattern that
    matches no function."""
    if testmap is None:
        return Selection(run_all="the mapping failed, so nothing can be deselected safely")
    by_name = select_functions(testmap, patterns) if patterns else None
    by_diff = None
    if change_set is not None:
        by_diff = diff_selection(change_set, testmap, rootdir, roots, is_test_file, test_files)
    return union(by_name, by_diff)


def to_json(selection: Selection) -> dict[str, Any]:
    """The JSON-able form handed to xdist workers."""
    return {
        "run_all": selection.run_all,
        "functions": sorted(selection.functions),
        "tests": dict(selection.tests),
        "files": dict(selection.files),
    }


def from_json(data: Mapping[str, Any]) -> Selection:
    return Selection(
        data.get("run_all"),
        frozenset(data.get("functions", ())),
        dict(data.get("tests", {})),
        dict(data.get("files", {})),
    )


@dataclass(frozen=True)
class SelectionStats:
    """How many tests a selection kept, by reason (JSON-able, for workeroutput)."""

    kept: int
    deselected: int
    reasons: Mapping[str, int]
    run_all: str | None = None
    functions: int = 0
    #: Of the kept, how many run after every other filter (-k, -m, --lf, sharding).
    run: int | None = None
    #: The last failures pytest's ``--lf`` collected instead of the suite (0: it did not).
    last_failed: int = 0

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"reasons": dict(self.reasons)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SelectionStats:
        return cls(
            int(data["kept"]),
            int(data["deselected"]),
            dict(data["reasons"]),
            data.get("run_all"),
            int(data.get("functions", 0)),
            None if data.get("run") is None else int(data["run"]),
            int(data.get("last_failed", 0)),
        )


def split(
    selection: Selection, nodeids: Sequence[str]
) -> tuple[list[int], list[int], SelectionStats]:
    """Indexes of the kept and the dropped node ids, and the counts by reason."""
    keep: list[int] = []
    drop: list[int] = []
    reasons: Counter[str] = Counter()
    for index, nodeid in enumerate(nodeids):
        reason = selection.reason(nodeid)
        if reason is None:
            drop.append(index)
        else:
            keep.append(index)
            reasons[reason] += 1
    ordered = {r: reasons[r] for r in REASON_ORDER if reasons[r]}
    ordered.update({r: n for r, n in sorted(reasons.items()) if r not in ordered})
    stats = SelectionStats(
        len(keep), len(drop), ordered, selection.run_all, len(selection.functions)
    )
    return keep, drop, stats
