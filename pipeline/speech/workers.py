"""Where turns are synthesised: the executor seam (a `concurrent.futures.Executor`) and the job."""

from __future__ import annotations

import multiprocessing
import os
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


def make_executor(jobs: int) -> Executor:
    """A pool of `jobs` worker processes, or an inline executor for one job.

    Workers are spawned, not forked: a process forked after espeak was used hangs.
    """
    if jobs <= 1:
        return InlineExecutor()
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))
