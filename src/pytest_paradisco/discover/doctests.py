"""Doctests of source modules as tests (``--doctest-modules``), and of text files
(``--doctest-glob``): a doctest exercises the functions and classes its examples name.

Plain ``ast`` over the source, no Jedi and no import: the examples' names are resolved in
the module's namespace (its own definitions and imports, as pytest runs a doctest with
the module's globals) and through the imports the examples make themselves (a text
file's examples have only those). Tests are named as pytest names doctest items:
``pkg/mod.py::pkg.mod.Class.method``, ``docs/usage.md::usage.md``.
"""

from __future__ import annotations

import ast
import doctest
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from pytest_paradisco.discover.targets import SourceIndex, import_aliases

_Owner = ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef


def doctest_pairs(
    index: SourceIndex, rootdir: Path, paths: Sequence[Path]
) -> list[tuple[str, str]]:
    """(doctest node id, target) for every doctest of a source module under ``paths``
    (the paths pytest collects from), sorted."""
    wanted = [os.path.abspath(p) for p in paths]
    broken = {rel for rel, _ in index.errors}
    pairs: set[tuple[str, str]] = set()
    for module, rel in sorted(index.modules.items()):
        file = os.path.abspath(rootdir / rel)
        if rel in broken or Path(file).name in ("setup.py", "conftest.py"):
            continue
        if not any(file == p or file.startswith(p.rstrip(os.sep) + os.sep) for p in wanted):
            continue
        try:
            tree = ast.parse(Path(file).read_bytes(), filename=file)
        except (SyntaxError, ValueError, OSError):
            continue
        namespace = import_aliases(tree, module, Path(file).name == "__init__.py")
        for qualname, owner in _docstrings(tree, module):
            text = ast.get_docstring(owner, clean=False)
            if not text or ">>>" not in text:
                continue
            targets = _named(index, module, namespace, text)
            pairs.update((f"{rel}::{qualname}", target) for target in targets)
    return sorted(pairs)


def text_doctests(
    index: SourceIndex, rootdir: Path, files: Sequence[Path], encoding: str = "utf-8"
) -> dict[str, set[str]]:
    """Doctest node id -> its targets, for each text file that holds examples (pytest
    collects no doctest from one that has none). A file that cannot be read or decoded
    has none here (pytest reports it when it collects it)."""
    found: dict[str, set[str]] = {}
    for path in sorted(files):
        try:
            text = path.read_text(encoding)
            rel = path.resolve().relative_to(rootdir.resolve()).as_posix()
            examples = doctest.DocTestParser().get_examples(text)
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if examples:
            found[f"{rel}::{path.name}"] = _named(index, "", {}, text)
    return found


def _docstrings(tree: ast.Module, module: str) -> Iterator[tuple[str, _Owner]]:
    """What ``doctest.DocTestFinder`` looks into: the module, its classes (nested ones
    too) and the functions and methods directly in them, not functions' locals."""
    yield module, tree
    todo: list[tuple[str, ast.Module | ast.ClassDef]] = [(module, tree)]
    while todo:
        prefix, node = todo.pop()
        for child in node.body:
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield f"{prefix}.{child.name}", child
            elif isinstance(child, ast.ClassDef):
                yield f"{prefix}.{child.name}", child
                todo.append((f"{prefix}.{child.name}", child))


def _named(index: SourceIndex, module: str, namespace: dict[str, str], text: str) -> set[str]:
    """The targets the examples of one docstring name: functions, methods named through
    their class (``Class.method``), and the constructors of classes they call."""
    try:
        examples = doctest.DocTestParser().get_examples(text)
    except ValueError:
        return set()
    found: set[str] = set()
    local = dict(namespace)
    for example in examples:
        try:
            tree = ast.parse(example.source)
        except SyntaxError:
            continue
        local.update(import_aliases(tree, module, False))
        called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
        for node in ast.walk(tree):
            chain = _chain(node)
            if chain is None:
                continue
            head, *rest = chain
            base = local.get(head) or _starred(index, local, head) or f"{module}.{head}"
            resolved = index.resolve(".".join([base, *rest]))
            if resolved in index.targets:
                found.add(resolved)
            elif resolved in index.classes and id(node) in called:
                found.update(index.constructors(resolved))
    return found


def _starred(index: SourceIndex, local: dict[str, str], name: str) -> str | None:
    """``name`` as the star imports of the examples bind it (``from pkg import *``),
    where one of them gives a source function or class."""
    for key, base in local.items():
        if key.endswith(".*"):
            dotted = f"{base}.{name}"
            resolved = index.resolve(dotted)
            if resolved in index.targets or resolved in index.classes:
                return dotted
    return None


def _chain(node: ast.AST) -> list[str] | None:
    """``a.b.c`` read as ``["a", "b", "c"]``; None for anything else."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        return [node.id]
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if parts and isinstance(node, ast.Name):
        return [node.id, *parts]
    return None
