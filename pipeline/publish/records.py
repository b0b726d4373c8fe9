"""What has been published: each episode's feed record, kept so GUIDs and dates never change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import PapercastError
from ..fsutil import write_if_changed
from ..model import Author, Paper

RECORDS_NAME = "published.json"
PLANS_NAME = "plans.json"


@dataclass(frozen=True)
class FeedEpisode:
    """One published episode as the feed describes it; paths are relative to `feed/`."""

    id: str
    title: str
    summary: str
    papers: tuple[Paper, ...]
    guid: str
    published: dt.datetime
    updated: dt.datetime | None
    audio: str
    size: int
    duration: int
    transcript: str | None
    vtt: str | None = None
    srt: str | None = None
    transcript_json: str | None = None
    chapters: str | None = None
    # Measured after encoding and kept in the publication record; the feed does not carry them.
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    # A shortened transcript ("Name: line" per line) for the show notes.
    excerpt: str = ""
    number: int | None = None  # as the episode file says; None: numbered in publication order
    season: int | None = None
    image: str | None = None  # the episode's own cover art; None: the show's



def _to_json(episode: FeedEpisode) -> dict[str, Any]:
    data = dataclasses.asdict(episode)
    for name, value in data.items():
        if isinstance(value, dt.datetime):
            data[name] = value.isoformat()
    return data


def _from_json(data: dict[str, Any]) -> FeedEpisode:
    known = {f.name: f for f in dataclasses.fields(FeedEpisode)}
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in known:
            continue  # written by a newer papercast; ignored rather than fatal
        if name == "papers":
            value = tuple(Paper(**{**p, "authors": tuple(Author(**a) for a in p["authors"])}) for p in value)
        elif name in ("published", "updated") and value:
            value = dt.datetime.fromisoformat(value)
        elif isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        values[name] = value
    return FeedEpisode(**values)


REPAIR = "papercast build --repair"


def load_records(state_dir: Path) -> dict[str, FeedEpisode]:
    """Episodes as last published, by id (empty before the first build); damage is refused with the repair."""
    path = state_dir / RECORDS_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        episodes = raw["episodes"]
        if not isinstance(episodes, dict):
            raise TypeError("'episodes' is not an object")
        return {key: _from_json(_entry(key, value)) for key, value in episodes.items()}
    except FileNotFoundError:
        return {}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # Guessing would re-date or re-identify episodes: refuse, and say how to rebuild it safely.
        raise PapercastError(
            f"{path}: damaged record of published episodes ({exc}); it keeps each episode's GUID and first "
            f"date: to rebuild it from feed/feed.xml, keeping both, run: {REPAIR}") from None


def _entry(key: str, value: object) -> dict[str, Any]:
    """One episode's stored record, which must be an object."""
    if not isinstance(value, dict):
        raise TypeError(f"the entry for {key!r} is not an object")
    return value


@dataclass(frozen=True)
class Identity:
    """What a published episode must keep forever: its GUID and first publication date."""

    guid: str
    published: dt.datetime


@dataclass(frozen=True)
class Shown:
    """What the published feed shows: the show's podcast:guid and each episode's identity, by id."""

    podcast_guid: str | None = None
    episodes: dict[str, Identity] = field(default_factory=dict)


_STEM = re.compile(r"^(?P<id>.+)-[0-9a-f]{10}$")
_PODCAST_GUID = "{https://podcastindex.org/namespace/1.0}guid"


def shown_in_feed(feed_xml: Path) -> Shown:
    """The identities `feed.xml` shows (nothing when it is missing or unreadable).

    The feed is what subscribers have seen, so where the records lack an episode (deleted,
    repaired, or a build killed between the two) its GUID and date are taken from here.
    """
    try:
        channel = ET.parse(feed_xml).getroot().find("channel")
    except (OSError, ET.ParseError):
        return Shown()
    if channel is None:
        return Shown()
    episodes = {}
    for item in channel.findall("item"):
        identity = _identity(item)
        if identity is not None:
            episodes[identity[0]] = identity[1]
    return Shown(podcast_guid=channel.findtext(_PODCAST_GUID), episodes=episodes)


def _identity(item: ET.Element) -> tuple[str, Identity] | None:
    """An item's episode id (from its enclosure's name) and identity; None for an item papercast did not write."""
    enclosure, guid, date = item.find("enclosure"), item.findtext("guid"), item.findtext("pubDate")
    if enclosure is None or not guid or not date:
        return None
    match = _STEM.match(PurePosixPath(urlsplit(enclosure.get("url", "")).path).stem)
    try:
        published = email.utils.parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return None
    return (unquote(match["id"]), Identity(guid, published)) if match else None


def load_podcast_guid(state_dir: Path) -> str | None:
    """The show's podcast:guid as first published, if it has been."""
    try:
        return json.loads((state_dir / RECORDS_NAME).read_text(encoding="utf-8")).get("podcast_guid")
    except (OSError, ValueError, AttributeError):
        return None


def save_records(state_dir: Path, episodes: dict[str, FeedEpisode], podcast_guid: str | None = None,
                 files: dict[str, tuple[int, str]] | None = None) -> None:
    """Remember what was published and each published file's size and SHA-256 (atomically; unchanged, not rewritten)."""
    data: dict[str, Any] = {"podcast_guid": podcast_guid} if podcast_guid else {}
    data["episodes"] = {key: _to_json(ep) for key, ep in sorted(episodes.items())}
    if files:
        data["files"] = {name: {"size": size, "sha256": digest} for name, (size, digest) in sorted(files.items())}
    write_if_changed(state_dir / RECORDS_NAME, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def load_file_index(state_dir: Path) -> dict[str, tuple[int, str]]:
    """Each published file's size and SHA-256 as recorded, by path under `feed/` (empty if none were)."""
    try:
        raw = json.loads((state_dir / RECORDS_NAME).read_text(encoding="utf-8")).get("files", {})
        return {name: (int(value["size"]), str(value["sha256"])) for name, value in raw.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # load_records refuses a damaged file; without hashes files are checked by presence


def describe_file(path: Path) -> tuple[int, str]:
    """A file's size and SHA-256, as the records keep them."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return path.stat().st_size, digest.hexdigest()


def file_problem(feed_dir: Path, names: Iterable[str], recorded: dict[str, tuple[int, str]]) -> str | None:
    """Why these published files cannot be kept as they are (missing, or not what was published), or None."""
    for name in names:
        path = feed_dir / name
        if not path.is_file():
            return f"feed/{name} is missing"
        # A file published before sizes and hashes were recorded is taken as it is, and recorded now.
        if name in recorded and describe_file(path) != recorded[name]:
            return f"feed/{name} is not the file that was published (size or hash)"
    return None


def load_plan_index(state_dir: Path) -> dict[str, tuple[str, str]]:
    """Each episode's last plan, by id: a hash of everything it was made from, and its file stem."""
    try:
        raw = json.loads((state_dir / PLANS_NAME).read_text(encoding="utf-8"))
        return {key: (value["inputs"], value["stem"]) for key, value in raw.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # only a shortcut: without it every episode is planned again


def save_plan_index(state_dir: Path, index: dict[str, tuple[str, str]]) -> None:
    """Remember each episode's plan inputs and stem (atomically; unchanged, not rewritten)."""
    data = {key: {"inputs": inputs, "stem": stem} for key, (inputs, stem) in sorted(index.items())}
    write_if_changed(state_dir / PLANS_NAME, json.dumps(data, indent=2) + "\n")
