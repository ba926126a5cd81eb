"""The worker pool with real processes and real signals: results in order, errors named,
a dead worker's task retried once, a task past the time limit stopped."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from pytest_paradisco.discover.pool import describe_exit, run_tasks


def square(task: int) -> int:
    if task == 13:
        raise ValueError("unlucky")
    return task * task


def die_once(task: tuple[str, int]) -> int:
    """Kill this worker the first time it meets task 2 (a marker file remembers). Task 3
    takes long enough that the other worker is still busy when the death is seen, so
    the pool must start a replacement, on a loaded machine too."""
    marker, value = task
    if value == 2 and not os.path.exists(marker):
        Path(marker).write_text("died")
        os.kill(os.getpid(), signal.SIGKILL)
    if value == 3:
        time.sleep(2)
    return value * 10


def always_die(task: int) -> int:
    if task == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return task


def slow(task: float) -> float:
    time.sleep(task)
    return task


def report_pid(task: tuple[str, int]) -> int:
    """The test kills this worker from outside, while it sleeps."""
    pid_file, value = task
    first = Path(pid_file + ".first")
    if value == 0 and not first.exists():
        first.write_text("")
        Path(pid_file).write_text(str(os.getpid()))
        time.sleep(60)
    return value


def test_in_process_and_pool_give_the_same_outcomes() -> None:
    tasks = [1, 2, 13, 4]
    serial = run_tasks(square, tasks, workers=0)
    pooled = run_tasks(square, tasks, workers=2)
    assert [o.result for o in serial.outcomes] == [1, 4, None, 16]
    assert serial.outcomes == pooled.outcomes
    assert pooled.outcomes[2].kind == "error"
    assert pooled.outcomes[2].message == "ValueError: unlucky"
    assert (serial.workers, pooled.workers) == (0, 2)


def test_a_dead_workers_task_is_retried_once(tmp_path: Path) -> None:
    marker = str(tmp_path / "marker")
    run = run_tasks(die_once, [(marker, v) for v in range(4)], workers=2)
    assert [o.result for o in run.outcomes] == [0, 10, 20, 30]
    assert run.outcomes[2].retried
    assert run.deaths == ["worker killed by SIGKILL"]
    assert run.restarts >= 1


def test_a_task_that_kills_its_worker_twice_is_an_error() -> None:
    cleaned: list[int] = []
    run = run_tasks(always_die, [0, 1, 2, 3], workers=2, cleanup=cleaned.append)
    assert [o.result for o in run.outcomes] == [0, None, 2, 3]
    assert len(cleaned) == 2  # each dead worker's slot, before it was used again
    assert set(cleaned) <= {0, 1, 2}
    assert run.outcomes[1].kind == "worker"
    assert "SIGKILL" in (run.outcomes[1].message or "")


def test_a_worker_killed_from_outside(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"

    seen: list[tuple[int, int]] = []

    def killer() -> None:
        for _ in range(600):
            if pid_file.exists() and pid_file.read_text():
                os.kill(int(pid_file.read_text()), signal.SIGTERM)
                pid_file.unlink()
                return
            time.sleep(0.05)

    thread = threading.Thread(target=killer)
    thread.start()
    run = run_tasks(
        report_pid,
        [(str(pid_file), v) for v in range(3)],
        workers=1,
        progress=lambda done, total: seen.append((done, total)),
    )
    thread.join()
    assert [o.result for o in run.outcomes] == [0, 1, 2]
    assert run.deaths == ["worker killed by SIGTERM"]
    assert run.outcomes[0].retried
    assert seen[-1] == (3, 3)


def test_a_task_past_the_time_limit_is_stopped_in_a_worker_and_in_process() -> None:
    for workers in (0, 1):
        cleaned: list[int] = []
        run = run_tasks(slow, [0.0, 5.0, 0.0], workers=workers, timeout=0.5, cleanup=cleaned.append)
        assert cleaned == [0]
        assert [o.kind for o in run.outcomes] == [None, "timeout", None]
        assert run.outcomes[1].message == "ran past 0.5 s"
        assert run.outcomes[2].result == 0.0


def test_a_pool_that_cannot_start_falls_back_to_in_process() -> None:
    """A Python executable that does not exist: no worker process can start."""
    from multiprocessing import spawn

    previous = spawn.get_executable()
    multiprocessing.set_executable("/nonexistent/python")
    try:
        run = run_tasks(square, [1, 2, 3], workers=2)
    finally:
        multiprocessing.set_executable(os.fsdecode(previous) if previous else previous)
    assert run.fallback is not None
    assert run.workers == 0
    assert [o.result for o in run.outcomes] == [1, 4, 9]


@pytest.mark.parametrize(
    ("code", "text"),
    [(-9, "killed by SIGKILL"), (3, "exited with status 3"), (None, "did not exit")],
)
def test_describe_exit(code: int | None, text: str) -> None:
    assert describe_exit(code) == text
