"""The import filter: does a test file (or a ``conftest.py`` above it, or a local helper
module it imports) import a source module or a name from one? Pure ``ast``; a file
that imports nothing from the source cannot reference a target, so Jedi never sees it.

Every spelling counts: ``import pkg.sub as s``, ``from pkg import sub``, ``from pkg.sub
import f``, ``from pkg import Class`` (classes too, not only functions), relative
imports inside test packages and inside packages that hold their own tests, and
imports made inside functions.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pytest_paradisco.discover.targets import SourceIndex, import_aliases, rel_path


@dataclass(frozen=True)
class ImportCheck:
    """What the filter learned about one test file."""

    kept: bool
    modules: frozenset[str]  # source modules imported by the file, its conftests, helpers
    local_files: tuple[str, ...]  # conftests and helper modules followed (rel paths)
    error: str | None = None  # the test file itself does not parse


def conftests_above(path: Path, rootdir: Path) -> list[Path]:
    """The ``conftest.py`` files from ``rootdir`` down to the directory of ``path``."""
    found: list[Path] = []
    directory = path.parent
    while True:
        candidate = directory / "conftest.py"
        if candidate.is_file() and candidate != path:
            found.append(candidate)
        if directory in (rootdir, directory.parent):
            break
        if rootdir not in directory.parents:
            break
        directory = directory.parent
    found.reverse()
    return found


def module_name(path: Path) -> tuple[str, Path]:
    """The module name pytest gives ``path`` in its default ``prepend`` import mode, and
    the directory it is imported from: the first directory upward without
    ``__init__.py``."""
    parts = [] if path.name == "__init__.py" else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    return ".".join(parts), directory


class ImportFilter:
    """Checks test files against one source index; parses each helper file once."""

    def __init__(self, index: SourceIndex, search_path: Sequence[Path]) -> None:
        self.index = index
        self.rootdir = index.rootdir
        self.search_path = list(search_path)
        self.source_dirs = [root.path for root in index.roots]
        self._parsed: dict[Path, dict[str, str] | None] = {}

    def check(self, path: Path) -> ImportCheck:
        """Apply the filter to one test file."""
        own = self._aliases(path)
        if own is None:
            return ImportCheck(False, frozenset(), (), error=self._error(path))
        modules: set[str] = set()
        local: list[str] = []
        seen: set[Path] = {path}
        queue: list[tuple[Path, dict[str, str]]] = [(path, own)]
        for conftest in conftests_above(path, self.rootdir):
            aliases = self._aliases(conftest)
            seen.add(conftest)
            local.append(rel_path(conftest, self.rootdir))
            if aliases is not None:
                queue.append((conftest, aliases))
        while queue:
            file, aliases = queue.pop(0)
            _, base = module_name(file)
            for dotted in set(aliases.values()):
                found = self._source_modules(dotted)
                if found:
                    modules.update(found)
                    continue
                helper = self._local_file(dotted, [base, *self.search_path])
                if helper is not None and helper not in seen:
                    seen.add(helper)
                    helper_aliases = self._aliases(helper)
                    local.append(rel_path(helper, self.rootdir))
                    if helper_aliases is not None:
                        queue.append((helper, helper_aliases))
        return ImportCheck(bool(modules), frozenset(modules), tuple(local))

    def _source_modules(self, dotted: str) -> set[str]:
        module = self.index.module_for(dotted)
        if module is not None:
            return {module}
        # A namespace package (no __init__.py) is no module of its own: `import pkg`
        # then reaches its submodules.
        prefix = dotted + "."
        return {m for m in self.index.modules if m.startswith(prefix)}

    def _local_file(self, dotted: str, bases: Iterable[Path]) -> Path | None:
        """A module of the project that is not source (a test helper), or None."""
        parts = dotted.split(".")
        for base in bases:
            for end in range(len(parts), 0, -1):
                stem = base.joinpath(*parts[:end])
                for candidate in (stem.with_suffix(".py"), stem / "__init__.py"):
                    if candidate.is_file() and self._is_local(candidate):
                        return candidate
        return None

    def _is_local(self, path: Path) -> bool:
        if self.rootdir not in path.parents:
            return False
        if any(part in ("site-packages", "dist-packages") for part in path.parts):
            return False
        return not any(d == path or d in path.parents for d in self.source_dirs)

    def _aliases(self, path: Path) -> dict[str, str] | None:
        if path not in self._parsed:
            try:
                tree = ast.parse(path.read_bytes(), filename=str(path))
            except (SyntaxError, ValueError, OSError):
                self._parsed[path] = None
            else:
                name, _ = module_name(path)
                self._parsed[path] = import_aliases(tree, name, path.name == "__init__.py")
        return self._parsed[path]

    def _error(self, path: Path) -> str:
        try:
            ast.parse(path.read_bytes(), filename=str(path))
        except SyntaxError as exc:
            return f"does not parse: {exc.msg} (line {exc.lineno})"
        except (ValueError, OSError) as exc:
            return f"cannot be read: {exc}"
        return "cannot be read"
