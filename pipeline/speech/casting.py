"""Casting: which engine and voice each host speaks with, and how fast each actually speaks."""

from __future__ import annotations

import dataclasses

from ..config import AUTO_ENGINE, CONFIG_NAME, Host
from ..errors import ConfigError, SynthesisError, failure_reason
from .cache import TurnCache, turn_key
from .engine import NEURAL_INSTALL, EngineNotInstalled
from .registry import get_engine, speak, voice_word_error_rate

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


# About forty words of ordinary prose: long enough to measure a voice's pace.
CALIBRATION_TEXT = (
    "Researchers followed a large group of volunteers for two years and compared their daily "
    "habits with how their health changed over that time. The results were mixed, and the "
    "authors say that larger studies will be needed before anyone changes what they do."
)


def words_per_minute(hosts: tuple[Host, Host], cache: TurnCache) -> tuple[float, float]:
    """Each host's measured speaking pace, from a calibration passage spoken (once) in their voice.

    SynthesisError naming the host, engine and voice when a voice cannot speak it, whatever
    the engine raised: only the episodes that need a pace (those with a length) fail.
    """
    words = len(CALIBRATION_TEXT.split())
    paces = []
    for host in hosts:
        key = turn_key(CALIBRATION_TEXT, host)
        audio = cache.get(key)
        if audio is None:
            try:
                audio = speak(host.engine, CALIBRATION_TEXT, host.voice, host.rate, host.pitch)
                cache.put(key, audio)  # a full disk fails the episodes that needed it, like an engine's error
            except Exception as exc:  # an engine's own exception (onnxruntime's, say) is this host's failure too
                raise SynthesisError(f"measuring the pace of {host.name}'s voice (engine {host.engine}, voice "
                                     f"{host.voice}): {failure_reason(exc)}") from None
        paces.append(words * 60 / audio.duration)
    return paces[0], paces[1]


def cast(hosts: tuple[Host, Host], origin: str = CONFIG_NAME) -> tuple[tuple[Host, Host], list[str]]:
    """Each host's engine and voice as used, checked before anything is spoken.

    "auto" picks the neural cast when installed, else pyttsx3 (with a notice); an empty voice
    is the engine's default for the host's position. An engine that cannot load or a voice it
    lacks concerns every episode, so it is a ConfigError naming `origin` and the setting.
    """
    resolved, notices, problems = [], [], []
    for index, host in enumerate(hosts):
        if host.engine == AUTO_ENGINE:
            engine, voice, notice = auto_cast(index)
            host = dataclasses.replace(host, engine=engine, voice=voice)
            if notice and notice not in notices:
                notices.append(notice)
        host, problem = _checked(host, index)
        resolved.append(host)
        if problem:
            problems.append(problem)
    if problems:
        raise ConfigError(origin, problems)
    return (resolved[0], resolved[1]), notices


def _checked(host: Host, index: int) -> tuple[Host, str | None]:
    """The host with its voice filled in, and what is wrong with its engine or voice (None if nothing)."""
    setting = f"hosts[{index + 1}]"
    try:
        engine = get_engine(host.engine)
    except Exception as exc:  # an engine's package may fail to import or start in its own way
        return host, f"{setting}.engine {host.engine!r} ({host.name}) cannot be used: {failure_reason(exc)}"
    try:
        if not host.voice:
            host = dataclasses.replace(host, voice=engine.default_voices()[index])
        engine.check_voice(host.voice)
        engine.voice_version(host.voice)  # what every turn's cache key needs first (a voice file's hash)
    except Exception as exc:
        return host, f"{setting}.voice {host.voice!r} ({host.name}, engine {host.engine}): {failure_reason(exc)}"
    return host, None


def resolve_hosts(hosts: tuple[Host, Host], origin: str = CONFIG_NAME) -> tuple[Host, Host]:
    """The hosts as cast (see `cast`), without the notices."""
    return cast(hosts, origin)[0]


# How much clearer (word error rate, measured) a voice must be to take the reader's part from
# the second host: less than this is within a benchmark's run-to-run spread.
CLEARER_BY = 0.02


def reading_host(hosts: tuple[Host, Host]) -> int:
    """Which host reads the dense lines (titles, bylines, findings, recaps): the clearer voice.

    The templates write those lines for the second host (role B); the first host takes that
    part instead when their voice was measured clearer by at least CLEARER_BY. Hosts as cast.
    """
    rates = [voice_word_error_rate(host.engine, host.voice) for host in hosts]
    if rates[0] is not None and rates[1] is not None and rates[0] + CLEARER_BY <= rates[1]:
        return 0
    return 1
