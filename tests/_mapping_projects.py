"""Small generated projects mapped in-process with real Jedi, shared by the mapping
rule tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pytest_paradisco.discover.mapper import MapRequest, build_map
from pytest_paradisco.discover.session import resolve_entries
from pytest_paradisco.testmap import FunctionEntry


def write_project(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative path -> indented source) under ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def map_in_process(
    root: Path, package: str, test: str, *, static: bool = True
) -> dict[str, FunctionEntry]:
    """The map of one test file onto ``package`` under ``root/src``, workers=0 (without
    ``static``, Jedi answers every name)."""
    roots = resolve_entries([package], root, [root / "src"])
    request = MapRequest(root, [root / test], roots, [root / "src"], static=static)
    return dict(build_map(request).testmap.functions)


def linked(
    functions: dict[str, FunctionEntry], name: str, prefix: str, field: str = "direct"
) -> set[str]:
    """The tests the map's ``field`` (``direct`` or ``tests``) links to function ``name``,
    their node ids without ``prefix``."""
    entry = functions[name]
    tests = entry.direct if field == "direct" else entry.tests
    return {t.removeprefix(prefix) for t in tests}
