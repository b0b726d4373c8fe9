"""Telling a file's format by its content, and refusing text that is no reading list at all."""

from __future__ import annotations

import re

from . import endnote, medline

_MEDLINE_FIELD = re.compile(r"^(?:TI|FAU|AU|DP|AB)\s*- ", re.MULTILINE)
_XML = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?<", re.IGNORECASE)
_HTML = re.compile(r"^\s*(?:<!doctype\s+html|<html\b)", re.IGNORECASE)


def detect_new(text: str) -> str:
    """"medline" or "endnote-xml" when the text has their marks, else ""."""
    if medline.START.search(text) and _MEDLINE_FIELD.search(text):
        return "medline"
    if _XML.match(text) and endnote.START.search(text):
        return "endnote-xml"
    return ""


def _table(lines: list[str]) -> str:
    """"CSV" or "tab-separated" when every line has the same number (two or more) of separators
    and the first is a header of short cells (a pasted citation has as many commas as the next)."""
    for separator, name in ((",", "a CSV table"), ("\t", "a tab-separated table")):
        counts = {line.count(separator) for line in lines}
        header = all(len(cell.split()) <= 4 for cell in lines[0].split(separator)) if lines else False
        if len(lines) >= 2 and len(counts) == 1 and min(counts) >= 2 and header:
            return name
    return ""


def looks_like(text: str) -> str:
    """What text that is no reading list looks like, for the message refusing it."""
    lines = [line for line in text.splitlines() if line.strip()]
    if _HTML.match(text):
        return "an HTML page (save the page's text, or export the papers from a reference manager)"
    if _XML.match(text):
        return "XML, but not an EndNote XML export"
    table = _table(lines)
    if table:
        return f"{table} ({lines[0][:40].strip()!r}...)"
    return "plain text with no paper in it (no title with a date, DOI, authors or finding)"


def refuse_table(text: str) -> str:
    """Why `text` is refused before any reader tries it (a table, a web page, other XML), else ""."""
    lines = [line for line in text.splitlines() if line.strip()]
    if _XML.match(text) or _table(lines):  # markup (HTML, XML of another kind) or a spreadsheet
        return looks_like(text)
    return ""
