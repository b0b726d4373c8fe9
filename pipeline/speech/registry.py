"""The engine registry (built-in engines and the `papercast.engines` entry points) and checked synthesis of one turn."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable
from importlib import metadata

from ..errors import SynthesisError
from .engine import NEURAL_INSTALL, Audio, Engine, EngineNotInstalled

ENTRY_POINT_GROUP = "papercast.engines"

# Built-in engines as import paths, so an engine's package is imported only when used.
BUILTIN_ENGINES: dict[str, str] = {
    "pyttsx3": "pipeline.speech.engines.espeak:Pyttsx3Engine",
    "piper": "pipeline.speech.engines.piper:PiperEngine",
    "hibari": "pipeline.speech.engines.hibari:HibariEngine",
}


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


def cast_can_say(engines: Iterable[str]) -> Callable[[str], bool]:
    """What every one of these engines can say as written (by engine name; classes only, nothing started)."""
    checks = []
    for name in engines:
        try:
            checks.append(_engine_class(name).can_say)
        except SynthesisError:  # an engine that cannot load is reported when it is cast, not here
            checks.append(Engine.can_say)
    return lambda text: all(check(text) for check in checks)


def voice_word_error_rate(engine: str, voice: str) -> float | None:
    """The measured word error rate of one engine's voice (see Engine.WORD_ERROR_RATES); None if unknown."""
    try:
        return _engine_class(engine).word_error_rate(voice)
    except SynthesisError:  # an engine that cannot load is reported when it is cast, not here
        return None


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

