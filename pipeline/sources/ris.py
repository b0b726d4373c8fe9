"""RIS, the export of Zotero, EndNote and Mendeley.

RIS is parsed by rispy, one record at a time so that a broken record costs only itself. Fields:
`TI`/`T1`; `AU`/`A1` ("Family, Given"); the journal from `T2`, `JF`, `JO`, `JA`, `J2`; the most
precise date of `PY`, `DA`, `Y1` (EndNote writes "Oct 11" in `DA` and the year in `PY`); `DO`,
else a doi.org link in `UR`; `UR`; the finding from `AB`, else `N2`; the key from `ID` or `LB`
when it is a word (not EndNote's record number).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import rispy

from ..errors import SourceError
from .fields import (
    Collected,
    build_paper,
    clean,
    family_given,
    is_doi,
    normalise_doi,
    own_key,
    parse_date,
    strip_markup,
)

# A tag line, also as some exporters write it: "TY - JOUR", "ER  -".
_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])\s{1,2}-(?:\s(.*))?$")


def _ris_records(text: str) -> list[tuple[int, list[str], bool]]:
    """Each record's first line number, its lines (tags in rispy's canonical form) and whether
    an `ER` line closed it. Split here, not by rispy: rispy drops a record that lacks `ER` and
    merges two records when the `ER` between them is missing."""
    records: list[tuple[int, list[str], bool]] = []
    current: tuple[int, list[str]] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _RIS_LINE.match(line)
        tag = match.group(1) if match else None
        if tag == "TY":
            if current:
                records.append((*current, False))
            current = (number, [f"TY  - {(match.group(2) or '').strip()}"])  # type: ignore[union-attr]
        elif current is None:
            continue  # before the first record: rispy's "1." counters, headers, blank lines
        elif tag == "ER":
            records.append((*current, True))
            current = None
        elif match:
            current[1].append(f"{tag}  - {(match.group(2) or '').strip()}")
        elif line.strip():
            current[1].append(line.strip())  # a value continued on the next line
    if current:
        records.append((*current, False))
    return records


def _ris_value(record: dict[str, Any], *names: str) -> str:
    for name in names:
        value = record.get(name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip():
                return item
    return ""


def _ris_date(record: dict[str, Any]) -> tuple[Any, Any, Any]:
    """The most precise of PY, DA and Y1 (EndNote writes "Oct 11" in DA and the year in PY)."""
    raw = [_ris_value(record, name) for name in ("year", "date", "publication_year")]
    parsed = [parse_date(text) for text in raw if text]
    if raw[0] and parse_date(raw[0]) is None:
        return raw[0], None, None  # e.g. "in press": build_paper says what is wrong with it
    best: tuple[Any, Any, Any] = (None, None, None)
    for parts in parsed:
        if parts is None:
            continue
        year = parts[0] or best[0]
        if best[0] is None or year == best[0]:
            candidate = (year, parts[1], parts[2])
            if year and sum(p is not None for p in candidate) > sum(p is not None for p in best):
                best = candidate
    return best


def _ris_paper(record: dict[str, Any], where: str, path: Path, out: Collected) -> None:
    key, where = own_key(_ris_value(record, "id", "label"), path, where)
    names = [*record.get("authors", []), *record.get("first_authors", [])]
    authors = tuple(family_given(name) for name in names if isinstance(name, str) and name.strip(" ,"))
    urls = [u for u in record.get("urls", []) if isinstance(u, str) and u.strip()]
    doi = _ris_value(record, "doi") or next((u for u in urls if is_doi(normalise_doi(u))), "")
    year, month, day = _ris_date(record)
    paper = build_paper(where, key, path, authors, out.notes,
                        title=strip_markup(_ris_value(record, "title", "primary_title")),
                        journal=strip_markup(_ris_value(record, "secondary_title", "alternate_title3",
                                                        "journal_name", "alternate_title2", "alternate_title1")),
                        year=year, month=month, day=day, doi=doi,
                        url=next((u for u in urls if not is_doi(normalise_doi(u))), ""),
                        finding=strip_markup(_ris_value(record, "abstract", "notes_abstract")))
    out.keep(paper, where)


def read(path: Path, text: str, out: Collected) -> None:
    """Read RIS text into `out`: one paper or one problem per record."""
    records = _ris_records(text)
    if not records and text.strip():
        raise SourceError(f"{path}: not RIS (no record starts with a 'TY  - ' line)")
    for index, (line, lines, closed) in enumerate(records, start=1):
        where = f"{path}: entry {index} (line {line})"
        with out.entry():
            if not closed:
                raise SourceError(f"{where} has no 'ER  - ' line to end it (is the file cut short?)")
            try:
                parsed = rispy.loads("\n".join([*lines, "ER  - "]), skip_unknown_tags=True)
            except Exception as exc:  # rispy has no error type of its own for input it chokes on
                raise SourceError(f"{where} is malformed ({clean(str(exc), 120)})") from None
            _ris_paper(parsed[0] if parsed else {}, where, path, out)
