"""BibTeX (.bib): parsed by bibtexparser v2, decoded to Unicode by pylatexenc.

Fields: `title`; `author`; `journal` (else `journaltitle`, else `booktitle`); `year`, `month`,
`day` (else biblatex `date`); `doi`; `url`; the finding from `keyfinding`, else `abstract`,
else `annotation`. `note` is not used: it holds remarks such as "Epub ahead of print".
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser import middlewares as bm
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, MiddlewareErrorBlock
from pylatexenc.latex2text import (
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)
from pylatexenc.latexwalker import (
    LatexWalker,
    get_default_latex_context_db as get_default_latex_walker_context,
)

from ..errors import SourceError
from ..model import Author
from .fields import Collected, build_paper, clean, date_parts, strip_markup
from .names import ET_AL

_context = get_default_latex_context_db()
_context.add_context_category("papercast", prepend=True, macros=[MacroTextSpec("url", simplify_repl="%s")])
_LATEX = LatexNodes2Text(latex_context=_context, math_mode="text")
# Built once: pylatexenc would otherwise build its parser's macro table afresh for every field.
_WALKER_CONTEXT = get_default_latex_walker_context()
# Text without any of these is plain already and needs no LaTeX decoding (most fields).
_LATEX_SIGNS = re.compile(r"[\\{}$~%&^_`]|--|''")
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_APPROX = re.compile(r"(?<=\s)~(?=\d)")


# Our SourceError already reports a broken block; keep bibtexparser's own warning off stderr.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())


def _decode(latex: str, where: str) -> str:
    if not _LATEX_SIGNS.search(latex):
        return strip_markup(latex)
    # A bare "%" in a field is a percent sign ("95% CI"), not a LaTeX comment that would drop the
    # rest of the abstract: exports and hand-written .bib files rarely escape it.
    latex = _BARE_PERCENT.sub(r"\\%", latex)
    # " ~0.2%" (a space before it) is "about", not LaTeX's tie as in "Fig.~3".
    latex = _APPROX.sub(r"\\textasciitilde{}", latex)
    try:
        nodes = LatexWalker(latex, latex_context=_WALKER_CONTEXT, tolerant_parsing=True).get_latex_nodes()[0]
        return strip_markup(_LATEX.nodelist_to_text(nodes))
    except Exception:  # pylatexenc crashes on some macros (e.g. \href) instead of raising its own error
        raise SourceError(f"{where} has LaTeX that cannot be decoded: {clean(latex, 60)!r}") from None


def _literal(value: Any) -> str:
    """A DOI or URL as written: LaTeX decoding would eat `%...` as a comment and turn `~` into a space."""
    text = re.sub(r"\\url\b", "", value if isinstance(value, str) else "")
    text = re.sub(r"\\([_%&#~$])", r"\1", text)
    return "".join(text.replace("{", "").replace("}", "").split())


def _is_braced_group(word: str) -> bool:
    """True for a name written as one braced group such as {World Health Organization}."""
    if not word.startswith("{") or word.startswith("{\\"):  # {\'A}... is an accented letter
        return False
    depth = 0
    for index, char in enumerate(word):
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return index == len(word) - 1
    return False


def _bibtex_authors(names: Any, where: str) -> tuple[Author, ...]:
    authors = []
    for name in names if isinstance(names, list) else []:
        if not isinstance(name, NameParts):
            continue
        if name.last == ["others"] and not name.first:  # "and others" is BibTeX for "et al."
            authors.append(ET_AL)  # not an author: the paper builder counts it as "more authors"
            continue
        if not (name.first or name.von or name.jr) and len(name.last) == 1 and _is_braced_group(name.last[0]):
            authors.append(Author(family=_decode(name.last[0], where), is_group=True))
        else:  # Author has no "Jr." slot; it reads naturally after the family name
            family = _decode(" ".join(name.von + name.last + name.jr), where)
            authors.append(Author(family=family, given=_decode(" ".join(name.first), where)))
    return tuple(authors)


def _bibtex_paper(entry: Entry, path: Path, out: Collected) -> None:
    line = (entry.start_line or 0) + 1  # bibtexparser counts lines from 0
    where = f"{path}: entry '{entry.key}'" if entry.key else f"{path}: entry near line {line}"
    if re.search(r"\s", entry.key):
        raise SourceError(f"{path}: entry near line {line} has a key with spaces in it: {clean(entry.key, 60)!r}")
    values = {field.key: field.value for field in entry.fields}

    def text(*names: str) -> str:
        for name in names:
            value = values.get(name)
            if isinstance(value, str) and value.strip():
                return _decode(value, where)
        return ""

    year, month, day = values.get("year"), values.get("month"), values.get("day")
    if year is None and values.get("date"):
        year, month, day = date_parts(values["date"], where)
    paper = build_paper(where, entry.key, path, _bibtex_authors(values.get("author", []), where), out.notes,
                        title=text("title"), journal=text("journal", "journaltitle", "booktitle"),
                        year=year, month=month, day=day, doi=_literal(values.get("doi")),
                        url=_literal(values.get("url")), finding=text("keyfinding", "abstract", "annotation"))
    out.keep(paper, where)


def _failed_block(block: Any, path: Path) -> SourceError:
    line = (block.start_line or 0) + 1
    if isinstance(block, DuplicateBlockKeyBlock):
        return SourceError(f"{path}: entry '{block.key}' near line {line} repeats an earlier key")
    reason = getattr(block.error, "abort_reason", None) or str(block.error)
    if isinstance(block, MiddlewareErrorBlock):
        key = getattr(block.ignore_error_block, "key", "?")
        return SourceError(f"{path}: entry '{key}' is malformed ({clean(reason, 120)})")
    return SourceError(f"{path}: entry near line {line} is malformed ({clean(reason, 120)})")


def read(path: Path, text: str, out: Collected) -> None:
    try:
        library = bibtexparser.parse_string(text, parse_stack=[
            bm.ResolveStringReferencesMiddleware(), bm.RemoveEnclosingMiddleware(), bm.NormalizeFieldKeys(),
            bm.MonthIntMiddleware(), bm.SeparateCoAuthors(), bm.SplitNameParts(),
        ])
    except Exception as exc:  # bibtexparser has no error type of its own for input it chokes on
        raise SourceError(f"{path}: not valid BibTeX ({clean(str(exc), 120)})") from None
    blocks = sorted([*library.entries, *library.failed_blocks], key=lambda block: block.start_line or 0)
    for block in blocks:
        with out.entry():
            if isinstance(block, Entry):
                _bibtex_paper(block, path, out)
            else:
                raise _failed_block(block, path)

