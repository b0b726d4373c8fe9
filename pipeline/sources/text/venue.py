"""Where a cited paper appeared: the journal, volume, issue, pages and date after its title.

The styles put the same parts in different orders: "Nature 511, 216–219 (2014)" (Nature,
Science), "Nature. 2014;511(7508):216-9" (Vancouver/NLM), "Nature, 511(7508), 216–219" (APA),
"Nature, vol. 511, no. 7508, pp. 216–219, 2014" (IEEE), "Nature, vol. 511, no. 7508, 2014,
pp. 216–19" (MLA), "Nature 511 (7508): 216–19" (Chicago), "Nature 2014, 511, 216–219" (ACS),
"Nature Communications 2021" (a forum post). A venue is a journal name (capitalised words,
abbreviations with or without full stops, small words such as "of") followed by numbers or
by nothing; the date is the bracketed year, else an NLM date right after the journal, else a
year standing alone (never one end of a page range).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..fields import parse_date

YEAR = r"(?:1[6-9]|20)\d{2}"
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_NUMBERS_START = r"(?:\b(?:vol(?:ume)?|no|issue|iss|pp?|pages?|art(?:icle)?|suppl)\.?\s*\d|\(?\d|[A-Z]?\d|e\d)"
_HEAD = re.compile(rf"^(?P<journal>.+?)\s*[.,:;]?\s*(?=(?:{_NUMBERS_START})|$)", re.IGNORECASE)
_SMALL = frozenset("of and the in for on & de der des la le du und für fur et y e i di del van voor a an to at "
                   "with da do dos das og och part section series letters".split())
_LOWER_START = re.compile(r"^(?:[a-z]+[A-Z][\w-]*|npj|preprint|eLife)$")  # eLife, iScience, arXiv, bioRxiv, npj
_PAREN_DATE = re.compile(rf"\((?:[^()]{{0,20}}?\s)?(?P<date>{YEAR})(?:[a-z])?\)")
_NLM_DATE = re.compile(rf"^\s*(?P<date>{YEAR}(?:\s+{MONTH}(?:[-/]{MONTH})?(?:\s+\d{{1,2}}(?!\d))?)?)\s*(?=[;:.,(]|$)")
_LONE_YEAR = re.compile(rf"(?<![\d–\-−/.:])(?P<date>{YEAR})[a-z]?(?![\d–\-−])")
# The numbers after a journal: volume, issue, pages, article numbers, and the words styles put
# with them. What is left once these go is not part of the venue.
_NUMBERS = re.compile(
    rf"\b(?:vol(?:ume)?|no|issue|iss|pp?|pages?|art(?:icle)?|suppl(?:ement)?|e-?pub|epub ahead of print|"
    rf"online ahead of print|in press|{MONTH})\.?(?=\W|$)|[A-Z]{{0,4}}\d+[A-Za-z]?|[\s()\[\]:;,.–\-−/]+",
    re.IGNORECASE)

_NUMBERS_RUN = re.compile(rf"(?:{_NUMBERS.pattern})*", re.IGNORECASE)


@dataclass(frozen=True)
class Venue:
    """A journal name as written, the date found with it, text among its numbers that is no part of
    either, and the text after the numbers (a label and a finding, say) for the caller to read."""

    journal: str
    date: tuple[int | None, int | None, int | None] | None
    rest: str
    tail: str = ""


def _journal_word(word: str, first: bool) -> bool:
    """A word a journal name is made of: "Nature", "Nat.", "N", "PLoS", "ONE", "of", "eLife"."""
    core = word.strip("(),:")
    if not core:
        return False
    if core.lower() in _SMALL:
        return not first or core in ("The", "A")
    if _LOWER_START.match(core):
        return True
    letters = core.replace(".", "").replace("-", "").replace("'", "").replace("’", "").replace("&", "")
    return bool(letters) and letters.isalpha() and letters[0].isupper()


def journal_name(text: str) -> bool:
    """True for text that reads as a journal's name, full or abbreviated (at most 12 words)."""
    words = text.split()
    # A full stop inside a name ends an abbreviation ("Nat. Commun."), not a long word ("Upregulation. Mol").
    stops = all(len(w) <= 9 for w in words[:-1] if w.endswith("."))
    return 1 <= len(words) <= 12 and stops and all(_journal_word(w, i == 0) for i, w in enumerate(words))


def _tidy(journal: str) -> str:
    """The journal without a closing full stop, unless it is abbreviated with full stops ("J. Am. Chem. Soc.")."""
    journal = re.sub(r"^In:?\s+", "", journal.strip(" ,;:")).strip()
    if journal.endswith(".") and journal[:-1].count(".") == 0:
        journal = journal[:-1]
    return journal


def venue_date(text: str) -> tuple[tuple[int | None, int | None, int | None] | None, str]:
    """The date in the numbers after a journal, and those numbers without it."""
    for pattern in (_PAREN_DATE, _NLM_DATE, _LONE_YEAR):
        match = pattern.search(text)
        if match:
            written = re.sub(rf"[-/]{MONTH}", "", match.group("date"))
            return parse_date(written), text[:match.start()] + " " + text[match.end():]
    return None, text


def read_venue(text: str, alone: bool = True) -> Venue | None:
    """The venue at the start of `text`, or None when it does not start with one. A journal name
    with no numbers after it counts only when `alone` (nothing else followed in the citation)."""
    text = re.sub(r"^[\s,.;:–—(-]*(?:[Ii]n:?\s+)?", "", text)
    match = _HEAD.match(text)
    if not match:
        return None
    journal = _tidy(match.group("journal"))
    if "." in journal and text[match.end("journal"):].startswith("."):
        journal += "."  # the last full stop of "J. Am. Chem. Soc." is the abbreviation's
    after = text[match.end():]
    if not journal_name(journal) or (not after.strip(" .") and not alone):
        return None
    numbers = _NUMBERS_RUN.match(after)
    tail = after[numbers.end():] if numbers else after
    date, after = venue_date(after[:len(after) - len(tail)])
    rest = " ".join(_NUMBERS.sub(" ", after).split())
    return Venue(journal, date, rest, tail.strip())
