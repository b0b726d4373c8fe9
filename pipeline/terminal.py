"""What a person at a terminal sees of a command: live progress, notes and the final report.

In a pipe it stays quiet and parseable: notes and the report only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from .report import Progress, Report
from .sources.listing import Listing
from .sources.registry import source_problems, text_notes


class TerminalProgress(Progress):
    """A one-line progress display on stderr (turns, episodes, time left); lines for notes.

    With `live` off (output is not a terminal) only notes and, when verbose, episode
    outcomes are printed, one per line, so logs stay parseable.
    """

    def __init__(self, live: bool, verbose: bool) -> None:
        self.live, self.verbose = live, verbose
        self.turns = self.episodes = self.turns_done = self.episodes_done = 0
        self.started = time.monotonic()

    def _status(self) -> None:
        if not self.live:
            return
        elapsed = time.monotonic() - self.started
        left = ""
        if 0 < self.turns_done < self.turns:
            left = f", about {elapsed / self.turns_done * (self.turns - self.turns_done):.0f} s left"
        click.echo(f"\r\033[Kturns {self.turns_done}/{self.turns}, episodes "
                   f"{self.episodes_done}/{self.episodes}{left}", nl=False, err=True)

    def _line(self, text: str) -> None:
        if self.live:
            click.echo("\r\033[K", nl=False, err=True)
        click.echo(text, err=True)
        self._status()

    def begin(self, turns: int, episodes: int) -> None:
        self.turns, self.episodes, self.started = turns, episodes, time.monotonic()
        self._status()

    def turn_done(self) -> None:
        self.turns_done += 1
        self._status()

    def episode_done(self, episode_id: str, outcome: str) -> None:
        if outcome != "unchanged":
            self.episodes_done += 1
        if self.verbose:
            self._line(f"{episode_id}: {outcome}")
        else:
            self._status()

    def note(self, message: str) -> None:
        self._line(message)

    def close(self) -> None:
        if self.live:
            click.echo("\r\033[K", nl=False, err=True)


def progress_for(quiet: bool, verbose: bool) -> TerminalProgress:
    live = not quiet and sys.stderr.isatty()
    return TerminalProgress(live=live, verbose=verbose and not quiet)


def finish(report: Report, progress: TerminalProgress, quiet: bool) -> None:
    progress.close()
    for name, reason in report.failed:
        click.echo(f"error: {name}: {reason}", err=True)
    for problem in report.problems:
        if problem.severity == "error" or not quiet:
            click.echo(str(problem), err=True)
    if not quiet:
        click.echo(report.summary())
    if report.exit_code:
        sys.exit(report.exit_code)


def report_skipped(sources: tuple[Path, ...], strict: bool) -> None:
    """Say on stderr which entries are skipped, and for free text what was read only partly or
    left out; with --strict the first skipped entry stops the command."""
    if not strict:
        for problem in source_problems(sources):
            click.echo(f"skipped: {problem}", err=True)
    for note in text_notes(sources):
        click.echo(f"note: {note}", err=True)


# At a terminal what to look at first stands out; click leaves the styles out in a pipe.
_LISTING_STYLE: dict[str, dict[str, Any]] = {"file": {"bold": True}, "found": {"dim": True}, "skipped": {"fg": "red"}}


def show_listing(listing: Listing) -> int:
    """Print `papercast papers`: the files and papers on stdout, what could not be read on stderr; the exit status."""
    lines = listing.lines()
    for kind, text in lines:
        click.echo(click.style(text, **_LISTING_STYLE.get(kind, {})), err=kind == "skipped")
    papers, files = sum(len(read.papers) for read in listing.reads), len(listing.reads)
    click.echo(f"{papers} paper{'s' * (papers != 1)} in {files} file{'s' * (files != 1)}"
               + (f", {len(listing.unreadable)} unreadable" if listing.unreadable else "")
               if lines else "no papers yet (add some with: papercast add FILE...)")
    return listing.exit_code
