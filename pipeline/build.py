"""The build, top to bottom: read papers, write scripts, speak turns, assemble episodes, publish.

Like a static site generator it first gathers everything (every episode's papers and
script, and which turns are not yet spoken), then does the expensive work once: each
missing turn is synthesised by a pool of worker processes into a content-addressed cache,
and each episode whose content changed is assembled and encoded. An episode whose file is
up to date costs nothing, and one that fails does not stop the others.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import (
    Executor,
)
from dataclasses import dataclass, replace
from pathlib import Path

from .audio import (
    Loudness,
    Timeline,
    measure_loudness,
    mp3_duration,
)
from .audio.assemble import layout
from .audio.episode import EncodedEpisode, EpisodeJob, LoadedTurns, encode_episode
from .audio.turnform import flac_frames
from .config import (
    CONFIG_NAME,
    AudioSettings,
    EpisodeDef,
    Host,
    ShowConfig,
    episode_paths,
    load_episode,
    load_show,
    lock_path,
)
from .errors import PapercastError, SynthesisError
from .feeds import TurnSupply
from .fsutil import atomic_write, exclusive, remove_temporary
from .plan import (
    EpisodePlan,
    add_new_episodes,
    episode_inputs,
    now,
    plan_episode,
    show_inputs,
    show_templates,
)
from .publish.check import check_feed
from .publish.cover import write_cover, write_episode_image
from .publish.feed import podcast_guid, write_feed
from .publish.page import write_page
from .publish.records import (
    FeedEpisode,
    Identity,
    Shown,
    describe_file,
    file_problem,
    load_file_index,
    load_plan_index,
    load_podcast_guid,
    load_records,
    save_plan_index,
    save_records,
    shown_in_feed,
)
from .publish.sidecars import (
    EPISODE_DIR,
    chapters,
    episode_files,
    write_episode_files,
)
from .report import Progress, Report
from .schedule import Window, render_episodes
from .script import (
    notes_transcript,
)
from .speech.cache import TurnCache
from .speech.casting import cast
from .speech.pronounce import pronunciation_table


def episode_job(plan: EpisodePlan, settings: AudioSettings, cache: TurnCache) -> EpisodeJob:
    """The episode's join-and-encode job: its turns' layout from the cache, its chapters timed by it.

    The turns themselves are not in it: the scheduler gives the job a feed to read them one at a time.
    """
    lengths: list[tuple[str, int]] = []
    for number, (turn, key) in enumerate(zip(plan.script.turns, plan.keys, strict=True), start=1):
        flac = cache.turn(key, settings.sample_rate)
        try:
            frames, rate = flac_frames(flac) if flac is not None else (0, 0)
        except RuntimeError:  # libsndfile's error: not a FLAC file
            rate = 0
        if rate != settings.sample_rate:
            raise SynthesisError(f"turn {number}: its audio is missing or damaged in the cache at "
                                 f"{cache.turn_path(key, settings.sample_rate)} (it is synthesised again on the "
                                 "next build)")
        lengths.append((turn.section, frames))
    timeline = layout(lengths, settings)
    cover = plan.tags.cover
    return EpisodeJob(stem=plan.stem, sections=tuple(section for section, _ in lengths), settings=settings,
                      tags=replace(plan.tags, cover=None), chapters=tuple(chapters(plan.script, timeline)),
                      timeline=timeline, cover=cover.read_bytes() if cover else b"",
                      cover_suffix=cover.suffix if cover else ".png")


def produce_episode(plan: EpisodePlan, settings: AudioSettings, cache: TurnCache,
                    target: Path) -> tuple[Timeline, Loudness]:
    """Join the cached turns and encode the episode's MP3, with chapters, to `target` (atomically), in this process."""
    rate = settings.sample_rate
    turns = LoadedTurns(tuple((cache.turn(key, rate) or b"", cache.turn_meter(key, rate)) for key in plan.keys))
    result = encode_episode(replace(episode_job(plan, settings, cache), feed=turns))
    atomic_write(target, result.data)
    return result.timeline, result.loudness


def episode_guid(show: ShowConfig, episode_id: str) -> str:
    """A new episode's permanent GUID (afterwards it is read from the records, never recomputed)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, show.url_for(f"episodes/{episode_id}")))


def feed_record(plan: EpisodePlan, show: ShowConfig, previous: FeedEpisode | None,
                loudness: Loudness | None, shown: Identity | None = None) -> FeedEpisode:
    """The feed's view of a built episode; GUID and first publication date are kept forever."""
    audio_path = show.feed_dir / plan.audio
    files = plan.files
    changed = previous is not None and previous.audio != plan.audio
    if loudness is None:  # an unchanged episode: measured when it was encoded
        loudness = (Loudness(previous.loudness_lufs, previous.true_peak_dbtp, "recorded")
                    if previous and not changed and previous.loudness_lufs is not None
                    and previous.true_peak_dbtp is not None
                    else measure_loudness(audio_path))
    names = f"{show.hosts[0].name} and {show.hosts[1].name}"
    return FeedEpisode(
        id=plan.definition.id,
        title=plan.definition.title,
        summary=plan.definition.description or f"{names} discuss {len(plan.papers)} papers.",
        papers=plan.papers,
        guid=previous.guid if previous else shown.guid if shown else episode_guid(show, plan.definition.id),
        published=plan.published,
        updated=now() if changed else (previous.updated if previous else None),
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
        number=plan.definition.number,
        season=plan.definition.season,
        image=write_episode_image(show, plan.definition.image, plan.stem) if plan.definition.image else None,
    )


def _remove_stale_files(show: ShowConfig, episodes: Sequence[FeedEpisode]) -> None:
    """Delete episode files that no published episode refers to any more."""
    # By whole name: an id may contain dots ("03.dot"), so a name's first dot proves nothing.
    keep = {name for ep in episodes for name in episode_files(Path(ep.audio).stem).all()}
    for path in (show.feed_dir / EPISODE_DIR).glob("*"):
        if path.is_file() and f"{EPISODE_DIR}/{path.name}" not in keep:
            path.unlink()


@dataclass(frozen=True)
class PublishedFiles:
    """The episode files in `feed/`, judged against the sizes and hashes recorded when they were published."""

    feed_dir: Path
    recorded: dict[str, tuple[int, str]]
    progress: Progress

    def intact(self, names: Iterable[str]) -> bool:
        """Whether all these files are there as published; a note when one is there but differs."""
        problem = file_problem(self.feed_dir, names, self.recorded)
        if problem is not None and not problem.endswith("missing"):
            self.progress.note(f"{problem}; building it again")
        return problem is None

    def index(self, episodes: Iterable[FeedEpisode]) -> dict[str, tuple[int, str]]:
        """Size and SHA-256 of every file of these published episodes, to be recorded with them."""
        names = (name for ep in episodes for name in episode_files(Path(ep.audio).stem).all())
        return {name: describe_file(self.feed_dir / name) for name in names if (self.feed_dir / name).is_file()}


def _unchanged(previous: FeedEpisode | None, known: tuple[str, str] | None, inputs: str,
               files: PublishedFiles) -> bool:
    """Whether the published episode was made from exactly these inputs and all its files are intact."""
    if previous is None or known is None or known[0] != inputs:
        return False
    names = episode_files(known[1])
    return previous.audio == names.audio and files.intact(names.all())


def _published(show: ShowConfig, repair: bool,
               progress: Progress) -> tuple[dict[str, FeedEpisode], Shown, str, PublishedFiles]:
    """What was published: the records (none when repairing them), what the feed shows, the show's GUID, the files."""
    if repair:
        progress.note(f"rebuilding {show.state_dir.name}/published.json from feed/feed.xml")
    records = {} if repair else load_records(show.state_dir)
    # What subscribers have seen: GUIDs and dates for episodes the records lack (deleted, repaired,
    # or a build killed between writing the feed and saving the records).
    shown = shown_in_feed(show.feed_dir / "feed.xml")
    # The show's podcast:guid is computed from its feed URL once, then kept if the URL moves.
    guid = ((None if repair else load_podcast_guid(show.state_dir)) or shown.podcast_guid
            or podcast_guid(show.url_for("feed.xml")))
    files = PublishedFiles(show.feed_dir, {} if repair else load_file_index(show.state_dir), progress)
    return records, shown, guid, files


def _turn_cache(show: ShowConfig) -> TurnCache:
    return TurnCache(show.state_dir / "cache" / "turns")


def worker_scratch(show: ShowConfig) -> Path:
    """Where the workers' engines keep their temporary files: a folder of the system's named for the show.

    Not under the show: pyttsx3 hangs for good when espeak cannot write its WAV, so an
    engine's scratch stays off the disk that the build's own output may fill.
    """
    name = hashlib.sha256(str(show.root.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"papercast-workers-{name}"


def sweep(show: ShowConfig) -> None:
    """Remove what a killed build left: its scratch folders, and half-written files beside their targets."""
    shutil.rmtree(show.state_dir / "tmp", ignore_errors=True)
    shutil.rmtree(worker_scratch(show), ignore_errors=True)
    for folder in (show.state_dir, show.feed_dir):
        if folder.is_dir():
            remove_temporary(folder)


# --- the whole show ------------------------------------------------------------------------

def build_show(root: str | Path = ".", jobs: int | None = None, progress: Progress | None = None,
               executor: Executor | None = None, repair: bool = False, cluster: str | None = None) -> Report:
    """Build every episode of the show in `root` and publish the feed.

    `executor` replaces the default pool of `jobs` worker processes (any
    concurrent.futures.Executor); `cluster` (else the show's `[build] cluster`) names a Dask
    scheduler whose workers synthesise and encode, while the turn cache stays here. `repair`
    rebuilds a damaged record of published episodes from the published feed, keeping GUIDs and dates.
    """
    started = time.monotonic()
    progress = progress or Progress()
    show = load_show(root)
    address = cluster or show.build.cluster
    if executor is None and address:
        from .cluster import cluster_executor  # Dask is imported only when a build uses it

        with cluster_executor(address, _turn_cache(show), show.audio.sample_rate) as (dask, window, supply):
            return _locked_build(show, started, jobs, progress, dask, window, repair, supply)
    return _locked_build(show, started, jobs, progress, executor, None, repair)


def _locked_build(show: ShowConfig, started: float, jobs: int | None, progress: Progress,
                  executor: Executor | None, window: Window, repair: bool, supply: TurnSupply | None = None) -> Report:
    """build_show, once it has its executor."""
    # A scheduled build and one started by hand, or an `add`, must not write the same files at once.
    with exclusive(lock_path(show.root), lambda: progress.note("waiting for another papercast run in this show")):
        sweep(show)  # under the lock: no other run is using these files
        try:
            return _build(show, started, jobs, progress, executor, window, repair, supply)
        finally:
            sweep(show)  # the workers have stopped: what they left in the scratch folder goes too


def _build(show: ShowConfig, started: float, jobs: int | None, progress: Progress, executor: Executor | None,
           window: Window = None, repair: bool = False, supply: TurnSupply | None = None) -> Report:
    """build_show, holding the show's lock: gather, plan, produce, publish."""
    report = Report()
    # First: a host's engine or voice that cannot speak fails every episode, so before any slow work.
    hosts, notices = cast(show.hosts, str(show.root / CONFIG_NAME))
    for notice in notices:
        progress.note(notice)
    records, shown, guid, files = _published(show, repair, progress)
    cache = _turn_cache(show)
    definitions = _definitions(show, report, progress)
    cover = show.feed_dir / write_cover(show)
    plans, published, plan_index = _plan(show, definitions, hosts, cover, records, shown, files, cache, report,
                                         progress)
    to_build = [plan for plan in plans if not files.intact(plan.files.all())]
    ready = [plan for plan in plans if plan not in to_build]
    for plan in ready:
        report.reused.append(plan.definition.id)
        progress.episode_done(plan.definition.id, "unchanged")
    loudness: dict[str, Loudness] = {}

    def finish(plan: EpisodePlan, result: EncodedEpisode) -> None:
        atomic_write(show.feed_dir / plan.audio, result.data)
        loudness[plan.stem] = result.loudness
        write_episode_files(show.feed_dir, plan.stem, plan.script, result.timeline)

    failed = render_episodes(to_build, hosts, cache, lambda plan: episode_job(plan, show.audio, cache), finish,
                             report, progress, jobs, executor, window, show.audio.sample_rate,
                             scratch=worker_scratch(show), supply=supply)
    for plan in to_build:
        if plan.definition.id in failed:
            report.failed.append((plan.definition.id, failed[plan.definition.id]))
        else:
            report.built.append(plan.definition.id)
            ready.append(plan)
    report.built.sort()
    for plan in ready:
        published[plan.definition.id] = feed_record(plan, show, records.get(plan.definition.id),
                                                    loudness.get(plan.stem), shown.episodes.get(plan.definition.id))
    _publish(show, published, plan_index, records, guid, files, report)
    report.seconds = time.monotonic() - started
    return report


def _definitions(show: ShowConfig, report: Report, progress: Progress) -> list[EpisodeDef]:
    """The show's episode definitions, with new ones written for papers no episode covers yet."""
    definitions: list[EpisodeDef] = []
    for path in episode_paths(show):
        try:
            definitions.append(load_episode(path, show.root))
        except PapercastError as exc:
            report.failed.append((path.stem, str(exc)))
    unreadable: list[str] = []
    try:
        created = add_new_episodes(show, definitions, unreadable)
    except PapercastError as exc:  # an unreadable reading list must not stop the episodes
        unreadable.append(str(exc))
        created = []
    report.failed.extend(("reading list", problem) for problem in unreadable)
    for path in created:
        definitions.append(load_episode(path, show.root))
        report.created.append(path.stem)
        progress.note(f"new episode {path.stem} for papers no episode covered")
    return definitions


def _plan(show: ShowConfig, definitions: Sequence[EpisodeDef], hosts: tuple[Host, Host], cover: Path,
          records: dict[str, FeedEpisode], shown: Shown, files: PublishedFiles, cache: TurnCache,
          report: Report, progress: Progress
          ) -> tuple[list[EpisodePlan], dict[str, FeedEpisode], dict[str, tuple[str, str]]]:
    """Plan each episode whose inputs changed; the others are published as recorded, unread."""
    shared = show_inputs(show, hosts, cover)
    known_plans = load_plan_index(show.state_dir)
    pronunciations = pronunciation_table(show)
    env = show_templates(show)
    plans: list[EpisodePlan] = []
    published: dict[str, FeedEpisode] = {}
    plan_index: dict[str, tuple[str, str]] = {}
    for definition in definitions:
        try:
            inputs = episode_inputs(shared, definition)
            previous = records.get(definition.id)
            if previous is not None and _unchanged(previous, known_plans.get(definition.id), inputs, files):
                # Made from exactly what made the published episode: nothing to read or write.
                published[definition.id] = previous
                plan_index[definition.id] = known_plans[definition.id]
                report.reused.append(definition.id)
                progress.episode_done(definition.id, "unchanged")
                continue
            plans.append(plan_episode(show, definition, hosts, cover, previous, pronunciations, cache, env,
                                      shown=shown.episodes.get(definition.id)))
            plan_index[definition.id] = (inputs, plans[-1].stem)
            if plans[-1].length_note:
                progress.note(f"{definition.id}: {plans[-1].length_note}")
        except PapercastError as exc:
            report.failed.append((definition.id, str(exc)))
    return plans, published, plan_index


def _publish(show: ShowConfig, published: dict[str, FeedEpisode], plan_index: dict[str, tuple[str, str]],
             records: dict[str, FeedEpisode], guid: str, files: PublishedFiles, report: Report) -> None:
    """Records, feed, page, stale files removed, and the check of the folder as published."""
    for episode_id, _ in report.failed:
        # The previous version stays in the feed until this episode builds again.
        previous = records.get(episode_id)
        if previous and (show.feed_dir / previous.audio).is_file():
            published[episode_id] = previous
    episodes = sorted(published.values(), key=lambda ep: (ep.published, ep.id))
    # Records first: a build killed after them but before the feed publishes the same GUIDs and
    # dates next time, where the other order could show a new undated episode under two dates.
    save_records(show.state_dir, {**records, **published}, podcast_guid=guid, files=files.index(episodes))
    save_plan_index(show.state_dir, {key: value for key, value in plan_index.items() if key in published})
    write_feed(show, episodes, guid=guid)
    write_page(show, episodes)
    _remove_stale_files(show, episodes)
    # Last: the check judges the folder as published.
    report.problems = check_feed(show.feed_dir, show.base_url, show.audio.loudness)


