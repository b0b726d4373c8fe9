"""Reading lists: BibTeX files and papercast's own YAML format, read into `Paper` records.

BibTeX (`.bib`, `.bibtex`) is parsed by bibtexparser v2 and decoded to plain Unicode by
pylatexenc. Fields used: `title`; `author`; `journal` (else `journaltitle`, else
`booktitle`); `year`, `month`, `day` (else biblatex `date`); `doi`; `url`; and the finding
from `keyfinding`, else `abstract`, else `annotation`. `note` is not used: it usually holds
remarks such as "Epub ahead of print", not a finding.

YAML (`.yaml`, `.yml`) is a list of papers, or a mapping whose only key is `papers`:

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

Every problem is a one-line `SourceError` naming the file and the entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import bibtexparser
import yaml
from bibtexparser import middlewares as bm
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, MiddlewareErrorBlock
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from .errors import SourceError
from .model import Author, Paper

# Our SourceError already reports a broken block; keep bibtexparser's own warning off stderr.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

_context = get_default_latex_context_db()
_context.add_context_category("papercast", prepend=True, macros=[MacroTextSpec("url", simplify_repl="%s")])
_LATEX = LatexNodes2Text(latex_context=_context, math_mode="text")

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_YAML_FIELDS = {"key", "title", "authors", "journal", "date", "year", "month", "day", "doi", "url",
                "finding", "abstract"}
_KNOWN_SHOWN = 20


def _clean(text: str, limit: int = 0) -> str:
    text = " ".join(text.split())
    return text[:limit - 1] + "…" if 0 < limit < len(text) else text


def _number(value: Any, name: str, where: str, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdecimal():
        raise SourceError(f"{where} has {name} {value!r}, not a number")
    if not low <= int(value) <= high:
        raise SourceError(f"{where} has {name} {int(value)}, not between {low} and {high}")
    return int(value)


def _date_parts(value: Any, where: str) -> tuple[Any, Any, Any]:
    if isinstance(value, dt.date):  # also a datetime
        return value.year, value.month, value.day
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None, None
    match = _DATE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise SourceError(f"{where} has date {value!r}, not YYYY, YYYY-MM or YYYY-MM-DD")
    return match.groups()


def _paper(where: str, key: str, source: Path, authors: tuple[Author, ...], **fields: Any) -> Paper:
    """Validate the fields common to both formats and build the paper."""
    title = _clean(fields["title"])
    if not title:
        raise SourceError(f"{where} has no title")
    year = _number(fields["year"], "year", where, 1, 9999)
    month = _number(fields["month"], "month", where, 1, 12)
    day = _number(fields["day"], "day", where, 1, 31)
    if day is not None and month is None:
        raise SourceError(f"{where} has a day but no month")
    if year is not None:
        try:
            dt.date(year, month or 1, day or 1)
        except ValueError as exc:
            raise SourceError(f"{where} has an impossible date ({exc})") from None
    return Paper(key=key, title=title, authors=authors, journal=_clean(fields["journal"]),
                 year=year, month=month, day=day,
                 doi=_DOI_PREFIX.sub("", fields["doi"].strip()).lower(),
                 url=fields["url"].strip(), finding=_clean(fields["finding"]), source=str(source))


# --- BibTeX ---------------------------------------------------------------------------

def _decode(latex: str, where: str) -> str:
    try:
        return _clean(_LATEX.latex_to_text(latex))
    except Exception:  # pylatexenc crashes on some macros (e.g. \href) instead of raising its own error
        raise SourceError(f"{where} has LaTeX that cannot be decoded: {_clean(latex, 60)!r}") from None


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


def _bibtex_authors(names: list[NameParts], where: str) -> tuple[Author, ...]:
    authors = []
    for name in names:
        if name.last == ["others"] and not name.first:  # "and others" is BibTeX for "et al."
            continue
        if not (name.first or name.von or name.jr) and len(name.last) == 1 and _is_braced_group(name.last[0]):
            authors.append(Author(family=_decode(name.last[0], where), is_group=True))
        else:  # Author has no "Jr." slot; it reads naturally after the family name
            family = _decode(" ".join(name.von + name.last + name.jr), where)
            authors.append(Author(family=family, given=_decode(" ".join(name.first), where)))
    return tuple(authors)


def _bibtex_paper(entry: Entry, path: Path) -> Paper:
    where = f"{path}: entry '{entry.key}'"
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
    return _paper(where, entry.key, path, _bibtex_authors(values.get("author", []), where),
                  title=text("title"), journal=text("journal", "journaltitle", "booktitle"),
                  year=year, month=month, day=day, doi=_literal(values.get("doi")),
                  url=_literal(values.get("url")), finding=text("keyfinding", "abstract", "annotation"))


def _read_bibtex(path: Path, text: str) -> list[Paper]:
    library = bibtexparser.parse_string(text, parse_stack=[
        bm.ResolveStringReferencesMiddleware(), bm.RemoveEnclosingMiddleware(), bm.NormalizeFieldKeys(),
        bm.MonthIntMiddleware(), bm.SeparateCoAuthors(), bm.SplitNameParts(),
    ])
    failed = sorted(library.failed_blocks, key=lambda block: block.start_line or 0)
    if failed:
        block, line = failed[0], (failed[0].start_line or 0) + 1  # bibtexparser counts lines from 0
        if isinstance(block, DuplicateBlockKeyBlock):
            raise SourceError(f"{path}: entry '{block.key}' near line {line} repeats an earlier key")
        reason = getattr(block.error, "abort_reason", None) or str(block.error)
        if isinstance(block, MiddlewareErrorBlock):
            key = getattr(block.ignore_error_block, "key", "?")
            raise SourceError(f"{path}: entry '{key}' is malformed ({_clean(reason, 120)})")
        raise SourceError(f"{path}: entry near line {line} is malformed ({_clean(reason, 120)})")
    return [_bibtex_paper(entry, path) for entry in library.entries]


# --- YAML -----------------------------------------------------------------------------

def _yaml_text(value: Any, name: str, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SourceError(f"{where} has {name} {_clean(repr(value), 60)}, not text")
    return str(value)


def _yaml_authors(value: Any, where: str) -> tuple[Author, ...]:
    items = [value] if isinstance(value, (str, dict)) else value or []
    if not isinstance(items, list):
        raise SourceError(f"{where} has authors that are not a list")
    authors = []
    for item in items:
        if isinstance(item, str) and "," in item:
            family, _, given = item.partition(",")
            author = Author(_clean(family), _clean(given))
        elif isinstance(item, str):
            author = Author(_clean(item), is_group=True)
        elif isinstance(item, dict) and set(item) == {"group"}:
            author = Author(_clean(_yaml_text(item["group"], "group", where)), is_group=True)
        elif isinstance(item, dict) and "family" in item and set(item) <= {"family", "given"}:
            author = Author(_clean(_yaml_text(item["family"], "family", where)),
                            _clean(_yaml_text(item.get("given"), "given", where)))
        else:
            author = Author("")
        if not author.family:
            raise SourceError(f"{where} has author {_clean(repr(item), 60)}, not 'Family, Given', "
                              "{family, given}, or a group name")
        authors.append(author)
    return tuple(authors)


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())


def _derived_key(paper: Paper, where: str) -> str:
    words = [w for w in map(_ascii_word, paper.title.split()) if w]
    words = [w for w in words if w not in ("a", "an", "the")] or words
    family = _ascii_word(paper.authors[0].family) if paper.authors else ""
    key = f"{family}{paper.year or ''}{words[0] if words else ''}"
    if not (family or words):
        raise SourceError(f"{where} needs a key (none can be made from its title and authors)")
    return key


def _yaml_paper(item: Any, index: int, path: Path) -> Paper:
    where = f"{path}: entry {index}"
    if not isinstance(item, dict):
        raise SourceError(f"{where} is not a mapping of fields")
    key = _clean(_yaml_text(item.get("key"), "key", where))
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
    paper = _paper(where, key, path, _yaml_authors(item.get("authors"), where), **text,
                   year=year, month=month, day=day, finding=finding)
    return paper if key else dataclasses.replace(paper, key=_derived_key(paper, where))


def _read_yaml(path: Path, text: str) -> list[Paper]:
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for dates like 2020-13-01
        mark = getattr(exc, "problem_mark", None)
        reason = f"line {mark.line + 1}: {exc.problem}" if mark else str(exc)  # type: ignore[attr-defined]
        raise SourceError(f"{path}: not valid YAML ({_clean(reason, 120)})") from None
    if isinstance(data, dict):
        unknown = sorted(str(name) for name in data if name != "papers")
        if unknown:
            raise SourceError(f"{path}: unknown top-level key '{unknown[0]}' (expected only 'papers')")
        data = data.get("papers")
    if data is not None and not isinstance(data, list):
        raise SourceError(f"{path}: expected a list of papers, or a mapping with a 'papers' list")
    papers: list[Paper] = []
    for index, item in enumerate(data or [], start=1):
        paper = _yaml_paper(item, index, path)
        if any(paper.key == other.key for other in papers):
            raise SourceError(f"{path}: entry {index} repeats the key '{paper.key}'")
        papers.append(paper)
    return papers


# --- Public API -----------------------------------------------------------------------

_READERS: dict[str, Callable[[Path, str], list[Paper]]] = {
    ".bib": _read_bibtex, ".bibtex": _read_bibtex, ".yaml": _read_yaml, ".yml": _read_yaml,
}


def read_papers(path: Path) -> list[Paper]:
    """Read every paper of a BibTeX (.bib, .bibtex) or YAML (.yaml, .yml) file, in file order."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise SourceError(f"{path}: unknown kind of paper file (use .bib, .bibtex, .yaml or .yml)")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({(exc.strerror or str(exc)).lower()})") from None
    except UnicodeDecodeError:
        raise SourceError(f"{path}: cannot be read (not UTF-8 text)") from None
    if "\x00" in text:
        raise SourceError(f"{path}: cannot be read (binary data, not text)")
    papers = reader(path, text)
    if not papers:
        raise SourceError(f"{path}: no papers found")
    return papers


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
