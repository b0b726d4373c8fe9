"""The show page: a static `feed/index.html` to share, with a player, chapters and transcript.

Everything is rendered at build time from the files beside each MP3 (S.chapters.json,
S.transcript.json or S.vtt, else the plain S.txt), so the page needs no fetches of its own;
its little script only seeks the players. Nothing is loaded from anywhere but `feed/`, and a
Content-Security-Policy with the hashes of the inline style and script makes browsers hold
the page to that.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
)

from ..config import ShowConfig
from ..errors import FeedError
from ..fsutil import write_if_changed
from ..model import Paper
from .records import FeedEpisode
from .sidecars.read import Chapter, Cue, parse_chapters, parse_json_transcript, parse_vtt
from .spec import COVER_NAMES, FEED_NAME

PAGE_NAME = "index.html"
_TEMPLATES = Path(__file__).parent / "templates" / "page"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@dataclass(frozen=True)
class Turn:
    """Consecutive transcript lines of one speaker; `start` is None when the text is untimed."""

    speaker: str
    start: float | None
    lines: tuple[Cue, ...]


@dataclass(frozen=True)
class EpisodeView:
    """What the template shows of one episode; URLs are relative to `feed/`."""

    episode: FeedEpisode
    audio_url: str
    chapters: tuple[Chapter, ...]
    turns: tuple[Turn, ...]
    downloads: tuple[tuple[str, str], ...]


def clock(seconds: float) -> str:
    """A time as players show it: 4:05, or 1:02:03 past the hour."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _iso_duration(seconds: float) -> str:
    whole = int(seconds)
    return f"PT{whole // 3600}H{whole % 3600 // 60}M{whole % 60}S"


def _date(value: dt.datetime) -> str:
    # Spelled out here, not with strftime, whose month names follow the machine's locale.
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _seek(seconds: float) -> str:
    return f"{seconds:.3f}"


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(str(text).encode()).digest()).decode()


def _href(relative: str) -> str:
    return quote(relative, safe="/")


def _web_url(link: str) -> str:
    """`link` made safe for an href if it is a web address, else '' (no javascript: links)."""
    if not link.startswith(("https://", "http://")):
        return ""
    return quote(link, safe=":/?#[]@!$&'()*+,;=%~")  # DOIs may hold <, > or spaces


def _people(paper: Paper) -> str:
    names = [a.display for a in paper.authors]
    if len(names) > 3 or (names and paper.more_authors):
        return f"{names[0]} et al."
    return ", ".join(names)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):  # absent or broken: `papercast check` reports it
        return None


def load_chapters(audio: Path) -> list[Chapter]:
    """The chapters in S.chapters.json beside `audio` (S.mp3), or none."""
    text = _read(audio.with_name(audio.stem + ".chapters.json"))
    return parse_chapters(text)[0] if text is not None else []


def _plain_transcript(text: str, speakers: Sequence[str]) -> list[Turn]:
    """S.txt: a title paragraph, then "Name: words" paragraphs; no times."""
    turns: list[Turn] = []
    for paragraph in text.split("\n\n"):
        name, _, words = paragraph.partition(": ")
        if name in speakers and words.strip():
            turns.append(Turn(name, None, (Cue(0.0, 0.0, name, " ".join(words.split())),)))
    return turns


def load_transcript(audio: Path, speakers: Sequence[str] = ()) -> list[Turn]:
    """The transcript beside `audio` as speaker turns: JSON, else WebVTT, else the untimed S.txt."""
    for suffix, parse in ((".transcript.json", parse_json_transcript), (".vtt", parse_vtt)):
        text = _read(audio.with_name(audio.stem + suffix))
        cues = parse(text)[0] if text is not None else []
        if cues:
            turns: list[Turn] = []
            for cue in cues:
                if turns and turns[-1].speaker == cue.speaker:
                    last = turns[-1]
                    turns[-1] = Turn(last.speaker, last.start, (*last.lines, cue))
                else:
                    turns.append(Turn(cue.speaker, cue.start, (cue,)))
            return turns
    text = _read(audio.with_name(audio.stem + ".txt"))
    return _plain_transcript(text, speakers) if text is not None else []


def _view(show: ShowConfig, episode: FeedEpisode) -> EpisodeView:
    audio = show.feed_dir / episode.audio
    downloads = [("MP3", episode.audio)]
    for label, suffix in (("Transcript (text)", ".txt"), ("Subtitles (WebVTT)", ".vtt"),
                          ("Subtitles (SRT)", ".srt"), ("Chapters (JSON)", ".chapters.json")):
        path = audio.with_name(audio.stem + suffix)
        if path.is_file():
            downloads.append((label, path.relative_to(show.feed_dir).as_posix()))
    return EpisodeView(
        episode=episode,
        audio_url=_href(episode.audio),
        chapters=tuple(load_chapters(audio)),
        turns=tuple(load_transcript(audio, [host.name for host in show.hosts])),
        downloads=tuple((label, _href(path)) for label, path in downloads),
    )


def _environment(cache_dir: Path) -> Environment:
    # The compiled page template is kept on disk: compiling its inline CSS and script is slow.
    cache_dir.mkdir(parents=True, exist_ok=True)
    env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      bytecode_cache=FileSystemBytecodeCache(str(cache_dir)))
    env.filters.update(clock=clock, iso_duration=_iso_duration, date=_date, seek=_seek,
                       csp_hash=_csp_hash, people=_people, web_url=_web_url)
    return env


def render_page(show: ShowConfig, episodes: Sequence[FeedEpisode]) -> str:
    """The page's HTML: the same show and episodes always give the same bytes."""
    cover = next((name for name in sorted(set(COVER_NAMES.values())) if (show.feed_dir / name).is_file()), None)
    views = [_view(show, ep) for ep in sorted(episodes, key=lambda e: (e.published, e.id), reverse=True)]
    try:
        return _environment(show.state_dir / "cache" / "templates").get_template("index.html.j2").render(
            show=show, episodes=views, cover=cover, feed_href=FEED_NAME, feed_url=show.url_for(FEED_NAME),
            speakers=[host.name for host in show.hosts],
        )
    except TemplateError as exc:
        raise FeedError(f"cannot render the show page: {exc}") from None


def write_page(show: ShowConfig, episodes: Sequence[FeedEpisode]) -> Path:
    """Write `feed/index.html` atomically (only when it changed); return its path."""
    path = show.feed_dir / PAGE_NAME
    write_if_changed(path, render_page(show, episodes), FeedError)
    return path
