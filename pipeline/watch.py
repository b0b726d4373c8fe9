"""`papercast watch`: the show follows its reading list; every real change runs the same build.

What is watched: papercast.toml and pronunciations, episodes/, papers/, templates/ and any
reading list named in `[papers] reading_list`, even outside the show (a Zotero Better BibTeX
auto-export). Folders are watched rather than files, because editors and exporters replace a
file by renaming a new one over it, which a watch on the old file never sees.

A burst of writes is one change: watchfiles groups events until the files have been quiet for
a moment. A rebuild then happens only if the content of a watched file really differs from
what the last build saw (by hash), so the files a build writes itself (new episodes, the
reading list) and an editor's save without changes never cause another build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .build import build_show
from .config import CONFIG_NAME, load_show
from .errors import PapercastError
from .report import Progress, Report
from .sources.registry import PAPER_SUFFIXES
from .speech.pronounce import PRONUNCIATION_FILES

_TEMPLATE_SUFFIXES = (".j2",)


@dataclass(frozen=True)
class Rebuild:
    """One build run by the watcher: what changed, and the build's report or why it failed."""

    when: dt.datetime
    changed: tuple[str, ...]
    report: Report | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.report is not None and self.report.exit_code == 0

    def line(self) -> str:
        """The one line printed for this rebuild."""
        cause = _cause(self.changed)
        head = f"{self.when:%H:%M:%S} {cause}"
        if self.report is None:
            return f"{head}: build failed: {_one_line(self.error)}"
        report = self.report
        parts = [report.summary()]
        parts += [f"new episode {name}" for name in report.created]
        if report.failed:
            name, reason = report.failed[0]
            more = f" (and {len(report.failed) - 1} more)" if len(report.failed) > 1 else ""
            parts.append(f"failed: {name}: {_one_line(reason)}{more}")
        errors = [p for p in report.problems if p.severity == "error"]
        if errors:
            parts.append(f"feed check: {_one_line(str(errors[0]))}")
        return f"{head}: " + "; ".join(parts)


def _cause(changed: tuple[str, ...]) -> str:
    if not changed:
        return "build"
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    return f"{shown} changed"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Watched:
    """The folders to watch and the extra files outside them that count (external reading lists)."""

    root: Path
    folders: tuple[Path, ...]
    files: frozenset[Path]

    def relevant(self, path: Path) -> bool:
        """Whether a change to `path` can change what the build makes."""
        if path in self.files:
            return True
        try:
            parts = path.relative_to(self.root).parts
        except ValueError:
            return False
        if len(parts) == 1:
            return parts[0] in (CONFIG_NAME, *PRONUNCIATION_FILES)
        if parts[0] == "episodes":
            return len(parts) == 2 and path.suffix == ".toml"
        if parts[0] == "papers":
            return len(parts) == 2 and path.suffix.lower() in PAPER_SUFFIXES
        return parts[0] == "templates" and path.suffix in _TEMPLATE_SUFFIXES

    def snapshot(self) -> dict[Path, str]:
        """A hash of every relevant file's content, so unchanged saves and the build's own writes count for nothing."""
        digests = {}
        for folder in self.folders:
            for path in (p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else ():
                if self.relevant(path):
                    try:
                        digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
                    except OSError:  # removed or replaced while we looked: the next event covers it
                        continue
        return digests


def watched(root: Path, previous: Watched | None = None) -> Watched:
    """What to watch for the show in `root`; with broken settings, the files watched before."""
    root = Path(root).resolve()
    folders = [root, root / "episodes", root / "papers"]
    templates = root / "templates"
    if templates.is_dir():
        folders += [templates, *(p for p in sorted(templates.rglob("*")) if p.is_dir())]
    files: set[Path] = set()
    try:
        show = load_show(root)
    except PapercastError:
        # The build says what is wrong. Keep watching what was watched (a reading list that is
        # missing for a moment, a half-saved papercast.toml) so the fix is seen.
        show = None
        files.update(previous.files if previous is not None else ())
    if show is not None:
        files.update(show.papers.reading_list or ())
        if show.cover is not None:
            files.add(show.cover.resolve())
    folders += [path.parent for path in sorted(files)]
    return Watched(root, tuple(dict.fromkeys(f for f in folders if f.is_dir())), frozenset(files))


def rebuild(root: Path, changed: tuple[str, ...], jobs: int | None = None,
            progress: Progress | None = None) -> Rebuild:
    """Run the build once, turning any failure into a Rebuild that says why (the watcher goes on)."""
    when = dt.datetime.now()
    try:
        return Rebuild(when, changed, build_show(root, jobs=jobs, progress=progress))
    except PapercastError as exc:
        return Rebuild(when, changed, None, str(exc))
    except Exception as exc:  # noqa: BLE001 - a long-running watcher reports a bug and keeps going
        return Rebuild(when, changed, None, f"{type(exc).__name__}: {exc}")


def _names(root: Path, paths: set[Path]) -> tuple[str, ...]:
    return tuple(sorted(str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in paths))


def _seen_after(before: dict[Path, str], result: Rebuild, old: Watched, new: Watched) -> dict[Path, str]:
    """What the build saw: the snapshot before it, plus the episode files it wrote itself (the only
    watched files a build writes) and files watched only from now on. An edit made while it ran
    still differs, and triggers the next build."""
    created = {new.root / "episodes" / f"{name}.toml" for name in (result.report.created if result.report else ())}
    after = new.snapshot()
    return {**before, **{path: digest for path, digest in after.items()
                         if path in created or not old.relevant(path)}}


def _filter(target: Watched) -> Callable[[Any, str], bool]:
    return lambda _change, path: target.relevant(Path(path))


def watch_show(root: str | Path, on_rebuild: Callable[[Rebuild], None], *, jobs: int | None = None,
               stop_event: Any = None, quiet_ms: int = 400, initial_build: bool = True) -> None:
    """Build the show, then rebuild it whenever a watched file's content changes, until `stop_event` or Ctrl-C.

    `quiet_ms`: how long the files must be quiet before a burst of writes counts as one change.
    """
    import watchfiles

    root = Path(root).resolve()
    if not (root / CONFIG_NAME).is_file():
        raise PapercastError(f"{root}: not a show folder (it has no {CONFIG_NAME}); start one with `papercast init`")
    target = watched(root)
    seen = target.snapshot()
    if initial_build:
        result = rebuild(root, (), jobs)
        on_rebuild(result)
        latest = watched(root, target)
        seen, target = _seen_after(seen, result, target, latest), latest
    while not (stop_event is not None and stop_event.is_set()):
        restart, checked = False, False
        # The first timeout comes once the watch is in place: one look then catches a write made
        # between the last snapshot and that moment, which no event will ever report.
        for changes in watchfiles.watch(*target.folders, watch_filter=_filter(target),
                                        step=quiet_ms, debounce=max(10 * quiet_ms, 5000), stop_event=stop_event,
                                        recursive=False, raise_interrupt=True, yield_on_timeout=True,
                                        rust_timeout=500):
            if not changes and checked:
                continue
            checked = True
            now = target.snapshot()
            differ = {p for p in seen.keys() | now.keys() if seen.get(p) != now.get(p)}
            if not differ:
                continue
            result = rebuild(root, _names(root, differ), jobs)
            on_rebuild(result)
            latest = watched(root, target)  # the settings may name other reading lists now
            seen = _seen_after(now, result, target, latest)
            if latest != target:
                target, restart = latest, True
                break
        if not restart:
            return
