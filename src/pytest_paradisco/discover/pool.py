"""Run per-file work in worker processes: one task at a time per worker, so the file a
worker was on when it died or ran past the time limit is known exactly.

Workers are started once and kept for the whole run (a fresh process pays for its
imports and Jedi's first answers), each takes the next task as soon as it is free,
and tasks are handed out in the order given (the mapper gives the largest files first,
so that the run does not end waiting on one worker's long last file).

- A worker that dies (a signal, ``os._exit``, out of memory) is replaced and its task
  retried once on another worker; dying again makes the task an error.
- A task that runs past ``timeout`` seconds has its worker killed and replaced; the
  task is an error (it is not retried: it would run just as long again).
- An exception raised by the function is the task's error.
- If no worker can be started at all, the tasks run in this process and
  :attr:`PoolRun.fallback` says why (the caller warns once).

``initializer(initarg, slot)`` runs once in each worker; ``slot`` (0 .. workers-1) is
reused by the worker that replaces a dead one, so per-worker state on disk (Jedi's
parse cache) is never shared by two live processes. ``workers=0`` runs the same
function in this process, with the same time limit (by
``SIGALRM`` where the platform has it and this is the main thread).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: How long a new worker may take to import and initialise before it counts as failed.
START_TIMEOUT = 120.0


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """One task's end: a result, or an error of kind ``timeout``, ``worker`` (the
    worker died twice on it) or ``error`` (the function raised)."""

    result: R | None = None
    kind: str | None = None
    message: str | None = None
    retried: bool = False


@dataclass
class PoolRun(Generic[R]):
    outcomes: list[Outcome[R]]
    workers: int  # processes used (0: in-process)
    fallback: str | None = None  # why the pool could not start, when it could not
    restarts: int = 0
    deaths: list[str] = field(default_factory=list)


class _Timeout(BaseException):
    """Raised by SIGALRM in-process; a BaseException so library code's broad
    ``except Exception`` does not swallow it."""


def _worker_main(
    conn: Connection,
    fn: Callable[[Any], Any],
    initializer: Callable[[Any, int], None] | None,
    initarg: Any,
    slot: int,
) -> None:
    try:
        if initializer is not None:
            initializer(initarg, slot)
    except BaseException as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        index, task = message
        try:
            result = fn(task)
        except BaseException as exc:
            conn.send(("raised", index, f"{type(exc).__name__}: {exc}"))
        else:
            conn.send(("done", index, result))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    slot: int
    task: int | None = None
    started: float = 0.0
    ready: bool = False


def describe_exit(code: int | None) -> str:
    if code is None:
        return "did not exit"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with status {code}"


def run_tasks(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int,
    timeout: float | None = None,
    initializer: Callable[[Any, int], None] | None = None,
    initarg: Any = None,
    progress: Callable[[int, int], None] | None = None,
    cleanup: Callable[[int], None] | None = None,
) -> PoolRun[R]:
    """Run ``fn`` over ``tasks``; outcomes come back in the order of ``tasks``.

    ``cleanup(slot)`` runs after a task was cut short in that slot (a worker killed or
    dead, an in-process timeout), before the slot is used again: state the task may
    have left half-written (Jedi's pickles) is removed there."""
    if workers <= 0 or not tasks:
        return _in_process(
            fn, tasks, timeout, initializer, initarg, progress, workers=0, cleanup=cleanup
        )
    pool = _Pool(fn, tasks, workers, timeout, initializer, initarg, progress, cleanup)
    return pool.run()


def _in_process(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    timeout: float | None,
    initializer: Callable[[Any, int], None] | None,
    initarg: Any,
    progress: Callable[[int, int], None] | None,
    *,
    workers: int,
    fallback: str | None = None,
    done: dict[int, Outcome[R]] | None = None,
    cleanup: Callable[[int], None] | None = None,
) -> PoolRun[R]:
    outcomes: dict[int, Outcome[R]] = dict(done or {})
    if initializer is not None and len(outcomes) < len(tasks):
        initializer(initarg, 0)
    alarm = (
        timeout is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    for index, task in enumerate(tasks):
        if index in outcomes:
            continue
        previous: Any = None
        armed = [False]

        def expire(signum: int, frame: object, armed: list[bool] = armed) -> None:
            # only while fn runs: never from our own bookkeeping after it returned
            if armed[0]:
                armed[0] = False
                raise _Timeout

        if alarm:
            assert timeout is not None
            previous = signal.signal(signal.SIGALRM, expire)
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            armed[0] = True
            result = fn(task)
            armed[0] = False
            outcomes[index] = Outcome(result=result)
        except _Timeout:
            outcomes[index] = Outcome(kind="timeout", message=f"ran past {timeout:g} s")
            if cleanup is not None:
                cleanup(0)
        except Exception as exc:
            outcomes[index] = Outcome(kind="error", message=f"{type(exc).__name__}: {exc}")
        finally:
            armed[0] = False
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        if progress is not None:
            progress(len(outcomes), len(tasks))
    return PoolRun([outcomes[i] for i in range(len(tasks))], workers, fallback)


class _Pool(Generic[T, R]):
    def __init__(
        self,
        fn: Callable[[T], R],
        tasks: Sequence[T],
        workers: int,
        timeout: float | None,
        initializer: Callable[[Any, int], None] | None,
        initarg: Any,
        progress: Callable[[int, int], None] | None,
        cleanup: Callable[[int], None] | None = None,
    ) -> None:
        self.fn = fn
        self.cleanup = cleanup
        self.tasks = tasks
        self.size = min(workers, len(tasks))
        self.timeout = timeout
        self.initializer = initializer
        self.initarg = initarg
        self.progress = progress
        # spawn: the same behaviour on every platform, and no fork of a process that
        # may hold threads (pytest plugins, coverage)
        self.mp = multiprocessing.get_context("spawn")
        self.workers: list[_Worker] = []
        self.queue: list[int] = list(range(len(tasks)))
        self.attempts: dict[int, int] = {}
        self.outcomes: dict[int, Outcome[R]] = {}
        self.restarts = 0
        self.deaths: list[str] = []
        self.ever_ready = False

    def _start(self) -> _Worker | None:
        used = {worker.slot for worker in self.workers}
        slot = min(set(range(self.size + 1)) - used)
        parent, child = self.mp.Pipe()
        process = self.mp.Process(
            target=_worker_main,
            args=(child, self.fn, self.initializer, self.initarg, slot),
            daemon=True,
            name="paradisco-map",
        )
        try:
            process.start()
        except Exception:
            parent.close()
            child.close()
            return None
        child.close()
        worker = _Worker(process, parent, slot, started=time.monotonic())
        self.workers.append(worker)
        return worker

    def run(self) -> PoolRun[R]:
        try:
            for _ in range(self.size):
                if self._start() is None:
                    break
            if not self.workers:
                return self._fallback("no worker process could be started")
            while len(self.outcomes) < len(self.tasks):
                if not self.workers:
                    if not self.ever_ready:
                        return self._fallback("worker processes failed to start")
                    if self._start() is None:
                        return self._fallback("no worker process could be restarted")
                self._dispatch()
                self._wait()
            return PoolRun(
                [self.outcomes[i] for i in range(len(self.tasks))],
                self.size,
                restarts=self.restarts,
                deaths=self.deaths,
            )
        finally:
            self._shutdown()

    def _fallback(self, why: str) -> PoolRun[R]:
        self._shutdown()
        return _in_process(
            self.fn,
            self.tasks,
            self.timeout,
            self.initializer,
            self.initarg,
            self.progress,
            workers=0,
            fallback=why,
            done=self.outcomes,
            cleanup=self.cleanup,
        )

    def _dispatch(self) -> None:
        for worker in self.workers:
            if worker.ready and worker.task is None and self.queue:
                index = self.queue.pop(0)
                try:
                    worker.conn.send((index, self.tasks[index]))
                except (OSError, ValueError):
                    self.queue.insert(0, index)
                    continue
                worker.task = index
                worker.started = time.monotonic()

    def _wait(self) -> None:
        deadline = self._next_deadline()
        handles: list[Any] = []
        for worker in self.workers:
            handles += [worker.conn, worker.process.sentinel]
        delay = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready = multiprocessing.connection.wait(handles, timeout=delay)
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.conn in ready:
                try:
                    while worker.conn.poll():
                        self._message(worker, worker.conn.recv())
                except (EOFError, OSError):
                    self._died(worker)
                    continue
            if worker in self.workers and worker.process.sentinel in ready:
                self._died(worker)
            elif worker in self.workers:
                self._check_time(worker, now)

    def _next_deadline(self) -> float | None:
        deadlines = []
        for worker in self.workers:
            if not worker.ready:
                deadlines.append(worker.started + START_TIMEOUT)
            elif worker.task is not None and self.timeout is not None:
                deadlines.append(worker.started + self.timeout)
        return min(deadlines) if deadlines else None

    def _message(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        tag = message[0]
        if tag == "ready":
            worker.ready = True
            self.ever_ready = True
        elif tag == "failed":
            self.deaths.append(f"worker failed to start: {message[1]}")
            self._remove(worker)
        elif tag in ("done", "raised"):
            index = message[1]
            retried = self.attempts.get(index, 0) > 0
            if tag == "done":
                self.outcomes[index] = Outcome(result=message[2], retried=retried)
            else:
                self.outcomes[index] = Outcome(kind="error", message=message[2], retried=retried)
            worker.task = None
            if self.progress is not None:
                self.progress(len(self.outcomes), len(self.tasks))

    def _check_time(self, worker: _Worker, now: float) -> None:
        if not worker.ready and now - worker.started > START_TIMEOUT:
            self.deaths.append(f"worker did not start within {START_TIMEOUT:g} s")
            self._remove(worker, kill=True)
        elif (
            worker.task is not None
            and self.timeout is not None
            and now - worker.started > self.timeout
        ):
            index = worker.task
            self.outcomes[index] = Outcome(
                kind="timeout",
                message=f"ran past {self.timeout:g} s",
                retried=self.attempts.get(index, 0) > 0,
            )
            worker.task = None
            self._remove(worker, kill=True)
            self._replace()
            if self.progress is not None:
                self.progress(len(self.outcomes), len(self.tasks))

    def _died(self, worker: _Worker) -> None:
        worker.process.join(timeout=5)
        how = describe_exit(worker.process.exitcode)
        index = worker.task
        self._remove(worker)
        if not worker.ready:
            self.deaths.append(f"worker {how} while starting")
            return
        if index is not None:
            self.deaths.append(f"worker {how}")
            attempts = self.attempts.get(index, 0) + 1
            self.attempts[index] = attempts
            if attempts >= 2:
                self.outcomes[index] = Outcome(
                    kind="worker", message=f"worker {how}, twice (retried once)", retried=True
                )
                if self.progress is not None:
                    self.progress(len(self.outcomes), len(self.tasks))
            else:
                self.queue.insert(0, index)
        self._replace()

    def _replace(self) -> None:
        pending = len(self.queue) + sum(1 for w in self.workers if w.task is not None)
        if len(self.workers) < min(self.size, pending):
            self.restarts += 1
            self._start()

    def _remove(self, worker: _Worker, kill: bool = False) -> None:
        if worker in self.workers:
            self.workers.remove(worker)
        if kill and worker.process.is_alive():
            worker.process.kill()
            worker.process.join(timeout=5)
        worker.conn.close()
        if self.cleanup is not None:
            self.cleanup(worker.slot)

    def _shutdown(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        for worker in self.workers:
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=2)
            worker.conn.close()
        self.workers = []
