"""What runs on workers: a turn's synthesis job, which speaks it and brings it to the episode's format.

Jobs carry their input and return their result (no path on the build's disk), so they run the
same inline, in a local process pool or on a Dask cluster. An episode's own job is
`audio.episode.encode_episode`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .audio.turnform import episode_turn
from .config import AudioSettings
from .errors import SynthesisError
from .speech.engine import EngineNotInstalled
from .speech.registry import speak
from .speech.workers import dask_worker, undo_dask_malloc_trim, worker_name


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
    """A synthesis job's result: the turn in the episode's format as FLAC and its loudness figures, for the cache."""

    key: str
    flac: bytes
    seconds: float
    meter: bytes = b""


# Engines hold native state and are used by one thread at a time (a Dask worker may run several).
_ENGINE_LOCK = threading.Lock()


def synthesize_turn(job: TurnJob) -> SpokenTurn:
    """Speak one turn and bring it to the episode's format (resampled, levelled, FLAC); return it.

    Runs in a worker process; the engine is loaded once per process (see speech.get_engine).
    An engine or voice this worker lacks fails the turn naming the worker, as other workers may have it.
    """
    undo_dask_malloc_trim()
    try:
        with _ENGINE_LOCK:
            audio = speak(job.engine, job.text, job.voice, job.rate, job.pitch)
    except SynthesisError as exc:
        # On a cluster an engine or voice may be missing on one machine only: say which.
        if isinstance(exc, EngineNotInstalled) or dask_worker():
            raise type(exc)(f"on worker {worker_name()}: {exc}") from None
        raise
    turn = episode_turn(audio, AudioSettings(sample_rate=job.sample_rate))
    return SpokenTurn(key=job.key, flac=turn.flac, seconds=audio.duration, meter=turn.meter)
