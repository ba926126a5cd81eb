"""Combine parallel coverage data without losing any, then the total and its verdict.

Plain Python over coverage.py's public API (``coverage.Coverage``, ``CoverageData``,
``Coverage.combine(data_paths=..., keep=True)``, ``Coverage.report(precision=...)``);
nothing here imports pytest, and coverage itself is imported only inside the functions
that need it, so a session without coverage never imports it.

The safety rules, in order:

1. Every input is checked first (empty, corrupt, foreign files are named, not combined).
2. The inputs are combined into a temporary file in the data file's directory, under a
   name coverage's own ``.coverage.*`` glob never matches.
3. The temporary file is flushed to disk and renamed over the data file (``os.replace``,
   atomic on one filesystem).
4. Only then are the inputs removed (when asked). If anything fails before step 3, the
   temporary file is dropped and every input stays as it was.

The verdict is decided on the number as displayed: the total rounded to coverage's
precision (more digits when the threshold has more), so the banner and the exit status
can never disagree.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import uuid
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from coverage import Coverage, CoverageData

#: The sidecar that carries a shard's identity, next to its data file: ``.coverage``
#: gets ``.coverage-paradisco.json``. Not ``.coverage.*``, which coverage would try to
#: combine as a data file.
SIDECAR_SUFFIX = "-paradisco.json"
#: Temporary combined files; never matching ``<data file>.*``.
TEMP_PREFIX = ".paradisco-combine-"
IDENTITY_SCHEMA = 1

# coverage's parallel suffixes: ``host.pid1234.Xabcdefx`` (7.x), ``host.1234.123456``
# (older), with pytest-cov's ``.combine`` or a hash part possibly after.
_SUFFIX = re.compile(r"\.(?P<host>[^.]+)\.(?:pid)?(?P<pid>\d+)\.")


class CombineError(Exception):
    """Combining or reporting failed; the message names the file or setting at fault."""


@dataclass(frozen=True)
class BadFile:
    """An input that was not combined, and why (one line)."""

    path: str
    reason: str


@dataclass(frozen=True)
class CombineResult:
    """What one combine did."""

    data_file: str
    combined: tuple[str, ...]
    duplicates: tuple[str, ...] = ()
    bad: tuple[BadFile, ...] = ()
    removed: tuple[str, ...] = ()
    processes: int = 0

    def bad_message(self) -> str | None:
        """One message naming every input that was left out, or None."""
        if not self.bad:
            return None
        kept = "; ".join(f"{_rel(bad.path)}: {bad.reason}" for bad in self.bad)
        return (
            f"{len(self.bad)} coverage data file(s) could not be combined and were left in "
            f"place: {kept}"
        )


@dataclass(frozen=True)
class Verdict:
    """The total as coverage displays it, and the threshold decided on that number."""

    percent: float
    precision: int
    shown: str
    fail_under: float | None
    failed: bool

    def comparison(self) -> str:
        """``92.67% >= 80%`` (or ``< 80%``), or ``92.67%`` without a threshold."""
        if self.fail_under is None:
            return f"{self.shown}%"
        sign = "<" if self.failed else ">="
        return f"{self.shown}% {sign} {format_percent(self.fail_under)}%"


def format_percent(value: float) -> str:
    """``80`` for 80.0, ``92.675`` for 92.675: the threshold as a user would write it."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def implied_precision(fail_under: float, precision: int) -> int:
    """coverage's precision, or more when the threshold has more decimals (92.675)."""
    text = format_percent(fail_under)
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return max(precision, decimals)


def decide(percent: float, fail_under: float | None, precision: int) -> Verdict:
    """Decide the threshold on the displayed number (coverage's ``display_covered``).

    coverage never displays 0 or 100 unless the value truly is; 100 must really be 100.
    """
    from coverage.results import display_covered

    if fail_under is not None and not 0 <= fail_under <= 100:
        raise CombineError(f"fail-under={fail_under} is not a percentage between 0 and 100")
    effective = precision if fail_under is None else implied_precision(fail_under, precision)
    shown = display_covered(percent, effective)
    failed = False
    if fail_under is not None:
        failed = percent != 100.0 if fail_under == 100 else float(shown) < fail_under
    return Verdict(percent, effective, shown, fail_under, failed)


# -- finding data files


def is_data_file_name(name: str, basename: str) -> bool:
    """``.coverage`` or ``.coverage.<suffix>``, but not SQLite's side files nor ours."""
    if name != basename and not name.startswith(basename + "."):
        return False
    return not name.endswith(("-journal", "-wal", "-shm", SIDECAR_SUFFIX))


#: Directories never searched for data files: tools' own trees, never CI artifacts.
_NOT_ARTIFACTS = frozenset(
    {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__"}
)


def find_data_files(paths: Iterable[str], basename: str, exclude: Iterable[str] = ()) -> list[str]:
    """Data files among ``paths``: files as given, directories searched recursively for
    ``basename`` and ``basename.*``. ``exclude`` (absolute paths) are skipped when found
    in a directory, never when named."""
    skip = {os.path.abspath(path) for path in exclude}
    found: list[str] = []
    for path in paths:
        if os.path.isfile(path):
            found.append(os.path.abspath(path))
        elif os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _NOT_ARTIFACTS)
                for name in sorted(files):
                    full = os.path.abspath(os.path.join(root, name))
                    if is_data_file_name(name, basename) and full not in skip:
                        found.append(full)
        else:
            raise CombineError(f"{path}: no such file or directory")
    return list(dict.fromkeys(found))


Snapshot = Mapping[str, tuple[int, int, int]]


def snapshot(data_file: str) -> dict[str, tuple[int, int, int]]:
    """The data files next to ``data_file`` now, by (inode, size, mtime)."""
    directory, basename = os.path.split(os.path.abspath(data_file))
    result: dict[str, tuple[int, int, int]] = {}
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if is_data_file_name(entry.name, basename) and entry.is_file():
                with contextlib.suppress(OSError):
                    stat = entry.stat()
                    result[entry.path] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    return result


def written_since(before: Snapshot, data_file: str) -> list[str]:
    """Data files next to ``data_file`` created or changed since ``before``: this
    session's data, never a leftover of an earlier run."""
    now = snapshot(data_file)
    return sorted(path for path, stamp in now.items() if before.get(path) != stamp)


def process_of(path: str) -> str:
    """``host:pid`` of the process that wrote a parallel data file, else the path."""
    name = os.path.basename(path)
    match = _SUFFIX.search(name[name.find(".", 1) :] if name.startswith(".") else name)
    return f"{match['host']}:{match['pid']}" if match else path


# -- combining


@contextlib.contextmanager
def locked(data_file: str) -> Iterator[None]:
    """Serialise combines in one directory (two sessions ending at once there): a POSIX
    ``flock`` on the directory itself, so no lock file is left behind. Elsewhere, none."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(os.path.dirname(os.path.abspath(data_file)) or ".", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _read(path: str) -> tuple[CoverageData | None, str | None]:
    """Open one input with coverage's own reader; (data, None) or (None, reason)."""
    from coverage import CoverageData
    from coverage.exceptions import CoverageException

    try:
        size = os.path.getsize(path)
    except OSError as exc:
        return None, f"unreadable ({exc.strerror})"
    if size == 0:
        return None, "empty file (0 bytes), not a coverage data file"
    data = CoverageData(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data.read()
            data.measured_files()
    except (CoverageException, OSError) as exc:
        return None, _reason(exc, path)
    except Exception as exc:  # sqlite3 errors not wrapped by older coverage versions
        return None, _reason(exc, path)
    return data, None


def _reason(exc: BaseException, path: str) -> str:
    """coverage's message without the path (the caller names the file)."""
    text = " ".join(str(exc).split())
    for quoted in (repr(path), f"'{path}'", f'"{path}"', path):
        text = text.replace(f"Couldn't use data file {quoted}: ", "")
        text = text.replace(quoted, "it")
    return text or type(exc).__name__


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _coverage(data_file: str, config_file: str | bool) -> Coverage:
    from coverage import Coverage

    return Coverage(data_file=data_file, data_suffix=False, config_file=config_file)


def combine(
    inputs: Sequence[str],
    data_file: str,
    *,
    config_file: str | bool = True,
    remove_inputs: bool = False,
    lock: bool = True,
) -> CombineResult:
    """Combine ``inputs`` into ``data_file`` (replacing it), applying ``[paths]``.

    ``data_file`` may be one of the inputs (its data is read before it is replaced).
    Unusable inputs are reported in the result, never deleted. Raises
    :class:`CombineError` when no input is usable or the result cannot be written;
    then every input is as it was. ``lock=False`` when the caller already holds
    :func:`locked` (it chose the inputs under the lock).
    """
    target = os.path.abspath(data_file)
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
    except OSError as exc:
        raise CombineError(f"cannot create the directory of {_rel(target)}: {exc}") from exc
    with locked(target) if lock else contextlib.nullcontext():
        good, duplicates, bad = _screen([os.path.abspath(path) for path in inputs])
        if not good:
            detail = "; ".join(f"{_rel(b.path)}: {b.reason}" for b in bad)
            raise CombineError(
                "no usable coverage data to combine" + (f" ({detail})" if detail else "")
            )
        directory = os.path.dirname(target)
        temp = os.path.join(directory, f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            good = _combine_into(temp, good, bad, config_file)
            _fsync(temp)
            os.replace(temp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(temp)
            raise CombineError(
                f"could not write the combined data to {_rel(target)} ({exc.strerror or exc}); "
                "every input is left as it was"
            ) from exc
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(temp)
            raise
        removed: list[str] = []
        if remove_inputs:
            for path in [*good, *duplicates]:
                if path != target:
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(path)
                        removed.append(path)
    processes = len({process_of(path) for path in good})
    return CombineResult(
        data_file=target,
        combined=tuple(good),
        duplicates=tuple(duplicates),
        bad=tuple(bad),
        removed=tuple(removed),
        processes=processes,
    )


def _screen(paths: Sequence[str]) -> tuple[list[str], list[str], list[BadFile]]:
    """Split inputs into usable, duplicate (same bytes as an earlier one) and bad."""
    good: list[str] = []
    duplicates: list[str] = []
    bad: list[BadFile] = []
    seen: set[str] = set()
    kinds: dict[str, bool] = {}
    for path in dict.fromkeys(paths):
        data, reason = _read(path)
        if data is None:
            bad.append(BadFile(path, reason or "unreadable"))
            continue
        digest = _sha256(path)
        if digest in seen:
            duplicates.append(path)
            continue
        seen.add(digest)
        if data.measured_files():
            kinds[path] = data.has_arcs()
        good.append(path)
    if kinds and len(set(kinds.values())) > 1:
        # coverage refuses to mix branch and statement data; the minority is foreign.
        arcs = sum(kinds.values())
        majority = arcs * 2 >= len(kinds)
        for path, has_arcs in kinds.items():
            if has_arcs != majority:
                mine = "branch" if has_arcs else "statement"
                theirs = "branch" if majority else "statement"
                bad.append(BadFile(path, f"foreign: measured {mine} coverage, the others {theirs}"))
                good.remove(path)
    return good, duplicates, bad


def _combine_into(
    temp: str, good: list[str], bad: list[BadFile], config_file: str | bool
) -> list[str]:
    """coverage's combine into ``temp``; an input that fails there is moved to ``bad``
    and the combine starts over without it (coverage writes with journaling off, so a
    half-applied input cannot be rolled back)."""
    from coverage.exceptions import CoverageException

    while True:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temp)
        cov = _coverage(temp, config_file)
        culprit: str | None = None
        reason = ""
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                cov.combine(data_paths=good, strict=True, keep=True)
                cov.get_data().close()
            for warning in caught:
                culprit = _named(str(warning.message), good)
                if culprit is not None:
                    reason = _reason(Exception(warning.message), culprit)
                    break
        except (CoverageException, OSError, Exception) as exc:
            culprit = _named(str(exc), good) or _isolate(temp, good, config_file)
            if culprit is None:
                raise CombineError(f"combining failed: {_reason(exc, temp)}") from exc
            reason = _reason(exc, culprit)
        if culprit is None:
            return good
        good = [path for path in good if path != culprit]
        bad.append(BadFile(culprit, reason or "coverage could not combine it"))
        if not good:
            raise CombineError(
                "no usable coverage data to combine: "
                + "; ".join(f"{_rel(b.path)}: {b.reason}" for b in bad)
            )


def _named(message: str, paths: Sequence[str]) -> str | None:
    for path in paths:
        if path in message or os.path.relpath(path) in message:
            return path
    return None


def _isolate(temp: str, good: Sequence[str], config_file: str | bool) -> str | None:
    """Find the first input that coverage cannot combine, one at a time."""
    for path in good:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temp)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cov = _coverage(temp, config_file)
                cov.combine(data_paths=[path], strict=True, keep=True)
                cov.get_data().close()
        except Exception:
            return path
    return None


def _fsync(path: str) -> None:
    if not os.path.exists(path):
        raise CombineError(f"coverage wrote no combined data to {path}")
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


# -- the total


def total(
    data_file: str,
    *,
    config_file: str | bool = True,
    fail_under: float | None = None,
    precision: int | None = None,
    out: TextIO | None = None,
) -> Verdict:
    """Report ``data_file`` like ``coverage report`` (to ``out``, or nowhere) and decide
    ``fail_under`` (None: coverage's ``[report] fail_under``, where 0 means none)."""
    from coverage.exceptions import CoverageException

    cov = _coverage(data_file, config_file)
    if precision is None:
        precision = int(cov.config.precision)
    if fail_under is None and cov.config.fail_under:
        fail_under = float(cov.config.fail_under)
    try:
        cov.load()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sink = out if out is not None else io.StringIO()
            percent = cov.report(file=sink, precision=precision)
    except CoverageException as exc:
        raise CombineError(f"coverage report on {_rel(data_file)} failed: {exc}") from exc
    finally:
        with contextlib.suppress(Exception):
            cov.get_data().close()
    return decide(percent, fail_under, precision)


def config_precision(config_file: str | bool = True) -> int:
    """coverage's ``[report] precision``."""
    return int(_coverage(".coverage", config_file).config.precision)


def config_fail_under(config_file: str | bool = True) -> float | None:
    """coverage's ``[report] fail_under`` (None when unset or 0)."""
    cov = _coverage(".coverage", config_file)
    value = float(cov.config.fail_under or 0)
    return value or None


def data_file_of(config_file: str | bool = True) -> str:
    """coverage's ``[run] data_file`` (absolute), ``.coverage`` by default."""
    from coverage import Coverage

    return os.path.abspath(str(Coverage(config_file=config_file).config.data_file))


def measured_files(data_file: str) -> set[str]:
    """Every source file recorded in ``data_file``."""
    from coverage import CoverageData

    data = CoverageData(data_file)
    try:
        data.read()
        return set(data.measured_files())
    finally:
        data.close()


# -- shard identity


@dataclass(frozen=True)
class ShardIdentity:
    """Which shard of which run a data file holds; written as a JSON sidecar."""

    shard_id: int
    shard_total: int
    scheme: str
    shard_by: str
    run_id: str | None
    data_sha256: str = ""
    files: int = 0
    processes: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "paradisco_shard": IDENTITY_SCHEMA,
            "shard_id": self.shard_id,
            "shard_total": self.shard_total,
            "scheme": self.scheme,
            "shard_by": self.shard_by,
            "run_id": self.run_id,
            "data_sha256": self.data_sha256,
            "files": self.files,
            "processes": self.processes,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShardIdentity:
        if data.get("paradisco_shard") != IDENTITY_SCHEMA:
            raise ValueError("not a paradisco shard identity (schema 1)")
        run_id = data.get("run_id")
        return cls(
            shard_id=int(data["shard_id"]),
            shard_total=int(data["shard_total"]),
            scheme=str(data["scheme"]),
            shard_by=str(data["shard_by"]),
            run_id=None if run_id is None else str(run_id),
            data_sha256=str(data.get("data_sha256", "")),
            files=int(data.get("files", 0)),
            processes=int(data.get("processes", 0)),
        )

    def describe(self) -> str:
        run = f", run {self.run_id}" if self.run_id else ""
        return f"shard {self.shard_id}/{self.shard_total} [{self.scheme}, by {self.shard_by}{run}]"


def sidecar_of(data_file: str) -> str:
    return data_file + SIDECAR_SUFFIX


def write_identity(data_file: str, identity: ShardIdentity) -> str:
    """Write the sidecar of ``data_file`` atomically, stamped with its data's sha256."""
    stamped = _stamp(identity, _sha256(data_file))
    path = sidecar_of(data_file)
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "w", encoding="utf-8") as handle:
        json.dump(stamped.to_json(), handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.replace(temp, path)
    return path


def _stamp(identity: ShardIdentity, digest: str) -> ShardIdentity:
    return ShardIdentity(
        shard_id=identity.shard_id,
        shard_total=identity.shard_total,
        scheme=identity.scheme,
        shard_by=identity.shard_by,
        run_id=identity.run_id,
        data_sha256=digest,
        files=identity.files,
        processes=identity.processes,
    )


def read_identity(data_file: str) -> tuple[ShardIdentity | None, str | None]:
    """The identity of ``data_file`` from its sidecar, and a problem when there is one:
    (None, None) without a sidecar, (None, reason) when the sidecar is unreadable, and
    (identity, reason) when the data file is not the one the shard wrote (corrupt,
    truncated or replaced since)."""
    path = sidecar_of(data_file)
    if not os.path.exists(path):
        return None, None
    try:
        with open(path, encoding="utf-8") as handle:
            identity = ShardIdentity.from_json(json.load(handle))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, f"{_rel(path)} is not a readable shard identity ({exc})"
    if identity.data_sha256 and identity.data_sha256 != _sha256(data_file):
        return identity, (
            f"{_rel(data_file)} is not the data {identity.describe()} wrote (its sha256 "
            f"differs from {_rel(path)}): corrupt, truncated or replaced since"
        )
    return identity, None


def display_path(path: str) -> str:
    """``path`` relative to the current directory, unless that climbs out of it more than
    once (then absolute, which reads better than ``../../../tmp/...``)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return path
    return path if rel.startswith(".." + os.sep + "..") else rel


_rel = display_path


# -- completeness of a set of shards


@dataclass(frozen=True)
class ShardCheck:
    """Which of the expected shards are here, and what does not belong."""

    total: int | None
    run_id: str | None
    present: tuple[int, ...] = ()
    missing: tuple[int, ...] = ()
    duplicated: tuple[tuple[int, tuple[str, ...]], ...] = ()
    foreign: tuple[BadFile, ...] = ()
    use: tuple[str, ...] = ()  # the data files to combine, one per shard

    @property
    def complete(self) -> bool:
        return not (self.missing or self.duplicated or self.foreign)

    def problems(self) -> list[str]:
        """One line per kind of problem, naming the shard ids and files."""
        lines: list[str] = []
        of = f" of {self.total}" if self.total is not None else ""
        run = f" (run {self.run_id})" if self.run_id else ""
        if self.missing:
            ids = ", ".join(str(i) for i in self.missing)
            lines.append(f"missing shard{'s' if len(self.missing) > 1 else ''} {ids}{of}{run}")
        for shard_id, paths in self.duplicated:
            lines.append(
                f"shard {shard_id}{of} appears {len(paths)} times: "
                + ", ".join(_rel(path) for path in paths)
                + f" (combined only {_rel(paths[0])})"
            )
        for bad in self.foreign:
            lines.append(f"foreign: {_rel(bad.path)}: {bad.reason}")
        return lines


def check_shards(
    identities: Mapping[str, ShardIdentity | None],
    *,
    expect: int | None = None,
    run_id: str | None = None,
) -> ShardCheck:
    """Check ``identities`` (data file -> its shard identity, None when it has none)
    for a complete set of shards of one run.

    The expected total is ``expect``, else the one most shards name; the run is
    ``run_id``, else the one most shards name. A shard of another run, total or scheme,
    and a data file without identity among identified shards, are foreign.
    """
    known = {path: ident for path, ident in identities.items() if ident is not None}
    if not known:
        return ShardCheck(total=expect, run_id=run_id, use=tuple(identities))
    if expect is None:
        expect = _most_common(ident.shard_total for ident in known.values())
    if run_id is None:
        runs = [ident.run_id for ident in known.values() if ident.run_id is not None]
        run_id = _most_common(runs) if runs else None
    schemes = _most_common((ident.scheme, ident.shard_by) for ident in known.values())
    foreign: list[BadFile] = []
    by_id: dict[int, list[str]] = {}
    for path, ident in sorted(identities.items()):
        if ident is None:
            foreign.append(BadFile(path, "no shard identity (no sidecar next to it)"))
        elif ident.shard_total != expect:
            foreign.append(BadFile(path, f"{ident.describe()}: not a shard of {expect}"))
        elif run_id is not None and ident.run_id != run_id:
            foreign.append(BadFile(path, f"{ident.describe()}: not of run {run_id}"))
        elif (ident.scheme, ident.shard_by) != schemes:
            foreign.append(
                BadFile(path, f"{ident.describe()}: the others use {schemes[0]} by {schemes[1]}")
            )
        else:
            by_id.setdefault(ident.shard_id, []).append(path)
    missing = tuple(i for i in range(expect) if i not in by_id)
    duplicated = tuple(
        (shard_id, tuple(paths)) for shard_id, paths in sorted(by_id.items()) if len(paths) > 1
    )
    return ShardCheck(
        total=expect,
        run_id=run_id,
        present=tuple(sorted(by_id)),
        missing=missing,
        duplicated=duplicated,
        foreign=tuple(foreign),
        use=tuple(paths[0] for _, paths in sorted(by_id.items())),
    )


def _most_common(values: Iterable[Any]) -> Any:
    counts: dict[Any, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return max(counts, key=lambda value: (counts[value], str(value)))


# -- measured files under other roots


@dataclass(frozen=True)
class RootAdvice:
    """Measured files that are not here but are found here under another root."""

    local: str  # the canonical directory, relative ("src/") or "."
    roots: tuple[str, ...]  # other absolute roots, as recorded
    examples: tuple[str, ...]
    unfound: tuple[str, ...] = ()

    def message(self) -> str:
        lines = [
            f"{len(self.examples)} measured file(s) were recorded under "
            f"{len(self.roots)} other checkout root(s) than this one, so each would be "
            f"reported once per root, e.g. {self.examples[0]}. Map the roots onto this "
            "checkout with a [paths] entry, for pyproject.toml:",
            "    [tool.coverage.paths]",
            "    source = [" + ", ".join(_toml(p) for p in (self.local, *self.roots)) + "]",
            "or record relative paths in every shard: [tool.coverage.run] relative_files = true.",
        ]
        if self.unfound:
            lines.append(
                f"{len(self.unfound)} measured file(s) are not found here at all, e.g. "
                f"{self.unfound[0]}"
            )
        return "\n".join(lines)


def _under(path: str, base: str) -> bool:
    try:
        return os.path.commonpath([os.path.abspath(path), base]) == base
    except ValueError:  # another drive on Windows
        return False


def _toml(text: str) -> str:
    return json.dumps(text)


def unmapped_files(measured: Iterable[str], base: str = ".") -> RootAdvice | None:
    """Advice for measured files recorded outside ``base`` whose tail exists under
    ``base`` (the same relative file recorded under another absolute root), else None."""
    base = os.path.abspath(base)
    roots: dict[str, None] = {}
    tails: list[str] = []
    examples: list[str] = []
    unfound: list[str] = []
    for path in sorted(measured):
        if _under(path, base) and os.path.exists(path):
            continue
        parts = re.split(r"[/\\]", path)
        for start in range(1, len(parts)):
            tail = parts[start:]
            if tail and os.path.exists(os.path.join(base, *tail)):
                root = path[: len(path) - len("/".join(tail))]
                roots.setdefault(root.rstrip("/\\") or root, None)
                tails.append("/".join(tail))
                examples.append(path)
                break
        else:
            if not os.path.exists(path):
                unfound.append(path)
    if not roots:
        return None
    firsts = {tail.split("/", 1)[0] for tail in tails if "/" in tail}
    local = f"{firsts.pop()}/" if len(firsts) == 1 and all("/" in t for t in tails) else "."
    if local != ".":
        roots = {f"{root}/{local.rstrip('/')}/": None for root in roots}
    return RootAdvice(
        local=local, roots=tuple(roots), examples=tuple(examples), unfound=tuple(unfound)
    )
