"""What a name means, found by ``ast`` alone where that is unambiguous, before asking Jedi.

Jedi's ``goto`` costs milliseconds to a second per name; most names a test or a source
function uses are module-level names bound once by ``def``, ``class`` or an import of a
project module, and attribute chains through such modules (``toolz.curried.map``), which
a table of each module's top-level bindings answers exactly. :class:`StaticTable` holds
that table for one process (files are read once); :meth:`StaticTable.name` and
:meth:`StaticTable.attribute` answer a :class:`Found` (a ``def``, a ``class`` or a module,
with the files read to find it) or None: ask Jedi. None whenever a name is bound more
than once, conditionally (inside ``if``/``try``/loops: ``try: from x import y except
ImportError``), by an assignment, by ``global``, or through a module that is only a
``.pyi`` stub (a stub beside the ``.py`` changes nothing: the ``.py`` runs), a module
found twice on the path or outside the project.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pytest_paradisco.discover.targets import resolve_relative

#: How many re-exports (``from .impl import f`` in ``__init__.py``) are followed.
HOPS = 8


@dataclass(frozen=True)
class Found:
    """What a name is bound to: ``kind`` "def" or "class" (at ``path``:``line``, a
    normalised absolute path) or "module" (``module``, no line)."""

    kind: str
    path: str = ""
    line: int = 0
    module: str = ""
    #: the files read to follow the name there (its re-exports)
    via: tuple[str, ...] = ()


@dataclass
class _Table:
    """The top-level bindings of one module."""

    module: str
    path: str
    is_package: bool
    #: name -> its one binding, or None when bound more than once or not simply
    names: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    #: ``from X import *``: (absolute X, index of the statement)
    stars: list[tuple[str, int]] = field(default_factory=list)
    #: name -> index of the statement that binds it (with ``stars``: which comes last)
    order: dict[str, int] = field(default_factory=dict)
    #: ``__all__`` when it is a literal list or tuple of strings; None otherwise
    exports: frozenset[str] | None = None
    has_all: bool = False


def _bind(table: _Table, name: str, binding: tuple[str, ...] | None, index: int) -> None:
    if name in table.names:
        table.names[name] = None  # bound twice: which one holds depends on the run
    else:
        table.names[name] = binding
    table.order[name] = index


def _stored(node: ast.AST) -> set[str]:
    """Every name a statement binds, however (targets, walrus, ``for``, ``with``,
    ``except ... as``, nested imports, definitions)."""
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store | ast.Del):
            names.add(sub.id)
        elif isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(sub.name)
        elif isinstance(sub, ast.alias):
            names.add((sub.asname or sub.name).split(".")[0])
        elif (isinstance(sub, ast.ExceptHandler) and sub.name) or (
            isinstance(sub, ast.MatchAs | ast.MatchStar) and sub.name
        ):
            names.add(sub.name)
    return names


def module_table(tree: ast.Module, module: str, path: str, is_package: bool) -> _Table:
    """The top-level bindings of ``tree`` (the module ``module`` at ``path``)."""
    table = _Table(module, path, is_package)
    for index, stmt in _top_statements(tree):
        if overloads(stmt):
            continue  # the implementation that follows is what the name holds
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            kind = "class" if isinstance(stmt, ast.ClassDef) else "def"
            _bind(table, stmt.name, (kind, str(stmt.lineno)), index)
            continue
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    _bind(table, alias.asname, ("module", alias.name), index)
                else:
                    head = alias.name.split(".")[0]
                    _bind(table, head, ("module", head), index)
            continue
        if isinstance(stmt, ast.ImportFrom):
            base = (
                resolve_relative(module, is_package, stmt.level, stmt.module)
                if stmt.level
                else stmt.module or ""
            )
            for alias in stmt.names:
                if alias.name == "*":
                    table.stars.append((base, index))
                else:
                    _bind(table, alias.asname or alias.name, ("from", base, alias.name), index)
            continue
        if (
            isinstance(stmt, ast.Assign | ast.AnnAssign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in _targets(stmt))
            and not table.has_all
        ):
            table.has_all = True
            value = stmt.value
            if isinstance(value, ast.List | ast.Tuple) and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
            ):
                table.exports = frozenset(str(e.value) for e in value.elts)  # type: ignore[attr-defined]
        for name in _stored(stmt):
            _bind(table, name, None, index)
    for sub in ast.walk(tree):
        if isinstance(sub, ast.Global):
            for name in sub.names:
                _bind(table, name, None, len(tree.body))
    return table


def overloads(stmt: ast.stmt) -> bool:
    """Is ``stmt`` a ``def`` decorated ``@overload`` (``typing.overload``, ``t.overload``)?"""
    return isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and any(
        (isinstance(d, ast.Name) and d.id == "overload")
        or (isinstance(d, ast.Attribute) and d.attr == "overload")
        for d in stmt.decorator_list
    )


def _top_statements(tree: ast.Module) -> list[tuple[int, ast.stmt]]:
    """The module's statements with their index, those of an ``if TYPE_CHECKING:``
    block (without ``else``) among them: imports made for annotations (``if
    t.TYPE_CHECKING: from .parser import Parser`` ... ``parser: "Parser"``), which
    Jedi follows as well."""
    found: list[tuple[int, ast.stmt]] = []
    for index, stmt in enumerate(tree.body):
        test = stmt.test if isinstance(stmt, ast.If) else None
        checking = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        )
        if isinstance(stmt, ast.If) and checking and not stmt.orelse:
            found += [(index, sub) for sub in stmt.body]
        else:
            found.append((index, stmt))
    return found


def _targets(stmt: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return list(stmt.targets) if isinstance(stmt, ast.Assign) else [stmt.target]


class StaticTable:
    """The module tables of one process, and the lookups through them."""

    def __init__(self, bases: Sequence[str], inside: str) -> None:
        #: the import paths of the project, in Jedi's order (its added paths first)
        self.bases = [b for b in dict.fromkeys(bases) if b]
        #: a module found outside this directory is not the project's: ask Jedi
        self.inside = inside.rstrip(os.sep) + os.sep
        self._tables: dict[str, _Table | None] = {}
        self._files: dict[str, str | None] = {}

    # -- modules

    def file_of(self, module: str) -> str | None:
        """The ``.py`` file of the project module ``module``; None when it is not there,
        is found under two import paths, is only a ``.pyi`` stub or lies outside the
        project."""
        if module in self._files:
            return self._files[module]
        found: list[str] = []
        rel = module.replace(".", os.sep)
        for base in self.bases:
            here = [
                os.path.realpath(candidate)
                for candidate in (
                    os.path.join(base, rel + ".py"),
                    os.path.join(base, rel, "__init__.py"),
                )
                if os.path.isfile(candidate)
            ]
            found += here
            # a stub beside the module (more-itertools ships `more.pyi` beside
            # `more.py`) types it for checkers; what runs is the module. A stub alone
            # stands for code ast cannot read (a compiled extension): Jedi's
            stub = os.path.join(base, rel + ".pyi")
            if not here and (
                os.path.isfile(stub) or os.path.isfile(os.path.join(base, rel, "__init__.pyi"))
            ):
                found.append(stub)
        unique = set(found)
        path = next(iter(unique)) if len(unique) == 1 else None
        if path is not None and (not path.startswith(self.inside) or path.endswith(".pyi")):
            path = None
        if path is not None and _in_site_packages(path):
            path = None
        self._files[module] = path
        return path

    def table(self, module: str) -> _Table | None:
        if module not in self._tables:
            self._tables[module] = None
            path = self.file_of(module)
            if path is not None:
                try:
                    tree = ast.parse(Path(path).read_bytes(), filename=path)
                except (SyntaxError, ValueError, OSError):
                    tree = None
                if tree is not None:
                    is_package = os.path.basename(path) == "__init__.py"
                    self._tables[module] = module_table(tree, module, path, is_package)
        return self._tables[module]

    def install(self, table: _Table) -> None:
        """A module already parsed by the caller (the file under analysis)."""
        self._tables.setdefault(table.module, table)

    # -- lookups

    def lookup(self, table: _Table, name: str, hops: int = HOPS) -> Found | None:
        """What ``name`` at the top level of ``table``'s module is bound to."""
        if hops <= 0:
            return None
        binding = table.names.get(name, ())
        if binding is None:
            return None  # bound twice, conditionally or by an assignment: Jedi
        found = self._binding(table, binding, hops) if binding else self._starred(table, name, hops)
        if found is None:
            return None
        if binding and not self._kept(table, name, found, hops):
            return None
        return Found(found.kind, found.path, found.line, found.module, (table.path, *found.via))

    def imported(self, table: _Table, module: str, name: str) -> Found | None:
        """What ``from module import name`` in ``table``'s module binds, whatever the
        module binds the name to later (``module`` absolute)."""
        found = self._binding(table, ("from", module, name), HOPS)
        if found is None:
            return None
        return Found(found.kind, found.path, found.line, found.module, (table.path, *found.via))

    def _kept(self, table: _Table, name: str, found: Found, hops: int) -> bool:
        """Whether the star imports after ``name``'s binding in ``table`` leave it bound
        to ``found``: none of them exports the name, or each re-exports that same
        definition (pyparsing's core.py imports ``replaced_by_pep8`` from ``.util``,
        then ``from .actions import *``, which imported it from there too)."""
        for base, index in table.stars:
            if index < table.order[name]:
                continue
            source = self.table(base)
            if source is None or (source.has_all and source.exports is None):
                return False  # unreadable, or a computed __all__
            if source.exports is not None and name not in source.exports:
                continue
            if source.exports is None and (
                name.startswith("_") or (name not in source.names and not source.stars)
            ):
                continue
            again = self.lookup(source, name, hops - 1)
            if again is None or (again.kind, again.path, again.line, again.module) != (
                found.kind,
                found.path,
                found.line,
                found.module,
            ):
                return False
        return True

    def _binding(self, table: _Table, binding: tuple[str, ...], hops: int) -> Found | None:
        kind = binding[0]
        if kind in ("def", "class"):
            return Found(kind, table.path, int(binding[1]))
        if kind == "module":
            return Found("module", module=binding[1]) if self.file_of(binding[1]) else None
        base, name = binding[1], binding[2]
        source = self.table(base)
        if source is None:
            return None  # outside the project (or ambiguous): Jedi
        submodule = f"{base}.{name}"
        if source.is_package and self.file_of(submodule) is not None:
            if name in source.names and source is not table:
                return None  # both a submodule and a name of the package
            return Found("module", module=submodule)
        return self.lookup(source, name, hops - 1)

    def _starred(self, table: _Table, name: str, hops: int) -> Found | None:
        """A name not bound in ``table`` itself: from one of its star imports, if exactly
        one of them exports it (else, or when one cannot be read, None)."""
        candidates: list[Found] = []
        for base, _ in table.stars:
            source = self.table(base)
            if source is None:
                return None
            if source.has_all and source.exports is None:
                return None  # a computed __all__
            exported = (
                name in source.exports if source.exports is not None else not name.startswith("_")
            )
            if not exported:
                continue
            if name not in source.names and not source.stars:
                continue
            found = self.lookup(source, name, hops - 1)
            if found is None:
                return None
            candidates.append(found)
        if len(candidates) != 1:
            return None
        return candidates[0]

    def attribute(self, found: Found, attr: str) -> Found | None:
        """``X.attr`` for ``X`` a module: the name in it, or its submodule."""
        if found.kind != "module":
            return None
        table = self.table(found.module)
        if table is None:
            return None
        submodule = f"{found.module}.{attr}"
        if table.is_package and self.file_of(submodule) is not None:
            if attr in table.names:
                return None
            return Found("module", module=submodule, via=found.via)
        result = self.lookup(table, attr)
        if result is None:
            return None
        return Found(result.kind, result.path, result.line, result.module, found.via + result.via)


def _in_site_packages(path: str) -> bool:
    return "site-packages" in path or "dist-packages" in path
