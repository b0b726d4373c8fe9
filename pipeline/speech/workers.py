"""Where jobs run: the executor seam (a `concurrent.futures.Executor`), which worker runs one, how one is lost."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from pathlib import Path
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


def make_executor(jobs: int, scratch: Path | None = None) -> Executor:
    """A pool of `jobs` worker processes, or an inline executor for one job.

    Workers are spawned, not forked: a process forked after espeak was used hangs. Each
    exits when the build process dies, however it dies (see `follow_parent`), and keeps its
    temporary files (an engine's, say) in `scratch`, which the next build sweeps.
    """
    if jobs <= 1:
        return InlineExecutor()
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_worker, initargs=(os.getpid(), str(scratch) if scratch else None))


def start_worker(parent: int, scratch: str | None) -> None:
    """Set a worker process up: it follows its parent's death, and its temporary files go in `scratch`."""
    follow_parent(parent)
    if scratch is not None:
        # The worker is papercast's own process: its temporary files may all go in the build's folder.
        os.makedirs(scratch, exist_ok=True)
        tempfile.tempdir = scratch


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def follow_parent(parent: int) -> None:
    """Make this worker exit when process `parent` dies: a build killed with SIGKILL must not leave
    workers holding hundreds of megabytes of voice models for minutes.

    On Linux the kernel sends SIGKILL at the parent's death (PR_SET_PDEATHSIG); everywhere a
    daemon thread also checks once a second that the parent is still this process's parent.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux: the thread alone watches
        pass
    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="papercast-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    """Exit this process as soon as `parent` is no longer its parent."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def lost_worker_errors() -> tuple[type[BaseException], ...]:
    """The errors a job's future raises when the process running it died, for this kind of executor."""
    errors: list[type[BaseException]] = [BrokenExecutor]
    distributed = sys.modules.get("distributed")
    if distributed is not None:
        # A task whose workers kept dying (after the scheduler's allowed failures), or a lost connection.
        from distributed.scheduler import KilledWorker

        errors.append(KilledWorker)
    return tuple(errors)
