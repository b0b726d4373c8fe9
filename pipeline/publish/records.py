"""What has been published: each episode's feed record, kept so GUIDs and dates never change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def load_records(state_dir: Path) -> dict[str, FeedEpisode]:
    """Episodes as last published, by id (empty before the first build)."""
    path = state_dir / RECORDS_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {key: _from_json(value) for key, value in raw["episodes"].items()}
    except FileNotFoundError:
        return {}
    except (ValueError, KeyError, TypeError) as exc:
        raise PapercastError(f"{path}: damaged record of published episodes ({exc})") from None


def load_podcast_guid(state_dir: Path) -> str | None:
    """The show's podcast:guid as first published, if it has been."""
    try:
        return json.loads((state_dir / RECORDS_NAME).read_text(encoding="utf-8")).get("podcast_guid")
    except (OSError, ValueError, AttributeError):
        return None


def save_records(state_dir: Path, episodes: dict[str, FeedEpisode], podcast_guid: str | None = None) -> None:
    """Remember what was published (atomically; unchanged records are not rewritten)."""
    data: dict[str, Any] = {"podcast_guid": podcast_guid} if podcast_guid else {}
    data["episodes"] = {key: _to_json(ep) for key, ep in sorted(episodes.items())}
    write_if_changed(state_dir / RECORDS_NAME, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


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
