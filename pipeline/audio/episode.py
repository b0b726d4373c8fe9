"""An episode's own step as a job: join its turns (already in the episode's format) and encode once, anywhere.

The job carries everything as data (the cover's bytes, the layout) and reads its turns from a
feed one at a time, so it runs the same in this process, in a local worker or on another
machine, memory never holds the episode's turns at once, and its result is the finished file's bytes.
Its loudness comes from the turns' own figures (see turnmeter), measured where they were spoken.
"""

from __future__ import annotations

import dataclasses
import tempfile
from abc import ABC, abstractmethod
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
from .turnmeter import EpisodeMeter, TurnLoudness, measure_turn


class TurnFeed(ABC):
    """Where an episode's job gets its turns, one at a time, in order."""

    @abstractmethod
    def turns(self) -> Iterator[tuple[bytes, bytes]]:
        """Each turn's FLAC and its loudness figures (b"" when the cache has none yet)."""


@dataclass(frozen=True)
class LoadedTurns(TurnFeed):
    """Turns already in memory: for an episode encoded in this process."""

    loaded: tuple[tuple[bytes, bytes], ...]

    def turns(self) -> Iterator[tuple[bytes, bytes]]:
        """The turns as given."""
        return iter(self.loaded)


@dataclass(frozen=True)
class EpisodeJob:
    """One episode to join and encode: its turns' sections and where to read them, settings, tags and chapters."""

    stem: str
    sections: tuple[str, ...]  # each turn's section, in order
    settings: AudioSettings
    tags: Tags  # tags.cover is ignored: the cover travels as bytes
    chapters: tuple[Chapter, ...]
    cover: bytes = b""
    cover_suffix: str = ".png"
    timeline: Timeline | None = None  # what the client laid out; the join must agree
    feed: TurnFeed | None = None  # given by the scheduler when the job is sent


@dataclass(frozen=True)
class EncodedEpisode:
    """An encoded, tagged episode file's bytes, with its measured loudness and timeline."""

    stem: str
    data: bytes
    loudness: Loudness
    timeline: Timeline


def _pcm(job: EpisodeJob, figures: list[TurnLoudness]) -> Iterator[tuple[str, bytes]]:
    """The job's turns decoded one at a time (memory holds one decoded turn); their figures go in `figures`."""
    if job.feed is None:
        raise AudioError(f"{job.stem}: the episode's job was sent without its turns")
    rate = job.settings.sample_rate
    fed = job.feed.turns()
    for number, section in enumerate(job.sections, start=1):
        flac, meter = next(fed, (b"", b""))
        if not flac:
            raise AudioError(f"turn {number} of {job.stem} is missing or damaged in the cache "
                             "(it is synthesised again on the next build)")
        audio = decode_flac(flac)
        if audio.sample_rate != rate:
            raise AudioError(f"turn {number} is at {audio.sample_rate} Hz, not the episode's {rate} Hz")
        try:
            figures.append(TurnLoudness.from_bytes(meter))
        except ValueError:  # cached by a papercast that measured the joined episode instead: measure it now
            figures.append(measure_turn(audio.pcm, rate))
        yield section, audio.pcm


def joined_loudness(timeline: Timeline, figures: list[TurnLoudness], rate: int) -> tuple[float, float]:
    """The joined episode's integrated loudness as played (LUFS) and true peak (dBTP), from its turns' figures."""
    meter = EpisodeMeter(rate)
    for span, turn in zip(timeline.turns, figures, strict=True):
        meter.add(round(span.start * rate), turn)
    result = meter.result(round(timeline.duration * rate))
    return max(result.integrated, -99.0), result.true_peak


def encode_episode(job: EpisodeJob) -> EncodedEpisode:
    """Join the turns into one WAV and encode it to a tagged MP3 at the loudness target; return its bytes."""
    # A scratch folder of the process that runs the job: nothing here refers to the client's disk.
    with tempfile.TemporaryDirectory(prefix="papercast-episode-") as scratch:
        folder = Path(scratch)
        figures: list[TurnLoudness] = []
        timeline = join_turns(_pcm(job, figures), job.settings, folder / "episode.wav")
        if job.timeline is not None and timeline != job.timeline:
            raise AudioError(f"{job.stem}: the joined turns do not match the layout the chapters were timed by")
        tags = dataclasses.replace(job.tags, cover=None)  # a path on the client means nothing here
        if job.cover:
            cover = folder / f"cover{job.cover_suffix}"
            cover.write_bytes(job.cover)
            tags = dataclasses.replace(tags, cover=cover)
        out = folder / f"{job.stem}.mp3"
        measured = joined_loudness(timeline, figures, job.settings.sample_rate)
        loudness = encode_mp3(folder / "episode.wav", out, job.settings, tags, job.chapters, measured)
        return EncodedEpisode(stem=job.stem, data=out.read_bytes(), loudness=loudness, timeline=timeline)
