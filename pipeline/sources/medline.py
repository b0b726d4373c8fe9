"""PubMed/MEDLINE exports (`.nbib`, PubMed's "Save as PubMed format" `.txt`).

A record is a run of `TAG - value` lines (the tag padded to four characters) starting with
`PMID-`; a value goes on over lines indented by six spaces. Fields: `TI` (else the book title
`BTI`); `FAU` ("Family, Given"), else `AU` ("Family GI"), and `CN` as a group author; `DP`
("2009 Oct", "2013 Oct 18", "2009 Oct-Dec", "2010 Spring"); the DOI from `LID`/`AID` marked
"[doi]"; the journal from `JT`, else `TA`; `AB` as the finding; the PubMed page as the URL.

Written here rather than taken from the `nbib` package (unreleased since 2021) or Biopython's
`Bio.Medline` (which would bring all of Biopython and numpy for fifty lines of parsing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceError
from ..model import Author
from .fields import Collected, build_paper, family_given, parse_date
from .identifiers import pubmed_url
from .names import real_authors

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s*- ?(.*)$")
START = re.compile(r"^PMID- *\d+", re.MULTILINE)
_CONTINUED = re.compile(r"^ {2,}\S")
_SEASON = re.compile(r"\b(?:spring|summer|autumn|fall|winter)\b.*$", re.IGNORECASE)


@dataclass
class _Record:
    line: int
    tags: list[tuple[str, str]] = field(default_factory=list)

    def first(self, *names: str) -> str:
        """The first non-empty value of the first of `names` the record has."""
        for name in names:
            for tag, value in self.tags:
                if tag == name and value:
                    return value
        return ""

    def every(self, name: str) -> list[str]:
        """Every non-empty value of tag `name`, in order."""
        return [value for tag, value in self.tags if tag == name and value]


def records(text: str) -> list[_Record]:
    """The records of a MEDLINE file with their first line numbers; lines before the first PMID are ignored."""
    found: list[_Record] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = TAG_LINE.match(line)
        if match and match.group(1) == "PMID":
            found.append(_Record(number))
        if not found:
            continue
        if match:
            found[-1].tags.append((match.group(1), match.group(2).strip()))
        elif _CONTINUED.match(line) and found[-1].tags:
            tag, value = found[-1].tags[-1]
            found[-1].tags[-1] = (tag, f"{value} {line.strip()}")
    return found


def _date(value: str) -> tuple[int | None, int | None, int | None]:
    """A `DP` date: "2009 Oct-Dec" is October, "2010 Spring" is the year alone."""
    text = _SEASON.sub("", value).strip()
    text = re.sub(r"(?<=[A-Za-z])-[A-Za-z]+.*$|(?<=\d)-\d+.*$", "", text)
    parsed = parse_date(text) or parse_date(text[:4])
    return parsed if parsed else (None, None, None)


def _family_initials(name: str) -> tuple[str, str]:
    family, _, initials = name.rpartition(" ")
    return (family, initials) if family else (name, "")


def _authors(record: _Record) -> tuple[Author, ...]:
    names = [family_given(name) for name in record.every("FAU")]
    if not names:  # "Girardeau G": family name, then initials
        names = [Author(*_family_initials(name)) for name in record.every("AU")]
    names += [Author(group, is_group=True) for group in record.every("CN")]
    return real_authors(names)


def _doi(record: _Record) -> str:
    for value in record.every("LID") + record.every("AID"):
        if value.endswith("[doi]"):
            return value[:-5].strip()
    return ""


def _paper(record: _Record, index: int, path: Path, out: Collected) -> None:
    pmid = record.first("PMID")
    where = f"{path}: entry {index} (PMID {pmid}, line {record.line})"
    title = record.first("TI", "BTI")
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]  # MEDLINE ends every title with a full stop
    journal = re.sub(r"\s*\([^()]*\)$", "", record.first("JT", "TA"))  # "Science (New York, N.Y.)"
    year, month, day = _date(record.first("DP"))
    url = pubmed_url(pmid) if pmid.isdigit() else ""
    paper = build_paper(where, "", path, _authors(record), out.notes, title=title, journal=journal,
                        year=year, month=month, day=day, doi=_doi(record), url=url, finding=record.first("AB"))
    out.keep(paper, where)


def read(path: Path, text: str, out: Collected) -> None:
    """Read every record of a MEDLINE file into `out`; a record without a title is skipped and reported."""
    found = records(text)
    if not found:
        raise SourceError(f"{path}: not a MEDLINE file (no 'PMID-' line)")
    for index, record in enumerate(found, start=1):
        with out.entry():
            _paper(record, index, path, out)
