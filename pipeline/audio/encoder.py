"""The encoder contract: what turns an episode's WAV into the enclosure file, and the registry of encoders.

Another enclosure format is one module with an `Encoder` subclass, registered here by name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ..config import AudioSettings
from ..errors import AudioError


@dataclass(frozen=True)
class Chapter:
    """One chapter of the episode: a title, optional link, and its place in seconds."""

    title: str
    start: float
    end: float
    url: str = ""



@dataclass(frozen=True)
class Tags:
    """ID3 tags written into the episode file."""

    title: str
    artist: str
    album: str
    year: str
    comment: str = ""
    cover: Path | None = None




class Encoder(ABC):
    """One enclosure format: a single encoding run (through an ffmpeg filter), its tags, its duration."""

    name: ClassVar[str]
    suffix: ClassVar[str]  # ".mp3"
    mime_type: ClassVar[str]  # the enclosure's type in the feed
    version: ClassVar[int]  # changes whenever the same WAV would give different bytes, so builds re-encode
    loss_db: ClassVar[float] = 0.0  # how much quieter the codec's output is than its input

    @abstractmethod
    def encode(self, wav_path: Path, out_path: Path, settings: AudioSettings, audio_filter: str | None,
               what: str) -> None:
        """Encode `wav_path` to an untagged file at `out_path`, through the ffmpeg `audio_filter` if given."""

    @abstractmethod
    def write_tags(self, path: Path, tags: Tags, chapters: Sequence[Chapter] = ()) -> None:
        """Write the episode's tags and chapters into the encoded file."""

    @abstractmethod
    def duration(self, path: Path) -> float:
        """The encoded file's playing time in seconds, or an AudioError if it is not such a file."""


_ENCODERS: dict[str, type[Encoder]] = {}


def register_encoder(cls: type[Encoder]) -> type[Encoder]:
    """Make an encoder available by its name (usable as a class decorator)."""
    _ENCODERS[cls.name] = cls
    return cls


def get_encoder(name: str) -> Encoder:
    """A new instance of the encoder registered as `name`."""
    from . import mp3  # noqa: F401  (the built-in encoders register themselves on import)

    try:
        return _ENCODERS[name]()
    except KeyError:
        raise AudioError(f"unknown encoder {name!r} (available: {', '.join(sorted(_ENCODERS))})") from None
