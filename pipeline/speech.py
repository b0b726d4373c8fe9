"""The speech-engine contract, the engine registry, and checked synthesis of one turn."""

from __future__ import annotations

import array
import importlib
import re
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from importlib import metadata
from typing import ClassVar

from .errors import SynthesisError

ENTRY_POINT_GROUP = "papercast.engines"

# Built-in engines as import paths, so an engine's package is imported only when used.
BUILTIN_ENGINES: dict[str, str] = {
    "pyttsx3": "pipeline.engines.espeak:Pyttsx3Engine",
}


@dataclass(frozen=True)
class Audio:
    """Mono signed 16-bit little-endian PCM and its sample rate."""

    pcm: bytes
    sample_rate: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.pcm) / 2 / self.sample_rate

    def peak(self) -> int:
        """Largest absolute sample value (0 means silence)."""
        samples = array.array("h", self.pcm)
        if sys.byteorder == "big":  # pragma: no cover - PCM is little-endian on disk and wire
            samples.byteswap()
        return max((abs(s) for s in samples), default=0)


@dataclass(frozen=True)
class Voice:
    """A voice an engine offers: the id to put in `papercast.toml` and a human description."""

    id: str
    name: str
    language: str = ""
    gender: str = ""


class Engine(ABC):
    """Text in, mono PCM out. One instance per process; engines may hold native state."""

    name: ClassVar[str]

    @abstractmethod
    def voices(self) -> list[Voice]:
        """Every voice this engine can speak with on this machine."""

    @abstractmethod
    def default_voices(self) -> tuple[str, str]:
        """Two clearly different voices for the first and second host."""

    @abstractmethod
    def synthesize(self, text: str, voice: str, rate: int) -> Audio:
        """Speak `text` with `voice` at `rate` words per minute; raise SynthesisError on failure."""

    def version(self) -> str:
        """What identifies this engine's output (package versions), for cache keys."""
        return "unknown"


def engine_names() -> list[str]:
    """Names of all engines: the built-in ones and those registered through entry points."""
    names = set(BUILTIN_ENGINES)
    names.update(ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP))
    return sorted(names)


def _engine_class(name: str) -> type[Engine]:
    target = BUILTIN_ENGINES.get(name)
    if target is None:
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            if ep.name == name:
                target = ep.value
                break
    if target is None:
        raise SynthesisError(f"unknown speech engine {name!r} (available: {', '.join(engine_names())})")
    module_name, _, attribute = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attribute)
    except ImportError as exc:
        raise SynthesisError(f"speech engine {name!r} is not installed ({exc})") from None
    if not (isinstance(cls, type) and issubclass(cls, Engine)):
        raise SynthesisError(f"speech engine {name!r} ({target}) does not implement pipeline.speech.Engine")
    return cls


_instances: dict[str, Engine] = {}


def get_engine(name: str) -> Engine:
    """The process's single instance of engine `name`, created on first use."""
    engine = _instances.get(name)
    if engine is None:
        engine = _engine_class(name)()
        _instances[name] = engine
    return engine


_WORD = re.compile(r"\w+")


def expected_seconds(text: str, rate: int) -> float:
    """How long `text` should take at `rate` words per minute."""
    return len(_WORD.findall(text)) * 60.0 / rate


def check_audio(audio: Audio, text: str, rate: int) -> None:
    """Reject audio that is empty, silent, or far too short or long for its words."""
    if not audio.pcm:
        raise SynthesisError("the engine produced no audio")
    if audio.peak() < 64:
        raise SynthesisError("the engine produced only silence")
    expected = expected_seconds(text, rate)
    # Generous bounds: engines differ in pace, but a dropped sentence or a runaway
    # output falls outside them.
    low, high = 0.35 * expected, 3.0 * expected + 2.0
    if not low <= audio.duration <= high:
        raise SynthesisError(
            f"implausible audio length {audio.duration:.1f} s for {len(_WORD.findall(text))} words "
            f"(expected about {expected:.1f} s)"
        )


def speak(engine_name: str, text: str, voice: str, rate: int) -> Audio:
    """Synthesize one turn with `engine_name` and check the result is usable speech."""
    engine = get_engine(engine_name)
    audio = engine.synthesize(text, voice, rate)
    check_audio(audio, text, rate)
    return audio

