"""The speech-engine contract (text in, mono PCM out) and what every engine shares: pace and sentence pauses."""

from __future__ import annotations

import array
import sys
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from ..errors import SynthesisError
from ..script.spoken import latin_only

# The neural engines are an optional extra, so a minimal install stays small.
NEURAL_INSTALL = "pip install 'papercast[neural]'"


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
    word_error_rate: float | None = None  # measured intelligibility (Engine.WORD_ERROR_RATES); None if never measured


class Engine(ABC):
    """Text in, mono PCM out. One instance per process; engines may hold native state.

    Optional abilities, off by default: `supports_pitch` engines take a `pitch` keyword
    (semitones, 0 = the voice's own) in `synthesize`; engines with phoneme input return
    their inline markup from `phonemes_markup`.
    """

    name: ClassVar[str]
    supports_pitch: ClassVar[bool] = False
    # Word error rate of each voice as measured by scripts/bench-wer (Whisper tiny.en over every
    # turn of the demo's three episodes, the same text in every voice): lower is clearer. The
    # cast gives the reader's part (titles, findings, recaps) to the clearer of its two voices.
    WORD_ERROR_RATES: ClassVar[dict[str, float]] = {}

    @abstractmethod
    def voices(self) -> list[Voice]:
        """Every voice this engine can speak with on this machine."""

    @abstractmethod
    def default_voices(self) -> tuple[str, str]:
        """Two clearly different voices for the first and second host (the same one twice if it has one)."""

    @abstractmethod
    def synthesize(self, text: str, voice: str, rate: int) -> Audio:
        """Speak `text` with `voice` at `rate` words per minute; raise SynthesisError on failure."""

    def check_voice(self, voice: str) -> None:
        """Raise SynthesisError unless `voice` is one this engine can speak with on this machine.

        Asked once per build before any turn is spoken, so a voice that is not there fails the
        build at once instead of every turn of every episode.
        """
        if voice not in {v.id for v in self.voices()}:
            raise SynthesisError(f"{self.name} has no voice {voice!r}; see `papercast voices`")

    def version(self) -> str:
        """What identifies this engine's output (package versions), for cache keys."""
        return "unknown"

    def voice_version(self, voice: str) -> str:
        """What identifies one voice's output (engine version and voice model), for cache keys."""
        return f"{self.version()}+{voice}"

    def phonemes_markup(self, word: str, ipa: str) -> str | None:
        """Inline text that makes this engine say `word` as the IPA `ipa`; None if it takes no phonemes."""
        return None

    @classmethod
    def word_error_rate(cls, voice: str) -> float | None:
        """How often a recogniser mishears `voice` (words wrong per word, measured); None if never measured."""
        return cls.WORD_ERROR_RATES.get(voice)

    @classmethod
    def can_say(cls, text: str) -> bool:
        """Whether this engine's voices read `text` as written; the spoken form replaces what they cannot.

        The default is Latin letters only (the spoken form names Greek letters before they get
        here): an English voice given Han characters says "Chinese letter". An engine whose voices
        read other scripts overrides this.
        """
        return latin_only(text)


class EngineNotInstalled(SynthesisError):
    """An engine, or the package it wraps, is not installed."""


NORMAL_RATE = 170


def rate_factor(rate: int) -> float:
    """How much faster than its natural pace a voice should speak at `rate` (170 = natural)."""
    # Neural voices have no words-per-minute setting, only a speed factor; 170 wpm is taken as
    # each voice's own pace, so a show keeps its feel when it changes engine.
    return min(2.0, max(0.5, rate / NORMAL_RATE))


# --- sentence pauses -----------------------------------------------------------------------

def _edges(samples: array.array, threshold: int) -> tuple[int, int]:
    """Index of the first and one past the last sample louder than `threshold` (0, 0 if none)."""
    start = next((i for i, s in enumerate(samples) if abs(s) > threshold), None)
    if start is None:
        return 0, 0
    end = len(samples)
    while abs(samples[end - 1]) <= threshold:
        end -= 1
    return start, end


def join_sentences(pieces: Sequence[bytes], sample_rate: int, pause: float, margin: float = 0.05) -> bytes:
    """Join per-sentence PCM with `pause` seconds between the speech of consecutive sentences.

    Each piece is trimmed to its speech plus `margin` seconds, so a pause is the same length
    whatever silence the engine left at a sentence's edges (hibari leaves 0.8 s, piper 0.2 s).
    """
    keep = int(margin * sample_rate)
    gap = b"\x00\x00" * max(0, int(pause * sample_rate) - 2 * keep)
    out: list[bytes] = []
    for pcm in pieces:
        samples = array.array("h", pcm)
        if sys.byteorder == "big":  # pragma: no cover
            samples.byteswap()
        peak = max((abs(s) for s in samples), default=0)
        start, end = _edges(samples, max(32, peak // 100))  # -40 dB below the sentence's peak
        if start == end:
            continue  # a silent piece (a lone punctuation mark): no pause for it either
        if out:
            out.append(gap)
        out.append(pcm[2 * max(0, start - keep): 2 * min(len(samples), end + keep)])
    return b"".join(out)


