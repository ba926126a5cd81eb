"""Coverage at the end of one pytest session: which data is this session's, combining it
into the one data file, the threshold, a shard's identity, and the lines to print.

No pytest here: the hooks in hooks/coverage.py call these methods at the right moments, in the
one process that combines (the xdist controller, or the only process).
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field

from pytest_paradisco.combine import (
    CombineError,
    CombineResult,
    ShardIdentity,
    Snapshot,
    Verdict,
    combine,
    config_precision,
    decide,
    format_percent,
    locked,
    process_of,
    sidecar_of,
    snapshot,
    total,
    write_identity,
    written_since,
)
from pytest_paradisco.combine import (
    display_path as _rel,
)

PYTEST_COV = "pytest-cov"
COVERAGE_RUN = "coverage run"


@dataclass
class CoverageSession:
    """The coverage state of one session, in the combining process."""

    mode: str  # PYTEST_COV or COVERAGE_RUN
    data_file: str  # absolute
    config_file: str | bool
    fail_under: float | None
    fail_source: str  # how the user set the threshold, e.g. "--paradisco-fail-under=80"
    ignore_bad: bool = False
    shard: ShardIdentity | None = None
    distributed: bool = False
    before: Snapshot = field(default_factory=dict)
    loop_files: list[str] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)
    result: CombineResult | None = None
    verdict: Verdict | None = None
    error: str | None = None
    identity_file: str | None = None
    failed: bool = False
    running: list[str] = field(default_factory=list)
    #: The total pytest-cov computed on the data file just now, when it is the number a
    #: later `coverage report` gives (same data, configuration-only measurement).
    reported_total: float | None = None

    def start(self) -> None:
        """Remember the data files that exist before any test runs: leftovers of earlier
        runs, never mixed into this session's total."""
        self.before = snapshot(self.data_file)

    def loop_ended(self, saved: Iterable[str] = ()) -> None:
        """The tests are done and every worker has saved its data: note this session's
        files before pytest-cov merges them, so the summary can count them."""
        self.saved.extend(os.path.abspath(path) for path in saved)
        self.loop_files = written_since(self.before, self.data_file)

    @property
    def enforcing(self) -> bool:
        """Is the threshold checked here (not on a shard's partial data)?"""
        return self.fail_under is not None and self.shard is None

    def finish(self) -> bool:
        """Combine this session's data into the data file, then decide. Returns True
        when the session must fail."""
        # Choose the inputs under the lock: another session combining into the same data
        # file meanwhile must be seen (its result is then one of our inputs), or our
        # rename would replace its data with ours.
        with locked(self.data_file):
            stop = self._combine_locked()
        if stop is not None:
            return stop
        assert self.result is not None
        assert self.verdict is not None
        if self.shard is None:
            # A shard identity left by an earlier shard run no longer describes this data.
            with contextlib.suppress(FileNotFoundError):
                os.remove(sidecar_of(self.data_file))
        else:
            identity = ShardIdentity(
                shard_id=self.shard.shard_id,
                shard_total=self.shard.shard_total,
                scheme=self.shard.scheme,
                shard_by=self.shard.shard_by,
                run_id=self.shard.run_id,
                files=self.file_count,
                processes=self.process_count,
            )
            self.identity_file = write_identity(self.data_file, identity)
        self.failed = bool(
            self.enforcing and (self.verdict.failed or (self.result.bad and not self.ignore_bad))
        )
        return self.failed

    def _combine_locked(self) -> bool | None:
        """Combine with the lock held; returns the verdict when finishing early."""
        inputs = sorted(set(written_since(self.before, self.data_file)) | set(self.saved))
        inputs = [path for path in inputs if os.path.exists(path)]
        # A file whose writer still runs (a lingering subprocess, another session's
        # worker) may be incomplete: leave it to its owner rather than take it half-way.
        self.running = [p for p in inputs if p not in self.saved and writer_running(p)]
        inputs = [path for path in inputs if path not in self.running]
        if not inputs:
            self.error = f"no coverage data was written to {_rel(self.data_file)}"
            self.failed = self.enforcing
            return self.failed
        try:
            fail_under = self.fail_under if self.enforcing else None
            if inputs == [self.data_file] and self.mode == PYTEST_COV:
                # pytest-cov has just merged everything into the data file: nothing to add,
                # and rewriting it would only cost time.
                self.result = CombineResult(data_file=self.data_file, combined=(self.data_file,))
                if self.reported_total is not None:
                    # ... and it has just reported on it: parsing every source file again
                    # for the same number would be most of this plugin's cost.
                    precision = config_precision(self.config_file)
                    self.verdict = decide(self.reported_total, fail_under, precision)
                    return None
            else:
                self.result = combine(
                    inputs,
                    self.data_file,
                    config_file=self.config_file,
                    remove_inputs=True,
                    lock=False,
                )
            self.verdict = total(
                self.data_file, config_file=self.config_file, fail_under=fail_under
            )
        except CombineError as exc:
            self.error = str(exc)
            self.failed = self.enforcing
            return self.failed
        return None

    # -- counting

    def _files(self) -> set[str]:
        files = set(self.loop_files) | set(self.saved)
        if self.result is not None:
            files |= set(self.result.combined)
            files -= {bad.path for bad in self.result.bad}
        files.discard(self.data_file)
        return files

    @property
    def file_count(self) -> int:
        """Data files this session's processes wrote (pytest-cov merges them into the
        data file before we see them, hence the count taken when the loop ended)."""
        main = self.mode == PYTEST_COV and not self.distributed
        return len(self._files()) + (1 if main else 0)

    @property
    def process_count(self) -> int:
        processes = {process_of(path) for path in self._files()}
        if self.mode == PYTEST_COV and not self.distributed:
            processes.add(f"main:{os.getpid()}")
        return max(len(processes), 1)

    # -- output

    def header(self) -> str:
        """The header line: how coverage is combined and what is enforced."""
        line = f"paradisco: coverage ({self.mode}) combined into {_rel(self.data_file)}"
        if self.shard is not None:
            shard = f"shard {self.shard.shard_id}/{self.shard.shard_total}"
            check = (
                f"fail-under {format_percent(self.fail_under)}% ({self.fail_source}) is not "
                "checked on this shard's partial data"
                if self.fail_under is not None
                else "no threshold is checked on this shard's partial data"
            )
            return (
                f"{line} with the identity of {shard}; {check}; `paradisco combine "
                f"--expect-shards={self.shard.shard_total}` checks the total"
            )
        if self.fail_under is not None:
            return f"{line}; fail-under {format_percent(self.fail_under)}% ({self.fail_source})"
        return line

    def summary_lines(self) -> list[str]:
        """``paradisco: coverage 92.67% >= 80% (combined 7 data files from 3 processes)``"""
        counts = (
            f"combined {self.file_count} data file{'s' if self.file_count != 1 else ''} "
            f"from {self.process_count} process{'es' if self.process_count != 1 else ''}"
        )
        lines: list[str] = []
        if self.error is not None:
            lines.append(f"paradisco: coverage could not be combined: {self.error}")
            if self.failed:
                lines.append(
                    f"paradisco: fail-under {format_percent(self.fail_under or 0)}% fails "
                    "closed: no total to check"
                )
            return lines
        assert self.verdict is not None
        assert self.result is not None
        if self.shard is not None:
            lines.append(
                f"paradisco: coverage {self.verdict.shown}% on shard {self.shard.shard_id}/"
                f"{self.shard.shard_total}, partial data, not checked ({counts}); identity in "
                f"{_rel(self.identity_file or '')}"
            )
        else:
            lines.append(f"paradisco: coverage {self.verdict.comparison()} ({counts})")
        if self.running:
            lines.append(
                f"paradisco: left {len(self.running)} data file(s) of processes still running "
                f"out of the total: {', '.join(_rel(p) for p in self.running)}"
            )
        message = self.result.bad_message()
        if message is not None:
            lines.append(f"paradisco: {message}")
            if self.enforcing:
                if self.ignore_bad:
                    lines.append(
                        "paradisco: the threshold was decided on the usable data "
                        "(--paradisco-ignore-bad-data)"
                    )
                else:
                    lines.append(
                        "paradisco: the threshold fails closed while data is missing; "
                        "pass --paradisco-ignore-bad-data to decide on the usable data"
                    )
        return lines


def writer_running(path: str) -> bool:
    """Is the process that writes this parallel data file still running on this host?"""
    writer = process_of(path)
    host, _, pid = writer.rpartition(":")
    if not pid.isdigit() or host != socket.gethostname().replace(".", "_"):
        return False
    if int(pid) == os.getpid() or os.name == "nt":
        # On Windows os.kill(pid, 0) would terminate the process, not probe it.
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True
