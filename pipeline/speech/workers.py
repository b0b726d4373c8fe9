"""Where jobs run: the executor seam (a `concurrent.futures.Executor`), which worker runs one, how one is lost."""

from __future__ import annotations

import multiprocessing
import os
import socket
import sys
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from typing import Any


def dask_worker() -> str | None:
    """The Dask worker running this task, by name and address; None outside one."""
    distributed = sys.modules.get("distributed")  # imported only in a Dask worker (or a Dask client)
    if distributed is None:
        return None
    try:
        worker = distributed.get_worker()
    except ValueError:
        return None
    return f"{worker.name} at {worker.address}"


def worker_name() -> str:
    """Which worker this is, for errors that only some workers have: the Dask worker's name, else host and pid."""
    return dask_worker() or f"{socket.gethostname()} pid {os.getpid()}"


class InlineExecutor(Executor):
    """Runs each job at once in this process: for --jobs 1 and for debugging."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the future carries it, as a pool's would
            future.set_exception(exc)
        return future


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def make_executor(jobs: int) -> Executor:
    """A pool of `jobs` worker processes, or an inline executor for one job.

    Workers are spawned, not forked: a process forked after espeak was used hangs.
    """
    if jobs <= 1:
        return InlineExecutor()
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))


def lost_worker_errors() -> tuple[type[BaseException], ...]:
    """The errors a job's future raises when the process running it died, for this kind of executor."""
    errors: list[type[BaseException]] = [BrokenExecutor]
    distributed = sys.modules.get("distributed")
    if distributed is not None:
        # A task whose workers kept dying (after the scheduler's allowed failures), or a lost connection.
        from distributed.scheduler import KilledWorker

        errors.append(KilledWorker)
    return tuple(errors)
