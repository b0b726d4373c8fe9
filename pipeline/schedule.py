"""Scheduling: which turns are synthesised in what order, and each episode encoded as soon as its turns are spoken."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    BrokenExecutor,
    Executor,
    Future,
    ThreadPoolExecutor,
    wait,
)
from pathlib import Path
from typing import Any

from .config import (
    Host,
)
from .errors import PapercastError
from .plan import EpisodePlan
from .report import Progress, Report
from .speech.cache import TurnCache
from .speech.workers import TurnJob, default_jobs, make_executor, synthesize_turn

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
                    jobs: int | None = None, executor: Executor | None = None,
                    scratch: Path | None = None) -> dict[str, str]:
    """Synthesise every turn not yet cached, once each, and `produce` each episode as soon as its turns are.

    Returns the episodes that failed (by id) with the reason: a turn that could not be
    spoken (named by number, host and section) or the error `produce` raised. Counts turns
    spoken and found in the cache into `report`. Synthesis runs on `executor` when given
    (left open), else on a pool of `jobs` worker processes made only if there is something
    to speak, whose temporary files go in `scratch`; `produce` runs on up to `jobs` threads
    (encoding is done by ffmpeg processes).
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
    _note_damage(cache, progress)
    progress.begin(turns=len(work), episodes=len(ordered))
    failed: dict[str, str] = {}
    turn_errors: dict[str, str] = {}
    pool = (executor or make_executor(jobs, scratch)) if work else None
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
                        except BrokenExecutor as exc:  # a worker died (a crash in an engine's native code)
                            turn_errors[key] = f"a synthesis worker stopped: {exc}"
                        except Exception as exc:  # any engine's own exception fails only this turn's episodes
                            turn_errors[key] = failure_reason(exc)
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
                    except Exception as exc:  # encoding, tagging or writing: this episode fails, the build goes on
                        failed[plan.definition.id] = failure_reason(exc)
                        progress.episode_done(plan.definition.id, "failed")
        finally:
            if pool is not None and executor is None:
                pool.shutdown()
    return failed


def _note_damage(cache: TurnCache, progress: Progress) -> None:
    """Say how many cache entries failed their checks (they are synthesised again), once."""
    if cache.damaged:
        progress.note(f"{len(cache.damaged)} cached turns were damaged and are synthesised again "
                      f"(first: {cache.damaged[0]})")
        cache.damaged.clear()


def failure_reason(exc: BaseException) -> str:
    """One line for an episode that failed: papercast's own message, or a foreign exception with its type."""
    if isinstance(exc, PapercastError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror.lower()}: {exc.filename or ''}".rstrip(": ")
    return f"{type(exc).__name__}: {exc}"


def _turn_failure(plan: EpisodePlan, hosts: tuple[Host, Host], failures: dict[str, str]) -> str | None:
    """The first failed turn of an episode, named by number, host, engine, voice and section."""
    for number, (turn, key) in enumerate(zip(plan.script.turns, plan.keys), start=1):
        if key in failures:
            host = hosts[turn.host]
            return (f"turn {number} ({host.name}, engine {host.engine}, voice {host.voice}, "
                    f"section {turn.section}): {failures[key]}")
    return None
