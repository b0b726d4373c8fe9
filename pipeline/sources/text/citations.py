"""Reference lines in the citation styles people paste, read into authors, title, journal and date.

Styles read (each line is one citation; identifiers anywhere in it are taken out first and left
for the caller: DOIs as doi:, doi.org or dx.doi.org links or bare 10.x, arXiv ids, PMIDs, URLs):

- Vancouver/NLM: "Zhao L, Lee X, Smith RB, Oleson K. Title. Nature. 2014;511(7508):216-9."
  (the title may be missing when a link gave it: "Girardeau G, ... Nat Neurosci. 2009 Oct;12:1222.")
- APA and Harvard: "Zhao, L., Lee, X., & Oleson, K. (2014). Title. Nature, 511(7508), 216–219."
  and "Zhao, L. et al. (2014) 'Title', Nature, 511, pp. 216–219."
- author-year posts: "Iungman T. et al. (2023) Title. The Lancet 401(10376):577-589."
- Nature and ACS: "Zhao, L., Lee, X. & Oleson, K. Title. Nature 511, 216–219 (2014)." and
  "Zhao, L.; Lee, X. Title. Nature 2014, 511, 216–219."
- Science and IEEE: "L. Zhao, X. Lee, K. Oleson, Title. Nature 511, 216 (2014)." and
  "L. Zhao, X. Lee, and K. Oleson, "Title," Nature, vol. 511, no. 7508, pp. 216–219, 2014."
- Chicago and MLA: "Zhao, Lei, Xuhui Lee, and Keith Oleson. 2014. "Title." Nature 511 (7508): 216–19."
  and "Zhao, Lei, et al. "Title." Nature, vol. 511, no. 7508, 2014, pp. 216–19."
- title first: ""Title" - Schwaab et al., Nature Communications 2021." (after an unquoted title
  and a dash, tokens.py finds the rest of the citation and keeps the title before the dash).

Each is read by the same small steps: the names at the start (namelists.py, which decides the
shape of the whole list), a year after them, a quoted title or the first sentence that a venue
(venue.py) follows, and the venue. A line is a reference only when it starts with a list of
names and has a date or a journal, or has a quoted title with names or a venue, so a sentence
that happens to hold a name and a year stays text.

No package on PyPI does this offline and well: refextract (INSPIRE) keeps a title only when it is
quoted and reads "Smith J, Brown K. Sleep" as the authors of a Vancouver line; refkit and the
rest read BibTeX or call a server (GROBID, AnyStyle) or a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...model import Author
from ..fields import parse_date
from .namelists import read_names
from .venue import MONTH, YEAR, Venue, journal_name, read_venue, venue_date

_IDENTIFIER = re.compile(
    r"(?:\b(?:doi|DOI)\s*:?\s*|(?:https?://)?(?:dx\.)?doi\.org/)10\.\d{4,9}/\S+"
    r"|(?<![\w/.])10\.\d{4,9}/[^\s\"“”]+"
    r"|\b(?:arXiv|arxiv)\s*:\s*(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
    r"|\b(?:PMID|PMCID)\s*:?\s*(?:PMC)?\d{1,9}\b"
    r"|https?://\S+|www\.\S+")
# Words around a link that are no part of the citation: "Available at:", "[Online]", "(accessed 3 May 2021)".
_ACCESS = re.compile(
    r"\[\s*online\s*\]\.?|\b(?:available|retrieved)(?:\s+online)?(?:\s+(?:at|from))?\s*:?(?=\s*$)"
    r"|[\[(]?\b(?:accessed|viewed|cited)(?:\s+on)?\s*:?\s*[^\])]{0,30}?\d{4}[\])]?\.?"
    r"|\bEpub\s+\d{4}[^.;]*[.;]?", re.IGNORECASE)
_QUOTED = re.compile(r"(?:(?P<dq>[\"“”„«])|(?<![\w])['‘])(?P<title>[^\"“”„«»]{3,400}?)"
                     r"(?(dq)[\"“”»]|['’](?![\w]))")
_NAMES_END = re.compile(r"[.,;:](?=\s|$)|(?=\s+[(\[\"“‘'])|(?=\s+" + YEAR + r"\b)|$")
_LEAD_DATE = re.compile(rf"^\s*[,.]?\s*[(\[]?\s*(?P<date>{YEAR}(?:\s+{MONTH}(?:\s+\d{{1,2}})?)?)[a-z]?"
                        rf"(?:,\s*(?:in press|{MONTH}(?:\s+\d{{1,2}})?))?\s*[)\]]?\s*[.,:]?(?=\s|$)\s*")
_TRAILING_DATE = re.compile(rf"[\s,]*[(\[]?\s*(?P<date>{YEAR})[a-z]?\s*[)\]]?\s*[.,:]?\s*$")
_SENTENCE_END = re.compile(r"[.?!](?=\s+\S)")
_COMMA = re.compile(r",(?=\s+\S)")
_DASHED = re.compile(r"^(?P<venue>[^—–]{2,120}?)\s+[—–-]\s+(?P<title>.+)$")
_MEDIUM = re.compile(r"\s*\[(?:internet|online|(?:phd |doctoral |master'?s )?(?:thesis|dissertation)|preprint|"
                    r"abstract|editorial|letter|review)[^\]]*\]\.?$", re.IGNORECASE)
Date = tuple[int | None, int | None, int | None]


@dataclass(frozen=True)
class Reference:
    """The fields of one reference line, its links and ids (`rest`, for the caller to read), and
    words that are no part of any field (`extra`, for the caller to report)."""

    authors: tuple[Author, ...]
    title: str
    journal: str
    date: Date | None
    rest: str
    extra: str = ""


def _title(text: str) -> str:
    """A title without its quotes, surrounding punctuation, closing full stop and NLM's medium
    ("Title [Internet].", "Title [PhD thesis].")."""
    text = _MEDIUM.sub("", text.strip()).strip().strip("\"“”‘’'«»").strip(" ,;:")
    return text[:-1].rstrip() if text.endswith(".") and not text.endswith("..") else text


def _title_like(text: str) -> bool:
    """Text that can be a title: words, the first capitalised or a word like "mTOR", and not a
    list of names ("Ghorab, Reham Z. Elsadawy, Nada M. Khadrawy": text run together)."""
    words = _title(text).split()
    first = words[0] if words else ""
    names = sum(1 for part in text.split(",") if read_names(part.strip()))
    return bool(words) and names < 2 and any(ch.isalpha() for ch in first) and (
        first[:1].isupper() or first[:1].isdigit() or any(ch.isupper() for ch in first[1:]))


def split_identifiers(line: str) -> tuple[str, list[str]]:
    """The line without its links and identifiers (and "Available at:" around them), and those taken out."""
    found = [match.group(0) for match in _IDENTIFIER.finditer(line)]
    text = _ACCESS.sub(" ", _IDENTIFIER.sub(" ", line))
    return " ".join(text.split()), found


def leading_names(text: str) -> tuple[tuple[Author, ...], int] | None:
    """The longest list of names at the start of `text` and where it ends ("Zhao L, Lee X. Title"
    gives Zhao and Lee, ending after "X.")."""
    best, misses = None, 0
    for match in _NAMES_END.finditer(text[:600]):
        names = read_names(text[:match.end()]) if match.end() else None
        if names:
            best, misses = (names, match.end()), 0
        else:
            misses += 1
            if misses > 5:  # between two names of a list there are one or two places that are no end
                break
    return best


def lead_date(text: str) -> tuple[Date | None, str]:
    """A date right after the names ("(2014). ", "2014. ", " (2021) "), and the text after it."""
    match = _LEAD_DATE.match(text)
    if not match:
        return None, text
    return parse_date(match.group("date")), text[match.end():]


def split_title(text: str) -> tuple[str, Venue | None]:
    """The title and the venue after it: the first sentence end (else comma) that a venue follows,
    else a venue, a dash and the title; without a venue, the first sentence is the title."""
    for pattern, alone in ((_SENTENCE_END, True), (_COMMA, False)):
        for match in pattern.finditer(text):
            head = text[:match.end()]
            venue = read_venue(text[match.end():], alone)
            if venue and _title_like(head):
                return _title(head), venue
    dashed = _DASHED.match(text)  # "The Lancet — Cooling cities ...": the venue, a dash, the title
    if dashed and _title_like(dashed.group("title")):
        venue = read_venue(dashed.group("venue"))
        if venue and not venue.rest and not venue.tail:
            return _title(dashed.group("title")), venue
    whole = read_venue(text)
    if whole and (whole.date or whole.rest == ""):  # "Nat Neurosci. 2009 Oct;12(10):1222-3.": no title
        return "", whole
    first = _SENTENCE_END.search(text)
    head = text[:first.end()] if first else text
    return (_title(head), None) if _title_like(head) else ("", None)


def _reference(authors: tuple[Author, ...], title: str, venue: Venue | None, date: Date | None,
               ids: list[str]) -> Reference:
    return Reference(authors, title, venue.journal if venue else "", date or (venue.date if venue else None),
                     " ".join([*ids, venue.tail if venue else ""]).strip(), venue.rest if venue else "")


def _names_and_date(text: str) -> tuple[tuple[Author, ...], Date | None] | None:
    """Names that fill `text`, perhaps followed by their year: "Zhao, L. et al. (2014)", "Oleson. 2014."."""
    text = text.strip(" -–—:,")
    match = _TRAILING_DATE.search(text)
    date = parse_date(match.group("date")) if match else None
    names = read_names(text[:match.start()] if match else text)
    return (names, date) if names else None


def _before_title(text: str) -> tuple[tuple[Author, ...], Date | None, Venue | None] | None:
    """What is written before a quoted title: names and their year ("Zhao, L. et al. (2014)"),
    perhaps with the journal too ("Moreau C et al. 2022, Global Change Biology,")."""
    found = _names_and_date(text)
    if found:
        return found[0], found[1], None
    names = leading_names(text)
    if not names:
        return None
    date, rest = lead_date(text[names[1]:])
    venue = read_venue(rest)
    return (names[0], date or venue.date, venue) if venue else None


def _quoted(text: str, ids: list[str]) -> Reference | None:
    """A citation whose title is in quotes: names (and year) before it, or names after it; a venue after."""
    match = _QUOTED.search(text)
    if not match or len(match.group("title").split()) < 2:
        return None
    before, after = text[:match.start()].strip(" -–—:,*"), text[match.end():]
    date, venue_before = None, None
    if before:
        found = _before_title(before)
        if not found:
            return None
        authors, date, venue_before = found
    else:  # the title first: ""Title" - Schwaab et al., Nature Communications 2021."
        after = re.sub(r"^[\s,.;:–—-]*(?:by\s+)?", "", after)  # ""Title" by Schwaab et al. (...)"
        names = leading_names(after)
        authors = names[0] if names else ()
        after = after[names[1]:] if names else after
        date, after = lead_date(after)
    venue = read_venue(after) or venue_before
    if not authors and not venue:
        return None
    return _reference(authors, _title(match.group("title")), venue, date, ids)


def _names_first(text: str, ids: list[str]) -> Reference | None:
    """A citation that starts with its authors: the year, title and venue follow in the style's order."""
    found = leading_names(text)
    if not found:
        return None
    authors, end = found
    date, rest = lead_date(text[end:])
    title, venue = split_title(rest.strip())
    if not (date or (venue and (venue.date or title)) or (title and re.search(YEAR, rest))):
        return None
    if not title and not venue and re.search(r"[^\W\d]{3}", rest[rest.find(")") + 1:] if ")" in rest else rest):
        return None  # "Smith and Jones (2019) found that ...": a sentence about a paper, not its citation
    if venue is None:  # what follows the title (or the names and year) is left for the caller
        rest = rest.strip()[len(title):].lstrip(" .?!") if title else rest.strip(" ,;")
        if date is None:  # "Title. arXiv:1706.03762 (2017)."
            date, rest = venue_date(rest)
        return Reference(authors, title, "", date, " ".join(ids), " ".join(rest.strip(" .,;()").split()))
    return _reference(authors, title, venue, date, ids)


def _title_then_names(text: str, ids: list[str]) -> Reference | None:
    """ "Title (Schwaab et al., 2021)" or "Title (Schwaab et al. 2021, Nature Communications)"."""
    match = re.search(rf"\((?P<names>[^()]+?),?\s+(?P<date>{YEAR})[a-z]?(?:,\s*(?P<journal>[^()]+))?\)\.?\s*$", text)
    if not match or not _title_like(text[:match.start()]):
        return None
    authors = read_names(match.group("names"))
    journal = (match.group("journal") or "").strip(" .")
    if not authors or (journal and not journal_name(journal)):
        return None
    return Reference(authors, _title(text[:match.start()]), journal, parse_date(match.group("date")), " ".join(ids))


@lru_cache(maxsize=4096)  # a line is read again when tokens.py looks for wrapped or marked citations
def reference(line: str) -> Reference | None:
    """The reference written on `line` in any of the styles above, else None."""
    text, ids = split_identifiers(line.strip())
    if not text:
        return None
    return _quoted(text, ids) or _names_first(text, ids) or _title_then_names(text, ids)
