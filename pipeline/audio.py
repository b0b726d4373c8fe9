"""Assemble spoken turns into one episode: level, resample, join once, encode MP3, tag."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import APIC, COMM, ID3, TALB, TCON, TDRC, TIT2, TPE1
from mutagen.mp3 import MP3, HeaderNotFoundError
from pydub import AudioSegment

from .config import AudioSettings
from .errors import AudioError
from .speech import Audio

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


@dataclass(frozen=True)
class Tags:
    """ID3 tags written into the episode file."""

    title: str
    artist: str
    album: str
    year: str
    comment: str = ""
    cover: Path | None = None


def ffmpeg_path() -> str:
    """The ffmpeg executable, or an AudioError that says how to install it."""
    found = shutil.which("ffmpeg")
    if found is None:
        raise AudioError("ffmpeg is not installed; install it with: apt-get install ffmpeg")
    return found


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


def encode_mp3(wav_path: Path, mp3_path: Path, settings: AudioSettings, tags: Tags) -> None:
    """Encode a WAV file to a tagged constant-bitrate mono MP3, replacing `mp3_path` atomically."""
    mp3_path.parent.mkdir(parents=True, exist_ok=True)
    # ffmpeg creates the temporary file itself, so it gets the umask's mode like any other file.
    temp = mp3_path.with_name(f".{mp3_path.stem}.{secrets.token_hex(6)}.mp3")
    try:
        command = [
            ffmpeg_path(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-i", str(wav_path), "-map_metadata", "-1",
            "-ac", "1", "-ar", str(settings.sample_rate),
            "-codec:a", "libmp3lame", "-b:a", settings.bitrate,
            # bitexact keeps the encoder's version string out, so equal input gives equal bytes.
            "-fflags", "+bitexact", "-flags:a", "+bitexact",
            "-id3v2_version", "0", "-write_id3v1", "0",
            "-f", "mp3", str(temp),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            message = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
            raise AudioError(f"ffmpeg could not encode {mp3_path.name}: {message}")
        write_tags(temp, tags)
        os.replace(temp, mp3_path)
    finally:
        temp.unlink(missing_ok=True)


def write_tags(mp3_path: Path, tags: Tags) -> None:
    """Write ID3v2.3 tags (title, artist, album, year, genre Podcast, cover art)."""
    # ffmpeg wrote no tags (-id3v2_version 0), so these are the file's only tags.
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TDRC(encoding=3, text=tags.year))
    id3.add(TCON(encoding=3, text="Podcast"))
    if tags.comment:
        id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
    if tags.cover is not None:
        mime = "image/png" if tags.cover.suffix.lower() == ".png" else "image/jpeg"
        id3.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=tags.cover.read_bytes()))
    id3.save(str(mp3_path), v2_version=3)


def mp3_duration(path: Path) -> float:
    """The real playing time of an MP3 file in seconds."""
    try:
        return float(MP3(str(path)).info.length)
    except (HeaderNotFoundError, OSError) as exc:
        raise AudioError(f"{path}: not a readable MP3 ({exc})") from None
