"""Reading lists in the formats people keep them in, read into `Paper` records.

Formats, told apart by content (the extension decides only when the content could be either,
and `format=` overrides both):

- "bibtex" (`.bib`): parsed by bibtexparser v2, decoded to Unicode by pylatexenc. Fields:
  `title`; `author`; `journal` (else `journaltitle`, else `booktitle`); `year`, `month`,
  `day` (else biblatex `date`); `doi`; `url`; the finding from `keyfinding`, else `abstract`,
  else `annotation`. `note` is not used: it holds remarks such as "Epub ahead of print".
- "ris" (`.ris`: Zotero, EndNote, Mendeley) and "csl-json" (`.json`: Zotero's CSL JSON,
  Crossref): see exports.py.
- "yaml" (`.yaml`, `.yml`): papercast's own format, a list of papers or `{papers: [...]}`:

    papers:
      - key: tang2020dysbiosis          # optional, else e.g. "tang2020gut" (first author's
                                        # family, year, first title word but a/an/the)
        title: Gut Microbiota Dysbiosis Enhances Migraine-Like Pain Via TNFα Upregulation
        authors:
          - Tang, Yuanyuan              # "Family, Given"
          - {family: Liu, given: Sufang}
          - International Headache Genetics Consortium   # no comma: a group author
          - {group: "University of Somewhere, Department of Neurology"}
        journal: Molecular Neurobiology
        date: 2020-01                   # YYYY, YYYY-MM or YYYY-MM-DD; or year/month/day
        doi: 10.1007/s12035-019-01721-7
        url: https://example.org/paper
        finding: Dysbiosis worsens migraine-like pain in mice.   # alias: abstract

- "text" (`.txt`, anything else): a pasted forum post, email or note; see textlist.py.

Every format's fields go through fields.py: DOIs lower-case without prefix, partial dates,
particles kept with the family name, markup and entities decoded, long findings shortened.
Imported papers without a key get a derived one (with a letter added if a file repeats it).

`read_source` reads leniently: good entries are kept, each bad one becomes a problem (a
`SourceError`) and the file is only refused as a whole when it cannot be read at all.
`read_papers` is strict: the first problem is raised. Every message is one line naming the
file and the entry or line.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bibtexparser
import yaml
from bibtexparser import middlewares as bm
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, MiddlewareErrorBlock
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import LatexWalker
from pylatexenc.latexwalker import get_default_latex_context_db as get_default_latex_walker_context

from ..errors import SourceError
from .exports import read_csl_json, read_ris
from .fields import Collected, build_paper, clean, derived_key, one_line, strip_markup
from ..model import Author, Paper
from .text import read_text

# Our SourceError already reports a broken block; keep bibtexparser's own warning off stderr.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

FORMATS = ("bibtex", "ris", "csl-json", "yaml", "text")
# File names papercast reads as paper files in a show's papers/ folder, and the format each suggests.
PAPER_SUFFIXES = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json",
                  ".yaml": "yaml", ".yml": "yaml", ".txt": "text"}

_context = get_default_latex_context_db()
_context.add_context_category("papercast", prepend=True, macros=[MacroTextSpec("url", simplify_repl="%s")])
_LATEX = LatexNodes2Text(latex_context=_context, math_mode="text")
# Built once: pylatexenc would otherwise build its parser's macro table afresh for every field.
_WALKER_CONTEXT = get_default_latex_walker_context()
# Text without any of these is plain already and needs no LaTeX decoding (most fields).
_LATEX_SIGNS = re.compile(r"[\\{}$~%&^_`]|--|''")

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_YAML_FIELDS = {"key", "title", "authors", "journal", "date", "year", "month", "day", "doi", "url",
                "finding", "abstract"}
_KNOWN_SHOWN = 20


class NoPapersError(SourceError):
    """A paper file without a single entry (empty, or only comments)."""


@dataclass(frozen=True)
class SourceRead:
    """Everything read from one paper file: its papers, the entries skipped and notes on the rest."""

    path: Path
    format: str
    papers: tuple[Paper, ...]
    problems: tuple[SourceError, ...]  # one per entry that was skipped, in file order
    notes: tuple[str, ...]  # things changed or left out of papers that were kept


def _date_parts(value: Any, where: str) -> tuple[Any, Any, Any]:
    if isinstance(value, dt.date):  # also a datetime
        return value.year, value.month, value.day
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None, None
    match = _DATE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise SourceError(f"{where} has date {clean(repr(value), 60)}, not YYYY, YYYY-MM or YYYY-MM-DD")
    return match.groups()


# --- BibTeX ---------------------------------------------------------------------------

def _decode(latex: str, where: str) -> str:
    if not _LATEX_SIGNS.search(latex):
        return strip_markup(latex)
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
        year, month, day = _date_parts(values["date"], where)
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


def _read_bibtex(path: Path, text: str, out: Collected) -> None:
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


# --- YAML -----------------------------------------------------------------------------

def _yaml_text(value: Any, name: str, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SourceError(f"{where} has {name} {clean(repr(value), 60)}, not text")
    return str(value)


def _yaml_authors(value: Any, where: str) -> tuple[Author, ...]:
    items = [value] if isinstance(value, (str, dict)) else value or []
    if not isinstance(items, list):
        raise SourceError(f"{where} has authors that are not a list")
    authors = []
    for item in items:
        if isinstance(item, str) and "," in item:
            family, _, given = item.partition(",")
            author = Author(clean(family), clean(given))
        elif isinstance(item, str):
            author = Author(clean(item), is_group=True)
        elif isinstance(item, dict) and set(item) == {"group"}:
            author = Author(clean(_yaml_text(item["group"], "group", where)), is_group=True)
        elif isinstance(item, dict) and "family" in item and set(item) <= {"family", "given"}:
            author = Author(clean(_yaml_text(item["family"], "family", where)),
                            clean(_yaml_text(item.get("given"), "given", where)))
        else:
            author = Author("")
        if not author.family:
            raise SourceError(f"{where} has author {clean(repr(item), 60)}, not 'Family, Given', "
                              "{family, given}, or a group name")
        authors.append(author)
    return tuple(authors)


def _yaml_paper(item: Any, index: int, path: Path, out: Collected) -> None:
    where = f"{path}: entry {index}"
    if not isinstance(item, dict):
        raise SourceError(f"{where} is not a mapping of fields")
    key = clean(_yaml_text(item.get("key"), "key", where))
    if key:
        where = f"{path}: entry '{key}'"
    unknown = sorted(str(name) for name in item if name not in _YAML_FIELDS)
    if unknown:
        raise SourceError(f"{where} has unknown field '{unknown[0]}'")
    if "date" in item and {"year", "month", "day"} & set(item):
        raise SourceError(f"{where} gives both date and year/month/day")
    year, month, day = (_date_parts(item["date"], where) if "date" in item
                        else (item.get("year"), item.get("month"), item.get("day")))
    text = {name: _yaml_text(item.get(name), name, where) for name in ("title", "journal", "doi", "url")}
    finding = _yaml_text(item.get("finding", item.get("abstract")), "finding", where)
    paper = build_paper(where, key, path, _yaml_authors(item.get("authors"), where), out.notes, **text,
                        year=year, month=month, day=day, finding=finding)
    # The native format is hand-edited: a clash of derived keys is for the user to settle with `key:`.
    paper = paper if key else dataclasses.replace(paper, key=derived_key(paper, where))
    if out.has_key(paper.key):
        raise SourceError(f"{path}: entry {index} repeats the key '{paper.key}'")
    out.add(paper)


# libyaml parses a long reading list ten times faster; its error messages differ, so a file it
# refuses is parsed again by PyYAML's own parser, whose messages are the same everywhere.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, text: str, out: Collected) -> None:
    try:
        try:
            data = yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - a safe loader
        except Exception:  # any failure: let the pure-Python parser say what is wrong
            data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:  # PyYAML raises ValueError for 2020-13-01
        mark = getattr(exc, "problem_mark", None)
        reason = f"line {mark.line + 1}: {exc.problem}" if mark else str(exc)  # type: ignore[attr-defined]
        raise SourceError(f"{path}: not valid YAML ({clean(reason, 120)})") from None
    except RecursionError:
        raise SourceError(f"{path}: not valid YAML (nested too deeply)") from None
    if isinstance(data, dict):
        unknown = sorted(str(name) for name in data if name != "papers")
        if unknown:
            raise SourceError(f"{path}: unknown top-level key '{unknown[0]}' (expected only 'papers')")
        data = data.get("papers")
    if data is not None and not isinstance(data, list):
        raise SourceError(f"{path}: expected a list of papers, or a mapping with a 'papers' list")
    for index, item in enumerate(data or [], start=1):
        with out.entry():
            _yaml_paper(item, index, path, out)


# --- Plain text -----------------------------------------------------------------------

def _read_text(path: Path, text: str, out: Collected) -> None:
    papers, notes = read_text(text, str(path))
    out.notes.extend(notes)
    for where, fields in papers:
        with out.entry():
            if isinstance(fields, str):
                raise SourceError(fields)
            authors = fields.pop("authors")
            out.keep(build_paper(where, "", path, authors, out.notes, **fields), where)


# --- Public API -----------------------------------------------------------------------

_READERS: dict[str, Callable[[Path, str, Collected], None]] = {
    "bibtex": _read_bibtex, "ris": read_ris, "csl-json": read_csl_json, "yaml": _read_yaml, "text": _read_text,
}
_BIBTEX_START = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_RIS_START = re.compile(r"^\s*TY\s{1,2}-", re.MULTILINE)


def _is_native_yaml(text: str) -> bool:
    """True when `text` parses as YAML into papercast's shape: papers with titles or keys."""
    try:
        data = yaml.safe_load(text)
    except Exception:  # any YAML (or PyYAML) failure just means "not YAML"
        return False
    if isinstance(data, dict) and set(data) == {"papers"}:
        return True
    return (isinstance(data, list) and bool(data)
            and all(isinstance(item, dict) and ("title" in item or "key" in item) for item in data))


def detect_format(text: str, suffix: str = "") -> str:
    """The format of a paper file's text: content only one format has (a `TY  -` line, JSON, an
    `@type{` entry) decides; else a .yaml/.yml extension; else YAML in papercast's shape; else
    plain text. So a forum post saved as .bib is still read as text."""
    by_suffix = PAPER_SUFFIXES.get(suffix.lower(), "")
    start = text.lstrip()[:1]
    if _RIS_START.search(text):
        return "ris"
    if start in ("[", "{") or (by_suffix == "csl-json" and text.strip()):
        try:
            json.loads(text)
            return "csl-json"
        except (ValueError, RecursionError):
            if by_suffix == "csl-json" and start in ("[", "{"):
                return by_suffix  # reported as broken JSON, with its line and column
    if _BIBTEX_START.search(text) and by_suffix != "yaml":
        return "bibtex"
    if by_suffix == "yaml" or (by_suffix and all(line.lstrip().startswith("%") for line in text.splitlines()
                                                  if line.strip())):
        return by_suffix  # YAML is any text; an empty or comments-only file is reported as empty
    return "yaml" if _is_native_yaml(text) else "text"


def _decode_file(path: Path, data: bytes) -> str:
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # EndNote on Windows writes UTF-16
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(f"{path}: cannot be read (not UTF-8 text)") from None
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    if "\x00" in text or controls > max(8, len(text) // 50):
        raise SourceError(f"{path}: cannot be read (binary data, not text)")
    return text


def parse_source(text: str, path: Path, format: str | None = None) -> SourceRead:
    """Read paper-file text leniently (see `read_source`); `path` names it in messages."""
    path = Path(path)
    if format is not None and format not in FORMATS:
        raise SourceError(f"{path}: unknown format '{format}' (use {', '.join(FORMATS)})")
    kind = format or detect_format(text, path.suffix)
    out = Collected(path)
    try:
        _READERS[kind](path, text, out)
    except SourceError as exc:
        raise one_line(exc) from None
    if not out.papers and not out.problems:
        hint = (" (the file is empty)" if not text.strip()
                else " (in plain text, a paper is a title with a date, DOI, authors or finding)" if kind == "text"
                else "")
        raise NoPapersError(f"{path}: no papers found{hint}")
    return SourceRead(path, kind, tuple(out.papers), tuple(out.problems), tuple(out.notes))


def read_source(path: Path, format: str | None = None) -> SourceRead:
    """Read a paper file in any format, keeping its good entries and a problem for each bad one.

    Raises SourceError when the file as a whole cannot be read: missing, binary, not its
    format at all, or without a single entry.
    """
    path = Path(path)
    if format is not None and format not in FORMATS:
        raise SourceError(f"{path}: unknown format '{format}' (use {', '.join(FORMATS)})")
    try:
        stat = path.stat()
        # A build reads the same files for several episodes; unchanged files are parsed once.
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, format)
        if key in _READ_CACHE:
            return _READ_CACHE[key]
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({(exc.strerror or str(exc)).lower()})") from None
    result = parse_source(_decode_file(path, data), path, format)
    if len(_READ_CACHE) >= 64:
        _READ_CACHE.pop(next(iter(_READ_CACHE)))
    _READ_CACHE[key] = result
    return result


_READ_CACHE: dict[tuple[str, int, int, str | None], SourceRead] = {}


def read_papers(path: Path, format: str | None = None) -> list[Paper]:
    """Read every paper of a paper file in file order, raising the first problem with any entry."""
    result = read_source(path, format)
    if result.problems:
        raise result.problems[0]
    return list(result.papers)


def select_papers(papers: Sequence[Paper], entries: Sequence[str] | None, source: str) -> list[Paper]:
    """The papers named by `entries`, in that order; all papers when `entries` is None."""
    if entries is None:
        return list(papers)
    by_key = {paper.key: paper for paper in papers}
    for key in entries:
        if key not in by_key:
            keys = list(by_key)
            known = ", ".join(keys[:_KNOWN_SHOWN]) or "none"
            if len(keys) > _KNOWN_SHOWN:
                known += f", ... ({len(keys) - _KNOWN_SHOWN} more)"
            raise SourceError(f"{source}: no entry '{key}' (known: {known})")
    return [by_key[key] for key in entries]


def load_papers(sources: Sequence[Path], entries: Sequence[str] | None) -> list[Paper]:
    """Read several paper files, one after the other, and select `entries` from all of them."""
    papers: list[Paper] = []
    origin: dict[str, Path] = {}
    for path in sources:
        for paper in read_papers(path):
            if paper.key in origin:
                raise SourceError(f"{path}: entry '{paper.key}' is also in {origin[paper.key]}")
            origin[paper.key] = path
            papers.append(paper)
    return select_papers(papers, entries, ", ".join(str(path) for path in sources))
