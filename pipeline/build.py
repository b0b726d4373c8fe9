"""The build, top to bottom: read papers, write scripts, speak turns, assemble episodes, publish.

Like a static site generator it first gathers everything (every episode's papers and
script, and which turns are not yet spoken), then does the expensive work once: each
missing turn is synthesised by a pool of worker processes into a content-addressed cache,
and each episode whose content changed is assembled and encoded. An episode whose file is
up to date costs nothing, and one that fails does not stop the others.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from concurrent.futures import (
    Executor,
)
from dataclasses import replace
from pathlib import Path

from .audio import (
    Loudness,
    Timeline,
    measure_loudness,
    mp3_duration,
)
from .audio.assemble import layout
from .audio.episode import EncodedEpisode, EpisodeJob, encode_episode
from .audio.turnform import flac_frames
from .config import (
    AudioSettings,
    EpisodeDef,
    ShowConfig,
    episode_paths,
    load_episode,
    load_show,
    lock_path,
)
from .errors import PapercastError, SynthesisError
from .fsutil import atomic_write, exclusive
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
    load_plan_index,
    load_podcast_guid,
    load_records,
    save_plan_index,
    save_records,
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
    """The episode's join-and-encode job: its turns from the cache, its chapters timed by the turns' lengths."""
    turns: list[tuple[str, bytes]] = []
    lengths: list[tuple[str, int]] = []
    for number, (turn, key) in enumerate(zip(plan.script.turns, plan.keys, strict=True), start=1):
        flac = cache.turn(key, settings.sample_rate)
        try:
            frames, rate = flac_frames(flac) if flac is not None else (0, 0)
        except RuntimeError:  # libsndfile's error: not a FLAC file
            rate = 0
        if rate != settings.sample_rate:
            raise SynthesisError(f"turn {number}: its audio vanished from the cache at "
                                 f"{cache.turn_path(key, settings.sample_rate)}")
        turns.append((turn.section, flac or b""))
        lengths.append((turn.section, frames))
    timeline = layout(lengths, settings)
    cover = plan.tags.cover
    return EpisodeJob(stem=plan.stem, turns=tuple(turns), settings=settings, tags=replace(plan.tags, cover=None),
                      chapters=tuple(chapters(plan.script, timeline)), timeline=timeline,
                      cover=cover.read_bytes() if cover else b"", cover_suffix=cover.suffix if cover else ".png")


def produce_episode(plan: EpisodePlan, settings: AudioSettings, cache: TurnCache,
                    target: Path) -> tuple[Timeline, Loudness]:
    """Join the cached turns and encode the episode's MP3, with chapters, to `target` (atomically), in this process."""
    result = encode_episode(episode_job(plan, settings, cache))
    atomic_write(target, result.data)
    return result.timeline, result.loudness


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
                    and previous.true_peak_dbtp is not None
                    else measure_loudness(audio_path))
    names = f"{show.hosts[0].name} and {show.hosts[1].name}"
    return FeedEpisode(
        id=plan.definition.id,
        title=plan.definition.title,
        summary=plan.definition.description or f"{names} discuss {len(plan.papers)} papers.",
        papers=plan.papers,
        guid=previous.guid if previous else episode_guid(show, plan.definition.id),
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
               executor: Executor | None = None, cluster: str | None = None) -> Report:
    """Build every episode of the show in `root` and publish the feed.

    `executor` replaces the default pool of `jobs` worker processes (any
    concurrent.futures.Executor); `cluster` (else the show's `[build] cluster`) names a Dask
    scheduler whose workers synthesise and encode, while the turn cache stays here.
    """
    started = time.monotonic()
    progress = progress or Progress()
    show = load_show(root)
    address = cluster or show.build.cluster
    if executor is None and address:
        from .cluster import cluster_executor  # Dask is imported only when a build uses it

        with cluster_executor(address) as (dask, window):
            return _locked_build(show, started, jobs, progress, dask, window)
    return _locked_build(show, started, jobs, progress, executor, None)


def _locked_build(show: ShowConfig, started: float, jobs: int | None, progress: Progress,
                  executor: Executor | None, window: Window) -> Report:
    """build_show, once it has its executor."""
    # A scheduled build and one started by hand, or an `add`, must not write the same files at once.
    with exclusive(lock_path(show.root), lambda: progress.note("waiting for another papercast run in this show")):
        return _build(show, started, jobs, progress, executor, window)


def _build(show: ShowConfig, started: float, jobs: int | None, progress: Progress, executor: Executor | None,
           window: Window) -> Report:
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
            if previous is not None and _unchanged(show, previous, known_plans.get(definition.id), inputs):
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

    def finish(plan: EpisodePlan, result: EncodedEpisode) -> None:
        atomic_write(show.feed_dir / plan.audio, result.data)
        loudness[plan.stem] = result.loudness
        write_episode_files(show.feed_dir, plan.stem, plan.script, result.timeline)

    failed = render_episodes(to_build, hosts, cache, lambda plan: episode_job(plan, show.audio, cache), finish,
                             report, progress, jobs, executor, window, show.audio.sample_rate)
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
    report.problems = check_feed(show.feed_dir, show.base_url, show.audio.loudness)  # last: judges the folder as published
    report.seconds = time.monotonic() - started
    return report


