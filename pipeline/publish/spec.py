"""What podcast apps and directories accept, written down once.

The configuration checks a show against these facts before any work, the feed writer writes
by them, and `papercast check` judges the published feed by them, so the three never disagree.
Sources: Apple Podcasts Connect (categories, artwork), the RSS 2.0 and Podcasting 2.0 specs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# The namespace's first URI: gPodder's parser (podcastparser) reads only this one.
PODCAST_NS_LEGACY = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
ATOM_NS = "http://www.w3.org/2005/Atom"

FEED_NAME = "feed.xml"
CHAPTERS_TYPE = "application/json+chapters"
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
