"""The input formats' registry: which formats exist, how a file's format is told, and reading.

Formats are told apart by content (the extension decides only when the content could be either,
and `format=` overrides both). Each format is one module with a `read(path, text, out)`
function: bibtex.py, ris.py, csl.py (CSL-JSON), native.py (papercast's YAML), medline.py
(PubMed's .nbib), endnote.py (EndNote XML), text/ (a pasted list: forum thread, e-mail, Markdown
note); a new format is one module plus its `Format` line below. A file that matches no format
with confidence (a table, a web page, text with no paper in it) is refused with what it looks
like, never turned into papers. Bytes are decoded by encoding.py: UTF-8 or UTF-16, else
Windows-1252/Latin-1 with a note saying so.

Every format's fields go through fields.py: DOIs lower-case without prefix, partial dates,
particles kept with the family name, markup and entities decoded, long findings shortened.
Imported papers without a key get a derived one (with a letter added if a file repeats it).

`read_source` reads leniently: good entries are kept, each bad one becomes a problem (a
`SourceError`) and the file is only refused as a whole when it cannot be read at all.
`read_papers` is strict: the first problem is raised. Every message is one line naming the
file and the entry or line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..model import Paper
from . import bibtex, csl, endnote, medline, native, ris, text
from .detect import detect_new, looks_like, refuse_table
from .encoding import decode
from .fields import Collected, one_line
from .gaps import gap_note

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
    gaps: tuple[str, ...] = ()  # one per paper without a year, DOI or finding: what the hosts cannot say
    found: tuple[str, ...] = ()  # for free text: what was taken for each paper, so that it can be checked
    partial: tuple[str, ...] = ()  # for free text: one line per paper read without authors, year or finding



# --- Public API -----------------------------------------------------------------------



@dataclass(frozen=True)
class Format:
    """An input format: its name, the file suffixes that suggest it, and its reader."""

    name: str
    suffixes: tuple[str, ...]
    read: Callable[[Path, str, Collected], None]


REGISTRY: dict[str, Format] = {fmt.name: fmt for fmt in (
    Format("bibtex", (".bib", ".bibtex"), bibtex.read),
    Format("ris", (".ris",), ris.read),
    Format("csl-json", (".json",), csl.read),
    Format("yaml", (".yaml", ".yml"), native.read),
    Format("medline", (".nbib",), medline.read),
    Format("endnote-xml", (".xml",), endnote.read),
    Format("text", (".txt",), text.read),
)}
FORMATS = tuple(REGISTRY)
# File names papercast reads as paper files in a show's papers/ folder, and the format each suggests.
PAPER_SUFFIXES = {suffix: fmt.name for fmt in REGISTRY.values() for suffix in fmt.suffixes}
_BIBTEX_START = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_RIS_START = re.compile(r"^\s*TY\s{1,2}-", re.MULTILINE)


def detect_format(text: str, suffix: str = "") -> str:
    """The format of a paper file's text: content only one format has (`PMID-` and MEDLINE tags,
    EndNote's `<records><record>`, a `TY  -` line, JSON, an `@type{` entry) decides; else a
    .yaml/.yml extension; else YAML in papercast's shape; else plain text. So a forum post saved
    as .bib is still read as text."""
    by_suffix = PAPER_SUFFIXES.get(suffix.lower(), "")
    start = text.lstrip()[:1]
    marked = detect_new(text)
    if marked:
        return marked
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
    return "yaml" if native.looks_like(text) else "text"


def _refusal(path: Path, text: str) -> SourceError:
    """A file that matches no reader: what it looks like, and the formats that are read."""
    return NoPapersError(f"{path}: not a reading list papercast can read: it looks like {looks_like(text)} "
                         f"(formats read: {', '.join(FORMATS)})")


def parse_source(text: str, path: Path, format: str | None = None, notes: Sequence[str] = ()) -> SourceRead:
    """Read paper-file text leniently (see `read_source`); `path` names it in messages."""
    path = Path(path)
    if format is not None and format not in FORMATS:
        raise SourceError(f"{path}: unknown format '{format}' (use {', '.join(FORMATS)})")
    kind = format or detect_format(text, path.suffix)
    if kind == "text" and format is None and refuse_table(text):
        raise _refusal(path, text)
    out = Collected(path)
    out.notes.extend(notes)
    try:
        REGISTRY[kind].read(path, text, out)
    except SourceError as exc:
        raise one_line(exc) from None
    if not out.papers and not out.problems:
        if not text.strip():
            raise NoPapersError(f"{path}: no papers found (the file is empty)")
        if kind == "text":
            raise _refusal(path, text)
        raise NoPapersError(f"{path}: no papers found")
    gaps = [gap_note(paper, out.places.get(paper.key, f"{path}: entry '{paper.key}'")) for paper in out.papers]
    return SourceRead(path, kind, tuple(out.papers), tuple(out.problems), tuple(out.notes),
                      tuple(note for note in gaps if note), tuple(out.found), tuple(out.partial))


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
    decoded = decode(path, data)
    result = parse_source(decoded.text, path, format, [decoded.note] if decoded.note else [])
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


def load_papers(sources: Sequence[Path], entries: Sequence[str] | None, strict: bool = True) -> list[Paper]:
    """Read several paper files, one after the other, and select `entries` from all of them.

    Strict (the default), any bad entry is raised; otherwise bad entries are skipped (see
    `source_problems` to report them) unless no paper at all is left.
    """
    papers: list[Paper] = []
    origin: dict[str, Path] = {}
    problems: list[SourceError] = []
    for path in sources:
        result = read_source(path)
        if strict and result.problems:
            raise result.problems[0]
        problems.extend(result.problems)
        for paper in result.papers:
            if paper.key in origin:
                raise SourceError(f"{path}: entry '{paper.key}' is also in {origin[paper.key]}")
            origin[paper.key] = path
            papers.append(paper)
    if not papers and problems:
        raise problems[0]
    return select_papers(papers, entries, ", ".join(str(path) for path in sources))


def source_problems(sources: Sequence[Path]) -> list[SourceError]:
    """The entries of these paper files that cannot be read (and are skipped when not strict)."""
    found: list[SourceError] = []
    for path in sources:
        try:
            found.extend(read_source(path).problems)
        except SourceError:
            continue  # a file that cannot be read at all is reported when the papers are loaded
    return found


def text_notes(sources: Sequence[Path]) -> list[str]:
    """For paper files read as free text: each paper read only partly, then what was left out,
    so that `script` and `episode` say what they did not take (as `add` does)."""
    found: list[str] = []
    for path in sources:
        try:
            read = read_source(path)
        except SourceError:
            continue  # reported when the papers are loaded
        if read.format == "text":
            found.extend([*read.partial, *read.notes])
    return found


def reading_list(root: Path, listed: Sequence[Path] | None) -> tuple[Path, ...]:
    """The show's paper files: those its settings name, else every paper file in its papers/ folder."""
    if listed is not None:
        return tuple(listed)
    return tuple(sorted(p for p in (root / "papers").glob("*") if p.suffix.lower() in PAPER_SUFFIXES))
