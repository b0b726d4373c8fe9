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
import functools
import hashlib
import json
import re
import tempfile
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from . import __version__
from .audio.assemble import (ENCODING_VERSION, Loudness, Segment, Tags, Timeline, assemble, encode_mp3, measure_loudness,
                    mp3_duration)
from .speech.cache import TurnCache, turn_key, voice_version
from .publish.check import Problem, check_feed, has_errors
from .config import (AUTO_ENGINE, CONFIG_NAME, AudioSettings, EpisodeDef, Host, ShowConfig, episode_paths, load_episode,
                     load_show, lock_path, show_settings)
from .errors import ConfigError, PapercastError, SynthesisError
from .publish.feed import FeedEpisode, podcast_guid, write_cover, write_feed
from .fsutil import atomic_write, exclusive
from .model import Paper, Script
from .publish.page import write_page
from .publish.records import load_plan_index, load_podcast_guid, load_records, save_plan_index, save_records
from .script import DEFAULT_FORMAT, Draft, EpisodeInfo, draft_script, notes_transcript, template_environment
from .sources.registry import load_papers, read_papers, reading_list
from .speech.engine import (Pronunciation, apply_pronunciations, auto_cast, get_engine,
                     parse_pronunciations, speak)
from .script.spoken import SpokenForm, read_pronunciation_file
from .publish.sidecars import EPISODE_DIR, EpisodeFiles, chapters, episode_files, sidecar_inputs, write_episode_files
from .speech.workers import TurnJob, default_jobs, make_executor, synthesize_turn

PRONUNCIATION_FILES = ("pronunciations.toml", "pronunciations.yaml", "pronunciations.yml")


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
    texts: tuple[str, ...] = ()  # what each turn's engine is given (pronunciation markup applied)
    length_note: str = ""

    @property
    def files(self) -> EpisodeFiles:
        """The episode's published files: MP3, transcripts and chapters."""
        return episode_files(self.stem)

    @property
    def audio(self) -> str:
        return self.files.audio


def cast(hosts: tuple[Host, Host]) -> tuple[tuple[Host, Host], list[str]]:
    """Each host's engine and voice as used: "auto" picks the neural cast when installed, else
    pyttsx3 (with a notice); an empty voice is the engine's default for the host's position."""
    resolved, notices = [], []
    for index, host in enumerate(hosts):
        if host.engine == AUTO_ENGINE:
            engine, voice, notice = auto_cast(index)
            host = dataclasses.replace(host, engine=engine, voice=voice)
            if notice and notice not in notices:
                notices.append(notice)
        if not host.voice:
            host = dataclasses.replace(host, voice=get_engine(host.engine).default_voices()[index])
        resolved.append(host)
    return (resolved[0], resolved[1]), notices


def resolve_hosts(hosts: tuple[Host, Host]) -> tuple[Host, Host]:
    """The hosts as cast (see `cast`), without the notices."""
    return cast(hosts)[0]


def pronunciation_table(show: ShowConfig) -> dict[str, Pronunciation]:
    """The show's pronunciation entries (respelling, and IPA for engines that take phonemes)."""
    for name in PRONUNCIATION_FILES:
        path = show.root / name
        if path.is_file():
            table, problems = parse_pronunciations(read_pronunciation_file(path))
            if problems:
                raise ConfigError(str(path), problems)
            return table
    return {}


# About forty words of ordinary prose: long enough to measure a voice's pace.
CALIBRATION_TEXT = (
    "Researchers followed a group of patients for two years and compared their diets, their "
    "gut bacteria and how often they had headaches. The results were mixed, and the authors "
    "say that larger studies will be needed before anyone changes what they eat."
)


def words_per_minute(hosts: tuple[Host, Host], cache: TurnCache) -> tuple[float, float]:
    """Each host's measured speaking pace, from a calibration passage spoken (once) in their voice."""
    words = len(CALIBRATION_TEXT.split())
    paces = []
    for host in hosts:
        key = turn_key(CALIBRATION_TEXT, host)
        audio = cache.get(key)
        if audio is None:
            audio = speak(host.engine, CALIBRATION_TEXT, host.voice, host.rate, host.pitch)
            cache.put(key, audio)
        paces.append(words * 60 / audio.duration)
    return paces[0], paces[1]


def show_templates(show: ShowConfig) -> jinja2.Environment:
    """The show's template environment, compiled templates cached with the build's other caches."""
    return template_environment(show.templates_dir, show.state_dir / "cache" / "templates")


def episode_draft(show: ShowConfig, definition: EpisodeDef, papers: Sequence[Paper],
                  pronunciations: dict[str, Pronunciation], wpm: tuple[float, float] = (160, 160),
                  env: jinja2.Environment | None = None) -> Draft:
    """The dialogue for one episode of the show, in its format and, if it has one, to its length."""
    info = EpisodeInfo(id=definition.id, title=definition.title, description=definition.description)
    env = env or template_environment(show.templates_dir)
    names = (show.hosts[0].name, show.hosts[1].name)
    respellings = {word: entry.say for word, entry in pronunciations.items()}
    return draft_script(show.title, names, info, papers, env, SpokenForm(respellings),
                        format=definition.format or DEFAULT_FORMAT, minutes=definition.minutes,
                        words_per_minute=wpm,
                        pauses=(show.audio.turn_pause_ms / 1000, show.audio.section_pause_ms / 1000))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def plan_episode(show: ShowConfig, definition: EpisodeDef, hosts: tuple[Host, Host], cover: Path | None,
                 previous: FeedEpisode | None, pronunciations: dict[str, Pronunciation],
                 cache: TurnCache | None = None, env: jinja2.Environment | None = None) -> EpisodePlan:
    """Read an episode's papers and write its script; name its file by a hash of its content."""
    papers = load_papers(definition.sources, definition.entries)
    # Pace is measured only when a length is asked for, so ordinary rebuilds stay cheap.
    wpm = words_per_minute(hosts, cache) if definition.minutes and cache else (160.0, 160.0)
    draft = episode_draft(show, definition, papers, pronunciations, wpm, env)
    script = draft.script
    texts = tuple(apply_pronunciations(turn.spoken, pronunciations, hosts[turn.host].engine)
                  for turn in script.turns)
    keys = tuple(turn_key(text, hosts[turn.host]) for text, turn in zip(texts, script.turns))
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
        "encoding": ENCODING_VERSION,
        # Transcripts and chapters are written with the audio, so what they say is part of its identity.
        "sidecars": sidecar_inputs(script),
        "papercast": __version__,
    }
    digest = _digest(fingerprint)
    # The hash is in the file name: changed audio gets a new URL, so apps fetch it again.
    return EpisodePlan(definition=definition, papers=tuple(papers), script=script, keys=keys,
                       tags=tags, published=published, stem=f"{definition.id}-{digest[:10]}", texts=texts,
                       length_note=draft.length_note() or "")


def _digest(fingerprint: object) -> str:
    """A hash of a JSON-able fingerprint (paths and dates as text), the same for equal content."""
    return hashlib.sha256(json.dumps(fingerprint, sort_keys=True, default=str).encode()).hexdigest()


def _files_digest(paths: Iterable[Path]) -> str:
    """A hash of these files' names and bytes (a missing file counts as missing, not as an error)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(f"{path}\0".encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing")
        digest.update(b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """A hash of papercast's own code and templates: a change to either may change any episode."""
    package = Path(__file__).parent
    return _files_digest(path for path in package.rglob("*") if path.suffix in (".py", ".j2"))


def show_inputs(show: ShowConfig, hosts: tuple[Host, Host], cover: Path | None) -> str:
    """A hash of what every episode's plan is made from: code, show settings, voices, templates, pronunciations, cover."""
    files = [show.root / CONFIG_NAME, *(show.root / name for name in PRONUNCIATION_FILES)]
    if show.templates_dir.is_dir():
        files += [path for path in show.templates_dir.rglob("*") if path.is_file()]
    if cover is not None:
        files.append(cover)
    voices = [[dataclasses.asdict(host), voice_version(host.engine, host.voice)] for host in hosts]
    return _digest({"code": _code_digest(), "files": _files_digest(files), "voices": voices, "papercast": __version__})


def episode_inputs(shared: str, definition: EpisodeDef) -> str:
    """A hash of what one episode's plan is made from: the show's inputs, its definition and its papers' files.

    The hosts' measured pace (for an episode with a length) needs no place of its own: it is
    measured from the hosts' voices, which the show's inputs name with their versions.
    """
    return _digest({"show": shared, "definition": dataclasses.asdict(definition),
                    "files": _files_digest({definition.path, *definition.sources})})


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
    for source in reading_list(show.root, show.papers.reading_list):
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

def synthesis_order(plans: Sequence[EpisodePlan]) -> list[EpisodePlan]:
    """The order in which episodes are synthesised: longest first.

    Each episode is encoded as soon as its last turn is spoken, while later ones are still
    being synthesised; what is left to encode when synthesis ends is then the short ones.
    """
    return sorted(plans, key=lambda plan: sum(len(text) for text in plan.texts), reverse=True)


def _turn_order(plans: Sequence[EpisodePlan], jobs: int) -> Iterator[tuple[EpisodePlan, int]]:
    """(episode, turn index) pairs: the episodes one after another, the last `jobs` of them round-robin.

    The last ones finish synthesis together, so they are encoded side by side on every core
    rather than one after another on one.
    """
    split = max(0, len(plans) - max(1, jobs))
    for plan in plans[:split]:
        for index in range(len(plan.keys)):
            yield plan, index
    tail = plans[split:]
    for index in range(max((len(plan.keys) for plan in tail), default=0)):
        for plan in tail:
            if index < len(plan.keys):
                yield plan, index


def render_episodes(plans: Sequence[EpisodePlan], hosts: tuple[Host, Host], cache: TurnCache,
                    produce: Callable[[EpisodePlan], None], report: Report, progress: Progress,
                    jobs: int | None = None, executor: Executor | None = None) -> dict[str, str]:
    """Synthesise every turn not yet cached, once each, and `produce` each episode as soon as its turns are.

    Returns the episodes that failed (by id) with the reason: a turn that could not be
    spoken (named by number, host and section) or the error `produce` raised. Counts turns
    spoken and found in the cache into `report`. Synthesis runs on `executor` when given
    (left open), else on a pool of `jobs` worker processes made only if there is something
    to speak; `produce` runs on up to `jobs` threads (encoding is done by ffmpeg processes).
    """
    if not plans:
        return {}
    jobs = jobs or default_jobs()
    ordered = synthesis_order(plans)
    waiting: dict[str, set[str]] = {plan.stem: set() for plan in ordered}  # turns each episode still needs
    work: dict[str, TurnJob] = {}
    for plan, index in _turn_order(ordered, jobs):
        key = plan.keys[index]
        if key in cache:
            report.turns_cached += 1
            continue
        waiting[plan.stem].add(key)
        if key not in work:
            host = hosts[plan.script.turns[index].host]
            work[key] = TurnJob(key, plan.texts[index], host.engine, host.voice, host.rate, host.pitch,
                                str(cache.folder))
    progress.begin(turns=len(work), episodes=len(ordered))
    failed: dict[str, str] = {}
    turn_errors: dict[str, str] = {}
    pool = (executor or make_executor(jobs)) if work else None
    with ThreadPoolExecutor(max_workers=jobs) as encoders:
        producing: dict[Future[None], EpisodePlan] = {}
        pending: set[Future[Any]] = set()

        def start(plan: EpisodePlan) -> None:
            problem = _turn_failure(plan, hosts, turn_errors)
            if problem:
                failed[plan.definition.id] = problem
                progress.episode_done(plan.definition.id, "failed")
                return
            future = encoders.submit(produce, plan)
            producing[future] = plan
            pending.add(future)

        try:
            speaking = {pool.submit(synthesize_turn, job): key for key, job in work.items()} if pool else {}
            pending.update(speaking)
            for plan in ordered:
                if not waiting[plan.stem]:
                    start(plan)
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                pending.difference_update(done)
                for future in done:
                    if future in speaking:
                        key = speaking[future]
                        try:
                            future.result()
                            report.turns_synthesized += 1
                        except PapercastError as exc:
                            turn_errors[key] = str(exc)
                        except BrokenExecutor as exc:  # a worker died (a crash in an engine's native code)
                            turn_errors[key] = f"a synthesis worker stopped: {exc}"
                        progress.turn_done()
                        for plan in ordered:
                            if key in waiting[plan.stem]:
                                waiting[plan.stem].discard(key)
                                if not waiting[plan.stem]:
                                    start(plan)
                        continue
                    plan = producing[future]
                    try:
                        future.result()
                        progress.episode_done(plan.definition.id, "built")
                    except PapercastError as exc:
                        failed[plan.definition.id] = str(exc)
                        progress.episode_done(plan.definition.id, "failed")
        finally:
            if pool is not None and executor is None:
                pool.shutdown()
    return failed


def _segments(plan: EpisodePlan, cache: TurnCache) -> Iterator[Segment]:
    """The episode's turns, read from the cache one at a time (memory holds one turn)."""
    for number, (turn, key) in enumerate(zip(plan.script.turns, plan.keys), start=1):
        audio = cache.get(key)
        if audio is None:
            raise SynthesisError(f"turn {number}: its audio vanished from the cache at {cache.path(key)}")
        yield Segment(section=turn.section, audio=audio)


def produce_episode(plan: EpisodePlan, settings: AudioSettings, cache: TurnCache,
                    target: Path) -> tuple[Timeline, Loudness]:
    """Assemble the cached turns and encode the episode's MP3, with chapters, to `target` (atomically)."""
    # Assembly goes through a temporary WAV outside the show and the package.
    with tempfile.TemporaryDirectory(prefix="papercast-") as scratch:
        wav_path = Path(scratch) / "episode.wav"
        timeline = assemble(_segments(plan, cache), settings, wav_path)
        loudness = encode_mp3(wav_path, target, settings, plan.tags, chapters(plan.script, timeline))
    return timeline, loudness


def _turn_failure(plan: EpisodePlan, hosts: tuple[Host, Host], failures: dict[str, str]) -> str | None:
    """The first failed turn of an episode, named by number, host, engine, voice and section."""
    for number, (turn, key) in enumerate(zip(plan.script.turns, plan.keys), start=1):
        if key in failures:
            host = hosts[turn.host]
            return (f"turn {number} ({host.name}, engine {host.engine}, voice {host.voice}, "
                    f"section {turn.section}): {failures[key]}")
    return None


def episode_guid(show: ShowConfig, episode_id: str) -> str:
    """A new episode's permanent GUID (afterwards it is read from the records, never recomputed)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, show.url_for(f"episodes/{episode_id}")))


def feed_record(plan: EpisodePlan, show: ShowConfig, previous: FeedEpisode | None,
                loudness: Loudness | None) -> FeedEpisode:
    """The feed's view of a built episode; GUID and first publication date are kept forever."""
    audio_path = show.feed_dir / plan.audio
    files = plan.files
    changed = previous is not None and previous.audio != plan.audio
    if loudness is None:  # an unchanged episode: measured when it was encoded
        loudness = (Loudness(previous.loudness_lufs, previous.true_peak_dbtp, "recorded")
                    if previous and not changed and previous.loudness_lufs is not None
                    else measure_loudness(audio_path))
    names = f"{show.hosts[0].name} and {show.hosts[1].name}"
    return FeedEpisode(
        id=plan.definition.id,
        title=plan.definition.title,
        summary=plan.definition.description or f"{names} discuss {len(plan.papers)} papers.",
        papers=plan.papers,
        guid=previous.guid if previous else episode_guid(show, plan.definition.id),
        published=plan.published,
        updated=_now() if changed else (previous.updated if previous else None),
        audio=plan.audio,
        size=audio_path.stat().st_size,
        duration=round(mp3_duration(audio_path)),
        transcript=files.text,
        vtt=files.vtt,
        srt=files.srt,
        transcript_json=files.transcript_json,
        chapters=files.chapters,
        loudness_lufs=loudness.integrated,
        true_peak_dbtp=loudness.true_peak,
        excerpt=notes_transcript(plan.script, plan.papers),
    )


def _remove_stale_files(show: ShowConfig, episodes: Sequence[FeedEpisode]) -> None:
    """Delete episode files that no published episode refers to any more."""
    keep = {Path(ep.audio).stem for ep in episodes}
    for path in (show.feed_dir / EPISODE_DIR).glob("*"):
        if path.is_file() and path.name.split(".")[0] not in keep:
            path.unlink()


def _unchanged(show: ShowConfig, previous: FeedEpisode | None, known: tuple[str, str] | None, inputs: str) -> bool:
    """Whether the published episode was made from exactly these inputs and all its files are in place."""
    if previous is None or known is None or known[0] != inputs:
        return False
    files = episode_files(known[1])
    return previous.audio == files.audio and all((show.feed_dir / name).is_file() for name in files.all())


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
    # A scheduled build and one started by hand, or an `add`, must not write the same files at once.
    with exclusive(lock_path(show.root), lambda: progress.note("waiting for another papercast run in this show")):
        return _build(show, started, jobs, progress, executor)


def _build(show: ShowConfig, started: float, jobs: int | None, progress: Progress, executor: Executor | None) -> Report:
    """build_show, holding the show's lock."""
    report = Report()
    hosts, notices = cast(show.hosts)
    for notice in notices:
        progress.note(notice)
    pronunciations = pronunciation_table(show)
    records = load_records(show.state_dir)
    # The show's podcast:guid is computed from its feed URL once, then kept if the URL moves.
    guid = load_podcast_guid(show.state_dir) or podcast_guid(show.url_for("feed.xml"))
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
    shared = show_inputs(show, hosts, cover)
    known_plans = load_plan_index(show.state_dir)
    plan_index: dict[str, tuple[str, str]] = {}
    published: dict[str, FeedEpisode] = {}
    env = show_templates(show)
    plans: list[EpisodePlan] = []
    for definition in definitions:
        try:
            inputs = episode_inputs(shared, definition)
            previous = records.get(definition.id)
            if _unchanged(show, previous, known_plans.get(definition.id), inputs):
                # Made from exactly what made the published episode: nothing to read or write.
                published[definition.id] = previous
                plan_index[definition.id] = known_plans[definition.id]
                report.reused.append(definition.id)
                progress.episode_done(definition.id, "unchanged")
                continue
            plans.append(plan_episode(show, definition, hosts, cover, previous, pronunciations, cache, env))
            plan_index[definition.id] = (inputs, plans[-1].stem)
            if plans[-1].length_note:
                progress.note(f"{definition.id}: {plans[-1].length_note}")
        except PapercastError as exc:
            report.failed.append((definition.id, str(exc)))

    to_build = [plan for plan in plans
                if not all((show.feed_dir / name).is_file() for name in plan.files.all())]
    ready = [plan for plan in plans if plan not in to_build]
    for plan in ready:
        report.reused.append(plan.definition.id)
        progress.episode_done(plan.definition.id, "unchanged")
    loudness: dict[str, Loudness] = {}

    def produce(plan: EpisodePlan) -> None:
        timeline, loudness[plan.stem] = produce_episode(plan, show.audio, cache, show.feed_dir / plan.audio)
        write_episode_files(show.feed_dir, plan.stem, plan.script, timeline)

    failed = render_episodes(to_build, hosts, cache, produce, report, progress, jobs, executor)
    for plan in to_build:
        if plan.definition.id in failed:
            report.failed.append((plan.definition.id, failed[plan.definition.id]))
        else:
            report.built.append(plan.definition.id)
            ready.append(plan)
    report.built.sort()

    for plan in ready:
        published[plan.definition.id] = feed_record(plan, show, records.get(plan.definition.id),
                                                    loudness.get(plan.stem))
    for episode_id, _ in report.failed:
        # The previous version stays in the feed until this episode builds again.
        previous = records.get(episode_id)
        if previous and (show.feed_dir / previous.audio).is_file():
            published[episode_id] = previous

    episodes = sorted(published.values(), key=lambda ep: (ep.published, ep.id))
    write_feed(show, episodes, guid=guid)
    write_page(show, episodes)
    save_records(show.state_dir, {**records, **published}, podcast_guid=guid)
    save_plan_index(show.state_dir, {key: value for key, value in plan_index.items() if key in published})
    _remove_stale_files(show, episodes)
    report.problems = check_feed(show.feed_dir, show.base_url)  # last: judges the folder as published
    report.seconds = time.monotonic() - started
    return report


# --- one-off episodes ----------------------------------------------------------------------

@dataclass(frozen=True)
class OneOff:
    """What a one-off episode is made from: paper files and how to write about them."""

    sources: tuple[Path, ...]
    title: str | None = None
    entries: tuple[str, ...] | None = None
    format: str | None = None
    minutes: float | None = None


def _one_off_plan(request: OneOff, show: ShowConfig, hosts: tuple[Host, Host], cache: TurnCache) -> EpisodePlan:
    sources = tuple(Path(s).resolve() for s in request.sources)
    papers = load_papers(sources, request.entries)
    title = request.title or (papers[0].title if len(papers) == 1 else f"{len(papers)} papers")
    definition = EpisodeDef(id="episode", path=sources[0], title=title, description="", sources=sources,
                            entries=request.entries, date=None, format=request.format, minutes=request.minutes)
    return plan_episode(show, definition, hosts, None, None, pronunciation_table(show), cache)


@contextmanager
def _one_off_cache(show: ShowConfig) -> Iterator[TurnCache]:
    """The show's turn cache inside a show; elsewhere one that lasts as long as the command."""
    if (show.root / CONFIG_NAME).is_file():
        yield TurnCache(show.state_dir / "cache" / "turns")
    else:
        with tempfile.TemporaryDirectory(prefix="papercast-") as scratch:
            yield TurnCache(Path(scratch))


def one_off_script(request: OneOff, show_root: Path | None = None) -> Script:
    """The dialogue an episode of these papers would have (hosts from the show in `show_root`, if any)."""
    show = show_settings(show_root or Path.cwd())
    hosts = resolve_hosts(show.hosts)
    with _one_off_cache(show) as cache:
        return _one_off_plan(request, show, hosts, cache).script


def make_episode(request: OneOff, output: Path, show_root: Path | None = None,
                 jobs: int | None = None, progress: Progress | None = None) -> Report:
    """A one-off episode from paper files, written to `output` (hosts and voices from the show, if any)."""
    started = time.monotonic()
    progress = progress or Progress()
    show = show_settings(show_root or Path.cwd())
    hosts = resolve_hosts(show.hosts)
    report = Report()
    with _one_off_cache(show) as cache:
        plan = _one_off_plan(request, show, hosts, cache)

        def produce(plan: EpisodePlan) -> None:
            produce_episode(plan, show.audio, cache, output.resolve())  # one file: chapters inside, no sidecars

        failed = render_episodes([plan], hosts, cache, produce, report, progress, jobs)
        if failed:
            raise SynthesisError(failed[plan.definition.id])
    report.built.append(str(output))
    report.seconds = time.monotonic() - started
    return report
