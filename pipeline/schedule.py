"""Scheduling: which turns are synthesised in what order, and each episode encoded as soon as its turns are spoken.

Both are jobs on one executor (a local process pool or a cluster's): a job carries its input as data
and returns its result, and this process keeps the turn cache and writes the feed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import replace
from pathlib import Path
from typing import Any

from .audio.episode import EncodedEpisode, EpisodeJob, encode_episode
from .audio.turnform import episode_turn
from .config import AudioSettings, Host
from .errors import PapercastError, failure_reason
from .feeds import TurnServer, TurnSupply
from .jobs import SpokenTurn, TurnJob, synthesize_turn
from .plan import EpisodePlan
from .report import Progress, Report
from .speech.cache import TurnCache
from .speech.workers import default_jobs, lost_worker_errors, make_executor

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


MakeJob = Callable[[EpisodePlan], EpisodeJob]
Finish = Callable[[EpisodePlan, EncodedEpisode], None]
Window = int | Callable[[], int] | None  # turns in flight at most (a callable is asked each time)


class _Run:
    """One render: turns queued, submitted a window at a time, each episode's job submitted when its turns are in."""

    def __init__(self, ordered: Sequence[EpisodePlan], hosts: tuple[Host, Host], cache: TurnCache,
                 rate: int, report: Report, progress: Progress) -> None:
        self.ordered, self.hosts, self.cache, self.rate = ordered, hosts, cache, rate
        self.report, self.progress = report, progress
        self.supply: TurnSupply | None = None  # given by `run`
        self.retried: set[str] = set()  # episodes sent a second time, their turns from the cache
        self.waiting: dict[str, set[str]] = {plan.stem: set() for plan in ordered}  # turns each episode needs
        self.queue: deque[TurnJob] = deque()  # turns not yet submitted, in synthesis order
        self.turns: dict[Future[Any], str] = {}  # turn futures in flight, by key
        self.episodes: dict[Future[Any], EpisodePlan] = {}
        self.failed: dict[str, str] = {}
        self.turn_errors: dict[str, str] = {}

    def collect(self, jobs: int) -> None:
        """Queue every turn not yet cached, once each, in synthesis order."""
        queued: set[str] = set()
        for plan, index in _turn_order(self.ordered, jobs):
            key = plan.keys[index]
            if self.cached(key):
                self.report.turns_cached += 1
                continue
            self.waiting[plan.stem].add(key)
            if key not in queued:
                queued.add(key)
                host = self.hosts[plan.script.turns[index].host]
                self.queue.append(TurnJob(key, plan.texts[index], host.engine, host.voice, host.rate, host.pitch,
                                          self.rate))

    def cached(self, key: str) -> bool:
        """Whether the turn is cached in the episode's format; a turn cached by an older papercast
        (the engine's WAV) is converted here rather than spoken again."""
        if self.cache.has_turn(key, self.rate):
            return True
        audio = self.cache.get(key) if key in self.cache else None
        if audio is None:
            return False
        turn = episode_turn(audio, AudioSettings(sample_rate=self.rate))
        self.cache.put_turn(key, self.rate, turn.flac, turn.meter)
        return True

    def fill(self, pool: Executor, window: Window) -> None:
        """Submit queued turns until `window` are in flight (all of them when None).

        A short queue in the executor lets an episode's job, submitted when its turns are in,
        start soon instead of after every remaining turn (process pools run jobs in order).
        """
        limit = window() if callable(window) else window
        while self.queue and (limit is None or len(self.turns) < limit):
            job = self.queue.popleft()
            self.turns[pool.submit(synthesize_turn, job)] = job.key

    def start(self, plan: EpisodePlan, pool: Executor, make_job: MakeJob) -> None:
        """Submit the episode's join-and-encode job, or fail it for a turn that could not be spoken."""
        assert self.supply is not None
        problem = _turn_failure(plan, self.hosts, self.turn_errors)
        try:
            if problem:
                raise PapercastError(problem)
            job = replace(make_job(plan), feed=self.supply.feed(plan.keys))
            self.episodes[pool.submit(encode_episode, job)] = plan
        except Exception as exc:  # reading its turns or cover: this episode fails, the build goes on
            self.failed[plan.definition.id] = failure_reason(exc)
            self.progress.episode_done(plan.definition.id, "failed")
            self.supply.done(plan.keys)

    def turn_done(self, future: Future[Any], pool: Executor, make_job: MakeJob) -> None:
        """Cache a spoken turn (or note why it failed) and start the episodes it completes."""
        key = self.turns.pop(future)
        try:
            spoken: SpokenTurn = future.result()
            self.cache.put_turn(key, self.rate, spoken.flac, spoken.meter)
            self.report.turns_synthesized += 1
            assert self.supply is not None
            self.supply.spoken(key, future)
        except lost_worker_errors() as exc:  # a worker died (a crash in an engine's native code)
            self.turn_errors[key] = f"a synthesis worker stopped: {exc}"
        except Exception as exc:  # any engine's own exception fails only this turn's episodes
            self.turn_errors[key] = failure_reason(exc)
        self.progress.turn_done()
        for plan in self.ordered:
            if key in self.waiting[plan.stem]:
                self.waiting[plan.stem].discard(key)
                if not self.waiting[plan.stem]:
                    self.start(plan, pool, make_job)

    def episode_done(self, future: Future[Any], pool: Executor, make_job: MakeJob, finish: Finish) -> None:
        """Write an encoded episode (on this machine) and count it."""
        plan = self.episodes.pop(future)
        assert self.supply is not None
        failure: Exception | None = None
        try:
            result = future.result()
        except Exception as exc:  # noqa: BLE001 (whatever it was, the episode may get one more try)
            if plan.stem not in self.retried and self.supply.retry(plan.keys):
                # Its turns came from where they were spoken, and a worker holding some was lost:
                # the cluster spoke them again, maybe not to the same samples. Once more, from the cache.
                self.retried.add(plan.stem)
                self.supply.done(plan.keys)  # this try's hold on its turns: the next reads them afresh
                self.start(plan, pool, make_job)
                return
            failure = exc
        self.supply.done(plan.keys)
        try:
            if failure is not None:
                raise failure
            finish(plan, result)
            self.progress.episode_done(plan.definition.id, "built")
        except lost_worker_errors() as exc:
            self.failed[plan.definition.id] = f"the worker encoding it stopped: {exc}"
            self.progress.episode_done(plan.definition.id, "failed")
        except Exception as exc:  # encoding, tagging or writing: this episode fails, the build goes on
            self.failed[plan.definition.id] = failure_reason(exc)
            self.progress.episode_done(plan.definition.id, "failed")

    def run(self, pool: Executor, window: Window, make_job: MakeJob, finish: Finish, supply: TurnSupply) -> None:
        """Until every turn is spoken and every episode written."""
        self.supply = supply
        for plan in self.ordered:
            if not self.waiting[plan.stem]:
                self.start(plan, pool, make_job)
        self.fill(pool, window)
        while self.turns or self.episodes:
            done, _ = wait([*self.turns, *self.episodes], return_when=FIRST_COMPLETED)
            for future in done:
                if future in self.turns:
                    self.turn_done(future, pool, make_job)
                else:
                    self.episode_done(future, pool, make_job, finish)
            self.fill(pool, window)


def render_episodes(plans: Sequence[EpisodePlan], hosts: tuple[Host, Host], cache: TurnCache,
                    make_job: MakeJob, finish: Finish, report: Report, progress: Progress,
                    jobs: int | None = None, executor: Executor | None = None,
                    window: Window = None, rate: int = 44100, scratch: Path | None = None,
                    supply: TurnSupply | None = None) -> dict[str, str]:
    """Synthesise every turn not yet cached, once each, and encode each episode as soon as its turns are.

    Both are jobs on `executor` when given (left open; `window` caps the turns in flight), else on a
    pool of `jobs` worker processes (twice as many turns in flight), made only when there is something
    to speak; otherwise episodes are encoded on `jobs` threads here. Turns come back as FLAC at `rate`
    Hz and are cached here; `make_job` builds an episode's job from the cache (the turns' layout),
    `supply` gives it its turns to read one at a time (by default a server of the cache here), `finish`
    writes its result. Returns the episodes that failed (by id) with the reason: a turn that could not be spoken
    (named by number, host and section) or the error its job or `finish` raised. Counts turns spoken
    and found in the cache into `report`. The local pool's workers keep their temporary files in `scratch`.
    """
    if not plans:
        return {}
    jobs = jobs or default_jobs()
    ordered = synthesis_order(plans)
    run = _Run(ordered, hosts, cache, rate, report, progress)
    run.collect(jobs)
    _note_damage(cache, progress)
    progress.begin(turns=len(run.queue), episodes=len(ordered))
    own_supply = supply is None
    supply = supply or TurnServer(cache, rate)
    try:
        if executor is not None:
            run.run(executor, window, make_job, finish, supply)
            return run.failed
        # Nothing to speak: no worker processes to start, ffmpeg does the encoding's work anyway.
        pool = make_executor(jobs, scratch) if run.queue else ThreadPoolExecutor(max_workers=jobs)
        try:
            run.run(pool, 2 * jobs, make_job, finish, supply)
        finally:
            pool.shutdown()
        return run.failed
    finally:
        if own_supply:
            supply.close()


def _note_damage(cache: TurnCache, progress: Progress) -> None:
    """Say how many cache entries failed their checks (they are synthesised again), once."""
    if cache.damaged:
        progress.note(f"{len(cache.damaged)} cached turns were damaged and are synthesised again "
                      f"(first: {cache.damaged[0]})")
        cache.damaged.clear()


def _turn_failure(plan: EpisodePlan, hosts: tuple[Host, Host], failures: dict[str, str]) -> str | None:
    """The first failed turn of an episode, named by number, host, engine, voice and section."""
    for number, (turn, key) in enumerate(zip(plan.script.turns, plan.keys, strict=True), start=1):
        if key in failures:
            host = hosts[turn.host]
            return (f"turn {number} ({host.name}, engine {host.engine}, voice {host.voice}, "
                    f"section {turn.section}): {failures[key]}")
    return None
