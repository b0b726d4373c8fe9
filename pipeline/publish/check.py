"""`papercast check`: the built feed and its files, judged by what podcast apps enforce.

Errors are what makes Apple Podcasts or another app reject the feed or an episode, or play
it wrong; warnings are what apps tolerate but show badly, and advice (advice.py) on what a
directory or the spec asks for beyond that. Only `feed/` is read: the check
judges what listeners would get, not the show's configuration. The transcript and chapter
parsers here are also what the show page (page.py) reads those files with.
"""

from __future__ import annotations

import email.utils
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree
from mutagen import MutagenError
from mutagen.mp3 import MP3

from .advice import audio_advice, base_url_advice, https_advice, loudness_advice
from .sidecars.read import Issue, parse_chapters, parse_json_transcript, parse_srt, parse_vtt
from .spec import (
    APPLE_SUBCATEGORIES,
    ATOM_NS,
    CHAPTERS_TYPE,
    COVER_FIX,
    EMAIL,
    FEED_NAME,
    ITUNES_NS,
    LANGUAGE,
    MEDIUMS,
    PODCAST_NS,
    TRANSCRIPT_KINDS,
    Severity,
    cover_findings,
    url_problem,
)

# The suffix a transcript file of each kind has.
_SUFFIX_KIND = {".vtt": "vtt", ".srt": "srt", ".json": "json", ".txt": "text", ".html": "html"}
# The files an episode S.mp3 may have beside it, all validated when present.
EPISODE_FILES = {".vtt": "vtt", ".srt": "srt", ".transcript.json": "json", ".chapters.json": "chapters",
                 ".txt": "text"}
_TOLERANCE = 1.0  # seconds: itunes:duration is whole seconds, MP3 lengths are estimates
_MAX_PER_FILE = 8  # a file broken throughout would otherwise bury everything else


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


# --- the feed ------------------------------------------------------------------------------

_DAYS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# RFC 2822 (with the obsolete zone names RSS feeds still use); email.utils alone is too lenient.
_RFC2822 = re.compile(rf"(?:(?:{_DAYS}), )?\d{{1,2}} (?:{_MONTHS}) \d{{4}} \d{{2}}:\d{{2}}(?::\d{{2}})? "
                      r"(?:[+-]\d{4}|GMT|UT|UTC|[ECMP][SD]T|Z)")
# No resolving entities or fetching DTDs: the feed is data, not instructions.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_REBUILD = "rebuild with `papercast build` (the feed must be written from the files as they are)"


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
    audio: list[Path] = field(default_factory=list)  # the enclosures found, for the advice on encoding

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
        problem = url_problem(url)
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


def check_feed(feed_dir: Path, base_url: str | None = None, loudness: float | None = None) -> list[Problem]:
    """Every problem apps would have with `feed_dir/feed.xml` and the files it names.

    `base_url` is where feed/ is served (show.base_url); without it the feed's own
    atom:link rel="self" says where, and URLs under it must name files in `feed_dir`.
    `loudness` is the show's target (LUFS as played), judged against Apple's when given.
    """
    feed_dir = Path(feed_dir).resolve()
    check = _Check(feed_dir, base_url.rstrip("/") + "/" if base_url else None)
    loudness_advice(loudness, check.warning)
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
    base_url_advice(check.base_url, check.warning)
    https_advice(channel, check.warning)
    audio_advice(check.audio, check.warning)
    if check.private:
        shown = ", ".join(check.rel(p) for p in check.private[:3]) + (" ..." if len(check.private) > 3 else "")
        check.warning("feed/", f"{len(check.private)} published file(s) only their owner can read ({shown})",
                      "a web server running as another user cannot send them: chmod a+r them, "
                      "or build with a umask such as 022")
    return check.problems


def _check_channel(channel: etree._Element, check: _Check) -> None:
    where = f"{FEED_NAME}: channel"
    self_link = next((e.get("href") for e in channel.findall(f"{{{ATOM_NS}}}link") if e.get("rel") == "self"), None)
    if self_link is None:
        unchecked = "" if check.base_url else " (and without a base URL, no file it names was checked)"
        check.warning(where, f'has no <atom:link rel="self">: apps cannot tell where the feed lives{unchecked}',
                      _REBUILD)
    elif check.base_url is None:
        if url_problem(self_link) is None:  # the feed says where it is served
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
        (f"{{{ITUNES_NS}}}author", "<itunes:author>", "set show.author in papercast.toml"),
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
    if not language or not LANGUAGE.match(language):
        check.error(where, f"<language> {language!r} is not a language code such as en or en-GB",
                    "set show.language in papercast.toml")

    explicit = _text(channel, f"{{{ITUNES_NS}}}explicit")
    if explicit not in ("true", "false"):
        check.error(where, f"<itunes:explicit> is {explicit!r}; Apple Podcasts accepts only true or false",
                    "set show.explicit = true or false in papercast.toml and rebuild")

    owner = channel.find(f"{{{ITUNES_NS}}}owner")
    email = _text(owner, f"{{{ITUNES_NS}}}email") if owner is not None else None
    if not email or not EMAIL.match(email):
        check.error(where, f"<itunes:owner> has no valid <itunes:email> ({email!r}); Apple uses it to verify the owner",
                    "set show.owner_email in papercast.toml")

    categories = channel.findall(f"{{{ITUNES_NS}}}category")
    if not categories:
        check.error(where, "has no <itunes:category>", "set show.category to an Apple Podcasts category")
    for category in categories:
        name = category.get("text", "")
        if name not in APPLE_SUBCATEGORIES:
            check.error(where, f"category {name!r} is not an Apple Podcasts category",
                        "set show.category to one of: " + ", ".join(sorted(APPLE_SUBCATEGORIES)))
            continue
        for sub in category.findall(f"{{{ITUNES_NS}}}category"):
            if sub.get("text", "") not in APPLE_SUBCATEGORIES[name]:
                allowed = ", ".join(sorted(APPLE_SUBCATEGORIES[name])) or "none"
                check.error(where, f"subcategory {sub.get('text')!r} is not one of {name}'s",
                            f"set show.subcategory to one of: {allowed}")

    image = channel.find(f"{{{ITUNES_NS}}}image")
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
    guid = channel.find(f"{{{PODCAST_NS}}}guid")
    if guid is None:
        check.warning(where, "has no <podcast:guid>, which lets apps follow the feed if its URL changes",
                      "build with a papercast that writes Podcasting 2.0 tags")
    else:
        try:
            uuid.UUID((guid.text or "").strip())
        except ValueError:
            check.error(where, f"<podcast:guid> {guid.text!r} is not a UUID",
                        "it must be the UUIDv5 of the feed URL (see podcastindex.org namespace); rebuild")
    locked = _text(channel, f"{{{PODCAST_NS}}}locked")
    if locked is not None and locked not in ("yes", "no"):
        check.error(where, f"<podcast:locked> is {locked!r}, not yes or no", _REBUILD)
    medium = _text(channel, f"{{{PODCAST_NS}}}medium")
    if medium is not None and medium not in MEDIUMS:
        check.error(where, f"<podcast:medium> {medium!r} is not a medium the namespace defines", "use podcast")
    for person in channel.findall(f"{{{PODCAST_NS}}}person"):
        if not (person.text or "").strip():
            check.error(where, "a <podcast:person> has no name", "give each host a name in papercast.toml")
        for key in ("img", "href"):
            check.url(person.get(key), where, f"podcast:person {key}", local=False)


def _check_image(path: Path, check: _Check) -> None:
    if path in check.validated:  # the show's cover is every item's too: judged once
        return
    check.validated.add(path)
    where, fix = check.rel(path), f"set show.cover (or the episode's image): {COVER_FIX}, or remove it"
    for finding in cover_findings(path)[1]:
        (check.error if finding.severity == "error" else check.warning)(where, finding.text, fix)



def _check_item(item: etree._Element, number: int, check: _Check,
                guids: dict[str, int], enclosures: dict[str, int]) -> None:
    title = _text(item, "title")
    short = title if not title or len(title) <= 48 else title[:48].rsplit(" ", 1)[0] + " ..."
    where = f'{FEED_NAME}: item {number} "{short}"' if title else f"{FEED_NAME}: item {number}"
    if not title:
        check.error(where, "has no <title>", "give the episode a title in episodes/*.toml")
    if not _text(item, "description") and not _text(item, f"{{{ITUNES_NS}}}summary"):
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

    explicit = _text(item, f"{{{ITUNES_NS}}}explicit")
    if explicit is not None and explicit not in ("true", "false"):
        check.error(where, f"<itunes:explicit> is {explicit!r}; Apple Podcasts accepts only true or false", _REBUILD)
    check.url(_text(item, "link"), where, "<link>", missing="warning")  # the show page: apps play without it

    _check_item_image(item, where, check)
    audio, length = _check_enclosure(item, number, where, check, enclosures)
    declared_text = _text(item, f"{{{ITUNES_NS}}}duration")
    declared = _duration(declared_text) if declared_text else None
    if declared_text is None:
        check.warning(where, "has no <itunes:duration>; apps show no length until they download it", _REBUILD)
    elif declared is None:
        check.error(where, f"<itunes:duration> {declared_text!r} is not seconds or HH:MM:SS", _REBUILD)
    elif length is not None and abs(declared - length) > _TOLERANCE:
        check.error(where, f"<itunes:duration> says {declared:g} s but the MP3 plays for {length:.1f} s", _REBUILD)
    _check_episode_files(item, where, audio, length if length is not None else declared, check)


def _check_item_image(item: etree._Element, where: str, check: _Check) -> None:
    """An episode's own itunes:image: the same rules as the show's cover (optional: apps fall back to it)."""
    image = item.find(f"{{{ITUNES_NS}}}image")
    path = check.url(image.get("href"), where, "<itunes:image>") if image is not None else None
    if path is not None:
        _check_image(path, check)


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
    check.audio.append(path)
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
    transcripts = item.findall(f"{{{PODCAST_NS}}}transcript")
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

    chapters = item.findall(f"{{{PODCAST_NS}}}chapters")
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
