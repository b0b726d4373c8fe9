"""Plain text to tokens: the anchors a paper leaves (dates, DOIs, links, labels, reference lines)
and the plain text between them, line by line, with list items and blank lines as breaks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..fields import DATE_PATTERN, author_list, clean, parse_date
from ..identifiers import identifier_url
from .citations import Reference, lead_date, leading_names, reference, split_identifiers
from .findings import indented_finding, marked_finding

DATE = rf"(?i:{DATE_PATTERN})"
# One alternative per kind of field. Labels start with a capital ("Summary:", "KEY FINDING:"), so
# "in summary: ..." or "to date: ..." inside a finding stays text.
_MARKER = re.compile(
    rf"(?<![\w])(?:Published(?:\s+online)?(?:\s+on)?:?|(?:Publication\s+[Dd]ate|Date|DATE|Year|YEAR)\s*:)\s*(?P<date>{DATE})"
    r"|(?:(?<![\w.])(?i:doi)\s*:?\s*|(?:https?://)?(?:dx\.|www\.)?doi\.org/)(?P<doi>10\.\d{4,9}/[^\s<>\"]+)"
    r"|(?<![\w/.])(?P<bare_doi>10\.\d{4,9}/[^\s<>\"]+)"
    r"|(?P<ident>(?<![\w/])(?i:arXiv:\s*\d{4}\.\d{4,5}(?:v\d+)?|PMID:?\s*\d{1,9}\b))"
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
_RULE = re.compile(r"^\s*(?:[=\-_*~]\s*){3,}$")  # a Markdown heading underline or a horizontal rule
# A note to self, never a paper: "TODO: ...", "Also: ask Priya ...", "NB ...".
REMARK = re.compile(r"^(?:TODO|FIXME|NB|N\.B\.|PS|P\.S\.|Also|Note|Edit|Update|Aside|Reminder|Ask)\b\s*[:.!-]",
                    re.IGNORECASE)
# Where a reference may start inside a line: after a sentence or colon, or after a title and a dash.
_REFERENCE_START = re.compile(r"(?:(?<=[.:!?])(?<!\b[A-Z]\.)|(?P<dash>\s[—–-]))\s+(?=[A-Z])")  # not after "M."
_LABEL_START = re.compile(r"^\s*(?:[-*•]\s+)?[A-Z][\w;]*(?:\s+\w+)?\s*:\s")  # "Summary: ", "Key finding: "
SEPARATORS = " \t·•|–—-,;:/"


@dataclass
class Token:
    """A field ("title", "authors", "journal", "date", "doi", "url", "finding"), "plain" text,
    a "label" with no text yet, a "remark", or a "break" ("blank" line or new "item")."""

    kind: str
    text: str
    line: int
    value: Any = None  # parsed already: a reference line's authors or date, a marked finding
    cited: bool = False  # a field read from a citation line


def trim_doi(doi: str) -> str:
    """A DOI without the punctuation of the sentence around it ("(see 10.1/x)." -> 10.1/x)."""
    doi = doi.rstrip(".,;:'\"”’")
    while doi[-1:] in ")]" and doi.count(doi[-1]) > doi.count("(" if doi[-1] == ")" else "["):
        doi = doi[:-1].rstrip(".,;:")
    return doi


def _find_reference(line: str) -> tuple[str, str, Reference | None]:
    """(words before, title before, reference): a reference at the start of the line, after the
    poster's words ("Nice. Also: Tang Y, ..."), or after a title and a dash ("Title — Tang Y, ...")."""
    ref = reference(line)
    if ref is not None:
        return "", "", ref
    for match in list(_REFERENCE_START.finditer(line))[:6]:
        ref = reference(line[match.end():])
        if ref is None:
            continue
        if match.group("dash") and not ref.title:
            return "", line[:match.start()].strip(), ref
        return line[:match.end()].strip(), "", ref
    return "", "", None


def _reference_tokens(tokens: list[Token], line: str, number: int) -> str:
    """Tokens for a reference line's authors, title, journal and date; the rest of the line."""
    before, title, ref = _find_reference(line)
    if ref is None:
        return line
    if before:
        tokens.append(Token("remark", before, number))
    title, ids = split_identifiers(title) if title else (ref.title, [])
    if title:  # a full reference is a paper of its own
        tokens.append(Token("break", "item", number))
        tokens.append(Token("title", title, number, cited=True))
    if ref.authors:
        tokens.append(Token("authors", line, number, ref.authors, cited=True))
    if ref.journal:
        tokens.append(Token("journal", ref.journal, number, cited=True))
    if ref.date:
        tokens.append(Token("date", line, number, ref.date, cited=True))
    if ref.extra:
        tokens.append(Token("extra", ref.extra, number))
    return " ".join([*ids, ref.rest])  # the links and ids: volume and pages were read with the journal


def _line_tokens(tokens: list[Token], line: str, number: int) -> None:
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
        elif kind == "ident":
            tokens.append(Token("url", identifier_url(match.group(kind)), number))
        elif kind == "date":
            tokens.append(Token("date", match.group(kind), number, parse_date(match.group(kind))))
        else:
            value = match.group(kind)
            tokens.append(Token("doi" if kind == "bare_doi" else kind,
                                trim_doi(value) if "doi" in kind else value.rstrip(".,;:)]>"), number))
        position = match.end()
    label = _plain(tokens, line[position:], number, label)
    if label:  # "Key finding:" alone on its line: its text is on the next one
        tokens.append(Token("label", label, number))


def _prose(line: str) -> bool:
    """A line of four words or more with no field in it, no list of names and no citation."""
    text = line.strip()
    return (len(text.split()) >= 4 and _MARKER.search(text) is None and not text.endswith(":")
            and author_list(text) is None and reference(text) is None)


def _dated(line: str) -> bool:
    """True when `line` holds a whole citation: a title and a date."""
    ref = reference(line)
    return ref is not None and bool(ref.title) and ref.date is not None


def unwrap(lines: Sequence[str], numbers: Sequence[int]) -> tuple[list[str], list[int]]:
    """Lines with each citation wrapped onto the next line (as e-mail does at 72 characters) joined
    back: a line that starts a citation but has no date yet, when the next line completes it."""
    joined, kept = list(lines), list(numbers)
    index = 0
    while index < len(joined) - 1:
        line, following = joined[index], joined[index + 1]
        item = _ITEM.match(line)
        text = line[item.end():] if item else line
        bullet = _ITEM.match(following)
        starts_item = bullet is not None and len(bullet.group(1).expandtabs()) < 2
        names = leading_names(text.strip()) if len(line) < 400 else None
        # A title begun after the names (not a line of names and a year alone), and no label next.
        title_begun = names is not None and re.search(r"[^\W\d]", lead_date(text.strip()[names[1]:])[1])
        if (following.strip() and not starts_item and title_begun and not _LABEL_START.match(following)
                and not marked_finding(following) and not _dated(text) and _dated(f"{text} {following.strip()}")):
            joined[index:index + 2] = [f"{line.rstrip()} {following.strip()}"]
            del kept[index + 1]
        index += 1
    return joined, kept


def tokens(lines: Sequence[str], numbers: Sequence[int]) -> list[Token]:
    """The tokens of every line (numbered as in the file), Markdown links, emphasis and e-mail
    quoting undone, wrapped citations joined."""
    found: list[Token] = []
    lines, numbers = unwrap(lines, numbers)
    for number, raw in zip(numbers, lines, strict=True):
        line = _QUOTE.sub("", raw).replace("\u00a0", " ")
        if not line.strip() or _RULE.match(line):
            found.append(Token("break", "blank", number))
            continue
        item = _ITEM.match(line)
        indented = len(line.expandtabs()) - len(line.expandtabs().lstrip()) >= 2
        if item:
            if len(item.group(1).expandtabs()) < 2:  # an indented sub-bullet is part of its paper
                found.append(Token("break", "item", number))
            line = line[item.end():]
        line = _EMPHASIS.sub("", _LINK.sub(r"\1 \2", line)).replace("<http", "http")
        if REMARK.match(line.strip()):
            found.append(Token("remark", clean(line), number))
            continue
        labelled = _MARKER.match(line.strip())  # "Key finding: ..." is read as a label, its text as written
        marked = None if labelled and labelled.lastgroup == "label" else marked_finding(line)
        if marked is None and indented and _prose(line):
            marked = indented_finding(line)
        if marked and reference(marked.text) is not None:  # "– Zhao L, ... Nature 2014": a list item
            found.append(Token("break", "item", number))
            line = marked.text
        elif marked:
            found.append(Token("finding", clean(line), number, marked))
            continue
        _line_tokens(found, _reference_tokens(found, line, number), number)
    return found


def _plain(found: list[Token], text: str, line: int, label: str) -> str:
    """Add a stretch of text as the value of the pending label, else as plain text; the label left."""
    # Separators between fields ("·", "—"), and the "(" of "(https://doi.org/...)".
    text = re.sub(r"^[)\]]+|[(\[]+$", "", text.strip(SEPARATORS)).strip(SEPARATORS)
    if not any(ch.isalnum() for ch in text):
        return label
    if not label and found and found[-1].kind == "label" and found[-1].line == line - 1:
        label = found.pop().text
    found.append(Token(label or "plain", text, line))
    return ""
