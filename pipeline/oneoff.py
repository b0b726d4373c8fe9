"""One-off episodes: an MP3 (or just its script) from paper files, outside any show's feed."""

from __future__ import annotations

import dataclasses
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
    load_episode,
    load_show,
    show_settings,
)
from .errors import SourceError, SynthesisError
from .fsutil import atomic_write
from .model import Script
from .plan import EpisodePlan, plan_episode
from .report import Progress, Report
from .schedule import render_episodes
from .sources.registry import load_papers, reading_list
from .speech.cache import TurnCache
from .speech.casting import resolve_hosts
from .speech.pronounce import pronunciation_table

# --- one-off episodes ----------------------------------------------------------------------

ONE_OFF_NAME = "papercast"  # what the hosts call the show when the papers are no show's


@dataclass(frozen=True)
class OneOff:
    """What a one-off episode is made from: paper files (or one episode file of a show) and how to write about them."""

    sources: tuple[Path, ...]
    title: str | None = None
    entries: tuple[str, ...] | None = None
    format: str | None = None
    minutes: float | None = None
    strict: bool = True  # False: entries that cannot be read are skipped (`papercast script` and `episode`)
    name: str | None = None  # the show's name as the hosts say it (default: the show's title, else "papercast")


def one_off_source(request: OneOff, show_root: Path | None = None) -> tuple[OneOff, Path | None]:
    """The request with an episode file's papers filled in, and the show whose settings apply (None: no show's).

    A show's settings apply only when the papers are given through that show: `show_root`
    (`--show DIR`); else the show an episode file belongs to (its papers, entries, title, format
    and length fill what the request leaves out); else the show in the current folder when every
    source is one of its paper files (papers/ or its `[papers] reading_list`). Any other reading
    list gets papercast's neutral defaults, so it is never welcomed to the show of the folder it
    happens to be run in. Asking again with the answer gives the same answer.
    """
    episode = _episode_file(request.sources, show_root)
    if episode is not None:
        show_root, definition = episode
        request = dataclasses.replace(
            request, sources=definition.sources, entries=request.entries or definition.entries,
            title=request.title or definition.title, format=request.format or definition.format,
            minutes=request.minutes or definition.minutes)
    if show_root is None and _the_shows_papers(Path.cwd(), request.sources):
        show_root = Path.cwd()
    return request, show_root


@contextmanager
def _settings(request: OneOff, show_root: Path | None) -> Iterator[tuple[ShowConfig, TurnCache, str]]:
    """The show settings, the turn cache and where the hosts come from (for an error about their voices).

    A show's own cache; otherwise papercast's defaults in a scratch folder (no templates,
    vocabulary or pronunciations of any folder) that lasts as long as the command.
    """
    if show_root is not None:
        show = load_show(show_root)
        yield (dataclasses.replace(show, title=request.name or show.title),
               TurnCache(show.state_dir / "cache" / "turns"), str(show.root / CONFIG_NAME))
        return
    with tempfile.TemporaryDirectory(prefix="papercast-") as scratch:
        show = dataclasses.replace(show_settings(scratch), title=request.name or ONE_OFF_NAME)
        yield show, TurnCache(Path(scratch) / "cache"), "papercast's default hosts"


def _episode_file(sources: tuple[Path, ...], show_root: Path | None) -> tuple[Path, EpisodeDef] | None:
    """The show folder and definition when the one source is an episode file (episodes/NAME.toml) of a show."""
    toml = [Path(source) for source in sources if Path(source).suffix.lower() == ".toml"]
    if not toml:
        return None
    path = toml[0].resolve()
    root = Path(show_root).resolve() if show_root is not None else path.parent.parent
    if len(sources) > 1 or path.parent != root / "episodes" or not (root / CONFIG_NAME).is_file():
        raise SourceError(f"{toml[0]}: an episode file is given alone, from a show's episodes/ folder "
                          "(paper files are BibTeX, RIS, CSL-JSON, YAML, MEDLINE, EndNote XML or text)")
    return root, load_episode(path, root)


def _the_shows_papers(folder: Path, sources: tuple[Path, ...]) -> bool:
    """Whether `folder` is a show and every source is one of its paper files."""
    folder = folder.resolve()
    # Settings are read only for files inside the folder: a broken show never stops an unrelated list.
    if not (folder / CONFIG_NAME).is_file() or not all(Path(s).resolve().is_relative_to(folder) for s in sources):
        return False
    show = load_show(folder)
    own = {path.resolve() for path in reading_list(show.root, show.papers.reading_list)}
    own |= {path.resolve() for path in reading_list(show.root, None)}  # papers/ holds the show's files either way
    return all(Path(source).resolve() in own for source in sources)


def _one_off_plan(request: OneOff, show: ShowConfig, hosts: tuple[Host, Host], cache: TurnCache) -> EpisodePlan:
    sources = tuple(Path(s).resolve() for s in request.sources)
    papers = load_papers(sources, request.entries, strict=request.strict)
    title = request.title or (papers[0].title if len(papers) == 1 else f"{len(papers)} papers")
    definition = EpisodeDef(id="episode", path=sources[0], title=title, description="", sources=sources,
                            entries=request.entries, date=None, format=request.format, minutes=request.minutes)
    return plan_episode(show, definition, hosts, None, None, pronunciation_table(show), cache, papers=papers)


def one_off_script(request: OneOff, show_root: Path | None = None) -> Script:
    """The dialogue an episode of these papers would have (whose settings: see `one_off_source`)."""
    return one_off_draft(request, show_root)[0]


def one_off_draft(request: OneOff, show_root: Path | None = None) -> tuple[Script, str]:
    """The dialogue, and the build's note when the asked length can't be met with content ("" otherwise)."""
    request, show_root = one_off_source(request, show_root)
    with _settings(request, show_root) as (show, cache, origin):
        plan = _one_off_plan(request, show, resolve_hosts(show.hosts, origin), cache)
        return plan.script, plan.length_note


def make_episode(request: OneOff, output: Path, show_root: Path | None = None,
                 jobs: int | None = None, progress: Progress | None = None) -> Report:
    """A one-off episode from paper files, written to `output` (whose settings: see `one_off_source`)."""
    started = time.monotonic()
    progress = progress or Progress()
    request, show_root = one_off_source(request, show_root)
    report = Report()
    with _settings(request, show_root) as (show, cache, origin):
        hosts = resolve_hosts(show.hosts, origin)
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
