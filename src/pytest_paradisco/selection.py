"""Which tests to run for a set of functions or a git diff: safe by construction.

Nothing here imports pytest. The input map is the JSON form of the function-to-test map
(``{"functions": {qualname: {"file", "line", "tests", "direct"}}, "errors": [...]}``);
the answer is a :class:`Selection`. When a change cannot be attributed to functions, the
answer is "run everything" with the reason: when in doubt, run it.
"""

from __future__ import annotations

import ast
import difflib
import fnmatch
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_paradisco.gitdiff import Diff

#: Files whose change can alter any test's behaviour.
CONFIG_FILES = frozenset({"pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "setup.py"})

_PARAMS = re.compile(r"\[.*\]$", re.DOTALL)


def function_node_id(nodeid: str) -> str:
    """A node id without its parametrize part: ``t.py::test_a[1-2]`` -> ``t.py::test_a``."""
    return _PARAMS.sub("", nodeid)


class SelectionError(ValueError):
    """The selection cannot be made as asked; the message names the fix."""


@dataclass(frozen=True)
class Selection:
    """What to keep. ``run_all`` (a reason) wins over everything else."""

    run_all: str | None = None
    functions: frozenset[str] = frozenset()
    #: test function id -> why (the changed function it is mapped to)
    tests: Mapping[str, str] = field(default_factory=dict)
    #: test file (relative to rootdir) -> why it runs entirely
    files: Mapping[str, str] = field(default_factory=dict)

    def reason(self, nodeid: str) -> str | None:
        """Why the test with this node id runs, or None when it is not selected."""
        if self.run_all is not None:
            return "safety rule"
        file = nodeid.split("::", 1)[0]
        if file in self.files:
            return self.files[file]
        return self.tests.get(function_node_id(nodeid))


def _tests_of(testmap: Mapping[str, Any], functions: Iterable[str]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    entries = testmap.get("functions", {})
    for name in sorted(functions):
        for test in entries.get(name, {}).get("tests", ()):
            chosen.setdefault(function_node_id(test), "mapped to changed function")
    return chosen


def _error_files(testmap: Mapping[str, Any]) -> set[str]:
    files = set()
    for error in testmap.get("errors", ()):
        if isinstance(error, Mapping) and error.get("file"):
            files.add(str(error["file"]))
    return files


def select_functions(testmap: Mapping[str, Any], patterns: Iterable[str]) -> Selection:
    """The tests mapped to functions matching qualified names or shell-style globs. A
    pattern that matches no function is an error that suggests close names."""
    known = sorted(testmap.get("functions", {}))
    chosen: set[str] = set()
    for pattern in patterns:
        matches = [name for name in known if fnmatch.fnmatchcase(name, pattern)]
        if not matches:
            close = difflib.get_close_matches(pattern, known, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise SelectionError(f"--paradisco-select={pattern} matches no mapped function{hint}")
        chosen.update(matches)
    tests = {t: "mapped to selected function" for t in _tests_of(testmap, chosen)}
    files = {f: "could not be analysed by the mapper" for f in _error_files(testmap)}
    return Selection(None, frozenset(chosen), tests, files)


@dataclass(frozen=True)
class FunctionSpan:
    name: str  # qualified name without the module
    first: int  # first line, decorators included
    last: int


def function_spans(source: str) -> list[FunctionSpan]:
    """Every function of a module with its lines, named by ``__qualname__``."""
    tree = ast.parse(source)
    spans: list[FunctionSpan] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                spans.append(FunctionSpan(name, first, child.end_lineno or child.lineno))
                visit(child, f"{name}.<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return spans


def _functions_at(source: str, lines: Iterable[int]) -> tuple[set[str], set[int]]:
    """The functions containing any of ``lines``, and the lines inside no function."""
    spans = function_spans(source)
    names: set[str] = set()
    outside: set[int] = set()
    text_lines = source.splitlines()
    for line in lines:
        inside = [s for s in spans if s.first <= line <= s.last]
        if inside:
            names.update(s.name for s in inside)
        elif 1 <= line <= len(text_lines) and text_lines[line - 1].strip():
            outside.add(line)
    return names, outside


def module_name(path: str, source_roots: Iterable[str]) -> str | None:
    """``src/pkg/mod.py`` under root ``src`` -> ``pkg.mod`` (None if under no root)."""
    for root in sorted(source_roots, key=len, reverse=True):
        prefix = root.rstrip("/") + "/" if root not in ("", ".") else ""
        if path.startswith(prefix) and path.endswith(".py"):
            parts = path[len(prefix) : -3].split("/")
            if parts[-1] == "__init__":
                parts.pop()
            return ".".join(parts)
    return None


def select_diff(
    change_set: Diff,
    testmap: Mapping[str, Any],
    rootdir: Path,
    source_roots: Iterable[str],
    is_test_file: Any,
    old_source: Any,
) -> Selection:
    """The tests a diff touches.

    ``source_roots`` are directories (relative to rootdir, ``/``-separated) holding the
    mapped packages; ``is_test_file(relpath) -> bool``; ``old_source(change) -> str | None``
    reads a file's text at the base revision.
    """
    roots = list(source_roots)
    errors = _error_files(testmap)
    owners: dict[str, str] = {}  # changed function -> its module
    files: dict[str, str] = {f: "could not be analysed by the mapper" for f in errors}
    for change in change_set.changes:
        rel = os.path.relpath(change_set.toplevel / change.path, rootdir).replace(os.sep, "/")
        name = rel.rsplit("/", 1)[-1]
        if rel.startswith("../"):
            continue  # outside the rootdir: not this suite's
        if name == "conftest.py":
            return Selection(run_all=f"{rel} changed: its fixtures and hooks may reach any test")
        if name in CONFIG_FILES and "/" not in rel:
            return Selection(run_all=f"{rel} changed: configuration affects every test")
        if is_test_file(rel):
            if change.status != "D":
                files[rel] = "new test file" if change.status == "A" else "changed test file"
            continue
        module = module_name(rel, roots)
        in_package = any(rel.startswith(r.rstrip("/") + "/") for r in roots if r not in ("", "."))
        if module is None:
            if in_package:
                return Selection(run_all=f"{rel} changed: a non-Python file in a source package")
            continue
        if rel in errors:
            return Selection(run_all=f"{rel} changed and the mapper could not analyse it")
        if change.status in ("D", "R"):
            verb = "deleted" if change.status == "D" else "renamed"
            return Selection(run_all=f"{rel} {verb}: tests may import it by its old name")
        if change.status == "A":
            continue  # a new module: only tests that import it exercise it (changed/new tests)
        try:
            new_text = (rootdir / rel).read_text(encoding="utf-8")
            names, outside = _functions_at(new_text, change.lines)
            old_text = old_source(change)
            if old_text is not None:
                old_names, old_outside = _functions_at(old_text, change.old_lines)
                names |= old_names
                outside |= {-line for line in old_outside}
        except (OSError, SyntaxError, ValueError) as exc:
            return Selection(run_all=f"{rel} changed and cannot be parsed ({exc})")
        if outside:
            return Selection(
                run_all=f"{rel} changed outside any function (a module-level or class-level "
                "statement runs on import, for every test)"
            )
        owners.update((f"{module}.{n}", module) for n in names)
    tests = _tests_of(testmap, owners)
    entries = testmap.get("functions", {})
    for name, module in sorted(owners.items()):
        entry = entries.get(name, {})
        if entry.get("coverage") is None:
            # a call the static map typed as the base method may run this override
            for base in testmap.get("overrides", {}).get(name, ()):
                for test in entries.get(base, {}).get("tests", ()):
                    tests.setdefault(function_node_id(test), f"mapped to {base}, overridden")
        if _vouched(entry):
            continue
        importers = testmap.get("importers")
        if importers is None:
            return Selection(
                run_all=f"{name} changed and the map ties it to no test (a map without "
                "import records cannot narrow that down)"
            )
        for test_file in importers.get(module, ()):
            files.setdefault(test_file, f"imports {module}, whose {name} no test is mapped to")
    return Selection(None, frozenset(owners), tests, files)


def _vouched(entry: Mapping[str, Any]) -> bool:
    """Does the map know which tests run a function (its map entry, empty when it is not
    in the map)? It does when it ties tests to it, or when a coverage run measured its
    file and saw no test run it. A function the static map ties to nothing may still run
    (through a call it could not follow): when in doubt, the test files that import its
    module run."""
    return bool(entry.get("tests")) or entry.get("coverage") is not None
