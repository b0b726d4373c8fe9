"""Reference lines in the citation styles people paste: Vancouver/NLM, APA and author-year.

- Vancouver/NLM: "Girardeau G, Benchenane K, Zugaro MB. Selective suppression of hippocampal
  ripples impairs spatial memory. Nat Neurosci. 2009 Oct;12(10):1222-3. doi: 10.1038/nn.2384."
  (the title may be missing when a link gave it: "Girardeau G, ... Nat Neurosci. 2009 Oct;12:1222.")
- APA and author-year: "Walker, M. P. (2009). The role of sleep. Ann N Y Acad Sci, 1156, 168–197."
  and "Fultz NE et al. (2019) Coupled oscillations in human sleep. Science. PMID: 31672896".

A line is a reference only when its authors read as a list of names (fields.author_list), so a
sentence that happens to have a full stop and a year stays text. What follows the matched
part (volume, pages, DOI, PMID) is returned for the caller to scan for identifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...model import Author
from ..fields import DATE_PATTERN, author_list, parse_date

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
_NLM_DATE = rf"\d{{4}}(?:\s+{_MONTH}(?:[-/]{_MONTH})?(?:\s+\d{{1,2}})?)?"
_JOURNAL = r"[A-Z][^.;:?!()\[\]]{0,100}?"
VANCOUVER = re.compile(
    rf"^(?P<authors>[^.()]+?(?:,?\s+et\s+al)?)\.\s+(?:(?P<title>[^\s].*?[.?!])\s+)?"
    rf"(?P<journal>{_JOURNAL})\.?\s+(?P<date>{_NLM_DATE})\s*(?=[;:.]|$)")
APA = re.compile(
    rf"^(?P<authors>[^()]+?)\s*\(\s*(?P<date>(?i:{DATE_PATTERN})|\d{{4}}[a-z]?)\s*\)[.,]?\s+"
    r"(?P<title>[^\s].*?[.?!])(?=\s|$)\s*(?P<rest>.*)$")
_SPACED_INITIALS = re.compile(r"\b([A-Z])\.\s+(?=[A-Z]\.)")
_JOINED_INITIALS = re.compile(r"\.(?=[A-Z])")
_APA_JOURNAL = re.compile(rf"^(?P<journal>{_JOURNAL})(?:,\s*(?=\d)|\.(?=\s|$)|,?\s*$)")


@dataclass(frozen=True)
class Reference:
    """The fields of one reference line, and the text after them."""

    authors: tuple[Author, ...]
    title: str
    journal: str
    date: tuple[int | None, int | None, int | None] | None
    rest: str


def _title(text: str) -> str:
    text = text.strip()
    return text[:-1].strip() if text.endswith(".") else text


def _vancouver(line: str) -> Reference | None:
    match = VANCOUVER.match(line)
    if not match:
        return None
    authors = author_list(match.group("authors"))
    date = parse_date(re.sub(r"[-/][A-Za-z]+", "", match.group("date")))
    if not authors or not date:
        return None
    return Reference(authors, _title(match.group("title") or ""), match.group("journal").strip(), date,
                     line[match.end():])


def _apa_authors(text: str) -> tuple[Author, ...] | None:
    """APA authors; "Chen, M. J." is read as "Chen, M.J." and given back its space."""
    authors = author_list(_SPACED_INITIALS.sub(r"\1.", text))
    if not authors:
        return None
    return tuple(Author(a.family, _JOINED_INITIALS.sub(". ", a.given), a.is_group) for a in authors)


def _apa(line: str) -> Reference | None:
    match = APA.match(line)
    if not match:
        return None
    authors = _apa_authors(match.group("authors"))
    date = parse_date(match.group("date")[:4] if re.fullmatch(r"\d{4}[a-z]", match.group("date")) else
                      match.group("date"))
    if not authors or not date:
        return None
    rest = match.group("rest")
    journal = _APA_JOURNAL.match(rest)
    if journal and len(journal.group("journal").split()) <= 12:
        return Reference(authors, _title(match.group("title")), journal.group("journal").strip(), date,
                         rest[journal.end():])
    return Reference(authors, _title(match.group("title")), "", date, rest)


def reference(line: str) -> Reference | None:
    """The reference written on `line` in Vancouver/NLM or APA/author-year style, else None."""
    text = line.strip()
    return _apa(text) or _vancouver(text)
