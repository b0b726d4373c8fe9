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


# glibc's mallopt parameters, and the values a worker gets back: trim only above 128 MiB, and take
# blocks up to 32 MiB (glibc's maximum) from the heap rather than fresh mappings.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_TRIM_BYTES, _MMAP_BYTES = 128 << 20, 32 << 20
_malloc_tuned = False


def undo_dask_malloc_trim() -> None:
    """In a Dask worker, give glibc back thresholds that suit synthesis (once per process).

    Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 so they return memory to the
    system at once; the neural engines allocate and free large buffers per sentence, and so
    page-faulted four times as often and spent 5 % more CPU (measured on hibari and Piper).
    """
    global _malloc_tuned
    if _malloc_tuned or dask_worker() is None:
        return
    _malloc_tuned = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_BYTES)
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_BYTES)
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to undo
        pass


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
