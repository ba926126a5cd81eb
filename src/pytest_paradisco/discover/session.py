"""The source roots to map: ``--paradisco-source`` entries, or a default (coverage's
``[run] source``, the packages under ``src/``, the project's packages the tests import).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pytest_paradisco.discover.targets import SourceRoot, rel_path


class SourceError(ValueError):
    """A ``--paradisco-source`` entry that names nothing."""


@dataclass(frozen=True)
class Sources:
    """The source roots to map and how they were chosen (for the header)."""

    roots: tuple[SourceRoot, ...]
    origin: str  # "--paradisco-source", "coverage [run] source in X", "src/", "test imports"
    names: tuple[str, ...]  # as the user would pass them back with --paradisco-source

    def flags(self) -> str:
        return " ".join(f"--paradisco-source={name}" for name in self.names)


def _package_base(directory: Path) -> Path:
    base = directory.parent
    while (base / "__init__.py").is_file() and base.parent != base:
        base = base.parent
    return base


def root_for_dir(directory: Path, bases: Sequence[Path] = ()) -> SourceRoot:
    """A directory: a package (imported from above its outermost ``__init__.py``), a
    directory on the import path such as ``src`` (its modules are imported from it), or
    a namespace package (imported from its parent)."""
    directory = Path(os.path.abspath(directory))
    if (directory / "__init__.py").is_file():
        return SourceRoot(directory, _package_base(directory))
    if any(Path(os.path.abspath(base)) == directory for base in bases):
        return SourceRoot(directory, directory)
    return SourceRoot(directory, directory.parent)


def root_for_name(name: str, bases: Sequence[Path]) -> SourceRoot | None:
    """An importable name (``pkg``, ``pkg.sub``, ``module``) found under ``bases``."""
    parts = name.split(".")
    for base in bases:
        stem = base.joinpath(*parts)
        if stem.is_dir():
            return SourceRoot(Path(os.path.abspath(stem)), Path(os.path.abspath(base)))
        if stem.with_suffix(".py").is_file():
            return SourceRoot(Path(os.path.abspath(stem.with_suffix(".py"))), base)
    return None


def resolve_entries(
    entries: Sequence[str], rootdir: Path, bases: Sequence[Path]
) -> list[SourceRoot]:
    """``--paradisco-source`` entries: directories (relative to rootdir) or names."""
    roots: list[SourceRoot] = []
    for entry in entries:
        path = Path(entry)
        if not path.is_absolute():
            path = rootdir / path
        if path.is_dir():
            roots.append(root_for_dir(path, bases))
            continue
        if path.is_file() and path.suffix == ".py":
            roots.append(SourceRoot(Path(os.path.abspath(path)), path.parent))
            continue
        found = root_for_name(entry, bases)
        if found is None:
            where = ", ".join(rel_path(b, rootdir) or "." for b in bases)
            raise SourceError(
                f"{entry!r} is neither a directory nor a module importable from {where}"
            )
        roots.append(found)
    return roots


def default_sources(
    rootdir: Path,
    bases: Sequence[Path],
    coverage_source: tuple[list[str], str] | None,
    test_files: Sequence[Path],
) -> Sources | None:
    """coverage's ``[run] source`` when set; else the packages under ``src/``; else the
    top-level packages of the project that the tests import."""
    if coverage_source is not None:
        entries, where = coverage_source
        roots = []
        for entry in entries:
            try:
                roots += resolve_entries([entry], rootdir, bases)
            except SourceError:
                continue  # coverage may name things outside the project
        if roots:
            return Sources(tuple(roots), f"coverage [run] source in {where}", tuple(entries))
    src = rootdir / "src"
    if src.is_dir():
        roots = []
        for child in sorted(src.iterdir()):
            package = child.is_dir() and (child / "__init__.py").is_file()
            if package or (child.suffix == ".py" and child.is_file()):
                roots.append(SourceRoot(child, src))
        if roots:
            paths = tuple(rel_path(r.path, rootdir) for r in roots)
            return Sources(tuple(roots), "the packages under src/", paths)
    test_dirs = {f.parent for f in test_files}
    names: list[str] = []
    roots = []
    for top in sorted(_top_level_imports(test_files)):
        found = root_for_name(top, [*bases, rootdir])
        if found is None or rootdir not in found.path.parents:
            continue
        if found.path in test_dirs or any(d in found.path.parents for d in test_dirs):
            continue  # a package of tests
        if "site-packages" in found.path.parts:
            continue
        names.append(top)
        roots.append(found)
    if roots:
        return Sources(tuple(roots), "the project's packages the tests import", tuple(names))
    return None


def _top_level_imports(files: Iterable[Path]) -> set[str]:
    names: set[str] = set()
    for file in files:
        try:
            tree = ast.parse(file.read_bytes(), filename=str(file))
        except (SyntaxError, ValueError, OSError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    return names


def coverage_source(rootdir: Path) -> tuple[list[str], str] | None:
    """coverage's ``[run] source`` as ``coverage run`` started in ``rootdir`` would read
    it (``.coveragerc``, ``setup.cfg``, ``tox.ini``, ``pyproject.toml`` or
    ``COVERAGE_RCFILE``), with the file it came from; None when unset."""
    import coverage

    previous = os.getcwd()
    try:
        os.chdir(rootdir)
        cov = coverage.Coverage(config_file=True)
        source = cov.get_option("run:source")
        where = cov.config.config_file or "coverage configuration"
    except Exception:  # an unreadable coverage config is coverage's business, not ours
        return None
    finally:
        os.chdir(previous)
    if not source or not isinstance(source, list):
        return None
    return [str(entry) for entry in source], os.path.basename(str(where))
