"""`papercast papers`: each of the show's paper files as `papercast add` would read it, said in `add`'s words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import load_show
from ..errors import PapercastError, SourceError
from .gaps import fields_found
from .readinglist import check_show, other_paper_files, paper_line, store_path
from .registry import NoPapersError, SourceRead, read_source


@dataclass(frozen=True)
class Listing:
    """The show's paper files, each read leniently (its good entries kept, each bad one a problem)."""

    reads: tuple[SourceRead, ...]
    unreadable: tuple[SourceError, ...]  # files that could not be read at all

    @property
    def exit_code(self) -> int:
        """1 when a file or an entry could not be read (the rest is still listed), else 0."""
        return 1 if self.unreadable or any(read.problems for read in self.reads) else 0

    def lines(self) -> list[tuple[str, str]]:
        """(kind, text) per line; kind is "file", "paper", "found", "note" or "skipped" (an error).

        Per file: its name, the format recognised and how many papers; each paper, then the
        fields found and those it lacks; then `add`'s notes on the file (papers without a year,
        DOI or finding, text left out, the encoding) and the entries skipped.
        """
        width = max((len(p.key) for read in self.reads for p in read.papers), default=0)
        lines: list[tuple[str, str]] = []
        for read in self.reads:
            count = len(read.papers)
            lines.append(("file", f"{read.path} ({read.format}, {count} paper{'s' * (count != 1)})"))
            for paper in read.papers:
                lines += [("paper", paper_line(paper, width)), ("found", f"      {fields_found(paper)}")]
            lines += [("note", f"note: {note}") for note in (*read.notes, *read.gaps)]
            lines += [("skipped", f"skipped: {problem}") for problem in read.problems]
        return lines + [("skipped", f"skipped: {error}") for error in self.unreadable]


def paper_listing(show_root: Path) -> Listing:
    """The reading list, the other paper files in papers/ by name, then the reading lists the show's
    settings name elsewhere (`[papers] reading_list`), each read as `add` reads a file.

    A file that cannot be read at all is listed as skipped, and the others are still read.
    """
    check_show(show_root)
    root = Path(show_root).resolve()
    store = store_path(root)
    reads: list[SourceRead] = []
    unreadable: list[SourceError] = []
    files = ([store] if store.exists() else []) + other_paper_files(root, store)
    for path in [*files, *(path for path in _named_in_settings(root) if path not in files)]:
        try:
            reads.append(read_source(path))
        except NoPapersError as exc:
            if path != store:  # an emptied reading list is a valid, empty one
                unreadable.append(exc)
        except SourceError as exc:
            unreadable.append(exc)
    return Listing(tuple(reads), tuple(unreadable))


def _named_in_settings(root: Path) -> list[Path]:
    """The reading lists `[papers] reading_list` names (a Zotero auto-export elsewhere), which builds read too."""
    try:
        return list(load_show(root).papers.reading_list or ())
    except PapercastError:  # `papercast build` says what is wrong with the settings; the papers are still listed
        return []
