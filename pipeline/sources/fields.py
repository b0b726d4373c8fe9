"""Field cleaning shared by every paper reader: text, markup, DOIs, dates, names, keys, `Paper`.

Each format's reader (bibtex.py, ris.py, csl.py, native.py, text.py) passes its format's raw values through these,
so a title, date or author means the same thing whichever file it came from.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import html
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..model import Author, Paper
from .names import is_et_al

# A title longer than this is almost always several fields or papers run together.
MAX_TITLE = 500
# The hosts read the finding aloud: past this a full abstract is shortened at a sentence end.
MAX_FINDING = 3000

# --- Text -----------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def clean(text: str, limit: int = 0) -> str:
    """One line of NFC text: whitespace runs become one space, control characters go."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(ch for ch in text if ch in "\t\n\r" or unicodedata.category(ch) != "Cc")
    text = " ".join(text.split())
    return text[:limit - 1].rstrip() + "…" if 0 < limit < len(text) else text


# Only these element names are markup: a bare "<" in "p < 0.05" or "<5 mm" stays text.
_TAG_NAMES = (r"p|i|b|u|em|strong|sup|sub|sc|span|div|br|hr|a|font|small|big|tt|code|italic|bold|"
              r"underline|title|sec|list|list-item|label|abstract|inline-formula|disp-formula|math|"
              r"mi|mo|mn|ms|mtext|mrow|msub|msup|msubsup|mfrac|msqrt|ext-link|styled-content|"
              r"named-content|xref|break|monospace|overline|roman|sans-serif|strike|caption")
_NAMESPACE = r"(?:[a-z][\w.-]*:)?"
_SECTION_TITLE = re.compile(rf"<{_NAMESPACE}title\b[^<>]*>(.*?)</{_NAMESPACE}title\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(rf"</?{_NAMESPACE}(?:p|div|br|hr|sec|list|list-item|title|abstract|caption)\b[^<>]*/?>",
                        re.IGNORECASE)
_INLINE_TAG = re.compile(rf"</?{_NAMESPACE}(?:{_TAG_NAMES})\b[^<>]*/?>", re.IGNORECASE)


def _section_heading(match: re.Match[str]) -> str:
    heading = clean(_INLINE_TAG.sub("", match.group(1)))
    # Crossref abstracts open with <jats:title>Abstract</jats:title>: a label, not content.
    if heading.rstrip(":").lower() in ("", "abstract", "summary", "graphical abstract"):
        return " "
    return f" {heading.rstrip(':')}: "


def strip_markup(text: str) -> str:
    """Plain text from HTML/JATS/MathML markup and entities, e.g. Crossref's `<jats:p>` abstracts."""
    if "<" in text:
        text = _SECTION_TITLE.sub(_section_heading, text)
        text = _INLINE_TAG.sub("", _BLOCK_TAG.sub(" ", text))
    return clean(html.unescape(text) if "&" in text else text)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a sentence end if one is near, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)", cut)]
    if ends and ends[-1] > limit // 2:
        return cut[:ends[-1]] + " …"
    return cut.rsplit(" ", 1)[0].rstrip(",;:") + "…"


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


# --- Names ----------------------------------------------------------------------------

PARTICLES = frozenset("van von der den de del della dei di da dal dos das du la le ten ter bin ibn al el "
                      "af av zu vom zum ter".split())
_SUFFIXES = frozenset(("jr", "jr.", "sr", "sr.", "ii", "iii", "iv"))
_GROUP = re.compile(r"\b(?:consorti(?:um|a)|collaborat(?:ion|ive|ors)|group|committee|society|association|"
                    r"network|investigators|initiative|organi[sz]ation|council|institute|team|working party|"
                    r"alliance|foundation|task force|panel|registry|trialists|centre|center|university|"
                    r"department|ministry|agency)\b", re.IGNORECASE)
_INITIALS = re.compile(r"(?:[^\W\d_]\.?-?){1,3}\.?")


def _is_initials(text: str) -> bool:
    """True for "Y.", "J.-P.", "MK": capital letters only (so not "李华", which has no case)."""
    return _INITIALS.fullmatch(text) is not None and any(ch.isupper() for ch in text) and not any(
        ch.islower() or (ch.isalpha() and not ch.isupper()) for ch in text)


def is_group_name(name: str) -> bool:
    """True for a name such as "International Headache Genetics Consortium"."""
    return _GROUP.search(name) is not None


def person(name: str) -> Author:
    """An author from a name written "Given Family": particles start the family ("Di Lauro")."""
    words = clean(name).split()
    suffix = [words.pop()] if len(words) > 2 and words[-1].lower().rstrip(",") in _SUFFIXES else []
    if len(words) <= 1:
        return Author(" ".join(words + suffix))
    start = len(words) - 1
    for index in range(1, len(words) - 1):
        if words[index].lower() in PARTICLES:
            start = index
            break
    return Author(" ".join(words[start:] + suffix), " ".join(words[:start]))


def _caseless_word(word: str) -> bool:
    """A word in a script without letter case (Chinese, Japanese, Korean, Thai, ...)."""
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and all(not ch.isupper() and not ch.islower() for ch in letters)


def looks_like_person(name: str) -> bool:
    """True for text that reads as one personal name ("Manuela Di Lauro", "Caroline W Mugo", "王晓明")."""
    words = name.split()
    core = [w for w in words if w.lower() not in PARTICLES and w.lower() not in _SUFFIXES]
    if len(words) == 1:
        return _caseless_word(words[0])
    if not 2 <= len(core) <= 4 or len(words) > 6:
        return False
    for word in core:
        if not all(ch.isalpha() or ch in "-'’." or unicodedata.category(ch) == "Mn" for ch in word):
            return False
        first = next((ch for ch in word if ch.isalpha()), "")
        if not (first.isupper() or _caseless_word(word)):
            return False
    return True


def family_given(text: str) -> Author:
    """An author from "Family, Given" (or "Family, Jr., Given"); a name without a comma is read as
    "Given Family" when it looks like a person's name, else as a group author."""
    text = clean(text).strip(" ,;")
    if "," in text:
        family, _, given = text.partition(",")
        given = given.strip()
        if "," in given:
            jr, _, given = given.partition(",")
            family = f"{family.strip()} {jr.strip()}"
        return Author(clean(family), clean(given))
    if looks_like_person(text) and not is_group_name(text):
        return person(text)
    return Author(text, is_group=True)


_ET_AL = re.compile(r"(?:,?\s*(?:et\.?\s*al\.?|and (?:\d+ )?(?:others|colleagues|more)|"
                    r"\+\s*\d+\s+(?:more\s+)?authors?|…|"
                    r"\.\.\.))\s*$", re.IGNORECASE)


def _family_word(text: str) -> bool:
    """One capitalised word that can be a family name: "Tang", "El-Shiekh", "O'Brien"."""
    return " " not in text and text[:1].isupper() and text.replace("-", "").replace("'", "").replace("’", "").isalpha()


def _family(text: str) -> bool:
    """A family name of up to three words, particles included: "Tang", "Di Lauro", "van der Berg"."""
    words = text.split()
    return 1 <= len(words) <= 3 and _family_word(words[-1]) and all(
        _family_word(w) or w.lower() in PARTICLES for w in words)


def _listed_name(part: str, trusted: bool) -> Author | None:
    """One name of a written list, or None when it does not read as a name (and is not `trusted`)."""
    part = re.sub(r"^the\s+(?=\S)", "", part)  # "... and the X Consortium"
    if "," in part:  # "Family, Given"
        family, _, given = (clean(x) for x in part.partition(","))
        family_ok = _family(family) or looks_like_person(family)
        given_ok = all(_family_word(w) or _is_initials(w) or _caseless_word(w) for w in given.split())
        return family_given(part) if trusted or (family_ok and given_ok) else None
    if is_group_name(part) and part[:1].isupper():
        return Author(part, is_group=True)
    if looks_like_person(part):
        return person(part)
    if trusted:
        return person(part) if len(part.split()) <= 4 else Author(part, is_group=True)
    return None


def author_list(text: str, trusted: bool = False) -> tuple[Author, ...] | None:
    """Authors from a written list ("A. Tang, Sufang Liu and Hui Shu", "Tang Y, Liu S", "Tang, Y.; Liu, S.",
    "Tang, Y., Liu, S., & Shu, H."); None when the text does not read as names, unless `trusted`
    (it followed an "Authors:" label), when each part becomes a name as well as it can."""
    text = _ET_AL.sub("", clean(text)).strip(" ,;:")
    last = text.rsplit(" ", 1)[-1]
    if text.endswith(".") and last.lower() not in _SUFFIXES and not _is_initials(last):
        text = text[:-1]  # the list's own full stop, not that of "Jr." or "H."
    if not text:
        return None
    if ";" in text:
        parts = [p.strip() for p in text.split(";") if p.strip()]
    else:
        parts = [p.strip() for p in re.split(r"\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+", text) if p.strip()]
        apa = len(parts) >= 2 and len(parts) % 2 == 0
        if apa and all(map(_is_initials, parts[1::2])) and all(map(_family, parts[::2])):
            return tuple(Author(family, given) for family, given in zip(parts[::2], parts[1::2], strict=True))  # APA
        vancouver = [re.fullmatch(r"(.+?)\s+([A-Z]{1,3})", p) for p in parts]
        if all(m and (_family(m.group(1)) or looks_like_person(m.group(1))) for m in vancouver):
            return tuple(Author(m.group(1), m.group(2)) for m in vancouver if m)  # "Tang Y, Liu S"
    authors = [_listed_name(part, trusted) for part in parts]
    return tuple(a for a in authors if a) if all(authors) else None


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
    return Paper(key=key, title=title, authors=named, journal=clean(fields["journal"]),
                 year=year, month=month, day=day, doi=doi, url=url, finding=finding, source=str(source))

