"""What podcast apps and directories accept, written down once.

The configuration checks a show against these facts before any work, the feed writer writes
by them, and `papercast check` judges the published feed by them, so the three never disagree.
Sources: Apple Podcasts Connect (categories, artwork), the RSS 2.0 and Podcasting 2.0 specs.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
# Podlove Simple Chapters: the chapters gPodder (podcastparser) reads from the item itself.
PSC_NS = "http://podlove.org/simple-chapters"
PSC_VERSION = "1.2"

FEED_NAME = "feed.xml"
CHAPTERS_TYPE = "application/json+chapters"
# The Content-Type of each file the feed folder holds, by suffix (chapters have their own, above).
# Written here rather than taken from `mimetypes`, whose answers depend on the platform's database.
CONTENT_TYPES = {
    ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".json": "application/json",
    ".xml": "application/rss+xml; charset=utf-8", ".rss": "application/rss+xml; charset=utf-8",
    ".vtt": "text/vtt", ".srt": "application/x-subrip", ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
    ".svg": "image/svg+xml", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


def content_type(name: str) -> str:
    """The Content-Type a file of this name is served and uploaded with (any case; unknown: octet-stream)."""
    name = name.lower()
    if name.endswith(".chapters.json"):  # Podcasting 2.0 gives chapters their own type
        return CHAPTERS_TYPE
    return CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream")


# podcast:transcript types and the parser each needs.
TRANSCRIPT_KINDS = {"text/vtt": "vtt", "application/x-subrip": "srt", "application/srt": "srt",
                    "application/json": "json", "text/plain": "text", "text/html": "html"}
MEDIUMS = frozenset({"podcast", "music", "video", "film", "audiobook", "newsletter", "blog",
                     "publisher", "course", "mixed"}) | frozenset(
    f"{m}L" for m in ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog"))

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
APPLE_CATEGORIES = frozenset(APPLE_SUBCATEGORIES)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# RSS <language>: an RFC 5646 tag such as en, en-GB or pt-BR (tags are case-insensitive).
LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Characters a URL may hold unescaped (RFC 3986); apps reject the rest.
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
# An episode id is its file name: it becomes part of URLs, so only URL-safe characters.
EPISODE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# Cover art: Apple requires a square JPEG or PNG of 1400 to 3000 pixels in RGB.
COVER_MIN_PX, COVER_MAX_PX = 1400, 3000
COVER_SUFFIXES = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",)}
COVER_NAMES = {"JPEG": "cover.jpg", "PNG": "cover.png"}
COVER_FIX = "use a square RGB JPEG or PNG of 1400 to 3000 pixels"
_TRANSPARENT_MODES = ("RGBA", "LA", "P", "PA")

Severity = Literal["error", "warning"]

# Loudness as listeners hear it. Apple's audio requirements: -16 LKFS integrated (within 1 dB),
# true peak at most -1 dBTP. ITU-R BS.1770 sums the channels' energies, so a mono file played
# on two speakers or headphones (dual mono, as every player does) is 3 LU louder than the same
# file metered as one channel: the target is for the programme as played (AES TD1008 says the
# same: -16 LUFS stereo is -19 LUFS metered mono), and papercast meters mono files as dual mono.
LOUDNESS_TARGET = -16.0
LOUDNESS_TOLERANCE = 1.0
MAX_TRUE_PEAK = -1.0
# The range a show may choose: AES TD1008 puts speech at -18 LUFS (-20 to -16); louder than -14
# is what Spotify turns down anyway.
LOUDNESS_RANGE = (-24.0, -14.0)

# MP3 as Apple's audio requirements recommend it, by channel count: 44.1 or 48 kHz, and
# 96-128 kbit/s mono or 128-256 kbit/s stereo (the minimums are 32 and 64 kbit/s).
MP3_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)  # LAME's CBR steps
APPLE_MP3_KBPS: dict[int, tuple[int, int]] = {1: (96, 128), 2: (128, 256)}
APPLE_SAMPLE_RATES = (44100, 48000)
CHANNEL_NAMES = {1: "mono", 2: "stereo"}


def default_bitrate(channels: int) -> str:
    """The lowest bit rate Apple recommends for MP3 with this many channels, as LAME takes it ("96k")."""
    return f"{APPLE_MP3_KBPS[channels][0]}k"


def bitrate_advice(kbps: int, channels: int) -> str | None:
    """Why `kbps` falls short of Apple's recommendation for `channels`, or None if it meets it."""
    low = APPLE_MP3_KBPS.get(channels, APPLE_MP3_KBPS[2])[0]
    if kbps >= low:
        return None
    return (f"{kbps} kbit/s {CHANNEL_NAMES.get(channels, 'stereo')} is below the {low} kbit/s Apple recommends "
            f"for {CHANNEL_NAMES.get(channels, 'stereo')} MP3")

# Podcast Index guidance for captions (podcast:transcript): SRT cues of at most two lines of
# 32 characters; WebVTT cues are kept to the same two-line shape.
SRT_LINE_CHARS = 32
CAPTION_LINES = 2

# Addresses an app outside this machine or network cannot reach (a feed served from them can be
# subscribed to only here).
PRIVATE_HOST_FIX = ("set show.base_url to the public https:// address where feed/ will be served "
                    "(a LAN address works only on that network), then rebuild")


def private_host(url: str) -> str | None:
    """'loopback', 'private' or 'link-local' when `url`'s host is such an address (or localhost), else None."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan")):
        return "local"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_private or address.is_unspecified:
        return "private"
    return None


@dataclass(frozen=True)
class Finding:
    """One way a value or file falls short of the specification."""

    severity: Severity
    text: str


def url_problem(url: str) -> str | None:
    """Why podcast apps would reject `url` as an absolute link, or None if they accept it."""
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


def category_problem(category: str, subcategory: str) -> str | None:
    """Why Apple would reject this category and subcategory, with the accepted values; None if it accepts them."""
    if category not in APPLE_SUBCATEGORIES:
        choices = ", ".join(sorted(APPLE_CATEGORIES))
        return f"category {category!r} is not an Apple Podcasts category (one of: {choices})"
    allowed = APPLE_SUBCATEGORIES[category]
    if subcategory and subcategory not in allowed:
        choices = ", ".join(sorted(allowed)) if allowed else f"none: {category} has no subcategories"
        return f"subcategory {subcategory!r} is not one of {category}'s ({choices})"
    return None


def cover_findings(path: Path, check_suffix: bool = True) -> tuple[str | None, list[Finding]]:
    """The image format of a cover file ("JPEG", "PNG" or another) and everything Apple would object to."""
    try:
        with Image.open(path) as image:
            kind, (width, height), mode = image.format, image.size, image.mode
            image.load()  # a truncated file opens fine and fails only when decoded
    except UnidentifiedImageError:
        return None, [Finding("error", "is not an image")]
    except (OSError, Image.DecompressionBombError) as exc:
        return None, [Finding("error", f"cannot be read ({getattr(exc, 'strerror', None) or exc})")]
    found: list[Finding] = []
    if kind not in COVER_SUFFIXES:
        found.append(Finding("error", f"is {kind}; podcast apps need JPEG or PNG"))
    elif check_suffix and path.suffix.lower() not in COVER_SUFFIXES[kind]:
        found.append(Finding("error", f"is a {kind} named {path.suffix}; Apple requires the extension to match"))
    if width != height:
        found.append(Finding("error", f"is {width}x{height} pixels; cover art must be square"))
    if not (COVER_MIN_PX <= width <= COVER_MAX_PX and COVER_MIN_PX <= height <= COVER_MAX_PX):
        found.append(Finding("error", f"is {width}x{height} pixels; Apple requires {COVER_MIN_PX} to "
                                      f"{COVER_MAX_PX} pixels a side"))
    if kind in COVER_SUFFIXES and mode in _TRANSPARENT_MODES:
        found.append(Finding("warning", f"has colour mode {mode}; Apple asks for plain RGB "
                                        "(transparency shows as black)"))
    elif kind in COVER_SUFFIXES and mode != "RGB":
        found.append(Finding("error", f"has colour mode {mode}; Apple Podcasts requires RGB"))
    return kind, found
