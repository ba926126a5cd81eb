"""Recorded test durations per file: read (merging several shards' files), written
atomically. The JSON form: ``{"version": 1, "files": {"tests/test_a.py": 1.25}}``."""

from __future__ import annotations

import glob
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

VERSION = 1


class DurationsError(ValueError):
    """A durations file that cannot be used; the message names it."""


@dataclass(frozen=True)
class Durations:
    files: dict[str, float]
    origin: str  # the file(s) read, for messages


def expand(pattern: str, rootdir: Path) -> list[Path]:
    """The files a ``--paradisco-durations`` value names (a path or a glob), sorted."""
    base = Path(pattern) if os.path.isabs(pattern) else rootdir / pattern
    if glob.has_magic(str(base)):
        return sorted(Path(p) for p in glob.glob(str(base), recursive=True))
    return [base] if base.exists() else []


def read(paths: list[Path]) -> tuple[Durations | None, list[str]]:
    """Merge the files (the larger duration wins where two files name the same test
    file); return the merge and one message per file that could not be used."""
    merged: dict[str, float] = {}
    used: list[str] = []
    problems: list[str] = []
    for path in paths:
        try:
            merged_one = load(path)
        except DurationsError as exc:
            problems.append(str(exc))
            continue
        used.append(path.name)
        for key, seconds in merged_one.items():
            merged[key] = max(seconds, merged.get(key, 0.0))
    if not used:
        return None, problems
    origin = used[0] if len(used) == 1 else f"{len(used)} files ({', '.join(used[:3])}...)"
    return Durations(merged, origin), problems


def load(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DurationsError(f"durations file {path} cannot be read: {exc}") from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(files, dict):
        raise DurationsError(
            f"durations file {path} is not a version-{VERSION} paradisco durations file"
        )
    result: dict[str, float] = {}
    for key, value in files.items():
        if isinstance(value, int | float) and value >= 0:
            result[str(key)] = float(value)
    return result


def write(path: Path, files: Mapping[str, float]) -> None:
    """Merge ``files`` into ``path`` (entries of files that ran replace old ones) and write
    it atomically: a temporary file in the same directory, then a rename."""
    current: dict[str, float] = {}
    if path.exists():
        try:
            current = load(path)
        except DurationsError:
            current = {}  # replaced by a good file below; the bad one is named on read
    current.update({key: round(value, 4) for key, value in files.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"version": VERSION, "files": dict(sorted(current.items()))}, indent=1)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload + "\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
