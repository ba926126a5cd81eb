"""What changed between a revision and the working tree, read from git.

Nothing here imports pytest. Every failure is a :class:`GitError` whose message names the
fix: not a repository, an unknown revision, a shallow clone that lacks the base.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


class GitError(Exception):
    """git cannot answer; the message says what to do."""


@dataclass(frozen=True)
class FileChange:
    """One changed file, paths relative to the repository root with ``/``.

    ``status`` is git's letter: A (added, or untracked), M, D, R (renamed), T, C.
    ``lines`` are the changed line numbers of the new version (for a pure deletion, the
    lines on either side of it); ``old_lines`` those of the old version.
    """

    path: str
    status: str
    old_path: str | None = None
    lines: frozenset[int] = field(default_factory=frozenset)
    old_lines: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Diff:
    base: str  # the commit compared with, as a full hash
    described: str  # how it was chosen, e.g. "merge-base with origin/main"
    toplevel: Path
    changes: tuple[FileChange, ...]


def _git(cwd: Path, *args: str) -> str:
    if shutil.which("git") is None:
        raise GitError("git is not installed or not on PATH")
    proc = subprocess.run(
        ["git", "-c", "core.quotepath=off", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    if proc.returncode != 0:
        raise GitError(proc.stderr.strip() or f"git {' '.join(args)} exited {proc.returncode}")
    return proc.stdout


def toplevel(cwd: Path) -> Path:
    try:
        return Path(_git(cwd, "rev-parse", "--show-toplevel").strip())
    except GitError:
        raise GitError(
            f"{cwd} is not inside a git repository: --paradisco-diff compares with git history"
        ) from None


def resolve_base(top: Path, rev: str | None) -> tuple[str, str]:
    """The commit to compare with and how it was chosen. Default: the merge-base with the
    upstream branch when there is one, else HEAD."""
    shallow = _git(top, "rev-parse", "--is-shallow-repository").strip() == "true"
    if rev is None:
        try:
            upstream = _git(top, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
        except GitError:
            upstream = ""
        upstream = upstream.strip()
        if upstream:
            try:
                base = _git(top, "merge-base", "HEAD", upstream).strip()
            except GitError:
                raise GitError(
                    _shallow_hint(f"no merge-base of HEAD and {upstream}", shallow)
                ) from None
            return base, f"merge-base with {upstream}"
        rev = "HEAD"
        how = "HEAD (no upstream branch)"
    else:
        how = rev
    try:
        base = _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    except GitError:
        base = ""
    if not base:
        if rev == "HEAD":
            raise GitError("the repository has no commit yet: commit once, or pass a revision")
        raise GitError(_shallow_hint(f"unknown revision {rev!r}", shallow))
    return base, how


def _shallow_hint(problem: str, shallow: bool) -> str:
    if shallow:
        return (
            f"{problem}: this is a shallow clone without that history; fetch it "
            "(`git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout)"
        )
    return f"{problem}: name a commit, branch or tag that exists here (`git log` lists them)"


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def diff(cwd: Path, rev: str | None = None) -> Diff:
    """Changes from ``rev`` (see :func:`resolve_base`) to the working tree, staged and
    unstaged, plus untracked files (as added)."""
    top = toplevel(cwd)
    base, how = resolve_base(top, rev)
    names = _git(top, "diff", "--name-status", "-z", "--find-renames", base, "--")
    changes: dict[str, FileChange] = {}
    fields = names.split("\0")
    i = 0
    while i < len(fields) - 1:
        status = fields[i][:1]
        if status in ("R", "C"):
            old, new = fields[i + 1], fields[i + 2]
            changes[new] = FileChange(new, status, old)
            i += 3
        else:
            changes[fields[i + 1]] = FileChange(fields[i + 1], status)
            i += 2
    patch = _git(top, "diff", "-U0", "--no-color", "--no-ext-diff", "--find-renames", base, "--")
    for path, new_lines, old_lines in _hunks(patch):
        if path in changes:
            named = changes[path]
            changes[path] = FileChange(
                path, named.status, named.old_path, frozenset(new_lines), frozenset(old_lines)
            )
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z")
    for path in filter(None, untracked.split("\0")):
        changes.setdefault(path, FileChange(path, "A"))
    return Diff(base, how, top, tuple(changes[k] for k in sorted(changes)))


def _hunks(patch: str) -> list[tuple[str, set[int], set[int]]]:
    result: list[tuple[str, set[int], set[int]]] = []
    current: tuple[str, set[int], set[int]] | None = None
    for line in patch.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            path = target[2:] if target.startswith("b/") else None
            if path is None and current is not None:
                continue  # deleted file: keep the old path from the "--- a/" line
            current = (path or "", set(), set())
            result.append(current)
        elif line.startswith("--- ") and line[4:].startswith("a/"):
            # remembered in case the file was deleted ("+++ /dev/null")
            current = (line[6:], set(), set())
            result.append(current)
        elif current is not None:
            match = _HUNK.match(line)
            if not match:
                continue
            old_start, old_count = int(match[1]), int(match[2] or 1)
            new_start, new_count = int(match[3]), int(match[4] or 1)
            if new_count:
                current[1].update(range(new_start, new_start + new_count))
            else:  # a pure deletion after line new_start
                current[1].update((new_start, new_start + 1))
            if old_count:
                current[2].update(range(old_start, old_start + old_count))
    merged: dict[str, tuple[str, set[int], set[int]]] = {}
    for path, new, old in result:
        if not path:
            continue
        entry = merged.setdefault(path, (path, set(), set()))
        entry[1].update(new)
        entry[2].update(old)
    return list(merged.values())
