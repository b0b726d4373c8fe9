"""The podcast's RSS feed and cover art, written into the show's `feed/` folder."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

import lxml.etree  # noqa: F401  (feedgen.util uses lxml.etree without importing it)

# isort: split
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.ext.podcast import PodcastExtension
from feedgen.ext.podcast_entry import PodcastEntryExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from ..config import Host, ShowConfig
from ..errors import FeedError
from ..fsutil import write_if_changed
from ..model import Paper
from .cover import write_cover
from .records import FeedEpisode
from .sidecars.read import Chapter, parse_chapters
from .spec import CHAPTERS_TYPE, FEED_NAME, ITUNES_NS, PODCAST_NS, PSC_NS, PSC_VERSION

# The namespace's own UUID, for podcast:guid (UUIDv5 of the feed URL without its scheme).
_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
# lastBuildDate of a feed without episodes: any fixed instant keeps the file reproducible.
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 podcast:guid for a feed URL (UUIDv5 of it without scheme and trailing slashes)."""
    bare = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(_GUID_NAMESPACE, bare))


def _add_explicit(parent: object, value: bool | None) -> None:
    if value is not None:
        xml_elem(f"{{{ITUNES_NS}}}explicit", parent).text = "true" if value else "false"


class _Podcast(PodcastExtension):
    """feedgen's channel podcast extension, but itunes:explicit is Apple's true/false."""

    def __init__(self) -> None:
        super().__init__()
        self._explicit: bool | None = None

    def itunes_explicit(self, itunes_explicit: bool | None = None) -> bool | None:
        if itunes_explicit is not None:
            self._explicit = bool(itunes_explicit)
        return self._explicit

    def extend_rss(self, rss_feed):  # type: ignore[no-untyped-def]
        super().extend_rss(rss_feed)
        _add_explicit(rss_feed[0], self._explicit)
        return rss_feed


class _PodcastEntry(PodcastEntryExtension):
    """feedgen's item podcast extension, but itunes:explicit is Apple's true/false."""

    def __init__(self) -> None:
        super().__init__()
        self._explicit: bool | None = None

    def itunes_explicit(self, itunes_explicit: bool | None = None) -> bool | None:
        if itunes_explicit is not None:
            self._explicit = bool(itunes_explicit)
        return self._explicit

    def extend_rss(self, entry):  # type: ignore[no-untyped-def]
        super().extend_rss(entry)
        _add_explicit(entry, self._explicit)
        return entry


class _PodcastIndex(BaseExtension):
    """Podcasting 2.0 channel tags: podcast:guid, locked, license, person, medium."""

    def __init__(self) -> None:
        self.guid: str | None = None
        self.locked_owner: str | None = None
        self.hosts: list[Host] = []
        self.medium = "podcast"
        self.license: tuple[str, str] | None = None  # (identifier or name, URL or "")
        self.simple_chapters = True  # declare the psc namespace (only when items use it)

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, **({"psc": PSC_NS} if self.simple_chapters else {})}

    def extend_rss(self, rss_feed):  # type: ignore[no-untyped-def]
        channel = rss_feed[0]
        if self.guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self.guid
        if self.locked_owner is not None:
            # "no": other platforms may import the feed; the owner's address is who can change that.
            owner = {"owner": self.locked_owner} if self.locked_owner else {}
            xml_elem(f"{{{PODCAST_NS}}}locked", channel, **owner).text = "no"
        if self.license:
            name, url = self.license
            xml_elem(f"{{{PODCAST_NS}}}license", channel, **({"url": url} if url else {})).text = name
        for host in self.hosts:
            links = {key: value for key, value in (("href", host.href), ("img", host.img)) if value}
            xml_elem(f"{{{PODCAST_NS}}}person", channel, role="host", **links).text = host.name
        xml_elem(f"{{{PODCAST_NS}}}medium", channel).text = self.medium
        return rss_feed


def _npt(seconds: float) -> str:
    """A time as Podlove Simple Chapters writes it (RFC 2326 normal play time): 00:01:02.500."""
    ms = max(0, round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


class _PodcastIndexEntry(BaseEntryExtension):
    """Item tags: podcast:season, episode, chapters and transcript (current namespace only), psc:chapters."""

    def __init__(self) -> None:
        self.season: int | None = None
        self.episode: int | None = None
        self.chapters: str | None = None
        self.transcripts: list[dict[str, str]] = []
        self.simple_chapters: list[Chapter] = []

    def transcript(self, url: str, mime: str, language: str, rel: str | None = None) -> None:
        attributes = {"url": url, "type": mime, "language": language}
        self.transcripts.append({**attributes, "rel": rel} if rel else attributes)

    def extend_rss(self, entry):  # type: ignore[no-untyped-def]
        if self.season is not None:
            xml_elem(f"{{{PODCAST_NS}}}season", entry).text = str(self.season)
        if self.episode is not None:
            xml_elem(f"{{{PODCAST_NS}}}episode", entry).text = str(self.episode)
        if self.chapters:
            xml_elem(f"{{{PODCAST_NS}}}chapters", entry, url=self.chapters, type=CHAPTERS_TYPE)
        for attributes in self.transcripts:
            xml_elem(f"{{{PODCAST_NS}}}transcript", entry, **attributes)
        if self.simple_chapters:
            # The same chapters in the item itself: gPodder (podcastparser) reads only these.
            psc = xml_elem(f"{{{PSC_NS}}}chapters", entry, version=PSC_VERSION)
            for chapter in self.simple_chapters:
                link = {"href": chapter.url} if chapter.url else {}
                xml_elem(f"{{{PSC_NS}}}chapter", psc, start=_npt(chapter.start), title=chapter.title, **link)
        return entry


def _url(link: str) -> str:
    # DOIs may contain <, > or spaces, which are not valid in an href.
    return quote(link, safe=":/?#[]@!$&'()*+,;=%~")


def _citation(paper: Paper) -> str:
    people = [a.family or a.display for a in paper.authors]
    if len(people) > 2 or (people and paper.more_authors):
        who = f"{people[0]} et al."
    else:
        who = " and ".join(people)
    title = html.escape(paper.title)
    link = paper.link
    if link.startswith(("https://", "http://")):
        title = f'<a href="{html.escape(_url(link))}">{title}</a>'
    details = [html.escape(part) for part in (who, paper.journal) if part]
    if paper.year:
        details.append(str(paper.year))
    return title + (f" — {', '.join(details)}" if details else "")


def show_notes_html(episode: FeedEpisode, show: ShowConfig | None = None) -> str:
    """The episode's notes: summary, numbered papers linked to their DOIs, transcript link."""
    parts = [f"<p>{html.escape(episode.summary.strip())}</p>"]
    if episode.papers:
        items = "".join(f"<li>{_citation(p)}</li>" for p in episode.papers)
        parts.append(f"<p>Papers discussed:</p><ol>{items}</ol>")
    if episode.excerpt:
        lines = "".join(f"<p>{html.escape(line)}</p>" for line in episode.excerpt.splitlines() if line.strip())
        parts.append(f"<p>From the conversation:</p><blockquote>{lines}</blockquote>")
    if episode.transcript:
        href = show.url_for(episode.transcript) if show else episode.transcript
        parts.append(f'<p><a href="{html.escape(_url(href))}">Read the full transcript</a></p>')
    return "".join(parts)


def _episode_problem(ep: FeedEpisode) -> str | None:
    if ep.published.tzinfo is None or (ep.updated is not None and ep.updated.tzinfo is None):
        return "publication times must carry a time zone"
    if isinstance(ep.duration, bool) or not isinstance(ep.duration, int) or ep.duration < 0:
        return f"duration must be whole seconds, not {ep.duration!r}"
    if isinstance(ep.size, bool) or not isinstance(ep.size, int) or ep.size <= 0:
        return f"audio size must be a positive number of bytes, not {ep.size!r}"
    if not ep.guid:
        return "guid is empty"
    return None


def _check_episodes(episodes: Sequence[FeedEpisode]) -> None:
    guids: set[str] = set()
    for ep in episodes:
        problem = _episode_problem(ep)
        if problem is None and ep.guid in guids:
            problem = f"guid {ep.guid!r} is used by another episode"
        if problem:
            raise FeedError(f"episode {ep.id}: {problem}")
        guids.add(ep.guid)


def episode_numbers(episodes: Sequence[FeedEpisode]) -> dict[str, int]:
    """Each episode's number: its own when it has one, else its place in publication order (from 1)."""
    ordered = sorted(episodes, key=lambda e: (e.published, e.id))
    return {ep.id: ep.number if ep.number is not None else place for place, ep in enumerate(ordered, start=1)}


def _simple_chapters(show: ShowConfig, episode: FeedEpisode) -> list[Chapter]:
    """The episode's published JSON chapters, for psc:chapters (none when the file is absent or broken)."""
    if not episode.chapters:
        return []
    try:
        text = (show.feed_dir / episode.chapters).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # `papercast check` reports the missing file
    return parse_chapters(text)[0]


def _add_item(fg: FeedGenerator, show: ShowConfig, ep: FeedEpisode, cover_url: str, number: int) -> None:
    """One episode as an <item>."""
    notes = show_notes_html(ep, show)
    entry = fg.add_entry(order="append")  # the default, prepend, would reverse the order
    entry.title(ep.title)
    entry.link(href=f"{show.base_url}#{ep.id}")  # the episode's place on the show page
    entry.description(notes)
    entry.content(notes, type="CDATA")  # content:encoded: the notes most apps show
    entry.guid(ep.guid, permalink=False)
    entry.enclosure(show.url_for(ep.audio), str(ep.size), "audio/mpeg")
    entry.pubDate(ep.published)
    entry.podcast.itunes_title(ep.title)
    entry.podcast.itunes_summary(" ".join(ep.summary.split()))
    entry.podcast.itunes_duration(str(ep.duration))
    entry.podcast.itunes_explicit(show.explicit)
    entry.podcast.itunes_image(show.url_for(ep.image) if ep.image else cover_url)
    entry.podcast.itunes_episode(number)
    if ep.season is not None:
        entry.podcast.itunes_season(ep.season)
    entry.podcast.itunes_episode_type("full")
    entry.podcastindex.season, entry.podcastindex.episode = ep.season, number
    if ep.chapters:
        entry.podcastindex.chapters = show.url_for(ep.chapters)
        entry.podcastindex.simple_chapters = _simple_chapters(show, ep) if show.simple_chapters else []
    # The captions last: feedparser keeps only the last transcript it reads.
    for path, mime, rel in ((ep.transcript_json, "application/json", None),
                            (ep.srt, "application/x-subrip", None), (ep.vtt, "text/vtt", "captions")):
        if path:
            entry.podcastindex.transcript(show.url_for(path), mime, show.language, rel)


def _build(show: ShowConfig, episodes: Sequence[FeedEpisode], cover: str, guid: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("podcast", _Podcast, _PodcastEntry)
    fg.register_extension("podcastindex", _PodcastIndex, _PodcastIndexEntry, atom=False)
    fg.title(show.title)
    # feedgen makes the last link added the channel's <link>, so the self link goes first.
    fg.link(href=show.url_for(FEED_NAME), rel="self", type="application/rss+xml")
    fg.link(href=show.base_url, rel="alternate")
    fg.description(show.description)
    fg.language(show.language)
    fg.generator("papercast")
    cover_url = show.url_for(cover)
    fg.image(url=cover_url, title=show.title, link=show.base_url)
    fg.podcast.itunes_image(cover_url)
    fg.podcast.itunes_author(show.author)
    fg.podcast.itunes_owner(name=show.owner_name, email=show.owner_email)
    fg.podcast.itunes_category(cat=show.category, **({"sub": show.subcategory} if show.subcategory else {}))
    fg.podcast.itunes_explicit(show.explicit)
    fg.podcast.itunes_type("episodic")
    fg.podcastindex.guid = guid
    fg.podcastindex.locked_owner = show.owner_email
    fg.podcastindex.hosts = list(show.hosts)
    fg.podcastindex.simple_chapters = show.simple_chapters
    if show.copyright:
        fg.copyright(show.copyright)
    if show.license:
        fg.podcastindex.license = (show.license, show.license_url)
    stamps = [t for ep in episodes for t in (ep.published, ep.updated) if t is not None]
    fg.lastBuildDate(max(stamps, default=_EPOCH))
    if episodes:
        fg.pubDate(max(ep.published for ep in episodes))
    numbers = episode_numbers(episodes)
    for ep in sorted(episodes, key=lambda e: (e.published, e.id), reverse=True):
        _add_item(fg, show, ep, cover_url, numbers[ep.id])
    return fg


def write_feed(show: ShowConfig, episodes: Sequence[FeedEpisode], guid: str | None = None) -> Path:
    """Write `feed/feed.xml` (and the cover it names) atomically; return the feed's path.

    `guid` is the show's podcast:guid as first published; by default it is computed from
    the feed's URL, which changes if `base_url` does, so keep the first one and pass it.
    """
    _check_episodes(episodes)
    try:
        guid = str(uuid.UUID(guid)) if guid else podcast_guid(show.url_for(FEED_NAME))
    except ValueError:
        raise FeedError(f"podcast guid {guid!r} is not a UUID") from None
    cover = write_cover(show)
    try:
        data = _build(show, episodes, cover, guid).rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    except ValueError as exc:
        raise FeedError(f"cannot build the feed for {show.title!r}: {exc}") from None
    path = show.feed_dir / FEED_NAME
    write_if_changed(path, data, FeedError)
    return path
