"""Assemble spoken turns into one episode: level, resample, join once, encode MP3, tag."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
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
class SectionTiming:
    """Where a section starts and ends in the assembled episode, in seconds."""

    section: str
    start: float
    end: float


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


def assemble(segments: Iterable[Segment], settings: AudioSettings, wav_path: Path) -> list[SectionTiming]:
    """Write the turns, with pauses, to one WAV file and return each section's span.

    Turns are streamed to disk one by one, so memory holds one turn, not the programme.
    """
    timings: list[SectionTiming] = []
    frames = 0
    rate = settings.sample_rate
    with wave.open(str(wav_path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        lead = _silence(LEAD_IN_MS, settings)
        out.writeframes(lead)
        frames += len(lead) // 2
        current: str | None = None
        for segment in segments:
            if current is not None:
                pause_ms = settings.turn_pause_ms if segment.section == current else settings.section_pause_ms
                pause = _silence(pause_ms, settings)
                out.writeframes(pause)
                if segment.section != current:
                    timings[-1] = SectionTiming(current, timings[-1].start, frames / rate)
                frames += len(pause) // 2
            if segment.section != current:
                timings.append(SectionTiming(segment.section, frames / rate, frames / rate))
                current = segment.section
            pcm = to_episode_format(segment.audio, settings)
            out.writeframes(pcm)
            frames += len(pcm) // 2
        tail = _silence(TAIL_MS, settings)
        out.writeframes(tail)
        frames += len(tail) // 2
    if not timings:
        raise AudioError("an episode needs at least one turn")
    timings[-1] = SectionTiming(timings[-1].section, timings[-1].start, frames / rate)
    return timings


def encode_mp3(wav_path: Path, mp3_path: Path, settings: AudioSettings, tags: Tags) -> None:
    """Encode a WAV file to a tagged constant-bitrate mono MP3, replacing `mp3_path` atomically."""
    mp3_path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".encoding-", suffix=".mp3", dir=mp3_path.parent)
    os.close(handle)
    temp = Path(temp_name)
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
