"""Jedi over one test file: which source functions each test function references.

:func:`analyse_file` is the per-file unit of work: a top-level function from a small
picklable :class:`FileTask` to a small picklable :class:`FileResult`, so the same code
runs in-process (``--paradisco-workers=0``) and in a worker process. The facts that are
the same for every file (the target index, the Jedi project) are installed once per
process by :func:`init_worker`.

What a test function references, followed as pytest runs it:

- the names in its body, resolved with Jedi's ``goto`` (through imports, aliases and
  inferred types: ``p = Parser(); p.feed()`` reaches ``Parser.feed``, and a fixture
  parameter is typed by its fixture's return value);
- a call of a source class reaches its constructors (``__new__``, ``__init__``,
  ``__post_init__``, inherited ones included);
- the fixtures it requests (parameters and ``usefixtures``), transitively, and every
  autouse fixture in scope: the module's, its class's and those of the ``conftest.py``
  files above it;
- its class's ``setUp``/``setup_method``/... and ``tearDown``/... methods, and the
  module's ``setup_module``/``setup_function``;
- helper functions and methods of the test code (in the file, a conftest or a helper
  module of the project), followed into their bodies;
- the dunders that syntax calls on a value of a source class (``with``, iteration,
  subscripts, operators, comparisons, truth tests, ``len()``/``str()``/...; see
  :func:`_syntax_sites`), looked up along the class's source bases (the value's type from
  Jedi's ``infer``, a local's where it is bound; a call's value from what the callee
  returns); property getters and descriptors' ``__get__``; and what a called value
  holds: a source function, an instance's ``__call__``, a class alias's constructors.

Each file gets one ``jedi.Script`` whose memoised inferences are dropped before each
function: inference degrades within one long-lived Script (a fixture parameter inferred
early in a file is not inferred a few hundred lines later, a memoised answer cut short
by one of Jedi's recursion limits), while the modules it loaded (the project's,
typeshed's) are what a fresh Script would pay for again.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import copy
import fnmatch
import functools
import gc
import os
import re
import sys
import time
import tokenize
from collections.abc import Callable, Hashable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar, cast

from pytest_paradisco.discover import jedi_scope
from pytest_paradisco.discover.imports import module_name
from pytest_paradisco.discover.names import ATTR, attr_target
from pytest_paradisco.discover.static import Found, StaticTable, module_table, overloads
from pytest_paradisco.discover.static import _Table as StaticModule
from pytest_paradisco.discover.targets import (
    bound_names,
    hold_entry,
    import_aliases,
    may_hold,
    resolve_relative,
)

#: Prefix of the pseudo-targets that say "may construct an instance of this source
#: class" (``new:pkg.mod.Class``: the class is called or named): they travel with a
#: result's pairs and call edges, so the closure dispatches to an override only for
#: classes the test can construct.
NEW = "new:"

#: Prefix of the pseudo-targets that say "runs this function, but not by a reference of
#: the test's own" (``runs:pkg.mod.deco.<locals>.wrapper``, what a source decorator made
#: of a test helper): the function joins the test's closure, never its ``direct`` pairs.
RUNS = "runs:"

T = TypeVar("T")

#: How deep helper functions of the test code are followed.
HELPER_DEPTH = 6

_SETUP_CLASS = (
    "setUp",
    "tearDown",
    "asyncSetUp",
    "asyncTearDown",
    "setUpClass",
    "tearDownClass",
    "setup_method",
    "teardown_method",
    "setup_class",
    "teardown_class",
)
_SETUP_MODULE = (
    "setup_module",
    "teardown_module",
    "setUpModule",
    "tearDownModule",
    "setup_function",
    "teardown_function",
)


@dataclass(frozen=True)
class Context:
    """What every file's analysis needs, sent once to each worker process."""

    rootdir: str
    sys_path: tuple[str, ...]
    #: (normalised absolute path, line of ``def``) -> target name
    functions: Mapping[tuple[str, int], str]
    #: (normalised absolute path, line of ``class``) -> the class's constructor targets
    classes: Mapping[tuple[str, int], tuple[str, ...]]
    #: Jedi ``full_name`` -> target names, for definitions reached through a ``.pyi`` stub
    by_name: Mapping[str, tuple[str, ...]]
    #: target name -> normalised absolute path of its file
    files: Mapping[str, str]
    source_dirs: tuple[str, ...]
    python_functions: tuple[str, ...] = ("test",)
    python_classes: tuple[str, ...] = ("Test",)
    #: source class -> method name -> the target an instance runs for it, inherited
    #: ones included
    methods: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: (normalised absolute path, line of ``class``) -> the source class's name
    class_names: Mapping[tuple[str, int], str] = field(default_factory=dict)
    #: source class -> what a class statement deriving from it runs: its
    #: ``__init_subclass__``, its metaclass's ``__new__``/``__init__`` (SourceIndex.subclassing)
    subclassing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Whether names ast can follow are followed without Jedi (static.py); off, Jedi
    #: answers every name (the benchmarks and the tests compare the two)
    static: bool = True
    #: Attribute names the source assigns (``x.attr = ..``, ``setattr(x, "attr", ..)``)
    #: on anything but a method's ``self``: ``self.attr`` may then be that instance
    #: attribute too, so Jedi answers it
    stored: frozenset[str] = frozenset()
    #: attribute name -> the source classes whose methods assign it on ``self``: only
    #: their instances (and their subclasses') may hold such an attribute
    self_stored: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: Jedi's (parso's) on-disk parse cache, one sub-directory per worker slot: parso
    #: writes its pickles in place, so two processes sharing one directory read each
    #: other's half-written files (EOFError) on a cold cache.
    jedi_cache: str | None = None
    #: Whether parso writes its parse trees to ``jedi_cache`` as it parses: pickling a
    #: large tree (typeshed's ``builtins.pyi``) costs more than parsing it, which pays
    #: off only when a later run reads it back (not when the directory is temporary).
    jedi_pickle: bool = True
    #: The names the source defines that an attribute can reach (:func:`defined_names`);
    #: with those of the test code a file can reach (itself, its conftests and helpers),
    #: Jedi is asked about ``x.attr`` only when ``attr`` is one of them, as only such an
    #: attribute can lead to a target or to test code. None: ask always.
    names: frozenset[str] | None = None
    #: The method names of the source classes: an attribute of one that Jedi resolves
    #: to nothing becomes an ``attr:`` pseudo-target (see :mod:`.names`).
    method_names: frozenset[str] = frozenset()
    #: source class -> the class and its source bases, in method resolution order
    ancestors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: source class -> the ``collections.abc`` classes it derives from (``ABC_MIXINS``)
    abcs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The test files being mapped (normalised absolute paths): test code even inside a
    #: source directory (toolz keeps its tests in ``toolz/tests/``), as are conftests
    test_files: frozenset[str] = frozenset()
    #: Top-level modules outside the project that Jedi follows besides the default ones
    #: (``all``: every import): see :mod:`.jedi_scope`
    follow: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileTask:
    """One file to analyse: a test file, or (``kind="source"``) a source file whose
    functions' calls make the source call graph."""

    path: str  # absolute
    rel: str  # relative to rootdir, "/"-separated: the node id prefix
    conftests: tuple[str, ...] = ()  # absolute, rootdir first
    kind: str = "test"
    #: the test code it may reach besides itself and its conftests: helper modules of
    #: the project it imports (absolute); their names join :attr:`Context.names`
    helpers: tuple[str, ...] = ()
    #: A large file is analysed as ``parts`` tasks, so that workers share it: this one
    #: takes the ``part``-th contiguous share of its test functions (of its functions,
    #: for a source file). A file's result is the union of its parts' results.
    part: int = 0
    parts: int = 1


@dataclass(frozen=True)
class FileResult:
    """What one test file's analysis found (all values picklable and JSON-able)."""

    rel: str
    tests: tuple[str, ...]  # node ids of its test functions, without parametrize ids
    pairs: tuple[tuple[str, str], ...]  # (test node id, target name), sorted
    files: tuple[str, ...]  # source files of the targets reached (normalised absolute)
    errors: tuple[tuple[str, str], ...] = ()  # (kind, message)
    seconds: float = 0.0
    #: attribute names the analysis did not ask Jedi about because the project defined
    #: no such name then (:attr:`Context.names`): once the source defines one, the
    #: result is stale even if no file it depends on changed
    unasked: tuple[str, ...] = ()
    #: method names ``self.name`` (or ``x.name`` of a local ast types) was followed to
    #: by ``ast`` because no source code assigned such an attribute
    #: (:attr:`Context.stored`): once the source assigns one, the result is stale
    unstored: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "rel": self.rel,
            "tests": list(self.tests),
            "pairs": [list(p) for p in self.pairs],
            "files": list(self.files),
            "errors": [list(e) for e in self.errors],
            "seconds": self.seconds,
            "unasked": list(self.unasked),
            "unstored": list(self.unstored),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FileResult:
        return cls(
            rel=str(data["rel"]),
            tests=tuple(str(t) for t in data["tests"]),
            pairs=tuple((str(a), str(b)) for a, b in data["pairs"]),
            files=tuple(str(f) for f in data["files"]),
            errors=tuple((str(a), str(b)) for a, b in data["errors"]),
            seconds=float(data["seconds"]),
            unasked=tuple(str(n) for n in data["unasked"]),
            unstored=tuple(str(n) for n in data["unstored"]),
        )


def norm(path: str | os.PathLike[str]) -> str:
    """One spelling per file, so Jedi's paths and ours compare equal."""
    return os.path.normcase(os.path.realpath(path))


def defined_names(path: str | os.PathLike[str]) -> set[str]:
    """The names of one file of the project that an attribute access can reach (see
    :func:`~pytest_paradisco.discover.targets.bound_names`); a file that cannot be read
    or parsed gives nothing."""
    try:
        tree = ast.parse(_decode(Path(path).read_bytes()))
    except (SyntaxError, OSError, ValueError):
        return set()
    return bound_names(tree)


def _share(items: list[T], task: FileTask) -> list[T]:
    """The task's contiguous share of a file's ``items`` (all of them for a whole file)."""
    count = len(items)
    return items[count * task.part // task.parts : count * (task.part + 1) // task.parts]


def _attribute_at(module: _Module, line: int, column: int) -> str | None:
    """The attribute name that starts at (line, character column) of ``module``, when a
    ``.`` comes right before it; None for a plain name (or a spelling not recognised)."""
    if line - 1 >= len(module.lines):
        return None
    text = module.lines[line - 1].decode("utf-8", errors="replace")
    if column < 1 or text[column - 1] != ".":
        return None
    end = column
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[column:end]


# -- per-process state: one Analyzer per worker process (or per in-process mapping run)

_ANALYZER: list[Analyzer] = []
_JEDI_CACHE: list[str] = []  # the cache directory this process had before init_worker
_JEDI_DYNAMIC: list[bool] = []  # and its dynamic_params_for_other_modules
_PARSO_SAVE: list[Any] = []  # parso's own writer, while ours (which writes nothing) is in
_GC_THRESHOLD: list[tuple[int, ...]] = []  # the collector's thresholds before init_worker

#: The cyclic collector's thresholds while mapping. Jedi allocates millions of small
#: objects that live as long as their Script, and at the default thresholds (700, 10,
#: 10) the collector ran about 4,300 times in a cold in-process map of click, 7 to 8 of
#: its 55 to 70 s; at these, 43 times and 3.5 s (pytest's own collections at the end of
#: the session included), the mapping 10% faster. Cyclic garbage is still collected.
GC_THRESHOLD = (50_000, 50, 1_000)


def init_worker(context: Context, slot: int = 0) -> None:
    """Install ``context`` in this process (a pool initializer, or the in-process run)."""
    if context.jedi_cache is not None:
        import jedi.settings  # type: ignore[import-untyped]

        if not _JEDI_CACHE:
            _JEDI_CACHE.append(jedi.settings.cache_directory)
        jedi.settings.cache_directory = os.path.join(context.jedi_cache, f"worker-{slot}")
    import jedi.settings

    if not _JEDI_DYNAMIC:
        _JEDI_DYNAMIC.append(jedi.settings.dynamic_params_for_other_modules)
    # A parameter is typed from the calls in its own module only: searching every module
    # of the project for calls took a quarter of the CPU time on boltons
    jedi.settings.dynamic_params_for_other_modules = False
    import parso.cache

    if not context.jedi_pickle and not _PARSO_SAVE:
        _PARSO_SAVE.append(parso.cache._save_to_file_system)
        parso.cache._save_to_file_system = _no_save
    elif context.jedi_pickle and _PARSO_SAVE:
        parso.cache._save_to_file_system = _PARSO_SAVE.pop()
    jedi_scope.install(
        (
            context.rootdir,
            *context.sys_path,
            *sorted({os.path.dirname(path) for path in context.test_files}),
        ),
        context.follow,
    )
    if not _GC_THRESHOLD:
        _GC_THRESHOLD.append(gc.get_threshold())
        gc.set_threshold(*GC_THRESHOLD)
    _ANALYZER[:] = [Analyzer(context)]


def _no_save(*args: Any, **kwargs: Any) -> None:
    """parso's pickle writer, when nothing would read the pickles back."""


def reset_worker() -> None:
    """Drop the in-process state after an in-process run (the target index can be big)
    and give Jedi its own cache directory back."""
    _ANALYZER.clear()
    jedi_scope.uninstall()
    if _GC_THRESHOLD:
        gc.set_threshold(*_GC_THRESHOLD.pop())
    if not _JEDI_CACHE and not _JEDI_DYNAMIC:
        return  # never initialised here: Jedi need not be imported
    import jedi.settings

    if _JEDI_CACHE:
        jedi.settings.cache_directory = _JEDI_CACHE.pop()
    if _JEDI_DYNAMIC:
        jedi.settings.dynamic_params_for_other_modules = _JEDI_DYNAMIC.pop()
    if _PARSO_SAVE:
        import parso.cache

        parso.cache._save_to_file_system = _PARSO_SAVE.pop()


def analyse_file(task: FileTask) -> FileResult:
    """The per-file unit of work. Never raises for a bad file: a file that does not
    parse or on which Jedi raises comes back with ``errors`` and what could be found."""
    if not _ANALYZER:
        raise RuntimeError("init_worker() was not called in this process")
    return _ANALYZER[0].analyse(task)


# -- the test file model (ast)


@dataclass
class _Fixture:
    name: str
    file: str  # normalised absolute path
    node: ast.FunctionDef | ast.AsyncFunctionDef
    autouse: bool
    params: tuple[str, ...]


@dataclass
class _Module:
    """One parsed file of the test code (a test file, a conftest or a helper module)."""

    path: str
    text: str
    tree: ast.Module
    lines: list[bytes]
    fixtures: dict[str, _Fixture] = field(default_factory=dict)
    class_fixtures: dict[str, dict[str, _Fixture]] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    #: names bound at module level (definitions, imports, assignments)
    globals: set[str] = field(default_factory=set)
    #: names bound by importing a module from outside the project (stdlib, site-packages)
    external: set[str] = field(default_factory=set)
    #: every import's local name -> the dotted name it binds (see ``import_aliases``)
    imports: dict[str, str] = field(default_factory=dict)
    #: ("def" or "class", line) -> the first such statement at that line (:meth:`def_at`)
    statements: dict[tuple[str, int], ast.AST] | None = None
    #: the names of its functions that have ``@overload``s (:func:`_overloaded`)
    overloaded: set[str] | None = None

    def def_at(self, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The ``def`` at ``line`` (of its keyword: decorators come before it)."""
        found = self._statements().get(("def", line))
        return found if isinstance(found, ast.FunctionDef | ast.AsyncFunctionDef) else None

    def class_at(self, line: int) -> ast.ClassDef | None:
        found = self._statements().get(("class", line))
        return found if isinstance(found, ast.ClassDef) else None

    def _statements(self) -> dict[tuple[str, int], ast.AST]:
        if self.statements is None:
            self.statements = {}
            for node in ast.walk(self.tree):  # (the first at a line, as a walk meets them)
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.statements.setdefault(("def", node.lineno), node)
                elif isinstance(node, ast.ClassDef):
                    self.statements.setdefault(("class", node.lineno), node)
        return self.statements

    def char_col(self, line: int, byte_col: int) -> int:
        """ast columns are UTF-8 byte offsets; Jedi wants characters."""
        if line - 1 >= len(self.lines):
            return byte_col
        return len(self.lines[line - 1][:byte_col].decode("utf-8", errors="replace"))

    def attribute_position(self, node: ast.Attribute) -> tuple[int, int]:
        """(line, character column) of the name of ``node``'s attribute, where Jedi is
        asked about it (callers check that ``node`` has its end position)."""
        line = node.end_lineno or node.lineno
        start = (node.end_col_offset or 0) - len(node.attr.encode("utf-8"))
        return line, self.char_col(line, start)


@functools.lru_cache(maxsize=4096)
def _outside(top: str, bases: tuple[str, ...]) -> bool:
    """Is the top-level module ``top`` found in none of the project's import paths
    (so it comes from the standard library or site-packages)?"""
    if not top:
        return False
    for base in bases:
        stem = os.path.join(base, top)
        if os.path.isdir(stem) or os.path.isfile(stem + ".py"):
            return False
    return True


def _decode(data: bytes) -> str:
    encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
    return data.decode(encoding)


def _level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a module's or class's body, those inside its ``if``/``else``,
    ``try`` and ``with`` blocks among them: what they define is at that level too
    (boltons' tests sit under ``if '__pypy__' not in sys.builtin_module_names:``)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from _level([*stmt.body, *stmt.orelse])
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":  # (3.11's)
            block: Any = stmt
            handlers = [s for handler in block.handlers for s in handler.body]
            yield from _level([*block.body, *handlers, *block.orelse, *block.finalbody])
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            yield from _level(stmt.body)


def _enclosing_class(body: list[ast.stmt], line: int) -> ast.ClassDef | None:
    """The innermost class whose body holds ``line`` (classes in classes too)."""
    for stmt in _level(body):
        if isinstance(stmt, ast.ClassDef) and stmt.lineno <= line <= (stmt.end_lineno or 0):
            return _enclosing_class(stmt.body, line) or stmt
    return None


def _class_assignment(
    module: _Module, line: int, variable: str
) -> tuple[ast.Assign, ast.ClassDef] | None:
    """The ``variable = ..`` of a class body that spans ``line``, and its class."""
    owner = _enclosing_class(module.tree.body, line)
    if owner is None:
        return None
    for stmt in _level(owner.body):
        if (
            isinstance(stmt, ast.Assign)
            and stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno)
            and len(stmt.targets) == 1
            and _is_name(stmt.targets[0], variable)
        ):
            return stmt, owner
    return None


def _load_module(path: str, project: tuple[str, ...] = ()) -> _Module:
    data = Path(path).read_bytes()
    text = _decode(data)
    tree = ast.parse(text, filename=path)
    module = _Module(path, text, tree, text.encode("utf-8").splitlines())
    name, base = module_name(Path(path))
    module.imports = import_aliases(tree, name, Path(path).name == "__init__.py")
    for local, dotted in module.imports.items():
        if "." not in local and _outside(dotted.split(".")[0], (str(base), *project)):
            module.external.add(local)
    # the module's own scope (a function's or class body's names are not globals, but
    # for `global x`): test_termui.py's `next = __next__` in a class does not hide the
    # builtin `next` from the module's functions
    todo: list[ast.AST] = list(tree.body)
    while todo:
        sub = todo.pop()
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            module.globals.add(sub.id)
        elif isinstance(sub, ast.Global):
            module.globals.update(sub.names)
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            todo += [g for g in ast.walk(sub) if isinstance(g, ast.Global)]
            continue
        todo.extend(ast.iter_child_nodes(sub))
    for node in _level(tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            module.globals.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            module.globals.update((a.asname or a.name).split(".")[0] for a in node.names)
    for node in _level(tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            fixture = _as_fixture(node, path, method=False)
            if fixture is not None:
                module.fixtures[fixture.name] = fixture
        elif isinstance(node, ast.ClassDef):
            module.classes[node.name] = node
            own: dict[str, _Fixture] = {}
            for child in _level(node.body):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    fixture = _as_fixture(child, path, method=True)
                    if fixture is not None:
                        own[fixture.name] = fixture
            module.class_fixtures[node.name] = own
    return module


def _binds_none(stmt: ast.stmt) -> bool:
    """Whether a class-body statement binds names to ``None`` only (``x = None``,
    ``x = y = None``, ``x: T | None = None``)."""
    if isinstance(stmt, ast.Assign):
        targets, value = stmt.targets, stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        targets, value = [stmt.target], stmt.value
    else:
        return False
    return (
        isinstance(value, ast.Constant)
        and value.value is None
        and all(isinstance(target, ast.Name) for target in targets)
    )


def _bound_in_class(stmt: ast.stmt) -> set[str]:
    """The names one statement of a class body binds in the class namespace."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {stmt.name}
    names: set[str] = set()
    todo: list[ast.AST] = [stmt]
    while todo:
        sub = todo.pop()
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(sub.name)
            continue
        if isinstance(sub, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp):
            continue
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            names.add(sub.id)
        elif isinstance(sub, ast.alias):
            names.add((sub.asname or sub.name).split(".")[0])
        todo.extend(ast.iter_child_nodes(sub))
    return names


def _decorator_name(expr: ast.expr) -> str:
    if isinstance(expr, ast.Call):
        expr = expr.func
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return expr.id
    return ""


def _as_fixture(
    node: ast.FunctionDef | ast.AsyncFunctionDef, path: str, *, method: bool
) -> _Fixture | None:
    for decorator in node.decorator_list:
        if _decorator_name(decorator) != "fixture":
            continue
        name, autouse = node.name, False
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                value = keyword.value
                if keyword.arg == "name" and isinstance(value, ast.Constant):
                    name = str(value.value)
                if keyword.arg == "autouse" and isinstance(value, ast.Constant):
                    autouse = bool(value.value)
        return _Fixture(name, path, node, autouse, _params(node, method=method))
    return None


def _params(node: ast.FunctionDef | ast.AsyncFunctionDef, *, method: bool) -> tuple[str, ...]:
    args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    names = [a.arg for a in args]
    if method and names and names[0] in ("self", "cls"):
        names = names[1:]
    return tuple(names)


def _fixture_named(name: str, scopes: list[dict[str, _Fixture]]) -> _Fixture | None:
    """The fixture ``name`` means for a test: the first of its scopes (nearest first)
    that defines it."""
    return next((scope[name] for scope in scopes if name in scope), None)


def _usefixtures(decorators: list[ast.expr]) -> list[str]:
    names: list[str] = []
    for decorator in decorators:
        if isinstance(decorator, ast.Call) and _decorator_name(decorator) == "usefixtures":
            names.extend(
                str(arg.value)
                for arg in decorator.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            )
    return names


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    """pytest's rule for python_functions/python_classes: a prefix, or a glob."""
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            if fnmatch.fnmatch(name, pattern):
                return True
        elif name.startswith(pattern):
            return True
    return False


@dataclass(frozen=True)
class _Test:
    nodeid: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    classes: tuple[ast.ClassDef, ...]  # enclosing test classes, outermost first
    #: the module that defines ``node``, where it is not the test file (a method the
    #: test class inherits from a class of another module)
    home: _Module | None = field(default=None, compare=False)
    #: the module that defines ``classes[-1]``, where it is not the test file (a test
    #: class the test file imports)
    class_home: _Module | None = field(default=None, compare=False)


#: A class's base defined in another module -> its ``class`` and that module, or None
_Resolve = Callable[[ast.expr, "_Module"], "tuple[ast.ClassDef, _Module] | None"]
#: A name a test module imports -> the ``def`` or ``class`` of the project it names and
#: that one's module, or None
_Imported = Callable[
    [str, "_Module"],
    "tuple[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, _Module] | None",
]


def _base_classes(
    node: ast.ClassDef, module: _Module, resolve: _Resolve | None
) -> Iterator[tuple[ast.ClassDef, _Module]]:
    """The bases of a class that are classes of its module or, through ``resolve``, of
    another module of the project. A base named as the class itself is the name's
    binding before the class statement, an import (pyflakes' ``from
    pyflakes.test.test_imports import Test as TestImports`` ... ``class
    TestImports(_DoctestMixin, TestImports)``)."""
    for base in node.bases:
        if (
            isinstance(base, ast.Name)
            and base.id in module.classes
            and module.classes[base.id] is not node
        ):
            yield module.classes[base.id], module
        elif resolve is not None and (found := resolve(base, module)) is not None:
            yield found


def _is_unittest(
    node: ast.ClassDef,
    module: _Module,
    resolve: _Resolve | None = None,
    seen: frozenset[tuple[str, int]] = frozenset(),
) -> bool:
    """Does the class derive from a ``TestCase``, named so among its bases or theirs?"""
    if any(_decorator_name(base).endswith("TestCase") for base in node.bases):
        return True
    seen |= {(module.path, node.lineno)}
    return any(
        _is_unittest(base, home, resolve, seen)
        for base, home in _base_classes(node, module, resolve)
        if (home.path, base.lineno) not in seen
    )


def _class_members(
    node: ast.ClassDef,
    module: _Module,
    resolve: _Resolve | None = None,
    seen: frozenset[tuple[str, int]] = frozenset(),
) -> dict[str, tuple[ast.FunctionDef | ast.AsyncFunctionDef, _Module]]:
    """The methods of a class, with those it inherits from classes of the same file and,
    through ``resolve``, of other modules (cachetools' ``class LRUCacheTest(TestCase,
    CacheTestMixin)``, its tests in the mixin of ``tests/__init__.py``): name -> the
    ``def`` and its module."""
    members: dict[str, tuple[ast.FunctionDef | ast.AsyncFunctionDef, _Module]] = {}
    seen |= {(module.path, node.lineno)}
    for base, home in reversed(list(_base_classes(node, module, resolve))):
        if (home.path, base.lineno) not in seen:
            members.update(_class_members(base, home, resolve, seen))
    for child in _level(node.body):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            members[child.name] = (child, module)
    return members


def _collected(node: ast.ClassDef, module: _Module, resolve: _Resolve | None = None) -> bool:
    """What pytest reads off ``__test__`` for a class: the class body's own binding of
    it to a constant, else the first base's along the bases (in its file or, through
    ``resolve``, another) that binds it, else True."""
    said = _test_attribute(node, module, resolve, frozenset())
    return True if said is None else said


def _test_attribute(
    node: ast.ClassDef, module: _Module, resolve: _Resolve | None, seen: frozenset[tuple[str, int]]
) -> bool | None:
    for stmt in _level(node.body):
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__test__" for t in stmt.targets)
            and isinstance(stmt.value, ast.Constant)
        ):
            return bool(stmt.value.value)
    seen |= {(module.path, node.lineno)}
    for base, home in _base_classes(node, module, resolve):
        if (home.path, base.lineno) not in seen:
            said = _test_attribute(base, home, resolve, seen)
            if said is not None:
                return said
    return None


def _class_methods(
    node: ast.ClassDef, module: _Module
) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The methods of a class, with those it inherits from classes of the same file."""
    return {name: found for name, (found, _) in _class_members(node, module).items()}


def _tests(
    module: _Module,
    rel: str,
    context: Context,
    resolve: _Resolve | None = None,
    imported: _Imported | None = None,
) -> Iterator[_Test]:
    """The tests pytest collects from a test module, by ast: its test functions and
    classes, and those it imports from another module of the project (pytest collects
    what the module's namespace holds: ``from .base import TestBase`` runs
    ``TestBase``'s tests here too), named by the name the module binds."""
    defined: set[str] = set()
    for node in _level(module.tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            defined.add(node.name)
            if _matches(node.name, context.python_functions):
                yield _Test(f"{rel}::{node.name}", node, ())
        elif isinstance(node, ast.ClassDef):
            defined.add(node.name)
            yield from _class_tests(
                node, module, f"{rel}::{node.name}", (), context, resolve, module
            )
    if imported is None:
        return
    for stmt in _level(module.tree.body):
        if not isinstance(stmt, ast.ImportFrom):
            continue
        for alias in stmt.names:
            local = alias.asname or alias.name
            if alias.name == "*" or local in defined:
                continue
            found = imported(local, module)
            if found is None:
                continue
            node, home = found
            if isinstance(node, ast.ClassDef):
                yield from _class_tests(
                    node, home, f"{rel}::{local}", (), context, resolve, module, local
                )
            elif _matches(local, context.python_functions):
                yield _Test(f"{rel}::{local}", node, (), home)


def _class_tests(
    node: ast.ClassDef,
    module: _Module,
    prefix: str,
    outer: tuple[ast.ClassDef, ...],
    context: Context,
    resolve: _Resolve | None,
    test_module: _Module,
    name: str | None = None,
) -> Iterator[_Test]:
    """The tests of a test class of ``module`` (collected from ``test_module``, under
    ``name`` where that module binds it by another name)."""
    unittest = _is_unittest(node, module, resolve)
    if not unittest and not _matches(name or node.name, context.python_classes):
        return
    if not _collected(node, module, resolve):
        return  # `__test__ = False`
    methods = _class_members(node, module, resolve)
    if not unittest and "__init__" in methods:
        return  # pytest does not collect a class with __init__
    chain = (*outer, node)
    names = [
        method
        for method in methods
        if (unittest and method.startswith("test"))
        or (not unittest and _matches(method, context.python_functions))
    ]
    if unittest and not names and "runTest" in methods:
        names = ["runTest"]  # what unittest runs of a TestCase without test methods
    class_home = None if module is test_module else module
    for method in names:
        found, home = methods[method]
        yield _Test(
            f"{prefix}::{method}",
            found,
            chain,
            None if home is test_module else home,
            class_home,
        )
    if not unittest:
        for child in _level(node.body):
            if isinstance(child, ast.ClassDef):
                yield from _class_tests(
                    child,
                    module,
                    f"{prefix}::{child.name}",
                    chain,
                    context,
                    resolve,
                    test_module,
                )


_BUILTINS = frozenset(dir(builtins))


def _local_names(node: ast.AST) -> frozenset[str]:
    """Names bound inside a function (parameters, assignments, loop and ``with``
    targets): Jedi's ``goto`` on them lands on the binding, never on a target, so they
    are not asked about (their attributes still are). Nested ``def`` and ``class``
    names are kept: they are targets (or test helpers) themselves. Kept on the node:
    six passes over each function ask for them."""
    known: frozenset[str] | None = getattr(node, "_paradisco_locals", None)
    if known is None:
        known = frozenset(_find_local_names(node))
        node._paradisco_locals = known  # type: ignore[attr-defined]
    return known


def _find_local_names(node: ast.AST) -> set[str]:
    names: set[str] = set()
    declared: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            args = sub.args
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            every += [a for a in (args.vararg, args.kwarg) if a is not None]
            names.update(a.arg for a in every)
        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store | ast.Del):
            names.add(sub.id)
        elif isinstance(sub, ast.ExceptHandler) and sub.name:
            names.add(sub.name)
        elif isinstance(sub, ast.Global | ast.Nonlocal):
            declared.update(sub.names)
    return names - declared


#: builtins that call the function (or class) given as their first argument
_CALLING_BUILTINS = frozenset({"map", "filter"})


def _called_args(call: ast.Call, module: _Module) -> list[ast.expr]:
    """The arguments of ``call`` that it calls: the first of ``map``/``filter``/``partial``
    (packaging's ``frozenset(map(Specifier, specs))`` constructs Specifiers), the
    ``key=`` of any call (``sorted(xs, key=Version)``), the factory of ``defaultdict``."""
    found = [k.value for k in call.keywords if k.arg == "key"]
    func = call.func
    name = (
        func.id
        if isinstance(func, ast.Name)
        else func.attr
        if isinstance(func, ast.Attribute)
        else ""
    )
    builtin = isinstance(func, ast.Name) and name not in module.globals
    if call.args and (
        (builtin and name in _CALLING_BUILTINS) or name in ("defaultdict", "partial")
    ):
        # (`partial(Serializer, ..)` is made to be called)
        found.append(call.args[0])
    return [arg for arg in found if isinstance(arg, ast.Name | ast.Attribute)]


def _read_defaults(node: ast.AST) -> list[ast.expr]:
    """The defaults of ``node``'s parameters that name something (``check=is_valid``)
    where its body reads the parameter: they run when the body calls it (toolz's
    ``def test_is_valid(check_valid=is_valid_args)`` calls ``is_valid_args``); and the
    values a fixture's ``params=`` gives where its body reads ``request.param``
    (:func:`_fixture_params`)."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return []
    return [*_parameter_defaults(node), *_fixture_params(node)[0]]


def _fixture_params(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[list[ast.expr], bool]:
    """The values of a fixture's ``@pytest.fixture(params=(..))`` (``pytest.param(x, ..)``
    unwrapped) where its body reads ``request.param``, and whether the body calls it
    (``request.param(..)``, ``partial(request.param, ..)``): itsdangerous'
    ``params=(Serializer, partial(Serializer, serializer=pickle))`` makes Serializers."""
    given: list[ast.expr] = []
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and _decorator_name(decorator) == "fixture":
            for keyword in decorator.keywords:
                if keyword.arg == "params" and isinstance(keyword.value, ast.Tuple | ast.List):
                    given += keyword.value.elts
    if not given:
        return [], False
    values = [
        v.args[0] if isinstance(v, ast.Call) and _decorator_name(v) == "param" and v.args else v
        for v in given
    ]
    reads = [sub for stmt in node.body for sub in ast.walk(stmt) if _is_request_param(sub)]
    if not reads:
        return [], False
    read = {id(sub) for sub in reads}
    called = any(
        isinstance(sub, ast.Call)
        and (
            id(sub.func) in read
            or (_decorator_name(sub) == "partial" and sub.args and id(sub.args[0]) in read)
        )
        for stmt in node.body
        for sub in ast.walk(stmt)
    )
    return [v for v in values if isinstance(v, ast.Name | ast.Attribute | ast.Call)], called


def _is_request_param(expr: ast.AST) -> bool:
    """Is ``expr`` a fixture's ``request.param``?"""
    return (
        isinstance(expr, ast.Attribute) and expr.attr == "param" and _is_name(expr.value, "request")
    )


def _parameter_defaults(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    first = len(positional) - len(args.defaults)
    given = list(zip(positional[first:], args.defaults, strict=True))
    given += [
        (a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None
    ]
    if not any(isinstance(default, ast.Name | ast.Attribute) for _, default in given):
        return []
    read = {
        sub.id
        for stmt in node.body
        for sub in ast.walk(stmt)
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load)
    }
    return [d for a, d in given if a.arg in read and isinstance(d, ast.Name | ast.Attribute)]


def _chain_root(expr: ast.expr) -> ast.expr:
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return expr


def _positions(node: ast.AST, module: _Module) -> list[tuple[int, int, bool]]:
    """(line, character column, is the callee of a call) of every name and attribute
    read in ``node``'s body (decorators and defaults are left out: they run at import)
    that could lead to a target: not a local variable, not a builtin, not a name or
    attribute chain rooted in an import of a module outside the project (``os.path``,
    ``pytest.raises``), not a method of a literal."""
    defaults = _read_defaults(node)
    body: list[ast.AST] = [*getattr(node, "body", [node]), *defaults]
    local = _local_names(node)
    plain = _plain_locals(node, module)
    callees: set[int] = {id(default) for default in defaults}
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        params, called = _fixture_params(node)
        if not called:  # a fixture that hands out its params as they are
            callees -= {id(value) for value in params}
    nested: set[str] = set()  # they hide the module's imports and builtins of that name
    found: dict[tuple[int, int], bool] = {}
    hidden = _doctest_stores(node)
    for stmt in body:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Call):
                callees.add(id(sub.func))
                if isinstance(sub.func, ast.IfExp):  # `(d.enable if v else d.disable)(n)`
                    callees.update((id(sub.func.body), id(sub.func.orelse)))
                callees.update(id(arg) for arg in _called_args(sub, module))
            elif isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                # a nested definition's decorator is called with it (`@curry def add`
                # constructs a `curry`), when the function around it runs
                callees.update(id(d) for d in sub.decorator_list if not isinstance(d, ast.Call))
                nested.add(sub.name)
    for stmt in body:
        for sub in ast.walk(stmt):
            if id(sub) in hidden:
                continue
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
                name = sub.id
                if name in local or (name in module.external and name not in nested):
                    continue
                if name in _BUILTINS and name not in module.globals and name not in nested:
                    continue
                key = (sub.lineno, module.char_col(sub.lineno, sub.col_offset))
            elif isinstance(sub, ast.Attribute) and sub.end_lineno and sub.end_col_offset:
                root = _chain_root(sub)
                if isinstance(root, ast.Constant | ast.JoinedStr | ast.List | ast.Dict):
                    continue
                if isinstance(root, ast.Name) and (
                    (root.id in module.external and root.id not in local) or root.id in plain
                ):
                    continue
                key = module.attribute_position(sub)
            else:
                continue
            found[key] = found.get(key, False) or id(sub) in callees
    return sorted((line, col, call) for (line, col), call in found.items())


def _name_attribute_stores(module: _Module) -> list[tuple[str, str, ast.expr | None]]:
    """Every ``Name.attr`` the module stores to, anywhere: (name, attr, the value of a
    plain ``Name.attr = value``, else None). Kept on the module's tree: pyparsing's
    test_unit.py has ~10,000 lines, and each of its test classes asks."""
    tree: Any = module.tree
    known: list[tuple[str, str, ast.expr | None]] | None = getattr(
        tree, "_paradisco_attribute_stores", None
    )
    if known is None:
        assigned = {
            id(stmt.targets[0]): stmt.value
            for stmt in ast.walk(tree)
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
        }
        known = [
            (sub.value.id, sub.attr, assigned.get(id(sub)))
            for sub in ast.walk(tree)
            if isinstance(sub, ast.Attribute)
            and not isinstance(sub.ctx, ast.Load)
            and isinstance(sub.value, ast.Name)
        ]
        tree._paradisco_attribute_stores = known
    return known


def _doctest_stores(node: ast.AST) -> set[int]:
    """The nodes of what a fixture puts in pytest's ``doctest_namespace`` (semver's
    autouse ``doctest_namespace["coerce"] = coerce``, a test helper that makes a
    ``Version``): names there are for doctests to use, not run by the tests that
    request the fixture. Empty unless ``node`` takes a ``doctest_namespace`` parameter
    that it does not rebind."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return set()
    args = node.args
    if "doctest_namespace" not in {a.arg for a in [*args.posonlyargs, *args.args]}:
        return set()
    if _binding_counts(node).get("doctest_namespace") != 1:
        return set()
    hidden: set[int] = set()
    for sub in _own_scope(node):
        stored = isinstance(sub, ast.Assign) and all(
            isinstance(target, ast.Subscript) and _is_name(target.value, "doctest_namespace")
            for target in sub.targets
        )
        updated = (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and _is_name(sub.func.value, "doctest_namespace")
            and sub.func.attr in ("update", "setdefault")
        )
        if stored or updated:
            hidden.update(id(part) for part in ast.walk(sub))
    return hidden


# -- the analysis


class _Asked:
    """A Jedi ``Script`` that answers a question it was asked before (``goto`` or
    ``infer`` at one position of its file) as it did then. A test inherited by several
    test classes (pyparsing 3.1.2's ``Test04_WithPackrat(Test02_WithoutPackrat)`` and
    three more, each collecting its ~270 tests again) has its body analysed once per
    class, asking the same questions: 43,228 of them on pyparsing, of which 10,176
    differ, and the repeats cost 116 of Jedi's 153 s."""

    def __init__(self, script: Any, answers: dict[tuple[Any, ...], Any]) -> None:
        self.script = script
        self.answers = answers

    def goto(self, line: int, column: int, **options: Any) -> Any:
        return self._ask("goto", line, column, options)

    def infer(self, line: int, column: int, **options: Any) -> Any:
        return self._ask("infer", line, column, options)

    def _ask(self, query: str, line: int, column: int, options: dict[str, Any]) -> Any:
        # (typing a syntax site, Jedi's search for a parameter's callers is off)
        state = getattr(self.script, "_inference_state", None)
        dynamic = getattr(state, "do_dynamic_params_search", None)
        key = (query, line, column, dynamic, *sorted(options.items()))
        if key not in self.answers:  # (a question Jedi raises on is asked again)
            self.answers[key] = getattr(self.script, query)(line, column, **options)
        elif state is not None:
            # what every question to Jedi does first: what follows an answer (its
            # names' `infer()`) would otherwise run on the limits earlier questions
            # used up, and find nothing (pyparsing: 8,045 closure pairs lost)
            state.reset_recursion_limitations()
        return self.answers[key]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.script, name)


@dataclass
class _Raised:
    """What :meth:`_FileRun._raised` finds in one test function."""

    #: ``excinfo`` of ``with pytest.raises(E) as excinfo`` -> ``E``
    names: dict[str, str]
    #: the classes whose message pytest matches
    matched: set[str]
    #: the classes the test expects raised, where ast found them
    made: set[Found]


@dataclass
class _Reach:
    """What one body reaches: source targets and the source files they live in."""

    targets: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)

    def add(self, other: _Reach) -> None:
        self.targets |= other.targets
        self.files |= other.files


def _environment(jedi: Any) -> Any:
    """The Python Jedi infers against: this interpreter, inspected in a Jedi subprocess.

    Not ``InterpreterEnvironment``: that inspects modules in the live process, so the
    answers depend on what the process imported before (in the pytest process, Jedi's
    pytest plugin then fails with ``KeyError`` from parso's cache on plugin modules the
    session loaded), and a worker and the pytest process would map differently."""
    try:
        return jedi.create_environment(sys.executable, safe=False)
    except Exception:  # no usable executable (embedded interpreters): the live process
        return jedi.InterpreterEnvironment()


def _value_key(value: Any) -> tuple[str, tuple[int, int], str]:
    try:
        path = value.get_root_context().py__file__()
    except Exception:
        path = None
    node = getattr(value, "tree_node", None)
    position = getattr(node, "start_pos", (0, 0)) if node is not None else (0, 0)
    try:
        name = str(value.py__name__() or "")
    except Exception:
        name = ""
    return (str(path or ""), position, name)


def _stable_mro() -> None:
    """Make Jedi's MRO independent of memory addresses.

    Jedi 0.20 builds a class's MRO by iterating what each base infers to, a ``ValueSet``
    (a ``frozenset`` of objects hashed by identity), and an attribute lookup stops at the
    first class in that MRO that defines the name. A base that infers to two classes
    (``class Q(OMD)`` where ``OMD`` is a local class, rebound by ``try: from .other import
    OMD``) then resolves ``self.m`` to either class's ``m``, at random per process: the
    parallel map differed from the sequential one, and a run from the next. Here the
    classes a base infers to are visited in a fixed order (file, position, name)."""
    from jedi import debug
    from jedi.inference.cache import (  # type: ignore[import-untyped]
        inference_state_method_generator_cache,
    )
    from jedi.inference.value import klass  # type: ignore[import-untyped]

    if getattr(klass.ClassMixin.py__mro__, "_paradisco", False):
        return

    def py__mro__(self: Any) -> Iterator[Any]:
        mro = [self]
        yield self
        for lazy_cls in self.py__bases__():
            for cls in sorted(lazy_cls.infer(), key=_value_key):
                mro_method = getattr(cls, "py__mro__", None)
                if mro_method is None:
                    debug.warning("Super class of %s is not a class: %s", self, cls)
                    continue
                for cls_new in mro_method():
                    if cls_new not in mro:
                        mro.append(cls_new)
                        yield cls_new

    patched = inference_state_method_generator_cache()(py__mro__)
    patched._paradisco = True
    klass.ClassMixin.py__mro__ = patched


def _stable_getattr() -> None:
    """Make Jedi's ``getattr(obj, name)`` follow every string ``name`` may be.

    Jedi 0.20 answers with the attribute of the first object and the first string its
    arguments infer to, each a ``ValueSet`` (a ``frozenset`` hashed by identity): six's
    ``for name in "keys", "values", "items", "lists": meth = getattr(six, "iter" +
    name)`` mapped the test to ``iterkeys`` in one run and ``iterlists`` in the next.
    Here it answers with all of them, in a fixed order of names."""
    from jedi.inference.base_value import NO_VALUES  # type: ignore[import-untyped]
    from jedi.inference.helpers import get_str_or_none  # type: ignore[import-untyped]
    from jedi.plugins import stdlib  # type: ignore[import-untyped]

    builtins = stdlib._implemented.get("builtins", {})
    if getattr(builtins.get("getattr"), "_paradisco", False):
        return

    def getattr_all(objects: Any, names: Any, defaults: Any = None) -> Any:
        strings = sorted({text for name in names if (text := get_str_or_none(name))})
        found = NO_VALUES
        for value in objects:
            for text in strings:
                found = found | value.py__getattribute__(text)
        return found

    clinic: Any = stdlib.argument_clinic("object, name[, default], /")(getattr_all)
    clinic._paradisco = True
    builtins["getattr"] = clinic


#: Functions Jedi runs in its environment subprocess whose answer depends only on their
#: arguments (and on the inference state the handles they return belong to)
_PURE_SUBPROCESS = ("safe_literal_eval", "create_simple_object", "iter_module_names")


def _memoised_subprocess() -> None:
    """Answer Jedi's pure requests to its environment subprocess once per inference state.

    Jedi asks its subprocess (see :func:`_environment`) for every string and number
    literal it infers (``create_simple_object``, ``safe_literal_eval``): a pipe round
    trip each, memoised only in the caches :meth:`_FileRun._script` empties between
    functions. In a cold in-process map of packaging that was 5,477 requests and an
    eighth of the time; three quarters of them asked again what the same state had
    asked before. The answer is kept on the state's own subprocess object (so it goes
    when the state goes), keyed by the arguments' types and reprs (``1``, ``1.0`` and
    ``True`` differ)."""
    from jedi.inference.compiled import subprocess  # type: ignore[import-untyped]

    owner = subprocess.InferenceStateSubprocess
    if getattr(owner, "_paradisco", False):
        return

    def memoised(name: str) -> Callable[..., Any]:
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            call = owner.__getattr__(self, name)
            try:
                key = (
                    name,
                    tuple((type(a).__name__, repr(a)) for a in args),
                    tuple(sorted((k, type(v).__name__, repr(v)) for k, v in kwargs.items())),
                )
            except Exception:  # an argument without a usable repr: not kept
                return call(*args, **kwargs)
            memo = self.__dict__.setdefault("_paradisco_memo", {})
            if key not in memo:
                memo[key] = call(*args, **kwargs)
            result = memo[key]
            return list(result) if isinstance(result, list) else result

        return method

    for name in _PURE_SUBPROCESS:
        setattr(owner, name, memoised(name))
    owner._paradisco = True


def _name_by_bisection() -> None:
    """Find the name at a position in a module by bisection, not by a walk.

    Jedi's ``goto`` and ``infer`` start from parso's ``get_name_of_position``, which
    walks the module's tree from its first leaf up to the position: for a name near the
    end of a 2,000-line file, most of its nodes, at each of the thousands of requests
    a file gets. parso's ``get_leaf_for_position`` bisects; the name is that leaf, or
    the leaf right after it where the two touch (``f(x``: the ``(`` ends where ``x``
    starts), which is the first name the walk would have met."""
    from parso.python import tree

    module = tree.Module
    if getattr(module.get_name_of_position, "_paradisco", False):
        return
    walk: Callable[..., Any] = tree.PythonMixin.get_name_of_position

    def get_name_of_position(self: Any, position: tuple[int, int]) -> Any:
        try:
            leaf = self.get_leaf_for_position(position, include_prefixes=True)
        except ValueError:  # outside the module: as parso answers
            return walk(self, position)
        while leaf is not None and leaf.start_pos <= position:
            if leaf.type == "name" and position <= leaf.end_pos:
                return leaf
            leaf = leaf.get_next_leaf()
        return None

    get_name_of_position._paradisco = True  # type: ignore[attr-defined]
    setattr(module, "get_name_of_position", get_name_of_position)  # noqa: B010


class Analyzer:
    """Holds the Jedi project and the target index of one process."""

    def __init__(self, context: Context) -> None:
        import jedi  # lazily: the plugin must not import Jedi while mapping is off

        self.context = context
        self.jedi = jedi
        _stable_mro()
        _stable_getattr()
        _memoised_subprocess()
        _name_by_bisection()
        self.environment = _environment(jedi)
        # The source roots' bases (and the ini `pythonpath`) go ahead of the interpreter's
        # own path, not after it as Jedi's `added_sys_path` would put them: when another
        # copy of the package is importable too (installed, not editable; pytest's own
        # `packaging`), Jedi would land in that copy, where no target is.
        ours = list(context.sys_path)
        try:
            theirs = [p for p in self.environment.get_sys_path() if p and p not in ours]
        except Exception:  # an environment that cannot say: Jedi's own order
            theirs = None
        self.project = jedi.Project(
            context.rootdir,
            sys_path=None if theirs is None else [*ours, *theirs],
            added_sys_path=ours if theirs is None else (),
            smart_sys_path=True,
            load_unsafe_extensions=False,
        )
        self._norm: dict[str, str] = {}
        self._properties: dict[str, dict[int, tuple[int | None, int | None]]] = {}
        self._assigned: dict[tuple[str, str], dict[int, str | None]] = {}
        self._tables: dict[str, StaticModule] = {}
        self.static = StaticTable((*context.sys_path, context.rootdir), norm(context.rootdir))
        #: every dunder (every method name) some source class runs for its instances
        # the names source classes define, and the mixins their `collections.abc` bases
        # give them (`self |= it` on a `MutableSet` runs its `__ior__`)
        self.dunders = frozenset(m for table in context.methods.values() for m in table) | {
            m for kinds in context.abcs.values() for kind in kinds for m in ABC_MIXINS[kind]
        }
        self.source_dirs = tuple(d.rstrip(os.sep) + os.sep for d in context.source_dirs)
        #: the decorators of a local ``def`` (see :func:`_own_defs`) -> the source class
        #: of what they make of it, None where that is not one such class: the same in
        #: every file, so asked of Jedi once per process
        self.decorated: dict[Hashable, str | None] = {}
        #: target -> whether it is annotated ``-> Callable[[T], T]`` (``_returns_identity``)
        self.identities: dict[str, bool] = {}
        #: target -> the source class its return annotation names (see ``_returns``)
        self.returns: dict[str, str | None] = {}
        #: target -> the source classes its returns construct behind an annotation that
        #: names none (see ``_hidden_classes``)
        self.hidden: dict[str, tuple[str, ...]] = {}
        #: target -> whether it returns its own ``self`` and nothing else (``_returns_self``)
        self.fluent: dict[str, bool] = {}
        #: (source class, data attribute) -> the files of its subclasses that define a
        #: method of that name (see ``_overrides``)
        self.overrides: dict[tuple[str, str], frozenset[str]] = {}
        #: source function -> the source functions defined inside it (``_nested_targets``)
        self.nested: dict[str, tuple[str, ...]] | None = None
        #: source class -> how many statements of its body bind each name (None: unread)
        self.class_counts: dict[str, dict[str, int] | None] = {}
        #: whether a source class defines ``__get__``: reading an attribute may then run it
        self.descriptors = any("__get__" in table for table in context.methods.values())
        self._defs: dict[str, tuple[str, int]] | None = None
        #: path -> (mtime, size) and the module read there, or what reading it raised
        self._loaded: dict[str, tuple[tuple[int, int] | None, _Module | Exception]] = {}
        self._project_paths = (context.rootdir, *context.sys_path)
        self._class_files: dict[str, tuple[str, int]] | None = None

    def load(self, path: str) -> _Module:
        """The parsed model of the file at ``path``, read once per process while the
        file's size and modification time stay the same (a conftest, a helper module and
        the source files are read by many files' analyses). Raises what reading or
        parsing it raised."""
        try:
            stat = os.stat(path)
            key: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            key = None
        found = self._loaded.get(path)
        if found is None or key is None or found[0] != key:
            result: _Module | Exception
            try:
                result = _load_module(path, self._project_paths)
            except (SyntaxError, OSError, ValueError) as exc:
                result = exc
            found = (key, result)
            if key is not None:
                self._loaded[path] = found
        if isinstance(found[1], Exception):
            raise found[1]
        return found[1]

    def class_def(self, name: str) -> tuple[str, int]:
        """Where source class ``name`` is defined: (normalised path, line of ``class``)."""
        if self._class_files is None:
            self._class_files = {c: key for key, c in self.context.class_names.items()}
        return self._class_files[name]

    def class_file(self, name: str) -> str:
        """The normalised path of the file of source class ``name``."""
        return self.class_def(name)[0]

    def def_of(self, target: str) -> tuple[str, int] | None:
        """Where ``target`` is defined: (normalised path, line of its ``def``)."""
        if self._defs is None:
            self._defs = {t: key for key, t in self.context.functions.items()}
        return self._defs.get(target)

    def analyse(self, task: FileTask) -> FileResult:
        started = time.perf_counter()
        run = _SourceRun(self, task) if task.kind == "source" else _FileRun(self, task)
        result = run.run()
        return FileResult(
            rel=result.rel,
            tests=result.tests,
            pairs=result.pairs,
            files=result.files,
            errors=result.errors,
            seconds=round(time.perf_counter() - started, 4),
            unasked=result.unasked,
            unstored=result.unstored,
        )

    def module_table(self, module: _Module) -> StaticModule:
        """The top-level bindings of a file of the project under analysis (static.py),
        named as Jedi names it (from the import paths), read once per process."""
        if module.path not in self._tables:
            name, _ = module_name(Path(module.path))
            is_package = Path(module.path).name == "__init__.py"
            table = module_table(module.tree, name, module.path, is_package)
            if name and self.static.file_of(name) == module.path:
                self.static.install(table)  # others importing it find the same table
            self._tables[module.path] = table
        return self._tables[module.path]

    def table_at(self, module: _Module, line: int) -> StaticModule:
        """:meth:`module_table` as it stands at ``line`` of the module's top level: where
        every top-level ``del`` comes after the line, the bindings it removes are still
        there (toolz.curried's ``take = toolz.curry(toolz.take)`` ... ``del toolz``)."""
        body = module.tree.body
        if not any(isinstance(stmt, ast.Delete) for stmt in body) or any(
            isinstance(stmt, ast.Delete) and stmt.lineno < line for stmt in body
        ):
            return self.module_table(module)
        key = f"{module.path}\0undeleted"
        if key not in self._tables:
            name, _ = module_name(Path(module.path))
            kept = ast.Module([s for s in body if not isinstance(s, ast.Delete)], [])
            is_package = Path(module.path).name == "__init__.py"
            self._tables[key] = module_table(kept, name, module.path, is_package)
        return self._tables[key]

    def prune(self, sites: list[_Site]) -> list[_Site]:
        """The syntax sites worth typing: only the dunder groups of which some source
        class defines a member can add a target (typing the value costs the most of all
        Jedi's answers); a callee, or a call's value that is called, is kept whatever the
        classes define (it may hold a source function)."""
        kept: list[_Site] = []
        for line, column, mode, groups in sites:
            useful = tuple(
                group
                for group in groups
                if group == _CALL[0]
                or any(dunder.lstrip(CLOSURE_ONLY) in self.dunders for dunder in group)
            )
            if useful:
                kept.append((line, column, mode, useful))
        return kept

    def properties(self, module: _Module) -> dict[int, tuple[int | None, int | None]]:
        """:func:`_properties` of ``module``, read once per file and process."""
        if module.path not in self._properties:
            self._properties[module.path] = _properties(module)
        return self._properties[module.path]

    def assigned_class(self, module: _Module, line: int, module_name: str) -> str | None:
        """``name = Cls(...)`` in a class body at ``line``: the dotted name of ``Cls``
        (see :func:`_assigned_classes`, read once per file and process)."""
        key = (module.path, module_name)
        if key not in self._assigned:
            self._assigned[key] = _assigned_classes(module, module_name)
        return self._assigned[key].get(line)

    def normed(self, path: str) -> str:
        if path not in self._norm:
            self._norm[path] = norm(path)
        return self._norm[path]

    def is_source(self, path: str) -> bool:
        """A file of the source roots that is not test code (a test file or a conftest
        inside a source directory is test code: its functions are not targets)."""
        if path in self.context.test_files or os.path.basename(path) == "conftest.py":
            return False
        return path.startswith(self.source_dirs) or any(
            path == d.rstrip(os.sep) for d in self.source_dirs
        )

    def is_test_code(self, path: str) -> bool:
        """A file of the project that is not source: test modules, conftests, helpers."""
        root = self.normed(self.context.rootdir).rstrip(os.sep) + os.sep
        if not path.startswith(root) or self.is_source(path):
            return False
        return "site-packages" not in path and "dist-packages" not in path


class _FileRun:
    """The analysis of one test file: models of the files it touches and memoised
    reaches of fixtures and helpers (a fixture used by 20 tests is resolved once)."""

    def __init__(self, analyzer: Analyzer, task: FileTask) -> None:
        self.analyzer = analyzer
        self.context = analyzer.context
        self.task = task
        self.path = analyzer.normed(task.path)
        self.modules: dict[str, _Module | None] = {}
        #: (file, line of a body, the test class whose class attributes it reads) -> reach
        self.memo: dict[tuple[str, int, tuple[str, int] | None], _Reach] = {}
        self.active: set[tuple[str, int, tuple[str, int] | None]] = set()
        #: the innermost test class of the test being mapped, and its module
        self.test_class: tuple[ast.ClassDef, _Module] | None = None
        self.errors: list[tuple[str, str]] = []
        self.unasked: set[str] = set()
        self.unstored: set[str] = set()
        #: (file, line of a source class) -> its typed instance attributes
        self.class_attributes: dict[tuple[str, int], dict[str, str]] = {}
        #: (file, line of a test class) -> the same, of its methods (``_test_instance``)
        self.test_class_attributes: dict[tuple[str, int], dict[str, str]] = {}
        #: id of a value :meth:`_class_stores` reads -> its source class (None: unknown)
        self.stored_classes: dict[int, str | None] = {}
        #: (source class, attribute) -> :meth:`_class_instance`
        self.class_instances: dict[tuple[str, str], str | None] = {}
        #: property getter -> the class of what it returns (:meth:`_property_value`)
        self.property_values: dict[str, str | None] = {}
        #: (file, line of a test-code class) -> :meth:`_made_class`
        self.thin: dict[tuple[str, int], str | None] = {}
        self.attributes_by_name: dict[str, dict[str, str]] = {}
        #: id of a function node -> :func:`_binding_counts` of it (its module is kept
        #: in ``modules`` for the run, so the id stays its own)
        self.counts: dict[int, dict[str, int]] = {}
        #: (file, line of the fixture's def, the test's classes) -> the source class
        #: the fixture gives (or None)
        self.fixture_classes: dict[tuple[str, int, tuple[str, ...]], str | None] = {}
        #: id(function node) -> what :meth:`_raised` found in it
        self.raised: dict[int, _Raised] = {}
        self.scripts: dict[str, Any] = {}
        #: (file, line, variable) -> :meth:`_module_call`
        self.module_calls: dict[tuple[str, int, str], tuple[_Module, ast.Call] | None] = {}
        #: file -> (query, line, column, options) -> Jedi's answer (:class:`_Asked`)
        self.answers: dict[str, dict[tuple[Any, ...], Any]] = {}
        self.tops: dict[str, set[int]] = {}
        #: (file, line of a helper method, file, line of the test class) -> what
        #: :meth:`_helper_params` found
        self.helper_params: dict[tuple[str, int, str, int], dict[str, str]] = {}
        #: (file, line of a test class) -> :meth:`_lineage` of it
        self.lineages: dict[tuple[str, int], frozenset[tuple[str, int]]] = {}
        #: (file, line of a test class) -> :meth:`_class_holders` of it
        self.holders: dict[tuple[str, int], dict[str, Found]] = {}
        #: (file, line of a class of the test code) -> :meth:`_declared`
        self.declared: dict[tuple[str, int], frozenset[str]] = {}
        #: (file, line of a test class) -> :meth:`_mro` of it
        self.mros: dict[tuple[str, int], list[tuple[ast.ClassDef, _Module]]] = {}
        #: (file, line of a test class) -> its methods, inherited ones included
        self.test_members: dict[
            tuple[str, int], dict[str, tuple[ast.FunctionDef | ast.AsyncFunctionDef, _Module]]
        ] = {}
        #: (path, line, column) of a callee -> the source functions it calls (see
        #: ``_entered_classes``)
        self.callees: dict[tuple[str, int, int], tuple[str, ...]] = {}
        #: path -> the names some function of the module binds (see ``_nested_follow``)
        self.function_locals: dict[str, frozenset[str]] = {}
        self.owners: dict[str, dict[int, ast.ClassDef]] = {}
        #: (path, line) of a class of the test code -> its source bases, its own methods
        #: (file, line of a class of the test code, the test class for a held base) ->
        #: :meth:`_local_class`
        self.local_classes: dict[
            tuple[str, int, tuple[str, int] | None], tuple[tuple[str, ...], frozenset[str]]
        ] = {}
        self.known: frozenset[str] | None = self.context.names
        if self.known is not None and task.kind == "test":
            own = [task.path, *task.conftests, *task.helpers]
            self.known = self.known.union(*(defined_names(path) for path in own))

    def run(self) -> FileResult:
        rel = self.task.rel
        try:
            module = self.analyzer.load(self.path)
        except SyntaxError as exc:
            return FileResult(
                rel, (), (), (), (("syntax", f"does not parse: {exc.msg} (line {exc.lineno})"),)
            )
        except (OSError, ValueError) as exc:
            return FileResult(rel, (), (), (), (("syntax", f"cannot be read: {exc}"),))
        self.modules[self.path] = module
        conftests = [self._module(self.analyzer.normed(c)) for c in self.task.conftests]
        found = _tests(module, rel, self.context, self._other_base, self._imported_test)
        # a body's copies (the test under each class that inherits it) side by side, so
        # that one task asks Jedi its questions once (:class:`_Asked`)
        tests = _share(
            sorted(found, key=lambda t: ((t.home or module).path, t.node.lineno, t.nodeid)),
            self.task,
        )
        pairs: set[tuple[str, str]] = set()
        files: set[str] = set()
        for test in tests:
            try:
                reach = self._test_reach(test, module, [c for c in conftests if c is not None])
            except Exception as exc:
                self.errors.append(("jedi", f"{test.nodeid}: {type(exc).__name__}: {exc}"))
                continue
            pairs.update((test.nodeid, target) for target in reach.targets)
            files |= reach.files
        return FileResult(
            rel,
            tuple(sorted({t.nodeid for t in tests})),
            tuple(sorted(pairs)),
            tuple(sorted(files)),
            tuple(self.errors),
            unasked=tuple(sorted(self.unasked)),
            unstored=tuple(sorted(self.unstored)),
        )

    def _imported_test(
        self, name: str, module: _Module
    ) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, _Module] | None:
        """The ``def`` or ``class`` of the project a test module's imported ``name``
        holds, by ast through its imports; None otherwise."""
        found = self._follow(ast.Name(id=name), self.analyzer.module_table(module), frozenset())
        if found is None or found.kind not in ("def", "class") or found.path == module.path:
            return None
        return self._definition(found)

    def _definition(
        self, found: Found
    ) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, _Module] | None:
        """The ``def`` or ``class`` statement ``found`` (of kind "def" or "class") is, and
        its module."""
        home = self._module(found.path)
        if home is None:
            return None
        node = home.class_at(found.line) if found.kind == "class" else home.def_at(found.line)
        return (node, home) if node is not None else None

    def _other_base(self, base: ast.expr, module: _Module) -> tuple[ast.ClassDef, _Module] | None:
        """A test class's base that a module of the project defines, found by ast
        through ``module``'s imports (``from . import CacheTestMixin``); None otherwise."""
        if not isinstance(base, ast.Name | ast.Attribute):
            return None
        table = self.analyzer.module_table(module)
        found = self._follow(base, table, frozenset())
        if found is None and isinstance(base, ast.Name) and base.id in module.classes:
            found = self._shadowed_import(base.id, module, table)
        if found is None or found.kind != "class":
            return None
        return cast("tuple[ast.ClassDef, _Module] | None", self._definition(found))

    def _shadowed_import(self, name: str, module: _Module, table: StaticModule) -> Found | None:
        """What the module-level import of ``name`` before the class statement that
        rebinds it binds (a base named as the class it is the base of; see
        :func:`_base_classes`)."""
        cls = module.classes[name]
        found: Found | None = None
        for stmt in module.tree.body:
            if stmt is cls:
                break
            if isinstance(stmt, ast.ImportFrom) and stmt.module is not None:
                source = (
                    resolve_relative(table.module, table.is_package, stmt.level, stmt.module)
                    if stmt.level
                    else stmt.module
                )
                for alias in stmt.names:
                    if (alias.asname or alias.name) == name:
                        found = self.analyzer.static.imported(table, source, alias.name)
        return found

    def _module(self, path: str) -> _Module | None:
        if path not in self.modules:
            try:
                self.modules[path] = self.analyzer.load(path)
            except (SyntaxError, OSError, ValueError):
                self.modules[path] = None
        return self.modules[path]

    def _stored(self, cls: str, attribute: str) -> bool:
        """:func:`targets.may_hold`: whether an instance of source class ``cls`` may
        hold an instance attribute ``attribute`` (boltons' ``DummyFile.__init__`` assigns
        ``self.closed``, which leaves ``SpooledIOBase.closed`` the property it is). The
        result depends on it (:attr:`FileResult.unstored`)."""
        context = self.context
        held = may_hold(cls, attribute, context.stored, context.self_stored, context.ancestors)
        self.unstored.add(hold_entry(cls, attribute, held))
        return held

    # -- what pytest runs for one test

    def _test_reach(self, test: _Test, module: _Module, conftests: list[_Module]) -> _Reach:
        reach = _Reach()
        scopes = self._fixture_scopes(test, module, conftests)
        params = self._fixture_classes(test, module, conftests, scopes)
        # a fresh Script per test function (see the module docstring)
        cls_module = test.class_home or module  # where its test class is
        instance = self._test_instance(test, cls_module)
        home = test.home or module  # where the test's `def` is
        self.test_class = (test.classes[-1], cls_module) if test.classes else None
        holders, made = self._held_classes(test.node, home)
        values = _parametrize_values(
            [test.node, *test.classes], home, set(_params(test.node, method=bool(test.classes)))
        )
        given = self._parametrized_classes(values, home)
        reach.add(
            self._body(
                home,
                test.node,
                fresh=True,
                params={**made, **given, **params},
                instance=instance,
                holders=holders,
            )
        )
        reach.add(self._parametrized_reach(test, home, values))
        if self.context.static:
            reach.add(self._named_by_path(test.node))
        wanted = list(_params(test.node, method=bool(test.classes)))
        wanted += _usefixtures(test.node.decorator_list)
        for cls in test.classes:
            wanted += _usefixtures(cls.decorator_list)
        for scope in scopes:
            wanted += [name for name, fx in scope.items() if fx.autouse]
        seen: set[int] = set()
        while wanted:
            name = wanted.pop()
            fixture = _fixture_named(name, scopes)
            if fixture is None or id(fixture.node) in seen:
                continue
            seen.add(id(fixture.node))
            fixture_module = self._module(fixture.file)
            if fixture_module is not None:
                reach.add(self._memo_body(fixture_module, fixture.node))
            wanted.extend(fixture.params)
        for cls in test.classes:
            members = _class_members(cls, cls_module, self._other_base)
            for name in _SETUP_CLASS:
                if name in members:
                    method, where = members[name]
                    typed = self._setup_instance(method)
                    reach.add(self._memo_body(where, method, instance=typed))
        for node in _level(module.tree.body):
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and node.name in _SETUP_MODULE
            ):
                reach.add(self._memo_body(module, node))
        return reach

    def _class_statements(self, module: _Module, node: ast.AST, reach: _Reach) -> None:
        """A class statement in a body of the test code that derives from a source
        class (``class MySchema(Schema): ...`` in a test) runs the base's
        ``__init_subclass__`` and its metaclass's ``__new__`` and ``__init__`` when it
        runs (marshmallow's ``SchemaMeta`` registers every schema class)."""
        for sub in _own_classes(node):
            for base in self._local_class(module.path, sub.lineno)[0]:
                for target in self.context.subclassing.get(base, ()):
                    reach.targets.add(target)
                    reach.files.add(self.context.files[target])

    def _named_by_path(self, node: ast.AST) -> _Reach:
        """A string in a test's own body that spells the dotted path of a source class
        or function (``Environment(extensions=["jinja2.ext.do"])``, a plugin or backend
        named in settings): the library imports it by that path and makes or calls it.
        The class's constructors (a function itself) join the test's closure, not its
        direct pairs: a string is not a call. Module-level aliases are followed
        (``do = ExprStmtExtension``)."""
        reach = _Reach()
        for sub in _own_scope(node):
            if not (isinstance(sub, ast.Constant) and isinstance(sub.value, str)):
                continue
            found = self._dotted(sub.value)
            if found is None:
                continue
            key = (found.path, found.line)
            if found.kind == "class" and key in self.context.class_names:
                reach.targets.add(NEW + self.context.class_names[key])
                reach.targets.update(RUNS + c for c in self.context.classes.get(key, ()))
            elif found.kind == "def" and key in self.context.functions:
                reach.targets.add(RUNS + self.context.functions[key])
            else:
                continue
            reach.files.update((found.path, *found.via))
        return reach

    def _dotted(self, text: str) -> Found | None:
        """The source class or function a dotted path (``pkg.mod.Name``) names, where
        ``pkg.mod`` is a module of the project and ``Name`` is bound in it to a class or
        function (through imports and one plain alias, ``Name = Other``)."""
        if not _DOTTED.fullmatch(text):
            return None
        module, _, name = text.rpartition(".")
        static = self.analyzer.static
        table = static.table(module)
        if table is None:
            return None
        found = static.lookup(table, name)
        if found is None:
            path = static.file_of(module)
            home = self._module(path) if path is not None else None
            bound = _module_assignments(home, name) if home is not None else []
            if len(bound) == 1 and isinstance(bound[0].value, ast.Name):
                found = static.lookup(table, bound[0].value.id)  # `do = ExprStmtExtension`
                if found is not None and path is not None:  # (the alias is read there too)
                    found = replace(found, via=(path, *found.via))
        if found is None or found.kind not in ("class", "def"):
            return None
        return found if self.analyzer.is_source(found.path) else None

    def _parametrized_reach(
        self, test: _Test, module: _Module, given: Mapping[str, list[ast.expr]]
    ) -> _Reach:
        """``obj.m`` in a test whose ``obj`` ``@pytest.mark.parametrize`` gives: method
        ``m`` of the class of each value given (click's ``test_parameter(obj, ..)`` over
        ``click.Choice([..])``, ``click.UNPROCESSED``, ``*STRING_PARAM_TYPE``, ..., runs
        each one's ``to_info_dict``; Jedi does not type a parametrized argument). A value
        is typed by ast where it is the call of a source class, else by Jedi's inference
        at the value. The test handles instances of those classes, as though it made
        them: a method of a base may run their overrides (the closure's; click's
        ``test_range`` over ``click.IntRange(..)``s runs ``IntRange._clamp`` through
        ``_NumberRangeBase.convert``), for every parametrized argument (typed by ast
        only, where the test reads no attribute of it). An argument the test calls
        (semver's ``test_should_raise_deprecation_warnings(func, ..)`` over ``bump_major``,
        ``cmd_bump``, ...: ``func(*args, **kwargs)``) calls each value given."""
        reach = _Reach()
        used: dict[str, set[str]] = {}
        called: set[str] = set()
        for sub in ast.walk(test.node):
            if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name):
                used.setdefault(sub.value.id, set()).add(sub.attr)
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                called.add(sub.func.id)
        if not given:
            return reach
        table = self.analyzer.module_table(module)
        for name, values in given.items():
            if name in called:
                for value in values:
                    self._called_value(value, module, table, reach)
            classes: set[str] = set()
            for value in values:
                cls = (
                    self._call_class(value, table, frozenset(), {}) if self.context.static else None
                )
                if cls is not None:
                    classes.add(cls)
                elif name in used:
                    classes |= self._inferred_classes(value, module)
            for cls in sorted(classes):
                methods = self.context.methods.get(cls, {})
                reach.files.add(self.analyzer.class_file(cls))
                reach.targets.add(NEW + cls)
                for attribute in used.get(name, ()):
                    target = methods.get(attribute)
                    if target is not None:
                        reach.targets.add(target)
                        reach.files.add(self.context.files[target])
        return reach

    def _parametrized_classes(
        self, given: Mapping[str, list[ast.expr]], module: _Module
    ) -> dict[str, str]:
        """The test's parametrized arguments (``given``: name -> values, by
        :func:`_parametrize_values`) whose values are all calls of one source class that
        ast follows -> that class: the test's syntax on them runs its dunders (semver's
        ``test_repr(version, ..)`` over ``Version(..)`` values: ``repr(version)``), as on
        a fixture's value."""
        if not self.context.static:
            return {}
        table = self.analyzer.module_table(module)
        found: dict[str, str] = {}
        for name, values in given.items():
            classes = {self._call_class(value, table, frozenset(), {}) for value in values}
            held = classes.pop() if len(classes) == 1 else None
            if held is not None:
                found[name] = held
        return found

    def _called_value(
        self, value: ast.expr, module: _Module, table: StaticModule, reach: _Reach
    ) -> None:
        """What calling ``value`` (a name or attribute of ``module``, a value the test
        is given) runs: its definition as ast follows it, else as Jedi's ``goto`` finds
        it, resolved as a call of that name in the test's own body would be."""
        if isinstance(value, ast.Name):
            line, column = value.lineno, module.char_col(value.lineno, value.col_offset)
        elif isinstance(value, ast.Attribute) and value.end_lineno and value.end_col_offset:
            line, column = module.attribute_position(value)
        else:
            return
        found = self._follow(value, table, set()) if self.context.static else None
        if found is not None:
            self._found(found, True, reach, 0)
            return
        try:
            names = self._script(module).goto(line, column, follow_imports=True)
        except Exception:
            return  # a value Jedi cannot follow costs this value only
        for name in names:
            self._resolve(name, True, reach, 0)

    def _inferred_classes(self, value: ast.expr, module: _Module) -> set[str]:
        """The source classes Jedi types ``value`` of ``module`` as: a value's own
        inference, or a call's callee's (a class: its instance)."""
        site = _site(value, module, frozenset())
        if site is None:
            return set()
        line, column, mode = site
        try:
            inferred = self._script(module).infer(line, column)
        except Exception:
            return set()
        return {
            str(found.full_name)
            for found in inferred
            if found.type == ("class" if mode.startswith("call") else "instance")
            and found.full_name in self.context.methods
        }

    def _fixture_classes(
        self,
        test: _Test,
        module: _Module,
        conftests: list[_Module],
        scopes: list[dict[str, _Fixture]],
    ) -> dict[str, str]:
        """The test's parameters whose fixture returns (or yields) an instance of one
        source class that ast knows (see :meth:`_typed`): name -> class. Jedi types a
        fixture parameter the same way, by what the fixture function returns, at a few
        ms to a second for each attribute of it. A parameter the test (or its class)
        parametrizes is left out, and all of them where a ``pytest_generate_tests`` hook
        may parametrize any."""
        if not self.context.static:
            return {}
        if any(_defines(m, "pytest_generate_tests") for m in (module, *conftests)):
            return {}
        direct = _parametrized([test.node, *test.classes])
        if "*" in direct:
            return {}
        found: dict[str, str] = {}
        where = tuple(cls.name for cls in test.classes)  # what the scopes depend on
        for name in _params(test.node, method=bool(test.classes)):
            if name in direct:
                continue
            cls = self._fixture_class(name, scopes, where, 0)
            if cls is not None:
                found[name] = cls
        return found

    def _fixture_class(
        self, name: str, scopes: list[dict[str, _Fixture]], where: tuple[str, ...], depth: int
    ) -> str | None:
        """The one source class of what fixture ``name`` returns or yields, where ast
        alone knows it: a call :meth:`_call_class` types, a local :meth:`_typed` types,
        or a parameter that is such a fixture itself."""
        fixture = _fixture_named(name, scopes)
        if fixture is None or depth > HELPER_DEPTH:
            return None
        key = (fixture.file, fixture.node.lineno, where)
        if key in self.fixture_classes:
            return self.fixture_classes[key]
        self.fixture_classes[key] = None  # (a cycle: no class)
        module = self._module(fixture.file)
        if module is None:
            return None
        params: dict[str, str] = {}
        for param in fixture.params:
            cls = self._fixture_class(param, scopes, where, depth + 1)
            if cls is not None:
                params[param] = cls
        node = fixture.node
        classes = self._local_classes(module, node, params)
        values = _returned(node)
        if classes is None or not values:
            return None
        table = self.analyzer.module_table(module)
        local = _local_names(node)
        kinds = set()
        for value in values:
            kind = self._call_class(value, table, local, classes)
            if (
                kind is None
                and isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and value.func.id in fixture.params
            ):
                # `return serializer_factory()` of a fixture that makes a class's
                # instances when called (itsdangerous: per test class, a
                # `partial(TimedSerializer, ..)` or `partial(URLSafeSerializer, ..)`)
                kind = self._fixture_maker(value.func.id, scopes, where, depth + 1)
            kinds.add(kind)
        result = kinds.pop() if len(kinds) == 1 else None
        self.fixture_classes[key] = result
        return result

    def _fixture_maker(
        self, name: str, scopes: list[dict[str, _Fixture]], where: tuple[str, ...], depth: int
    ) -> str | None:
        """The one source class whose instances calling what fixture ``name`` returns
        makes: ``return C``, ``return partial(C, ..)``, and ``partial(request.param, ..)``
        over ``params=`` that are such (``(Serializer, partial(Serializer, ..))``)."""
        fixture = _fixture_named(name, scopes)
        if fixture is None or depth > HELPER_DEPTH:
            return None
        module = self._module(fixture.file)
        if module is None:
            return None
        table = self.analyzer.module_table(module)
        local = _local_names(fixture.node)
        given, _ = _fixture_params(fixture.node)

        def made(expr: ast.expr, names: AbstractSet[str]) -> set[str | None]:
            if isinstance(expr, ast.Call) and _decorator_name(expr) == "partial" and expr.args:
                expr = expr.args[0]
            if _is_request_param(expr) and given:
                return {k for value in given for k in made(value, frozenset())}
            found = self._follow(expr, table, names)
            if found is None or found.kind != "class":
                return {None}
            return {self.context.class_names.get((found.path, found.line))}

        kinds = {k for value in _returned(fixture.node) for k in made(value, local)}
        return kinds.pop() if len(kinds) == 1 else None

    def _fixture_scopes(
        self, test: _Test, module: _Module, conftests: list[_Module]
    ) -> list[dict[str, _Fixture]]:
        """Fixture tables, nearest first: the test's classes (innermost first, with
        their bases, in this file or another: itsdangerous' ``TestURLSafeSerializer``
        inherits ``TestSerializer``'s fixtures from test_serializer.py, and test_timed.py
        collects that class again), the module, the conftests from the nearest up."""
        scopes: list[dict[str, _Fixture]] = []
        home = test.class_home or module
        for cls in reversed(test.classes):
            scopes.append(self._class_fixtures(cls, home, frozenset()))
        scopes.append(module.fixtures)
        scopes.extend(conftest.fixtures for conftest in reversed(conftests))
        return scopes

    def _class_fixtures(
        self, cls: ast.ClassDef, home: _Module, seen: frozenset[tuple[str, int]]
    ) -> dict[str, _Fixture]:
        """The fixtures a test class defines or inherits, a subclass's overriding its
        bases' (the last base first, as the MRO would have it)."""
        table: dict[str, _Fixture] = {}
        for base, base_home in reversed(list(_base_classes(cls, home, self._other_base))):
            key = (base_home.path, base.lineno)
            if key not in seen:
                table.update(self._class_fixtures(base, base_home, seen | {key}))
        table.update(home.class_fixtures.get(cls.name, {}))
        return table

    # -- one function body

    def _memo_body(
        self,
        module: _Module,
        node: ast.AST,
        depth: int = 0,
        instance: tuple[str, Mapping[str, str]] | None = None,
    ) -> _Reach:
        holders, made = self._held_classes(node, module)
        made = {**self._helper_params(node, module), **made}
        # a helper method that reads the test class's `self.Cache` (or is given one),
        # or a `setUp` its attributes type, reaches what each test class binds there:
        # one answer per test class
        owner = None
        if self.test_class is not None and (
            holders
            or made
            or instance
            or self._overridden_below(node, module)
            or _super_names(node)
        ):
            owner = (self.test_class[1].path, self.test_class[0].lineno)
        key = (module.path, getattr(node, "lineno", 0), owner)
        if key in self.memo:
            return self.memo[key]
        if key in self.active or depth > HELPER_DEPTH:
            return _Reach()
        self.active.add(key)
        try:
            reach = self._body(
                module,
                node,
                fresh=True,
                depth=depth,
                params=made,
                instance=instance,
                holders=holders,
            )
            for method, where in self._super_methods(node, module):
                reach.add(self._memo_body(where, method, depth + 1))
        finally:
            self.active.discard(key)
        self.memo[key] = reach
        return reach

    def _body(
        self,
        module: _Module,
        node: ast.AST,
        *,
        fresh: bool,
        depth: int = 0,
        positions: list[tuple[int, int, bool]] | None = None,
        params: Mapping[str, str] | None = None,
        instance: tuple[str, Mapping[str, str]] | None = None,
        holders: Mapping[tuple[int, int], Found] | None = None,
    ) -> _Reach:
        reach = _Reach()
        if self.task.kind == "test" and self.context.subclassing:
            self._class_statements(module, node, reach)
        if positions is None:
            positions = _positions(node, module)
        # a test's or fixture's parameters are fixtures, which Jedi types; any other
        # function's unannotated parameters would send Jedi searching the project for
        # its callers (its dynamic parameters: tens of times the cost of the site)
        sites = self.analyzer.prune(
            _syntax_sites(
                node,
                module,
                params=self.task.kind == "test" and depth == 0,
                typed=frozenset(params or ()),
            )
        )
        if not positions and not sites:
            return reach
        script: Any = None  # made when Jedi is asked at all
        known = self.known
        static = self._static(module, node)
        typed_uses, typed_sites, selves, defaults, getters = self._typed(
            module, node, params or {}, instance
        )
        own_names, decorated = _own_defs(
            node,
            module,
            self._meaning(module),
            self._identity(module, node),
            self._counts(node),
            self._maker(module, node),
        )
        stores = _store_positions(node, module)
        with_uses = self._with_uses(module, node)
        plain_receivers: set[tuple[int, int]] | None = None  # made when first needed
        for rebound in _rebound_defs(node, self._counts(node)):
            # `parse = self.parse_primary` ... `else: def parse(): ..` ... `parse()`
            # (jinja2's `Parser.parse_tuple`): the call may run the local `def`
            target = self.context.functions.get((module.path, rebound.lineno))
            if target is not None:
                reach.targets.add(target)
                reach.files.add(module.path)
        raised = self._raised(module, node)
        for matched in sorted(raised.matched):
            # pytest matches the message against `str()` of the exception
            reach.files.add(self.analyzer.class_file(matched))
            self._class_runs([self.context.methods.get(matched)], (("__str__",),), reach)
        for made in raised.made:  # `pytest.raises(E)`: an `E` was made
            self._found(made, True, reach, depth)
        for line, column, is_call in positions:
            attribute = _attribute_at(module, line, column)
            store = (line, column) in stores
            default = defaults.get((line, column))
            if default is not None and default[1]:  # and what else Jedi finds
                target = self.context.methods.get(default[0], {}).get(default[1])
                if target is not None:
                    reach.targets.add(target)
                    reach.files.add(self.context.files[target])
            callee = with_uses.get((line, column))
            entered = self._entered_classes(module, node, callee, static, reach) if callee else ()
            for held in entered:
                # `f.read` of `with open_file(..) as f`: what Jedi sees is the annotation
                # `IO`, what runs the method or `__getattr__` of the class behind it
                target = self.context.methods.get(held, {}).get(
                    attribute or ""
                ) or self._attribute_hook(held, attribute or "", store=store)
                if target is not None:
                    reach.targets.add(target)
                    reach.files.add(self.context.files[target])
            if attribute is not None and known is not None and attribute not in known:
                # an attribute that no code of the project defines: Jedi could only land
                # outside it (``d.items()``, ``s.startswith``), the costliest answers it
                # gives (through typeshed's stubs); on a typed value, its class's
                # `__getattr__` may answer it
                self.unasked.add(attribute)
                typed = typed_uses.get((line, column))
                hook = self._attribute_hook(typed[0], attribute, store=store) if typed else None
                if hook is not None:  # `c.a` of `c = CompletionItem("x", a=1)`
                    reach.targets.add(hook)
                    reach.files.add(self.context.files[hook])
                if typed is not None:  # `cache.update(..)`: MutableMapping's, on Cache
                    self._mixin_runs(typed[0], attribute, reach)
                elif attribute in _MIXIN_NAMES and self.context.abcs:
                    if plain_receivers is None:
                        plain_receivers = self._plain_receivers(module, node)
                    if (line, column) in plain_receivers:
                        continue
                    # on a value Jedi types: is it an instance of such a class?
                    if script is None:
                        script = self._script(module)
                    self._receiver_mixins(script, module, line, column, attribute, reach)
                continue
            found = (
                static.get((line, column))
                or own_names.get((line, column))
                or (holders.get((line, column)) if holders else None)
            )
            if found is not None:  # a name ast follows to its definition (static.py)
                self._found(found, is_call, reach, depth)
                continue
            typed = typed_uses.get((line, column))
            if typed is not None and not typed[1]:  # `self.x` holding a typed instance
                getter = getters.get((line, column))
                if getter is not None:  # `self.timer` of a property: its getter ran
                    reach.targets.add(getter)
                    reach.files.add(self.context.files[getter])
                if is_call:
                    self._class_runs([self.context.methods.get(typed[0])], _CALL, reach)
                continue
            if typed is not None:  # `p.feed` of `p = Parser(..)`: Parser's `feed`
                held, attr, stored = typed
                target = None if stored else self.context.methods.get(held, {}).get(attr)
                if target is not None:
                    reach.targets.add(target)
                    reach.files.update((self.context.files[target], self.analyzer.class_file(held)))
                    continue
                if not stored and self._mixin_runs(held, attr, reach):
                    continue
                accessor = self._class_descriptor(held, attr, store=store)
                if accessor is not None:  # `up.user` of a class body's `user = Perm(..)`
                    reach.targets.add(accessor)
                    reach.files.add(self.context.files[accessor])
                    if not is_call:
                        continue
                hook = self._attribute_hook(held, attr, store=store)
                if hook is not None:  # `c.a` of `c = CompletionItem("x", a=1)`
                    reach.targets.add(hook)
                    reach.files.add(self.context.files[hook])
                if not is_call and self._data_attribute(held, attr, reach):
                    continue
            use = decorated.get((line, column))
            if script is None and (use is None or use[3] is None):
                script = self._script(module)
            if use is not None and attribute is not None:
                owner = self._decorated_class(script, use)
                target = self.context.methods.get(owner or "", {}).get(attribute)
                if target is not None:
                    reach.targets.add(target)
                    reach.files.add(self.context.files[target])
                    continue
                if owner and not is_call and self._data_attribute(owner, attribute, reach):
                    continue
            if script is None:
                script = self._script(module)
            try:
                try:
                    names = script.goto(line, column, follow_imports=True)
                except Exception:
                    # Jedi's state can go bad within a Script (seen: a KeyError from its
                    # parso cache lookup while following pytest plugins); a fresh Script
                    # usually answers
                    self.scripts.pop(module.path, None)
                    script = self._script(module)
                    names = script.goto(line, column, follow_imports=True)
            except Exception as exc:
                if os.environ.get("PARADISCO_DEBUG"):
                    import traceback

                    traceback.print_exc()
                self.errors.append(
                    ("jedi", f"{_short(module.path)}:{line}:{column}: {type(exc).__name__}: {exc}")
                )
                continue
            if attribute is not None and self.context.abcs and _abc_mixin(names, attribute):
                # `s.update(..)` that Jedi sends to typeshed's `MutableMapping.update`:
                # on an instance of a source class, what the mixin calls on it
                self._receiver_mixins(script, module, line, column, attribute, reach)
            if attribute is not None and len(names) > 1 and self.task.kind == "test":
                self._resolve_attribute(names, attribute, is_call, reach, depth)
                continue
            for name in names:
                self._resolve(name, is_call, reach, depth, store=store)
            if not names and attribute in self.context.method_names:
                # a type Jedi does not know: the closure dispatches by name (names.py)
                reach.targets.add(ATTR + attribute)
        rest: list[_Site] = []
        for site in sites:
            cls = typed_sites.get((site[0], site[1])) if site[2] == "value" else None
            if cls is None:
                rest.append(site)
                default = defaults.get((site[0], site[1])) if site[2] == "value" else None
                if default is not None and not default[1]:  # and what else Jedi finds
                    reach.files.add(self.analyzer.class_file(default[0]))
                    self._class_runs(
                        [self.context.methods.get(default[0])], site[3], reach, cls=default[0]
                    )
            else:  # the dunders of the instance's class, as `_instance_values` finds them
                reach.files.add(self.analyzer.class_file(cls))
                table = self.context.methods.get(cls) or {}
                self._class_runs([table], site[3], reach, cls=cls)
                if (site[0], site[1]) in selves:
                    # a dunder the class leaves to its subclasses (tomlkit's
                    # `AbstractTable.copy` runs `copy.copy(self)`, `Table.__copy__`):
                    # that of each subclass the test constructs (the closure's)
                    reach.targets.update(
                        attr_target(dunder.lstrip(CLOSURE_ONLY), within=cls)
                        for group in site[3]
                        if not any(d.lstrip(CLOSURE_ONLY) in table for d in group)
                        for dunder in group
                    )
        if rest:
            self._syntax_dunders(script or self._script(module), rest, reach)
        return reach

    def _static(self, module: _Module, node: ast.AST) -> dict[tuple[int, int], Found]:
        """The positions of ``node``'s body whose meaning ast alone finds (see
        static.py): module-level names and attribute chains through modules, in a
        function whose enclosing scopes are only classes (a name free in a nested
        function may be bound by the function around it)."""
        if not self.context.static or id(node) not in self._tops(module):
            return {}
        table = self.analyzer.module_table(module)
        lookup = self.analyzer.static
        local = _local_names(node)
        own = self._own_methods(module, node)
        found: dict[tuple[int, int], Found] = {}
        known: dict[int, Found | None] = {}  # id(expr) -> its meaning
        for stmt in [*getattr(node, "body", [node]), *_read_defaults(node)]:
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
                    if sub.id in local:
                        continue
                    meaning = lookup.lookup(table, sub.id)
                    known[id(sub)] = meaning
                    key = (sub.lineno, module.char_col(sub.lineno, sub.col_offset))
                elif isinstance(sub, ast.Attribute) and sub.end_lineno and sub.end_col_offset:
                    meaning = self._chain(sub, table, local, known)
                    if (
                        meaning is None
                        and own
                        and isinstance(sub.value, ast.Name)
                        and sub.value.id == own[0]
                        and sub.attr in own[1]
                    ):
                        meaning = Found("def", module.path, own[1][sub.attr])
                    if meaning is None and isinstance(sub.value, ast.Name | ast.Attribute):
                        meaning = self._class_method(sub, table, local)
                    key = module.attribute_position(sub)
                else:
                    continue
                if meaning is not None:
                    found.setdefault(key, meaning)
        return found

    def _class_method(
        self, attribute: ast.Attribute, table: StaticModule, local: AbstractSet[str]
    ) -> Found | None:
        """``C.m`` of a source class ``C`` that ast follows: the ``def`` of its method
        ``m`` (inherited ones too; a classmethod, or a function called with an instance,
        ``C.m(x)``), where the class that defines it binds ``m`` once in its body and no
        source code assigns an attribute ``m``; None otherwise (Jedi's to answer)."""
        head = self._follow(attribute.value, table, local)
        if head is None or head.kind != "class":
            return None
        cls = self.context.class_names.get((head.path, head.line))
        if cls is None or self._stored(cls, attribute.attr):
            return None
        target = self.context.methods.get(cls or "", {}).get(attribute.attr)
        where = self.analyzer.def_of(target) if target is not None else None
        if target is None or where is None or not target.endswith("." + attribute.attr):
            return None  # (a wrapper a class body assigns: the call graph's to follow)
        owner = target.rpartition(".")[0]
        if (self._class_counts(owner) or {}).get(attribute.attr) != 1:
            return None
        return Found("def", where[0], where[1], via=head.via)

    def _class_node(self, cls: str) -> tuple[_Module, ast.ClassDef] | None:
        """The module and the ``class`` statement of source class ``cls``."""
        path, line = self.analyzer.class_def(cls)
        module = self._module(path)
        owner = module.class_at(line) if module is not None else None
        return (module, owner) if module is not None and owner is not None else None

    def _class_counts(self, cls: str) -> dict[str, int] | None:
        """How many statements of source class ``cls``'s body bind each name
        (``@overload``s not counted); None where the class cannot be read."""
        known = self.analyzer.class_counts
        if cls not in known:
            found = self._class_node(cls)
            counts: dict[str, int] | None = None if found is None else {}
            for stmt in found[1].body if found is not None else []:
                if counts is not None and not overloads(stmt):
                    for name in _bound_in_class(stmt):
                        counts[name] = counts.get(name, 0) + 1
            known[cls] = counts
        return known[cls]

    def _counts(self, node: ast.AST) -> dict[str, int]:
        if id(node) not in self.counts:
            self.counts[id(node)] = _binding_counts(node)
        return self.counts[id(node)]

    def _typed(
        self,
        module: _Module,
        node: ast.AST,
        params: Mapping[str, str],
        instance: tuple[str, Mapping[str, str]] | None = None,
    ) -> tuple[
        dict[tuple[int, int], tuple[str, str, bool]],
        dict[tuple[int, int], str],
        set[tuple[int, int]],
        dict[tuple[int, int], tuple[str, str]],
        dict[tuple[int, int], str],
    ]:
        """The locals of ``node`` whose source class ast alone knows, and where they are
        used and bound. A local is typed when ``node`` binds it only in its own scope
        (nested scopes included), each time by ``name = call``, all of one source class:
        a call of a source class that ast follows (static.py), or of a source function
        or method of a typed local whose return annotation names one (``C``, ``"C"``,
        ``Optional[C]``, ``C | None``; a ``def`` with decorators other than
        ``classmethod``/``staticmethod`` is left to Jedi). Gives (1) each ``x.attr`` of
        a typed ``x``, by the position Jedi would be asked about, -> (class, attr,
        whether the source assigns ``attr`` as an attribute: the method is then not the
        only thing it can be); (2) the position of each typed binding -> its class,
        where :func:`_syntax_sites` types the value. ``params``: parameters of known
        class (a test's fixtures, :meth:`_fixture_classes`), typed as such locals are,
        at each use. Jedi answers the same, a few ms to a second each (its inference of
        the call). (3): which of those positions are ``self`` in a method of a source
        class (typed as its class, as Jedi types it), whose subclasses may run the
        syntax's dunders instead. ``instance``: for a test method, its ``self`` and the
        attributes of its test class that :meth:`_test_instance` types. (4): in a method
        of a source class, ``self.x`` and ``self.x.attr`` where the class body binds ``x``
        to an instance of a source class (:meth:`_class_default`) -> (that class, attr or
        ""): the value may be that default, whatever else Jedi finds (an instance
        attribute assigned only on some paths). (5): the positions of the ``x.prop`` that
        (1) types by what property ``prop``'s getter returns -> that getter."""
        params = {**self._annotated(module, node), **params}
        classes = self._local_classes(module, node, params) or {}
        first = self._self_name(module, node)
        raised = self._raised(module, node).names
        if not classes and not first and not raised and not instance:
            return {}, {}, set(), {}, {}
        sites: dict[tuple[int, int], str] = {}
        selves: set[tuple[int, int]] = set()
        uses: dict[tuple[int, int], tuple[str, str, bool]] = {}
        defaults: dict[tuple[int, int], tuple[str, str]] = {}
        getters: dict[tuple[int, int], str] = {}
        # (a `setattr` with a computed name, "*" in `stored`, is left aside: Jedi does
        # not see what it sets either)
        owner = self._owners(module).get(id(node)) if first else None
        own = self.context.class_names.get((module.path, owner.lineno)) if owner else None
        kinds: dict[int, str | None] = {}  # id(expr) -> its class, for attribute chains

        def kind(expr: ast.expr) -> str | None:
            """The class of ``expr``'s value: a typed local, or an attribute of such a
            value (``self`` included) that the class's methods type (see
            :meth:`_class_attributes`), chains of them too (``parser.stream.current``)."""
            if id(expr) not in kinds:
                kinds[id(expr)] = None
                if isinstance(expr, ast.Name):
                    kinds[id(expr)] = classes.get(expr.id)
                elif (
                    isinstance(expr, ast.Attribute)
                    and expr.attr == "value"
                    and isinstance(expr.value, ast.Name)
                    and expr.value.id in raised
                ):
                    kinds[id(expr)] = raised[expr.value.id]  # `excinfo.value`
                elif (
                    isinstance(expr, ast.Attribute)
                    and instance is not None
                    and _is_name(expr.value, instance[0])
                ):
                    kinds[id(expr)] = instance[1].get(expr.attr)  # a test's `self.flo`
                elif isinstance(expr, ast.Attribute):
                    base = own if _is_name(expr.value, first) else kind(expr.value)
                    if base is not None:
                        kinds[id(expr)] = self._attributes_of(base).get(expr.attr)
                    if base is not None and kinds[id(expr)] is None:
                        # a property whose getter returns one class's instances
                        read = self._property_value(base, expr.attr)
                        if read is not None and expr.end_lineno and expr.end_col_offset:
                            getters[module.attribute_position(expr)] = read[0]
                            kinds[id(expr)] = read[1]
            return kinds[id(expr)]

        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id in classes:
                # a binding, or a use of a parameter (typed at its first use)
                if isinstance(sub.ctx, ast.Store) or sub.id in params:
                    position = (sub.lineno, module.char_col(sub.lineno, sub.col_offset))
                    sites[position] = classes[sub.id]
                continue
            if isinstance(sub, ast.Name) and own and sub.id == first:
                # `self` itself: an instance of the class, or of a subclass
                position = (sub.lineno, module.char_col(sub.lineno, sub.col_offset))
                sites[position] = own
                selves.add(position)
                continue
            if not isinstance(sub, ast.Attribute) or not (sub.end_lineno and sub.end_col_offset):
                continue
            held = kind(sub)
            if held is not None:
                # `self.x` (or `p.x`) itself: the instance it holds ("": no attribute)
                position = module.attribute_position(sub)
                uses[position] = (held, "", False)
                sites[position] = held
            elif not _is_name(sub.value, first):
                base = kind(sub.value)
                if base is not None:  # `p.feed`, `self.x.feed`: the class's method
                    position = module.attribute_position(sub)
                    uses[position] = (base, sub.attr, self._stored(base, sub.attr))
                elif (
                    own
                    and isinstance(sub.value, ast.Attribute)
                    and _is_name(sub.value.value, first)
                    and (default := self._class_default(own, sub.value.attr)) is not None
                ):  # `self.__size.pop(..)` of cachetools' `__size = _DefaultSize()`
                    defaults[module.attribute_position(sub)] = (default, sub.attr)
            elif own and (default := self._class_default(own, sub.attr)) is not None:
                defaults[module.attribute_position(sub)] = (default, "")  # `self.__size[k]`
        return uses, sites, selves, defaults, getters

    def _attributes_of(self, name: str) -> dict[str, str]:
        """:meth:`_class_attributes` of the source class ``name``, wherever it is."""
        if name not in self.attributes_by_name:
            self.attributes_by_name[name] = {}
            found = self._class_node(name)
            if found is not None:
                self.attributes_by_name[name] = self._class_attributes(*found)
        return self.attributes_by_name[name]

    def _self_name(self, module: _Module, node: ast.AST) -> str:
        """For a method of a source class: the name of its ``self`` parameter; "" for
        any other function, a ``staticmethod``/``classmethod``, or where ``self`` is
        rebound."""
        owner = self._owners(module).get(id(node))
        if (
            owner is None
            or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            or (module.path, owner.lineno) not in self.context.class_names
        ):
            return ""
        first = _instance_param(node)
        return first if first and self._counts(node).get(first) == 1 else ""

    def _class_attributes(self, module: _Module, owner: ast.ClassDef) -> dict[str, str]:
        """The instance attributes ``x`` that the methods of ``owner`` (a source class)
        assign only as ``self.x = value`` with values of one source class (a call or a
        local :meth:`_typed` types, or ``None``) or as ``self.x: C = ..``: ``x`` -> that
        class. Jedi types ``self.x`` from the same assignments in the class. Not a name
        the class body binds or a method of the class (inherited ones included), nor one
        assigned any other way (``self.x += ..``, ``for self.x in``, in a nested
        function)."""
        key = (module.path, owner.lineno)
        if key in self.class_attributes:
            return self.class_attributes[key]
        self.class_attributes[key] = {}
        name = self.context.class_names[key]
        poisoned = set(self.context.methods.get(name, {}))
        for stmt in owner.body:
            poisoned |= _bound_in_class(stmt)
        typed = self._assigned_attributes(module, [owner], poisoned)
        self.class_attributes[key] = typed
        return typed

    def _test_instance(self, test: _Test, module: _Module) -> tuple[str, Mapping[str, str]] | None:
        """A test method's ``self`` and the attributes its test class (with its bases in
        the same file) assigns as :meth:`_class_attributes` says, in ``setUp`` or any
        method (boltons' ``TestSpooledBytesIO.setUp``: ``self.spooled_flo =
        ioutils.SpooledBytesIO()``, read by the tests a mixin of the file defines, where
        Jedi types ``self`` as the mixin)."""
        if not test.classes or not self.context.static:
            return None
        me = _instance_param(test.node)
        if not me or self._counts(test.node).get(me) != 1:
            return None
        typed = self._test_class_attributes(module, test.classes[-1])
        return (me, typed) if typed else None

    def _setup_instance(self, node: ast.AST) -> tuple[str, Mapping[str, str]] | None:
        """:meth:`_test_instance` for a ``setUp``/``tearDown``-like method ``node`` of
        the test class being mapped (pyparsing's ``self.suite_context.restore()``)."""
        if (
            self.test_class is None
            or not self.context.static
            or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ):
            return None
        me = _instance_param(node)
        if not me or self._counts(node).get(me) != 1:
            return None
        typed = self._test_class_attributes(self.test_class[1], self.test_class[0])
        return (me, typed) if typed else None

    def _stored_class(self, value: ast.expr, module: _Module, table: StaticModule) -> str | None:
        """The source class of a value :meth:`_class_stores` reads: by ast, else by
        Jedi (pyparsing's ``ppt = pp.pyparsing_test`` is a name bound in an ``if``), and
        through a method that returns ``self`` (``ppt.reset_pyparsing_context().save()``)."""
        found = self._call_class(value, table, set(), {})
        if found is not None or not isinstance(value, ast.Call):
            return found
        func = value.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
            owner = self._stored_class(func.value, module, table)
            return self._method_result(owner, func.attr) if owner else None
        classes = self._inferred_classes(value, module)
        return next(iter(classes)) if len(classes) == 1 else None

    def _held_classes(
        self, node: ast.AST, home: _Module
    ) -> tuple[dict[tuple[int, int], Found], dict[str, str]]:
        """``self.Cache`` in a method of the test class of the test being mapped (the
        test itself, or a helper method it calls on ``self``), where that class (or a
        base) binds ``Cache = LRUCache`` in its body, a source class or function ast
        follows (cachetools' tests, written once in a mixin for each cache class): the
        positions of such uses in ``node`` (of module ``home``) -> what they hold; and
        the locals bound once by calling a class so held (``cache =
        self.Cache(maxsize=2)``) -> its name, for :meth:`_typed`."""
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return {}, {}
        if not self._test_class_method(node, home):
            return {}, {}
        assert self.test_class is not None
        me = _instance_param(node)
        counts = self._counts(node)
        if not me or counts.get(me) != 1:
            return {}, {}
        holders = self._class_holders(*self.test_class)
        if not holders:
            return {}, {}
        positions: dict[tuple[int, int], Found] = {}
        made: dict[str, str] = {}
        for sub in _own_scope(node):
            if (
                isinstance(sub, ast.Attribute)
                and _is_name(sub.value, me)
                and sub.attr in holders
                and sub.end_lineno
                and sub.end_col_offset
            ):
                positions[home.attribute_position(sub)] = holders[sub.attr]
            elif (
                isinstance(sub, ast.Assign)
                and len(sub.targets) == 1
                and isinstance(sub.targets[0], ast.Name)
                and counts.get(sub.targets[0].id) == 1
                and (name := self._held_call(sub.value, me, holders)) is not None
            ):
                made[sub.targets[0].id] = name
        return positions, made

    def _held_call(self, value: ast.expr, me: str, holders: Mapping[str, Found]) -> str | None:
        """The source class ``me.Cache(..)`` constructs, where ``Cache`` is one of the
        test class's ``holders`` bound to a class; None for any other value."""
        if not (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and _is_name(value.func.value, me)
            and value.func.attr in holders
        ):
            return None
        found = holders[value.func.attr]
        return self._made_class(found) if found.kind == "class" else None

    def _made_class(self, found: Found) -> str | None:
        """The source class whose methods run on an instance made by calling the class
        ``found``: the class itself; for a class of the test code with one base, a source
        class whose methods it does not redefine but for constructors, that base
        (cachetools' ``class TTLTestCache(TTLCache)``, whose ``__init__`` passes a fake
        timer: ``cache[1] = 1`` runs ``TTLCache.__setitem__``); None otherwise."""
        key = (found.path, found.line)
        name = self.context.class_names.get(key)
        if name is not None or not self.analyzer.is_test_code(found.path):
            return name
        if key not in self.thin:
            self.thin[key] = None
            definition = self._definition(found)
            node = definition[0] if definition is not None else None
            if definition is None or not isinstance(node, ast.ClassDef):
                return None
            module = definition[1]
            if len(node.bases) != 1 or node.keywords:
                return None
            base = self._follow(node.bases[0], self.analyzer.module_table(module), frozenset())
            source = (
                self.context.class_names.get((base.path, base.line))
                if base is not None and base.kind == "class"
                else None
            )
            if source is None:
                return None
            table = self.context.methods.get(source, {})
            bound = {name for stmt in node.body for name in _bound_in_class(stmt)}
            if any(name in table for name in bound - _OWN_CONSTRUCTORS):
                return None
            self.thin[key] = source
        return self.thin[key]

    def _helper_params(self, node: ast.AST, home: _Module) -> dict[str, str]:
        """The parameters of a helper method of the test class (or of a base) that its
        methods pass one source class's instances: ``self._test_getsizeof(
        self.Cache(maxsize=3))`` in cachetools' mixin, with ``Cache = LRUCache`` in the
        test class. A value counts where ast knows its class: a call of a class the test
        class holds (``self.Cache(..)``) or of a source class, or a local bound to one;
        calls passing other values leave the parameter to what the others say."""
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return {}
        if not self._test_class_method(node, home):
            return {}
        assert self.test_class is not None
        key = (home.path, node.lineno, self.test_class[1].path, self.test_class[0].lineno)
        if key not in self.helper_params:
            self.helper_params[key] = self._find_helper_params(node, home)
        return self.helper_params[key]

    def _test_class_method(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, home: _Module
    ) -> bool:
        """Is ``node`` (of module ``home``) a method of the test class of the test being
        mapped, or of one of its bases, with ast reading the project?"""
        if self.test_class is None or not self.context.static:
            return False
        owner = self._owners(home).get(id(node))
        return owner is not None and (home.path, owner.lineno) in self._lineage(*self.test_class)

    def _members(
        self,
    ) -> dict[str, tuple[ast.FunctionDef | ast.AsyncFunctionDef, _Module]]:
        """The methods of the test class being mapped, inherited ones included."""
        assert self.test_class is not None
        cls, home = self.test_class
        key = (home.path, cls.lineno)
        if key not in self.test_members:
            self.test_members[key] = _class_members(cls, home, self._other_base)
        return self.test_members[key]

    def _override(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, home: _Module
    ) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, _Module] | None:
        """The method that runs, on an instance of the test class being mapped, for a
        helper method of one of its bases that Jedi found (it types ``self`` as the
        class the code is written in): pyflakes' ``TestMain(IntegrationTests)`` runs
        the inherited tests with its own ``runPyflakes``. None where the test class
        does not override it, or inside the override itself (its ``super().m()``)."""
        if not self._test_class_method(node, home):
            return None
        found = self._members().get(node.name)
        if found is None or found[0] is node:
            return None
        method, where = found
        if any(k[0] == where.path and k[1] == method.lineno for k in self.active):
            return None
        return found

    def _mro(self) -> list[tuple[ast.ClassDef, _Module]]:
        """The test class being mapped and its bases of the project, in Python's method
        resolution order (C3; a base it cannot place is left out)."""
        assert self.test_class is not None

        def linear(
            cls: ast.ClassDef, home: _Module, seen: frozenset[int]
        ) -> list[tuple[ast.ClassDef, _Module]]:
            seen = seen | {id(cls)}
            bases = [b for b in _base_classes(cls, home, self._other_base) if id(b[0]) not in seen]
            todo = [linear(*base, seen) for base in bases] + [bases]
            order = [(cls, home)]
            while todo := [line for line in todo if line]:
                for line in todo:
                    head = line[0]
                    if not any(head[0] is other[0] for rest in todo for other in rest[1:]):
                        break
                else:
                    return order  # (no consistent order)
                order.append(head)
                todo = [[c for c in rest if c[0] is not head[0]] for rest in todo]
            return order

        key = (self.test_class[1].path, self.test_class[0].lineno)
        if key not in self.mros:
            self.mros[key] = linear(*self.test_class, frozenset())
        return self.mros[key]

    def _super_methods(
        self, node: ast.AST, home: _Module
    ) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, _Module]]:
        """What ``super().m(..)`` in a method of the test class being mapped (or of a
        base) runs: the next ``m`` after the method's class along the test class's MRO.
        A mixin with no base of its own is one of them (pyflakes' ``class
        TestImports(_DoctestMixin, TestImports)``, whose ``_DoctestMixin.flakes`` calls
        ``super().flakes(..)``, the harness's): Jedi finds nothing there."""
        names = _super_names(node)
        if not names or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return []
        if not self._test_class_method(node, home):
            return []
        owner = self._owners(home).get(id(node))
        mro = self._mro()
        after = next((i for i, (cls, _) in enumerate(mro) if cls is owner), None)
        if after is None:
            return []
        found = []
        for name in sorted(names):
            for cls, where in mro[after + 1 :]:
                method = next(
                    (
                        child
                        for child in _level(cls.body)
                        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                        and child.name == name
                    ),
                    None,
                )
                if method is not None:
                    found.append((method, where))
                    break
        return found

    def _overridden_below(self, node: ast.AST, home: _Module) -> bool:
        """Is ``node`` a method of a base of the test class being mapped that calls, on
        ``self``, a method the test class (or a class between) overrides? Its reach is
        then the test class's own (see :meth:`_override`)."""
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return False
        if not self._test_class_method(node, home):
            return False
        me = _instance_param(node)
        if not me:
            return False
        owner = self._owners(home).get(id(node))
        members = self._members()
        for name in _self_calls(node, me):
            found = members.get(name)
            if found is not None and self._owners(found[1]).get(id(found[0])) is not owner:
                return True
        return False

    def _find_helper_params(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, home: _Module
    ) -> dict[str, str]:
        assert self.test_class is not None
        names = _params(node, method=True)
        if not names or _instance_param(node) == "":
            return {}
        holders = self._class_holders(*self.test_class)
        seen: dict[str, set[str]] = {}
        for method, method_home in self._members().values():
            me = _instance_param(method)
            if not me or method is node:
                continue
            calls = _self_calls(method, me).get(node.name)
            if not calls:
                continue
            made = self._held_classes(method, method_home)[1]
            table = self.analyzer.module_table(method_home)
            local = _local_names(method)
            for call in calls:
                given = [
                    (name, value)
                    for name, value in zip(names, call.args, strict=False)
                    if not isinstance(value, ast.Starred)
                ]
                given += [(k.arg, k.value) for k in call.keywords if k.arg in names]
                for name, value in given:
                    cls = self._given_class(value, me, holders, made, table, local)
                    if cls is not None:
                        seen.setdefault(name, set()).add(cls)
        counts = self._counts(node)
        return {
            name: next(iter(classes))
            for name, classes in seen.items()
            if len(classes) == 1 and counts.get(name) == 1
        }

    def _given_class(
        self,
        value: ast.expr,
        me: str,
        holders: Mapping[str, Found],
        made: Mapping[str, str],
        table: StaticModule,
        local: AbstractSet[str],
    ) -> str | None:
        """The source class of a value a test method passes, where ast knows it (see
        :meth:`_helper_params`)."""
        if isinstance(value, ast.Name) and value.id in made:
            return made[value.id]
        if not isinstance(value, ast.Call):
            return None
        func = value.func
        if isinstance(func, ast.Attribute) and _is_name(func.value, me) and func.attr in holders:
            return self._held_call(value, me, holders)  # (None for a held function)
        return self._call_class(value, table, local, {})

    def _lineage(self, cls: ast.ClassDef, module: _Module) -> frozenset[tuple[str, int]]:
        """(file, line) of a test class and of its bases, in its file or another."""
        key = (module.path, cls.lineno)
        if key in self.lineages:
            return self.lineages[key]
        seen: set[tuple[str, int]] = set()
        todo = [(cls, module)]
        while todo:
            node, home = todo.pop()
            if (home.path, node.lineno) not in seen:
                seen.add((home.path, node.lineno))
                todo.extend(_base_classes(node, home, self._other_base))
        self.lineages[key] = frozenset(seen)
        return self.lineages[key]

    def _class_holders(self, cls: ast.ClassDef, module: _Module) -> dict[str, Found]:
        """The names a test class's body (or a base's: the subclass's win) binds once,
        to a source class that ast follows: ``Cache = LRUCache``."""
        key = (module.path, cls.lineno)
        if key in self.holders:
            return self.holders[key]
        self.holders[key] = {}  # (a cycle of bases)
        found: dict[str, Found] = {}
        for base, home in reversed(list(_base_classes(cls, module, self._other_base))):
            found.update(self._class_holders(base, home))
        table = self.analyzer.module_table(module)
        counts: dict[str, int] = {}
        for stmt in cls.body:
            for name in _bound_in_class(stmt):
                counts[name] = counts.get(name, 0) + 1
        for stmt in cls.body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and counts.get(stmt.targets[0].id) == 1
            ):
                value = stmt.value
                if (
                    isinstance(value, ast.Call)
                    and _decorator_name(value.func) == "staticmethod"
                    and len(value.args) == 1
                ):
                    value = value.args[0]  # `DECORATOR = staticmethod(func.lru_cache)`
                meaning = self._follow(value, table, frozenset())
                name = stmt.targets[0].id
                if meaning is not None and (
                    meaning.kind == "class" or (meaning.kind == "def" and value is not stmt.value)
                ):
                    found[name] = meaning
                else:
                    found.pop(name, None)  # the subclass binds it to something else
        self.holders[key] = found
        return found

    def _test_class_attributes(self, module: _Module, cls: ast.ClassDef) -> dict[str, str]:
        """:meth:`_test_instance`'s attributes of test class ``cls``, once per class."""
        key = (module.path, cls.lineno)
        if key in self.test_class_attributes:
            return self.test_class_attributes[key]
        owners: list[ast.ClassDef] = []
        todo = [cls]
        while todo:
            owner = todo.pop()
            if owner in owners:
                continue
            owners.append(owner)
            todo += [base for base, _ in _base_classes(owner, module, None)]
        poisoned = set(_class_methods(cls, module))
        unset: set[str] = set()  # `suite_context = None` in a class body: set later
        for owner in owners:
            for stmt in owner.body:
                if _binds_none(stmt):
                    unset |= _bound_in_class(stmt)
                else:
                    poisoned |= _bound_in_class(stmt)
        outside = self._class_stores(module, owners, unset - poisoned, poisoned)
        self.test_class_attributes[key] = self._assigned_attributes(
            module, owners, poisoned, outside
        )
        return self.test_class_attributes[key]

    def _class_stores(
        self,
        module: _Module,
        owners: list[ast.ClassDef],
        names: set[str],
        poisoned: set[str],
    ) -> dict[str, set[str]]:
        """The source classes of the values ``module`` assigns to the class attributes
        ``names`` of the test classes ``owners`` from outside them (pyparsing 3.1.2:
        ``Test02_WithoutPackrat.suite_context = ppt.reset_pyparsing_context().save()``
        after the class, or in another class's ``setUp``), by name; a value of another
        such attribute (``C.suite_context = C.save_suite_context``) holds what that one
        holds. A name assigned anything else goes to ``poisoned``."""
        if not names:
            return {}
        classes = {owner.name for owner in owners if owner in module.tree.body}
        table = self.analyzer.module_table(module)
        found: dict[str, set[str]] = {}
        links: dict[str, set[str]] = {}
        for owner, attr, value in _name_attribute_stores(module):
            if owner not in classes or attr not in names:
                continue
            found.setdefault(attr, set())
            if (
                isinstance(value, ast.Attribute)
                and isinstance(value.value, ast.Name)
                and value.value.id in classes
                and value.attr in names
            ):
                links.setdefault(attr, set()).add(value.attr)
                continue
            if value is None:  # `del C.x`, `C.x += ..`, `for C.x in ..`
                made = None
            else:
                if id(value) not in self.stored_classes:
                    self.stored_classes[id(value)] = self._stored_class(value, module, table)
                made = self.stored_classes[id(value)]
            if made is None:
                poisoned.add(attr)
            else:
                found[attr].add(made)
        for _ in range(len(links)):
            for name, others in links.items():
                for other in others:
                    found[name] |= found.get(other, set())
                    if other in poisoned or other not in found:
                        poisoned.add(name)
        return found

    def _assigned_attributes(
        self,
        module: _Module,
        owners: list[ast.ClassDef],
        poisoned: set[str],
        outside: Mapping[str, set[str]] | None = None,
    ) -> dict[str, str]:
        """The loop of :meth:`_class_attributes` over the methods of ``owners``, with
        the classes of what is assigned from ``outside`` them."""
        found: dict[str, set[str]] = {name: set(held) for name, held in (outside or {}).items()}
        table = self.analyzer.module_table(module)
        for method in (m for owner in owners for m in owner.body):
            if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            me = _instance_param(method)
            if not me:
                continue
            stores = {
                id(sub): sub.attr
                for sub in ast.walk(method)
                if isinstance(sub, ast.Attribute)
                and not isinstance(sub.ctx, ast.Load)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == me
            }
            if not stores:
                continue
            if self._counts(method).get(me) != 1:
                poisoned.update(stores.values())
                continue
            classes: dict[str, str] | None = None
            todo: list[ast.AST] = list(method.body)
            while todo:  # the method's own scope
                sub = todo.pop()
                if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    continue
                todo.extend(ast.iter_child_nodes(sub))
                target = (
                    sub.targets[0]
                    if isinstance(sub, ast.Assign) and len(sub.targets) == 1
                    else sub.target
                    if isinstance(sub, ast.AnnAssign)
                    else None
                )
                if target is None or id(target) not in stores:
                    continue
                attr = stores.pop(id(target))
                cls: str | None = None
                if isinstance(sub, ast.AnnAssign):
                    cls = self._annotation_class(module, sub.annotation)
                elif not isinstance(sub, ast.Assign):
                    continue
                elif isinstance(sub.value, ast.Constant) and sub.value.value is None:
                    continue  # `self.x = None` until it is set
                else:
                    if classes is None:
                        params = self._annotated(module, method)
                        classes = self._local_classes(module, method, params) or {}
                    cls = self._call_class(sub.value, table, _local_names(method), classes)
                if cls is None:
                    poisoned.add(attr)
                else:
                    found.setdefault(attr, set()).add(cls)
            poisoned.update(stores.values())  # assigned some other way
        return {
            attr: next(iter(classes_))
            for attr, classes_ in found.items()
            if len(classes_) == 1 and attr not in poisoned
        }

    def _annotated(self, module: _Module, node: ast.AST) -> dict[str, str]:
        """``node``'s parameters annotated with a source class (see
        :meth:`_annotation_class`): Jedi types them by the annotation too."""
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return {}
        args = node.args
        found: dict[str, str] = {}
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.annotation is not None:
                cls = self._annotation_class(module, arg.annotation)
                if cls is not None:
                    found[arg.arg] = cls
        return found

    def _local_classes(
        self, module: _Module, node: ast.AST, params: Mapping[str, str]
    ) -> dict[str, str] | None:
        """The locals of ``node`` that :meth:`_typed` types -> their source class (the
        ``params`` given, where ``node`` does not rebind them, among them); None where
        ast cannot know the locals of ``node``."""
        if not self.context.static or id(node) not in self._tops(module):
            return None
        counts = self._counts(node)
        classes = {name: cls for name, cls in params.items() if counts.get(name) == 1}
        assigns = [
            sub
            for sub in _own_scope(node)
            if isinstance(sub, ast.Assign)
            and len(sub.targets) == 1
            and isinstance(sub.targets[0], ast.Name)
            and isinstance(sub.value, ast.Call)
        ]
        by_name: dict[str, list[ast.Assign]] = {}
        for assign in sorted(assigns, key=lambda a: (a.lineno, a.col_offset)):
            by_name.setdefault(cast(ast.Name, assign.targets[0]).id, []).append(assign)
        # a name every binding of which is such a call (`result = runner.invoke(..)` in
        # each part of a test), all of one class
        by_name = {n: found for n, found in by_name.items() if counts.get(n) == len(found)}
        if not by_name:
            return classes
        table = self.analyzer.module_table(module)
        local = _local_names(node)
        for _ in range(2):  # (a second pass for a name typed after its first use)
            for name, found in by_name.items():
                if name in classes:
                    continue
                made = {self._call_class(a.value, table, local, classes) for a in found}
                if len(made) == 1 and None not in made:
                    classes[name] = cast(str, next(iter(made)))
        return classes

    def _raised(self, module: _Module, node: ast.AST) -> _Raised:
        """``pytest.raises(E, ..)`` (``self.assertRaises(E, ..)``) in ``node``'s own body,
        for ``E`` one source exception class that ast follows: (1) the names ``with
        pytest.raises(E) as excinfo`` binds (once) -> ``E``, so that ``excinfo.value`` is
        typed as an ``E`` (its attributes, ``str(excinfo.value)``); (2) the targets pytest
        runs itself: ``E.__str__`` where it matches the message (``match=``,
        ``excinfo.match(..)``, ``assertRaisesRegex``); (3) the classes so named, by where
        they are defined: the test passes only if an ``E`` was raised, so made (its
        constructors ran, the subclass's where one was raised instead)."""
        key = id(node)
        if key in self.raised:
            return self.raised[key]
        found = _Raised({}, set(), set())
        self.raised[key] = found
        if (
            not self.context.static
            or not (
                {"pytest", "pytest.raises"}.intersection(module.imports.values())
                or "assertRaises" in module.text
            )
            or id(node) not in self._tops(module)
        ):
            return found  # (most source modules: no `pytest.raises` to find)
        table = self.analyzer.module_table(module)
        local = _local_names(node)
        counts = self._counts(node)
        names, runs = found.names, found.matched
        calls: dict[int, str] = {}  # id(call) -> its class
        me = ""
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            me = _instance_param(node)  # `self.assertRaises(..)`
        for sub in ast.walk(node):
            if not isinstance(sub, ast.Call) or not sub.args:
                continue
            unittest = (
                bool(me)
                and isinstance(sub.func, ast.Attribute)
                and _is_name(sub.func.value, me)
                and sub.func.attr in _ASSERT_RAISES
            )
            if not unittest and not _is_function(sub.func, module, "pytest.raises"):
                continue
            expected = sub.args[0]
            if isinstance(expected, ast.Name) and expected.id in local:
                # `pytest.raises(error)` of a parametrized `error`: each class given
                given = _parametrize_values([node], module, {expected.id}).get(expected.id, [])
                for value in given:
                    held = self._follow(value, table, frozenset())
                    if (
                        held is not None
                        and held.kind == "class"
                        and (held.path, held.line) in self.context.class_names
                    ):
                        found.made.add(held)
                continue
            held = self._follow(expected, table, local)
            cls = (
                self.context.class_names.get((held.path, held.line))
                if held is not None and held.kind == "class"
                else None
            )
            if cls is None or held is None:
                continue
            calls[id(sub)] = cls
            found.made.add(held)
            if any(k.arg == "match" for k in sub.keywords) or (
                unittest and isinstance(sub.func, ast.Attribute) and "Regex" in sub.func.attr
            ):
                runs.add(cls)
        for sub in ast.walk(node):
            if isinstance(sub, ast.With | ast.AsyncWith):
                for item in sub.items:
                    var = item.optional_vars
                    cls = calls.get(id(item.context_expr))
                    if cls and isinstance(var, ast.Name) and counts.get(var.id) == 1:
                        names[var.id] = cls
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Call)
                and isinstance(sub.func, ast.Attribute)
                and sub.func.attr == "match"
                and isinstance(sub.func.value, ast.Name)
                and sub.func.value.id in names
            ):
                runs.add(names[sub.func.value.id])
        return found

    def _follow(self, expr: ast.expr, table: StaticModule, local: AbstractSet[str]) -> Found | None:
        """What a name that is not one of ``local``, or an attribute chain through
        modules, means at the top level of ``table``'s module (static.py); None for
        anything else."""
        if isinstance(expr, ast.Name):
            return None if expr.id in local else self.analyzer.static.lookup(table, expr.id)
        if isinstance(expr, ast.Attribute):
            return self._chain(expr, table, local, {})
        return None

    def _call_class(
        self, value: ast.expr, table: StaticModule, local: AbstractSet[str], classes: dict[str, str]
    ) -> str | None:
        """The source class of ``value``, where ast alone knows it (see :meth:`_typed`):
        a local of ``classes``, or what a call returns; None otherwise."""
        if isinstance(value, ast.Name):
            return classes.get(value.id)
        if not isinstance(value, ast.Call):
            return None
        func = value.func
        context = self.context
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name | ast.Call):
            # `t = env.from_string(..)` of a typed `env`, `Runner().invoke(..)`
            owner = self._call_class(func.value, table, local, classes)
            if owner is not None:
                return self._method_result(owner, func.attr)
        found = self._follow(func, table, local)
        if found is None and isinstance(func, ast.Attribute):
            head = self._follow(func.value, table, local)
            owner = (
                context.class_names.get((head.path, head.line))
                if head is not None and head.kind == "class"
                else None
            )
            if owner is not None and f"{owner}.{func.attr}" in context.ancestors:
                return f"{owner}.{func.attr}"  # `Outer.Inner(..)`: a class in a class
            if owner is not None:  # `C.from_text(..)`: a classmethod's annotation
                target = context.methods.get(owner, {}).get(func.attr)
                return self._returns(target) if target is not None else None
        if found is None:
            return None
        if found.kind == "class":
            return self._made_class(found)
        if found.kind == "def":
            target = context.functions.get((found.path, found.line))
            return self._returns(target) if target is not None else None
        return None

    def _target_def(
        self, target: str
    ) -> tuple[_Module, ast.FunctionDef | ast.AsyncFunctionDef] | None:
        """The module and the ``def`` of source function ``target``."""
        where = self.analyzer.def_of(target)
        module = self._module(where[0]) if where is not None else None
        node = module.def_at(where[1]) if module is not None and where else None
        return (module, node) if module is not None and node is not None else None

    def _plain_def(
        self, target: str
    ) -> tuple[_Module, ast.FunctionDef | ast.AsyncFunctionDef] | None:
        """:meth:`_target_def`, where no decorator but ``classmethod``/``staticmethod``
        stands between the ``def`` and what calling it returns."""
        found = self._target_def(target)
        if found is None or any(
            _decorator_name(d) not in _PLAIN_DECORATORS for d in found[1].decorator_list
        ):
            return None
        return found

    def _returns(self, target: str) -> str | None:
        """The source class ``target``'s return annotation names, read by ast in its
        module (once per process); None for any other annotation or decorator."""
        cache = self.analyzer.returns
        if target in cache:
            return cache[target]
        cache[target] = None
        found = self._plain_def(target)
        if found is None:
            return None
        module, node = found
        if _overloaded(module, node):  # which overload holds is Jedi's to work out
            return None
        if node.returns is not None:
            cache[target] = self._annotation_class(module, node.returns)
        return cache[target]

    def _method_result(self, owner: str, attribute: str) -> str | None:
        """The source class of what calling method ``attribute`` on an instance of
        ``owner`` returns: its return annotation's (:meth:`_returns`), or ``owner``
        itself for a method that returns ``self`` (``ppt.reset_pyparsing_context()
        .save()``); None otherwise."""
        target = self.context.methods.get(owner, {}).get(attribute)
        if target is None:
            return None
        return self._returns(target) or (owner if self._returns_self(target) else None)

    def _returns_self(self, target: str) -> bool:
        """Whether source method ``target`` (unannotated, undecorated but for
        ``classmethod``/``staticmethod``) returns its ``self`` at every ``return`` and
        yields nothing: calling it on an instance of a class returns that instance."""
        cache = self.analyzer.fluent
        if target not in cache:
            cache[target] = False
            found = self._plain_def(target)
            me = _instance_param(found[1]) if found is not None else ""
            if found is not None and me and self._counts(found[1]).get(me) == 1:
                ends = [
                    sub
                    for sub in _own_scope(found[1])
                    if isinstance(sub, ast.Return | ast.Yield | ast.YieldFrom)
                ]
                cache[target] = bool(ends) and all(
                    isinstance(end, ast.Return)
                    and end.value is not None
                    and _is_name(end.value, me)
                    for end in ends
                )
        return cache[target]

    def _hidden_classes(self, target: str) -> tuple[str, ...]:
        """The source classes that source function ``target`` returns instances of behind
        a return annotation naming no source class, which is all Jedi reads of it: click's
        ``open_file() -> t.IO[t.Any]`` returns ``t.cast(t.IO[t.Any], KeepOpenFile(f))``
        (or a ``LazyFile``). A returned value counts where it is a call of a source
        class that ast follows, through ``typing.cast(T, value)`` and through a local
        that the function's own scope binds to one; () for anything else."""
        cache = self.analyzer.hidden
        if target in cache:
            return cache[target]
        cache[target] = ()
        found = self._plain_def(target)
        if found is None or found[1].returns is None or self._returns(target) is not None:
            return ()
        module, node = found
        bound: dict[str, list[ast.expr]] = {}
        for sub in _own_scope(node):
            if isinstance(sub, ast.Assign):
                for place in sub.targets:
                    if isinstance(place, ast.Name):
                        bound.setdefault(place.id, []).append(sub.value)
        values = [
            held
            for value in _returned(node)
            for held in (bound.get(value.id, []) if isinstance(value, ast.Name) else [value])
        ]
        table = self.analyzer.module_table(module)
        local = _local_names(node)
        classes: dict[str, None] = {}
        for returned in values:
            value = (
                returned.args[1]
                if isinstance(returned, ast.Call)
                and len(returned.args) == 2
                and _is_function(returned.func, module, "typing.cast")
                else returned
            )
            if isinstance(value, ast.Call):
                found_class = self._follow(value.func, table, local)
                if found_class is not None and found_class.kind == "class":
                    name = self.context.class_names.get((found_class.path, found_class.line))
                    if name is not None:
                        classes[name] = None
        cache[target] = tuple(classes)
        return cache[target]

    def _annotation_class(self, module: _Module, annotation: ast.expr | None) -> str | None:
        """The source class an annotation in ``module`` names (``C``, ``"C"``,
        ``Optional[C]``, ``C | None``, ``Union[C, None]``, ``mod.C``; see :func:`_union`),
        where ast follows the name; else None."""
        members = _union(annotation) if annotation is not None else None
        if members is None or len(members) != 1:
            return None
        found = self._follow(members[0], self.analyzer.module_table(module), set())
        if found is not None and found.kind == "class":
            return self.context.class_names.get((found.path, found.line))
        return None

    def _own_methods(self, module: _Module, node: ast.AST) -> tuple[str, dict[str, int]] | None:
        """For a method of a source class: the name of its ``self``/``cls`` parameter and
        the methods the class body itself defines once (name -> line), which
        ``self.name`` reaches (the closure dispatches to overrides); None when the
        parameter is rebound, the method is a ``staticmethod`` or the class is not a
        source class. Names the source also assigns as attributes, or that the class
        body assigns too, are left out (Jedi may find those bindings as well)."""
        owner = self._owners(module).get(id(node))
        if owner is None or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return None
        if (module.path, owner.lineno) not in self.context.class_names:
            return None
        args = [*node.args.posonlyargs, *node.args.args]
        if not args or any(_decorator_name(d) == "staticmethod" for d in node.decorator_list):
            return None
        first = args[0].arg
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id == first and not isinstance(sub.ctx, ast.Load):
                return None
            if isinstance(sub, ast.Global | ast.Nonlocal) and first in sub.names:
                return None
        # (a computed `setattr` ("*") is left aside, as in _typed)
        cls = self.context.class_names[(module.path, owner.lineno)]
        counts: dict[str, int] = {}
        lines: dict[str, int] = {}
        for stmt in owner.body:
            for name in _bound_in_class(stmt):
                counts[name] = counts.get(name, 0) + 1
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                lines[stmt.name] = stmt.lineno
        methods = {
            name: line
            for name, line in lines.items()
            if counts.get(name) == 1 and not self._stored(cls, name)
        }
        return first, methods

    def _owners(self, module: _Module) -> dict[int, ast.ClassDef]:
        """id of each function defined directly in a class body -> that class."""
        if module.path not in self.owners:
            owners: dict[int, ast.ClassDef] = {}
            for cls in ast.walk(module.tree):
                if isinstance(cls, ast.ClassDef):
                    for stmt in cls.body:
                        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                            owners[id(stmt)] = cls
            self.owners[module.path] = owners
        return self.owners[module.path]

    def _chain(
        self,
        expr: ast.Attribute,
        table: StaticModule,
        local: AbstractSet[str],
        known: dict[int, Found | None],
    ) -> Found | None:
        """``mod.sub.f``: what the chain means, through modules only."""
        if id(expr) in known:
            return known[id(expr)]
        value = expr.value
        head: Found | None = None
        if isinstance(value, ast.Name) and value.id not in local:
            head = self.analyzer.static.lookup(table, value.id)
        elif isinstance(value, ast.Attribute):
            head = self._chain(value, table, local, known)
        meaning = self.analyzer.static.attribute(head, expr.attr) if head is not None else None
        known[id(expr)] = meaning
        return meaning

    def _tops(self, module: _Module) -> set[int]:
        """ids of the functions of ``module`` that only classes enclose."""
        if module.path not in self.tops:
            tops: set[int] = set()
            todo: list[ast.AST] = [module.tree]
            while todo:
                scope = todo.pop()
                for child in ast.iter_child_nodes(scope):
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                        tops.add(id(child))
                    elif isinstance(child, ast.ClassDef):
                        todo.append(child)
                    elif not isinstance(child, ast.Lambda):
                        todo.append(child)  # `if`/`try` blocks at module or class level
            self.tops[module.path] = tops
        return self.tops[module.path]

    def _found(self, found: Found, is_call: bool, reach: _Reach, depth: int) -> None:
        """What :meth:`_resolve` gives for Jedi's name of the same definition."""
        context = self.context
        reach.files.update(p for p in found.via if self.analyzer.is_source(p))
        if found.kind == "def":
            target = context.functions.get((found.path, found.line))
            if target is not None:
                reach.targets.add(target)
                reach.files.add(found.path)
            elif self.analyzer.is_test_code(found.path):
                self._helper(found.path, found.line, reach, depth)
        elif found.kind == "class":
            key = (found.path, found.line)
            constructors = context.classes.get(key)
            if constructors is not None:
                reach.files.add(found.path)
                reach.targets.add(NEW + context.class_names[key])
                if is_call:
                    reach.targets.update(constructors)
                    reach.files.update(context.files[c] for c in constructors)
            elif is_call and self.analyzer.is_test_code(found.path):
                self._helper_class(found.path, found.line, reach, depth)

    def _syntax_dunders(self, script: Any, sites: list[_Site], reach: _Reach) -> None:
        """The dunders syntax calls in the body itself (not in nested functions) on a value
        Jedi types as an instance of a source class (see :func:`_syntax_sites`), looked up
        along the class's source bases; and what a call runs when its callee is a value
        rather than a ``def``: an instance's ``__call__``, or the source function a
        variable holds (``f = make_adder(); f()``)."""
        with _static_params(self.analyzer.jedi, getattr(script, "_inference_state", None)):
            for line, column, mode, groups in sites:
                self._site_values(script, line, column, mode, groups, reach)

    def _site_values(
        self, script: Any, line: int, column: int, mode: str, groups: _Groups, reach: _Reach
    ) -> None:
        hidden: tuple[str, ...] = ()
        try:
            values = script.infer(line, column)
            if mode.startswith("call"):
                hidden = self._hidden_results(values, reach)
            if mode.startswith("call:") and values and all(v.type == "function" for v in values):
                # a function's result with the call's own arguments (executed without
                # them, Jedi follows only the no-argument branch: toolz's `compose()`
                # returns `identity`, `compose(f, g)` a `Compose`)
                _, end_line, end_column = mode.split(":")
                values = script.infer(int(end_line), int(end_column))
            elif mode.startswith("call"):
                # what calling an instance returns is Jedi's guess through its
                # `__call__` (toolz's curried functions come back as curry): left out
                values = [
                    v for value in values if value.type != "instance" for v in value.execute()
                ]
        except Exception:
            return  # a type Jedi cannot give costs this site only
        self._values(values, groups, reach, callee=_CALL[0] in groups, hidden=hidden)

    def _with_uses(
        self, module: _Module, node: ast.AST
    ) -> dict[tuple[int, int], tuple[ast.expr, tuple[int, int]]]:
        """``f.attr`` in ``node``'s own scope, for ``f`` bound once, by ``with call(..) as
        f``, ``call`` a name or attribute of the project: the position Jedi is asked
        about -> the callee and its position (see :meth:`_entered_classes`)."""
        counts = self._counts(node)
        callees: dict[str, tuple[ast.expr, tuple[int, int]]] = {}
        for sub in _own_scope(node):
            if isinstance(sub, ast.With):
                for item in sub.items:
                    var, call = item.optional_vars, item.context_expr
                    if (
                        isinstance(var, ast.Name)
                        and counts.get(var.id) == 1
                        and isinstance(call, ast.Call)
                        and (site := _site(call, module, frozenset())) is not None
                    ):
                        callees[var.id] = (call.func, site[:2])
        if not callees:
            return {}
        return {
            module.attribute_position(sub): callees[sub.value.id]
            for sub in _own_scope(node)
            if isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Name)
            and sub.value.id in callees
            and sub.end_lineno
            and sub.end_col_offset
        }

    def _entered_classes(
        self,
        module: _Module,
        node: ast.AST,
        callee: tuple[ast.expr, tuple[int, int]],
        static: Mapping[tuple[int, int], Found],
        reach: _Reach,
    ) -> tuple[str, ...]:
        """What ``with callee(..) as f`` binds ``f`` to where ``callee`` is a source
        function returning :meth:`_hidden_classes`: what ``__enter__`` of each returns
        (the class itself, for ``return self`` or an annotation naming it). The callee
        is followed by ast where it can be, else by Jedi's ``goto`` (once per position);
        the files this depends on join ``reach``'s."""
        expr, position = callee
        key = (module.path, *position)
        if key not in self.callees:
            found = static.get(position)
            if found is None and id(node) not in self._tops(module):
                found = self._nested_follow(module, expr)
            if found is not None:
                defs = [(found.path, found.line)] if found.kind == "def" else []
            else:
                try:
                    names = self._script(module).goto(*position, follow_imports=True)
                except Exception:
                    names = []
                defs = [
                    (self.analyzer.normed(str(n.module_path)), n.line)
                    for n in names
                    if n.type == "function" and n.module_path is not None and n.line is not None
                ]
            targets = [t for d in defs if (t := self.context.functions.get(d)) is not None]
            self.callees[key] = tuple(targets)
        classes: dict[str, None] = {}
        for target in self.callees[key]:
            hidden = self._hidden_classes(target)
            made = [cls for cls in map(self._entered, hidden) if cls is not None]
            if made:
                classes.update(dict.fromkeys(made))
                reach.files.add(self.context.files[target])
                reach.files.update(self.analyzer.class_file(cls) for cls in hidden)
        return tuple(classes)

    def _nested_follow(self, module: _Module, expr: ast.expr) -> Found | None:
        """What a name or attribute chain in a nested function means at module level,
        where no function of the module binds its root name (:meth:`_static` leaves
        nested functions to Jedi: the function around one may bind a name it reads)."""
        if module.path not in self.function_locals:
            self.function_locals[module.path] = frozenset(
                name
                for sub in ast.walk(module.tree)
                if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                for name in _local_names(sub)
            )
        root = _chain_root(expr)
        if not isinstance(root, ast.Name) or root.id in self.function_locals[module.path]:
            return None
        return self._follow(expr, self.analyzer.module_table(module), frozenset())

    def _entered(self, cls: str) -> str | None:
        """The source class ``with`` binds for an instance of ``cls``: that of its
        ``__enter__``'s return annotation, or ``cls`` where it returns ``self``."""
        enter = self.context.methods.get(cls, {}).get("__enter__")
        if enter is None:
            return None
        named = self._returns(enter)
        if named is not None:
            return named
        found = self._plain_def(enter)
        if found is None:
            return None
        me = _instance_param(found[1])
        returned = _returned(found[1])
        return cls if returned and all(_is_name(value, me) for value in returned) else None

    def _hidden_results(self, callees: Any, reach: _Reach) -> tuple[str, ...]:
        """The classes the source functions among Jedi's ``callees`` return behind their
        annotations (:meth:`_hidden_classes`); the functions' files join ``reach``'s."""
        classes: dict[str, None] = {}
        for value in callees:
            if value.type != "function" or value.module_path is None or value.line is None:
                continue
            path = self.analyzer.normed(str(value.module_path))
            target = self.context.functions.get((path, value.line))
            hidden = self._hidden_classes(target) if target is not None else ()
            if hidden:
                reach.files.add(path)
                classes.update(dict.fromkeys(hidden))
        return tuple(classes)

    def _values(
        self,
        values: Any,
        groups: _Groups,
        reach: _Reach,
        *,
        callee: bool,
        hidden: tuple[str, ...] = (),
    ) -> None:
        """What values Jedi inferred run: for each instance of a source class, the first
        dunder of each group its class (or a source base) defines; for a callee, also the
        source function a variable holds. Instances of several source classes that run
        a method of the same name (Jedi could not tell which the value is) reach it by
        name instead, as :meth:`_resolve_attribute` says. ``hidden``: source classes the
        value may be an instance of too, which Jedi did not see (:meth:`_hidden_classes`)."""
        found = _Reach()
        self._instance_values(values, groups, found, callee=callee)
        for cls in hidden:
            found.files.add(self.analyzer.class_file(cls))
            self._class_runs([self.context.methods.get(cls)], groups, found)
        reach.add(_unambiguous(found, self.context.methods) if self.task.kind == "test" else found)

    def _instance_values(
        self, values: Any, groups: _Groups, reach: _Reach, *, callee: bool
    ) -> None:
        context = self.context
        for value in values:
            if value.module_path is None:
                continue
            if value.type == "function" and callee and value.line is not None:
                path = self.analyzer.normed(str(value.module_path))
                target = context.functions.get((path, value.line))
                if target is not None:
                    reach.targets.add(target)
                    reach.files.add(path)
                continue
            if value.type == "class" and callee and value.line is not None:
                # an alias of a source class called (`OMD = OrderedMultiDict; OMD()`)
                path = self.analyzer.normed(str(value.module_path))
                constructors = context.classes.get((path, value.line))
                if constructors is not None:
                    reach.targets.update(constructors)
                    reach.targets.add(NEW + str(value.full_name))
                    reach.files.update(context.files[c] for c in constructors)
                continue
            if value.type != "instance":
                continue
            tables = [context.methods.get(value.full_name or "")]
            cls = value.full_name if tables[0] else None
            own: frozenset[str] = frozenset()
            if not tables[0] and value.line is not None:
                path = self.analyzer.normed(str(value.module_path))
                # a class defined in a function (Jedi's full name leaves `<locals>` out:
                # boltons' `make_sentinel.<locals>.Sentinel`), found by where it is
                local = context.class_names.get((path, value.line))
                if local is not None:
                    tables = [context.methods.get(local)]
                    cls = local
                # an instance of a test's own subclass of source classes (`class
                # mycurry(curry)`) runs the dunders it does not define itself from them
                elif self.analyzer.is_test_code(path):
                    bases, own = self._local_class(path, value.line)
                    tables = [context.methods.get(base) for base in bases]
            self._class_runs(tables, groups, reach, own, cls=cls)

    def _class_runs(
        self,
        tables: list[Mapping[str, str] | None],
        groups: _Groups,
        reach: _Reach,
        own: frozenset[str] = frozenset(),
        cls: str | None = None,
    ) -> None:
        """What an instance whose class has the method ``tables`` (a source class's, or
        the source bases' of a class that defines the names ``own`` itself) runs for
        ``groups``: the first dunder of each group that a table has; where none has it
        and the instance's class is source class ``cls``, what the ``collections.abc``
        mixin its class inherits calls, in the closure (marshmallow's
        ``OrderedSet(MutableSet)``: ``self |= it`` runs ``MutableSet.__ior__``, which
        calls ``self.add``)."""
        for marked in groups:
            prefix = RUNS if marked[0].startswith(CLOSURE_ONLY) else ""
            group = [dunder.lstrip(CLOSURE_ONLY) for dunder in marked]
            if any(dunder in own for dunder in group):
                continue
            target = next(
                (table[d] for table in tables if table for d in group if d in table), None
            )
            if target is not None:
                reach.targets.add(prefix + target)
                reach.files.add(self.context.files[target])
            elif cls is not None and cls in self.context.abcs:
                # what the mixin calls joins the closure, not the direct pairs: Jedi
                # may type the value as several classes (tomlkit's `item([1, 2])`)
                mixin = _Reach()
                for dunder in group:
                    if self._mixin_runs(cls, dunder, mixin):
                        break
                reach.targets.update(RUNS + t.removeprefix(RUNS) for t in mixin.targets)
                reach.files |= mixin.files

    def _script(self, module: _Module) -> Any:
        if module.path in self.scripts:
            # One Script per file, its memoised inferences and (test files) its counts
            # of inferences per node (past 300 Jedi answers nothing for the node)
            # dropped between functions: they are what degrades; its loaded modules
            # kept: they are what costs. On toolz and tomlkit's test_items.py this gives
            # the same test map as a fresh Script per test function. Only where Jedi's
            # state looks as expected.
            script = self.scripts[module.path]
            state = getattr(script, "_inference_state", None)
            cache = getattr(state, "memoize_cache", None)
            counts = getattr(state, "inferred_element_counts", None)
            if isinstance(cache, dict) and isinstance(counts, dict):
                cache.clear()
                if self.task.kind == "test":
                    # (kept for a source file: with them reset, boltons' source took 1.6
                    # times as long, for closure recall +0.17 on click, +0.07 on tomlkit)
                    counts.clear()
                return script
        script = _Asked(
            self.analyzer.jedi.Script(
                module.text,
                path=module.path,
                project=self.analyzer.project,
                environment=self.analyzer.environment,
            ),
            self.answers.setdefault(module.path, {}),
        )
        self.scripts[module.path] = script
        return script

    def _resolve(
        self, name: Any, is_call: bool, reach: _Reach, depth: int, *, store: bool = False
    ) -> None:
        module_path = name.module_path
        if module_path is None or name.line is None:
            return
        kind = name.type
        path = self.analyzer.normed(str(module_path))
        context = self.context
        if path.endswith(".pyi"):
            # never key by a stub: find the source definition by its full name
            for stubbed in context.by_name.get(name.full_name or "", ()):
                if stubbed in context.files:
                    reach.targets.add(stubbed)
                    reach.files.add(context.files[stubbed])
            return
        if kind in ("function", "property"):  # reading a property runs its getter
            target = context.functions.get((path, name.line))
            if target is not None:
                reach.targets.add(target)
                reach.files.add(path)
                return
            if self.analyzer.is_test_code(path) and name.line:
                self._helper(path, name.line, reach, depth)
                getter = self._descriptor_get(path, name.line)
                if getter is not None:
                    reach.targets.add(getter)
                    reach.files.add(context.files[getter])
        elif kind == "class":
            constructors = context.classes.get((path, name.line))
            if constructors is not None:
                reach.files.add(path)
                # a class named, called or not, may be constructed: click's
                # `cls = Command` ... `cls(name, ...)`, `OptionClass = ... or Option`
                reach.targets.add(NEW + str(name.full_name))
                if is_call:
                    reach.targets.update(constructors)
                    reach.files.update(context.files[c] for c in constructors)
            elif is_call and self.analyzer.is_test_code(path):
                self._helper_class(path, name.line, reach, depth)
        if kind == "statement" and (
            self.analyzer.is_source(path) or self.analyzer.is_test_code(path)
        ):
            # a class attribute read, or called: a descriptor's ``__get__`` runs (toolz's
            # ``curry.__signature__ = InstanceProperty(...)``, boltons' test classes'
            # ``partial_greet = InstancePartial(greet)``); assigned, its ``__set__``
            # (Jedi's infer answers with what ``__get__`` returns, so the class of the
            # value is read off the assignment)
            module = self._module(path)
            cls = (
                self.analyzer.assigned_class(module, name.line, str(name.module_name or ""))
                if module is not None
                else None
            )
            target = context.methods.get(cls or "", {}).get("__set__" if store else "__get__")
            if target is None and module is not None:
                # `softspace = property(_get_softspace, _set_softspace)`: its getter, or
                # its setter where the attribute is assigned
                accessors = self.analyzer.properties(module).get(name.line, (None, None))
                accessor = accessors[1] if store else accessors[0]
                target = context.functions.get((path, accessor)) if accessor else None
            if target is not None:
                reach.targets.add(target)
                reach.files.add(context.files[target])
            elif not store and self.analyzer.is_source(path):
                self._overrides(str(name.full_name or ""), reach)
            if not is_call and not store:
                # a wrapper a factory made, or another name a class body gives one of its
                # methods, handed on as a value (`addParseAction(ppc.stripHTMLTags)`):
                # whoever gets it calls it, as a function passed
                self._factory_made(path, name.line, str(name.name), reach)
                alias = self._class_alias(path, name.line, str(name.name))
                if alias is not None:
                    reach.targets.add(alias)
                    reach.files.add(context.files[alias])
        if is_call and kind in ("statement", "param", "instance"):
            # a variable called (``handler = make(); handler()``, ``self.callback()``):
            # what it holds runs, a source function or an instance's ``__call__``
            if kind == "statement":
                # and what Jedi infers it holds: a wrapper such as pyparsing's
                # `replaced_by_pep8(.., fn)` runs `fn` too
                self._factory_made(path, name.line, str(name.name), reach)
                wrapped = self._wrapped(path, name.line, str(name.name))
                if wrapped is not None:  # and the wrapper's `__call__`, as Jedi infers it
                    reach.targets.add(wrapped[0])
                    reach.files.update(wrapped[1])
                for called in self._lambda_calls(path, name.line, str(name.name)):
                    reach.targets.add(called)
                    reach.files.add(context.files[called])
            try:
                with _static_params(self.analyzer.jedi):
                    values = name.infer()
            except Exception:
                return
            self._values(values, _CALL, reach, callee=True)

    def _overrides(self, full_name: str, reach: _Reach) -> None:
        """An attribute read that Jedi types as a data attribute of source class ``C``
        (``pkg.mod.C.name``) runs the method of a subclass that defines ``name`` instead,
        a property most often (click's ``ParamType.arity: ClassVar[int] = 1``, which
        ``Tuple`` makes a property): ``attr:name@C``, for the subclasses the test
        constructs."""
        owner, _, attribute = full_name.rpartition(".")
        context = self.context
        if owner not in context.ancestors or attribute in context.methods.get(owner, {}):
            return
        cache = self.analyzer.overrides
        if (owner, attribute) not in cache:
            cache[owner, attribute] = frozenset(
                context.files[table[attribute]]
                for cls, mro in context.ancestors.items()
                if owner in mro[1:] and attribute in (table := context.methods.get(cls, {}))
            )
        if cache[owner, attribute]:
            reach.targets.add(attr_target(attribute, within=owner))
            reach.files.update(cache[owner, attribute])

    def _descriptor_get(self, path: str, line: int) -> str | None:
        """The ``__get__`` that runs where the ``def`` of test code at ``path``:``line`` is
        read as an attribute: that of the source class its outermost decorator names
        (boltons' ``@cachedproperty def useful_attr`` in a test's class)."""
        module = self._module(path)
        node = module.def_at(line) if module is not None else None
        if module is None or node is None or not node.decorator_list:
            return None
        outermost = node.decorator_list[0]
        if isinstance(outermost, ast.Call):
            return None
        found = self._follow(outermost, self.analyzer.module_table(module), set())
        if found is None or found.kind != "class":
            return None
        cls = self.context.class_names.get((found.path, found.line))
        return self.context.methods.get(cls or "", {}).get("__get__")

    def _meaning(self, module: _Module) -> Callable[[str], Hashable]:
        """What a global name of ``module`` means, the same in every module that imports
        the same thing: its definition where ast follows it, else the name in this
        module."""
        table = self.analyzer.module_table(module)
        lookup = self.analyzer.static.lookup

        def meaning(name: str) -> Hashable:
            found = lookup(table, name)
            if found is None:
                return (module.path, name)
            return (found.kind, found.path, found.line, found.module)

        return meaning

    def _identity(self, module: _Module, node: ast.AST) -> Callable[[ast.expr], bool]:
        """Whether a decorator in ``node`` hands back what it decorates, by its type: a
        call of a source function (a module-level name, or a chain through modules, that
        ast follows) annotated ``-> Callable[[T], T]`` (click's ``option``, ``argument``,
        ``version_option``: ``t.Callable[[FC], FC]``)."""
        table = self.analyzer.module_table(module)
        local = _local_names(node)

        def identity(decorator: ast.expr) -> bool:
            if not isinstance(decorator, ast.Call):
                return False
            found = self._follow(decorator.func, table, local)
            if found is None or found.kind != "def":
                return False
            target = self.context.functions.get((found.path, found.line))
            return target is not None and self._returns_identity(target)

        return identity

    def _returns_identity(self, target: str) -> bool:
        """Is ``target`` an undecorated function annotated ``-> Callable[[T], T]``?"""
        cache = self.analyzer.identities
        if target not in cache:
            cache[target] = False
            found = self._target_def(target)
            node = found[1] if found is not None else None
            returns = node.returns if node is not None and not node.decorator_list else None
            if isinstance(returns, ast.Constant) and isinstance(returns.value, str):
                returns = _unquoted(returns)
            if (
                isinstance(returns, ast.Subscript)
                and _decorator_name(returns.value) == "Callable"
                and isinstance(returns.slice, ast.Tuple)
                and len(returns.slice.elts) == 2
            ):
                given, result = returns.slice.elts
                cache[target] = (
                    isinstance(given, ast.List)
                    and len(given.elts) == 1
                    and isinstance(given.elts[0], ast.Name)
                    and isinstance(result, ast.Name)
                    and given.elts[0].id == result.id
                )
        return cache[target]

    def _maker(self, module: _Module, node: ast.AST) -> _Maker:
        """What a decorator in ``node`` makes of the function it decorates, where ast
        reads it off annotations (see :meth:`_made`): a source class, "" for the
        function itself, None when ast cannot tell. ``local`` gives the class of a
        decorated local ``def`` the decorator uses (``@cli.command()``)."""
        table = self.analyzer.module_table(module)
        names = set(self._counts(node))  # every name bound in it, nested `def`s too
        context = self.context

        def maker(decorator: ast.expr, local: Callable[[str], str | None]) -> str | None:
            call = decorator if isinstance(decorator, ast.Call) else None
            func = call.func if call is not None else decorator
            target: str | None = None
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id in names
            ):  # `@cli.command()` of a decorated `def cli`
                owner = local(func.value.id)
                target = context.methods.get(owner or "", {}).get(func.attr)
                return None if target is None else self._made(target, call)
            found = self._follow(func, table, names)
            where = (found.path, found.line) if found is not None else ("", 0)
            if found is not None and found.kind == "class" and call is None:
                return context.class_names.get(where)  # `@curry def f`: a `curry`
            if found is not None and found.kind == "def":
                target = context.functions.get(where)
            return None if target is None else self._made(target, call)

        return maker

    def _made(self, target: str, call: ast.Call | None) -> str | None:
        """The source class of what decorating a function with source function
        ``target`` makes, by ``target``'s return annotation: with ``call`` (``@f(..)``),
        the results of its ``Callable[[..], R]`` members; without (``@f``), its other
        members. A ``TypeVar`` counts as its bound, unless ``call`` passes an argument
        to a parameter whose annotation uses it (click's ``cls=``). "" for an identity
        decorator (``-> Callable[[T], T]``); None unless all that leads to one class."""
        if call is not None and self._returns_identity(target):
            return ""
        found = self._plain_def(target)
        if found is None:
            return None
        module, node = found
        members = _union(node.returns) if node.returns is not None else None
        if members is None:
            return None
        picked: list[ast.expr] = []
        for member in members:
            result = _callable_result(member)
            if call is None and result is None:
                picked.append(member)
            elif call is not None and result is not None:
                more = _union(result)
                if more is None:
                    return None
                picked += more
        typevars = _typevars(module)
        classes: set[str] = set()
        for member in picked:
            named: ast.expr | None = member
            if isinstance(member, ast.Name) and member.id in typevars:
                named = typevars[member.id]
                if call is not None and _passes(call, node, member.id):
                    return None
            cls = self._annotation_class(module, named)
            if cls is None:
                return None
            classes.add(cls)
        return next(iter(classes)) if len(classes) == 1 else None

    def _decorated_class(self, script: Any, use: _Decorated) -> str | None:
        """What the decorators of a local ``def`` made of it (click's ``@click.group()
        def cli`` is a ``Group``, so ``@cli.command()`` runs ``Group.command``), when
        that is an instance of one source class: read off their annotations by ast
        (:meth:`_maker`), else inferred once per process for the same decorators (see
        :func:`_own_defs` for what counts as the same): each of click's tests makes its
        own ``cli`` the same way, and Jedi's answer at each ``cli.command`` cost most of
        a second, about half of click's time in Jedi."""
        key, line, column, made = use
        if made is not None:
            return made
        decorated = self.analyzer.decorated
        if key is not None and key not in decorated:
            decorated[key] = None
            try:
                values = script.infer(line, column)
            except Exception:
                values = []
            # (Jedi adds instances of builtins it cannot rule out: click's `cli` is a
            # Group, a list and an int; their attributes lead to no target)
            kinds = {value.type for value in values}
            names = {
                str(value.full_name)
                for value in values
                if value.type == "instance" and value.full_name in self.context.methods
            }
            if kinds == {"instance"} and len(names) == 1:
                decorated[key] = next(iter(names))
        return decorated.get(key) if key is not None else None

    def _data_attribute(self, cls: str, attribute: str, reach: _Reach) -> bool:
        """Does reading ``attribute`` of an instance of source class ``cls`` run no
        source code? So when the class and its source bases define no method of that
        name, bind none in their bodies and have no ``__getattr__``/``__getattribute__``,
        and no source class is a descriptor (``__get__``, which runs for a class
        attribute assigned from outside the class: toolz's ``curry.__signature__``). It
        is then an instance attribute, where Jedi would land on a ``self.x = ..`` and
        find nothing to run, after typing the instance (click's ``result.exception``,
        ``cmd.params``). The classes' files join ``reach``'s dependencies."""
        methods = self.context.methods.get(cls, {})
        if (
            self.analyzer.descriptors
            or attribute in methods
            or "__getattr__" in methods
            or "__getattribute__" in methods
            or attribute in (self._class_level(cls) or {attribute})
        ):
            return False
        reach.files.update(self.analyzer.class_file(c) for c in self.context.ancestors.get(cls, ()))
        return True

    def _plain_receivers(self, module: _Module, node: ast.AST) -> set[tuple[int, int]]:
        """The positions of ``x.attr`` in ``node`` whose ``x`` cannot hold an instance of
        a source class: a local bound only to literals, displays and builtins' values
        (``d = {}``; :func:`_plain_locals`), a literal itself (``"".join``)."""
        plain = _plain_locals(node, module)
        return {
            module.attribute_position(sub)
            for sub in ast.walk(node)
            if isinstance(sub, ast.Attribute)
            and sub.end_lineno
            and sub.end_col_offset
            and (
                (isinstance(sub.value, ast.Name) and sub.value.id in plain)
                or isinstance(sub.value, _PLAIN_VALUES)
            )
        }

    def _receiver_mixins(
        self, script: Any, module: _Module, line: int, column: int, attribute: str, reach: _Reach
    ) -> None:
        """:meth:`_mixin_runs` for the classes Jedi infers the receiver of ``.attribute``
        at (line, column) to be an instance of, where the receiver ends in a name."""
        text = module.lines[line - 1].decode("utf-8", errors="replace")
        if column < 2 or not (text[column - 2].isalnum() or text[column - 2] == "_"):
            return
        try:
            values = script.infer(line, column - 2)
        except Exception:
            return
        for value in values:
            if value.type == "instance" and value.full_name in self.context.abcs:
                self._mixin_runs(value.full_name, attribute, reach)

    def _mixin_runs(self, cls: str, attribute: str, reach: _Reach) -> bool:
        """``x.attribute`` on an instance of source class ``cls`` that a
        ``collections.abc`` base provides as a mixin method (``MutableMapping.update``
        on cachetools' ``Cache``): the class's own methods it calls (``__setitem__``).
        False when no such base provides it or the class defines it."""
        table = self.context.methods.get(cls, {})
        if attribute in table:
            return False
        groups = next(
            (
                found
                for kind in self.context.abcs.get(cls, ())
                if (found := ABC_MIXINS[kind].get(attribute)) is not None
            ),
            None,
        )
        if groups is None:
            return False
        reach.files.add(self.analyzer.class_file(cls))
        self._class_runs([table], groups, reach)
        return True

    def _attribute_hook(self, cls: str, attribute: str, *, store: bool) -> str | None:
        """What reading ``attribute`` of an instance of source class ``cls`` runs when the
        class does not have it: its ``__getattribute__`` always; else its ``__getattr__``,
        where neither the class nor a source base binds the name (a method, a class-level
        name) and no source code assigns such an attribute anywhere (it is then no
        instance attribute either: click's ``CompletionItem.__getattr__`` for ``c.a``).
        Assigning: ``__setattr__``."""
        methods = self.context.methods.get(cls, {})
        if store:
            return methods.get("__setattr__")
        if "__getattribute__" in methods:
            return methods["__getattribute__"]
        if (
            "__getattr__" not in methods
            or attribute in methods
            or self._stored(cls, attribute)
            or self._stored(cls, "*")
            or attribute in (self._class_level(cls) or {attribute})
        ):
            return None
        return methods["__getattr__"]

    def _class_descriptor(self, cls: str, attribute: str, *, store: bool) -> str | None:
        """The ``__get__`` (``__set__`` with ``store``) that reading (assigning)
        ``attribute`` of an instance of source class ``cls`` runs: where the first body
        along its source bases that binds the name binds it to an instance of a source
        descriptor class (boltons' ``FilePerms.user = _FilePermProperty(..)``, which
        ``self.user = user`` in ``__init__`` goes through too; Jedi lands on that
        assignment and finds no descriptor)."""
        table = self.context.methods.get(self._class_instance(cls, attribute) or "", {})
        return table.get("__set__" if store else "__get__")

    def _property_value(self, cls: str, attribute: str) -> tuple[str, str] | None:
        """For a property ``attribute`` of source class ``cls`` (a ``def`` under
        ``@property`` and no other decorator, in the class or a source base) whose getter
        returns instances of one source class, by its annotation or because each of its
        ``return``s is ``self.x`` of an attribute :meth:`_class_attributes` types
        (cachetools' ``_TimedCache.timer`` returns ``self.__timer``, a ``_Timer``):
        (the getter, that class). None otherwise, and where an instance may hold an
        attribute of that name (:meth:`_stored`)."""
        getter = self.context.methods.get(cls, {}).get(attribute)
        if getter is None or self._stored(cls, attribute):
            return None
        if getter not in self.property_values:
            self.property_values[getter] = None
            found = self._target_def(getter)
            node = found[1] if found is not None else None
            if node is None or [_decorator_name(d) for d in node.decorator_list] != ["property"]:
                return None
            me = _instance_param(node)
            owner = getter.rpartition(".")[0]
            held: set[str | None] = set()
            if node.returns is not None and found is not None:
                held.add(self._annotation_class(found[0], node.returns))
            else:
                attributes = self._attributes_of(owner)
                for value in _returned(node):
                    if isinstance(value, ast.Attribute) and _is_name(value.value, me):
                        held.add(attributes.get(value.attr))
                    else:
                        held.add(None)
            if len(held) == 1:
                self.property_values[getter] = held.pop()
        made = self.property_values[getter]
        return (getter, made) if made is not None else None

    def _class_default(self, cls: str, attribute: str) -> str | None:
        """The source class of the instance that the first body along ``cls``'s source
        bases binding ``attribute`` binds it to, with a call (cachetools' ``Cache``:
        ``__size = _DefaultSize()``, which ``__init__`` replaces with a ``dict`` only
        for some instances); None for anything else, and for a descriptor (its
        ``__get__`` answers instead: :meth:`_class_descriptor`)."""
        made = self._class_instance(cls, attribute)
        table = self.context.methods.get(made or "", {})
        return made if table and "__get__" not in table else None

    def _class_instance(self, cls: str, attribute: str) -> str | None:
        """What the first class body along ``cls``'s source bases that binds
        ``attribute`` binds it to, where that is a call of a class (its dotted name, a
        source class or not); None for any other binding, and where a body along the
        way cannot be read."""
        key = (cls, attribute)
        if key not in self.class_instances:
            self.class_instances[key] = None
            for name in self.context.ancestors.get(cls, (cls,)):
                found = self._class_node(name)
                if found is None:
                    break
                module, owner = found
                stmt = next((s for s in owner.body if attribute in _bound_in_class(s)), None)
                if stmt is None:
                    continue
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
                    self.class_instances[key] = self.analyzer.assigned_class(
                        module, stmt.lineno, module_name(Path(module.path))[0]
                    )
                break
        return self.class_instances[key]

    def _class_level(self, cls: str) -> set[str] | None:
        """The names the bodies of source class ``cls`` and its source bases bind
        (:meth:`_class_counts`); None where one of them cannot be read."""
        names: set[str] = set()
        for name in self.context.ancestors.get(cls, (cls,)):
            counts = self._class_counts(name)
            if counts is None:
                return None
            names.update(counts)
        return names

    def _made_by_factory(self, path: str, line: int, variable: str) -> str | None:
        """The function a module-level ``variable = factory(..)`` at ``path``:``line`` holds,
        where ``factory`` is a source function ast follows that returns a function it
        defines (click's ``_default_text_stdout = _make_cached_stream_func(..)``: Jedi
        types it by the factory's annotation, ``Callable[[], ...]``, which leads nowhere),
        or ``functools.partial`` of a source function (toolz's ``rest = partial(drop,
        1)``: Jedi's ``partial`` calls nothing of the project)."""
        found_call = self._module_call(path, line, variable)
        if found_call is None:
            return None
        module, call = found_call
        table = self.analyzer.module_table(module)
        if (
            _is_function(call.func, module, "functools.partial")
            and call.args
            and isinstance(call.args[0], ast.Name)
        ):
            # `rest = partial(drop, 1)` (toolz): calling it calls `drop`
            held = self.analyzer.static.lookup(table, call.args[0].id)
            if held is None or held.kind != "def":
                return None
            return self.context.functions.get((held.path, held.line))
        if not isinstance(call.func, ast.Name):
            return None
        found = self.analyzer.static.lookup(table, call.func.id)
        if found is None or found.kind != "def":
            return None
        factory_module = self._module(found.path)
        factory = factory_module.def_at(found.line) if factory_module else None
        if factory is None:
            return None
        nested: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        returned: set[str] = set()
        todo: list[ast.AST] = list(factory.body)
        while todo:  # its own scope: a `def` per branch too (pyparsing's `_inner`)
            sub = todo.pop()
            if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef):
                nested.setdefault(sub.name, []).append(sub)
                continue
            if isinstance(sub, ast.ClassDef | ast.Lambda):
                continue
            if isinstance(sub, ast.Return) and sub.value is not None:
                value = sub.value
                if (
                    isinstance(value, ast.Call)
                    and _decorator_name(value) == "cast"
                    and len(value.args) == 2
                ):
                    value = value.args[1]  # `return cast(C, _inner)`
                if isinstance(value, ast.Name):
                    returned.add(value.id)
            todo.extend(ast.iter_child_nodes(sub))
        made = {
            self.context.functions.get((found.path, stmt.lineno))
            for name in returned
            for stmt in nested.get(name, ())
        }
        return made.pop() if len(made) == 1 else None

    def _wrapped(self, path: str, line: int, variable: str) -> tuple[str, set[str]] | None:
        """The source function that a module-level ``variable = C(f, ..)`` at
        ``path``:``line`` wraps, where ``C`` is a source class with a ``__call__`` and
        ``f`` a source function, both followed by ast: calling the instance runs ``f``
        (toolz's ``take = toolz.curry(toolz.take)``; Jedi types ``take`` as a ``curry``,
        whose ``__call__`` calls what it holds, which Jedi does not follow). With the
        files that this depends on."""
        found_call = self._module_call(path, line, variable)
        if found_call is None or not found_call[1].args:
            return None
        module, call = found_call
        table = self.analyzer.table_at(module, line)
        wrapper = self._follow(call.func, table, frozenset())
        held = self._follow(call.args[0], table, frozenset())
        if wrapper is None or held is None or wrapper.kind != "class" or held.kind != "def":
            return None
        cls = self.context.class_names.get((wrapper.path, wrapper.line), "")
        target = self.context.functions.get((held.path, held.line))
        if target is None or "__call__" not in self.context.methods.get(cls, {}):
            return None
        return target, {path, wrapper.path, held.path, *wrapper.via, *held.via}

    def _lambda_calls(self, path: str, line: int, variable: str) -> list[str]:
        """What the lambda that a class body binds to ``variable`` at ``path``:``line``
        calls, where ast follows it (a lambda is no target of its own): pyparsing's
        ``enable = classmethod(lambda cls, name: cls._set(name, True))`` calls
        ``_set``, a method of the class the lambda's first parameter is (for
        ``classmethod``/a plain method), and a module-level function or class by name."""
        module = self._module(path)
        held = _class_assignment(module, line, variable) if module is not None else None
        if module is None or held is None:
            return []
        assignment, owner = held
        value = assignment.value
        static = False
        if isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords:
            static = _decorator_name(value) == "staticmethod"
            if _decorator_name(value) in ("classmethod", "staticmethod"):
                value = value.args[0]
        if not isinstance(value, ast.Lambda):
            return []
        cls = self.context.class_names.get((module.path, owner.lineno), "")
        args = value.args
        first = (args.posonlyargs + args.args)[:1]
        me = "" if static or not first else first[0].arg
        table = self.analyzer.module_table(module)
        local = _local_names(value)
        found: list[str] = []
        for sub in ast.walk(value.body):
            if not isinstance(sub, ast.Call):
                continue
            func = sub.func
            if isinstance(func, ast.Attribute) and me and _is_name(func.value, me):
                target = self.context.methods.get(cls, {}).get(func.attr)
                if target is not None:
                    found.append(target)
            elif isinstance(func, ast.Name) and func.id not in local:
                meaning = self.analyzer.static.lookup(table, func.id)
                if meaning is not None and meaning.kind == "def":
                    target = self.context.functions.get((meaning.path, meaning.line))
                    if target is not None:
                        found.append(target)
                elif meaning is not None and meaning.kind == "class":
                    found += self.context.classes.get((meaning.path, meaning.line), ())
        return found

    def _class_alias(self, path: str, line: int, variable: str) -> str | None:
        """The method a class-body ``variable = method`` at ``path``:``line`` names
        (pyparsing's ``stripHTMLTags = strip_html_tags``), as the class's method table
        has it (``index.class_aliases``), or None."""
        module = self._module(path)
        held = _class_assignment(module, line, variable) if module is not None else None
        if module is None or held is None or not isinstance(held[0].value, ast.Name):
            return None
        return self._own_method(module, held[1], held[0].value.id)

    def _own_method(self, module: _Module, owner: ast.ClassDef, name: str) -> str | None:
        """The target of the method ``name`` that class ``owner`` of ``module`` defines in
        its own body (what ``name`` means in that body), or None."""
        for stmt in owner.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == name:
                return self.context.functions.get((module.path, stmt.lineno))
        return None

    def _factory_made(self, path: str, line: int, variable: str, reach: _Reach) -> None:
        """What calling ``variable`` runs where a factory made it
        (:meth:`_made_by_factory`): the wrapper, and in the closure the functions the
        factory was handed (:meth:`_factory_arguments`)."""
        made = self._made_by_factory(path, line, variable)
        if made is None:
            return
        context = self.context
        reach.targets.add(made)
        reach.files.update((path, context.files[made]))
        for held in self._factory_arguments(path, line, variable):
            reach.targets.add(RUNS + held)
            reach.files.add(context.files[held])

    def _factory_arguments(self, path: str, line: int, variable: str) -> list[str]:
        """The source functions passed, by a name ast follows, to the factory call
        that made ``variable`` (a wrapper, :meth:`_made_by_factory`): the wrapper calls
        them (semver's ``cmd_bump = deprecated(cli.cmd_bump, ..)``, where Jedi types the
        wrapper's ``func`` by its annotation, a ``TypeVar``, and finds no call)."""
        found_call = self._module_call(path, line, variable)
        if found_call is None:
            return []
        module, call = found_call
        table = self.analyzer.module_table(module)
        # in a class body, a name may be a method defined above it (pyparsing's
        # `stripHTMLTags = replaced_by_pep8("stripHTMLTags", strip_html_tags)`)
        held_in = _class_assignment(module, line, variable)
        found: list[str] = []
        for arg in call.args:
            target = (
                self._own_method(module, held_in[1], arg.id)
                if held_in is not None and isinstance(arg, ast.Name)
                else None
            )
            if target is None:
                held = self._follow(arg, table, set())
                key = (held.path, held.line) if held is not None and held.kind == "def" else None
                target = self.context.functions.get(key) if key is not None else None
            if target is not None:
                found.append(target)
        return found

    def _module_call(self, path: str, line: int, variable: str) -> tuple[_Module, ast.Call] | None:
        """The call whose value the statement at ``path``:``line``, at module level or in
        a class body, assigns to ``variable`` (``variable = call(..)``; pyparsing's
        ``parseString = replaced_by_pep8("parseString", parse_string)`` in
        ``ParserElement``), with the module it is in."""
        key = (path, line, variable)
        if key not in self.module_calls:
            self.module_calls[key] = self._find_module_call(path, line, variable)
        return self.module_calls[key]

    def _find_module_call(
        self, path: str, line: int, variable: str
    ) -> tuple[_Module, ast.Call] | None:
        module = self._module(path)
        if module is None:
            return None
        for stmt in _module_assignments(module, variable):
            if stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno):
                return (module, stmt.value) if isinstance(stmt.value, ast.Call) else None
        held = _class_assignment(module, line, variable)
        if held is not None and isinstance(held[0].value, ast.Call):
            return module, held[0].value
        return None

    def _resolve_attribute(
        self, names: Any, attribute: str, is_call: bool, reach: _Reach, depth: int
    ) -> None:
        """``x.m`` that Jedi resolves to the methods ``m`` of several source classes: it
        could not tell which class ``x`` is (tomlkit's ``item(value)`` has an overload
        per item class, and ``item({..}).as_string()`` reached the ``as_string`` of
        ten). One of them runs, on an instance the test made: the closure's dispatch by
        name (``attr:m``, to the classes the test constructs) says which, the test's
        ``direct`` pairs name none of them."""
        found = _Reach()
        for name in names:
            self._resolve(name, is_call, found, depth)
        reach.add(_unambiguous(found, self.context.methods, {attribute}))

    def _helper(self, path: str, line: int, reach: _Reach, depth: int) -> None:
        """A function of the test code: follow into its body, and into the wrapper a
        source decorator made of it (cachetools' test classes decorate their methods
        with ``@cachedmethod(lambda self: self.cache)``: calling one runs
        ``cachedmethod``'s nested ``wrapper``)."""
        module = self._module(path)
        if module is None:
            return
        node = module.def_at(line)
        if node is None:
            return
        override = self._override(node, module)
        if override is not None:
            node, module = override
        reach.add(self._memo_body(module, node, depth + 1))
        for decorator in node.decorator_list:
            callee = decorator.func if isinstance(decorator, ast.Call) else decorator
            if id(node) not in self._tops(module) and not isinstance(callee, ast.Name):
                continue  # (a nested function's decorator may read its enclosing scope)
            found = self._follow(callee, self.analyzer.module_table(module), frozenset())
            target = (
                self.context.functions.get((found.path, found.line))
                if found is not None and found.kind == "def"
                else None
            )
            if target is not None:
                # which of the decorator's nested functions the call runs depends on the
                # decorator's arguments: in the closure, not among the direct pairs
                wrappers = self._nested_targets(target)
                reach.targets.update(RUNS + w for w in wrappers)
                reach.files.update(self.context.files[w] for w in wrappers)

    def _nested_targets(self, target: str) -> tuple[str, ...]:
        """The functions defined inside source function ``target``, at any depth."""
        analyzer = self.analyzer
        if analyzer.nested is None:
            found: dict[str, list[str]] = {}
            for name in self.context.files:
                parts = name.split(".<locals>.")
                for depth in range(1, len(parts)):  # each function around it
                    found.setdefault(".<locals>.".join(parts[:depth]), []).append(name)
            analyzer.nested = {outer: tuple(sorted(names)) for outer, names in found.items()}
        return analyzer.nested.get(target, ())

    def _helper_class(self, path: str, line: int, reach: _Reach, depth: int) -> None:
        """A class of the test code that is called: follow its ``__init__``; an instance
        of its source bases is made, their constructors run (most often through
        ``super().__init__``, or inherited)."""
        module = self._module(path)
        if module is None:
            return
        for base in self._local_class(path, line)[0]:
            reach.targets.add(NEW + base)
            constructors = self.context.by_name.get(base, ())
            reach.targets.update(constructors)
            reach.files.update(self.context.files[c] for c in constructors)
        node = module.class_at(line)
        init = (
            _class_methods(node, module).get("__init__")
            if node is not None and node.name in module.classes
            else None
        )
        if init is not None:
            reach.add(self._memo_body(module, init, depth + 1))
        # what its class body (and its bases' of the test code) made at import is
        # held by the instance: the closure may dispatch to those classes
        reach.targets.update(NEW + made for made in self._declared(path, line, frozenset()))

    def _jedi_class(self, module: _Module, expr: ast.Name | ast.Attribute) -> Found | None:
        """The source class Jedi finds ``expr`` (a callee) to be, as a :class:`Found`."""
        if isinstance(expr, ast.Attribute):
            if not expr.end_lineno:
                return None
            line, column = module.attribute_position(expr)
        else:
            line, column = expr.lineno, module.char_col(expr.lineno, expr.col_offset)
        try:
            names = self._script(module).goto(line, column, follow_imports=True)
        except Exception:
            return None
        for name in names:
            if name.type == "class" and name.module_path is not None and name.line:
                path = self.analyzer.normed(str(name.module_path))
                if (path, name.line) in self.context.class_names:
                    return Found("class", path, name.line)
        return None

    def _declared(self, path: str, line: int, seen: frozenset[tuple[str, int]]) -> frozenset[str]:
        """The source classes that the body of a class of the test code (and of its
        bases, and of the classes of the test code it names there) calls: marshmallow's
        ``class BlogSchema(Schema): user = fields.Nested(UserSchema)``, made when
        ``tests/base.py`` is imported, held by every ``BlogSchema()``."""
        key = (path, line)
        if key in self.declared:
            return self.declared[key]
        module = self._module(path)
        node = module.class_at(line) if module is not None else None
        if module is None or node is None or key in seen:
            return frozenset()
        seen = seen | {key}
        table = self.analyzer.module_table(module)
        found: set[str] = set()
        exprs: list[ast.AST] = [*node.bases]
        for stmt in node.body:
            if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                exprs.append(stmt)
        for expr in exprs:
            callees = {id(call.func) for call in ast.walk(expr) if isinstance(call, ast.Call)}
            for sub in ast.walk(expr):
                if not isinstance(sub, ast.Name | ast.Attribute):
                    continue
                called = id(sub) in callees
                target = self._follow(sub, table, frozenset())
                if target is None and called:
                    # (`from marshmallow import fields`, both a submodule and a name
                    # of the package, which ast leaves to Jedi)
                    target = self._jedi_class(module, sub)
                if target is None or target.kind != "class":
                    continue
                source = self.context.class_names.get((target.path, target.line))
                if source is not None:
                    if called:
                        found.add(source)
                elif self.analyzer.is_test_code(target.path):
                    found |= self._declared(target.path, target.line, seen)
        self.declared[key] = frozenset(found)
        return self.declared[key]

    def _local_class(self, path: str, line: int) -> tuple[tuple[str, ...], frozenset[str]]:
        """The source classes a class of the test code derives from (through other
        classes of the test code too), as Jedi resolves its bases, and the methods its
        own body defines. A base ``self.Cache`` in a method of a test class that binds
        ``Cache = LRUCache`` (cachetools' ``class DefaultCache(self.Cache)`` inside a
        mixin's test) is that class, per test class."""
        module = self._module(path)
        node = module.class_at(line) if module is not None else None
        held = node is not None and any(self._held_base(base) for base in node.bases)
        test_class = self.test_class
        per_class = (test_class[1].path, test_class[0].lineno) if held and test_class else None
        key = (path, line, per_class)
        if key in self.local_classes:
            return self.local_classes[key]
        self.local_classes[key] = ((), frozenset())  # a cycle ends here
        if module is None or node is None:
            return self.local_classes[key]
        found: list[str] = []
        for base in node.bases:
            holder = self._held_base(base)
            if holder is not None:
                made = self._made_class(holder)
                found.extend([made] if made is not None else [])
                continue
            site = _site(base, module, set())
            if site is None:
                continue
            try:
                names = self._script(module).goto(site[0], site[1], follow_imports=True)
            except Exception:
                continue
            for name in names:
                if name.type != "class" or name.module_path is None or name.line is None:
                    continue
                where = (self.analyzer.normed(str(name.module_path)), name.line)
                source = self.context.class_names.get(where)
                if source is not None:
                    found.append(source)
                elif self.analyzer.is_test_code(where[0]):
                    found.extend(self._local_class(*where)[0])
        own = frozenset(
            child.name
            for child in node.body
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        )
        self.local_classes[key] = (tuple(dict.fromkeys(found)), own)
        return self.local_classes[key]

    def _held_base(self, base: ast.expr) -> Found | None:
        """``self.Cache`` as a class's base, where the test class being mapped (or a
        base) binds ``Cache`` to a class (:meth:`_class_holders`)."""
        if self.test_class is None or not (
            isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name)
        ):
            return None
        found = self._class_holders(*self.test_class).get(base.attr)
        return found if found is not None and found.kind == "class" else None


class _SourceRun(_FileRun):
    """One source file: for each of its functions, the targets its own body reaches
    (``pairs`` are ``(caller, callee)`` edges of the source call graph)."""

    def run(self) -> FileResult:
        rel = self.task.rel
        try:
            module = self.analyzer.load(self.path)
        except (SyntaxError, OSError, ValueError) as exc:
            return FileResult(rel, (), (), (), (("syntax", f"does not parse: {exc}"),))
        self.modules[self.path] = module
        edges: set[tuple[str, str]] = set()
        files: set[str] = set()
        callers = [
            (node, caller)
            for node in ast.walk(module.tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and (caller := self.context.functions.get((self.path, node.lineno))) is not None
        ]
        for node, caller in _share(callers, self.task):
            positions = _own_positions(node, module)
            try:
                # its memoised inferences dropped per function, as for tests
                reach = self._body(module, node, fresh=True, positions=positions)
            except Exception as exc:
                self.errors.append(("jedi", f"{caller}: {type(exc).__name__}: {exc}"))
                continue
            edges.update((caller, callee) for callee in reach.targets if callee != caller)
            files |= reach.files
        return FileResult(
            rel,
            (),
            tuple(sorted(edges)),
            tuple(sorted(files)),
            tuple(self.errors),
            unasked=tuple(sorted(self.unasked)),
            unstored=tuple(sorted(self.unstored)),
        )


def _unambiguous(
    found: _Reach, classes: Mapping[str, Mapping[str, str]], only: set[str] | None = None
) -> _Reach:
    """``found`` with each method name (of ``only``) that it reaches on several source
    ``classes`` replaced by the ``attr:`` pseudo-target of that name."""
    owners: dict[str, set[str]] = {}
    for target in found.targets:
        owner, _, method = target.rpartition(".")
        if owner in classes and (only is None or method in only):
            owners.setdefault(method, set()).add(owner)
    shared = {method for method, where in owners.items() if len(where) > 1}
    if not shared:
        return found
    kept = {t for t in found.targets if ":" in t or t.rpartition(".")[2] not in shared}
    return _Reach(kept | {ATTR + method for method in shared}, found.files)


def _abc_mixins() -> dict[str, dict[str, tuple[tuple[str, ...], ...]]]:
    """``collections.abc`` class -> its mixin methods -> what each calls on the instance
    (as :data:`_Groups`), with the mixins of the classes it derives from."""
    get: tuple[tuple[str, ...], ...] = (("__getitem__",),)
    walk: tuple[tuple[str, ...], ...] = (("__iter__",), ("__getitem__",))
    mapping: dict[str, tuple[tuple[str, ...], ...]] = {
        "get": get,
        "__contains__": get,
        "keys": (("__iter__",),),
        "items": walk,
        "values": walk,
        "__eq__": (*walk, ("__len__",)),
    }
    mutable_mapping: dict[str, tuple[tuple[str, ...], ...]] = {
        **mapping,
        "pop": (("__getitem__",), ("__delitem__",)),
        "popitem": (*walk, ("__delitem__",)),
        "clear": (*walk, ("__delitem__",)),
        "update": (("__setitem__",),),
        "setdefault": (("__getitem__",), ("__setitem__",)),
    }
    sequence: dict[str, tuple[tuple[str, ...], ...]] = {
        "__contains__": (("__iter__",), ("__getitem__",)),
        "__iter__": get,
        "__reversed__": (("__len__",), ("__getitem__",)),
        "index": (("__getitem__",), ("__len__",)),
        "count": (("__iter__",), ("__getitem__",)),
    }
    mutable_sequence: dict[str, tuple[tuple[str, ...], ...]] = {
        **sequence,
        "append": (("insert",), ("__len__",)),
        "extend": (("append", "insert"), ("__len__",)),
        "pop": (("__getitem__",), ("__delitem__",)),
        "remove": (("index", "__getitem__"), ("__delitem__",)),
        "reverse": (("__len__",), ("__getitem__",), ("__setitem__",)),
        "clear": (("pop", "__getitem__"), ("__delitem__",), ("__len__",)),
        "__iadd__": (("extend", "append", "insert"),),
    }
    operands: tuple[tuple[str, ...], ...] = (("__len__",), ("__iter__",), ("__contains__",))
    set_: dict[str, tuple[tuple[str, ...], ...]] = {
        name: operands
        for name in (
            "__le__", "__lt__", "__eq__", "__ne__", "__gt__", "__ge__", "__and__", "__or__",
            "__sub__", "__xor__", "isdisjoint",
        )
    }  # fmt: skip
    mutable_set: dict[str, tuple[tuple[str, ...], ...]] = {
        **set_,
        "remove": (("__contains__",), ("discard",)),
        "pop": (("__iter__",), ("discard",)),
        "clear": (("pop", "__iter__"), ("discard",)),
        "__ior__": (("add",),),
        "__iand__": (("__iter__",), ("discard",)),
        "__ixor__": (("add",), ("discard",)),
        "__isub__": (("discard",),),
    }
    return {
        "Mapping": mapping,
        "MutableMapping": mutable_mapping,
        "Sequence": sequence,
        "MutableSequence": mutable_sequence,
        "Set": set_,
        "MutableSet": mutable_set,
    }


#: ``collections.abc`` class -> mixin method -> what it calls on the instance
ABC_MIXINS = _abc_mixins()
#: every mixin method's name
_MIXIN_NAMES = frozenset(name for table in ABC_MIXINS.values() for name in table)


def _abc_mixin(names: Any, attribute: str) -> bool:
    """Did Jedi land ``.attribute`` on a ``collections.abc`` mixin method, through
    typeshed (``typing.MutableMapping.update``)?"""
    for name in names:
        owner, _, method = str(name.full_name or "").rpartition(".")
        module, _, kind = owner.rpartition(".")
        if (
            method == attribute
            and module in ("typing", "collections.abc", "_collections_abc")
            and attribute in ABC_MIXINS.get(kind, {})
        ):
            return True
    return False


#: What syntax calls, as groups of alternatives: the first dunder of a group that the
#: value's class (or a source base) defines is the one that runs (``bool(x)`` calls
#: ``__len__`` when there is no ``__bool__``).
_Groups = tuple[tuple[str, ...], ...]
_WITH: _Groups = (("__enter__",), ("__exit__",))
_ASYNC_WITH: _Groups = (("__aenter__",), ("__aexit__",))
_ITER: _Groups = (("__iter__", "__getitem__"), ("__next__",))
_ASYNC_ITER: _Groups = (("__aiter__",), ("__anext__",))
_TRUTH: _Groups = (("__bool__", "__len__"),)
_CALL: _Groups = (("__call__",),)
#: what a test-code subclass may redefine and still be typed as its source base
_OWN_CONSTRUCTORS = frozenset({"__init__", "__new__"})
#: a dotted path of two names or more (``jinja2.ext.do``)
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
#: unittest's ``pytest.raises``
_ASSERT_RAISES = frozenset(
    {"assertRaises", "assertRaisesRegex", "assertRaisesRegexp", "failUnlessRaises"}
)
_KEY: _Groups = (("__hash__",),)
_INDEXED: _Groups = (("__eq__",), ("__repr__",))  # `x` of `items.index(x)`
_SUBSCRIPT: dict[type[ast.expr_context], _Groups] = {
    ast.Load: (("__getitem__",),),
    ast.Store: (("__setitem__",),),
    ast.Del: (("__delitem__",),),
}
_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.MatMult: "matmul",
    ast.Div: "truediv",
    ast.FloorDiv: "floordiv",
    ast.Mod: "mod",
    ast.Pow: "pow",
    ast.LShift: "lshift",
    ast.RShift: "rshift",
    ast.BitOr: "or",
    ast.BitXor: "xor",
    ast.BitAnd: "and",
}
#: Marks a dunder of a syntax site that may run, not must: what it finds joins the
#: closure only (``RUNS``)
CLOSURE_ONLY = "~"
#: comparison -> (the left operand's dunders, the right operand's)
_COMPARE: dict[type[ast.cmpop], tuple[_Groups, _Groups]] = {
    ast.Eq: ((("__eq__",),), (("__eq__",),)),
    ast.NotEq: ((("__ne__", "__eq__"),), (("__ne__", "__eq__"),)),
    ast.Lt: ((("__lt__",),), (("__gt__",),)),
    ast.Gt: ((("__gt__",),), (("__lt__",),)),
    ast.LtE: ((("__le__",),), (("__ge__",),)),
    ast.GtE: ((("__ge__",),), (("__le__",),)),
    # `k in x`: what runs on `k` depends on `x` (see `_IN_LEFT`); this is for an `x`
    # of no known kind
    ast.In: ((("__hash__",), ("__eq__",)), (("__contains__", "__iter__", "__getitem__"),)),
    ast.NotIn: ((("__hash__",), ("__eq__",)), (("__contains__", "__iter__", "__getitem__"),)),
}
_UNARY: dict[type[ast.unaryop], _Groups] = {
    ast.USub: (("__neg__",),),
    ast.UAdd: (("__pos__",),),
    ast.Invert: (("__invert__",),),
    ast.Not: _TRUTH,
}
#: builtins (and two stdlib functions) that call a dunder of their first argument (of
#: others for those of ``_CALLED_ARGUMENTS``)
_BUILTIN_CALLS: dict[str, _Groups] = {
    "len": (("__len__",),),
    "str": (("__str__", "__repr__"),),
    "print": (("__str__", "__repr__"),),
    "repr": (("__repr__",),),
    "format": (("__format__", "__str__", "__repr__"),),
    "hash": (("__hash__",),),
    "bool": _TRUTH,
    "iter": _ITER,
    "next": (("__next__",),),
    "reversed": (("__reversed__", "__len__"),),
    "abs": (("__abs__",),),
    "int": (("__int__", "__index__"),),
    "float": (("__float__",),),
    "complex": (("__complex__",),),
    "round": (("__round__",),),
    "divmod": (("__divmod__",),),
    "dir": (("__dir__",),),
    "getattr": (("__getattr__",),),
    "setattr": (("__setattr__",),),
    "delattr": (("__delattr__",),),
    "list": (*_ITER, ("__len__",)),
    "tuple": (*_ITER, ("__len__",)),
    "set": _ITER,
    "frozenset": _ITER,
    "sorted": _ITER,
    "enumerate": _ITER,
    "zip": _ITER,
    "map": _ITER,
    "filter": _ITER,
    "any": _ITER,
    "all": _ITER,
    "sum": _ITER,
    "min": _ITER,
    "max": _ITER,
    "copy": (("__copy__",),),
    "deepcopy": (("__deepcopy__",),),
    # `heapq.heappush(heap, item)`, `bisect.insort(items, item)`: the item is ordered
    # against the others with `<` (cachetools' `TLRUCache._Item.__lt__`)
    "heappush": (("__lt__",),),
    "heappushpop": (("__lt__",),),
    "insort": (("__lt__",),),
    # `pickle.dumps(x)`: the first of these `x`'s class defines says what pickle takes
    # from it; a test that pickles most often unpickles too, which runs `__setstate__`
    "dumps": (("__reduce_ex__", "__reduce__", "__getstate__"), ("__setstate__",)),
    "dump": (("__reduce_ex__", "__reduce__", "__getstate__"), ("__setstate__",)),
    "signature": (("__signature__",),),  # inspect's: toolz's curry.__signature__
}

#: The positional arguments whose dunders a builtin of ``_BUILTIN_CALLS`` calls, where
#: not only its first: ``zip(a, b)`` iterates both, ``map(f, xs)`` and ``filter(f, xs)``
#: iterate ``xs``, not the function (click's ``zip(expected, KeepOpenFile(f))``)
_CALLED_ARGUMENTS = {
    "zip": slice(0, None),
    "map": slice(1, None),
    "filter": slice(1, 2),
    "heappush": slice(1, 2),
    "heappushpop": slice(1, 2),
    "insort": slice(1, 2),
}

#: The modules whose functions of ``_BUILTIN_CALLS`` are called through an attribute
_BUILTIN_MODULES = {
    "copy": "copy",
    "deepcopy": "copy",
    "dumps": "pickle",
    "dump": "pickle",
    "signature": "inspect",
    "heappush": "heapq",
    "heappushpop": "heapq",
    "insort": "bisect",
}

#: How a site's value is found: "value" infers the expression at the position, "call"
#: what the call whose callee is at the position returns ("call:LINE:COLUMN": a call
#: called in turn, whose value Jedi types at LINE:COLUMN). A value with the
#: ``__call__`` group is called: a source function or class it holds counts too.
_Site = tuple[int, int, str, _Groups]


@contextlib.contextmanager
def _static_params(jedi: Any, state: Any = None) -> Iterator[None]:
    """Jedi without its dynamic parameters while typing syntax sites: typing a value
    that comes from a parameter (``self.data = data``) would otherwise send it searching
    the whole project for the function's callers, tens of times the cost of the site
    (boltons' source: 300 s instead of 30). An inference state (a Script's) reads the
    setting when it is made: ``state``'s own switch is turned off too."""
    settings = jedi.settings
    saved = settings.dynamic_params, settings.dynamic_params_for_other_modules
    settings.dynamic_params = settings.dynamic_params_for_other_modules = False
    search = getattr(state, "do_dynamic_params_search", None)
    if search is not None:
        state.do_dynamic_params_search = False
    try:
        yield
    finally:
        settings.dynamic_params, settings.dynamic_params_for_other_modules = saved
        if search is not None:
            state.do_dynamic_params_search = search


def _syntax_sites(
    node: ast.AST, module: _Module, *, params: bool = True, typed: AbstractSet[str] = frozenset()
) -> list[_Site]:
    """(line, character column, mode, dunder groups) of each expression in ``node``'s own
    body on which syntax calls dunders: ``with`` items, ``for`` and comprehension
    iterables, unpacking, subscripts, operators and comparisons, truth tests, augmented
    assignments, f-string fields, the argument of ``len()``/``str()``/``repr()``/... and
    of ``items.index()``, the callee of a call that is a local variable (``f = make();
    f()``). Without ``params``, values rooted in an unannotated parameter other than
    ``self``/``cls`` and those of ``typed`` (whose class the caller knows) are left
    out."""
    found: dict[tuple[int, int, str], list[tuple[str, ...]]] = {}
    exprs: list[tuple[ast.expr, _Groups]] = []
    callees: list[ast.Name] = []
    augmented_targets: set[int] = set()  # `x` of `x += y`: typed where `x` was bound
    local = _local_names(node)
    untyped: set[str] = set()
    if not params and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        args = node.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        untyped = {a.arg for a in every if a is not None and a.annotation is None}
        untyped -= {"self", "cls", *typed}
    names: list[ast.Name] = []
    todo: list[ast.AST] = list(getattr(node, "body", []))
    parents: dict[int, ast.AST] = {}
    decorated: set[str] = set()  # nested functions made into something else by decorators
    plain: set[str] | None = None  # made when first needed

    def builtin_operand(expr: ast.expr) -> bool:
        nonlocal plain
        if _plain_value(expr, module):
            return True
        if not isinstance(expr, ast.Name):
            return False
        if plain is None:
            plain = _plain_locals(node, module)
        return expr.id in plain

    while todo:
        sub = todo.pop()
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef) and sub.decorator_list:
            decorated.add(sub.name)
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        for child in ast.iter_child_nodes(sub):
            parents[id(child)] = sub
            todo.append(child)
        if isinstance(sub, ast.Name):
            names.append(sub)
        elif (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.ctx, ast.Load)
            and isinstance(sub.value, ast.Name)
            and sub.value.id in local
        ):
            # `x.m` on a local: the method of the type `x` was bound to, for when Jedi
            # loses `x` at the use (it takes `x[k] = v` for a new binding of `x`)
            exprs.append((sub.value, ((sub.attr,),)))
        elif isinstance(sub, ast.With | ast.AsyncWith):
            groups = _WITH if isinstance(sub, ast.With) else _ASYNC_WITH
            exprs += [(item.context_expr, groups) for item in sub.items]
        elif isinstance(sub, ast.For | ast.AsyncFor):
            exprs.append((sub.iter, _ITER if isinstance(sub, ast.For) else _ASYNC_ITER))
        elif isinstance(sub, ast.comprehension):
            exprs.append((sub.iter, _ASYNC_ITER if sub.is_async else _ITER))
            # `[g for g in groups if g]`: each `if` is a truth test (as for `if`)
            exprs += [(test, _TRUTH) for test in sub.ifs if not isinstance(test, ast.Call)]
        elif isinstance(sub, ast.YieldFrom | ast.Starred) or (
            isinstance(sub, ast.Assign) and isinstance(sub.targets[0], ast.Tuple | ast.List)
        ):
            exprs.append((sub.value, _ITER))  # `yield from x`, `f(*x)`, `a, b = x`
        elif isinstance(sub, ast.Await):
            exprs.append((sub.value, (("__await__",),)))
        elif isinstance(sub, ast.Subscript):
            exprs.append((sub.value, _SUBSCRIPT.get(type(sub.ctx), ())))
            if isinstance(sub.slice, ast.Name | ast.Attribute):
                exprs.append((sub.slice, _KEY))  # a mapping hashes its key
        elif isinstance(sub, ast.BinOp) and type(sub.op) in _BINOPS:
            op = _BINOPS[type(sub.op)]
            # the right operand's reflected dunder runs when the left one's type does
            # not handle the operation: certainly for a builtin value (`"(" + expr`,
            # `set("abc") - iset`, a local only ever bound to such), else maybe, in
            # the closure only (pyparsing's `Word(..) + Literal(..)` runs `__add__`
            # only: 800 of its 933 direct `__radd__`-like pairs were false)
            reflected = f"__r{op}__"
            if not builtin_operand(sub.left):
                reflected = CLOSURE_ONLY + reflected
            exprs += [(sub.left, ((f"__{op}__",),)), (sub.right, ((reflected,),))]
        elif isinstance(sub, ast.AugAssign) and type(sub.op) in _BINOPS:
            op = _BINOPS[type(sub.op)]
            if isinstance(sub.target, ast.Subscript):
                exprs.append((sub.target.value, (("__getitem__",),)))
            else:
                augmented_targets.add(id(sub.target))
                exprs.append((sub.target, ((f"__i{op}__", f"__{op}__"),)))
        elif isinstance(sub, ast.Compare):
            # not what a call returns (`assert f(x) == y` is in every other test line,
            # and Jedi's inference of a return value costs a hundred ms), but for an
            # instance constructed there (`Tag(..) in tags`: packaging's `Tag.__eq__`)
            left = sub.left
            for cmp, right in zip(sub.ops, sub.comparators, strict=True):
                exprs += _compared(left, type(cmp), right, node, module)
                left = right
        elif isinstance(sub, ast.UnaryOp) and type(sub.op) in _UNARY:
            exprs.append((sub.operand, _UNARY[type(sub.op)]))
        elif isinstance(sub, ast.If | ast.While | ast.IfExp | ast.Assert):
            if not isinstance(sub.test, ast.Call):  # as for comparisons
                exprs.append((sub.test, _TRUTH))
        elif isinstance(sub, ast.Set | ast.SetComp | ast.Dict | ast.DictComp):
            exprs += [(made, _KEY) for made in _made_items(sub, module)]
        elif isinstance(sub, ast.BoolOp):
            exprs += [(value, _TRUTH) for value in sub.values if not isinstance(value, ast.Call)]
        elif isinstance(sub, ast.FormattedValue):
            groups = (("__repr__",),) if sub.conversion == ord("r") else _BUILTIN_CALLS["format"]
            exprs.append((sub.value, groups))
        elif isinstance(sub, ast.Call) and _ASSERTS.get(_self_method(sub.func)):
            # `self.assertEqual(a, b)` runs `a == b` (unittest), as `assert a == b` does
            check = _ASSERTS[_self_method(sub.func)]
            given = sub.args
            if isinstance(check, str) and given and _typed_operand(given[0]):
                exprs.append((given[0], _TRUTH))
            elif not isinstance(check, str) and len(given) >= 2:
                exprs += _compared(given[0], check, given[1], node, module)
        elif isinstance(sub, ast.Call):
            callee = sub.func
            name = _builtin_callee(callee, module)
            if name and sub.args:
                exprs += [
                    (arg, _BUILTIN_CALLS[name])
                    for arg in sub.args[_CALLED_ARGUMENTS.get(name, slice(0, 1))]
                    if not isinstance(arg, ast.Starred)
                ]
                if name in ("set", "frozenset"):
                    exprs += [(made, _KEY) for made in _made_items(sub.args[0], module)]
            elif (
                isinstance(callee, ast.Attribute)
                and callee.attr == "index"
                and len(sub.args) == 1
                and isinstance(sub.args[0], ast.Name | ast.Attribute)
            ):
                # `order.index(item)` compares `item` with the items, and a miss raises
                # "<repr of item> is not in list" (click's `iter_params_for_processing`
                # runs `Parameter.__repr__` so, under `except ValueError`)
                exprs.append((sub.args[0], _INDEXED))
            elif isinstance(callee, ast.Call):
                exprs.append((callee, _CALL))  # `make(x)()`: what the call returns runs
            elif isinstance(callee, ast.Name):
                callees.append(callee)  # kept below if a local: infer its value
    # A local variable is typed where it is bound, once for all its uses: Jedi's answer
    # at a use costs as much again per use, and it loses the type after some statements
    # (after `a += [3]` it types `a` as what the annotation of `list.__iadd__` says).
    # A name never bound in the body (a parameter, a fixture) is typed at its first use.
    bindings: dict[str, list[ast.Name]] = {}
    for seen in sorted(names, key=lambda n: (n.lineno, n.col_offset)):
        if isinstance(seen.ctx, ast.Store) and id(seen) not in augmented_targets:
            bindings.setdefault(seen.id, []).append(seen)
    for seen in sorted(names, key=lambda n: (n.lineno, n.col_offset)):
        bindings.setdefault(seen.id, [seen])
    for expr, groups in exprs:
        root = _chain_root(expr.func if isinstance(expr, ast.Call) else expr)
        if isinstance(root, ast.Name) and root.id in untyped:
            continue
        places = bindings.get(expr.id, [expr]) if isinstance(expr, ast.Name) else [expr]
        for place in places:
            if _plain_binding(place, parents, module):
                continue  # `x = [..]`, `x = len(..)`: typing `x` cannot reach the source
            site = _site(place, module, local)
            if site is not None and groups:
                found.setdefault(site, []).extend(groups)
    # A called local is typed where it is bound, as a value is: `mf = memoize(f)` called
    # in four asserts is one of Jedi's answers, not four (toolz's test_functoolz.py
    # spent 2 of its 5 s on such repeats). A value typed there that is also called is
    # typed once for both (a value site with the `__call__` group is read as a callee).
    # A nested function a decorator wraps (`@curry def add(..)`) is called as what the
    # decorator made of it (a `curry` instance runs `curry.__call__`): Jedi types that
    # at a use, not at the `def`, so at its first use.
    own = local | decorated  # they hide the module's imports of the same name
    for callee in callees:
        if callee.id not in own:
            continue
        for place in bindings.get(callee.id, [callee]):
            if _plain_binding(place, parents, module):
                continue  # `f = lambda ..`, `for t in (int, str)`: no source function
            site = _site(place, module, own)
            if site is not None:
                found.setdefault(site, []).extend(_CALL)
    return sorted((*key, tuple(dict.fromkeys(groups))) for key, groups in found.items())


#: builtins whose value is never an instance of a source class nor a source function
#: (not ``next``, ``min``, ``getattr``, ``type``, ``super``...: they hand back what they
#: are given)
_PLAIN_CALLS = frozenset(
    {
        "abs",
        "all",
        "any",
        "ascii",
        "bin",
        "bool",
        "bytearray",
        "bytes",
        "callable",
        "chr",
        "dict",
        "dir",
        "enumerate",
        "filter",
        "float",
        "format",
        "frozenset",
        "hasattr",
        "hash",
        "hex",
        "id",
        "int",
        "isinstance",
        "issubclass",
        "iter",
        "len",
        "list",
        "map",
        "oct",
        "open",
        "ord",
        "range",
        "repr",
        "reversed",
        "set",
        "sorted",
        "str",
        "tuple",
        "zip",
    }
)
_PLAIN_VALUES = (
    ast.Constant,
    ast.JoinedStr,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.Lambda,
)


_CONTAINERS: dict[type[ast.expr], str] = {
    ast.List: "sequence",
    ast.Tuple: "sequence",
    ast.ListComp: "sequence",
    ast.Set: "hashed",
    ast.SetComp: "hashed",
    ast.Dict: "hashed",
    ast.DictComp: "hashed",
}
_CONTAINER_CALLS = {
    "list": "sequence",
    "tuple": "sequence",
    "sorted": "sequence",
    "set": "hashed",
    "frozenset": "hashed",
    "dict": "hashed",
}
#: the dunders ``k in x`` runs on ``k``, by what :func:`_container` says ``x`` is
_IN_LEFT: dict[str, _Groups] = {
    "sequence": (("__eq__",),),
    "hashed": (("__hash__",),),
    "": (("__hash__",), ("__eq__",)),
}


def _container(expr: ast.expr, scope: ast.AST, module: _Module) -> str:
    """ "sequence" (a list or tuple) or "hashed" (a set or dict) when the syntax of
    ``expr`` says which builtin container it is (a display, a comprehension, a call of
    ``list``/``tuple``/``sorted``/``set``/``frozenset``/``dict``, or a name ``scope``
    binds only to such of one kind); else ""."""

    def kind(value: ast.expr) -> str:
        if isinstance(value, ast.Call):
            func = value.func
            if isinstance(func, ast.Name) and func.id not in module.globals:
                return _CONTAINER_CALLS.get(func.id, "")
            return ""
        return _CONTAINERS.get(type(value), "")

    if not isinstance(expr, ast.Name):
        return kind(expr)
    values: list[ast.expr] = []
    assigned: set[int] = set()
    for sub in ast.walk(scope):  # breadth first: an `=` comes before its targets
        if isinstance(sub, ast.Assign):
            for target in sub.targets:
                if isinstance(target, ast.Name) and target.id == expr.id:
                    values.append(sub.value)
                    assigned.add(id(target))
        elif (
            isinstance(sub, ast.Name)
            and sub.id == expr.id
            and isinstance(sub.ctx, ast.Store)
            and id(sub) not in assigned
        ):
            return ""  # bound otherwise (a loop, unpacking, `+=`): not known
    kinds = {kind(value) for value in values}
    return kinds.pop() if len(kinds) == 1 else ""


#: unittest's assertion methods: the comparison each makes of its first two arguments,
#: or "truth" for a truth test of its first
_ASSERTS: dict[str, type[ast.cmpop] | str] = {
    **dict.fromkeys(
        (
            "assertEqual",
            "assertEquals",
            "failUnlessEqual",
            "assertListEqual",
            "assertTupleEqual",
            "assertSetEqual",
            "assertDictEqual",
            "assertSequenceEqual",
            "assertMultiLineEqual",
        ),
        ast.Eq,
    ),
    **dict.fromkeys(("assertNotEqual", "assertNotEquals", "failIfEqual"), ast.NotEq),
    "assertIn": ast.In,
    "assertNotIn": ast.NotIn,
    "assertGreater": ast.Gt,
    "assertGreaterEqual": ast.GtE,
    "assertLess": ast.Lt,
    "assertLessEqual": ast.LtE,
    **dict.fromkeys(("assertTrue", "assertFalse", "assert_", "failUnless", "failIf"), "truth"),
}


def _compared(
    left: ast.expr, cmp: type[ast.cmpop], right: ast.expr, scope: ast.AST, module: _Module
) -> list[tuple[ast.expr, _Groups]]:
    """The operands of ``left <cmp> right`` worth typing, each with the dunders the
    comparison runs on it (``k in x``: by what ``x`` is, see :data:`_IN_LEFT`)."""
    left_groups, right_groups = _COMPARE.get(cmp, ((), ()))
    if cmp in (ast.In, ast.NotIn):
        # a list compares the key with its items, a set or a dict hashes it (and
        # compares it only with an equal item that is not itself)
        left_groups = _IN_LEFT[_container(right, scope, module)]
    return [
        (operand, groups)
        for operand, groups in ((left, left_groups), (right, right_groups))
        if _typed_operand(operand)
    ]


def _typed_operand(expr: ast.expr) -> bool:
    """Is an operand of a comparison or a truth test worth typing: not what a call
    returns, but for an instance constructed there (see :func:`_constructs`)?"""
    return not isinstance(expr, ast.Call) or _constructs(expr)


def _self_method(callee: ast.expr) -> str:
    """``m`` for a callee ``self.m``, else ``""``."""
    if (
        isinstance(callee, ast.Attribute)
        and isinstance(callee.value, ast.Name)
        and callee.value.id == "self"
    ):
        return callee.attr
    return ""


def _constructs(call: ast.Call) -> bool:
    """Does ``call`` look like the construction of an instance: is its callee's name in
    CapWords (``Specifier(x) == Specifier(y)``, ``Tag(..) in tags``)? Typing it costs
    Jedi little (a class called), where a function's return value costs it the most."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return name[:1].isupper() and not name.isupper()


def _made_items(expr: ast.expr, module: _Module) -> list[ast.expr]:
    """The items (the keys) of a set or mapping built from ``expr``, as far as syntax
    shows them: the items of a display or a comprehension that are calls, names or
    attributes (``{Tag(..), Tag(..)}``, ``{f1, f2}``, ``{Specifier(s) for s in
    specs}``), and ``map(C, ..)``'s ``C`` called (packaging's ``frozenset(map(Specifier,
    specs))``). Such a set hashes each item when it is built (a mapping, each key)."""
    items: list[ast.expr] = []
    if isinstance(expr, ast.Set | ast.List | ast.Tuple):
        items = list(expr.elts)
    elif isinstance(expr, ast.Dict):
        items = [key for key in expr.keys if key is not None]
    elif isinstance(expr, ast.SetComp | ast.ListComp | ast.GeneratorExp):
        items = [expr.elt]
    elif isinstance(expr, ast.DictComp):
        items = [expr.key]
    elif (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id == "map"
        and "map" not in module.globals
        and expr.args
        and isinstance(expr.args[0], ast.Name | ast.Attribute)
    ):
        # `map(C, xs)` calls `C`: a call with no arguments stands for that call
        return [ast.Call(func=expr.args[0], args=[], keywords=[])]
    return [item for item in items if isinstance(item, ast.Call | ast.Name | ast.Attribute)]


def _plain_value(expr: ast.expr | None, module: _Module) -> bool:
    """Is ``expr``'s value, by its syntax alone, a builtin object (a literal, a display,
    a comprehension, a lambda, a call of a builtin of ``_PLAIN_CALLS``)?"""
    if isinstance(expr, _PLAIN_VALUES):
        return True
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id in _PLAIN_CALLS
        and expr.func.id not in module.globals
    )


def _plain_items(expr: ast.expr, module: _Module) -> bool:
    """Are the items of iterating ``expr`` builtin objects: a literal display of
    constants and builtin names (``(int, float)``), a string, or ``range(..)``?"""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str | bytes)
    if isinstance(expr, ast.Tuple | ast.List | ast.Set):
        return all(
            isinstance(item, ast.Constant)
            or (
                isinstance(item, ast.Name)
                and item.id in _BUILTINS
                and item.id not in module.globals
            )
            for item in expr.elts
        )
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id == "range"
        and "range" not in module.globals
    )


def _plain_binding(place: ast.expr, parents: Mapping[int, ast.AST], module: _Module) -> bool:
    """Is ``place`` a name bound (right there) to a value that syntax alone shows is not
    an instance of a source class nor a source function (``x = [..]``, ``f = lambda:
    ..``, ``n = len(..)``, ``for t in (int, str)``, ``with open(..) as f``)? Such a
    binding is not worth one of Jedi's answers."""
    if not isinstance(place, ast.Name) or not isinstance(place.ctx, ast.Store):
        return False
    parent = parents.get(id(place))
    if isinstance(parent, ast.Assign) and place in parent.targets:
        return _plain_value(parent.value, module)
    if isinstance(parent, ast.AnnAssign) and parent.target is place:
        return parent.value is not None and _plain_value(parent.value, module)
    if isinstance(parent, ast.For | ast.AsyncFor | ast.comprehension) and parent.target is place:
        return _plain_items(parent.iter, module)
    if isinstance(parent, ast.withitem) and parent.optional_vars is place:
        expr = parent.context_expr
        return (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Name)
            and expr.func.id == "open"
            and "open" not in module.globals
        )
    return False


def _plain_locals(node: ast.AST, module: _Module) -> set[str]:
    """The local names of ``node`` that every binding in it (nested scopes included)
    binds to a builtin value by syntax alone (:func:`_plain_binding`): ``lines = []``,
    ``for ch in "abc"``. An attribute of one (``lines.append``) is a builtin's: Jedi's
    answer for it costs up to a second (its inference of the list's items) and never
    reaches the project. A parameter, an augmented assignment (``x += obj`` may make
    ``x`` what ``obj.__radd__`` returns), an import, ``global`` or any other binding of
    the name keeps it out."""
    parents: dict[int, ast.AST] = {}
    for sub in ast.walk(node):
        for child in ast.iter_child_nodes(sub):
            parents[id(child)] = sub
    verdict: dict[str, bool] = {}
    for name, binder in _bindings(node):
        if isinstance(binder, ast.Name) and isinstance(binder.ctx, ast.Del):
            continue  # `del x` leaves no value behind
        plain = isinstance(binder, ast.Name) and _plain_binding(binder, parents, module)
        verdict[name] = verdict.get(name, True) and plain
    return {name for name, plain in verdict.items() if plain}


def _builtin_callee(callee: ast.expr, module: _Module) -> str:
    """The name of the builtin (or ``copy.copy``/``copy.deepcopy``/``pickle.dumps``/
    ``pickle.dump``/``inspect.signature``/``heapq.heappush``/``bisect.insort``/..., through
    the module or imported from it) a call calls, if it calls one of
    ``_BUILTIN_CALLS``; else ``""``."""
    if isinstance(callee, ast.Name) and callee.id in _BUILTIN_CALLS:
        home = _BUILTIN_MODULES.get(callee.id)
        if home is None and callee.id not in module.globals:
            return callee.id
        if home is not None and module.imports.get(callee.id) == f"{home}.{callee.id}":
            return callee.id  # `from copy import copy`, not tomlkit's `dumps`
    if (
        isinstance(callee, ast.Attribute)
        and isinstance(callee.value, ast.Name)
        and callee.value.id == _BUILTIN_MODULES.get(callee.attr)
    ):
        return callee.attr
    return ""


def _site(expr: ast.expr, module: _Module, local: AbstractSet[str]) -> tuple[int, int, str] | None:
    """Where Jedi types ``expr``: a name, an attribute (at its last part), or a call
    (at its callee, mode "call"); None for literals and for values of builtins and of
    modules outside the project (``open()``, ``os.scandir()``)."""
    mode = "value"
    if isinstance(expr, ast.Call):
        mode = "call"
        if expr.end_lineno and expr.end_col_offset is not None:
            # called in turn right there (`compose(*fs)(x)`): where Jedi types the call
            # with its arguments, the `(` after it
            line, column = expr.end_lineno, module.char_col(expr.end_lineno, expr.end_col_offset)
            text = module.lines[line - 1].decode("utf-8", errors="replace")
            if text[column : column + 1] == "(":
                mode = f"call:{line}:{column}"
        expr = expr.func
    root = _chain_root(expr)
    if not isinstance(root, ast.Name):
        return None
    if root.id not in local and (
        root.id in module.external or (root.id in _BUILTINS and root.id not in module.globals)
    ):
        return None
    if isinstance(expr, ast.Name):
        return expr.lineno, module.char_col(expr.lineno, expr.col_offset), mode
    if isinstance(expr, ast.Attribute) and expr.end_lineno and expr.end_col_offset:
        return (*module.attribute_position(expr), mode)
    return None


def _own_positions(
    node: ast.FunctionDef | ast.AsyncFunctionDef, module: _Module
) -> list[tuple[int, int, bool]]:
    """The positions of ``_positions`` that belong to this function itself: a nested
    ``def`` or ``class`` is a target of its own (only its decorators, defaults and base
    classes run with the outer function)."""
    nested: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = []
    kept: list[ast.AST] = []
    for stmt in node.body:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                nested.append(sub)
    spans = [(n.lineno, n.end_lineno or n.lineno) for n in nested]
    for n in nested:
        if isinstance(n, ast.ClassDef):
            kept += n.bases
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
            kept += [*n.args.defaults, *(d for d in n.args.kw_defaults if d is not None)]
        kept += n.decorator_list
    positions = [
        p
        for p in _positions(node, module)
        if not any(start < p[0] <= end for start, end in spans) or any(_inside(p, k) for k in kept)
    ]
    return positions


def _inside(position: tuple[int, int, bool], node: ast.AST) -> bool:
    line = position[0]
    start = getattr(node, "lineno", 0)
    end = getattr(node, "end_lineno", start)
    return bool(start <= line <= end)


def _store_positions(node: ast.AST, module: _Module) -> set[tuple[int, int]]:
    """The positions (as Jedi is asked about them) of the attributes ``node``'s body
    assigns (``x.attr = v``, ``del x.attr``)."""
    return {
        module.attribute_position(sub)
        for stmt in getattr(node, "body", [])
        for sub in ast.walk(stmt)
        if isinstance(sub, ast.Attribute)
        and not isinstance(sub.ctx, ast.Load)
        and sub.end_lineno
        and sub.end_col_offset
    }


def _properties(module: _Module) -> dict[int, tuple[int | None, int | None]]:
    """Line -> for each ``name = property(fget, fset, ..)`` in a class body, the lines of
    the ``def`` of the getter and of the setter that the same class body defines."""
    found: dict[int, tuple[int | None, int | None]] = {}
    for owner in ast.walk(module.tree):
        if not isinstance(owner, ast.ClassDef):
            continue
        defs = {
            d.name: d.lineno
            for d in owner.body
            if isinstance(d, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        for stmt in owner.body:
            value = stmt.value if isinstance(stmt, ast.Assign) else None
            if not (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and value.func.id == "property"
            ):
                continue
            lines: list[int | None] = []
            for index, keyword in ((0, "fget"), (1, "fset")):
                given = value.args[index] if len(value.args) > index else None
                given = next((k.value for k in value.keywords if k.arg == keyword), given)
                lines.append(defs.get(given.id) if isinstance(given, ast.Name) else None)
            found[stmt.lineno] = (lines[0], lines[1])
    return found


def _assigned_classes(module: _Module, module_name: str) -> dict[int, str | None]:
    """Line -> for each ``name = Cls(...)`` in a class body, the dotted name of ``Cls``
    (in the module's namespace), or None when the callee is not a dotted name."""
    found: dict[int, str | None] = {}
    aliases: dict[str, str] | None = None
    classes: list[tuple[ast.ClassDef, str]] = []  # with their qualified names
    todo: list[tuple[ast.AST, str]] = [(module.tree, module_name)]
    while todo:
        scope, prefix = todo.pop()
        for child in ast.iter_child_nodes(scope):
            if isinstance(child, ast.ClassDef):
                classes.append((child, f"{prefix}.{child.name}"))
                todo.append((child, f"{prefix}.{child.name}"))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                todo.append((child, f"{prefix}.{getattr(child, 'name', '<lambda>')}.<locals>"))
            else:
                todo.append((child, prefix))
    for node, qualified in classes:
        # a class the body itself defines (boltons' `FilePerms._FilePermProperty`)
        nested = {c.name for c in node.body if isinstance(c, ast.ClassDef)}
        for stmt in node.body:
            if not (
                isinstance(stmt, ast.Assign | ast.AnnAssign) and isinstance(stmt.value, ast.Call)
            ):
                continue
            parts: list[str] = []
            callee = stmt.value.func
            while isinstance(callee, ast.Attribute):
                parts.insert(0, callee.attr)
                callee = callee.value
            if not isinstance(callee, ast.Name):
                found.setdefault(stmt.lineno, None)
                continue
            if aliases is None:
                is_package = Path(module.path).name == "__init__.py"
                aliases = import_aliases(module.tree, module_name, is_package)
            head = aliases.get(callee.id, f"{module_name}.{callee.id}")
            if callee.id in nested:
                head = f"{qualified}.{callee.id}"
            found.setdefault(stmt.lineno, ".".join([head, *parts]))
    return found


#: a use ``f.attr`` of a decorated local ``def f``: the key of its decorators, the
#: (line, character column) of that ``f``, where Jedi types it (at the ``def`` it
#: answers with the function before its decorators), and the source class ast reads
#: off the decorators' annotations (None: Jedi is asked)
_Decorated = tuple[Hashable, int, int, str | None]
#: what a decorator makes of a function, given the class of a decorated local it uses
#: (see :meth:`_FileRun._maker`)
_Maker = Callable[[ast.expr, Callable[[str], str | None]], str | None]


def _overloaded(module: _Module, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Does ``module`` have ``@overload``s of a function named as ``node`` is (tomlkit's
    ``item()`` is annotated ``-> Item``, its overloads say which ``Item``)?"""
    if module.overloaded is None:
        module.overloaded = {
            sub.name
            for sub in ast.walk(module.tree)
            if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef) and overloads(sub)
        }
    return node.name in module.overloaded


def _union(annotation: ast.expr) -> list[ast.expr] | None:
    """The members of an annotation's union (``Union[A, B]``, ``Optional[A]``,
    ``A | None``, quoted or not), ``None`` left out; None where a string does not parse."""
    members: list[ast.expr] = []
    todo = [annotation]
    while todo:
        member: ast.expr | None = todo.pop()
        if isinstance(member, ast.Constant) and isinstance(member.value, str):
            member = _unquoted(member)
        if member is None:
            return None
        if isinstance(member, ast.Constant) and member.value is None:
            continue
        if isinstance(member, ast.BinOp) and isinstance(member.op, ast.BitOr):
            todo += [member.right, member.left]
        elif isinstance(member, ast.Subscript) and _decorator_name(member.value) in (
            "Union",
            "Optional",
        ):
            inner = member.slice
            todo += reversed(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        else:
            members.append(member)
    return members


def _callable_result(annotation: ast.expr) -> ast.expr | None:
    """``R`` of ``Callable[[..], R]``; None for any other annotation."""
    if (
        isinstance(annotation, ast.Subscript)
        and _decorator_name(annotation.value) == "Callable"
        and isinstance(annotation.slice, ast.Tuple)
        and len(annotation.slice.elts) == 2
    ):
        return annotation.slice.elts[1]
    return None


def _typevars(module: _Module) -> dict[str, ast.expr | None]:
    """The ``TypeVar``s ``module`` defines at its top level -> their bound (None: none)."""
    found: dict[str, ast.expr | None] = {}
    for stmt in module.tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
            and _decorator_name(stmt.value.func) == "TypeVar"
        ):
            bound = (k.value for k in stmt.value.keywords if k.arg == "bound")
            found[stmt.targets[0].id] = next(bound, None)
    return found


def _passes(call: ast.Call, node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """Does ``call`` of ``node`` pass an argument to a parameter whose annotation uses
    ``name`` (or may it: ``*args``, ``**kwargs``)?"""
    args = node.args
    positional = [*args.posonlyargs, *args.args][1 if _instance_param(node) else 0 :]
    by_name = {a.arg: a for a in [*positional, *args.kwonlyargs]}
    pattern = re.compile(rf"\b{re.escape(name)}\b")

    def uses(param: ast.arg | None) -> bool:
        annotation = param.annotation if param is not None else None
        return annotation is not None and bool(pattern.search(ast.unparse(annotation)))

    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return True
        if uses(positional[index] if index < len(positional) else args.vararg):
            return True
    for keyword in call.keywords:
        if keyword.arg is None or uses(by_name.get(keyword.arg, args.kwarg)):
            return True
    return False


def _defines(module: _Module, name: str) -> bool:
    """Does ``module`` define a function ``name`` at its top level?"""
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name
        for node in module.tree.body
    )


def _parametrized(nodes: list[Any]) -> set[str]:
    """The argument names ``@pytest.mark.parametrize`` gives on ``nodes`` (a test and
    its classes), with ``"*"`` where they are not literal strings."""
    names: set[str] = set()
    for node in nodes:
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call) or _decorator_name(decorator) != "parametrize":
                continue
            given = decorator.args[0] if decorator.args else None
            given = next((k.value for k in decorator.keywords if k.arg == "argnames"), given)
            items = given.elts if isinstance(given, ast.Tuple | ast.List) else [given]
            for item in items:
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    names.update(n.strip() for n in item.value.split(","))
                else:
                    names.add("*")
    return names


def _parametrize_values(
    nodes: list[Any], module: _Module, wanted: set[str]
) -> dict[str, list[ast.expr]]:
    """The values ``@pytest.mark.parametrize`` on ``nodes`` (a test and its classes)
    gives each of the ``wanted`` argument names, where its argument names are literal
    and its values a literal list or tuple (not ``indirect``: those go to fixtures).
    An entry is a tuple of values, ``pytest.param(..)`` of them, or, for one name, the
    value itself; ``*NAME`` of a module-level tuple is spread."""

    def spread(items: list[ast.expr]) -> list[ast.expr] | None:
        out: list[ast.expr] = []
        for item in items:
            if not isinstance(item, ast.Starred):
                out.append(item)
                continue
            held = _module_tuple(module, item.value)
            if held is None:
                return None
            out += held
        return out

    found: dict[str, list[ast.expr]] = {}
    for node in nodes:
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call) or _decorator_name(decorator) != "parametrize":
                continue
            arguments = dict(zip(("argnames", "argvalues"), decorator.args, strict=False))
            arguments.update((k.arg, k.value) for k in decorator.keywords if k.arg)
            given, listed = arguments.get("argnames"), arguments.get("argvalues")
            if "indirect" in arguments or given is None or listed is None:
                continue
            items = given.elts if isinstance(given, ast.Tuple | ast.List) else [given]
            texts = [i.value for i in items if isinstance(i, ast.Constant)]
            if len(texts) != len(items) or not all(isinstance(t, str) for t in texts):
                continue
            names = [n.strip() for text in texts for n in str(text).split(",") if n.strip()]
            if not wanted.intersection(names) or not isinstance(listed, ast.List | ast.Tuple):
                continue
            for entry in listed.elts:
                if isinstance(entry, ast.Call) and _decorator_name(entry) == "param":
                    values = spread(list(entry.args))
                elif len(names) == 1:
                    values = [entry]
                elif isinstance(entry, ast.Tuple | ast.List):
                    values = spread(list(entry.elts))
                else:
                    values = None
                if values is None or len(values) != len(names):
                    continue
                for name, value in zip(names, values, strict=True):
                    if name in wanted:
                        found.setdefault(name, []).append(value)
    return found


def _module_tuple(module: _Module, expr: ast.expr) -> list[ast.expr] | None:
    """The items of the tuple or list literal a module-level ``NAME = (..)`` binds, where
    ``expr`` is that ``NAME`` and the module binds it once."""
    if not isinstance(expr, ast.Name):
        return None
    bound = _module_assignments(module, expr.id)
    if len(bound) != 1 or not isinstance(bound[0].value, ast.Tuple | ast.List):
        return None
    return list(bound[0].value.elts)


def _module_assignments(module: _Module, name: str) -> list[ast.Assign]:
    """The module-level ``name = ..`` statements of ``module`` (``a = name = ..`` too)."""
    return [
        stmt
        for stmt in module.tree.body
        if isinstance(stmt, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)
    ]


def _super_names(method: ast.AST) -> frozenset[str]:
    """The names ``super().NAME`` reads in a function's own scope. Kept on the node."""
    known: frozenset[str] | None = getattr(method, "_paradisco_supers", None)
    if known is None:
        known = frozenset(
            sub.attr
            for sub in _own_scope(method)
            if isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Call)
            and isinstance(sub.value.func, ast.Name)
            and sub.value.func.id == "super"
        )
        method._paradisco_supers = known  # type: ignore[attr-defined]
    return known


def _self_calls(method: ast.AST, me: str) -> dict[str, list[ast.Call]]:
    """``self.name(..)`` calls in ``method``'s own scope (``me`` its ``self``), by name.
    Kept on the node: each helper of a test class looks through every method of the
    class for its callers (pyparsing's ``Test02_WithoutPackrat`` has ~270)."""
    known: dict[str, list[ast.Call]] | None = getattr(method, "_paradisco_self_calls", None)
    if known is None:
        known = {}
        for sub in _own_scope(method):
            if (
                isinstance(sub, ast.Call)
                and isinstance(sub.func, ast.Attribute)
                and _is_name(sub.func.value, me)
            ):
                known.setdefault(sub.func.attr, []).append(sub)
        method._paradisco_self_calls = known  # type: ignore[attr-defined]
    return known


def _own_classes(node: ast.AST) -> Iterator[ast.ClassDef]:
    """The class statements of ``node``'s body in its own scope (and the classes in
    their bodies, which run with them)."""
    todo: list[ast.AST] = list(getattr(node, "body", []))
    while todo:
        sub = todo.pop()
        if isinstance(sub, ast.ClassDef):
            yield sub
            todo.extend(sub.body)
            continue
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        todo.extend(ast.iter_child_nodes(sub))


def _own_scope(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``node``'s body in its own scope: not those of the functions,
    classes and lambdas it defines (their decorators, defaults and bases neither)."""
    todo: list[ast.AST] = list(getattr(node, "body", []))
    while todo:
        sub = todo.pop()
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        yield sub
        todo.extend(ast.iter_child_nodes(sub))


def _returned(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    """The values ``node`` itself returns or yields (``None`` for a bare ``return``);
    empty when it returns nothing or yields from something."""
    values: list[ast.expr] = []
    todo: list[ast.AST] = list(node.body)
    while todo:
        sub = todo.pop()
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        if isinstance(sub, ast.YieldFrom):
            return []
        if isinstance(sub, ast.Return | ast.Yield):
            values.append(sub.value if sub.value is not None else ast.Constant(None))
        todo.extend(ast.iter_child_nodes(sub))
    return values


def _instance_param(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The name of a method's ``self`` parameter; "" for a ``staticmethod``, a
    ``classmethod`` or a method without positional parameters."""
    args = [*node.args.posonlyargs, *node.args.args]
    if not args or any(_decorator_name(d) in _PLAIN_DECORATORS for d in node.decorator_list):
        return ""
    return args[0].arg


def _is_name(expr: ast.expr, name: str) -> bool:
    return bool(name) and isinstance(expr, ast.Name) and expr.id == name


#: decorators that leave what calling the method returns as its annotation says
_PLAIN_DECORATORS = frozenset({"classmethod", "staticmethod"})


def _bindings(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """Each name bound inside ``node`` (nested scopes and parameters included, ``node``'s
    own name not), with what binds it: a definition, a target (``del`` too), a
    parameter, an ``except .. as``, an import, a ``match`` capture, ``global`` or
    ``nonlocal``."""
    for sub in ast.walk(node):
        if sub is node:
            continue
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield sub.name, sub
        elif isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            yield sub.id, sub
        elif isinstance(sub, ast.arg):
            yield sub.arg, sub
        elif isinstance(sub, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and sub.name:
            yield sub.name, sub
        elif isinstance(sub, ast.MatchMapping) and sub.rest:
            yield sub.rest, sub
        elif isinstance(sub, ast.alias):
            yield sub.asname or sub.name.split(".")[0], sub
        elif isinstance(sub, ast.Global | ast.Nonlocal):
            for name in sub.names:
                yield name, sub


def _binding_counts(node: ast.AST) -> dict[str, int]:
    """How many times each name is bound inside ``node`` (:func:`_bindings`;
    ``global``/``nonlocal`` count as two)."""
    bindings: dict[str, int] = {}
    for name, binder in _bindings(node):
        if isinstance(binder, ast.Global | ast.Nonlocal):
            bindings[name] = 2
        else:
            bindings[name] = bindings.get(name, 0) + 1
    return bindings


def _rebound_defs(
    node: ast.AST, bindings: Mapping[str, int]
) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The ``def``s of ``node``'s own scope whose name the scope binds more than once
    and calls: which binding a call runs depends on the branch taken
    (:func:`_own_defs` follows a name bound once; Jedi is not asked about locals)."""
    defs: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    called: set[str] = set()
    todo: list[ast.AST] = list(getattr(node, "body", []))
    while todo:  # node's own scope, in `if`/`with`/`try` blocks too
        sub = todo.pop()
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef):
            if bindings.get(sub.name, 0) > 1:
                defs.append(sub)
            continue
        if isinstance(sub, ast.ClassDef | ast.Lambda):
            continue
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
            called.add(sub.func.id)
        todo.extend(ast.iter_child_nodes(sub))
    return sorted((d for d in defs if d.name in called), key=lambda d: d.lineno)


def _own_defs(
    node: ast.AST,
    module: _Module,
    meaning: Callable[[str], Hashable],
    identity: Callable[[ast.expr], bool] | None = None,
    bindings: Mapping[str, int] | None = None,
    maker: _Maker | None = None,
) -> tuple[dict[tuple[int, int], Found], dict[tuple[int, int], _Decorated]]:
    """The uses in ``node`` of the functions and classes it defines in its own scope
    and binds nowhere else, by (line, character column): where a name reads one, the
    definition it reads (Jedi's ``goto`` landed there too, after inferring what the
    decorators make of it: most of a second for each of click's ``@cli.command()``);
    where ``f.attr`` reads an attribute of a decorated ``def f``, the key of its
    decorators and where Jedi types ``f``. The key says what the decorators are: their
    syntax, with what the global names they use mean (``meaning``) and the keys of
    the decorated locals they use (``@cli.command()`` under ``@click.group() def cli``);
    none where they use another local (what they make may then differ from one function
    to the next). A decorator ``identity`` says hands back what it decorates is left
    out of the key: ``@click.group() @click.option(..) def cli`` is the same ``Group``
    as ``@click.group() def cli``, one of Jedi's answers for the two. ``bindings``:
    :func:`_binding_counts` of ``node``, where the caller has them. ``maker``: what a
    decorator makes of a function, where ast can tell (the use's class)."""
    if bindings is None:
        bindings = _binding_counts(node)
    defs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = {}
    todo: list[ast.AST] = list(getattr(node, "body", []))
    while todo:  # the definitions of node's own scope, in `if`/`with`/`try` blocks too
        sub = todo.pop()
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if bindings.get(sub.name) == 1:
                defs[sub.name] = sub
        elif not isinstance(sub, ast.Lambda | ast.expr):
            todo.extend(ast.iter_child_nodes(sub))
    keys: dict[str, Hashable | None] = {}

    def key(name: str) -> Hashable | None:
        if name not in keys:
            keys[name] = None  # (a decorator that uses its own def: no key)
            found = defs[name]
            if isinstance(found, ast.ClassDef) or not found.decorator_list:
                return None
            parts: list[Hashable] = [type(found).__name__]
            for decorator in found.decorator_list:
                if identity is not None and identity(decorator):
                    continue  # hands back what it decorates: what it is makes no odds
                used: list[Hashable] = [_shape(decorator)]
                for sub in ast.walk(decorator):
                    if not isinstance(sub, ast.Name):
                        continue
                    if sub.id not in bindings:
                        used.append((sub.id, meaning(sub.id)))
                    elif sub.id not in defs or key(sub.id) is None:
                        return None
                    else:
                        used.append((sub.id, keys[sub.id]))
                parts.append(tuple(used))
            keys[name] = tuple(parts)
        return keys[name]

    classes: dict[str, str | None] = {}

    def made(name: str) -> str | None:
        if name not in classes:
            classes[name] = None  # (a decorator that uses its own def: unknown)
            found = defs.get(name)
            if maker is None or not isinstance(found, ast.FunctionDef | ast.AsyncFunctionDef):
                return None
            for decorator in found.decorator_list:
                if identity is not None and identity(decorator):
                    continue
                result = maker(decorator, made)
                if result != "":  # "": hands back what it decorates
                    classes[name] = result
                    break
        return classes[name]

    names: dict[tuple[int, int], Found] = {}
    uses: dict[tuple[int, int], _Decorated] = {}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id in defs:
            found = defs[sub.id]
            kind = "class" if isinstance(found, ast.ClassDef) else "def"
            position = (sub.lineno, module.char_col(sub.lineno, sub.col_offset))
            names[position] = Found(kind, module.path, found.lineno)
        elif (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Name)
            and sub.value.id in defs
            and sub.end_lineno
            and sub.end_col_offset
        ):
            found_key = key(sub.value.id)
            if found_key is None and made(sub.value.id) is None:
                continue
            name = sub.value
            column = module.char_col(name.lineno, name.col_offset)
            uses[module.attribute_position(sub)] = (
                found_key,
                name.lineno,
                column,
                made(name.id),
            )
    return names, uses


def _is_function(callee: ast.expr, module: _Module, dotted: str) -> bool:
    """Is ``callee`` the function ``dotted`` of a module (``functools.partial``,
    ``pytest.raises``), named through its module or imported from it?"""
    if isinstance(callee, ast.Name):
        return module.imports.get(callee.id) == dotted
    owner, _, name = dotted.rpartition(".")
    return (
        isinstance(callee, ast.Attribute)
        and callee.attr == name
        and isinstance(callee.value, ast.Name)
        and module.imports.get(callee.value.id) == owner
    )


def _shape(expr: ast.expr) -> str:
    """``expr``'s syntax with the type of each constant for its value: what Jedi makes
    of ``click.command("sdist")`` is what it makes of ``click.command("bdist")``."""
    shaped = copy.deepcopy(expr)
    for sub in ast.walk(shaped):
        if isinstance(sub, ast.Constant):
            sub.value = type(sub.value).__name__
    return ast.dump(shaped)


def _unquoted(annotation: ast.Constant) -> ast.expr | None:
    """The expression a string annotation spells (``"Parser"``); None where it does not
    parse (null bytes: a ValueError before Python 3.11.4)."""
    try:
        return ast.parse(str(annotation.value), mode="eval").body
    except (SyntaxError, ValueError):
        return None


def _short(path: str) -> str:
    return Path(path).name
