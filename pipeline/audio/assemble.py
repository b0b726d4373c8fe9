"""Assemble spoken turns into one episode WAV: level, resample, join once, and where each turn and section lies."""

from __future__ import annotations

import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydub import AudioSegment

from ..config import AudioSettings
from ..errors import AudioError
from ..speech.engine import Audio

# Every turn is brought to this loudness so both hosts, and engines that speak at
# different levels, sound equally loud; the peak limit keeps loud turns from clipping.
TURN_LEVEL_DBFS = -20.0
PEAK_LIMIT_DBFS = -1.0
LEAD_IN_MS = 300
TAIL_MS = 1000



@dataclass(frozen=True)
class Segment:
    """One turn's audio and the section (chapter) it belongs to."""

    section: str
    audio: Audio


@dataclass(frozen=True)
class Span:
    """Where a turn (or a section) starts and ends in the assembled episode, in seconds."""

    section: str
    start: float
    end: float


@dataclass(frozen=True)
class Timeline:
    """Every turn's span in the assembled episode, and the episode's length."""

    turns: tuple[Span, ...]
    duration: float

    def sections(self) -> list[Span]:
        """One span per section, back to back from 0 to the end (as chapters are)."""
        starts: list[Span] = []
        for turn in self.turns:
            if not starts or starts[-1].section != turn.section:
                starts.append(turn)
        spans = []
        for index, first in enumerate(starts):
            start = 0.0 if index == 0 else first.start
            end = starts[index + 1].start if index + 1 < len(starts) else self.duration
            spans.append(Span(first.section, start, end))
        return spans


def to_episode_format(audio: Audio, settings: AudioSettings) -> bytes:
    """Resample one turn to the episode's rate and bring it to the common level."""
    segment = AudioSegment(data=audio.pcm, sample_width=2, frame_rate=audio.sample_rate, channels=1)
    if segment.frame_rate != settings.sample_rate:
        segment = segment.set_frame_rate(settings.sample_rate)
    if segment.rms > 0:
        gain = TURN_LEVEL_DBFS - segment.dBFS
        gain = min(gain, PEAK_LIMIT_DBFS - segment.max_dBFS)
        segment = segment.apply_gain(gain)
    return segment.raw_data


def _silence(ms: int, settings: AudioSettings) -> bytes:
    return b"\x00\x00" * (settings.sample_rate * ms // 1000)


def assemble(segments: Iterable[Segment], settings: AudioSettings, wav_path: Path) -> Timeline:
    """Write the turns, with pauses, to one WAV file and return where each turn lies.

    Turns are streamed to disk one by one, so memory holds one turn, not the programme.
    """
    spans: list[Span] = []
    frames = 0
    rate = settings.sample_rate
    with wave.open(str(wav_path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)

        def write(pcm: bytes) -> None:
            nonlocal frames
            out.writeframes(pcm)
            frames += len(pcm) // 2

        write(_silence(LEAD_IN_MS, settings))
        for segment in segments:
            if spans:
                same = segment.section == spans[-1].section
                write(_silence(settings.turn_pause_ms if same else settings.section_pause_ms, settings))
            start = frames / rate
            write(to_episode_format(segment.audio, settings))
            spans.append(Span(segment.section, start, frames / rate))
        write(_silence(TAIL_MS, settings))
    if not spans:
        raise AudioError("an episode needs at least one turn")
    return Timeline(turns=tuple(spans), duration=frames / rate)


