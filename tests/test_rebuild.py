"""Batch regeneration: only what changed is redone, new papers get episodes, failures stay local."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline import speech
from pipeline.build import build_show, plan_episode, resolve_hosts
from pipeline.config import load_episode, load_show
from pipeline.errors import SynthesisError
from pipeline.records import load_records
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
    assert 'entries = ["smith2026probiotic", "jones2026probiotic"]' in text
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
    assert re.match(r"turn \d+ \(Maya, engine flaky, voice tone, section paper-he2023causal\): "
                    r"the flaky engine refuses this text", reason), reason
    assert report.exit_code == 1
    feed = (show_dir / "feed" / "feed.xml").read_text()
    assert "<title>First</title>" in feed and "<title>Second</title>" not in feed
