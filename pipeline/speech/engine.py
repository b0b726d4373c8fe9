"""The speech-engine contract, the engine registry, and checked synthesis of one turn.

Also what every engine shares: the pace and sentence pauses of neural voices, a show's
pronunciation table put into a turn for one engine, and the default ("auto") cast.
"""

from __future__ import annotations

import array
import importlib
import re
import sys
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import ClassVar

from ..errors import SynthesisError

ENTRY_POINT_GROUP = "papercast.engines"

# Built-in engines as import paths, so an engine's package is imported only when used.
BUILTIN_ENGINES: dict[str, str] = {
    "pyttsx3": "pipeline.speech.engines.espeak:Pyttsx3Engine",
    "piper": "pipeline.speech.engines.piper:PiperEngine",
    "hibari": "pipeline.speech.engines.hibari:HibariEngine",
}
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


class Engine(ABC):
    """Text in, mono PCM out. One instance per process; engines may hold native state.

    Optional abilities, off by default: `supports_pitch` engines take a `pitch` keyword
    (semitones, 0 = the voice's own) in `synthesize`; engines with phoneme input return
    their inline markup from `phonemes_markup`.
    """

    name: ClassVar[str]
    supports_pitch: ClassVar[bool] = False

    @abstractmethod
    def voices(self) -> list[Voice]:
        """Every voice this engine can speak with on this machine."""

    @abstractmethod
    def default_voices(self) -> tuple[str, str]:
        """Two clearly different voices for the first and second host (the same one twice if it has one)."""

    @abstractmethod
    def synthesize(self, text: str, voice: str, rate: int) -> Audio:
        """Speak `text` with `voice` at `rate` words per minute; raise SynthesisError on failure."""

    def version(self) -> str:
        """What identifies this engine's output (package versions), for cache keys."""
        return "unknown"

    def voice_version(self, voice: str) -> str:
        """What identifies one voice's output (engine version and voice model), for cache keys."""
        return f"{self.version()}+{voice}"

    def phonemes_markup(self, word: str, ipa: str) -> str | None:
        """Inline text that makes this engine say `word` as the IPA `ipa`; None if it takes no phonemes."""
        return None


class EngineNotInstalled(SynthesisError):
    """An engine, or the package it wraps, is not installed."""


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
        hint = f"; install it with: {NEURAL_INSTALL}" if name in BUILTIN_ENGINES else ""
        raise EngineNotInstalled(f"speech engine {name!r} is not installed ({exc}){hint}") from None
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
# Phoneme markup counts as the one word it stands for: "[[ ... ]]" (piper), "[word](/.../)" (hibari).
_MARKUP = re.compile(r"\[\[.*?\]\]|\[([^\]]*)\]\(/[^)]*/\)")


def _words(text: str) -> list[str]:
    return _WORD.findall(_MARKUP.sub(lambda m: f" {m.group(1) or 'word'} ", text))


def expected_seconds(text: str, rate: int) -> float:
    """How long `text` should take at `rate` words per minute."""
    return len(_words(text)) * 60.0 / rate


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
            f"implausible audio length {audio.duration:.1f} s for {len(_words(text))} words "
            f"(expected about {expected:.1f} s)"
        )


def speak(engine_name: str, text: str, voice: str, rate: int, pitch: float = 0.0) -> Audio:
    """Synthesize one turn with `engine_name` and check the result is usable speech.

    `pitch` (semitones) is applied by engines that support it and ignored by the others.
    """
    engine = get_engine(engine_name)
    if pitch and engine.supports_pitch:
        audio = engine.synthesize(text, voice, rate, pitch=pitch)  # type: ignore[call-arg]
    else:
        audio = engine.synthesize(text, voice, rate)
    check_audio(audio, text, rate)
    return audio


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


# --- pronunciation -------------------------------------------------------------------------

@dataclass(frozen=True)
class Pronunciation:
    """How to say one word: a respelling every engine can read, and optionally its IPA phonemes."""

    say: str
    ipa: str = ""

    @classmethod
    def parse(cls, value: object) -> Pronunciation:
        """An entry of a pronunciation file: "respelling" or {say = "respelling", ipa = "IPA"}."""
        if isinstance(value, str) and value.strip():
            return cls(say=value.strip())
        if isinstance(value, Mapping):
            unknown = sorted(set(map(str, value)) - {"say", "ipa"})
            if unknown:
                raise ValueError(f"unknown key {unknown[0]!r} (use say and ipa)")
            say, ipa = value.get("say"), value.get("ipa", "")
            if not isinstance(say, str) or not say.strip():
                raise ValueError("needs say = \"a respelling\" (espeak and other engines without phonemes use it)")
            if not isinstance(ipa, str):
                raise ValueError("ipa must be a string")
            bad = sorted(set(ipa) & set("[]()<>{}"))
            if bad:
                raise ValueError(f"ipa contains {bad[0]!r}; give the bare phonemes, e.g. ipa = \"vˌeɪlənˈɛlə\"")
            return cls(say=say.strip(), ipa=normalise_ipa(ipa))
        raise ValueError("must be a respelling (a string) or a table with say and ipa")


def parse_pronunciations(data: Mapping[str, object]) -> tuple[dict[str, Pronunciation], list[str]]:
    """A pronunciation file's mapping (word -> entry) as a table, and a message per bad entry."""
    table: dict[str, Pronunciation] = {}
    problems: list[str] = []
    for word, value in data.items():
        if not isinstance(word, str) or not word.strip():
            problems.append(f"{word!r} is not a word")
            continue
        try:
            table[word.strip()] = Pronunciation.parse(value)
        except ValueError as exc:
            problems.append(f"{word}: {exc}")
    return table, problems


_VOWELS = set("aeiouyæɐɑɒɔəɘɛɜɞɤɨɪɯɵɶʉʊʌʏøœᵻɚɝAIOQWY")
# Common ways of writing a phoneme that the models' alphabets spell otherwise.
_IPA_SPELLING = {"g": "ɡ", "r": "ɹ", "ʤ": "dʒ", "ʧ": "tʃ", "ɫ": "l", "'": "ˈ", ",": "ˌ", "ˑ": ""}


def normalise_ipa(ipa: str) -> str:
    """IPA as espeak-ng writes it: ASCII g and r mapped, no delimiters or syllable dots, stress before the vowel.

    Dictionaries put the stress mark before the syllable ("vəˈlɒn"), the espeak-trained
    models expect it before the syllable's vowel ("vəlˈɒn").
    """
    ipa = ipa.strip().strip("/[]").replace(".", "")
    ipa = "".join(_IPA_SPELLING.get(c, c) for c in ipa)
    return re.sub(rf"([ˈˌ])([^{''.join(_VOWELS)}ˈˌ\s]+)", r"\2\1", ipa)


def apply_pronunciations(text: str, table: Mapping[str, Pronunciation], engine: str | Engine) -> str:
    """Put a pronunciation table into one turn's spoken text for one engine.

    A word is found as written or as its respelling (the spoken form puts respellings in), and
    replaced by the engine's phoneme markup when the entry has IPA and the engine takes phonemes,
    else by the respelling.
    """
    if not table:
        return text
    engine = get_engine(engine) if isinstance(engine, str) else engine
    replacement: dict[str, str] = {}
    for word, entry in table.items():
        markup = engine.phonemes_markup(word, entry.ipa) if entry.ipa else None
        for form in (word, entry.say):
            replacement.setdefault(form.casefold(), markup or entry.say)
    forms = sorted(replacement, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w\[/])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w\]/])", re.IGNORECASE)
    return pattern.sub(lambda m: replacement[m.group().casefold()], text)


# --- casting -------------------------------------------------------------------------------

# The default cast when the neural extra is installed: a male and a female voice, one per engine.
NEURAL_CAST = ("piper", "hibari")
FALLBACK_ENGINE = "pyttsx3"


def auto_cast(position: int) -> tuple[str, str, str | None]:
    """Engine and voice for host `position` (0 or 1) when the show says engine = "auto", and a notice on fallback.

    The neural voice for that position when its engine and voice are installed; otherwise
    pyttsx3's default voice for the position, with a one-line notice saying why.
    """
    name = NEURAL_CAST[position]
    try:
        engine = get_engine(name)
        voice = engine.default_voices()[position]
        if voice not in {v.id for v in engine.voices()}:
            raise SynthesisError(f"its voice {voice!r} is not installed")
        return name, voice, None
    except SynthesisError as exc:
        fallback = get_engine(FALLBACK_ENGINE).default_voices()[position]
        if isinstance(exc, EngineNotInstalled):  # the same line for both hosts, so it is shown once
            notice = f"neural voices not installed ({NEURAL_INSTALL}); using espeak-ng through pyttsx3"
        else:
            notice = f"neural engine {name} unavailable ({exc}); using espeak-ng through pyttsx3"
        return FALLBACK_ENGINE, fallback, notice
