"""Which imports Jedi follows while mapping: the project's, a few standard-library
modules', and those the user names; every other import is opaque.

A map needs Jedi to type the values that reach the project's own definitions. Values
that come from other packages (pytest, a test dependency) or from most of the standard
library (``inspect``, ``re``, ``socket``) never hold a source function or an instance of
a source class, yet typing them through typeshed's stubs and the packages' sources is
much of what a cold map costs: on boltons a third less time, on packaging, click and
tomlkit a quarter less, the same map (benchmarks/RESULTS.md). So Jedi's module import
(``jedi.inference.imports.import_module``) answers nothing for any other top-level
module, which Jedi treats as a module it cannot find.

Followed are:

- every module found under the project's roots: the rootdir, the source roots' bases,
  the ini ``pythonpath`` and the directories of the test files;
- :data:`STDLIB`: the standard-library modules through which a project's own values
  pass (``functools.wraps``/``partial``, ``copy.copy``, ``pickle.loads``,
  ``contextlib.contextmanager``, ``collections``' and ``io``'s base classes, ``os``),
  the typing modules, and the private modules (``_io``, ``_collections_abc``) the
  stubs of those import;
- the top-level modules named with ``--paradisco-follow`` (``all``: every import, as
  Jedi does on its own).

pytest itself is opaque: Jedi's pytest plugin recognises a fixture by inferring its
decorator to ``_pytest.fixtures.fixture``; it is given a syntactic test instead (a
decorator spelled ``fixture`` or ``<anything>.fixture``, called or not), as pytest's own
collection effectively does for the usual spellings.

:func:`install` is called where a process starts mapping (:func:`references.init_worker`)
and :func:`uninstall` where it ends; between the two, Jedi in this process sees only the
followed modules. Where Jedi's internals are not as expected, nothing is installed and
Jedi follows every import.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

#: ``--paradisco-follow`` value that follows every import.
ALL = "all"

#: Standard-library modules whose values can carry the project's own: decorators and
#: wrappers that return what they are given, copies, context managers, base classes of
#: source classes, and the typing modules Jedi needs for annotations.
STDLIB = frozenset(
    {
        "abc",
        "builtins",
        "collections",
        "contextlib",
        "copy",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "functools",
        "io",
        "operator",
        "os",
        "pickle",
        "sys",
        "types",
        "typing",
        "typing_extensions",
    }
)

_SCOPE: list[_Scope] = []  # the scope in force in this process, if any
_SAVED: dict[str, Any] = {}  # Jedi's own functions while ours are in


class _Scope:
    def __init__(self, roots: Iterable[str], follow: Iterable[str]) -> None:
        self.roots = tuple(dict.fromkeys(r for r in roots if r))
        self.names = set(STDLIB) | set(follow)
        self.names |= {m for m in sys.stdlib_module_names if m.startswith("_")}
        self.memo: dict[str, bool] = {}

    def followed(self, top: str) -> bool:
        known = self.memo.get(top)
        if known is None:
            known = top in self.names or any(
                os.path.isdir(os.path.join(root, top))
                or os.path.isfile(os.path.join(root, top + ".py"))
                or os.path.isfile(os.path.join(root, top + ".pyi"))
                for root in self.roots
            )
            self.memo[top] = known
        return known


def install(roots: Iterable[str], follow: Iterable[str]) -> bool:
    """Make Jedi in this process follow only the imports :mod:`this module
    <.jedi_scope>` lists (``follow`` adds top-level modules; ``all`` in it: every
    import). True when a scope is in force."""
    follow = tuple(follow)
    uninstall()
    if ALL in follow:
        return False
    try:
        from jedi.inference import imports  # type: ignore[import-untyped]
        from jedi.inference.base_value import NO_VALUES  # type: ignore[import-untyped]
        from jedi.plugins import pytest as jedi_pytest  # type: ignore[import-untyped]

        original = imports.import_module
        fixture_test = jedi_pytest.FixtureFilter._is_fixture
    except (ImportError, AttributeError):  # another Jedi: it follows every import
        return False
    _SCOPE.append(_Scope(roots, follow))

    def import_module(inference_state: Any, import_names: Any, *args: Any, **kwargs: Any) -> Any:
        if _SCOPE and import_names and not _SCOPE[0].followed(str(import_names[0])):
            return NO_VALUES
        return original(inference_state, import_names, *args, **kwargs)

    _SAVED["import_module"] = original
    imports.import_module = import_module
    if not _SCOPE[0].followed("_pytest"):
        _SAVED["is_fixture"] = fixture_test
        jedi_pytest.FixtureFilter._is_fixture = _is_fixture
    return True


def uninstall() -> None:
    """Give Jedi its own import back (a no-op where :func:`install` installed nothing)."""
    _SCOPE.clear()
    if not _SAVED:
        return
    from jedi.inference import imports
    from jedi.plugins import pytest as jedi_pytest

    if "import_module" in _SAVED:
        imports.import_module = _SAVED.pop("import_module")
    if "is_fixture" in _SAVED:
        jedi_pytest.FixtureFilter._is_fixture = _SAVED.pop("is_fixture")


def _is_fixture(self: Any, context: Any, name: Any) -> bool:
    """Jedi's test of whether ``name`` (a parso name) is a pytest fixture, by syntax: its
    ``def`` is decorated by ``fixture`` or ``X.fixture``, called or not."""
    funcdef = name.parent
    if funcdef.type != "funcdef":
        return False
    decorated = funcdef.parent
    if decorated.type == "async_funcdef":
        decorated = decorated.parent
    if decorated.type != "decorated":
        return False
    decorators = decorated.children[0]
    nodes = decorators.children if decorators.type == "decorators" else [decorators]
    for decorator in nodes:
        head = decorator.children[1].get_code().split("(", 1)[0].strip()
        if head == "fixture" or head.endswith(".fixture"):
            return True
    return False
