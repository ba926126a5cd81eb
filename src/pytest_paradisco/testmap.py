"""The function-to-test map: its model and its JSON form (schema version 1).

Paths are relative to the rootdir with ``/`` separators; tests are node ids of test
functions without parametrize ids (``tests/test_x.py::TestC::test_y``). See
docs/mapping.md for the schema.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1


@dataclass
class FunctionEntry:
    """One source function and the tests that exercise it."""

    file: str
    line: int
    end_line: int
    tests: list[str] = field(default_factory=list)  # every test that exercises it
    direct: list[str] = field(default_factory=list)  # tests that reference it themselves
    #: tests a coverage run saw executing it (None: coverage was not a source of the map)
    coverage: list[str] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "end_line": self.end_line,
            "tests": self.tests,
            "direct": self.direct,
        }
        if self.coverage is not None:
            data["coverage"] = self.coverage
        return data


@dataclass(frozen=True)
class MapError:
    """A file that could not be analysed (fully): its tests are still collected."""

    file: str
    kind: str  # syntax, jedi, timeout, worker, error
    message: str

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "kind": self.kind, "message": self.message}

    def describe(self) -> str:
        return f"{self.file}: {self.kind}: {self.message}"


@dataclass
class TestMap:
    """Source function -> tests, with the errors met and the numbers of the run."""

    __test__ = False  # not a pytest test class, whatever its name

    rootdir: str
    sources: list[str]
    functions: dict[str, FunctionEntry]
    errors: list[MapError] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    #: source module -> the test files that import it, directly, through their conftests
    #: and helpers, or through other source modules (the import filter's answer)
    importers: dict[str, list[str]] = field(default_factory=dict)
    #: method -> the source methods it overrides (selection runs their tests too)
    overrides: dict[str, list[str]] = field(default_factory=dict)
    #: tests of the analysed files that the map links to no function: what they run went
    #: through calls the analysis does not follow (or they run no source function)
    unmapped: list[str] = field(default_factory=list)

    @property
    def mapped(self) -> int:
        """Functions with at least one test."""
        return sum(1 for entry in self.functions.values() if entry.tests)

    def tests(self) -> set[str]:
        return {test for entry in self.functions.values() for test in entry.tests}

    def to_json(self) -> dict[str, Any]:
        return {
            "version": SCHEMA_VERSION,
            "rootdir": self.rootdir,
            "sources": self.sources,
            "functions": {name: self.functions[name].to_json() for name in sorted(self.functions)},
            "errors": [error.to_json() for error in self.errors],
            "importers": {module: self.importers[module] for module in sorted(self.importers)},
            "overrides": {name: self.overrides[name] for name in sorted(self.overrides)},
            "unmapped": sorted(self.unmapped),
            "stats": self.stats,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TestMap:
        version = data.get("version")
        if version != SCHEMA_VERSION:
            raise ValueError(f"map version {version!r} is not {SCHEMA_VERSION}")
        functions = {
            name: FunctionEntry(
                file=entry["file"],
                line=entry["line"],
                end_line=entry["end_line"],
                tests=list(entry["tests"]),
                direct=list(entry["direct"]),
                coverage=list(entry["coverage"]) if "coverage" in entry else None,
            )
            for name, entry in data["functions"].items()
        }
        errors = [MapError(e["file"], e["kind"], e["message"]) for e in data["errors"]]
        importers = {m: list(files) for m, files in data.get("importers", {}).items()}
        overrides = {m: list(bases) for m, bases in data.get("overrides", {}).items()}
        return cls(
            data["rootdir"],
            list(data["sources"]),
            functions,
            errors,
            data["stats"],
            importers,
            overrides,
            list(data.get("unmapped", [])),
        )

    def write(self, path: Path) -> None:
        """Write the JSON atomically (a reader never sees half a map)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(self.to_json(), stream, indent=1, sort_keys=False)
                stream.write("\n")
            # mkstemp makes the file private (0600); the map is an artifact for everyone
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
            os.replace(temp, path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise

    @classmethod
    def read(cls, path: Path) -> TestMap:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
