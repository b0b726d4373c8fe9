"""Plain-text reading lists: a forum thread copied from a web page, an e-mail, a Markdown note.

Papers are found by the evidence they leave, not by line breaks. First the page's chatter is
blanked (chatter.py: post headers, names, buttons, attachments, signatures, footers). Then each
line becomes tokens (tokens.py): a date ("Published 11 October 2023", "Published: Oct 2023", a
"Date:" label), a DOI (bare, "doi:", or a doi.org link), an arXiv or PubMed id (a link), any other
link (the URL), a label ("Key finding:", "Summary:", "Abstract:", "Authors:", "Journal:",
"Published in ..."), a reference line (Vancouver/NLM, APA, author-year), or plain text.

The assembler groups tokens into papers: a paper starts with its title and gathers fields until a
field it already has comes again, a blank line after content, or a new list item. Plain text
becomes the title, then a list of names (the authors), then a date; between a date and a DOI it
is the journal; after a title and a date or DOI, a paragraph of prose is the finding when the
paper has none. Text run together on one line is cut by sentence (pysbd) and by where a list of
names starts, so the poster's own words before a title, and the next paper's title at the end of
a finding, are told apart. Whatever is not a field is listed in a note, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import SourceError
from ..fields import Collected, author_list, build_paper, clean, parse_date
from ..gaps import found_note, partial_note
from .chatter import strip_chatter
from .findings import MarkedFinding
from .runon import abstract_like, journal_of, lead_title, sentences, split_names
from .tokens import DATE, SEPARATORS, Token, tokens

_SINGLE = ("title", "authors", "journal", "date", "doi", "finding")
_JOURNAL_YEAR = re.compile(rf"(?P<journal>[A-Z][^.;:()]{{2,100}}?)[,.]?\s+\(?(?P<date>{DATE})\)?\.?")
_OWN_WORDS = re.compile(r"\b(?:I|I'm|I've|my|me|we|our|you|your)\b")


@dataclass
class _Record:
    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    finding: list[tuple[str, int]] = field(default_factory=list)  # (text, line) of each part
    last: str = ""
    last_line: int = 0
    started_by_field: bool = False  # began where a field of the paper before came again
    written: str = ""  # the text the title was taken from
    own: str = ""  # the poster's words cut from before the title
    listed: bool = False  # began at a list item, so a list item of fields after it may be its own

    def has(self, kind: str) -> bool:
        """True when the record has a value for the field `kind`."""
        return bool(self.finding) if kind == "finding" else kind in self.fields

    def content(self) -> bool:
        """Anything besides a title: what makes a title line a paper rather than a remark."""
        return bool(self.finding) or any(kind != "title" for kind in self.fields)

    def set(self, kind: str, value: Any, line: int) -> None:
        """Set a field and remember it as the last one set, and on which line."""
        self.fields[kind] = value
        self.last, self.last_line = kind, line


def _carve(record: _Record) -> tuple[str, tuple[Any, ...] | None, str, int] | None:
    """The next paper's title (and maybe authors and journal) from the end of a finding that ran into it."""
    parts = record.finding
    if len(parts) >= 3 and author_list(parts[-1][0]) and not author_list(parts[-2][0]):
        authors = author_list(parts.pop()[0])
        title, line = parts.pop()
        return title, authors, "", line
    if len(parts) >= 2:  # the title had a line of its own
        title, line = parts.pop()
        return title, None, "", line
    if not parts:
        return None
    text, line = parts[0]
    pieces = sentences(text)
    if len(pieces) < 2:
        return None
    parts[0] = (" ".join(pieces[:-1]), line)
    names = split_names(pieces[-1])  # "Title Noha M. Gamil, ..., Riham A. El-Shiekh Springer Nature Journal"
    if names and names[0]:
        return names[0], names[1], journal_of(names[2]), line
    return pieces[-1], None, "", line


class _Assembler:
    """Groups tokens into papers (see the module docstring for the rules)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.records: list[_Record] = []
        self.notes: list[tuple[int, str]] = []  # (line, note), reported in line order
        self.current: _Record | None = None

    def left_out(self, line: int, text: str, why: str) -> None:
        """Note text that became no field, with its line and why."""
        self.notes.append((line, f"{self.name}: line {line}: {clean(text, 60)!r} {why}; left out"))

    def start(self, line: int, title: str = "") -> _Record:
        """Begin a new paper at `line`, titled from `title` when given."""
        self.current = _Record(line)
        self.records.append(self.current)
        if title:
            self.titled(self.current, title, line)
        return self.current

    def titled(self, record: _Record, text: str, line: int) -> None:
        """Set the title from plain text, separating the poster's words and a run-on list of names."""
        rest = ""
        names = split_names(text) if text.count(",") >= 2 else None
        if names and names[0]:
            text, authors, rest = names
            record.set("authors", authors, line)
        own, title = lead_title(text)
        record.written = text
        if own and (len(text.split()) > 30 or _OWN_WORDS.search(own)):
            record.own = own  # reported once the record proves to be a paper
            text = title
        record.fields["title"] = text
        if not names or not names[0]:
            record.last, record.last_line = "title", line
        if rest and journal_of(rest):
            record.set("journal", journal_of(rest), line)

    def field(self, token: Token, brk: str) -> None:
        """Put a field token in the current paper, or begin the next paper when it has the field already."""
        record, kind = self.current, token.kind
        # A list item with a citation is a new paper, unless it cites a listed title that has nothing
        # yet ("- **Title**" then "- Zhao L, Lee X. Nature. 2014;511:216"); labelled fields in list
        # items ("- Authors: ...", "- Published 2020") belong to the paper before.
        new_item = brk == "item" and token.cited and record is not None and (record.content() or not record.listed)
        if record is None or (kind in _SINGLE and record.has(kind)) or new_item:
            previous = record
            record = self.start(token.line)
            record.started_by_field = previous is not None and not new_item
            carved = _carve(previous) if previous and previous.last == "finding" and brk == "" else None
            if carved:
                record.fields["title"], authors, journal, record.line = carved
                if authors:
                    record.fields["authors"] = authors
                if journal:
                    record.fields["journal"] = journal
        if kind == "finding":
            record.finding.append((token.text, token.line))
            record.last, record.last_line = kind, token.line
        elif kind == "authors":
            record.set(kind, token.value or author_list(token.text, trusted=True) or (), token.line)
        elif kind == "date":
            record.set(kind, token.value if token.value is not None else parse_date(token.text), token.line)
        else:
            if kind not in record.fields:
                record.fields[kind] = token.text
            elif record.fields[kind] != token.text:  # a second link is not a second paper
                self.left_out(token.line, token.text, f"is a second {kind} for the paper at line {record.line}")
            record.last, record.last_line = kind, token.line

    @staticmethod
    def authors(text: str, record: _Record) -> tuple[tuple[Any, ...] | None, str]:
        """Authors from a line of names, which may end in "(2021)." as in APA; the text after that."""
        match = re.search(rf"\(\s*({DATE})\s*\)[.,]?", text)
        authors = author_list(text[:match.start()] if match else text)
        if authors and match and not record.has("date"):
            record.fields["date"] = parse_date(match.group(1))
        return authors, (text[match.end():].strip(SEPARATORS) if authors and match else "")

    def plain(self, token: Token, brk: str) -> None:
        """Plain text: a new paper's title after a break, else a field of the current paper."""
        record, text = self.current, token.text
        if record is None or brk == "item" or (brk == "blank" and record.content()):
            self.start(token.line, text).listed = brk == "item"
        elif "title" not in record.fields:
            if record.started_by_field and not text[:1].isupper() and not text[:1].isdigit():
                self.left_out(token.line, text, "does not read as a title")
            else:
                self.titled(record, text, token.line)
        else:
            self.plain_after_title(record, token, brk)

    def plain_after_title(self, record: _Record, token: Token, brk: str) -> None:
        """Plain text after a title: authors, date, journal, finding, a wrapped title, or left out."""
        text, line = token.text, token.line
        same_line = record.last_line == line
        if record.last == "date" and text.startswith("in ") and not record.has("journal"):
            record.set("journal", text[3:], line)  # "Published 11 October 2023 in Nutrients"
        elif not record.has("authors") and not record.finding and (found := self.authors(text, record))[0]:
            record.set("authors", found[0], line)
            if found[1]:
                self.left_out(line, found[1], "is not part of any field")
        elif not record.has("date") and (date := parse_date(text)):
            record.set("date", date, line)
        elif not record.has("date") and not record.has("journal") and (match := _JOURNAL_YEAR.fullmatch(text)):
            record.set("journal", match.group("journal").strip(), line)
            record.set("date", parse_date(match.group("date")), line)
        elif record.last == "finding" and brk == "":
            record.finding.append((text, line))
        elif (same_line and record.last in ("date", "doi", "url") and not record.has("journal")
              and len(text.split()) <= 12 and not text.rstrip().endswith(".")):
            record.set("journal", text, line)  # "Published: Oct 2023 · Nutrients · DOI: ..."
        elif (not record.finding and brk == "" and (record.has("date") or record.has("doi"))
              and abstract_like(text)):
            record.finding.append((text, line))  # an abstract, with no "Key finding" label
            record.last, record.last_line = "finding", line
        elif record.last == "title" and brk == "" and text[:1].islower() and not record.content():
            record.fields["title"] += " " + text  # a title wrapped onto the next line
        elif not record.content():
            self.start(line, text)  # the line before was a remark, not a paper
        else:
            self.left_out(line, text, "is not part of any field")

    def marked(self, token: Token, marked: MarkedFinding, brk: str) -> None:
        """A line marked as a finding ("-> ...", "Found that ..."): the current paper's finding when
        it comes under that paper's title (an arrow may follow a blank line), else plain text."""
        record = self.current
        if (record is None or not record.has("title") or brk == "item" or (brk == "blank" and not marked.explicit)
                or (marked.indented and set(record.fields) <= {"title"})):
            self.plain(Token("plain", token.text, token.line), brk)
        elif record.finding and brk == "":
            record.finding.append((marked.text, token.line))
            record.last, record.last_line = "finding", token.line
        else:
            self.field(Token("finding", marked.text, token.line), brk)

    def feed(self, found: list[Token]) -> None:
        """Group every token into papers, tracking the break (blank line, new item) before each."""
        brk = ""
        for token in found:
            if token.kind == "break":
                brk = "item" if "item" in (token.text, brk) else "blank"
                continue
            if token.kind == "extra":  # words in a reference line that are no field
                self.left_out(token.line, token.text, "is not part of any field")
                continue
            if token.kind == "remark":
                self.left_out(token.line, token.text, "is a note, not a paper")
                brk = "blank" if brk != "item" else brk
                continue
            if token.kind == "label":  # a label with no text after it
                self.notes.append((token.line, f"{self.name}: line {token.line}: a {token.text} label with no "
                                               "text; left out"))
            elif token.kind == "finding" and isinstance(token.value, MarkedFinding):
                self.marked(token, token.value, brk)
            elif token.kind == "plain":
                self.plain(token, brk)
            else:
                self.field(token, brk)
            brk = ""


def _title_and_date(title: str) -> tuple[str, tuple[Any, ...] | None]:
    """A title without surrounding quotes or closing full stop, and a "(2023)" date at its end."""
    date = None
    match = re.search(rf"\(\s*({DATE})\s*\)$", title)
    if match:
        date, title = parse_date(match.group(1)), title[:match.start()]
    title = title.strip().strip("\"“”‘’'").strip()
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    return title, date


def _fields(record: _Record, title: str, title_date: Any) -> dict[str, Any]:
    journal = record.fields.get("journal", "")
    date = record.fields.get("date") or title_date
    at_end = re.search(rf"[\s,(]+({DATE})\)?\s*$", journal)
    if at_end:  # "Published in Nutrients, 11 October 2023"
        date, journal = date or parse_date(at_end.group(1)), journal[:at_end.start()]
    year, month, day = date or (None, None, None)
    return {"title": title, "authors": record.fields.get("authors", ()), "journal": journal.strip(SEPARATORS),
            "year": year, "month": month, "day": day, "doi": record.fields.get("doi", ""),
            "url": record.fields.get("url", ""), "finding": " ".join(part for part, _ in record.finding)}


def read_text(text: str, name: str) -> tuple[list[tuple[str, dict[str, Any] | str]], list[str]]:
    """The papers of a plain-text reading list: for each, where it is ("NAME: entry 3 (line 12)")
    and its fields for `build_paper` (or why it cannot be a paper), plus notes on text left out."""
    cleaned = strip_chatter(text)
    assembler = _Assembler(name)
    assembler.feed(tokens(cleaned.lines, cleaned.numbers))
    papers: list[tuple[str, dict[str, Any] | str]] = []
    for record in assembler.records:
        title, title_date = _title_and_date(record.fields.get("title", ""))
        if not record.content():
            text = clean(record.written or title, 60)
            assembler.notes.append((record.line, f"{name}: line {record.line}: {text!r} left out "
                                                 "(no date, DOI, authors or finding with it)"))
            continue
        if record.own:
            assembler.left_out(record.line, record.own, "reads as the poster's own words, not a paper")
        where = f"{name}: entry {len(papers) + 1} (line {record.line})"
        if not title and set(record.fields) <= {"url", "doi"} and not record.finding:
            assembler.left_out(record.line, record.fields.get("url") or record.fields.get("doi", ""),
                               "is a link with no title")
            continue
        if not title:
            hint = (" (in text run together on one line, each finding must end with a full stop)"
                    if record.started_by_field else "")
            papers.append((where, f"{where} has no title{hint}"))
            continue
        papers.append((where, _fields(record, title, title_date)))
    notes = [note for _, note in sorted(assembler.notes, key=lambda item: item[0])]
    if cleaned.dropped:
        shown = ", ".join(f"{number} {clean(line, 30)!r}" for number, line in cleaned.dropped[:8])
        more = f" and {len(cleaned.dropped) - 8} more" if len(cleaned.dropped) > 8 else ""
        count = len(cleaned.dropped)
        notes.append(f"{name}: {count} line{'s' if count > 1 else ''} of web-page chatter left out "
                     f"(lines {shown}{more})")
    return papers, notes


def read(path: Path, text: str, out: Collected) -> None:
    """Read a pasted list into `out`, one entry per paper found."""
    papers, notes = read_text(text, str(path))
    out.notes.extend(notes)
    for where, fields in papers:
        with out.entry():
            if isinstance(fields, str):
                raise SourceError(fields)
            authors = fields.pop("authors")
            paper = build_paper(where, "", path, authors, out.notes, **fields)
            out.keep(paper, where)
            out.found.append(found_note(paper, where))
            if partial_note(paper, where):
                out.partial.append(partial_note(paper, where))
