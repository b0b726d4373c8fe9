"""The show's settings (`papercast.toml`) and episode definitions, validated as a whole."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover - exercised only on Python 3.10
    pass

from ..publish.spec import (
    LOUDNESS_TARGET,
    default_bitrate,
)

CONFIG_NAME = "papercast.toml"
STATE_DIR_NAME = ".papercast"

# The engine name that picks the neural voices when installed, else espeak-ng (see speech.auto_cast).
AUTO_ENGINE = "auto"


@dataclass(frozen=True)
class Host:
    """One of the two presenters and the voice that speaks for them."""

    name: str
    engine: str = AUTO_ENGINE
    voice: str = ""
    rate: int = 170
    pitch: float = 0.0  # semitones, for engines that support it
    href: str = ""  # a page about the host (podcast:person href)
    img: str = ""  # a picture of the host (podcast:person img)


@dataclass(frozen=True)
class AudioSettings:
    """Everything about assembly and encoding that shapes the episode file."""

    # Mono: two voices that are both in the centre gain nothing from a second channel, and the
    # same quality costs half the bits. The bit rate is the lowest Apple recommends for them.
    channels: int = 1
    bitrate: str = default_bitrate(1)
    # Integrated loudness as played (a mono file metered as dual mono), LUFS.
    loudness: float = LOUDNESS_TARGET
    sample_rate: int = 44100
    turn_pause_ms: int = 350
    section_pause_ms: int = 800


@dataclass(frozen=True)
class BuildSettings:
    """Where a build runs: a Dask scheduler's address, or None for worker processes on this machine."""

    cluster: str | None = None


@dataclass(frozen=True)
class PapersSettings:
    """The show's reading list and how papers no episode names are grouped into new episodes."""

    reading_list: tuple[Path, ...] | None = None  # None: every paper file in papers/ (see sources.reading_list)
    max_per_episode: int = 5


@dataclass(frozen=True)
class PublishSettings:
    """Where `papercast publish` uploads feed/ (no credentials: those come from each backend's usual places)."""

    destination: str = ""  # a folder, sftp://user@host/path or s3://bucket/prefix; "" = give DEST
    url: str = ""  # the destination's public URL; base_url must equal it
    endpoint: str = ""  # an S3-compatible service's endpoint; "" = AWS (or AWS_ENDPOINT_URL)


@dataclass(frozen=True, kw_only=True)
class ShowConfig:
    """A show: its metadata, its hosts and the folders it reads from and writes to."""

    root: Path
    title: str
    description: str
    author: str
    owner_name: str
    owner_email: str
    base_url: str
    hosts: tuple[Host, Host]
    language: str = "en"
    category: str = "Science"
    subcategory: str = ""
    explicit: bool = False
    cover: Path | None = None
    audio: AudioSettings = AudioSettings()
    papers: PapersSettings = PapersSettings()
    build: BuildSettings = BuildSettings()
    publish: PublishSettings = PublishSettings()
    copyright: str = ""  # the channel's <copyright>, e.g. "© 2026 Jane Doe"
    license: str = ""  # podcast:license: an SPDX identifier such as CC-BY-4.0, or a name with license_url
    license_url: str = ""
    # psc:chapters in each item, the only chapters gPodder reads; the W3C feed validator does not
    # know the Podlove namespace and warns about it (the one warning it gives papercast's feed).
    simple_chapters: bool = True
    # "not medical advice, talk to a doctor" in the outro: "auto" when the papers touch people's
    # health (script/health.py), "always" or "never".
    disclaimer: str = "auto"

    @property
    def episodes_dir(self) -> Path:
        return self.root / "episodes"

    @property
    def feed_dir(self) -> Path:
        return self.root / "feed"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def state_dir(self) -> Path:
        """Where builds keep their cache and records; never published."""
        return self.root / STATE_DIR_NAME

    def url_for(self, relative: str) -> str:
        """The public URL of a file under `feed/`."""
        return self.base_url + relative.lstrip("/")


@dataclass(frozen=True)
class EpisodeDef:
    """One episode definition from `episodes/*.toml`: what it is called and which papers it covers."""

    id: str
    path: Path
    title: str
    description: str
    sources: tuple[Path, ...]
    entries: tuple[str, ...] | None
    date: dt.date | None
    format: str | None = None
    minutes: float | None = None
    number: int | None = None  # itunes:episode; None: its place in publication order
    season: int | None = None
    image: Path | None = None  # its own cover art; None: the show's


def lock_path(root: Path) -> Path:
    """The file a run holds while it writes to the show in `root` (a build, an `add`)."""
    return Path(root) / STATE_DIR_NAME / "lock"


