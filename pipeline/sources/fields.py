"""Field cleaning shared by every paper reader: DOIs, dates, keys, and building a `Paper`; text
and markup (plain.py) and names (names.py) are re-exported here.

Each format's reader passes its format's raw values through these, so a title, date or author
means the same thing whichever file it came from.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..model import Author, Paper

# Re-exported: every reader takes its field cleaning from here.
from .names import (
    PARTICLES as PARTICLES,
    author_list as author_list,
    family_given as family_given,
    is_et_al,
    is_group_name as is_group_name,
    looks_like_person as looks_like_person,
    person as person,
)
from .plain import clean as clean, shorten as shorten, strip_markup as strip_markup

# A title longer than this is almost always several fields or papers run together.
MAX_TITLE = 500
# The hosts read the finding aloud: past this a full abstract is shortened at a sentence end.
MAX_FINDING = 3000

# --- DOIs -----------------------------------------------------------------------------

_DOI_PREFIX = re.compile(r"^(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{4,9}/\S+")


def normalise_doi(value: str) -> str:
    """A DOI lower-cased and without its `https://doi.org/` or `doi:` prefix ("" stays "")."""
    text = value.strip()
    bare = _DOI_PREFIX.sub("", text)
    if bare != text and "%" in bare:  # a DOI taken from a URL may be percent-encoded
        bare = urllib.parse.unquote(bare)
    return "".join(bare.split()).lower()


def is_doi(doi: str) -> bool:
    """True for a normalised DOI of the form 10.NNNN/suffix."""
    return _DOI.fullmatch(doi) is not None


# --- Dates ----------------------------------------------------------------------------

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_ORD = r"(?:st|nd|rd|th)?"
# Every date form papers are published with, longest first; a regex fragment without groups
# so that text readers can embed it ("Published 11 October 2023").
DATE_PATTERN = "|".join([
    r"\d{4}[-/]\d{1,2}[-/]\d{1,2}(?!\d)",
    rf"\d{{1,2}}{_ORD}\s+{_MONTH},?\s+\d{{4}}(?!\d)",
    rf"{_MONTH}\s+\d{{1,2}}{_ORD},?\s+\d{{4}}(?!\d)",
    rf"\d{{4}}\s+{_MONTH}(?:\s+\d{{1,2}}(?!\d))?",
    rf"{_MONTH},?\s+\d{{4}}(?!\d)",
    r"\d{4}[-/]\d{1,2}(?![\d/-])",
    r"\d{4}(?!\d)",
])
_DATE_FORMS = [re.compile(form, re.IGNORECASE) for form in [
    r"(?P<y>\d{4})(?:[-/](?P<m>\d{1,2})?(?:[-/](?P<d>\d{1,2})?)?)?[-/]*(?:/.*)?",  # ISO, RIS "2023/10/11/"
    rf"(?P<d>\d{{1,2}}){_ORD}\s+(?P<mn>{_MONTH}),?\s+(?P<y>\d{{4}})",
    rf"(?P<mn>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})",
    rf"(?P<y>\d{{4}})\s+(?P<mn>{_MONTH})(?:\s+(?P<d>\d{{1,2}}))?",
    rf"(?P<mn>{_MONTH}),?\s+(?P<y>\d{{4}})",
    rf"(?P<mn>{_MONTH})(?:\s+(?P<d>\d{{1,2}}))?",  # EndNote's RIS "DA  - Oct 11": no year
]]


def parse_date(text: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) from a date in any common form, each None where not given; None if no date."""
    text = clean(text).strip(" .,;()[]")
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            parts = match.groupdict()
            month = MONTHS[parts["mn"].lower().rstrip(".")] if parts.get("mn") else parts.get("m")
            return (int(parts["y"]) if parts.get("y") else None,
                    int(month) if month else None, int(parts["d"]) if parts.get("d") else None)
    return None


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
def date_parts(value: Any, where: str) -> tuple[Any, Any, Any]:
    """Year, month and day of a date field given as a date, a year or YYYY[-MM[-DD]] text."""
    if isinstance(value, dt.date):  # also a datetime
        return value.year, value.month, value.day
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None, None
    match = _ISO_DATE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise SourceError(f"{where} has date {clean(repr(value), 60)}, not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    return year, month, day


# --- Keys -----------------------------------------------------------------------------

def ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits of `text` (accents dropped), for keys."""
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())


def derived_key(paper: Paper, where: str, fallback: str = "") -> str:
    """A key such as "tang2020gut": first author's family, year, first title word but a/an/the.

    A title and authors with no Latin letters (Chinese, Greek, ...) give `fallback` and the
    year ("paper2024"), or, without a fallback, a SourceError.
    """
    words = [w for w in map(ascii_word, paper.title.split()) if w]
    words = [w for w in words if w not in ("a", "an", "the")] or words
    family = ascii_word(paper.authors[0].family) if paper.authors else ""
    if not (family or words):
        if fallback:
            return f"{fallback}{paper.year or ''}"
        raise SourceError(f"{where} needs a key (none can be made from its title and authors)")
    return f"{family}{paper.year or ''}{words[0] if words else ''}"


def unique_key(key: str, used: set[str] | frozenset[str]) -> str:
    """`key`, else the first of "tang2020gutb", "...c", ... not in `used` (a key that is itself
    such a sibling, "tang2020gutb", moves on to "tang2020gutc" rather than "tang2020gutbb")."""
    if key not in used:
        return key
    base = key[:-1] if len(key) > 1 and "b" <= key[-1] <= "z" and key[:-1] in used else key
    for letter in "bcdefghijklmnopqrstuvwxyz":
        if base + letter not in used:
            return base + letter
    number = 27
    while f"{base}-{number}" in used:
        number += 1
    return f"{base}-{number}"


def title_key(title: str) -> str:
    """A title reduced for comparison: case, accents, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKD", title.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


# --- Building a paper -----------------------------------------------------------------

_KEYISH = re.compile(r"[A-Za-z][\w:.+-]{0,79}")  # a citation key, not a Zotero URL or EndNote number


def own_key(raw: Any, path: Path, where: str) -> tuple[str, str]:
    """An export's own key when it is a usable word, and `where` naming the entry by it."""
    key = raw.strip() if isinstance(raw, str) else ""
    if not _KEYISH.fullmatch(key) or key.isdecimal():
        return "", where
    line = where[where.index(" (line"):] if " (line" in where else ""
    return key, f"{path}: entry '{key}'{line}"


def one_line(error: SourceError) -> SourceError:
    """`error` with its message on one line (a key or value quoted in it may hold a line break)."""
    message = str(error)
    return error if "\n" not in message and "\r" not in message else type(error)(clean(message))


class Collected:
    """What a reader finds in one file: papers, problems with entries it skips, and notes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.papers: list[Paper] = []
        self.problems: list[SourceError] = []
        self.notes: list[str] = []
        self.found: list[str] = []  # for papers read from free text: the fields found, to be checked
        self.partial: list[str] = []  # for papers read from free text without authors, year or finding
        self.places: dict[str, str] = {}  # key -> where the entry is, as messages name it
        self._keys: set[str] = set()

    @contextmanager
    def entry(self) -> Iterator[None]:
        """Read one entry: a SourceError inside skips just this entry and is kept as a problem."""
        try:
            yield
        except SourceError as exc:
            self.problems.append(one_line(exc))

    def has_key(self, key: str) -> bool:
        """True when a paper of this file already has `key`."""
        return key in self._keys

    def add(self, paper: Paper) -> None:
        """Keep a paper as it is (its key already checked)."""
        self._keys.add(paper.key)
        self.papers.append(paper)

    def keep(self, paper: Paper, where: str) -> None:
        """Add an imported paper: without a key it gets one (imports have no key field to fill in,
        so a letter settles a clash); a key the file gave twice is an error."""
        if not paper.key:
            paper = dataclasses.replace(paper, key=self.unique(derived_key(paper, where, fallback="paper")))
        elif self.has_key(paper.key):
            raise SourceError(f"{where} repeats the key '{paper.key}'")
        self.add(paper)
        self.places[paper.key] = where if f"'{paper.key}'" in where else f"{where} ('{paper.key}')"

    def unique(self, key: str) -> str:
        """`key`, or `key` with a letter added when an earlier paper of this file has it."""
        return unique_key(key, self._keys)


def number(value: Any, name: str, where: str, low: int, high: int) -> int | None:
    """An integer field (year, month, day) checked to lie in [low, high]; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdecimal():
        raise SourceError(f"{where} has {name} {clean(repr(value), 60)}, not a number")
    if not low <= int(value) <= high:
        raise SourceError(f"{where} has {name} {int(value)}, not between {low} and {high}")
    return int(value)


def build_paper(where: str, key: str, source: Path, authors: tuple[Author, ...], notes: list[str],
                **fields: Any) -> Paper:
    """Validate the fields every format shares and build the paper (fields: title, journal,
    year, month, day, doi, url, finding; text already decoded from the format's markup)."""
    title = clean(fields["title"])
    if not title:
        raise SourceError(f"{where} has no title")
    if len(title) > MAX_TITLE:
        raise SourceError(f"{where} has a title of {len(title)} characters (more than {MAX_TITLE}): "
                          f"{clean(title, 60)!r} (are several fields run together?)")
    year = number(fields["year"], "year", where, 1, 9999)
    month = number(fields["month"], "month", where, 1, 12)
    day = number(fields["day"], "day", where, 1, 31)
    if day is not None and month is None:
        raise SourceError(f"{where} has a day but no month")
    if month is not None and year is None:
        notes.append(f"{where} has a month but no year; the date is left out")
        month = day = None
    if year is not None:
        try:
            dt.date(year, month or 1, day or 1)
        except ValueError as exc:
            raise SourceError(f"{where} has an impossible date ({exc})") from None
    doi = normalise_doi(fields["doi"])
    if doi and not is_doi(doi):
        notes.append(f"{where} has DOI {clean(fields['doi'], 60)!r}, which is not a DOI (10.NNNN/...); left out")
        doi = ""
    url = "".join(fields["url"].split())
    if doi and normalise_doi(url) == doi:
        url = ""  # the DOI's own resolver link: Paper.link builds it
    finding = clean(fields["finding"])
    if len(finding) > MAX_FINDING:
        notes.append(f"{where} has a finding of {len(finding)} characters; shortened to {MAX_FINDING}")
        finding = shorten(finding, MAX_FINDING)
    # "et al." and "and others" stand for the authors not named: they are not an author.
    named = tuple(a for a in authors if a.family and not is_et_al(a.display))
    more = len(named) < len([a for a in authors if a.family])
    return Paper(key=key, title=title, authors=named, journal=clean(fields["journal"]),
                 year=year, month=month, day=day, doi=doi, url=url, finding=finding, source=str(source),
                 more_authors=more)

