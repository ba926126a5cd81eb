"""Per-file results cached under pytest's cache directory, one JSON entry per test file.

An entry is reused only when all of these are unchanged: the test file's content, the
content of every file its result depends on (its conftests and helper modules, the
source modules it imports, transitively, and the files of the targets it reached),
the set of source modules, and the versions of Python, Jedi and the plugin; and none of
the attribute names it did not ask Jedi about (no source file defined them) may have
become a name the source defines. So editing one function's body recomputes exactly the
results that depend on its file.

Entries are written to a temporary name and renamed (``os.replace``), so a reader never
sees half an entry; an entry that does not load is reported and rebuilt.

The index of the source (:class:`IndexCache`, one entry) is kept beside the results: it
is reused when every source file, the roots, the rootdir and the versions are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_paradisco.discover.references import FileResult
from pytest_paradisco.discover.targets import SourceIndex, parse_hold_entry

#: Bump when the entry format, the analysis or the source index (targets.py, names.py:
#: kept in the cache as well) changes meaning.
FORMAT = 77


def _write_atomically(directory: Path, path: Path, data: bytes) -> None:
    """``data`` to ``path`` through a temporary file renamed over it; a cache that cannot
    be written costs speed, never the map."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except OSError:
        if os.path.exists(temp):
            os.unlink(temp)


def versions() -> str:
    """Python, Jedi, parso and the plugin: a change of any may change results."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"py{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}"]
    for dist in ("jedi", "parso", "pytest-paradisco"):
        try:
            parts.append(f"{dist}={version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist}=?")
    parts.append(f"format={FORMAT}")
    return " ".join(parts)


@dataclass
class ResultCache:
    """A directory of entries, or nothing (``directory`` None: no cache this session)."""

    directory: Path | None
    salt: str  # versions, target-set fingerprint, collection settings
    corrupt: list[str] = field(default_factory=list)  # rel paths of entries ignored

    def key(self, rel: str, content_hash: str) -> str:
        text = f"{self.salt}\n{rel}\n{content_hash}"
        return hashlib.sha256(text.encode()).hexdigest()

    def _entry(self, rel: str) -> Path:
        assert self.directory is not None
        name = hashlib.sha256(rel.encode()).hexdigest()[:24]
        return self.directory / f"{name}.json"

    def get(
        self,
        rel: str,
        key: str,
        current: Callable[[str], str | None],
        names: Collection[str] = (),
        holds: Callable[[str, str], bool] = lambda cls, attribute: False,
    ) -> FileResult | None:
        """The cached result for ``rel``, if its key matches, every dependency it
        recorded still has the recorded content hash (``current`` gives current ones),
        none of the attribute names it left unasked is among the ``names`` the source
        defines now, and the source's assignments still let (or not) an instance of each
        class hold each attribute as they did when it relied on them (``holds``:
        :func:`targets.may_hold` now)."""
        if self.directory is None:
            return None
        path = self._entry(rel)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError:
            return None
        try:
            data = json.loads(text)
            if data["key"] != key:
                return None
            deps: dict[str, str] = data["deps"]
            result = FileResult.from_json(data["result"])
        except (ValueError, KeyError, TypeError, AttributeError):
            self.corrupt.append(rel)
            return None
        for dep, digest in deps.items():
            if current(dep) != digest:
                return None
        if any(name in names for name in result.unasked):
            return None
        for entry in result.unstored:
            cls, attribute, held = parse_hold_entry(entry)
            if holds(cls, attribute) != held:
                return None
        return result

    def put(self, rel: str, key: str, deps: Mapping[str, str], result: FileResult) -> None:
        if self.directory is None:
            return
        data: dict[str, Any] = {"key": key, "deps": dict(deps), "result": result.to_json()}
        text = json.dumps(data, sort_keys=True).encode("utf-8")
        _write_atomically(self.directory, self._entry(rel), text)

    def clear(self) -> None:
        if self.directory is not None and self.directory.exists():
            shutil.rmtree(self.directory, ignore_errors=True)


@dataclass
class IndexCache:
    """The source index of the last run (``directory`` None: no cache this session);
    implements :class:`targets.IndexStore`."""

    directory: Path | None
    #: the entry was there but did not load (reported, then rebuilt)
    corrupt: bool = False

    NAME = "source-index.pickle"

    def get(self, fingerprint: str) -> SourceIndex | None:
        if self.directory is None:
            return None
        try:
            data = (self.directory / self.NAME).read_bytes()
        except OSError:
            return None
        try:
            key, index = pickle.loads(data)
        except Exception:  # truncated, foreign or from an incompatible version
            self.corrupt = True
            return None
        if key != f"{versions()}\n{fingerprint}" or not isinstance(index, SourceIndex):
            return None
        return index

    def put(self, fingerprint: str, index: SourceIndex) -> None:
        if self.directory is None:
            return
        data = pickle.dumps((f"{versions()}\n{fingerprint}", index), pickle.HIGHEST_PROTOCOL)
        _write_atomically(self.directory, self.directory / self.NAME, data)
