"""Batch regeneration: only what changed is redone, new papers get episodes, failures stay local."""

from __future__ import annotations

import re
import threading

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from pipeline import build
from pipeline.speech import registry as speech
from pipeline.build import build_show, episode_job
from pipeline.plan import plan_episode
from pipeline.report import Progress, Report
from pipeline.schedule import _turn_order, render_episodes, synthesis_order
from pipeline.speech import resolve_hosts
from pipeline.speech.cache import TurnCache
from pipeline.config import load_episode, load_show
from pipeline.errors import SynthesisError
from pipeline.publish.records import load_records
from pipeline.speech import Audio, Engine, Voice


def _feed_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in (root / "feed").rglob("*") if p.is_file()}


def test_editing_one_paper_resynthesises_only_its_turns(show_dir: Path):
    first = build_show(show_dir, jobs=2)
    assert first.failed == [] and first.turns_synthesized > 0
    bib = show_dir / "papers" / "list.bib"
    text = bib.read_text()
    bib.write_text(text.replace("probiotics significantly lower migraine frequency",
                                "probiotics clearly lower migraine frequency"))
    records_before = load_records(load_show(show_dir).state_dir)
    second = build_show(show_dir, jobs=2)
    assert second.built == ["02-second"] and second.reused == ["01-first"]
    # Only the turns that quote the changed finding differ.
    show = load_show(show_dir)
    hosts = resolve_hosts(show.hosts)
    plan = plan_episode(show, load_episode(show_dir / "episodes" / "02-second.toml", show_dir), hosts,
                        None, None, {})
    quoting = {t.spoken for t in plan.script.turns if "clearly lower" in t.spoken}
    assert quoting and second.turns_synthesized == len(quoting)
    assert second.turns_cached > 10
    records = load_records(load_show(show_dir).state_dir)
    assert records["02-second"].guid == records_before["02-second"].guid
    assert records["02-second"].published == records_before["02-second"].published
    assert records["02-second"].audio != records_before["02-second"].audio  # new URL: apps refetch
    assert records["02-second"].updated is not None
    assert records["01-first"] == records_before["01-first"]
    # The old file is gone; only files the feed names remain.
    names = {p.name for p in (show_dir / "feed" / "episodes").iterdir()}
    assert Path(records_before["02-second"].audio).name not in names
    assert Path(records["02-second"].audio).name in names


def test_inline_and_custom_executors_give_the_same_episode(show_dir: Path):
    # The executor is one seam: an inline run, a process pool and any Executor agree.
    report = build_show(show_dir, jobs=1)
    assert report.failed == []
    names = sorted(p.name for p in (show_dir / "feed" / "episodes").glob("*.mp3"))
    with ThreadPoolExecutor(max_workers=1) as pool:
        again = build_show(show_dir, executor=pool)
    assert again.reused == ["01-first", "02-second"]
    assert sorted(p.name for p in (show_dir / "feed" / "episodes").glob("*.mp3")) == names


def test_a_second_build_plans_nothing_until_an_input_changes(show_dir: Path, monkeypatch: pytest.MonkeyPatch):
    first = build_show(show_dir, jobs=2)
    assert first.failed == []
    files = _feed_files(show_dir)
    planned: list[str] = []
    real_plan_episode = build.plan_episode

    def counting_plan_episode(show, definition, *args: Any, **kwargs: Any):
        planned.append(definition.id)
        return real_plan_episode(show, definition, *args, **kwargs)

    monkeypatch.setattr(build, "plan_episode", counting_plan_episode)
    again = build_show(show_dir, jobs=2)
    assert planned == [] and again.reused == ["01-first", "02-second"] and again.built == []
    assert _feed_files(show_dir) == files
    # A show template is an input of every episode: both are planned again (and, as the
    # template leaves their words alone, found unchanged without synthesis or encoding).
    templates = show_dir / "templates"
    templates.mkdir()
    (templates / "unused.j2").write_text("{# not used by any episode #}\n")
    third = build_show(show_dir, jobs=2)
    assert sorted(planned) == ["01-first", "02-second"]
    assert third.built == [] and third.turns_synthesized == 0 and _feed_files(show_dir) == files
    # A deleted episode file is noticed without planning: the episode is built again.
    planned.clear()
    mp3 = next((show_dir / "feed" / "episodes").glob("01-first-*.mp3"))
    mp3.unlink()
    fourth = build_show(show_dir, jobs=2)
    assert planned == ["01-first"] and fourth.built == ["01-first"] and mp3.is_file()


def test_turn_order_interleaves_the_last_episodes_so_they_finish_together(show_dir: Path):
    show = load_show(show_dir)
    hosts = resolve_hosts(show.hosts)
    plans = [plan_episode(show, load_episode(show_dir / "episodes" / f"{name}.toml", show_dir), hosts, None, None, {})
             for name in ("01-first", "02-second")]
    ordered = synthesis_order(plans)
    assert [sum(map(len, p.texts)) for p in ordered] == sorted((sum(map(len, p.texts)) for p in plans), reverse=True)
    one_core = [(plan.stem, index) for plan, index in _turn_order(ordered, 1)]
    longest, other = ordered
    assert one_core[:len(longest.keys)] == [(longest.stem, i) for i in range(len(longest.keys))]
    two_cores = [(plan.stem, index) for plan, index in _turn_order(ordered, 2)]
    assert sorted(two_cores) == sorted(one_core)
    assert two_cores[:4] == [(longest.stem, 0), (other.stem, 0), (longest.stem, 1), (other.stem, 1)]


class GatedExecutor(Executor):
    """Runs jobs on two threads; turns in `gated` wait until `gate` is set."""

    def __init__(self, gate: threading.Event, gated: set[str]) -> None:
        self.pool = ThreadPoolExecutor(max_workers=2)
        self.gate, self.gated = gate, gated

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        def run() -> Any:
            if getattr(args[0], "key", None) in self.gated and not self.gate.wait(timeout=60):
                raise SynthesisError("the first episode was not encoded while these turns waited")
            return fn(*args, **kwargs)
        return self.pool.submit(run)

    def shutdown(self, wait: bool = True, **kwargs: Any) -> None:
        self.pool.shutdown(wait=wait)


def test_an_episode_is_encoded_while_later_turns_are_still_synthesised(show_dir: Path, tmp_path: Path):
    show = load_show(show_dir)
    hosts = resolve_hosts(show.hosts)
    plans = synthesis_order([plan_episode(show, load_episode(path, show_dir), hosts, None, None, {})
                             for path in sorted((show_dir / "episodes").glob("*.toml"))])
    first, second = plans
    gate = threading.Event()
    produced: list[str] = []
    cache = TurnCache(tmp_path / "turns")

    def finish(plan, result) -> None:
        produced.append(plan.stem)
        assert result.data[:3] == b"ID3" and result.stem == plan.stem
        if plan is first:
            gate.set()  # only now may the second episode's own turns be spoken

    executor = GatedExecutor(gate, set(second.keys) - set(first.keys))
    report = Report()
    try:
        failed = render_episodes(plans, hosts, cache, lambda plan: episode_job(plan, show.audio, cache), finish,
                                 report, Progress(), jobs=1, executor=executor, window=1)
    finally:
        executor.shutdown()
    assert failed == {} and produced == [first.stem, second.stem]
    assert report.turns_synthesized == len(set(first.keys) | set(second.keys))


def test_new_papers_get_a_new_episode(show_dir: Path):
    config = show_dir / "papercast.toml"
    config.write_text(config.read_text().replace("reading_list = []", "max_per_episode = 2"))
    (show_dir / "papers" / "more.yaml").write_text(
        "papers:\n"
        "  - key: smith2026probiotic\n    title: Probiotic drinks and migraine days\n"
        "    authors: ['Smith, Ann']\n    date: 2026-03\n    finding: Fewer migraine days with a probiotic drink.\n"
        "  - key: jones2026probiotic\n    title: A probiotic trial in migraine\n"
        "    authors: ['Jones, Bo']\n    date: 2026\n    finding: No change in attack severity.\n"
    )
    # Leave out the rest of the demo list: keep only the papers the episodes already cover.
    config.write_text(config.read_text().replace(
        "max_per_episode = 2", 'reading_list = ["papers/more.yaml"]\nmax_per_episode = 2'))
    report = build_show(show_dir, jobs=2)
    assert report.failed == []
    assert len(report.created) == 1
    created = show_dir / "episodes" / f"{report.created[0]}.toml"
    text = created.read_text()
    assert re.search(r'^title = "New papers on (probiotic|migraine)', text, re.M), text
    assert tomllib.loads(text)["entries"] == ["smith2026probiotic", "jones2026probiotic"]
    assert report.created[0] in report.built
    # The next build covers them already: no new episode, nothing rebuilt.
    again = build_show(show_dir, jobs=2)
    assert again.created == [] and again.built == []


class FlakyEngine(Engine):
    """A test engine: speaks a tone, but fails on any text that mentions 'Mendelian'."""

    name = "flaky"

    def voices(self) -> list[Voice]:
        return [Voice("tone", "Tone")]

    def default_voices(self) -> tuple[str, str]:
        return ("tone", "tone")

    def synthesize(self, text: str, voice: str, rate: int) -> Audio:
        if "Mendelian" in text:
            raise SynthesisError("the flaky engine refuses this text")
        seconds = len(text.split()) * 60 / rate
        samples = bytes([0, 40] * int(seconds * 16000))
        return Audio(samples, 16000)


@pytest.fixture
def flaky_engine(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(speech.BUILTIN_ENGINES, "flaky", f"{__name__}:FlakyEngine")
    yield
    speech._instances.pop("flaky", None)


def test_a_failing_turn_fails_only_its_episode(show_dir: Path, flaky_engine):
    config = show_dir / "papercast.toml"
    config.write_text(config.read_text().replace('engine = "pyttsx3"\nvoice = "gmw/en-us+f3"',
                                                 'engine = "flaky"\nvoice = "tone"'))
    report = build_show(show_dir, jobs=1)  # inline: the test engine exists only in this process
    assert report.built == ["01-first"]
    [(episode, reason)] = report.failed
    assert episode == "02-second"
    # The first turn of Maya's that says "Mendelian" (the intro names the designs to come).
    assert re.match(r"turn \d+ \(Maya, engine flaky, voice tone, section (intro|paper-he2023causal)\): "
                    r"the flaky engine refuses this text", reason), reason
    assert report.exit_code == 1
    feed = (show_dir / "feed" / "feed.xml").read_text()
    assert "<title>First</title>" in feed and "<title>Second</title>" not in feed


class DeadPool(Executor):
    """An executor whose worker died: every job fails as a broken process pool's do."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        from concurrent.futures.process import BrokenProcessPool

        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
        return future


def test_a_dead_worker_fails_the_episodes_with_a_reason_not_a_traceback(show_dir: Path):
    report = build_show(show_dir, executor=DeadPool())
    assert report.built == [] and report.exit_code == 1
    assert sorted(episode for episode, _ in report.failed) == ["01-first", "02-second"]
    assert all("a synthesis worker stopped: a child process terminated abruptly" in reason
               for _, reason in report.failed)


def test_a_build_waits_while_another_run_writes_to_the_show(show_dir: Path):
    from pipeline.config import lock_path
    from pipeline.fsutil import exclusive
    from pipeline.sources.readinglist import add_papers, store_path

    notes: list[str] = []

    class Notes(Progress):
        def note(self, message: str) -> None:
            notes.append(message)

    results: list[Report] = []
    with exclusive(lock_path(show_dir)):  # as a scheduled build or an `add` would hold it
        waiting = threading.Thread(target=lambda: results.append(build_show(show_dir, jobs=1, progress=Notes())))
        waiting.start()
        waiting.join(timeout=3)
        assert waiting.is_alive() and results == []  # it waits rather than writing alongside
        assert notes == ["waiting for another papercast run in this show"]
    waiting.join(timeout=300)
    assert not waiting.is_alive() and results[0].failed == [] and results[0].built == ["01-first", "02-second"]
    # `add` takes the same lock.
    extra = show_dir / "extra.yaml"
    extra.write_text("papers:\n  - key: a2026\n    title: A paper\n    authors: ['A, Bo']\n    date: 2026\n"
                     "    finding: Something.\n")
    adding = threading.Thread(target=lambda: add_papers(show_dir, [extra]))
    with exclusive(lock_path(show_dir)):
        adding.start()
        adding.join(timeout=2)
        assert adding.is_alive()
    adding.join(timeout=60)
    assert not adding.is_alive() and "a2026" in store_path(show_dir).read_text()

