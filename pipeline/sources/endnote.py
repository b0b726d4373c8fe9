"""EndNote XML exports (File > Export > XML, EndNote X7 to 21).

Each `<record>` holds its fields as elements whose text is split into `<style>` runs (one per
change of face, so an italic word in a title is three runs); the runs are joined. Fields:
`titles/title`; `contributors/authors/author` ("Family, Given"); the journal from
`periodical/full-title`, else `titles/secondary-title`; `dates/year` and `dates/pub-dates/date`
("Mar", "Sep 2", "2020/09/02"); the DOI from `electronic-resource-num`; the first
`urls/related-urls/url`; `abstract` as the finding.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from ..errors import SourceError
from .fields import Collected, build_paper, clean, family_given, parse_date
from .names import real_authors

START = re.compile(r"<records>\s*<record>", re.IGNORECASE)
# No entities, no DTDs, no network: an export never needs them, a hostile file would.
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False)


def _text(record: etree._Element, path: str) -> str:
    found = record.find(path)
    return clean("".join(found.itertext())) if found is not None else ""


def _date(record: etree._Element) -> tuple[int | None, int | None, int | None]:
    year_text = _text(record, "dates/year")
    year = int(year_text[:4]) if year_text[:4].isdigit() else None
    parsed = parse_date(_text(record, "dates/pub-dates/date"))
    if parsed and parsed[0] and (year is None or parsed[0] == year):
        return parsed
    if parsed and parsed[0] is None and year is not None:  # "Mar" or "Sep 2": the year is apart
        return year, parsed[1], parsed[2]
    return year, None, None


def _paper(record: etree._Element, index: int, path: Path, out: Collected) -> None:
    number = _text(record, "rec-number")
    where = f"{path}: entry {index} (record {number}, line {record.sourceline})" if number else \
        f"{path}: entry {index} (line {record.sourceline})"
    authors = real_authors(family_given(clean("".join(a.itertext())))
                           for a in record.iterfind("contributors/authors/author"))
    year, month, day = _date(record)
    paper = build_paper(where, "", path, authors, out.notes, title=_text(record, "titles/title"),
                        journal=_text(record, "periodical/full-title") or _text(record, "titles/secondary-title"),
                        year=year, month=month, day=day, doi=_text(record, "electronic-resource-num"),
                        url=_text(record, "urls/related-urls/url"), finding=_text(record, "abstract"))
    out.keep(paper, where)


def read(path: Path, text: str, out: Collected) -> None:
    """Read every `<record>` of an EndNote XML export into `out`, skipping (and reporting) bad ones."""
    try:
        # The text is decoded already: an encoding declaration would make lxml decode it again.
        root = etree.fromstring(_DECLARATION.sub("", text, count=1).encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{path}: not valid EndNote XML (line {exc.lineno}: {clean(exc.msg or '', 100)})") from None
    found = root.findall(".//records/record")
    if not found:
        raise SourceError(f"{path}: not an EndNote XML export (no <records><record> elements)")
    for index, record in enumerate(found, start=1):
        with out.entry():
            _paper(record, index, path, out)
