"""The build, top to bottom: read papers, write scripts, speak turns, assemble episodes, publish.

Like a static site generator it first gathers everything (every episode's papers and
script, and which turns are not yet spoken), then does the expensive work once: each
missing turn is synthesised by a pool of worker processes into a content-addressed cache,
and each episode whose content changed is assembled and encoded. An episode whose file is
up to date costs nothing, and one that fails does not stop the others.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .audio import Segment, Tags, Timeline, assemble, encode_mp3, mp3_duration
from .cache import TurnCache, turn_key
from .check import Problem, check_feed, has_errors
from .config import (CONFIG_NAME, AudioSettings, EpisodeDef, Host, ShowConfig, episode_paths, load_episode, load_show,
                     show_settings)
from .errors import PapercastError, SynthesisError
from .feed import FeedEpisode, write_cover, write_feed
from .fsutil import atomic_write, write_if_changed
from .model import Paper, Script
from .page import write_page
from .records import load_records, save_records
from .script import EpisodeInfo, template_environment, write_script
from .sources import load_papers, read_papers
from .speech import get_engine
from .spoken import SpokenForm, load_pronunciations
from .workers import TurnJob, default_jobs, make_executor, synthesize_turn

PRONUNCIATION_FILES = ("pronunciations.toml", "pronunciations.yaml", "pronunciations.yml")
EPISODE_AUDIO_DIR = "episodes"


class Progress:
    """What a build tells the person waiting; these no-ops suit a library call or a pipe."""

    def begin(self, turns: int, episodes: int) -> None:
        """Work is about to start: this many turns to synthesise and episodes to encode."""

    def turn_done(self) -> None:
        """One more turn is synthesised."""

    def episode_done(self, episode_id: str, outcome: str) -> None:
        """An episode is finished: "built", "unchanged" or "failed"."""

    def note(self, message: str) -> None:
        """Something worth a line of its own (a new episode, a fallback voice)."""


@dataclass
class Report:
    """What a build did: episodes built, reused and failed; turns spoken and taken from the cache."""

    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    turns_synthesized: int = 0
    turns_cached: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or has_errors(self.problems) else 0

    def summary(self) -> str:
        """One line for the end of a build."""
        return (
            f"{len(self.built)} built, {len(self.reused)} unchanged, {len(self.failed)} failed; "
            f"{self.turns_synthesized} turns synthesised, {self.turns_cached} from cache; "
            f"{self.seconds:.1f} s"
        )


# --- context: what each episode will be -----------------------------------------------------

@dataclass(frozen=True)
class EpisodePlan:
    """One episode, fully described before any audio is made."""

    definition: EpisodeDef
    papers: tuple[Paper, ...]
    script: Script
    keys: tuple[str, ...]
    tags: Tags
    published: dt.datetime
    stem: str

    @property
    def audio(self) -> str:
        return f"{EPISODE_AUDIO_DIR}/{self.stem}.mp3"

    @property
    def transcript(self) -> str:
        return f"{EPISODE_AUDIO_DIR}/{self.stem}.txt"


def resolve_hosts(hosts: tuple[Host, Host]) -> tuple[Host, Host]:
    """Fill in each host's voice from its engine's defaults when the show leaves it empty."""
    return tuple(  # type: ignore[return-value]
        dataclasses.replace(host, voice=host.voice or get_engine(host.engine).default_voices()[index])
        for index, host in enumerate(hosts)
    )


def pronunciation_table(show: ShowConfig) -> dict[str, str]:
    """The show's word -> spoken form overrides, if it has a pronunciation file."""
    for name in PRONUNCIATION_FILES:
        path = show.root / name
        if path.is_file():
            return load_pronunciations(path)
    return {}


def episode_script(show: ShowConfig, definition: EpisodeDef, papers: Sequence[Paper],
                   pronunciations: dict[str, str]) -> Script:
    """The dialogue for one episode of the show."""
    info = EpisodeInfo(id=definition.id, title=definition.title, description=definition.description)
    env = template_environment(show.templates_dir)
    names = (show.hosts[0].name, show.hosts[1].name)
    return write_script(show.title, names, info, papers, env, SpokenForm(pronunciations))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def plan_episode(show: ShowConfig, definition: EpisodeDef, hosts: tuple[Host, Host], cover: Path | None,
                 previous: FeedEpisode | None, pronunciations: dict[str, str]) -> EpisodePlan:
    """Read an episode's papers and write its script; name its file by a hash of its content."""
    papers = load_papers(definition.sources, definition.entries)
    script = episode_script(show, definition, papers, pronunciations)
    keys = tuple(turn_key(turn.spoken, hosts[turn.host]) for turn in script.turns)
    published = (
        dt.datetime.combine(definition.date, dt.time(6, 0), dt.timezone.utc) if definition.date
        else previous.published if previous else _now()
    )
    tags = Tags(title=definition.title, artist=show.author, album=show.title,
                year=str(published.year), comment=definition.description, cover=cover)
    fingerprint = {
        "turns": [[turn.section, key] for turn, key in zip(script.turns, keys)],
        "audio": dataclasses.asdict(show.audio),
        "tags": [tags.title, tags.artist, tags.album, tags.year, tags.comment],
        "cover": hashlib.sha256(cover.read_bytes()).hexdigest() if cover else "",
        "papercast": __version__,
    }
    digest = hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()
    # The hash is in the file name: changed audio gets a new URL, so apps fetch it again.
    return EpisodePlan(definition=definition, papers=tuple(papers), script=script, keys=keys,
                       tags=tags, published=published, stem=f"{definition.id}-{digest[:10]}")


# --- new papers: episodes for what no episode covers yet ------------------------------------

_STOPWORDS = frozenset("""a an and are as at be between by for from in into is its of on or the their
this to via with without study review analysis role evidence effect effects association new""".split())


def _topic(papers: Sequence[Paper]) -> str:
    """The one or two words the papers' titles share most, for a new episode's title."""
    counts: Counter[str] = Counter()
    for paper in papers:
        counts.update({w for w in re.findall(r"[a-z][a-z-]{3,}", paper.title.lower()) if w not in _STOPWORDS})
    shared = [word for word, n in counts.most_common() if n > 1][:2] or [w for w, _ in counts.most_common(2)]
    return " and ".join(shared) if shared else "recent research"


def covered_keys(definitions: Sequence[EpisodeDef]) -> set[str]:
    """Keys of the papers that some episode definition covers."""
    covered: set[str] = set()
    for definition in definitions:
        if definition.entries is not None:
            covered.update(definition.entries)
        else:
            covered.update(p.key for source in definition.sources for p in read_papers(source))
    return covered


def add_new_episodes(show: ShowConfig, definitions: Sequence[EpisodeDef]) -> list[Path]:
    """Write episode definitions for reading-list papers that no episode covers yet."""
    covered = covered_keys(definitions)
    waiting: list[tuple[Path, Paper]] = []
    for source in show.papers.reading_list:
        waiting.extend((source, p) for p in read_papers(source) if p.key not in covered)
    numbers = [int(m.group(1)) for d in definitions if (m := re.match(r"(\d+)", d.id))]
    number = max(numbers, default=0)
    created = []
    size = show.papers.max_per_episode
    for start in range(0, len(waiting), size):
        group = waiting[start:start + size]
        number += 1
        topic = _topic([p for _, p in group])
        slug = re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-")
        path = show.episodes_dir / f"{number:02d}-new-{slug}.toml"
        sources = sorted({str(s.relative_to(show.root)) for s, _ in group})
        lines = [
            f"# Written by papercast build on {dt.date.today().isoformat()} for papers no episode covered.",
            f"title = {json.dumps(f'New papers on {topic}')}",
            f"description = {json.dumps(f'{len(group)} new papers from the reading list.')}",
            f"date = {dt.date.today().isoformat()}",
            f"papers = {json.dumps(sources)}",
            f"entries = {json.dumps([p.key for _, p in group])}",
        ]
        atomic_write(path, "\n".join(lines) + "\n")
        created.append(path)
    return created


# --- output: speak, assemble, encode -------------------------------------------------------

def synthesize_missing(plans: Sequence[EpisodePlan], hosts: tuple[Host, Host], cache: TurnCache,
                       executor: Executor, report: Report, progress: Progress) -> dict[str, str]:
    """Synthesise every turn not yet in the cache, once each; returns failed keys with reasons."""
    jobs: dict[str, TurnJob] = {}
    for plan in plans:
        for turn, key in zip(plan.script.turns, plan.keys):
            if key in jobs or key in cache:
                continue
            host = hosts[turn.host]
            jobs[key] = TurnJob(key, turn.spoken, host.engine, host.voice, host.rate, str(cache.folder))
    progress.begin(turns=len(jobs), episodes=len(plans))
    failures: dict[str, str] = {}
    futures = {executor.submit(synthesize_turn, job): key for key, job in jobs.items()}
    for future in as_completed(futures):
        try:
            future.result()
            report.turns_synthesized += 1
        except PapercastError as exc:
            failures[futures[future]] = str(exc)
        progress.turn_done()
    return failures


def _segments(plan: EpisodePlan, cache: TurnCache) -> Iterator[Segment]:
    """The episode's turns, read from the cache one at a time (memory holds one turn)."""
    for number, (turn, key) in enumerate(zip(plan.script.turns, plan.keys), start=1):
        audio = cache.get(key)
        if audio is None:
            raise SynthesisError(f"turn {number}: its audio vanished from the cache at {cache.path(key)}")
        yield Segment(section=turn.section, audio=audio)


def produce_episode(plan: EpisodePlan, settings: AudioSettings, cache: TurnCache, target: Path) -> Timeline:
    """Assemble the cached turns and encode the episode's MP3 to `target` (written atomically)."""
    # Assembly goes through a temporary WAV outside the show and the package.
    with tempfile.TemporaryDirectory(prefix="papercast-") as scratch:
        wav_path = Path(scratch) / "episode.wav"
        timeline = assemble(_segments(plan, cache), settings, wav_path)
        encode_mp3(wav_path, target, settings, plan.tags)
    return timeline


def _turn_failure(plan: EpisodePlan, hosts: tuple[Host, Host], failures: dict[str, str]) -> str | None:
    """The first failed turn of an episode, named by number, host, engine, voice and section."""
    for number, (turn, key) in enumerate(zip(plan.script.turns, plan.keys), start=1):
        if key in failures:
            host = hosts[turn.host]
            return (f"turn {number} ({host.name}, engine {host.engine}, voice {host.voice}, "
                    f"section {turn.section}): {failures[key]}")
    return None


def feed_record(plan: EpisodePlan, show: ShowConfig, previous: FeedEpisode | None) -> FeedEpisode:
    """The feed's view of a built episode; GUID and first publication date are kept forever."""
    audio_path = show.feed_dir / plan.audio
    changed = previous is not None and previous.audio != plan.audio
    names = f"{show.hosts[0].name} and {show.hosts[1].name}"
    return FeedEpisode(
        id=plan.definition.id,
        title=plan.definition.title,
        summary=plan.definition.description or f"{names} discuss {len(plan.papers)} papers.",
        papers=plan.papers,
        guid=previous.guid if previous else str(uuid.uuid5(uuid.NAMESPACE_URL, show.url_for(plan.audio))),
        published=plan.published,
        updated=_now() if changed else (previous.updated if previous else None),
        audio=plan.audio,
        size=audio_path.stat().st_size,
        duration=round(mp3_duration(audio_path)),
        transcript=plan.transcript,
    )


def _remove_stale_files(show: ShowConfig, episodes: Sequence[FeedEpisode]) -> None:
    """Delete episode files that no published episode refers to any more."""
    keep = {Path(ep.audio).stem for ep in episodes}
    for path in (show.feed_dir / EPISODE_AUDIO_DIR).glob("*"):
        if path.is_file() and path.name.split(".")[0] not in keep:
            path.unlink()


# --- the whole show ------------------------------------------------------------------------

def build_show(root: str | Path = ".", jobs: int | None = None, progress: Progress | None = None,
               executor: Executor | None = None) -> Report:
    """Build every episode of the show in `root` and publish the feed.

    `executor` replaces the default pool of `jobs` worker processes (any
    concurrent.futures.Executor: a distributed one can take its place).
    """
    started = time.monotonic()
    progress = progress or Progress()
    show = load_show(root)
    report = Report()
    hosts = resolve_hosts(show.hosts)
    pronunciations = pronunciation_table(show)
    records = load_records(show.state_dir)
    cache = TurnCache(show.state_dir / "cache" / "turns")

    definitions: list[EpisodeDef] = []
    for path in episode_paths(show):
        try:
            definitions.append(load_episode(path, show.root))
        except PapercastError as exc:
            report.failed.append((path.stem, str(exc)))
    try:
        created = add_new_episodes(show, definitions)
    except PapercastError as exc:  # an unreadable reading list must not stop the episodes
        report.failed.append(("reading list", str(exc)))
        created = []
    for path in created:
        definitions.append(load_episode(path, show.root))
        report.created.append(path.stem)
        progress.note(f"new episode {path.stem} for papers no episode covered")

    cover = show.feed_dir / write_cover(show)
    plans: list[EpisodePlan] = []
    for definition in definitions:
        try:
            plans.append(plan_episode(show, definition, hosts, cover, records.get(definition.id), pronunciations))
        except PapercastError as exc:
            report.failed.append((definition.id, str(exc)))

    to_build = [plan for plan in plans if not (show.feed_dir / plan.audio).is_file()]
    ready = [plan for plan in plans if plan not in to_build]
    for plan in ready:
        report.reused.append(plan.definition.id)
        progress.episode_done(plan.definition.id, "unchanged")
    for plan in to_build:
        report.turns_cached += sum(key in cache for key in plan.keys)

    failures: dict[str, str] = {}
    if to_build:
        pool = executor or make_executor(jobs or default_jobs())
        try:
            failures = synthesize_missing(to_build, hosts, cache, pool, report, progress)
        finally:
            if executor is None:
                pool.shutdown()

    def encode(plan: EpisodePlan) -> None:
        problem = _turn_failure(plan, hosts, failures)
        if problem:
            raise SynthesisError(problem)
        produce_episode(plan, show.audio, cache, show.feed_dir / plan.audio)

    # Encoding runs ffmpeg, so threads are enough to keep every core busy.
    with ThreadPoolExecutor(max_workers=max(1, jobs or default_jobs())) as threads:
        encoding = {threads.submit(encode, plan): plan for plan in to_build}
        for future in as_completed(encoding):
            plan = encoding[future]
            try:
                future.result()
                report.built.append(plan.definition.id)
                ready.append(plan)
                progress.episode_done(plan.definition.id, "built")
            except PapercastError as exc:
                report.failed.append((plan.definition.id, str(exc)))
                progress.episode_done(plan.definition.id, "failed")
    report.built.sort()

    published: dict[str, FeedEpisode] = {}
    for plan in ready:
        write_if_changed(show.feed_dir / plan.transcript, f"{plan.script.title}\n\n{plan.script.transcript()}")
        published[plan.definition.id] = feed_record(plan, show, records.get(plan.definition.id))
    for episode_id, _ in report.failed:
        # The previous version stays in the feed until this episode builds again.
        previous = records.get(episode_id)
        if previous and (show.feed_dir / previous.audio).is_file():
            published[episode_id] = previous

    episodes = sorted(published.values(), key=lambda ep: (ep.published, ep.id))
    write_feed(show, episodes)
    write_page(show, episodes)
    save_records(show.state_dir, {**records, **published})
    _remove_stale_files(show, episodes)
    report.problems = check_feed(show.feed_dir, show.base_url)  # last: judges the folder as published
    report.seconds = time.monotonic() - started
    return report


# --- one-off episodes ----------------------------------------------------------------------

def one_off_script(sources: Sequence[Path], title: str | None = None,
                   entries: Sequence[str] | None = None, show_root: Path | None = None,
                   ) -> tuple[ShowConfig, Script, list[Paper]]:
    """The show (or defaults), script and papers for an episode made straight from paper files."""
    show = show_settings(show_root or Path.cwd())
    papers = load_papers([Path(s).resolve() for s in sources], entries)
    episode_title = title or (papers[0].title if len(papers) == 1 else f"{len(papers)} papers")
    definition = EpisodeDef(id="episode", path=Path(sources[0]), title=episode_title, description="",
                            sources=tuple(Path(s) for s in sources), entries=None, date=None)
    return show, episode_script(show, definition, papers, pronunciation_table(show)), papers


def make_episode(sources: Sequence[Path], output: Path, title: str | None = None,
                 entries: Sequence[str] | None = None, show_root: Path | None = None,
                 jobs: int | None = None, progress: Progress | None = None) -> Report:
    """A one-off episode from paper files, written to `output` (hosts and voices from the show, if any)."""
    started = time.monotonic()
    progress = progress or Progress()
    show, script, papers = one_off_script(sources, title, entries, show_root)
    hosts = resolve_hosts(show.hosts)
    report = Report()
    in_a_show = (show.root / CONFIG_NAME).is_file()
    with tempfile.TemporaryDirectory(prefix="papercast-") as scratch:
        # Outside a show there is nowhere to keep a cache, so this one lives as long as the command.
        cache = TurnCache(show.state_dir / "cache" / "turns" if in_a_show else Path(scratch))
        keys = tuple(turn_key(turn.spoken, hosts[turn.host]) for turn in script.turns)
        tags = Tags(title=script.title, artist=show.author, album=show.title, year=str(_now().year))
        definition = EpisodeDef(id="episode", path=output, title=script.title, description="",
                                sources=tuple(sources), entries=None, date=None)
        plan = EpisodePlan(definition, tuple(papers), script, keys, tags, _now(), output.stem)
        report.turns_cached = sum(key in cache for key in keys)
        pool = make_executor(jobs or default_jobs())
        try:
            failures = synthesize_missing([plan], hosts, cache, pool, report, progress)
        finally:
            pool.shutdown()
        problem = _turn_failure(plan, hosts, failures)
        if problem:
            raise SynthesisError(problem)
        produce_episode(plan, show.audio, cache, output.resolve())
    report.built.append(str(output))
    report.seconds = time.monotonic() - started
    return report
