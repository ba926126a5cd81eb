"""The functions to map: every ``def`` and ``async def`` under the source roots, found by
``ast`` (nothing is imported), named ``<module>.<__qualname__>``.

Also the facts about the source the later phases need: which classes exist and what
their constructors are (a test that calls a class runs its ``__init__``), and which
source modules each module imports (a cached result depends on those files).
"""

from __future__ import annotations

import ast
import hashlib
import operator
import os
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pytest_paradisco.discover.names import ATTACHED, NameFacts, dotted_name
from pytest_paradisco.discover.names import collect as collect_names

#: Methods that run when a class is called; and ``__del__``, when the instance it made
#: dies (with CPython's reference counting, most often within the same test).
CONSTRUCTORS = ("__new__", "__init__", "__post_init__", "__del__")

_SKIP_DIRS = frozenset({"__pycache__", ".git", ".hg", ".tox", ".nox", "node_modules"})


@dataclass(frozen=True)
class SourceRoot:
    """A package directory (or a single module file) to map, and the directory it is
    imported from (its ``sys.path`` entry)."""

    path: Path
    base: Path

    def module_of(self, file: Path) -> str:
        """The dotted module name of ``file`` (a ``.py`` under this root)."""
        rel = file.relative_to(self.base).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)


@dataclass(frozen=True)
class Target:
    """One source function."""

    name: str  # pkg.mod.Class.method, pkg.mod.f.<locals>.g
    module: str
    file: str  # relative to rootdir, "/"-separated
    line: int  # the line of the ``def`` keyword (decorators above it)
    end_line: int


@dataclass(frozen=True)
class ClassInfo:
    """A source class: its qualified name, where it is, its resolved source bases and
    the constructors it defines itself."""

    name: str
    file: str
    line: int
    bases: tuple[str, ...]
    own: tuple[str, ...]  # target names of the CONSTRUCTORS it defines
    #: its ``metaclass=`` keyword, resolved (a class of the source, or not)
    metaclass: str | None = None


@dataclass
class SourceIndex:
    """Everything ``targets`` learns from the source roots."""

    rootdir: Path
    roots: tuple[SourceRoot, ...]
    targets: dict[str, Target] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)  # module -> rel file
    imports: dict[str, frozenset[str]] = field(default_factory=dict)  # module -> modules
    hashes: dict[str, str] = field(default_factory=dict)  # rel file -> content hash
    errors: list[tuple[str, str]] = field(default_factory=list)  # (rel file, message)
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)  # module -> imports
    #: function target -> (decorator, names passed to a decorator call), as dotted names:
    #: calling a decorated function runs what its decorator wrapped it in
    decorators: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=dict)
    #: function or class -> the lines of the earlier definitions of the same name, which
    #: the later one replaces (``if info: def wrapper(..) .. else: def wrapper(..)``):
    #: Jedi may land on any of them
    redefined: dict[str, list[int]] = field(default_factory=dict)
    #: the names the source binds that an attribute can reach (:func:`bound_names`)
    names: set[str] = field(default_factory=set)
    #: the attribute names the source assigns on anything but a method's ``self``
    #: (:func:`stored_names`)
    stored: set[str] = field(default_factory=set)
    #: attribute name -> the classes whose methods assign it on ``self`` (and nowhere
    #: else in the source does): an instance of an unrelated class cannot hold it
    self_stored: dict[str, set[str]] = field(default_factory=dict)
    #: function target -> what its ``return CALLEE(..)`` statements call, as dotted names
    #: (a decorator function that returns ``InstanceProperty(fget)`` makes a descriptor)
    returns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: class -> attribute -> the function called to make it, as a dotted name, for
    #: class-body assignments ``__add__ = wrap_method(int.__add__)``
    class_calls: dict[str, dict[str, str]] = field(default_factory=dict)
    #: class -> attribute -> the method of the class body it names (``visit_Block =
    #: _simple_visit``)
    class_aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    #: what the name-based edges are made of (registries, ``getattr`` by name, generated
    #: code; see :mod:`pytest_paradisco.discover.names`)
    name_facts: NameFacts = field(default_factory=NameFacts)

    def resolve(self, dotted: str, hops: int = 5) -> str:
        """Follow re-exports (``from pkg._impl import Parser`` in ``pkg/__init__.py``) from
        a dotted name to where the class or function is defined, when that is in the
        source; otherwise return ``dotted`` unchanged."""
        for _ in range(hops):
            if dotted in self.classes or dotted in self.targets:
                return dotted
            module = self.module_for(dotted)
            if module is None or module == dotted:
                return dotted
            rest = dotted[len(module) + 1 :]
            head, _, tail = rest.partition(".")
            aliases = self.aliases.get(module, {})
            target = aliases.get(head)
            if target is None:
                # `from .functoolz import *` in `toolz/__init__.py`: `toolz.curry`
                target = next(
                    (
                        found
                        for key, star in aliases.items()
                        if key.endswith(".*")
                        and (found := f"{star}.{head}") != dotted
                        and self._defines(self.resolve(found, hops - 1))
                    ),
                    None,
                )
            if target is None:
                return dotted
            dotted = f"{target}.{tail}" if tail else target
        return dotted

    def _defines(self, dotted: str) -> bool:
        return dotted in self.classes or dotted in self.targets

    def constructors(self, class_name: str) -> tuple[str, ...]:
        """The target names that run when ``class_name`` is called: for each of
        ``__new__``, ``__init__`` and ``__post_init__``, the first definition along the
        class's source bases (depth first, left to right, like a simple MRO)."""
        found: dict[str, str] = {}
        for info in self.mro(class_name):
            for target in info.own:
                method = target.rsplit(".", 1)[1]
                found.setdefault(method, target)
        return tuple(found[m] for m in CONSTRUCTORS if m in found)

    def method(self, class_name: str, method: str) -> str | None:
        """The target that ``instance.method`` runs for an instance of ``class_name``: the
        first definition along its source bases (None when only a base outside the source,
        or none, defines it)."""
        for info in self.mro(class_name):
            target = f"{info.name}.{method}"
            if target in self.targets:
                return target
        return None

    def mro(self, class_name: str) -> Iterator[ClassInfo]:
        """The class and its source bases, depth first, left to right."""
        seen: set[str] = set()
        stack = [class_name]
        while stack:
            name = self.resolve(stack.pop(0))
            if name in seen or name not in self.classes:
                continue
            seen.add(name)
            info = self.classes[name]
            yield info
            stack[0:0] = list(info.bases)

    def subclassing(
        self, class_name: str, methods: Mapping[str, Mapping[str, str]]
    ) -> tuple[str, ...]:
        """What a class statement deriving from source class ``class_name`` runs: the
        ``__init_subclass__`` the base has, and the ``__prepare__``, ``__new__`` and
        ``__init__`` of its metaclass (the first along its bases that declares one),
        where the source defines them (``methods``: the method tables)."""
        found: list[str] = []
        if (hook := methods.get(class_name, {}).get("__init_subclass__")) is not None:
            found.append(hook)
        meta = next((info.metaclass for info in self.mro(class_name) if info.metaclass), None)
        if meta is not None and (meta := self.resolve(meta)) in self.classes:
            table = methods.get(meta, {})
            found += [t for m in ("__prepare__", "__new__", "__init__") if (t := table.get(m))]
        return tuple(found)

    def module_for(self, dotted: str) -> str | None:
        """The longest source module that ``dotted`` (a module or a name in one) names."""
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in self.modules:
                return candidate
        return None

    def fingerprint(self) -> str:
        """A hash of the set of source modules and of the names of their functions and
        classes (not their lines or bodies). A cached result records the files it
        depends on; a name that appears, vanishes or moves to another file changes what
        any file could resolve, so it invalidates every result (rare next to body edits,
        which invalidate only the results that depend on the edited file)."""
        attached = [
            f"{function}{ATTACHED}.{attribute}"  # they are method names (mapper.py)
            for function, table in self.name_facts.attached.items()
            for attribute in table
        ]
        names = sorted([*self.targets, *self.classes, *attached])
        text = "\n".join(f"{m}={self.modules[m]}" for m in sorted(self.modules))
        text += "\n" + "\n".join(names)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def import_files(self, modules: Iterable[str]) -> set[str]:
        """The files of ``modules`` and of their parent packages (importing ``pkg.sub``
        runs ``pkg/__init__.py`` first), not what they import in turn."""
        files: set[str] = set()
        for module in modules:
            parts = module.split(".")
            for end in range(1, len(parts) + 1):
                name = ".".join(parts[:end])
                if name in self.modules:
                    files.add(self.modules[name])
        return files


def rel_path(path: Path, rootdir: Path) -> str:
    return os.path.relpath(path, rootdir).replace(os.sep, "/")


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]


def python_files(root: Path) -> Iterator[Path]:
    """Every ``.py`` file under ``root`` (or ``root`` itself), in a stable order."""
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield Path(dirpath) / name


class IndexStore(Protocol):
    """Where a finished index is kept between runs (cache.IndexCache), by the
    fingerprint of everything it was built from."""

    def get(self, fingerprint: str) -> SourceIndex | None: ...

    def put(self, fingerprint: str, index: SourceIndex) -> None: ...


def index_sources(
    roots: Iterable[SourceRoot],
    rootdir: Path,
    exclude: Collection[Path] = (),
    store: IndexStore | None = None,
) -> SourceIndex:
    """Parse every file under the roots and index its functions, classes and imports.
    Test files (``exclude``) and ``conftest.py`` files are test code, not targets. With a
    ``store``, an index built from the same files (paths, modules and contents), roots
    and rootdir is reused: indexing a large source by ast is most of a warm map."""
    index = SourceIndex(rootdir=rootdir, roots=tuple(roots))
    skip = {os.path.abspath(p) for p in exclude}
    read: list[tuple[str, str, bytes, SourceRoot, Path]] = []
    for root in index.roots:
        for file in python_files(root.path):
            if file.name == "conftest.py" or os.path.abspath(file) in skip:
                continue
            rel = rel_path(file, rootdir)
            if rel in index.hashes:
                continue
            data = file.read_bytes()
            index.hashes[rel] = file_hash(data)
            module = root.module_of(file)
            index.modules[module] = rel
            read.append((module, rel, data, root, file))
    fingerprint = hashlib.sha256(
        "\n".join(
            [
                str(rootdir),
                *(f"{root.path}\t{root.base}" for root in index.roots),
                *(f"{rel}\t{module}\t{index.hashes[rel]}" for module, rel, *_ in read),
            ]
        ).encode()
    ).hexdigest()
    if store is not None:
        kept = store.get(fingerprint)
        if kept is not None:
            return kept
    parsed: list[tuple[str, str, ast.Module, SourceRoot, Path]] = []
    for module, rel, data, root, file in read:
        try:
            tree = ast.parse(data, filename=str(file))
        except (SyntaxError, ValueError) as exc:
            index.errors.append((rel, f"does not parse: {_syntax_message(exc)}"))
            continue
        parsed.append((module, rel, tree, root, file))
    for module, rel, tree, _root, file in parsed:
        is_package = file.name == "__init__.py"
        aliases = import_aliases(tree, module, is_package)
        index.aliases[module] = aliases
        index.imports[module] = frozenset(
            found for name in aliases.values() if (found := index.module_for(name)) is not None
        ) - {module}
        _Collector(index, module, rel, aliases).visit(tree)
        index.names |= bound_names(tree)
        index.stored |= stored_names(tree, module, index.self_stored)
    index.name_facts = collect_names(
        index, ((module, tree, index.aliases[module]) for module, _, tree, _, _ in parsed)
    )
    if store is not None:
        store.put(fingerprint, index)
    return index


def bound_names(tree: ast.AST) -> set[str]:
    """The names a module binds that an attribute access can reach: function and class
    names, names bound at module or class level (assignments, imports, ``for``/``with``
    targets), attributes assigned (``self.x = ...``, ``setattr(o, "x", ...)``) and
    ``global`` names."""
    names: set[str] = set()
    scopes: list[tuple[ast.AST, bool]] = [(tree, True)]  # (node, binds attribute names)
    while scopes:
        node, outer = scopes.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                if not isinstance(child, ast.Lambda):
                    names.add(child.name)
                scopes.append((child, False))
                continue
            if isinstance(child, ast.ClassDef):
                names.add(child.name)
                scopes.append((child, True))
                continue
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store) and outer:
                names.add(child.id)
            elif isinstance(child, ast.Attribute) and isinstance(child.ctx, ast.Store):
                names.add(child.attr)
            elif isinstance(child, ast.alias):
                names.add((child.asname or child.name).split(".")[0])
                names.update(child.name.split("."))
            elif isinstance(child, ast.Global):
                names.update(child.names)
            elif (name := _setattr_name(child)) not in (None, "*"):
                names.add(name)
            scopes.append((child, outer))
    return names


def _setattr_name(node: ast.AST) -> str | None:
    """The name a ``setattr(x, name, ...)`` call sets (``"*"`` when it is not a string
    literal: any name); None for anything else."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "setattr"
        and len(node.args) >= 2
    ):
        return None
    name = node.args[1]
    return name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else "*"


def stored_names(
    tree: ast.AST, module: str = "", self_stored: dict[str, set[str]] | None = None
) -> set[str]:
    """The attribute names a module assigns (``x.attr = ..``, ``del x.attr``,
    ``setattr(x, "attr", ..)``; ``"*"`` for a ``setattr`` whose name is not a literal).
    With ``self_stored``, an assignment on the ``self`` (or ``cls``) of a method of a
    class goes there instead (attribute -> the classes, by ``__qualname__`` under
    ``module``), and is left out of the names returned."""
    own: set[int] = set()
    if self_stored is not None:
        for qualname, method, first in _methods_with_self(tree, module):
            for node in _own_nodes(method, first):
                if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
                    if _is_name_node(node.value, first):
                        self_stored.setdefault(node.attr, set()).add(qualname)
                        own.add(id(node))
                elif (name := _setattr_name(node)) is not None and name != "*":
                    assert isinstance(node, ast.Call)
                    if _is_name_node(node.args[0], first):
                        self_stored.setdefault(name, set()).add(qualname)
                        own.add(id(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in own:
            continue
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
            found.add(node.attr)
        elif (name := _setattr_name(node)) is not None:
            found.add(name)
    return found


def may_hold(
    cls: str,
    attribute: str,
    stored: Collection[str],
    self_stored: Mapping[str, Collection[str]],
    ancestors: Mapping[str, Sequence[str]],
) -> bool:
    """Whether an instance of source class ``cls`` may hold an instance attribute
    ``attribute``, by the source's assignments (``stored``, ``self_stored``): one on
    anything but a method's ``self``, or one on ``self`` in a method of ``cls``, of a
    source base or of a subclass. ``ancestors``: class -> it and its source bases."""
    if attribute in stored:
        return True
    mine = ancestors.get(cls, (cls,))
    return any(
        owner in mine or cls in ancestors.get(owner, ()) for owner in self_stored.get(attribute, ())
    )


def hold_entry(cls: str, attribute: str, held: bool) -> str:
    """How a result records that it relied on :func:`may_hold` (cache.py checks it)."""
    return f"{attribute}@{cls}" + ("=1" if held else "")


def parse_hold_entry(entry: str) -> tuple[str, str, bool]:
    """(class, attribute, held) of a :func:`hold_entry`."""
    body, _, held = entry.partition("=")
    attribute, _, cls = body.partition("@")
    return cls, attribute, held == "1"


def _methods_with_self(
    tree: ast.AST, module: str
) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, str]]:
    """(class ``__qualname__`` under ``module``, method, its first parameter) for each
    method of each class of ``tree`` but staticmethods and those that rebind it."""
    stack: list[tuple[ast.AST, str]] = [(tree, module)]
    while stack:
        node, prefix = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                qualname = f"{prefix}.{child.name}"
                for item in child.body:
                    if not isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        continue
                    args = [*item.args.posonlyargs, *item.args.args]
                    if not args or any(
                        isinstance(d, ast.Name) and d.id == "staticmethod"
                        for d in item.decorator_list
                    ):
                        continue
                    first = args[0].arg
                    if not _rebinds(item, first):
                        yield qualname, item, first
                stack.append((child, qualname))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                stack.append((child, f"{prefix}.{child.name}.<locals>"))
            else:
                stack.append((child, prefix))


def _own_nodes(method: ast.FunctionDef | ast.AsyncFunctionDef, first: str) -> Iterator[ast.AST]:
    """The nodes of ``method``'s body where ``first`` is its parameter: nested functions
    included, but not classes defined in it or functions that rebind the name as a
    parameter (nor their defaults and decorators, which are not body)."""
    stack: list[ast.AST] = [*method.body]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                continue
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                params = child.args
                names = [a.arg for a in (*params.posonlyargs, *params.args, *params.kwonlyargs)]
                names += [a.arg for a in (params.vararg, params.kwarg) if a is not None]
                if first in names:
                    continue
            stack.append(child)


def _rebinds(method: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    return any(
        isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load)
        for node in _own_nodes(method, name)
    )


def _is_name_node(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _syntax_message(exc: Exception) -> str:
    if isinstance(exc, SyntaxError):
        return f"{exc.msg} (line {exc.lineno})"
    return str(exc)


def resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute module of ``from <level dots><name> import ...`` inside ``module``."""
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    if name:
        parts.append(name)
    return ".".join(parts)


def import_aliases(tree: ast.AST, module: str, is_package: bool) -> dict[str, str]:
    """Local name -> the dotted name it is bound to, for every import in ``tree``
    (anywhere, including inside functions). ``import a.b`` binds ``a`` to ``a`` but
    also records ``a.b``, under the key ``a.b``, so the module is known to be used."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    aliases.setdefault(alias.name.split(".")[0], alias.name.split(".")[0])
                    aliases[alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = resolve_relative(module, is_package, node.level, node.module)
            else:
                base = node.module or ""
            aliases.setdefault(f"{base}.__module__", base)
            for alias in node.names:
                if alias.name == "*":
                    aliases[f"{base}.*"] = base
                    continue
                aliases[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    return aliases


class _Collector(ast.NodeVisitor):
    """Walk one module, tracking the ``__qualname__`` prefix."""

    def __init__(
        self, index: SourceIndex, module: str, rel: str, aliases: Mapping[str, str]
    ) -> None:
        self.index = index
        self.module = module
        self.rel = rel
        self.aliases = aliases
        self.scope: list[str] = []
        #: module-level names bound to a test of the interpreter's version (six's
        #: ``PY3 = sys.version_info[0] == 3``) -> its value here
        self.versions: dict[str, bool] = {}
        self.dead = 0  # inside a branch this interpreter never takes
        #: definitions met only in such branches so far: name -> their lines
        self.pending: dict[str, list[int]] = {}

    def _qual(self, name: str) -> str:
        return ".".join([self.module, *self.scope, name])

    def visit_Module(self, node: ast.Module) -> None:
        for stmt in node.body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and (value := version_test(stmt.value, self.versions)) is not None
            ):
                self.versions[stmt.targets[0].id] = value
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        """A branch this interpreter never takes (``if PY3: .. else: def exec_(..)``)
        defines no target: no test can run it. Its definitions of a name that a live
        branch defines too stay that target's lines (Jedi may land on either)."""
        taken = version_test(node.test, self.versions)
        if taken is None:
            self.generic_visit(node)
            return
        live, dead = (node.body, node.orelse) if taken else (node.orelse, node.body)
        for stmt in live:
            self.visit(stmt)
        self.dead += 1
        for stmt in dead:
            self.visit(stmt)
        self.dead -= 1

    def visit_Try(self, node: ast.Try) -> None:
        """``try: advance_iterator = next`` / ``except NameError: def
        advance_iterator(..)`` (six): where the ``try`` body only binds names to builtins
        this interpreter has, the ``NameError`` handlers never run and define no
        target, as a branch :meth:`visit_If` finds dead."""
        if not _builtins_only(node.body) or not all(
            _catches_name_error_only(handler) for handler in node.handlers
        ):
            self.generic_visit(node)
            return
        for stmt in [*node.body, *node.orelse, *node.finalbody]:
            self.visit(stmt)
        self.dead += 1
        for handler in node.handlers:
            for stmt in handler.body:
                self.visit(stmt)
        self.dead -= 1

    def _dead(self, name: str, line: int, live: Target | ClassInfo | None) -> None:
        if live is not None and live.file == self.rel:
            self.index.redefined.setdefault(name, []).append(line)
        else:
            self.pending.setdefault(name, []).append(line)

    def _revived(self, name: str) -> None:
        """A live definition of ``name``: the dead ones met before are its lines too."""
        dead = self.pending.pop(name, None)
        if dead:
            self.index.redefined.setdefault(name, []).extend(dead)

    def _redefines(self, name: str, earlier: Target | ClassInfo | None) -> None:
        if earlier is not None and earlier.file == self.rel:
            self.index.redefined.setdefault(name, []).append(earlier.line)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        name = self._qual(node.name)
        if self.dead:
            self._dead(name, node.lineno, self.index.targets.get(name))
            return
        self._redefines(name, self.index.targets.get(name))
        self._revived(name)
        self.index.targets[name] = Target(
            name=name,
            module=self.module,
            file=self.rel,
            line=node.lineno,
            end_line=node.end_lineno or node.lineno,
        )
        wrappers = tuple(
            (dotted, args)
            for decorator in node.decorator_list
            if (dotted := self._resolve_base(_callee(decorator))) is not None
            and (args := _named_args(decorator, self._resolve_base)) is not None
        )
        if wrappers:
            self.index.decorators[name] = wrappers
        returned = tuple(
            dict.fromkeys(
                dotted
                for value in _returned(node)
                if isinstance(value, ast.Call)
                and (dotted := self._resolve_base(value.func)) is not None
            )
        )
        if returned:
            self.index.returns[name] = returned
        self.scope += [node.name, "<locals>"]
        self.generic_visit(node)
        del self.scope[-2:]

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        name = self._qual(node.name)
        if self.dead:
            self._dead(name, node.lineno, self.index.classes.get(name))
            return
        self._revived(name)
        own = tuple(
            f"{name}.{child.name}"
            for child in node.body
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            and child.name in CONSTRUCTORS
        )
        bases = tuple(
            resolved for base in node.bases if (resolved := self._resolve_base(base)) is not None
        )
        metaclass = next(
            (self._resolve_base(k.value) for k in node.keywords if k.arg == "metaclass"), None
        )
        self._redefines(name, self.index.classes.get(name))
        self.index.classes[name] = ClassInfo(name, self.rel, node.lineno, bases, own, metaclass)
        defs = {
            child.name
            for child in node.body
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        for child in node.body:
            if (
                isinstance(child, ast.Assign)
                and isinstance(child.value, ast.Name)
                and child.value.id in defs
            ):
                # `visit_Block = _simple_visit`: another name for a method of the class
                for target in child.targets:
                    if isinstance(target, ast.Name):
                        self.index.class_aliases.setdefault(name, {})[target.id] = child.value.id
            if (
                isinstance(child, ast.Assign)
                and isinstance(child.value, ast.Call)
                and (dotted := self._resolve_base(child.value.func)) is not None
            ):
                for target in child.targets:
                    if isinstance(target, ast.Name):
                        self.index.class_calls.setdefault(name, {})[target.id] = dotted
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    def _resolve_base(self, expr: ast.expr) -> str | None:
        """A base class expression -> a dotted name (module-level class or import); a
        generic's parameterization is its class (itsdangerous' ``Serializer[str]``)."""
        if isinstance(expr, ast.Subscript):
            expr = expr.value
        return dotted_name(expr, self.module, self.aliases)


_COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def _builtins_only(body: list[ast.stmt]) -> bool:
    """Whether ``body`` is plain ``name = builtin`` assignments of builtins this
    interpreter has (``advance_iterator = next``, ``callable = callable``)."""
    import builtins

    return bool(body) and all(
        isinstance(stmt, ast.Assign)
        and all(isinstance(target, ast.Name) for target in stmt.targets)
        and isinstance(stmt.value, ast.Name)
        and hasattr(builtins, stmt.value.id)
        for stmt in body
    )


def _catches_name_error_only(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return bool(names) and all(
        isinstance(name, ast.Name) and name.id == "NameError" for name in names
    )


def version_test(expr: ast.expr, known: Mapping[str, bool]) -> bool | None:
    """What ``expr`` is in the running interpreter where it only compares its version
    (``sys.version_info >= (3, 8)``, ``sys.version_info[0] == 2``, ``.major``), or
    names in ``known`` bound to such tests, with ``not``/``and``/``or``; None for
    anything else. A map is made for one interpreter (its version keys the cache)."""
    if isinstance(expr, ast.Name):
        return known.get(expr.id)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        inner = version_test(expr.operand, known)
        return None if inner is None else not inner
    if isinstance(expr, ast.BoolOp):
        values = [version_test(value, known) for value in expr.values]
        decisive = isinstance(expr.op, ast.Or)  # the value that settles it
        if decisive in values:
            return decisive
        return (not decisive) if all(v is not None for v in values) else None
    if isinstance(expr, ast.Compare) and len(expr.ops) == 1:
        compare = _COMPARISONS.get(type(expr.ops[0]))
        left = _version_value(expr.left)
        if compare is None or left is None:
            return None
        try:
            return bool(compare(left, ast.literal_eval(expr.comparators[0])))
        except (ValueError, TypeError, SyntaxError):
            return None
    return None


def _version_value(expr: ast.expr) -> Any:
    """The value of ``sys.version_info`` (or an index, slice or field of it) here."""

    def is_version(node: ast.expr) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "version_info"
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
        )

    version = tuple(sys.version_info)
    if is_version(expr):
        return version
    if isinstance(expr, ast.Attribute) and is_version(expr.value):
        return getattr(sys.version_info, expr.attr, None)
    if isinstance(expr, ast.Subscript) and is_version(expr.value):
        index = expr.slice
        try:
            if isinstance(index, ast.Slice):
                if index.step is not None:
                    return None
                lower = ast.literal_eval(index.lower) if index.lower else None
                upper = ast.literal_eval(index.upper) if index.upper else None
                return version[lower:upper]
            return version[ast.literal_eval(index)]
        except (ValueError, TypeError, IndexError, SyntaxError):
            return None
    return None


def _returned(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.expr]:
    """The values of the ``return`` statements of ``node``'s own body (not of the
    functions and classes nested in it)."""
    todo: list[ast.AST] = list(node.body)
    while todo:
        sub = todo.pop()
        if isinstance(sub, ast.Return):
            if sub.value is not None:
                yield sub.value
        elif not isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            todo.extend(ast.iter_child_nodes(sub))


def _callee(expr: ast.expr) -> ast.expr:
    """The decorator itself: ``D`` of ``@D`` and of ``@D(...)``."""
    return expr.func if isinstance(expr, ast.Call) else expr


def _named_args(
    expr: ast.expr, resolve: Callable[[ast.expr], str | None]
) -> tuple[str, ...] | None:
    """The names passed to a decorator call (``@async_variant(sync_f)``: the wrapper may
    call ``sync_f``), as dotted names; ``()`` for a plain ``@D``."""
    if not isinstance(expr, ast.Call):
        return ()
    values = [*expr.args, *(k.value for k in expr.keywords)]
    return tuple(
        dotted
        for value in values
        if isinstance(value, ast.Name | ast.Attribute) and (dotted := resolve(value)) is not None
    )
