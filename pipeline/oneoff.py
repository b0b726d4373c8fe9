"""One-off episodes: an MP3 (or just its script) from paper files, outside any show's feed."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .audio.episode import EncodedEpisode
from .build import episode_job
from .config import (
    CONFIG_NAME,
    EpisodeDef,
    Host,
    ShowConfig,
    show_settings,
)
from .errors import SynthesisError
from .fsutil import atomic_write
from .model import Script
from .plan import EpisodePlan, plan_episode
from .report import Progress, Report
from .schedule import render_episodes
from .sources.registry import load_papers
from .speech.cache import TurnCache
from .speech.casting import resolve_hosts
from .speech.pronounce import pronunciation_table

# --- one-off episodes ----------------------------------------------------------------------

@dataclass(frozen=True)
class OneOff:
    """What a one-off episode is made from: paper files and how to write about them."""

    sources: tuple[Path, ...]
    title: str | None = None
    entries: tuple[str, ...] | None = None
    format: str | None = None
    minutes: float | None = None
    strict: bool = True  # False: entries that cannot be read are skipped (`papercast script` and `episode`)


def _one_off_plan(request: OneOff, show: ShowConfig, hosts: tuple[Host, Host], cache: TurnCache) -> EpisodePlan:
    sources = tuple(Path(s).resolve() for s in request.sources)
    papers = load_papers(sources, request.entries, strict=request.strict)
    title = request.title or (papers[0].title if len(papers) == 1 else f"{len(papers)} papers")
    definition = EpisodeDef(id="episode", path=sources[0], title=title, description="", sources=sources,
                            entries=request.entries, date=None, format=request.format, minutes=request.minutes)
    return plan_episode(show, definition, hosts, None, None, pronunciation_table(show), cache, papers=papers)


@contextmanager
def _one_off_cache(show: ShowConfig) -> Iterator[TurnCache]:
    """The show's turn cache inside a show; elsewhere one that lasts as long as the command."""
    if (show.root / CONFIG_NAME).is_file():
        yield TurnCache(show.state_dir / "cache" / "turns")
    else:
        with tempfile.TemporaryDirectory(prefix="papercast-") as scratch:
            yield TurnCache(Path(scratch))


def _hosts_origin(show: ShowConfig) -> str:
    """Where the hosts of a one-off come from, for an error about their voices."""
    config = show.root / CONFIG_NAME
    return str(config) if config.is_file() else "papercast's default hosts"


def one_off_script(request: OneOff, show_root: Path | None = None) -> Script:
    """The dialogue an episode of these papers would have (hosts from the show in `show_root`, if any)."""
    return one_off_draft(request, show_root)[0]


def one_off_draft(request: OneOff, show_root: Path | None = None) -> tuple[Script, str]:
    """The dialogue, and the build's note when the asked length can't be met with content ("" otherwise)."""
    show = show_settings(show_root or Path.cwd())
    hosts = resolve_hosts(show.hosts, _hosts_origin(show))
    with _one_off_cache(show) as cache:
        plan = _one_off_plan(request, show, hosts, cache)
        return plan.script, plan.length_note


def make_episode(request: OneOff, output: Path, show_root: Path | None = None,
                 jobs: int | None = None, progress: Progress | None = None) -> Report:
    """A one-off episode from paper files, written to `output` (hosts and voices from the show, if any)."""
    started = time.monotonic()
    progress = progress or Progress()
    show = show_settings(show_root or Path.cwd())
    hosts = resolve_hosts(show.hosts, _hosts_origin(show))
    report = Report()
    with _one_off_cache(show) as cache:
        plan = _one_off_plan(request, show, hosts, cache)

        def finish(plan: EpisodePlan, result: EncodedEpisode) -> None:
            atomic_write(output.resolve(), result.data)  # one file: chapters inside, no sidecars

        failed = render_episodes([plan], hosts, cache, lambda plan: episode_job(plan, show.audio, cache), finish,
                                 report, progress, jobs, rate=show.audio.sample_rate)
        if failed:
            raise SynthesisError(failed[plan.definition.id])
    report.built.append(str(output))
    report.seconds = time.monotonic() - started
    return report
