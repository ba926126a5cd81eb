"""The map's second source: coverage.py's dynamic contexts (``--cov-context=test``), which
record exactly which tests ran which lines during a past run.

Plain Python, no pytest: read a data file through coverage's public API
(``CoverageData.measured_contexts`` and ``contexts_by_lineno``) and add, to each function
of the static map, the tests whose context covered one of its lines.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pytest_paradisco.selection import function_node_id, function_spans
from pytest_paradisco.testmap import FunctionEntry

MAP_SOURCES = ("static", "coverage", "both")


def data_file_for(rootdir: Path) -> Path:
    """coverage's ``[run] data_file`` as a run started in ``rootdir`` would write it."""
    from coverage import Coverage

    previous = os.getcwd()
    try:
        os.chdir(rootdir)
        name = str(Coverage(config_file=True).config.data_file)
    except Exception:  # an unreadable coverage config: the default name
        name = ".coverage"
    finally:
        os.chdir(previous)
    path = Path(name)
    return path if path.is_absolute() else rootdir / path


def test_of_context(context: str) -> str | None:
    """``tests/t.py::test_a[1]|run`` (pytest-cov's test context) -> ``tests/t.py::test_a``.
    The phase follows the last ``|``: a parametrize id may hold one (``test_a[a|b]|run``)."""
    nodeid, bar, _phase = context.rpartition("|")
    if not bar:
        nodeid = context
    if "::" not in nodeid:
        return None
    return function_node_id(nodeid)


@dataclass
class CoverageMap:
    """What the coverage data added to the map."""

    data_file: str
    age_seconds: float
    contexts: int
    pairs: int = 0
    added: int = 0  # pairs the static map did not have
    tests: dict[str, list[str]] = field(default_factory=dict)  # function -> tests
    measured: set[str] = field(default_factory=set)  # source files the run measured (rel)
    recorded: set[str] = field(default_factory=set)  # the tests the run recorded

    def joined(self, name: str, entry: FunctionEntry) -> list[str]:
        """The function's tests for map source ``both``. Where the run measured its
        file: the tests the run saw execute it, the tests that reference it themselves
        (``direct``), and the static closure's tests the run never recorded (added
        since); the static closure's other tests would only add the paths a test might
        take to what it was seen not to run. Elsewhere: the static map's and the run's."""
        seen = self.tests.get(name, [])
        if entry.file not in self.measured:
            return sorted(set(entry.tests) | set(seen))
        unseen = {test for test in entry.tests if test not in self.recorded}
        return sorted(set(seen) | set(entry.direct) | unseen)


def has_test_contexts(data_file: Path) -> bool:
    """Does the data file exist and record test contexts (not only the empty one)?"""
    if not data_file.is_file():
        return False
    from coverage import CoverageData

    data = CoverageData(str(data_file))
    try:
        data.read()
        return any(test_of_context(c) for c in data.measured_contexts())
    except Exception:  # an unreadable data file: treated as absent
        return False
    finally:
        data.close()


def coverage_tests(
    data_file: Path, rootdir: Path, functions: Mapping[str, FunctionEntry]
) -> CoverageMap:
    """Each function's tests according to the coverage data (raises on an unreadable
    file: the caller reports it)."""
    from coverage import CoverageData

    data = CoverageData(str(data_file))
    data.read()
    try:
        by_file: dict[str, list[tuple[str, FunctionEntry]]] = {}
        for name, entry in functions.items():
            by_file.setdefault(entry.file, []).append((name, entry))
        result = CoverageMap(
            data_file=str(data_file),
            age_seconds=max(0.0, time.time() - data_file.stat().st_mtime),
            contexts=0,
        )
        named = [t for c in data.measured_contexts() if (t := test_of_context(c))]
        result.contexts = len(named)
        result.recorded = set(named)
        found: dict[str, set[str]] = {}
        for measured in data.measured_files():
            rel = os.path.relpath(measured, rootdir).replace(os.sep, "/")
            entries = by_file.get(rel)
            if not entries:
                continue
            result.measured.add(rel)
            spans = definitions(rootdir / rel, entries)
            for lineno, contexts in data.contexts_by_lineno(measured).items():
                tests = {t for t in map(test_of_context, contexts) if t}
                if not tests:
                    continue
                for name, first, last in spans:
                    if first <= lineno <= last:
                        found.setdefault(name, set()).update(tests)
        for name, tests in found.items():
            result.tests[name] = sorted(tests)
            result.pairs += len(tests)
            result.added += len(tests - set(functions[name].tests))
        return result
    finally:
        data.close()


def definitions(
    path: Path, entries: Sequence[tuple[str, FunctionEntry]]
) -> list[tuple[str, int, int]]:
    """(function, first line, last line) of every definition of ``entries``' functions in
    one source file, decorators included, read from the file itself: a name defined twice
    (a property's getter and its setter, a ``def`` under ``if PYPY:``) has both spans,
    where the map's entry keeps one. The map's own lines when the file does not parse."""
    fallback = [(name, entry.line, entry.end_line) for name, entry in entries]
    try:
        spans = function_spans(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return fallback
    # The module's name, as the map's keys spell it: the key of a definition whose
    # ``def`` line the map recorded, less its ``__qualname__``.
    votes: Counter[str] = Counter()
    for name, entry in entries:
        for span in spans:
            if span.first <= entry.line <= span.last and name.endswith("." + span.name):
                votes[name[: -len(span.name) - 1]] += 1
    if not votes:
        return fallback
    module = votes.most_common(1)[0][0]
    names = {name for name, _ in entries}
    found = [
        (key, span.first, span.last) for span in spans if (key := f"{module}.{span.name}") in names
    ]
    covered = {key for key, _, _ in found}
    return found + [item for item in fallback if item[0] not in covered]


def age_text(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"
