"""The show's reading list: the YAML file `papercast add` merges papers into, and listing it.

Where: `papers/reading-list.yaml` in the show folder, in papercast's own YAML format (see
registry.py), so an episode names it like any paper file (`papers = ["papers/reading-list.yaml"]`)
and a person can edit it. papercast rewrites it whole, atomically (no reader ever sees half a
file) and deterministically (the same papers give the same bytes, in the order they were
added); comments in it are not kept.

Adding reads each file leniently (sources.read_source): its good entries are taken, and each bad
entry or unreadable file is reported as skipped with its reason, unless `strict`, when any problem
fails the whole add and nothing is written.

The same paper: the same DOI; or, when at most one of them has a DOI, the same title (case,
accents and punctuation aside) and no different year (a missing year matches any). Two
different DOIs are two papers, e.g. a preprint and its journal article.

Merging, predictably: the paper that came first (the reading list, then the files in the order
given, each in file order) keeps every field it has, including its key; a field it lacks is
filled in from the newcomer; two refinements are taken too: a more precise date of the same
year ("2023" -> "2023-10-11") and a longer author list that starts with the same authors
(one that ended in "et al."). Any other difference is a conflict: the first value stays and the
conflict is reported. A newcomer that changes nothing is skipped as a duplicate.

A paper already in one of the show's other paper files in `papers/` (e.g. the demo's
migraine-gut.bib, which episodes name by key) is skipped, not copied, so no paper is on the
reading list twice; those files are never written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..config import lock_path
from ..errors import PapercastError, SourceError
from ..fsutil import exclusive, write_if_changed
from ..model import Author, Paper
from .fields import ascii_word, clean, title_key, unique_key
from .registry import (
    PAPER_SUFFIXES,
    NoPapersError,
    SourceRead,
    read_papers,
    read_source,
)

STORE = Path("papers") / "reading-list.yaml"
_HEADER = ("# The show's reading list, kept by `papercast add`. Edit it freely: it is papercast's YAML\n"
           "# paper format. papercast rewrites the whole file when it adds papers; comments are not kept.\n")
_SHOWN = 60


@dataclass(frozen=True)
class Conflict:
    """A field on which two copies of a paper disagree: the value kept and the one not taken."""

    field: str
    kept: str
    other: str

    def __str__(self) -> str:
        return f"kept {self.field} {clean(self.kept, _SHOWN)!r} over {clean(self.other, _SHOWN)!r}"


@dataclass(frozen=True)
class Outcome:
    """What became of one entry offered to the reading list, and why."""

    action: str  # "added", "merged" or "skipped"
    source: str  # the entry offered ("'tang2020gut' from post.txt") or the file that failed
    key: str  # its key in the reading list; "" when skipped for an error
    reason: str
    filled: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    error: bool = False

    def __str__(self) -> str:
        if self.error:
            return f"skipped: {self.reason}"
        head = {"added": f"added {self.source}", "merged": f"merged {self.source} into '{self.key}'",
                "skipped": f"skipped {self.source}"}[self.action]
        details = [f"filled {', '.join(self.filled)}"] if self.filled else []
        details += [str(conflict) for conflict in self.conflicts]
        return f"{head}: {self.reason}" + "".join(f"; {detail}" for detail in details)


@dataclass(frozen=True)
class AddReport:
    """The result of `add_papers`: one outcome per entry offered, notes, and whether the file changed."""

    store: Path
    outcomes: tuple[Outcome, ...]
    notes: tuple[str, ...]
    written: bool
    found: tuple[str, ...] = ()  # what was taken for each paper read from free text, for the user to check

    def _count(self, action: str) -> int:
        return sum(outcome.action == action for outcome in self.outcomes)

    @property
    def errors(self) -> tuple[Outcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.error)

    @property
    def exit_code(self) -> int:
        """1 when an entry or file could not be read (the rest was still added), else 0."""
        return 1 if self.errors else 0

    def lines(self) -> list[str]:
        """One line per outcome, then what was found in free text, then one per note."""
        return ([str(outcome) for outcome in self.outcomes] + [f"found: {line}" for line in self.found]
                + [f"note: {note}" for note in self.notes])

    def summary(self) -> str:
        """E.g. "3 added, 1 merged, 2 skipped (1 with an error); papers/reading-list.yaml updated"."""
        errors = len(self.errors)
        skipped = f"{self._count('skipped')} skipped" + (f" ({errors} with an error)" if errors else "")
        state = "updated" if self.written else "unchanged"
        return f"{self._count('added')} added, {self._count('merged')} merged, {skipped}; {self.store} {state}"


def store_path(show_root: Path) -> Path:
    """Where a show keeps its reading list: `papers/reading-list.yaml`."""
    return Path(show_root) / STORE


def check_show(show_root: Path) -> None:
    """Refuse a folder that is not a show (it has no papercast.toml)."""
    # A typo in --show must not leave a papers/ folder somewhere that is not a show.
    if not (Path(show_root) / "papercast.toml").is_file():
        raise PapercastError(f"{show_root}: not a show folder (it has no papercast.toml)")


# --- Same paper, and merging ----------------------------------------------------------

def same_paper(a: Paper, b: Paper) -> str:
    """Why `a` and `b` are the same paper ("same DOI", "same title and year", "same title"), or ""."""
    if a.doi and b.doi:
        return "same DOI" if a.doi == b.doi else ""
    if title_key(a.title) != title_key(b.title) or (a.year and b.year and a.year != b.year):
        return ""
    return "same title and year" if a.year and b.year else "same title"


def _person_key(author: Author) -> tuple[str, str]:
    family = ascii_word(author.family) or title_key(author.family)  # CJK names have no ASCII form
    return family, (ascii_word(author.given) or title_key(author.given))[:1]


def _names(authors: Sequence[Author]) -> str:
    return "; ".join(a.display for a in authors)


def merge_papers(kept: Paper, other: Paper) -> tuple[Paper, tuple[str, ...], tuple[Conflict, ...]]:
    """`kept` completed from `other` (see the module docstring), the fields filled, the conflicts."""
    changes: dict[str, object] = {}
    conflicts: list[Conflict] = []
    if title_key(kept.title) != title_key(other.title):
        conflicts.append(Conflict("title", kept.title, other.title))
    mine, theirs = [_person_key(a) for a in kept.authors], [_person_key(a) for a in other.authors]
    if other.authors and mine != theirs:
        if theirs[:len(mine)] == mine:  # also when kept has none
            changes["authors"] = other.authors
        else:
            conflicts.append(Conflict("authors", _names(kept.authors), _names(other.authors)))
    for name in ("journal", "doi", "url", "finding"):
        mine_text, theirs_text = getattr(kept, name), getattr(other, name)
        if theirs_text and not mine_text:
            changes[name] = theirs_text
        elif theirs_text and title_key(mine_text) != title_key(theirs_text):
            conflicts.append(Conflict(name, mine_text, theirs_text))
    date, other_date = (kept.year, kept.month, kept.day), (other.year, other.month, other.day)
    known, other_known = sum(p is not None for p in date), sum(p is not None for p in other_date)
    if other_known > known and all(p is None or p == q for p, q in zip(date, other_date, strict=True)):
        changes.update(year=other.year, month=other.month, day=other.day)
    elif other_known and any(p is not None and q is not None and p != q for p, q in zip(date, other_date, strict=True)):
        conflicts.append(Conflict("date", _date_text(kept) or "none", _date_text(other)))
    filled = tuple("date" if name == "year" else name for name in changes if name not in ("month", "day"))
    return dataclasses.replace(kept, **changes), filled, tuple(conflicts)  # type: ignore[arg-type]


# --- The file -------------------------------------------------------------------------

def _date_text(paper: Paper) -> str:
    if paper.year is None:
        return ""
    parts = [f"{paper.year:04d}"] + [f"{p:02d}" for p in (paper.month, paper.day) if p is not None]
    return "-".join(parts)


def _author_yaml(author: Author) -> object:
    """An author in the YAML format's most readable form that reads back as the same author."""
    if author.is_group:
        return {"group": author.family} if "," in author.family else author.family
    if author.given and "," not in author.family:
        return f"{author.family}, {author.given}"
    return {"family": author.family, "given": author.given} if author.given else {"family": author.family}


def dump_papers(papers: Sequence[Paper]) -> str:
    """Papers as the reading-list file: papercast's YAML format, fields in a fixed order."""
    rows = []
    for paper in papers:
        row: dict[str, object] = {"key": paper.key, "title": paper.title}
        if paper.authors:
            row["authors"] = [_author_yaml(a) for a in paper.authors] + (["et al."] if paper.more_authors else [])
        if paper.journal:
            row["journal"] = paper.journal
        if paper.year is not None:
            row["date"] = paper.year if paper.month is None else _date_text(paper)
        row.update({name: getattr(paper, name) for name in ("doi", "url", "finding") if getattr(paper, name)})
        rows.append(row)
    return _HEADER + yaml.safe_dump({"papers": rows}, allow_unicode=True, sort_keys=False, width=100)


def other_paper_files(show_root: Path, store: Path) -> list[Path]:
    """The show's paper files in papers/ other than its reading list `store`, by name."""
    folder = Path(show_root) / "papers"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in PAPER_SUFFIXES and p.resolve() != store.resolve())


def _read_store(store: Path) -> list[Paper]:
    """The reading list as it is; strict, since rewriting a partly read file would lose papers."""
    if not store.exists():
        return []
    try:
        return read_papers(store, "yaml")
    except NoPapersError:
        return []  # emptied by hand: a valid, empty reading list
    except SourceError as exc:
        raise SourceError(f"{exc} (fix the reading list before adding to it)") from None


def list_papers(show_root: Path) -> list[Paper]:
    """Every paper of the show: the reading list, then the other paper files in papers/ by name."""
    check_show(show_root)
    store = store_path(show_root)
    papers = _read_store(store)
    for path in other_paper_files(show_root, store):
        papers.extend(read_papers(path))
    return papers


def paper_lines(papers: Sequence[Paper]) -> list[str]:
    """Papers as aligned lines under a heading per file: key, year, first author, title."""
    lines: list[str] = []
    width = max((len(p.key) for p in papers), default=0)
    source = None
    for paper in papers:
        if paper.source != source:
            source = paper.source
            count = sum(p.source == source for p in papers)
            lines.append(f"{source} ({count} paper{'s' * (count != 1)})")
        lines.append(paper_line(paper, width))
    return lines


def paper_line(paper: Paper, width: int) -> str:
    """One paper, aligned: key (padded to `width`), year, first author, title."""
    who = paper.authors[0].family + (" et al." if len(paper.authors) > 1 else "") if paper.authors else ""
    return f"  {paper.key:<{width}}  {paper.year or '    '}  {clean(who, 24):<24}  {paper.title}"


# --- Adding ---------------------------------------------------------------------------

class _Shelf:
    """Papers in order, with lookups by DOI and by title so a long list is searched quickly."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.papers: list[Paper] = []
        self._by_doi: dict[str, list[int]] = {}
        self._by_title: dict[str, list[int]] = {}
        for paper in papers:
            self.append(paper)

    def _index(self, index: int, paper: Paper) -> None:
        if paper.doi and index not in self._by_doi.get(paper.doi, []):
            self._by_doi.setdefault(paper.doi, []).append(index)
        if index not in self._by_title.get(title_key(paper.title), []):
            self._by_title.setdefault(title_key(paper.title), []).append(index)

    def append(self, paper: Paper) -> None:
        self.papers.append(paper)
        self._index(len(self.papers) - 1, paper)

    def replace(self, index: int, paper: Paper) -> None:
        self.papers[index] = paper
        self._index(index, paper)  # a merge may have filled in its DOI

    def find(self, paper: Paper) -> tuple[int, str] | None:
        """The first paper that is the same as `paper` (see `same_paper`), and why."""
        candidates = set(self._by_doi.get(paper.doi, [])) | set(self._by_title.get(title_key(paper.title), []))
        for index in sorted(candidates):
            reason = same_paper(self.papers[index], paper)
            if reason:
                return index, reason
        return None


def _offer(paper: Paper, shelf: _Shelf, others: _Shelf, used: set[str]) -> Outcome:
    """Merge `paper` into the reading list on `shelf` or add it to it; say what happened."""
    offered = f"'{paper.key}' from {paper.source}"
    found = shelf.find(paper)
    if found:
        index, reason = found
        kept = shelf.papers[index]
        merged, filled, conflicts = merge_papers(kept, paper)
        shelf.replace(index, merged)
        if filled:
            return Outcome("merged", offered, kept.key, reason, filled, conflicts)
        return Outcome("skipped", offered, kept.key, f"already in the reading list as '{kept.key}' ({reason})",
                       conflicts=conflicts)
    found = others.find(paper)
    if found:
        kept, reason = others.papers[found[0]], found[1]
        return Outcome("skipped", offered, kept.key, f"already in {kept.source} as '{kept.key}' ({reason})")
    key = unique_key(paper.key, used)
    used.add(key)
    shelf.append(dataclasses.replace(paper, key=key))
    taken = f" (as '{key}': its key was taken)" if key != paper.key else ""
    return Outcome("added", offered, key, f"{clean(paper.title, _SHOWN)}{taken}")


def add_papers(show_root: Path, files: Sequence[Path], format: str | None = None,
               strict: bool = False, waiting: Callable[[], None] | None = None) -> AddReport:
    """Read paper files in any format and merge their papers into the show's reading list.

    Raises SourceError when the reading list itself cannot be read, or, with `strict`, when any
    file or entry cannot be read; then nothing is written. `format` (one of sources.FORMATS)
    applies to every file; by default each file's format is detected from its content.
    `waiting` is called once when a build holds the show and `add` must wait for it.
    """
    check_show(show_root)
    with exclusive(lock_path(show_root), waiting):  # a build or another `add` reads or writes the list
        return _add_papers(show_root, files, format, strict)


def _add_papers(show_root: Path, files: Sequence[Path], format: str | None, strict: bool) -> AddReport:
    """add_papers, holding the show's lock."""
    store = store_path(show_root)
    current = _read_store(store)
    notes: list[str] = []
    others: list[Paper] = []
    for path in other_paper_files(show_root, store):
        try:
            others.extend(read_source(path).papers)
        except SourceError as exc:
            notes.append(f"{exc}; its papers were not checked for duplicates")
    reads: list[tuple[Path, SourceRead | None, tuple[SourceError, ...]]] = []  # in the order given
    for path in map(Path, files):
        try:
            result = read_source(path, format)
            reads.append((path, result, result.problems))
        except SourceError as exc:
            reads.append((path, None, (exc,)))
    problems = [problem for _, _, failed in reads for problem in failed]
    if strict and problems:
        more = f" (and {len(problems) - 1} more problem{'s' * (len(problems) > 2)})" if len(problems) > 1 else ""
        raise SourceError(f"{problems[0]}{more}; nothing was added (strict)")
    shelf, other_shelf = _Shelf(current), _Shelf(others)
    used = {p.key for p in current} | {p.key for p in others}
    outcomes: list[Outcome] = []
    found: list[str] = []
    for path, read, failed in reads:
        if read is not None:
            notes.extend(read.notes + read.gaps)
            found.extend(read.found)
            outcomes.extend(_offer(paper, shelf, other_shelf, used) for paper in read.papers)
        outcomes.extend(Outcome("skipped", str(path), "", str(exc), error=True) for exc in failed)
    changed = [dataclasses.replace(p, source="") for p in shelf.papers] != [
        dataclasses.replace(p, source="") for p in current]
    written = changed and write_if_changed(store, dump_papers(shelf.papers), SourceError)
    return AddReport(store, tuple(outcomes), tuple(notes), written, tuple(found))
