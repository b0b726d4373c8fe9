"""Where turns are synthesised: the executor seam (a `concurrent.futures.Executor`) and the job."""

from __future__ import annotations

import multiprocessing
import os
import socket
import sys
import threading
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..config import AudioSettings
from ..errors import SynthesisError
from .engine import EngineNotInstalled
from .registry import speak


@dataclass(frozen=True)
class TurnJob:
    """One turn to synthesise: everything a worker needs, and no path on the client's disk."""

    key: str
    text: str
    engine: str
    voice: str
    rate: int
    pitch: float
    sample_rate: int  # the episode's: the worker resamples and levels the turn to it


@dataclass(frozen=True)
class SpokenTurn:
    """A synthesis job's result: the turn in the episode's format as FLAC, for the client to cache."""

    key: str
    flac: bytes
    seconds: float


# Engines hold native state and are used by one thread at a time (a Dask worker may run several).
_ENGINE_LOCK = threading.Lock()


def _dask_worker() -> str | None:
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
    return _dask_worker() or f"{socket.gethostname()} pid {os.getpid()}"


def synthesize_turn(job: TurnJob) -> SpokenTurn:
    """Speak one turn and bring it to the episode's format (resampled, levelled, FLAC); return it.

    Runs in a worker process; the engine is loaded once per process (see speech.get_engine).
    An engine or voice this worker lacks fails the turn naming the worker, as other workers may have it.
    """
    from ..audio.turnform import episode_turn  # audio depends on speech, not the other way round

    try:
        with _ENGINE_LOCK:
            audio = speak(job.engine, job.text, job.voice, job.rate, job.pitch)
    except SynthesisError as exc:
        # On a cluster an engine or voice may be missing on one machine only: say which.
        if isinstance(exc, EngineNotInstalled) or _dask_worker():
            raise type(exc)(f"on worker {worker_name()}: {exc}") from None
        raise
    turn = episode_turn(audio, AudioSettings(sample_rate=job.sample_rate))
    return SpokenTurn(key=job.key, flac=turn.flac, seconds=audio.duration)


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
