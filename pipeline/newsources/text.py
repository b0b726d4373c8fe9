"""Plain-text reading lists: a forum post, an email or a Markdown note that lists papers.

Each paper starts with its title, followed in any order by:

- a date: "Published 11 October 2023", "Published: Oct 2023", "Published 2024", a "Date:" or
  "Year:" label, a line that is only a date, or "(2023)" at the end of the title;
- a DOI: "10.3390/nu15204327", "doi:...", "DOI: ...", "https://doi.org/..."; any other link is
  the paper's URL;
- authors: an "Authors:" or "By:" label, or a line (or the text between two fields) that reads
  as a list of names: "Manuela Di Lauro, Cristina Guerriero", "Di Lauro M, Guerriero C",
  "Di Lauro, M.; Guerriero, C.", with "et al." allowed;
- a journal: "Journal:", "Venue:" or "Published in ...";
- the finding: "Key finding(s):", "Finding(s):", "Main finding:", "Summary:", "Abstract:",
  "TL;DR:", "Takeaway:" or "Conclusion(s):", running to the next field or paragraph.

Papers are separated by blank lines, numbered or bulleted items or Markdown headings. Text run
together on one line, as copied from a web page, is split where a field the current paper
already has comes again (its second "Published" or DOI): the new paper's title is then the
last sentence before it, so each finding must end with a full stop. Email quoting ("> "),
Markdown emphasis and links are undone first. A title with nothing else (a greeting, a remark)
is left out with a note, never silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .fields import DATE_PATTERN, author_list, clean, parse_date

_DATE = rf"(?i:{DATE_PATTERN})"
# One alternative per kind of field. Labels start with a capital ("Summary:", "KEY FINDING:"), so
# "in summary: ..." or "to date: ..." inside a finding stays text.
_MARKER = re.compile(
    rf"(?<![\w])(?:Published(?:\s+online)?(?:\s+on)?:?|(?:Publication\s+[Dd]ate|Date|DATE|Year|YEAR)\s*:)\s*(?P<date>{_DATE})"
    r"|(?:(?<![\w.])(?i:doi)\s*:?\s*|(?:https?://)?(?:dx\.|www\.)?doi\.org/)(?P<doi>10\.\d{4,9}/[^\s<>\"]+)"
    r"|(?<![\w/.])(?P<bare_doi>10\.\d{4,9}/[^\s<>\"]+)"
    r"|(?:(?i:url|link|full\s+text|pdf)\s*:\s*)?(?P<url>https?://[^\s<>\"]+)"
    r"|(?<![\w])(?P<label>(?i:key\s+findings?|main\s+findings?|key\s+takeaways?|key\s+results?|findings?|summary|"
    r"abstract|tl;?dr|takeaway|conclusions?|title|authors?|by|journal|venue))\s*:"
    r"|(?<![\w])(?P<published_in>Published\s+in)\s+"
)
_LABELS = {"title": "title", "authors": "authors", "author": "authors", "by": "authors",
           "journal": "journal", "venue": "journal"}  # every other label introduces the finding
_ITEM = re.compile(r"^(\s*)(?:#{1,6}\s+|[-*•+‣◦]\s+|\(?\d{1,3}[.)]\s+|\[\d{1,3}\]\s*)")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<![\w/])_(?=\S)|(?<=\S)_(?![\w/])")
_SEPARATORS = " \t·•|–—-,;:/"
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[^\W\d_]|\d)")
_SINGLE = ("title", "authors", "journal", "date", "doi", "finding")


@dataclass
class _Token:
    kind: str  # a field name, "plain", or "break" ("blank" line or new "item")
    text: str
    line: int


@dataclass
class _Record:
    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    finding: list[tuple[str, int]] = field(default_factory=list)  # (text, line) of each part
    last: str = ""
    started_by_field: bool = False  # began where a field of the paper before came again

    def has(self, kind: str) -> bool:
        return bool(self.finding) if kind == "finding" else kind in self.fields

    def content(self) -> bool:
        """Anything besides a title: what makes a title line a paper rather than a remark."""
        return bool(self.finding) or any(kind != "title" for kind in self.fields)


def _trim_doi(doi: str) -> str:
    """A DOI without the punctuation of the sentence around it ("(see 10.1/x)." -> 10.1/x)."""
    doi = doi.rstrip(".,;:'\"”’")
    while doi[-1:] in ")]" and doi.count(doi[-1]) > doi.count("(" if doi[-1] == ")" else "["):
        doi = doi[:-1].rstrip(".,;:")
    return doi


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _QUOTE.sub("", raw).replace("\u00a0", " ")
        if not line.strip():
            tokens.append(_Token("break", "blank", number))
            continue
        item = _ITEM.match(line)
        if item:
            if len(item.group(1).expandtabs()) < 2:  # an indented sub-bullet is part of its paper
                tokens.append(_Token("break", "item", number))
            line = line[item.end():]
        line = _EMPHASIS.sub("", _LINK.sub(r"\1 \2", line)).replace("<http", "http")
        position, label = 0, ""
        for match in _MARKER.finditer(line):
            kind = match.lastgroup or ""
            if kind == "label" and not match.group("label")[0].isupper():
                continue
            label = _plain(tokens, line[position:match.start()], number, label)
            if kind == "label":
                label = _LABELS.get(" ".join(match.group("label").lower().split()), "finding")
            elif kind == "published_in":
                label = "journal"
            else:
                value = match.group(kind)
                tokens.append(_Token("doi" if kind == "bare_doi" else kind,
                                     _trim_doi(value) if "doi" in kind else value.rstrip(".,;:)]>"), number))
            position = match.end()
        label = _plain(tokens, line[position:], number, label)
        if label:  # "Key finding:" alone on its line: its text is on the next one
            tokens.append(_Token("label", label, number))
    return tokens


def _plain(tokens: list[_Token], text: str, line: int, label: str) -> str:
    """Add a stretch of text as the value of the pending label, else as plain text; the label left."""
    # Separators between fields ("·", "—"), and the "(" of "(https://doi.org/...)".
    text = re.sub(r"^[)\]]+|[(\[]+$", "", text.strip(_SEPARATORS)).strip(_SEPARATORS)
    if not text:
        return label
    if not label and tokens and tokens[-1].kind == "label" and tokens[-1].line == line - 1:
        label = tokens.pop().text
    tokens.append(_Token(label or "plain", text, line))
    return ""


def _carve(record: _Record) -> tuple[str, tuple[Any, ...] | None, int] | None:
    """The next paper's title (and maybe authors) from the end of a finding that ran into it."""
    parts = record.finding
    if len(parts) >= 3 and author_list(parts[-1][0]) and not author_list(parts[-2][0]):
        authors = author_list(parts.pop()[0])
        title, line = parts.pop()
        return title, authors, line
    if len(parts) >= 2:  # the title had a line of its own
        title, line = parts.pop()
        return title, None, line
    if not parts:
        return None
    text, line = parts[0]
    pieces = _SENTENCE_END.split(text)
    if len(pieces) < 2:
        return None
    parts[0] = (" ".join(pieces[:-1]), line)
    return pieces[-1], None, line


class _Assembler:
    """Groups tokens into papers (see the module docstring for the rules)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.records: list[_Record] = []
        self.notes: list[tuple[int, str]] = []  # (line, note), reported in line order
        self.current: _Record | None = None

    def start(self, line: int, title: str = "") -> _Record:
        self.current = _Record(line)
        if title:
            self.current.fields["title"] = title
            self.current.last = "title"
        self.records.append(self.current)
        return self.current

    def field(self, token: _Token, brk: str) -> None:
        record, kind = self.current, token.kind
        if record is None or (kind in _SINGLE and record.has(kind)):
            previous = record
            record = self.start(token.line)
            record.started_by_field = previous is not None
            carved = _carve(previous) if previous and previous.last == "finding" and brk == "" else None
            if carved:
                record.fields["title"], authors, record.line = carved
                if authors:
                    record.fields["authors"] = authors
        if kind == "finding":
            record.finding.append((token.text, token.line))
        elif kind == "authors":
            record.fields["authors"] = author_list(token.text, trusted=True) or ()
        elif kind == "date":
            record.fields["date"] = parse_date(token.text)
        else:
            record.fields.setdefault(kind, token.text)  # a second link is not a second paper
        record.last = kind

    @staticmethod
    def authors(text: str, record: _Record) -> tuple[Any, ...] | None:
        """Authors from a line of names, which may end in "(2021)." as in APA references."""
        match = re.search(rf"\(\s*({_DATE})\s*\)\.?$", text)
        authors = author_list(text[:match.start()] if match else text)
        if authors and match and not record.has("date"):
            record.fields["date"] = parse_date(match.group(1))
        return authors

    def plain(self, token: _Token, brk: str) -> None:
        record, text = self.current, token.text
        if record is None or brk == "item" or (brk == "blank" and record.content()):
            self.start(token.line, text)
        elif "title" not in record.fields:
            record.fields["title"] = text
            record.last = "title"
        elif record.last == "date" and text.startswith("in ") and not record.has("journal"):
            record.fields["journal"] = text[3:]  # "Published 11 October 2023 in Nutrients"
            record.last = "journal"
        elif not record.has("authors") and not record.finding and (authors := self.authors(text, record)):
            record.fields["authors"] = authors
            record.last = "authors"
        elif not record.has("date") and (date := parse_date(text)):
            record.fields["date"] = date
            record.last = "date"
        elif record.last == "finding" and brk == "":
            record.finding.append((text, token.line))
        elif record.last == "title" and brk == "" and text[:1].islower() and not record.content():
            record.fields["title"] += " " + text  # a title wrapped onto the next line
        elif not record.content():
            self.start(token.line, text)  # the line before was a remark, not a paper
        else:
            self.notes.append((token.line, f"{self.name}: line {token.line}: {clean(text, 60)!r} is not part "
                                           "of any field; left out"))

    def feed(self, tokens: list[_Token]) -> None:
        brk = ""
        for token in tokens:
            if token.kind == "break":
                brk = "item" if "item" in (token.text, brk) else "blank"
                continue
            if token.kind == "label":  # a label with no text after it
                self.notes.append((token.line, f"{self.name}: line {token.line}: a {token.text} label with no "
                                               "text; left out"))
            elif token.kind == "plain":
                self.plain(token, brk)
            else:
                self.field(token, brk)
            brk = ""


def _title_and_date(title: str) -> tuple[str, tuple[Any, ...] | None]:
    """A title without surrounding quotes or closing full stop, and a "(2023)" date at its end."""
    date = None
    match = re.search(rf"\(\s*({_DATE})\s*\)$", title)
    if match:
        date, title = parse_date(match.group(1)), title[:match.start()]
    title = title.strip().strip("\"“”‘’'").strip()
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    return title, date


def read_text(text: str, name: str) -> tuple[list[tuple[str, dict[str, Any] | str]], list[str]]:
    """The papers of a plain-text reading list: for each, where it is ("NAME: entry 3 (line 12)")
    and its fields for `build_paper` (or why it cannot be a paper), plus notes on lines left out."""
    assembler = _Assembler(name)
    assembler.feed(_tokens(text))
    papers: list[tuple[str, dict[str, Any] | str]] = []
    for record in assembler.records:
        title, title_date = _title_and_date(record.fields.get("title", ""))
        if not record.content():
            assembler.notes.append((record.line, f"{name}: line {record.line}: {clean(title, 60)!r} left out "
                                                 "(no date, DOI, authors or finding with it)"))
            continue
        where = f"{name}: entry {len(papers) + 1} (line {record.line})"
        if not title:
            hint = (" (in text run together on one line, each finding must end with a full stop)"
                    if record.started_by_field else "")
            papers.append((where, f"{where} has no title{hint}"))
            continue
        journal = record.fields.get("journal", "")
        date = record.fields.get("date") or title_date
        at_end = re.search(rf"[\s,(]+({_DATE})\)?\s*$", journal)
        if at_end:  # "Published in Nutrients, 11 October 2023"
            date, journal = date or parse_date(at_end.group(1)), journal[:at_end.start()]
        year, month, day = date or (None, None, None)
        papers.append((where, {
            "title": title, "authors": record.fields.get("authors", ()), "journal": journal.strip(_SEPARATORS),
            "year": year, "month": month, "day": day, "doi": record.fields.get("doi", ""),
            "url": record.fields.get("url", ""), "finding": " ".join(part for part, _ in record.finding),
        }))
    return papers, [note for _, note in sorted(assembler.notes, key=lambda item: item[0])]
