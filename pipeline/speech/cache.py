"""The turn cache: synthesised audio stored by a hash of everything that shapes it."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import wave
from pathlib import Path

from ..config import Host
from ..fsutil import atomic_write
from .engine import Audio
from .registry import get_engine


@functools.cache
def voice_version(engine: str, voice: str) -> str:
    """The version of an engine's voice (package and model), remembered for the life of the process."""
    # Package metadata (and a model file's hash) is slow to read; a build asks once per turn.
    return get_engine(engine).voice_version(voice)


def turn_key(text: str, host: Host) -> str:
    """A hash of everything that shapes a turn's audio: text, engine, voice and their versions, rate, pitch."""
    fingerprint = {
        "text": text, "engine": host.engine, "voice": host.voice, "rate": host.rate, "pitch": host.pitch,
        "engine_version": voice_version(host.engine, host.voice),
    }
    return hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()


class TurnCache:
    """Synthesised turns as WAV files named by their key.

    Entries are written atomically, so an interrupted build leaves only whole files, and
    the folder is safe to delete at any time (turns are then synthesised again).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        """Where the turn with this key is (or would be) stored."""
        return self.folder / key[:2] / f"{key}.wav"

    def __contains__(self, key: str) -> bool:
        return self.path(key).is_file()

    def get(self, key: str) -> Audio | None:
        """The cached audio for `key`, or None when it is missing or unreadable."""
        try:
            with wave.open(str(self.path(key)), "rb") as wav:
                return Audio(pcm=wav.readframes(wav.getnframes()), sample_rate=wav.getframerate())
        except (OSError, wave.Error, EOFError):
            return None

    def put(self, key: str, audio: Audio) -> None:
        """Store a turn's audio."""
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(audio.sample_rate)
            wav.writeframes(audio.pcm)
        atomic_write(self.path(key), buffer.getvalue())

    # --- turns as episodes use them ------------------------------------------------------
    # A turn is cached as the workers send it: already resampled to the episode's rate and
    # levelled, as FLAC. The rate is in the name, so a show at another rate keeps its own.

    def turn_path(self, key: str, rate: int) -> Path:
        """Where the turn with this key is stored in the episode's format at `rate` Hz."""
        return self.folder / key[:2] / f"{key}.{rate}.flac"

    def has_turn(self, key: str, rate: int) -> bool:
        """Whether the turn is cached in the episode's format."""
        return self.turn_path(key, rate).is_file()

    def turn(self, key: str, rate: int) -> bytes | None:
        """The turn's FLAC, or None when it is missing or unreadable."""
        try:
            return self.turn_path(key, rate).read_bytes()
        except OSError:
            return None

    def put_turn(self, key: str, rate: int, flac: bytes) -> None:
        """Store a turn in the episode's format, as FLAC."""
        atomic_write(self.turn_path(key, rate), flac)
