"""Where turns are synthesised: the executor seam (a `concurrent.futures.Executor`) and the job."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import TurnCache
from .registry import speak


@dataclass(frozen=True)
class TurnJob:
    """One turn to synthesise into the cache: everything a worker needs, and nothing else."""

    key: str
    text: str
    engine: str
    voice: str
    rate: int
    pitch: float
    cache_dir: str


def synthesize_turn(job: TurnJob) -> float:
    """Speak one turn and store it in the cache; returns its length in seconds.

    Runs in a worker process; the engine is loaded once per process (see speech.get_engine).
    """
    audio = speak(job.engine, job.text, job.voice, job.rate, job.pitch)
    TurnCache(Path(job.cache_dir)).put(job.key, audio)
    return audio.duration


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
