"""What `papercast check` finds and collects: Problem, the running Checker, and its shared helpers.

The Checker holds one check's state (where feed/ is, the base URL, what has been found and
which files were already judged); the rules themselves are in check_channel.py and
check_items.py, and check.py runs them over a feed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from .sidecars.read import Issue
from .spec import Severity, url_problem

REBUILD = "rebuild with `papercast build` (the feed must be written from the files as they are)"
TOLERANCE = 1.0  # seconds: itunes:duration is whole seconds, MP3 lengths are estimates
_MAX_PER_FILE = 8  # a file broken throughout would otherwise bury everything else


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the feed: how bad, where, what, and what to do about it."""

    severity: Severity
    where: str
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.what}\n    fix: {self.fix}"


def summary(problems: list[Problem]) -> str:
    """'no problems', or how many errors and warnings there are."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "feed check: no problems"
    parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((errors, "error"), (warnings, "warning")) if n]
    return "feed check: " + " and ".join(parts)


def has_errors(problems: list[Problem]) -> bool:
    """Whether any problem is an error (the CLI then exits non-zero)."""
    return any(p.severity == "error" for p in problems)


def text_of(parent: etree._Element, tag: str) -> str | None:
    """The stripped text of `parent`'s first `tag` child; None when there is no such child."""
    element = parent.find(tag)
    return None if element is None else (element.text or "").strip()


@dataclass
class Checker:
    """The state of one check: where files are, the base URL, and what has been found."""

    feed_dir: Path
    base_url: str | None
    problems: list[Problem] = field(default_factory=list)
    validated: set[Path] = field(default_factory=set)
    private: list[Path] = field(default_factory=list)
    audio: list[Path] = field(default_factory=list)  # the enclosures found, for the advice on encoding

    def error(self, where: str, what: str, fix: str) -> None:
        self.problems.append(Problem("error", where, what, fix))

    def warning(self, where: str, what: str, fix: str) -> None:
        self.problems.append(Problem("warning", where, what, fix))

    def rel(self, path: Path) -> str:
        return path.relative_to(self.feed_dir).as_posix()

    def url(self, url: str | None, where: str, what: str, *, local: bool = True,
            missing: Severity = "error") -> Path | None:
        """Check one URL of the feed; for files the feed hosts, the local file it names."""
        if url is None:
            return None
        problem = url_problem(url)
        if problem:
            self.error(where, f"{what} {url!r} {problem}",
                       "percent-encode the URL or use plain ASCII file names; set show.base_url to an http(s) address")
            return None
        if not local or self.base_url is None:
            return None
        if not url.startswith(self.base_url):
            self.error(where, f"{what} {url} is not under the feed's base URL {self.base_url}",
                       "set show.base_url in papercast.toml to where feed/ is served, then rebuild")
            return None
        parts = [unquote(segment) for segment in urlsplit(url[len(self.base_url):]).path.split("/") if segment]
        if any(part.startswith(".") or "\\" in part for part in parts):
            self.error(where, f"{what} {url} names a hidden file, which `papercast serve` refuses",
                       "publish files under names that do not start with a dot")
            return None
        return self._local_file(url, parts, where, what, missing)

    def _local_file(self, url: str, parts: list[str], where: str, what: str, missing: Severity) -> Path | None:
        """The file in feed/ that a URL under the base URL names, if it is there and inside feed/."""
        target = self.feed_dir.joinpath(*parts)
        if target.is_dir():
            target = target / "index.html"
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError):
            real = None
        if real is None or not real.is_file():
            report = self.error if missing == "error" else self.warning
            report(where, f"{what} {url} names feed/{'/'.join(parts) or 'index.html'}, which does not exist",
                   REBUILD if missing == "error" else "write the show page (build writes feed/index.html)")
            return None
        if not real.is_relative_to(self.feed_dir):
            self.error(where, f"{what} {url} is a link to a file outside feed/, which the server refuses",
                       "copy the file into feed/ instead of linking to it")
            return None
        self.note_mode(target)
        return target

    def note_mode(self, path: Path) -> None:
        """Remember a published file only its owner may read (reported once, at the end)."""
        if os.name == "posix" and not path.stat().st_mode & 0o004 and path not in self.private:
            self.private.append(path)

    def file_issues(self, path: Path, issues: list[Issue], fix: str) -> None:
        """Report a file's own issues, at most _MAX_PER_FILE of them and a count of the rest."""
        for issue in issues[:_MAX_PER_FILE]:
            where = self.rel(path) + (f" line {issue.line}" if issue.line else "")
            self.problems.append(Problem(issue.severity, where, issue.what, fix))
        if len(issues) > _MAX_PER_FILE:
            worst: Severity = "error" if any(i.severity == "error" for i in issues[_MAX_PER_FILE:]) else "warning"
            self.problems.append(Problem(worst, self.rel(path), f"and {len(issues) - _MAX_PER_FILE} more problems",
                                         fix))
