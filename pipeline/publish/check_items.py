"""`papercast check` on the items: each episode's tags, its enclosure, and the files beside it."""

from __future__ import annotations

import email.utils
import re
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree
from mutagen import MutagenError
from mutagen.mp3 import MP3

from .check_channel import check_image
from .checker import REBUILD, TOLERANCE, Checker, text_of
from .sidecars.read import parse_chapters, parse_json_transcript, parse_srt, parse_vtt
from .spec import CHAPTERS_TYPE, FEED_NAME, ITUNES_NS, PODCAST_NS, TRANSCRIPT_KINDS

# The suffix a transcript file of each kind has.
_SUFFIX_KIND = {".vtt": "vtt", ".srt": "srt", ".json": "json", ".txt": "text", ".html": "html"}
# The files an episode S.mp3 may have beside it, all validated when present.
EPISODE_FILES = {".vtt": "vtt", ".srt": "srt", ".transcript.json": "json", ".chapters.json": "chapters",
                 ".txt": "text"}

_DAYS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# RFC 2822 (with the obsolete zone names RSS feeds still use); email.utils alone is too lenient.
_RFC2822 = re.compile(rf"(?:(?:{_DAYS}), )?\d{{1,2}} (?:{_MONTHS}) \d{{4}} \d{{2}}:\d{{2}}(?::\d{{2}})? "
                      r"(?:[+-]\d{4}|GMT|UT|UTC|[ECMP][SD]T|Z)")


def _duration(text: str) -> float | None:
    """itunes:duration in seconds: whole seconds, or [HH:]MM:SS."""
    text = text.strip()
    if text.isdigit():
        return float(text)
    match = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):([0-5]\d)", text)
    return None if match is None else int(match[1] or 0) * 3600 + int(match[2]) * 60 + float(match[3])


# --- an item's own tags ---------------------------------------------------------------------

def check_item(item: etree._Element, number: int, check: Checker,
               guids: dict[str, int], enclosures: dict[str, int]) -> None:
    """One episode, in the order problems are reported; `guids` and `enclosures` span the feed."""
    title = text_of(item, "title")
    short = title if not title or len(title) <= 48 else title[:48].rsplit(" ", 1)[0] + " ..."
    where = f'{FEED_NAME}: item {number} "{short}"' if title else f"{FEED_NAME}: item {number}"
    if not title:
        check.error(where, "has no <title>", "give the episode a title in episodes/*.toml")
    if not text_of(item, "description") and not text_of(item, f"{{{ITUNES_NS}}}summary"):
        check.warning(where, "has no description; apps show an empty page", "add a description to the episode")
    _check_guid(item, number, where, check, guids)
    _check_pub_date(item, where, check)
    explicit = text_of(item, f"{{{ITUNES_NS}}}explicit")
    if explicit is not None and explicit not in ("true", "false"):
        check.error(where, f"<itunes:explicit> is {explicit!r}; Apple Podcasts accepts only true or false", REBUILD)
    check.url(text_of(item, "link"), where, "<link>", missing="warning")  # the show page: apps play without it
    _check_item_image(item, where, check)
    audio, length = _check_enclosure(item, number, where, check, enclosures)
    declared = _check_duration(item, where, length, check)
    _check_episode_files(item, where, audio, length if length is not None else declared, check)


def _check_guid(item: etree._Element, number: int, where: str, check: Checker, guids: dict[str, int]) -> None:
    guid = text_of(item, "guid")
    if not guid:
        check.error(where, "has no <guid>; apps cannot tell episodes apart", REBUILD)
    elif guid in guids:
        check.error(where, f"guid {guid!r} is also item {guids[guid]}'s; apps will show only one of them",
                    "every episode needs its own permanent guid (kept in .papercast/published.json)")
    else:
        guids[guid] = number


def _check_pub_date(item: etree._Element, where: str, check: Checker) -> None:
    """pubDate: present, an RFC 2822 date, and naming the right weekday if it names one."""
    published = text_of(item, "pubDate")
    if not published:
        check.error(where, "has no <pubDate>", REBUILD)
        return
    try:
        stamp = email.utils.parsedate_to_datetime(published) if _RFC2822.fullmatch(published) else None
    except ValueError:  # the right shape, but no such day
        stamp = None
    if stamp is None:
        check.error(where, f"pubDate {published!r} is not an RFC 2822 date such as "
                           "'Mon, 02 Nov 2026 06:00:00 +0000'", REBUILD)
    elif published[:3] in _DAYS and published[:3] != _DAYS.split("|")[stamp.weekday()]:
        check.warning(where, f"pubDate {published!r} names the wrong weekday", REBUILD)


def _check_duration(item: etree._Element, where: str, length: float | None, check: Checker) -> float | None:
    """itunes:duration against the MP3's playing time; the declared seconds, when readable."""
    declared_text = text_of(item, f"{{{ITUNES_NS}}}duration")
    declared = _duration(declared_text) if declared_text else None
    if declared_text is None:
        check.warning(where, "has no <itunes:duration>; apps show no length until they download it", REBUILD)
    elif declared is None:
        check.error(where, f"<itunes:duration> {declared_text!r} is not seconds or HH:MM:SS", REBUILD)
    elif length is not None and abs(declared - length) > TOLERANCE:
        check.error(where, f"<itunes:duration> says {declared:g} s but the MP3 plays for {length:.1f} s", REBUILD)
    return declared


def _check_item_image(item: etree._Element, where: str, check: Checker) -> None:
    """An episode's own itunes:image: the same rules as the show's cover (optional: apps fall back to it)."""
    image = item.find(f"{{{ITUNES_NS}}}image")
    path = check.url(image.get("href"), where, "<itunes:image>") if image is not None else None
    if path is not None:
        check_image(path, check)


# --- the enclosure --------------------------------------------------------------------------

def _check_enclosure(item: etree._Element, number: int, where: str, check: Checker,
                     enclosures: dict[str, int]) -> tuple[Path | None, float | None]:
    """Check the enclosure against its file; the file and its playing time when readable."""
    found = item.findall("enclosure")
    if not found:
        check.error(where, "has no <enclosure>: there is nothing to play", REBUILD)
        return None, None
    if len(found) > 1:
        check.warning(where, f"has {len(found)} enclosures; apps play only the first", REBUILD)
    enclosure = found[0]
    url, size, kind = enclosure.get("url"), enclosure.get("length"), enclosure.get("type")
    if kind != "audio/mpeg":
        check.error(where, f"enclosure type is {kind!r}, not audio/mpeg for an MP3", REBUILD)
    if not url:
        check.error(where, "enclosure has no url", REBUILD)
        return None, None
    if url in enclosures:
        check.error(where, f"enclosure {url} is also item {enclosures[url]}'s; apps skip the duplicate",
                    "every episode needs its own audio file")
    enclosures.setdefault(url, number)
    if not urlsplit(url).path.lower().endswith(".mp3"):
        check.error(where, f"enclosure {url} does not end in .mp3; Apple requires the extension to match the type",
                    REBUILD)
    path = check.url(url, where, "enclosure")
    if size is None or not size.isdigit() or int(size) <= 0:
        check.error(where, f"enclosure length {size!r} is not the file's size in bytes", REBUILD)
    elif path is not None and int(size) != path.stat().st_size:
        check.error(where, f"enclosure length {size} is not the file's size ({path.stat().st_size} bytes); "
                           "apps stop early or show the download as broken", REBUILD)
    if path is None:
        return None, None
    check.audio.append(path)
    return path, _mp3_length(path, check)


def _mp3_length(path: Path, check: Checker) -> float | None:
    """The MP3's playing time, or None when it cannot be read (reported)."""
    try:
        info = MP3(path).info
        length = float(info.length) if info is not None else 0.0
    except (MutagenError, OSError) as exc:
        check.error(check.rel(path), f"is not a readable MP3 ({exc})", REBUILD)
        return None
    if not length > 0:
        check.error(check.rel(path), "has no audio", REBUILD)
    return length


# --- transcripts and chapters ---------------------------------------------------------------

def _check_episode_files(item: etree._Element, where: str, audio: Path | None,
                         duration: float | None, check: Checker) -> None:
    """The transcripts and chapters the item links, then any other files published beside its MP3."""
    transcripts = item.findall(f"{{{PODCAST_NS}}}transcript")
    if not transcripts:
        check.warning(where, "links no <podcast:transcript>; apps can show no transcript", REBUILD)
    for tag in transcripts:
        _check_transcript(tag, where, duration, check)
    _check_chapters(item, where, duration, check)
    if audio is not None:
        # Files beside the MP3 that the feed does not link are still published: check them too.
        stem = audio.name[: -len(audio.suffix)]
        for suffix, kind in EPISODE_FILES.items():
            if (audio.parent / (stem + suffix)).is_file():
                _validate_file(audio.parent / (stem + suffix), kind, duration, check)


def _check_transcript(tag: etree._Element, where: str, duration: float | None, check: Checker) -> None:
    """One <podcast:transcript>: its attributes, and the file it names when apps can read that kind."""
    url, kind = tag.get("url"), tag.get("type")
    if not url or not kind:
        check.error(where, "a <podcast:transcript> lacks its url or type attribute", REBUILD)
        return
    path = check.url(url, where, f"transcript ({kind})")
    parser = TRANSCRIPT_KINDS.get(kind)
    if parser is None:
        check.warning(where, f"transcript type {kind!r} is not one apps read "
                             "(text/vtt, application/x-subrip, application/json)", REBUILD)
    if parser == "vtt" and tag.get("rel") != "captions":
        check.warning(where, f'WebVTT transcript {url} is not marked rel="captions"; apps use that one to '
                             "show the words in time", REBUILD)
    if path is not None and parser is not None:
        if _SUFFIX_KIND.get(path.suffix.lower()) != parser:
            # The tag is what is wrong; the file itself is checked as what its name says.
            check.error(where, f"transcript {url} is declared {kind} but its name says otherwise", REBUILD)
        else:
            _validate_file(path, parser, duration, check)


def _check_chapters(item: etree._Element, where: str, duration: float | None, check: Checker) -> None:
    """The item's <podcast:chapters>: one, of the JSON chapters type, naming a valid file."""
    chapters = item.findall(f"{{{PODCAST_NS}}}chapters")
    if not chapters:
        check.warning(where, "links no <podcast:chapters>; apps can show no chapters", REBUILD)
    if len(chapters) > 1:
        check.warning(where, f"has {len(chapters)} <podcast:chapters>; apps read only one", REBUILD)
    for tag in chapters:
        if tag.get("type") != CHAPTERS_TYPE:
            check.error(where, f"<podcast:chapters> type is {tag.get('type')!r}, not {CHAPTERS_TYPE}", REBUILD)
        path = check.url(tag.get("url"), where, "chapters") if tag.get("url") else None
        if not tag.get("url"):
            check.error(where, "<podcast:chapters> has no url", REBUILD)
        if path is not None:
            _validate_file(path, "chapters", duration, check)


def _validate_file(path: Path, kind: str, duration: float | None, check: Checker) -> None:
    """Check one transcript or chapters file's syntax, schema and times against the audio."""
    if path in check.validated:
        return
    check.validated.add(path)
    where = check.rel(path)
    try:
        check.note_mode(path)
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return check.error(where, "is not UTF-8 text", REBUILD)
    except OSError as exc:
        return check.error(where, f"cannot be read ({exc.strerror or exc})", REBUILD)
    fix = f"{REBUILD}; if it persists, report it as a papercast bug"
    if kind in ("text", "html"):
        if not text.strip():
            check.error(where, "is empty", fix)
    elif kind == "chapters":
        _validate_chapters(path, text, duration, fix, check)
    else:
        _validate_cues(path, kind, text, duration, fix, check)


def _validate_chapters(path: Path, text: str, duration: float | None, fix: str, check: Checker) -> None:
    """A chapters file: its schema, and no chapter starting or ending after the audio."""
    where = check.rel(path)
    chapters, issues = parse_chapters(text)
    check.file_issues(path, issues, fix)
    if duration is None:
        return
    for number, chapter in enumerate(chapters, 1):
        if chapter.start >= duration:
            check.error(where, f"chapter {number} starts at {chapter.start:g} s, after the audio "
                               f"ends ({duration:.1f} s)", fix)
        if chapter.end is not None and chapter.end > duration + TOLERANCE:
            check.error(where, f"chapter {number} ends at {chapter.end:g} s, after the audio "
                               f"ends ({duration:.1f} s)", fix)


def _validate_cues(path: Path, kind: str, text: str, duration: float | None, fix: str, check: Checker) -> None:
    """A timed transcript (vtt, srt or json): its format, and no cue ending after the audio."""
    parse = {"vtt": parse_vtt, "srt": parse_srt, "json": parse_json_transcript}[kind]
    cues, issues = parse(text)
    check.file_issues(path, issues, fix)
    late = [cue for cue in cues if cue.end > (duration or 0) + TOLERANCE]
    if duration is not None and late:
        check.error(check.rel(path), f"{len(late)} cue(s) end after the audio does ({duration:.1f} s), the first "
                                     f"at {late[0].end:.3f} s", fix)
