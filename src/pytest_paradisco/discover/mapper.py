"""One mapping run: source index -> import filter -> cache -> Jedi (pooled) -> TestMap.

Plain Python: no pytest objects. The plugin builds a :class:`MapRequest` from the
session and calls :func:`build_map`.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import shutil
import tempfile
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pytest_paradisco.discover.cache import IndexCache, ResultCache
from pytest_paradisco.discover.imports import ImportCheck, ImportFilter, conftests_above
from pytest_paradisco.discover.names import (
    ATTACHED,
    ATTR,
    KEY,
    RULES,
    AttrPattern,
    import_constructed,
    literal_words,
    name_edges,
)
from pytest_paradisco.discover.pool import Outcome, run_tasks
from pytest_paradisco.discover.references import (
    ABC_MIXINS,
    NEW,
    RUNS,
    Context,
    FileResult,
    FileTask,
    analyse_file,
    init_worker,
    norm,
    reset_worker,
)
from pytest_paradisco.discover.targets import (
    SourceIndex,
    SourceRoot,
    file_hash,
    index_sources,
    may_hold,
    rel_path,
)
from pytest_paradisco.testmap import FunctionEntry, MapError, TestMap

#: Files listed under ``stats.slowest``.
SLOWEST_SHOWN = 5

#: A file is analysed in one task per this many bytes of it (see :func:`_parts`), in at
#: most MAX_PARTS tasks: each task pays for loading what the file imports again.
PART_BYTES = 32_000
MAX_PARTS = 8


@dataclass
class MapRequest:
    """Everything one mapping run needs, in plain values."""

    rootdir: Path
    test_files: Sequence[Path]  # absolute
    roots: Sequence[SourceRoot]
    search_path: Sequence[Path] = ()  # extra sys.path entries (ini pythonpath, src/...)
    workers: int | str = 0  # N, or "auto"
    timeout: float | None = None
    cache_dir: Path | None = None  # None: no cache
    jedi_cache: Path | None = None  # per-worker Jedi parse caches (default: a temporary one)
    python_functions: tuple[str, ...] = ("test",)
    python_classes: tuple[str, ...] = ("Test",)
    #: How many calls deep the closure over the source call graph goes: None for the
    #: full closure, 0 for direct references only (the source is then not analysed).
    depth: int | None = None
    #: With ``--doctest-modules``: the paths pytest collects from, whose source modules'
    #: doctests are tests too (mapped to what their examples name).
    doctests: Sequence[Path] = ()
    #: The text files pytest collects doctests from (``--doctest-glob``): each one's
    #: doctest is a test too, and the encoding to read them with
    doctest_files: Sequence[Path] = ()
    doctest_encoding: str = "utf-8"
    progress: Callable[[str, int, int], None] | None = None
    #: Follow the names ast can follow without asking Jedi (see discover/static.py)
    static: bool = True
    #: Top-level modules outside the project whose imports Jedi follows besides the
    #: default ones (``all``: every import; see discover/jedi_scope.py)
    follow: tuple[str, ...] = ()


@dataclass
class MapOutcome:
    """The map, and what the plugin must tell the user besides."""

    testmap: TestMap
    warnings: list[str] = field(default_factory=list)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def choose_workers(requested: int | str, tasks: int) -> int:
    """``auto``: one per usable core, never more than files to analyse, and in-process
    for a single file (a worker's start-up would cost more than it saves)."""
    if requested == "auto":
        if tasks <= 1:
            return 0
        return min(usable_cores(), tasks)
    return min(int(requested), tasks)


def make_context(index: SourceIndex, request: MapRequest, jedi_pickle: bool = True) -> Context:
    rootdir = request.rootdir
    functions: dict[tuple[str, int], str] = {}
    files: dict[str, str] = {}
    by_name: dict[str, tuple[str, ...]] = {}
    for target in index.targets.values():
        path = norm(rootdir / target.file)
        for line in [*index.redefined.get(target.name, ()), target.line]:
            functions[(path, line)] = target.name
        files[target.name] = path
        by_name[target.name] = (target.name,)
    classes: dict[tuple[str, int], tuple[str, ...]] = {}
    class_names: dict[tuple[str, int], str] = {}
    for info in index.classes.values():
        constructors = index.constructors(info.name)
        for line in [*index.redefined.get(info.name, ()), info.line]:
            classes[(norm(rootdir / info.file), line)] = constructors
            class_names[(norm(rootdir / info.file), line)] = info.name
        by_name[info.name] = constructors
    methods = method_tables(index)
    attached = attached_tables(index)
    methods.update(attached)
    sys_path: list[str] = []
    for entry in [*(r.base for r in request.roots), *request.search_path]:
        text = str(entry)
        if text not in sys_path:
            sys_path.append(text)
    return Context(
        rootdir=str(rootdir),
        sys_path=tuple(sys_path),
        functions=functions,
        classes=classes,
        by_name=by_name,
        files=files,
        source_dirs=tuple(norm(r.path) for r in request.roots),
        python_functions=request.python_functions,
        python_classes=request.python_classes,
        methods=methods,
        # the names of methods defined in source classes: the fingerprint in the cache
        # key covers them (SourceIndex.fingerprint)
        method_names=frozenset(
            method
            for name in index.targets
            for owner, _, method in [name.rpartition(".")]
            if owner in index.classes
        )
        | {attribute for table in attached.values() for attribute in table},
        class_names=class_names,
        subclassing={
            info.name: found
            for info in index.classes.values()
            if (found := index.subclassing(info.name, methods))
        },
        static=request.static,
        follow=tuple(request.follow),
        jedi_cache=str(request.jedi_cache) if request.jedi_cache is not None else None,
        jedi_pickle=jedi_pickle,
        # Jedi is asked about an attribute only if the source or the test code a file
        # reaches binds its name (Context.names); `self.m` is followed by ast only if no
        # source code assigns an attribute `m` (Context.stored)
        names=frozenset(index.names),
        stored=frozenset(index.stored),
        self_stored={name: frozenset(owners) for name, owners in index.self_stored.items()},
        ancestors={**ancestries(index), **{holder: (holder,) for holder in attached}},
        abcs=abc_kinds(index),
        test_files=frozenset(norm(path) for path in request.test_files),
    )


#: The modules ``collections.abc``'s classes are imported from
_ABC_MODULES = frozenset({"collections.abc", "_collections_abc", "typing", "collections"})


def abc_kinds(index: SourceIndex) -> dict[str, tuple[str, ...]]:
    """Source class -> the ``collections.abc`` classes among its bases and its source
    bases' (``MutableMapping`` for cachetools' ``Cache``), whose mixin methods call the
    class's own dunders."""
    kinds: dict[str, tuple[str, ...]] = {}
    for cls in index.classes:
        found: dict[str, None] = {}
        for info in index.mro(cls):
            for base in info.bases:
                module, _, short = base.rpartition(".")
                if module in _ABC_MODULES and short in ABC_MIXINS:
                    found[short] = None
        if found:
            kinds[cls] = tuple(found)
    return kinds


def ancestries(index: SourceIndex) -> dict[str, tuple[str, ...]]:
    """Source class -> it and its source bases, in method resolution order."""
    return {cls: tuple(info.name for info in index.mro(cls)) for cls in index.classes}


#: Standard-library modules never imported to look at a class: importing them does
#: something (opens a browser, prints, starts a GUI)
UNIMPORTED = frozenset(
    {"antigravity", "this", "__hello__", "__phello__", "idlelib", "tkinter", "turtle"}
)


def callback_edges(
    index: SourceIndex, methods: Mapping[str, Mapping[str, str]]
) -> dict[str, set[str]]:
    """``new:C`` -> the methods of source class ``C`` (inherited ones too) that a
    standard-library base of it or of its source bases calls on ``self`` in its own
    code: making ``C`` lets that base call them back (tabulate's
    ``_CustomTextWrap(textwrap.TextWrapper)``: only ``TextWrapper.wrap`` calls its
    ``_wrap_chunks``, which calls ``_handle_long_word``). The base's Python source is
    read with ``ast``; dunders are left to the syntax that calls them."""
    import importlib
    import inspect
    import sys

    called: dict[str, frozenset[str]] = {}

    def self_calls(dotted: str) -> frozenset[str]:
        """The names the standard-library class ``dotted`` (and its bases) calls on
        ``self``; empty for anything else."""
        if dotted in called:
            return called[dotted]
        called[dotted] = frozenset()
        module, _, name = dotted.rpartition(".")
        top = module.partition(".")[0]
        if top not in sys.stdlib_module_names or top in UNIMPORTED:
            return called[dotted]
        try:
            base = getattr(importlib.import_module(module), name, None)
        except Exception:  # (a module that fails to import here: no class to read)
            return called[dotted]
        sources: list[str] = []
        for klass in getattr(base, "__mro__", ()):
            if not any(inspect.isfunction(v) for v in vars(klass).values()):
                # compiled in C (`datetime.datetime`: its pure-Python twin in datetime.py
                # calls `self._getstate()`, the code that runs does not)
                continue
            try:
                sources.append(inspect.getsource(klass))
            except (OSError, TypeError):
                continue
        names: set[str] = set()
        for text in sources:
            try:
                tree = ast.parse(textwrap.dedent(text))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "self"
                ):
                    names.add(node.func.attr)
        called[dotted] = frozenset(names)
        return called[dotted]

    edges: dict[str, set[str]] = {}
    for cls in index.classes:
        names = {
            name
            for info in index.mro(cls)
            for base in info.bases
            if base not in index.classes
            for name in self_calls(base)
        }
        callbacks = {
            target
            for name, target in methods.get(cls, {}).items()
            if name in names and not (name.startswith("__") and name.endswith("__"))
        }
        if callbacks:
            edges[NEW + cls] = callbacks
    return edges


def attached_tables(index: SourceIndex) -> dict[str, dict[str, str]]:
    """For each source function that attaches functions it defines to a value it makes
    (cachetools' ``cached`` decorator: ``wrapper.cache_info = cache_info``), a method
    table of a pseudo-class the function constructs: ``cached.cache_info()`` on what the
    test got back, which Jedi cannot type, reaches ``cache_info`` by name (``attr:``) in
    the closure of a test that reaches the function."""
    tables: dict[str, dict[str, str]] = {}
    for function, table in index.name_facts.attached.items():
        known = {attr: inner for attr, inner in table.items() if inner in index.targets}
        if function in index.targets and known:
            tables[function + ATTACHED] = known
    return tables


def method_tables(index: SourceIndex) -> dict[str, dict[str, str]]:
    """Source class -> method name -> the target an instance of the class runs for it,
    inherited along source bases (an Array's ``+=`` runs ``_CustomList.__iadd__``), and
    methods a class body assigns from a source function's call: the function's wrapper
    runs (tomlkit's ``__add__ = wrap_method(int.__add__)``)."""
    own: dict[str, list[str]] = {}
    for name in index.targets:
        owner, _, method = name.rpartition(".")
        if owner in index.classes:
            own.setdefault(owner, []).append(method)
    made: dict[str, dict[str, str]] = {}
    ordered = sorted(index.targets)
    for cls, calls in index.class_calls.items():
        for attr, dotted in calls.items():
            inner = f"{index.resolve(dotted)}.<locals>."
            wrapper = next((t for t in ordered if t.startswith(inner)), None)
            if wrapper is not None:
                made.setdefault(cls, {})[attr] = wrapper
    methods: dict[str, dict[str, str]] = {}
    for cls in index.classes:
        table: dict[str, str] = {}
        for info in index.mro(cls):
            for method in own.get(info.name, ()):
                table.setdefault(method, f"{info.name}.{method}")
            for method, wrapper in made.get(info.name, {}).items():
                table.setdefault(method, wrapper)
            for alias, method in index.class_aliases.get(info.name, {}).items():
                if f"{info.name}.{method}" in index.targets:
                    table.setdefault(alias, f"{info.name}.{method}")
        if table:
            methods[cls] = table
    return methods


def build_map(request: MapRequest) -> MapOutcome:
    """Map the request's test files onto its source functions."""
    rootdir = request.rootdir
    phases: dict[str, float] = {}
    started = time.perf_counter()
    errors: list[MapError] = []
    warnings: list[str] = []

    # 1. targets
    stored_index = IndexCache(request.cache_dir)
    index = index_sources(
        request.roots, rootdir, exclude=set(request.test_files), store=stored_index
    )
    if stored_index.corrupt:
        warnings.append(
            "paradisco: ignored a corrupt map cache entry (the source index, "
            f"{IndexCache.NAME}); rebuilt it"
        )
    errors += [MapError(rel, "source", message) for rel, message in index.errors]
    phases["targets"] = time.perf_counter() - started

    # 2. the import filter
    mark = time.perf_counter()
    flt = ImportFilter(index, [*(r.base for r in request.roots), *request.search_path, rootdir])
    checks: dict[Path, ImportCheck] = {}
    for number, path in enumerate(request.test_files, 1):
        checks[path] = flt.check(path)
        if request.progress is not None:
            request.progress("imports", number, len(request.test_files))
    kept = [p for p in request.test_files if checks[p].kept]
    for path, check in checks.items():
        if check.error is not None:
            errors.append(MapError(rel_path(path, rootdir), "syntax", check.error))
    phases["imports"] = time.perf_counter() - mark

    # 3. the cache, then Jedi over the misses
    mark = time.perf_counter()
    hashes: dict[str, str | None] = dict(index.hashes)

    def current_hash(rel: str) -> str | None:
        if rel not in hashes:
            try:
                hashes[rel] = file_hash((rootdir / rel).read_bytes())
            except OSError:
                hashes[rel] = None
        return hashes[rel]

    mros: dict[str, tuple[str, ...]] = {}

    def holds(cls: str, attribute: str) -> bool:
        if not mros:
            mros.update(ancestries(index))
        return may_hold(cls, attribute, index.stored, index.self_stored, mros)

    cache = ResultCache(request.cache_dir, salt="")
    if request.cache_dir is not None:
        from pytest_paradisco.discover.cache import versions

        cache.salt = "\n".join(
            [
                versions(),
                index.fingerprint(),
                ",".join(request.python_functions),
                ",".join(request.python_classes),
                "follow=" + ",".join(sorted(request.follow)),
                # where imports are looked up: a test module imports another through it
                "path="
                + ",".join(
                    rel_path(Path(p), rootdir)
                    for p in [*(r.base for r in request.roots), *request.search_path]
                ),
            ]
        )
    results: dict[Path, FileResult] = {}
    keys: dict[Path, str] = {}
    tasks: list[FileTask] = []
    for path in kept:
        rel = rel_path(path, rootdir)
        own = current_hash(rel)
        for local in checks[path].local_files:
            current_hash(local)
        key = cache.key(rel, own or "")
        keys[path] = key
        hit = cache.get(rel, key, current_hash, index.names, holds)
        if hit is not None:
            results[path] = hit
            continue
        conftests = tuple(str(c) for c in conftests_above(path, rootdir))
        helpers = tuple(str(rootdir / local) for local in checks[path].local_files)
        parts = _parts(str(path))
        tasks += [
            FileTask(str(path), rel, conftests, helpers=helpers, part=part, parts=parts)
            for part in range(parts)
        ]
    hits = len(results)
    # the source call graph: one task per source file
    module_of = {rel: module for module, rel in index.modules.items()}
    broken_sources = {rel for rel, _ in index.errors}
    graph: dict[str, FileResult] = {}
    source_keys: dict[str, str] = {}
    if request.depth != 0:
        for rel in sorted(index.hashes):
            if rel in broken_sources:
                continue
            key = cache.key(f"source:{rel}", index.hashes[rel])
            source_keys[rel] = key
            cached = cache.get(f"source:{rel}", key, current_hash, index.names, holds)
            if cached is not None:
                graph[rel] = cached
                continue
            parts = _parts(str(rootdir / rel))
            tasks += [
                FileTask(str(rootdir / rel), rel, kind="source", part=part, parts=parts)
                for part in range(parts)
            ]
    source_hits = len(graph)
    if cache.corrupt:
        warnings.append(
            f"paradisco: ignored {len(cache.corrupt)} corrupt map cache "
            f"entr{'y' if len(cache.corrupt) == 1 else 'ies'} (for "
            f"{', '.join(cache.corrupt[:3])}{', ...' if len(cache.corrupt) > 3 else ''}); "
            "rebuilt them"
        )

    # the largest files first (their size stands in for their cost), so that no worker is
    # left with a long file while the others are done: the run lasts about as long as
    # the slowest worker's share (each file's result does not depend on the order)
    tasks.sort(key=lambda task: (-_size(task.path) / task.parts, task.kind, task.rel, task.part))
    workers = choose_workers(request.workers, len(tasks))
    temporary: str | None = None
    if request.jedi_cache is None and tasks:
        # always a directory of our own: a task cut short may leave a half-written pickle
        # that Jedi would stumble on forever after, so such a slot's cache is removed
        temporary = tempfile.mkdtemp(prefix="paradisco-jedi-")
        request = dataclasses.replace(request, jedi_cache=Path(temporary))
    context = make_context(index, request, jedi_pickle=temporary is None)
    jedi_cache = request.jedi_cache

    def cleanup(slot: int) -> None:
        if jedi_cache is not None:
            shutil.rmtree(jedi_cache / f"worker-{slot}", ignore_errors=True)

    progress = request.progress

    def on_progress(done: int, total: int) -> None:
        if progress is not None:
            progress("references", done, total)

    try:
        run = run_tasks(
            analyse_file,
            tasks,
            workers=workers,
            timeout=request.timeout,
            initializer=init_worker,
            initarg=context,
            progress=on_progress,
            cleanup=cleanup,
        )
    finally:
        reset_worker()
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    if run.fallback is not None:
        warnings.append(
            f"paradisco: the mapping worker pool could not start ({run.fallback}); "
            "mapped in this process instead (--paradisco-workers=0 skips the attempt)"
        )
    source_rel = {norm(rootdir / rel): rel for rel in index.hashes}
    # a file's parts, put back together (a file is one task unless it is large)
    by_file: dict[tuple[str, str], list[tuple[FileTask, Outcome[FileResult]]]] = {}
    for task, outcome in zip(tasks, run.outcomes, strict=True):
        by_file.setdefault((task.kind, task.rel), []).append((task, outcome))
    analysed: list[tuple[FileTask, FileResult]] = []
    for shares in by_file.values():
        task = shares[0][0]
        path = Path(task.path)
        failed = [(t, o) for t, o in shares if o.result is None]
        for share, outcome in failed:
            where = f" (part {share.part + 1} of {share.parts})" if share.parts > 1 else ""
            errors.append(
                MapError(share.rel, outcome.kind or "error", f"{outcome.message or ''}{where}")
            )
        done = [o.result for _, o in shares if o.result is not None]
        if not done:
            continue
        result = _merged(done)
        analysed.append((task, result))
        # what a result depends on: the modules it imports (with their parent packages),
        # the files of every target it reached, its conftests and helpers; together with
        # the names in the cache key (SourceIndex.fingerprint) that is all it can change by
        if task.kind == "source":
            graph[task.rel] = result
            module = module_of[task.rel]
            dep_rels = {task.rel} | index.import_files([module, *index.imports.get(module, ())])
            cache_name, key = f"source:{task.rel}", source_keys[task.rel]
        else:
            results[path] = result
            check = checks[path]
            dep_rels = set(check.local_files) | index.import_files(check.modules)
            cache_name, key = task.rel, keys[path]
        if failed:
            continue  # a part is missing: analysed again next run
        # A result's own errors (a file that does not parse, Jedi raising on a name) are
        # as deterministic as the rest of it and are cached with it, so a warm run stays
        # fast; a timeout or a dead worker gives no result and is tried again next run.
        dep_rels |= {source_rel[f] for f in result.files if f in source_rel}
        deps = {rel: digest for rel in sorted(dep_rels) if (digest := current_hash(rel))}
        cache.put(cache_name, key, deps, result)
    phases["references"] = time.perf_counter() - mark

    # 4. the map
    functions = {
        name: FunctionEntry(target.file, target.line, target.end_line)
        for name, target in sorted(index.targets.items())
    }
    tests: set[str] = set()
    mapped_tests: set[str] = set()
    built: dict[str, set[str]] = {}  # test -> the pseudo-targets it reaches itself
    # name-based rules left out (names.RULES), to measure what each gives: benchmarks only
    off = frozenset(os.environ.get("PARADISCO_NAME_RULES_OFF", "").split(",")) & RULES
    for path in kept:
        found = results.get(path)
        if found is None:
            continue
        result = found
        tests.update(result.tests)
        errors += [MapError(result.rel, kind, message) for kind, message in result.errors]
        for test, target in result.pairs:
            if target.startswith(RUNS):
                # a function the test runs, not by a reference of its own: its closure
                built.setdefault(test, set()).add(target.removeprefix(RUNS))
                continue
            if target.startswith((NEW, ATTR)):
                # pseudo-targets start the test's closure; they are never direct pairs
                if not target.startswith(ATTR) or "jedi-attr" not in off:
                    built.setdefault(test, set()).add(target)
                continue
            entry = functions.get(target)
            if entry is None:
                continue
            entry.direct.append(test)
            mapped_tests.add(test)
    if request.doctests:
        from pytest_paradisco.discover.doctests import doctest_pairs

        for test, target in doctest_pairs(index, rootdir, request.doctests):
            tests.add(test)
            mapped_tests.add(test)
            functions[target].direct.append(test)
    if request.doctest_files:
        from pytest_paradisco.discover.doctests import text_doctests

        texts = text_doctests(index, rootdir, request.doctest_files, request.doctest_encoding)
        for test, targets in texts.items():
            tests.add(test)
            mapped_tests.update([test] if targets else [])
            for target in sorted(targets):
                functions[target].direct.append(test)
    for rel in sorted(graph):
        errors += [MapError(rel, kind, message) for kind, message in graph[rel].errors]
    pairs = [
        pair
        for rel in sorted(graph)
        for pair in graph[rel].pairs
        if not pair[1].startswith(ATTR) or "jedi-attr" not in off
    ]
    edges = call_graph(index, pairs, dispatch=False)
    for caller, callees in name_edges(index, index.name_facts, off).items():
        edges.setdefault(caller, set()).update(callees)
    for info in index.classes.values():
        # a class statement in a source function runs what subclassing its bases runs
        # (its metaclass, `__init_subclass__`) each time the function runs
        outer, nested, _ = info.name.rpartition(".<locals>.")
        if nested and outer in index.targets:
            for base in info.bases:
                hooks = context.subclassing.get(index.resolve(base), ())
                edges.setdefault(outer, set()).update(hooks)
    for holder in context.methods:
        if holder.endswith(ATTACHED):  # (attached_tables, in the context)
            edges.setdefault(holder.removesuffix(ATTACHED), set()).add(NEW + holder)
    for made, callbacks in callback_edges(index, context.methods).items():
        edges.setdefault(made, set()).update(callbacks)
    ancestors = {cls: frozenset(mro) for cls, mro in context.ancestors.items()}
    dispatch = dispatch_graph(index)
    closure = Closure(edges, request.depth, dispatch, ancestors, context.methods)
    reached: dict[str, set[str]] = {}
    for name, entry in functions.items():
        entry.direct = sorted(set(entry.direct))
        for test in entry.direct:
            reached.setdefault(test, set()).add(name)
    # the words of each test's strings, when the graph has registry entries kept under a
    # name (names.KEY): only those the test names are followed
    words: dict[str, frozenset[str]] = {}
    if any(name.startswith(KEY) for name in edges):
        for path in kept:
            words.update(literal_words(path, rel_path(path, rootdir)))
    always = import_constructed(index, index.name_facts) if "import" not in off else frozenset()
    # a test may reach only pseudo-targets (a class with no constructor of its own, a
    # method by name): its closure starts from those
    for test in sorted(reached.keys() | built.keys()):
        starts = reached.get(test, set()) | built.get(test, set())
        for name in closure.of(starts, words.get(test), always):
            if name in functions:
                functions[name].tests.append(test)
    for entry in functions.values():
        entry.tests = sorted(set(entry.tests) | set(entry.direct))
    errors.sort(key=lambda e: (e.file, e.kind, e.message))
    phases["total"] = time.perf_counter() - started
    mapped_files = {test.split("::", 1)[0] for test in mapped_tests}
    testmap = TestMap(
        rootdir=str(rootdir),
        sources=[rel_path(r.path, rootdir) for r in request.roots],
        functions=functions,
        errors=errors,
        importers=importers(index, checks, rootdir),
        overrides=overrides(index),
    )
    testmap.unmapped = sorted(tests - testmap.tests())
    testmap.stats = {
        "functions": len(functions),
        "functions_mapped": testmap.mapped,
        "test_files": len(request.test_files),
        "test_files_kept": len(kept),
        "test_files_mapped": len(mapped_files),
        "tests": len(tests),
        "tests_mapped": len(mapped_tests),
        "pairs_direct": sum(len(e.direct) for e in functions.values()),
        "pairs": sum(len(e.tests) for e in functions.values()),
        "functions_mapped_direct": sum(1 for e in functions.values() if e.direct),
        "depth": "full" if request.depth is None else request.depth,
        "call_edges": sum(
            1
            for k, v in edges.items()
            if not k.startswith(KEY)
            for c in v
            if not c.startswith((NEW, ATTR, KEY))
        )
        + sum(len(v) for v in dispatch.values()),
        "analysed": len({t.rel for t in tasks if t.kind == "test"}),
        "analysed_files": sorted({t.rel for t in tasks if t.kind == "test"}),
        "cache_hits": hits,
        "source_analysed": len({t.rel for t in tasks if t.kind == "source"}),
        "source_analysed_files": sorted({t.rel for t in tasks if t.kind == "source"}),
        "source_cache_hits": source_hits,
        "cache": "on" if request.cache_dir is not None else "off",
        "workers": run.workers,
        "worker_restarts": run.restarts,
        "errors": len(errors),
        "seconds": {name: round(value, 3) for name, value in phases.items()},
        # per-file analysis time, summed over workers, and the slowest files of this run
        "analysis_seconds": {
            kind: round(sum(r.seconds for t, r in analysed if t.kind == kind), 3)
            for kind in ("test", "source")
        },
        "slowest": [
            [t.rel, r.seconds]
            for t, r in sorted(analysed, key=lambda pair: -pair[1].seconds)[:SLOWEST_SHOWN]
        ],
    }
    return MapOutcome(testmap, warnings)


def overrides(index: SourceIndex) -> dict[str, list[str]]:
    """Method -> the source methods of the same name it overrides, along its class's
    source bases. Selection runs their tests too when the method changes: a call typed
    as the base method may run the override at run time."""
    found: dict[str, list[str]] = {}
    for name in sorted(index.targets):
        owner, _, method = name.rpartition(".")
        if owner not in index.classes or method in ("__init__", "__new__"):
            continue
        bases = [
            f"{info.name}.{method}"
            for info in index.mro(owner)
            if info.name != owner and f"{info.name}.{method}" in index.targets
        ]
        if bases:
            found[name] = bases
    return found


def importers(
    index: SourceIndex, checks: dict[Path, ImportCheck], rootdir: Path
) -> dict[str, list[str]]:
    """Source module -> the test files that import it: what a test file imports (itself,
    its conftests, its helpers), their parent packages, and what those import in turn
    through the source. Selection's fallback for a changed function the map ties to no
    test: the files that could run it at all."""
    reach: dict[str, frozenset[str]] = {}

    def closure(module: str) -> frozenset[str]:
        if module not in reach:
            seen: set[str] = set()  # an import cycle ends at a module already seen
            stack = [module]
            while stack:
                name = stack.pop()
                parts = name.split(".")
                for end in range(1, len(parts) + 1):
                    parent = ".".join(parts[:end])
                    if parent in index.modules and parent not in seen:
                        seen.add(parent)
                        stack.extend(index.imports.get(parent, ()))
            reach[module] = frozenset(seen)
        return reach[module]

    found: dict[str, set[str]] = {}
    for path, check in checks.items():
        rel = rel_path(path, rootdir)
        for module in check.modules:
            for reached in closure(module):
                found.setdefault(reached, set()).add(rel)
    return {module: sorted(files) for module, files in sorted(found.items())}


def _parts(path: str) -> int:
    """How many tasks a file is analysed in: one per ``PART_BYTES`` of it, so that no
    worker is left alone with one large file (more_itertools' 200 kB test_more.py took
    61% of its map's analysis time, all in one worker)."""
    return max(1, min(MAX_PARTS, -(-_size(path) // PART_BYTES)))


def _merged(results: list[FileResult]) -> FileResult:
    """One file's result from its parts' results."""
    if len(results) == 1:
        return results[0]
    first = results[0]
    return FileResult(
        rel=first.rel,
        tests=tuple(sorted({t for r in results for t in r.tests})),
        pairs=tuple(sorted({p for r in results for p in r.pairs})),
        files=tuple(sorted({f for r in results for f in r.files})),
        errors=tuple(e for r in results for e in r.errors),
        seconds=round(sum(r.seconds for r in results), 4),
        unasked=tuple(sorted({n for r in results for n in r.unasked})),
        unstored=tuple(sorted({n for r in results for n in r.unstored})),
    )


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def call_graph(
    index: SourceIndex, pairs: Sequence[tuple[str, str]], *, dispatch: bool = True
) -> dict[str, set[str]]:
    """Caller -> callees, plus (with ``dispatch``) class-hierarchy dispatch: reaching
    ``Base.m`` may run any override ``Sub.m`` of a source subclass (the static type of a
    call is a lower bound); and the decorators' wrappers (see :func:`decorated_calls`)."""
    edges: dict[str, set[str]] = {}
    for caller, callee in pairs:
        edges.setdefault(caller, set()).add(callee.removeprefix(RUNS))
    if dispatch:
        for name, overrides in dispatch_graph(index).items():
            edges.setdefault(name, set()).update(o for o, _ in overrides)
    for name, wrappers in index.decorators.items():
        for callee in decorated_calls(index, name, wrappers):
            edges.setdefault(name, set()).add(callee)
    return edges


#: The bases that make a class a protocol (:func:`dispatch_graph`)
PROTOCOLS = frozenset({"typing.Protocol", "typing_extensions.Protocol"})


def dispatch_graph(index: SourceIndex) -> dict[str, set[tuple[str, str]]]:
    """``Base.m`` -> ``(Sub.m, Sub)`` for every override of ``m`` in a source subclass.

    A source ``typing.Protocol``'s implementations count as its subclasses: the source
    classes that define (or inherit) every method the protocol defines. A call typed
    by the protocol (itsdangerous' ``serializer: _PDataSerializer`` ... ``
    serializer.dumps(..)``) runs theirs (``_CompactJSON.dumps``); the closure follows
    one once it constructs or holds the class, as for any override."""
    edges: dict[str, set[tuple[str, str]]] = {}
    subclasses: dict[str, set[str]] = {}
    for info in index.classes.values():
        for base in info.bases:
            subclasses.setdefault(index.resolve(base), set()).add(info.name)
    for protocol, members in _protocols(index).items():
        for info in index.classes.values():
            if info.name == protocol or any(b.name == protocol for b in index.mro(info.name)):
                continue
            found = {member: index.method(info.name, member) for member in members}
            if all(found.values()):
                for member, target in found.items():
                    if target is not None:
                        edges.setdefault(f"{protocol}.{member}", set()).add((target, info.name))
    for name in index.targets:
        owner, _, method = name.rpartition(".")
        if owner not in index.classes or method in ("__init__", "__new__", "__post_init__"):
            continue
        stack, seen = [owner], set()
        while stack:
            cls = stack.pop()
            for child in subclasses.get(cls, ()):
                if child in seen:
                    continue
                seen.add(child)
                override = f"{child}.{method}"
                if override in index.targets:
                    edges.setdefault(name, set()).add((override, child))
                stack.append(child)
    return edges


def _protocols(index: SourceIndex) -> dict[str, list[str]]:
    """The source classes that derive from ``Protocol`` directly -> the methods they
    define (constructors left out). A protocol of dunders only is left out: a callback
    type (jinja2's ``LoopRenderFunc.__call__``) that any callable class implements."""
    own: dict[str, list[str]] = {}
    for target in sorted(index.targets):
        owner, _, method = target.rpartition(".")
        if owner in index.classes and method not in ("__init__", "__new__", "__post_init__"):
            own.setdefault(owner, []).append(method)
    return {
        info.name: own[info.name]
        for info in index.classes.values()
        if info.name in own
        and any(base in PROTOCOLS for base in info.bases)
        and not all(m.startswith("__") and m.endswith("__") for m in own[info.name])
    }


def decorated_calls(
    index: SourceIndex, name: str, wrappers: tuple[tuple[str, tuple[str, ...]], ...]
) -> set[str]:
    """What calling the decorated function ``name`` runs besides its body: a source
    decorator function's nested functions (its wrapper, and what the wrapper calls
    through closures), a source decorator class's ``__call__`` (and ``__get__`` for a
    method: it is a descriptor then), and the source functions handed to the decorator
    call (``@async_variant(sync_f)``: the wrapper calls ``sync_f``)."""
    found: set[str] = set()
    method_of_class = name.rpartition(".")[0] in index.classes
    for dotted, args in wrappers:
        decorator = index.resolve(dotted)
        makers = [decorator]
        if decorator in index.targets:
            inner = f"{decorator}.<locals>."
            found.update(t for t in index.targets if t.startswith(inner))
            # a decorator function that returns an instance of a source class wraps the
            # function in it (toolz's `instanceproperty` returns `InstanceProperty(..)`)
            makers = [index.resolve(made) for made in index.returns.get(decorator, ())]
        for made in makers:
            if made not in index.classes:
                continue
            for method in ("__call__", "__get__") if method_of_class else ("__call__",):
                target = index.method(made, method)
                if target is not None:
                    found.add(target)
        for arg in args:
            resolved = index.resolve(arg)
            if resolved in index.targets:
                found.add(resolved)
    found.discard(name)
    return found


class Closure:
    """What a set of functions reaches through the call graph, ``depth`` calls deep
    (None: all the way), memoised per start function.

    With ``dispatch`` (``Base.m`` -> ``(Sub.m, Sub)``) and ``ancestors`` (a source class
    -> itself and its source bases), an override is followed only once the reached set
    constructs an instance of ``Sub`` or of a subclass of it (a ``new:`` pseudo-target):
    a call typed ``Base.m`` runs ``Sub.m`` only on a ``Sub``. Such closures depend on
    all the start functions at once, so they are not memoised.

    With ``methods`` (a source class -> method name -> the target its instances run), an
    ``attr:`` pseudo-target (:mod:`pytest_paradisco.discover.names`) reaches the methods
    it names of every class the reached set constructs (a ``new:`` of the class itself:
    an instance of a subclass runs the subclass's own table)."""

    def __init__(
        self,
        edges: dict[str, set[str]],
        depth: int | None,
        dispatch: dict[str, set[tuple[str, str]]] | None = None,
        ancestors: dict[str, frozenset[str]] | None = None,
        methods: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.edges = edges
        self.depth = depth
        self.dispatch = dispatch or {}
        self.ancestors = ancestors or {}
        self.methods = methods or {}
        self._memo: dict[str, frozenset[str]] = {}
        self._shared: dict[
            tuple[frozenset[str], frozenset[str], frozenset[str] | None], frozenset[str]
        ] = {}
        self._keys: frozenset[str] | None = None
        self._patterns: dict[str, AttrPattern] = {}
        # method name -> (class, target) of every class whose instances run one
        self._owners: dict[str, list[tuple[str, str]]] = {}
        for cls in sorted(self.methods):
            for method, target in self.methods[cls].items():
                self._owners.setdefault(method, []).append((cls, target))

    def of(
        self,
        starts: set[str],
        words: frozenset[str] | None = None,
        ambient: frozenset[str] = frozenset(),
    ) -> set[str]:
        """What ``starts`` reach; with ``words``, a ``key:NAME`` node (a registry entry)
        is followed only when NAME is one of them. ``ambient``: more starts, the
        classes the import constructs (``new:``), which every test has and which the
        ``attr:`` patterns marked ``own`` leave out."""
        found: set[str] = starts | ambient
        if self.depth == 0:
            return found
        if self.dispatch or self.methods or words is not None:
            # many tests start from the same functions (and name the same registry
            # entries): their closures are one
            if self._keys is None:
                self._keys = frozenset(
                    callee[len(KEY) :]
                    for callees in self.edges.values()
                    for callee in callees
                    if callee.startswith(KEY)
                )
            key = (frozenset(starts), ambient, None if words is None else words & self._keys)
            if key not in self._shared:
                self._shared[key] = frozenset(self._dispatched(starts, words, ambient))
            return set(self._shared[key])
        for start in found.copy():
            found |= self._from(start)
        return found

    def _from(self, start: str) -> frozenset[str]:
        if start not in self._memo:
            seen = {start}
            frontier = [start]
            level = 0
            while frontier and (self.depth is None or level < self.depth):
                level += 1
                following: list[str] = []
                for name in frontier:
                    for callee in self.edges.get(name, ()):
                        if callee not in seen:
                            seen.add(callee)
                            following.append(callee)
                frontier = following
            self._memo[start] = frozenset(seen)
        return self._memo[start]

    def _pattern(self, pseudo: str) -> AttrPattern:
        if pseudo not in self._patterns:
            self._patterns[pseudo] = AttrPattern.parse(pseudo)
        return self._patterns[pseudo]

    def _dispatched(
        self,
        starts: set[str],
        words: frozenset[str] | None = None,
        ambient: frozenset[str] = frozenset(),
    ) -> set[str]:
        own_starts = starts
        starts = starts | ambient
        seen = set(starts)
        built: set[str] = set()  # classes some reached code constructs, with their bases
        waiting: dict[str, list[str]] = {}  # class -> overrides waiting for it
        made: set[str] = set()  # the classes constructed themselves, for `attr:`
        made_own: set[str] = set()  # those of them the test's code constructs (not `ambient`)
        exact: dict[str, list[AttrPattern]] = {}  # the `attr:NAME` reached, by NAME
        prefixed: list[AttrPattern] = []  # and the `attr:PREFIX*`
        frontier = sorted(starts)
        level = 0

        def reach(name: str, following: list[str]) -> None:
            if name not in seen:
                seen.add(name)
                following.append(name)

        def fits(pattern: AttrPattern, cls: str) -> bool:
            return pattern.within is None or pattern.within in self.ancestors[cls]

        def construct(name: str, following: list[str], own: bool = True) -> None:
            made_cls = name[len(NEW) :]
            for cls in self.ancestors.get(made_cls, ()):
                if cls not in built:
                    built.add(cls)
                    for override in waiting.pop(cls, ()):
                        reach(override, following)
            if made_cls not in self.ancestors:
                return
            # (each pattern once per class: the import-time instances first, then the
            # classes the test's own code constructs, for the patterns `own` keeps)
            for kept, into in ((True, made), (own, made_own)):
                if not kept or made_cls in into:
                    continue
                into.add(made_cls)
                for method, target in self.methods.get(made_cls, {}).items():
                    for pattern in exact.get(method, ()):
                        if pattern.own is (into is made_own) and fits(pattern, made_cls):
                            reach(target, following)
                    for pattern in prefixed:
                        if (
                            pattern.own is (into is made_own)
                            and method.startswith(pattern.name)
                            and fits(pattern, made_cls)
                        ):
                            reach(target, following)

        def call_by_name(name: str, following: list[str]) -> None:
            pattern = self._pattern(name)
            classes = made_own if pattern.own else made
            if not pattern.prefix:
                exact.setdefault(pattern.name, []).append(pattern)
                for cls, target in self._owners.get(pattern.name, ()):
                    if cls in classes and fits(pattern, cls):
                        reach(target, following)
                return
            prefixed.append(pattern)
            for cls in sorted(classes):
                if fits(pattern, cls):
                    for target in pattern.methods(self.methods.get(cls, {})):
                        reach(target, following)

        for name in sorted(starts):
            if name.startswith(NEW):
                construct(name, frontier, own=name in own_starts)
        for name in sorted(starts):
            if name.startswith(ATTR):
                call_by_name(name, frontier)
        while frontier and (self.depth is None or level < self.depth):
            level += 1
            following: list[str] = []
            for name in frontier:
                if words is not None and name.startswith(KEY) and name[len(KEY) :] not in words:
                    continue
                for callee in self.edges.get(name, ()):
                    if callee.startswith(NEW) and (
                        callee not in seen or callee[len(NEW) :] not in made_own
                    ):
                        construct(callee, following)
                    elif callee.startswith(ATTR) and callee not in seen:
                        call_by_name(callee, following)
                    reach(callee, following)
                for override, cls in self.dispatch.get(name, ()):
                    if cls in built:
                        reach(override, following)
                    else:
                        waiting.setdefault(cls, []).append(override)
            frontier = following
        return seen
