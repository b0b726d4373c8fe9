"""`papercast check`: the built feed and its files, judged by what podcast apps enforce.

Errors are what makes Apple Podcasts or another app reject the feed or an episode, or play
it wrong; warnings are what apps tolerate but show badly. Only `feed/` is read: the check
judges what listeners would get, not the show's configuration. The transcript and chapter
parsers here are also what the show page (page.py) reads those files with.
"""

from __future__ import annotations

import email.utils
import html
import json
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Literal
from urllib.parse import unquote, urlsplit

from lxml import etree
from mutagen import MutagenError
from mutagen.mp3 import MP3
from PIL import Image, UnidentifiedImageError

FEED_NAME = "feed.xml"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CHAPTERS_TYPE = "application/json+chapters"
# Apple's categories and subcategories (Apple Podcasts Connect); any other text is rejected.
APPLE_SUBCATEGORIES: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    "Arts": ["Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"],
    "Business": ["Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"],
    "Comedy": ["Comedy Interviews", "Improv", "Stand-Up"],
    "Education": ["Courses", "How To", "Language Learning", "Self-Improvement"],
    "Fiction": ["Comedy Fiction", "Drama", "Science Fiction"],
    "Government": [],
    "History": [],
    "Health & Fitness": ["Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition",
                         "Sexuality"],
    "Kids & Family": ["Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"],
    "Leisure": ["Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
                "Home & Garden", "Video Games"],
    "Music": ["Music Commentary", "Music History", "Music Interviews"],
    "News": ["Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
             "Sports News", "Tech News"],
    "Religion & Spirituality": ["Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion",
                                "Spirituality"],
    "Science": ["Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
                "Natural Sciences", "Nature", "Physics", "Social Sciences"],
    "Society & Culture": ["Documentary", "Personal Journals", "Philosophy", "Places & Travel",
                          "Relationships"],
    "Sports": ["Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey",
               "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness",
               "Wrestling"],
    "Technology": [],
    "True Crime": [],
    "TV & Film": ["After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"],
}.items()}
MEDIUMS = frozenset({"podcast", "music", "video", "film", "audiobook", "newsletter", "blog",
                     "publisher", "course", "mixed"}) | frozenset(
    f"{m}L" for m in ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog"))
# podcast:transcript types and the parser each needs; the suffix a file of that kind has.
TRANSCRIPT_KINDS = {"text/vtt": "vtt", "application/x-subrip": "srt", "application/srt": "srt",
                    "application/json": "json", "text/plain": "text", "text/html": "html"}
_SUFFIX_KIND = {".vtt": "vtt", ".srt": "srt", ".json": "json", ".txt": "text", ".html": "html"}
# The files an episode S.mp3 may have beside it, all validated when present.
EPISODE_FILES = {".vtt": "vtt", ".srt": "srt", ".transcript.json": "json", ".chapters.json": "chapters",
                 ".txt": "text"}
_TOLERANCE = 1.0  # seconds: itunes:duration is whole seconds, MP3 lengths are estimates
_MAX_PER_FILE = 8  # a file broken throughout would otherwise bury everything else

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the feed: how bad, where, what, and what to do about it."""

    severity: Severity
    where: str
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.what}\n    fix: {self.fix}"


def summary(problems: list[Problem]) -> str:
    """'no problems', or how many errors and warnings there are."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "feed check: no problems"
    parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((errors, "error"), (warnings, "warning")) if n]
    return "feed check: " + " and ".join(parts)


def has_errors(problems: list[Problem]) -> bool:
    """Whether any problem is an error (the CLI then exits non-zero)."""
    return any(p.severity == "error" for p in problems)


# --- transcript and chapter files ----------------------------------------------------------

@dataclass(frozen=True)
class Cue:
    """One timed line of a transcript; `speaker` is empty when the file names none."""

    start: float
    end: float
    speaker: str
    text: str


@dataclass(frozen=True)
class Chapter:
    """One Podcasting 2.0 chapter."""

    start: float
    title: str
    url: str = ""
    end: float | None = None


@dataclass(frozen=True)
class Issue:
    """A problem inside one file, at a line when the format has lines."""

    severity: Severity
    line: int | None
    what: str


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """Blank-line separated blocks of a cue file, each with its first line's number."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


_VTT_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_VTT_TIMING = re.compile(rf"{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+.*)?")
# Every '<' in cue text must open one of WebVTT's tags: players drop anything else, with its text.
_VTT_TAG = re.compile(r"</?(?:c|i|b|u|v|ruby|rt|lang)(?:\.[^\s.>]+)*(?:[ \t][^>]*)?>"
                      r"|<(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}>")
_VOICE = re.compile(r"<v(?:\.[^\s.>]+)*[ \t]+([^>]*\S)[ \t]*>")


def _cue_order(cues: list[Cue], start: float, end: float, line: int, issues: list[Issue]) -> None:
    if end <= start:
        issues.append(Issue("error", line, f"cue ends at {end:.3f} s, not after its start {start:.3f} s"))
    if cues and start < cues[-1].start:
        issues.append(Issue("error", line, f"cue starts at {start:.3f} s, before the cue above it "
                                           f"({cues[-1].start:.3f} s): cues must be in time order"))


def parse_vtt(text: str) -> tuple[list[Cue], list[Issue]]:
    """WebVTT cues with their `<v Speaker>` names, and whatever breaks the format."""
    cues: list[Cue] = []
    issues: list[Issue] = []
    blocks = list(_blocks(text))
    if not blocks or blocks[0][0] != 1 or not re.fullmatch(r"WEBVTT(?:[ \t].*)?", blocks[0][1][0]):
        return cues, [Issue("error", 1, "does not start with the line WEBVTT")]
    for number, block in blocks[1:]:
        head = block[0]
        if re.match(r"NOTE(?:[ \t]|$)", head):
            continue
        if head in ("STYLE", "REGION"):
            if cues:
                issues.append(Issue("error", number, f"{head} block after the first cue (players ignore it)"))
            continue
        at = 0 if "-->" in head else 1  # an optional cue identifier comes first
        timing = _VTT_TIMING.fullmatch(block[at].strip()) if at < len(block) else None
        if timing is None:
            shown = block[at] if at < len(block) else head
            issues.append(Issue("error", number + min(at, len(block) - 1),
                                f"expected a cue timing such as 00:00:01.000 --> 00:00:04.000, found {shown!r}"))
            continue
        start, end = _seconds(*timing.groups()[:4]), _seconds(*timing.groups()[4:])
        _cue_order(cues, start, end, number + at, issues)
        payload = block[at + 1:]
        for offset, line in enumerate(payload, number + at + 1):
            if "-->" in line:
                issues.append(Issue("error", offset, "a timing line inside a cue's text: "
                                                     "cues must be separated by a blank line"))
            for match in re.finditer("<", line):
                if not _VTT_TAG.match(line, match.start()):
                    issues.append(Issue("error", offset, f"'<' that opens no WebVTT tag in {line.strip()!r}: "
                                                         "players drop it and the text after it (write &lt;)"))
                    break
        joined = "\n".join(payload)
        voice = _VOICE.search(joined)
        if not payload:
            issues.append(Issue("warning", number + at, "cue has no text"))
        elif voice is None:
            issues.append(Issue("warning", number + at, "cue names no speaker (<v Name> ...)"))
        words = html.unescape(re.sub(r"<[^>]*>", "", joined)).strip()
        cues.append(Cue(start, end, voice[1].strip() if voice else "", " ".join(words.split())))
    if not cues and not issues:
        issues.append(Issue("error", None, "has no cues"))
    return cues, issues


_SRT_TIME = r"(\d{2,}):([0-5]\d):([0-5]\d),(\d{3})"
_SRT_TIMING = re.compile(rf"{_SRT_TIME}[ \t]+-->[ \t]+{_SRT_TIME}(?:[ \t]+.*)?")
_SPEAKER = re.compile(r"^([^:\n]{1,60}):\s+(.*)$", re.DOTALL)  # "Name: text", as SRT has no voice tag


def parse_srt(text: str) -> tuple[list[Cue], list[Issue]]:
    """SubRip cues (a speaker from a leading "Name:"), and whatever breaks the format."""
    cues: list[Cue] = []
    issues: list[Issue] = []
    previous = 0
    for number, block in _blocks(text):
        if not block[0].strip().isdigit():
            issues.append(Issue("error", number, f"expected a cue number, found {block[0]!r}"))
            previous += 1  # one broken cue should not make every later number look wrong
            continue
        if int(block[0]) != previous + 1:
            issues.append(Issue("warning", number, f"cue number {int(block[0])} where {previous + 1} was expected"))
        previous = int(block[0])
        timing = _SRT_TIMING.fullmatch(block[1].strip()) if len(block) > 1 else None
        if timing is None:
            issues.append(Issue("error", number + 1, "expected a cue timing such as "
                                                     "00:00:01,000 --> 00:00:04,000 (a comma before milliseconds)"))
            continue
        start, end = _seconds(*timing.groups()[:4]), _seconds(*timing.groups()[4:])
        _cue_order(cues, start, end, number + 1, issues)
        words = " ".join(" ".join(block[2:]).split())
        if not words:
            issues.append(Issue("warning", number, "cue has no text"))
        speaker = _SPEAKER.match(words)
        cues.append(Cue(start, end, *(speaker.groups() if speaker else ("", words))))
    if not cues and not issues:
        issues.append(Issue("error", None, "has no cues"))
    return cues, issues


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _load_json(text: str) -> tuple[Any, list[Issue]]:
    try:
        return json.loads(text, parse_constant=_reject_constant), []
    except json.JSONDecodeError as exc:
        return None, [Issue("error", exc.lineno, f"is not valid JSON ({exc.msg})")]
    except ValueError as exc:
        return None, [Issue("error", None, f"is not valid JSON ({exc})")]


def _number(value: Any) -> float | None:
    """A JSON number that is a time: bools are ints in Python, but not times."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return None
    return float(value)


def _web_url(value: Any) -> bool:
    return isinstance(value, str) and _url_problem(value) is None


def parse_json_transcript(text: str) -> tuple[list[Cue], list[Issue]]:
    """A Podcasting 2.0 JSON transcript's segments, and whatever breaks its schema."""
    data, issues = _load_json(text)
    if issues:
        return [], issues
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        return [], [Issue("error", None, 'must be an object with a "segments" list')]
    if not isinstance(data.get("version"), str):
        issues.append(Issue("error", None, 'has no "version" (Podcasting 2.0 transcripts use "1.0.0")'))
    cues: list[Cue] = []
    unnamed = 0
    for index, segment in enumerate(data["segments"], 1):
        if not isinstance(segment, dict):
            issues.append(Issue("error", None, f"segment {index} is not an object"))
            continue
        start, end, body = _number(segment.get("startTime")), _number(segment.get("endTime")), segment.get("body")
        if start is None or end is None:
            issues.append(Issue("error", None, f"segment {index} needs startTime and endTime as seconds (numbers >= 0)"))
            continue
        if not isinstance(body, str):
            issues.append(Issue("error", None, f'segment {index} has no "body" text'))
            continue
        if end < start:
            issues.append(Issue("error", None, f"segment {index} ends at {end} s, before its start {start} s"))
        if cues and start < cues[-1].start:
            issues.append(Issue("error", None, f"segment {index} starts at {start} s, before the one above it"))
        speaker = segment.get("speaker")
        if speaker is not None and not isinstance(speaker, str):
            issues.append(Issue("error", None, f'segment {index}: "speaker" must be text'))
        unnamed += not speaker
        cues.append(Cue(start, end, speaker if isinstance(speaker, str) else "", " ".join(body.split())))
    if not cues and not issues:
        issues.append(Issue("error", None, "has no segments"))
    if unnamed:
        issues.append(Issue("warning", None, f"{unnamed} segment(s) name no speaker"))
    return cues, issues


def parse_chapters(text: str) -> tuple[list[Chapter], list[Issue]]:
    """Podcasting 2.0 JSON chapters (version 1.2), and whatever breaks the schema or order."""
    data, issues = _load_json(text)
    if issues:
        return [], issues
    if not isinstance(data, dict) or not isinstance(data.get("chapters"), list):
        return [], [Issue("error", None, 'must be an object with a "chapters" list')]
    version = data.get("version")
    if not isinstance(version, str):
        issues.append(Issue("error", None, 'has no "version" (use "1.2.0")'))
    elif not version.startswith("1."):
        issues.append(Issue("warning", None, f"version {version!r} is not a 1.x chapters format apps know"))
    chapters: list[Chapter] = []
    for index, item in enumerate(data["chapters"], 1):
        if not isinstance(item, dict):
            issues.append(Issue("error", None, f"chapter {index} is not an object"))
            continue
        start, title = _number(item.get("startTime")), item.get("title")
        if start is None:
            issues.append(Issue("error", None, f"chapter {index} needs startTime as seconds (a number >= 0)"))
            continue
        if not isinstance(title, str) or not title.strip():
            issues.append(Issue("error", None, f"chapter {index} has no title"))
            title = ""
        for key in ("url", "img"):
            if item.get(key) == "":
                issues.append(Issue("warning", None, f"chapter {index}: {key} is empty (leave it out instead)"))
            elif key in item and not _web_url(item[key]):
                issues.append(Issue("error", None, f"chapter {index}: {key} {item[key]!r} is not an "
                                                   "ASCII http(s) URL"))
        if "toc" in item and not isinstance(item["toc"], bool):
            issues.append(Issue("error", None, f"chapter {index}: toc must be true or false"))
        end = _number(item.get("endTime")) if "endTime" in item else None
        if "endTime" in item and (end is None or end <= start):
            issues.append(Issue("error", None, f"chapter {index}: endTime must be a time after its startTime"))
            end = None
        if chapters and start <= chapters[-1].start:
            issues.append(Issue("error", None, f"chapter {index} starts at {start:g} s, not after chapter "
                                               f"{index - 1} ({chapters[-1].start:g} s)"))
        url = item.get("url")
        chapters.append(Chapter(start, title.strip(), url if isinstance(url, str) and _web_url(url) else "", end))
    if not chapters and not issues:
        issues.append(Issue("error", None, "has no chapters"))
    return chapters, issues


# --- the feed ------------------------------------------------------------------------------

_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_DAYS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# RFC 2822 (with the obsolete zone names RSS feeds still use); email.utils alone is too lenient.
_RFC2822 = re.compile(rf"(?:(?:{_DAYS}), )?\d{{1,2}} (?:{_MONTHS}) \d{{4}} \d{{2}}:\d{{2}}(?::\d{{2}})? "
                      r"(?:[+-]\d{4}|GMT|UT|UTC|[ECMP][SD]T|Z)")
# No resolving entities or fetching DTDs: the feed is data, not instructions.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_IMAGE_SUFFIXES = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",)}
_REBUILD = "rebuild with `papercast build` (the feed must be written from the files as they are)"


def _url_problem(url: str) -> str | None:
    if not url.strip():
        return "is empty"
    if not url.isascii():
        return "contains non-ASCII characters, which apps reject"
    if not _URL_CHARS.fullmatch(url):
        return "contains characters that must be percent-encoded (such as spaces)"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "is not an absolute http:// or https:// URL"
    return None


def _duration(text: str) -> float | None:
    """itunes:duration in seconds: whole seconds, or [HH:]MM:SS."""
    text = text.strip()
    if text.isdigit():
        return float(text)
    match = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):([0-5]\d)", text)
    return None if match is None else int(match[1] or 0) * 3600 + int(match[2]) * 60 + float(match[3])


def _text(parent: etree._Element, tag: str) -> str | None:
    element = parent.find(tag)
    return None if element is None else (element.text or "").strip()


@dataclass
class _Check:
    """The state of one check: where files are, the base URL, and what has been found."""

    feed_dir: Path
    base_url: str | None
    problems: list[Problem] = field(default_factory=list)
    validated: set[Path] = field(default_factory=set)
    private: list[Path] = field(default_factory=list)

    def error(self, where: str, what: str, fix: str) -> None:
        self.problems.append(Problem("error", where, what, fix))

    def warning(self, where: str, what: str, fix: str) -> None:
        self.problems.append(Problem("warning", where, what, fix))

    def rel(self, path: Path) -> str:
        return path.relative_to(self.feed_dir).as_posix()

    def url(self, url: str | None, where: str, what: str, *, local: bool = True,
            missing: Severity = "error") -> Path | None:
        """Check one URL of the feed; for files the feed hosts, the local file it names."""
        if url is None:
            return None
        problem = _url_problem(url)
        if problem:
            self.error(where, f"{what} {url!r} {problem}",
                       "percent-encode the URL or use plain ASCII file names; set show.base_url to an http(s) address")
            return None
        if not local or self.base_url is None:
            return None
        if not url.startswith(self.base_url):
            self.error(where, f"{what} {url} is not under the feed's base URL {self.base_url}",
                       "set show.base_url in papercast.toml to where feed/ is served, then rebuild")
            return None
        relative = urlsplit(url[len(self.base_url):]).path
        parts = [unquote(segment) for segment in relative.split("/") if segment]
        if any(part.startswith(".") or "\\" in part for part in parts):
            self.error(where, f"{what} {url} names a hidden file, which `papercast serve` refuses",
                       "publish files under names that do not start with a dot")
            return None
        target = self.feed_dir.joinpath(*parts)
        if target.is_dir():
            target = target / "index.html"
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError):
            real = None
        if real is None or not real.is_file():
            report = self.error if missing == "error" else self.warning
            report(where, f"{what} {url} names feed/{'/'.join(parts) or 'index.html'}, which does not exist",
                   _REBUILD if missing == "error" else "write the show page (build writes feed/index.html)")
            return None
        if not real.is_relative_to(self.feed_dir):
            self.error(where, f"{what} {url} is a link to a file outside feed/, which the server refuses",
                       "copy the file into feed/ instead of linking to it")
            return None
        self.note_mode(target)
        return target

    def note_mode(self, path: Path) -> None:
        """Remember a published file only its owner may read (reported once, at the end)."""
        if os.name == "posix" and not path.stat().st_mode & 0o004 and path not in self.private:
            self.private.append(path)

    def file_issues(self, path: Path, issues: list[Issue], fix: str) -> None:
        for issue in issues[:_MAX_PER_FILE]:
            where = self.rel(path) + (f" line {issue.line}" if issue.line else "")
            self.problems.append(Problem(issue.severity, where, issue.what, fix))
        if len(issues) > _MAX_PER_FILE:
            worst: Severity = "error" if any(i.severity == "error" for i in issues[_MAX_PER_FILE:]) else "warning"
            self.problems.append(Problem(worst, self.rel(path), f"and {len(issues) - _MAX_PER_FILE} more problems",
                                         fix))


def check_feed(feed_dir: Path, base_url: str | None = None) -> list[Problem]:
    """Every problem apps would have with `feed_dir/feed.xml` and the files it names.

    `base_url` is where feed/ is served (show.base_url); without it the feed's own
    atom:link rel="self" says where, and URLs under it must name files in `feed_dir`.
    """
    feed_dir = Path(feed_dir).resolve()
    check = _Check(feed_dir, base_url.rstrip("/") + "/" if base_url else None)
    try:
        data = (feed_dir / FEED_NAME).read_bytes()
    except OSError as exc:
        check.error(FEED_NAME, f"cannot be read ({exc.strerror or exc})", "run `papercast build` first")
        return check.problems
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        check.error(f"{FEED_NAME} line {exc.lineno}", f"is not well-formed XML ({exc.msg})",
                    "apps reject the whole feed; " + _REBUILD)
        return check.problems
    channel = root.find("channel")
    if root.tag != "rss" or root.get("version") != "2.0" or channel is None:
        check.error(FEED_NAME, "is not an RSS 2.0 feed (<rss version=\"2.0\"><channel>)", _REBUILD)
        return check.problems
    _check_channel(channel, check)
    items = channel.findall("item")
    if not items:
        check.warning(f"{FEED_NAME}: channel", "has no episodes; Apple Podcasts does not accept an empty feed",
                      "add an episode definition in episodes/ and build")
    guids: dict[str, int] = {}
    enclosures: dict[str, int] = {}
    for number, item in enumerate(items, 1):
        _check_item(item, number, check, guids, enclosures)
    if check.private:
        shown = ", ".join(check.rel(p) for p in check.private[:3]) + (" ..." if len(check.private) > 3 else "")
        check.warning("feed/", f"{len(check.private)} published file(s) only their owner can read ({shown})",
                      "a web server running as another user cannot send them: chmod a+r them, "
                      "or build with a umask such as 022")
    return check.problems


def _check_channel(channel: etree._Element, check: _Check) -> None:
    where = f"{FEED_NAME}: channel"
    self_link = next((e.get("href") for e in channel.findall(f"{{{ATOM}}}link") if e.get("rel") == "self"), None)
    if self_link is None:
        unchecked = "" if check.base_url else " (and without a base URL, no file it names was checked)"
        check.warning(where, f'has no <atom:link rel="self">: apps cannot tell where the feed lives{unchecked}',
                      _REBUILD)
    elif check.base_url is None:
        if _url_problem(self_link) is None:  # the feed says where it is served
            check.base_url = self_link.rsplit("/", 1)[0] + "/"
        check.url(self_link, where, "self link")
    elif self_link != check.base_url + FEED_NAME:
        check.error(where, f"self link {self_link} is not {check.base_url + FEED_NAME}, where the feed is served",
                    "rebuild after changing show.base_url so every URL in the feed agrees")
    else:
        check.url(self_link, where, "self link")

    for tag, what, fix in (
        ("title", "<title>", "set show.title in papercast.toml"),
        ("description", "<description>", "set show.description in papercast.toml"),
        (f"{{{ITUNES}}}author", "<itunes:author>", "set show.author in papercast.toml"),
    ):
        if not _text(channel, tag):
            check.error(where, f"has no {what} (Apple Podcasts requires it)", fix)
    description = _text(channel, "description") or ""
    if len(description.encode()) > 4000:
        check.warning(where, "description is over 4000 bytes, which Apple Podcasts cuts",
                      "shorten show.description")
    link = _text(channel, "link")
    if not link:
        check.error(where, "has no <link>", "set show.base_url in papercast.toml")
    else:
        check.url(link, where, "<link>", missing="warning")
    language = _text(channel, "language")
    if not language or not _LANGUAGE.match(language):
        check.error(where, f"<language> {language!r} is not a language code such as en or en-GB",
                    "set show.language in papercast.toml")

    explicit = _text(channel, f"{{{ITUNES}}}explicit")
    if explicit not in ("true", "false"):
        check.error(where, f"<itunes:explicit> is {explicit!r}; Apple Podcasts accepts only true or false",
                    "set show.explicit = true or false in papercast.toml and rebuild")

    owner = channel.find(f"{{{ITUNES}}}owner")
    email = _text(owner, f"{{{ITUNES}}}email") if owner is not None else None
    if not email or not _EMAIL.match(email):
        check.error(where, f"<itunes:owner> has no valid <itunes:email> ({email!r}); Apple uses it to verify the owner",
                    "set show.owner_email in papercast.toml")

    categories = channel.findall(f"{{{ITUNES}}}category")
    if not categories:
        check.error(where, "has no <itunes:category>", "set show.category to an Apple Podcasts category")
    for category in categories:
        name = category.get("text", "")
        if name not in APPLE_SUBCATEGORIES:
            check.error(where, f"category {name!r} is not an Apple Podcasts category",
                        "set show.category to one of: " + ", ".join(sorted(APPLE_SUBCATEGORIES)))
            continue
        for sub in category.findall(f"{{{ITUNES}}}category"):
            if sub.get("text", "") not in APPLE_SUBCATEGORIES[name]:
                allowed = ", ".join(sorted(APPLE_SUBCATEGORIES[name])) or "none"
                check.error(where, f"subcategory {sub.get('text')!r} is not one of {name}'s",
                            f"set show.subcategory to one of: {allowed}")

    image = channel.find(f"{{{ITUNES}}}image")
    href = image.get("href") if image is not None else None
    if not href:
        check.error(where, "has no <itunes:image href=...> (Apple Podcasts requires cover art)", _REBUILD)
    else:
        if not urlsplit(href).path.lower().endswith((".jpg", ".jpeg", ".png")):
            check.error(where, f"<itunes:image> {href} does not end in .jpg or .png, as Apple requires",
                        "use a JPEG or PNG cover (show.cover)")
        path = check.url(href, where, "<itunes:image>")
        if path is not None:
            _check_image(path, check)
    rss_image = channel.find("image")
    if rss_image is not None:
        check.url(_text(rss_image, "url"), where, "<image><url>")

    _check_podcast_channel(channel, where, check)


def _check_podcast_channel(channel: etree._Element, where: str, check: _Check) -> None:
    guid = channel.find(f"{{{PODCAST}}}guid")
    if guid is None:
        check.warning(where, "has no <podcast:guid>, which lets apps follow the feed if its URL changes",
                      "build with a papercast that writes Podcasting 2.0 tags")
    else:
        try:
            uuid.UUID((guid.text or "").strip())
        except ValueError:
            check.error(where, f"<podcast:guid> {guid.text!r} is not a UUID",
                        "it must be the UUIDv5 of the feed URL (see podcastindex.org namespace); rebuild")
    locked = _text(channel, f"{{{PODCAST}}}locked")
    if locked is not None and locked not in ("yes", "no"):
        check.error(where, f"<podcast:locked> is {locked!r}, not yes or no", _REBUILD)
    medium = _text(channel, f"{{{PODCAST}}}medium")
    if medium is not None and medium not in MEDIUMS:
        check.error(where, f"<podcast:medium> {medium!r} is not a medium the namespace defines", "use podcast")
    for person in channel.findall(f"{{{PODCAST}}}person"):
        if not (person.text or "").strip():
            check.error(where, "a <podcast:person> has no name", "give each host a name in papercast.toml")
        for key in ("img", "href"):
            check.url(person.get(key), where, f"podcast:person {key}", local=False)


def _check_image(path: Path, check: _Check) -> None:
    where, fix = check.rel(path), "set show.cover to a square RGB JPEG or PNG of 1400 to 3000 pixels, " \
                                  "or remove it to use the generated cover"
    try:
        with Image.open(path) as image:
            kind, (width, height), mode = image.format, image.size, image.mode
            image.load()  # a truncated file opens fine and fails only when decoded
    except UnidentifiedImageError:
        return check.error(where, "is not an image", fix)
    except (OSError, Image.DecompressionBombError) as exc:
        return check.error(where, f"cannot be read ({exc})", fix)
    if kind not in _IMAGE_SUFFIXES:
        check.error(where, f"is {kind}; podcast apps need JPEG or PNG", fix)
    elif path.suffix.lower() not in _IMAGE_SUFFIXES[kind]:
        check.error(where, f"is a {kind} named {path.suffix}; Apple requires the extension to match", fix)
    if width != height:
        check.error(where, f"is {width}x{height} pixels; cover art must be square", fix)
    if not (1400 <= width <= 3000 and 1400 <= height <= 3000):
        check.error(where, f"is {width}x{height} pixels; Apple requires 1400 to 3000 pixels a side", fix)
    if kind in _IMAGE_SUFFIXES and mode in ("RGBA", "LA", "P", "PA"):
        check.warning(where, f"has colour mode {mode}; Apple asks for plain RGB (transparency shows as black)", fix)
    elif kind in _IMAGE_SUFFIXES and mode != "RGB":
        check.error(where, f"has colour mode {mode}; Apple Podcasts requires RGB", fix)


def _check_item(item: etree._Element, number: int, check: _Check,
                guids: dict[str, int], enclosures: dict[str, int]) -> None:
    title = _text(item, "title")
    short = title if not title or len(title) <= 48 else title[:48].rsplit(" ", 1)[0] + " ..."
    where = f'{FEED_NAME}: item {number} "{short}"' if title else f"{FEED_NAME}: item {number}"
    if not title:
        check.error(where, "has no <title>", "give the episode a title in episodes/*.toml")
    if not _text(item, "description") and not _text(item, f"{{{ITUNES}}}summary"):
        check.warning(where, "has no description; apps show an empty page", "add a description to the episode")

    guid = _text(item, "guid")
    if not guid:
        check.error(where, "has no <guid>; apps cannot tell episodes apart", _REBUILD)
    elif guid in guids:
        check.error(where, f"guid {guid!r} is also item {guids[guid]}'s; apps will show only one of them",
                    "every episode needs its own permanent guid (kept in .papercast/published.json)")
    else:
        guids[guid] = number

    published = _text(item, "pubDate")
    if not published:
        check.error(where, "has no <pubDate>", _REBUILD)
    else:
        try:
            stamp = email.utils.parsedate_to_datetime(published) if _RFC2822.fullmatch(published) else None
        except ValueError:  # the right shape, but no such day
            stamp = None
        if stamp is None:
            check.error(where, f"pubDate {published!r} is not an RFC 2822 date such as "
                               "'Mon, 02 Nov 2026 06:00:00 +0000'", _REBUILD)
        elif published[:3] in _DAYS and published[:3] != _DAYS.split("|")[stamp.weekday()]:
            check.warning(where, f"pubDate {published!r} names the wrong weekday", _REBUILD)

    explicit = _text(item, f"{{{ITUNES}}}explicit")
    if explicit is not None and explicit not in ("true", "false"):
        check.error(where, f"<itunes:explicit> is {explicit!r}; Apple Podcasts accepts only true or false", _REBUILD)
    check.url(_text(item, "link"), where, "<link>")

    audio, length = _check_enclosure(item, number, where, check, enclosures)
    declared_text = _text(item, f"{{{ITUNES}}}duration")
    declared = _duration(declared_text) if declared_text else None
    if declared_text is None:
        check.warning(where, "has no <itunes:duration>; apps show no length until they download it", _REBUILD)
    elif declared is None:
        check.error(where, f"<itunes:duration> {declared_text!r} is not seconds or HH:MM:SS", _REBUILD)
    elif length is not None and abs(declared - length) > _TOLERANCE:
        check.error(where, f"<itunes:duration> says {declared:g} s but the MP3 plays for {length:.1f} s", _REBUILD)
    _check_episode_files(item, where, audio, length if length is not None else declared, check)


def _check_enclosure(item: etree._Element, number: int, where: str, check: _Check,
                     enclosures: dict[str, int]) -> tuple[Path | None, float | None]:
    """Check the enclosure against its file; the file and its playing time when readable."""
    found = item.findall("enclosure")
    if not found:
        check.error(where, "has no <enclosure>: there is nothing to play", _REBUILD)
        return None, None
    if len(found) > 1:
        check.warning(where, f"has {len(found)} enclosures; apps play only the first", _REBUILD)
    enclosure = found[0]
    url, size, kind = enclosure.get("url"), enclosure.get("length"), enclosure.get("type")
    if kind != "audio/mpeg":
        check.error(where, f"enclosure type is {kind!r}, not audio/mpeg for an MP3", _REBUILD)
    if not url:
        check.error(where, "enclosure has no url", _REBUILD)
        return None, None
    if url in enclosures:
        check.error(where, f"enclosure {url} is also item {enclosures[url]}'s; apps skip the duplicate",
                    "every episode needs its own audio file")
    enclosures.setdefault(url, number)
    if not urlsplit(url).path.lower().endswith(".mp3"):
        check.error(where, f"enclosure {url} does not end in .mp3; Apple requires the extension to match the type",
                    _REBUILD)
    path = check.url(url, where, "enclosure")
    if size is None or not size.isdigit() or int(size) <= 0:
        check.error(where, f"enclosure length {size!r} is not the file's size in bytes", _REBUILD)
    elif path is not None and int(size) != path.stat().st_size:
        check.error(where, f"enclosure length {size} is not the file's size ({path.stat().st_size} bytes); "
                           "apps stop early or show the download as broken", _REBUILD)
    if path is None:
        return None, None
    try:
        info = MP3(path).info
        length = float(info.length) if info is not None else 0.0
    except (MutagenError, OSError) as exc:
        check.error(check.rel(path), f"is not a readable MP3 ({exc})", _REBUILD)
        return path, None
    if not length > 0:
        check.error(check.rel(path), "has no audio", _REBUILD)
    return path, length


def _check_episode_files(item: etree._Element, where: str, audio: Path | None,
                         duration: float | None, check: _Check) -> None:
    transcripts = item.findall(f"{{{PODCAST}}}transcript")
    if not transcripts:
        check.warning(where, "links no <podcast:transcript>; apps can show no transcript", _REBUILD)
    for tag in transcripts:
        url, kind = tag.get("url"), tag.get("type")
        what = f"transcript ({kind})"
        if not url or not kind:
            check.error(where, "a <podcast:transcript> lacks its url or type attribute", _REBUILD)
            continue
        path = check.url(url, where, what)
        parser = TRANSCRIPT_KINDS.get(kind)
        if parser is None:
            check.warning(where, f"transcript type {kind!r} is not one apps read "
                                 "(text/vtt, application/x-subrip, application/json)", _REBUILD)
        if parser == "vtt" and tag.get("rel") != "captions":
            check.warning(where, f'WebVTT transcript {url} is not marked rel="captions"; apps use that one to '
                                 "show the words in time", _REBUILD)
        if path is not None and parser is not None:
            if _SUFFIX_KIND.get(path.suffix.lower()) != parser:
                # The tag is what is wrong; the file itself is checked as what its name says.
                check.error(where, f"transcript {url} is declared {kind} but its name says otherwise", _REBUILD)
            else:
                _validate_file(path, parser, duration, check)

    chapters = item.findall(f"{{{PODCAST}}}chapters")
    if not chapters:
        check.warning(where, "links no <podcast:chapters>; apps can show no chapters", _REBUILD)
    if len(chapters) > 1:
        check.warning(where, f"has {len(chapters)} <podcast:chapters>; apps read only one", _REBUILD)
    for tag in chapters:
        if tag.get("type") != CHAPTERS_TYPE:
            check.error(where, f"<podcast:chapters> type is {tag.get('type')!r}, not {CHAPTERS_TYPE}", _REBUILD)
        path = check.url(tag.get("url"), where, "chapters") if tag.get("url") else None
        if not tag.get("url"):
            check.error(where, "<podcast:chapters> has no url", _REBUILD)
        if path is not None:
            _validate_file(path, "chapters", duration, check)

    if audio is not None:
        # Files beside the MP3 that the feed does not link are still published: check them too.
        stem = audio.name[: -len(audio.suffix)]
        for suffix, kind in EPISODE_FILES.items():
            if (audio.parent / (stem + suffix)).is_file():
                _validate_file(audio.parent / (stem + suffix), kind, duration, check)


def _validate_file(path: Path, kind: str, duration: float | None, check: _Check) -> None:
    """Check one transcript or chapters file's syntax, schema and times against the audio."""
    if path in check.validated:
        return
    check.validated.add(path)
    where = check.rel(path)
    try:
        check.note_mode(path)
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return check.error(where, "is not UTF-8 text", _REBUILD)
    except OSError as exc:
        return check.error(where, f"cannot be read ({exc.strerror or exc})", _REBUILD)
    fix = f"{_REBUILD}; if it persists, report it as a papercast bug"
    if kind in ("text", "html"):
        if not text.strip():
            check.error(where, "is empty", fix)
        return
    if kind == "chapters":
        chapters, issues = parse_chapters(text)
        check.file_issues(path, issues, fix)
        if duration is not None:
            for number, chapter in enumerate(chapters, 1):
                if chapter.start >= duration:
                    check.error(where, f"chapter {number} starts at {chapter.start:g} s, after the audio "
                                       f"ends ({duration:.1f} s)", fix)
                if chapter.end is not None and chapter.end > duration + _TOLERANCE:
                    check.error(where, f"chapter {number} ends at {chapter.end:g} s, after the audio "
                                       f"ends ({duration:.1f} s)", fix)
        return
    parse = {"vtt": parse_vtt, "srt": parse_srt, "json": parse_json_transcript}[kind]
    cues, issues = parse(text)
    check.file_issues(path, issues, fix)
    late = [cue for cue in cues if cue.end > (duration or 0) + _TOLERANCE]
    if duration is not None and late:
        check.error(where, f"{len(late)} cue(s) end after the audio does ({duration:.1f} s), the first at "
                           f"{late[0].end:.3f} s", fix)
