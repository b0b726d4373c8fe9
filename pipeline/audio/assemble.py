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


class _Layout:
    """Where each turn goes: the one arithmetic both the WAV writer and `layout` use, so their times agree."""

    def __init__(self, settings: AudioSettings) -> None:
        self.settings = settings
        self.spans: list[Span] = []
        self.frames = settings.sample_rate * LEAD_IN_MS // 1000

    def pause_before(self, section: str) -> bytes:
        """The silence that goes before a turn of `section` (none before the first)."""
        if not self.spans:
            return b""
        same = section == self.spans[-1].section
        pause = _silence(self.settings.turn_pause_ms if same else self.settings.section_pause_ms, self.settings)
        self.frames += len(pause) // 2
        return pause

    def add(self, section: str, frames: int) -> None:
        """A turn of `frames` frames follows."""
        rate = self.settings.sample_rate
        start = self.frames / rate
        self.frames += frames
        self.spans.append(Span(section, start, self.frames / rate))

    def timeline(self) -> Timeline:
        """The finished layout, the tail included."""
        if not self.spans:
            raise AudioError("an episode needs at least one turn")
        total = self.frames + self.settings.sample_rate * TAIL_MS // 1000
        return Timeline(turns=tuple(self.spans), duration=total / self.settings.sample_rate)


def layout(turns: Iterable[tuple[str, int]], settings: AudioSettings) -> Timeline:
    """The timeline of an episode whose turns are these (section, length in frames at the episode rate)."""
    place = _Layout(settings)
    for section, frames in turns:
        place.pause_before(section)
        place.add(section, frames)
    return place.timeline()


def join_turns(turns: Iterable[tuple[str, bytes]], settings: AudioSettings, wav_path: Path) -> Timeline:
    """Write turns already in the episode's format (section, PCM), with pauses, to one WAV; return the timeline.

    Turns are streamed to disk one by one, so memory holds one turn, not the programme.
    """
    place = _Layout(settings)
    with wave.open(str(wav_path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(settings.sample_rate)
        out.writeframes(_silence(LEAD_IN_MS, settings))
        for section, pcm in turns:
            out.writeframes(place.pause_before(section))
            out.writeframes(pcm)
            place.add(section, len(pcm) // 2)
        out.writeframes(_silence(TAIL_MS, settings))
    return place.timeline()


def assemble(segments: Iterable[Segment], settings: AudioSettings, wav_path: Path) -> Timeline:
    """Level and resample each engine's turn (see `to_episode_format`), then join them (see `join_turns`)."""
    return join_turns(((s.section, to_episode_format(s.audio, settings)) for s in segments), settings, wav_path)
