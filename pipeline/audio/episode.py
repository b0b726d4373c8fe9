"""An episode's own step as a job: join its turns (already in the episode's format) and encode once, anywhere.

The job carries everything as data (turns as FLAC, the cover's bytes), so it runs the same in
this process, in a local worker or on another machine, and its result is the finished file's bytes.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..config import AudioSettings
from ..errors import AudioError
from .assemble import Timeline, join_turns
from .encoder import Chapter, Tags
from .loudness import Loudness
from .mp3 import encode_mp3
from .turnform import decode_flac


@dataclass(frozen=True)
class EpisodeJob:
    """One episode to join and encode: its turns (section, FLAC), settings, tags and chapters."""

    stem: str
    turns: tuple[tuple[str, bytes], ...]
    settings: AudioSettings
    tags: Tags  # tags.cover is ignored: the cover travels as bytes
    chapters: tuple[Chapter, ...]
    cover: bytes = b""
    cover_suffix: str = ".png"
    timeline: Timeline | None = None  # what the client laid out; the join must agree


@dataclass(frozen=True)
class EncodedEpisode:
    """An encoded, tagged episode file's bytes, with its measured loudness and timeline."""

    stem: str
    data: bytes
    loudness: Loudness
    timeline: Timeline


def _pcm(job: EpisodeJob) -> Iterator[tuple[str, bytes]]:
    """The job's turns decoded one at a time (memory holds one decoded turn)."""
    for number, (section, flac) in enumerate(job.turns, start=1):
        audio = decode_flac(flac)
        if audio.sample_rate != job.settings.sample_rate:
            raise AudioError(f"turn {number} is at {audio.sample_rate} Hz, not the episode's "
                             f"{job.settings.sample_rate} Hz")
        yield section, audio.pcm


def encode_episode(job: EpisodeJob) -> EncodedEpisode:
    """Join the turns into one WAV and encode it to a tagged MP3 at the loudness target; return its bytes."""
    # A scratch folder of the process that runs the job: nothing here refers to the client's disk.
    with tempfile.TemporaryDirectory(prefix="papercast-episode-") as scratch:
        folder = Path(scratch)
        timeline = join_turns(_pcm(job), job.settings, folder / "episode.wav")
        if job.timeline is not None and timeline != job.timeline:
            raise AudioError(f"{job.stem}: the joined turns do not match the layout the chapters were timed by")
        tags = dataclasses.replace(job.tags, cover=None)  # a path on the client means nothing here
        if job.cover:
            cover = folder / f"cover{job.cover_suffix}"
            cover.write_bytes(job.cover)
            tags = dataclasses.replace(tags, cover=cover)
        out = folder / f"{job.stem}.mp3"
        loudness = encode_mp3(folder / "episode.wav", out, job.settings, tags, job.chapters)
        return EncodedEpisode(stem=job.stem, data=out.read_bytes(), loudness=loudness, timeline=timeline)
