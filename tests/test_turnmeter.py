"""An episode's loudness from its turns' own figures agrees with ffmpeg's meter run over the joined episode."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy
import pytest

from pipeline.audio.assemble import join_turns
from pipeline.audio.episode import joined_loudness
from pipeline.audio.loudness import _meter
from pipeline.audio.turnform import decode_flac
from pipeline.audio.turnmeter import TurnLoudness, measure_turn
from pipeline.build import build_show, episode_job
from pipeline.config import AudioSettings, episode_paths, load_episode, load_show
from pipeline.plan import plan_episode
from pipeline.speech import pronunciation_table, resolve_hosts
from pipeline.speech.cache import TurnCache
from tests.conftest import make_show


def _agreement(turns: list[tuple[str, bytes]], figures: list[TurnLoudness], settings: AudioSettings,
               wav: Path) -> tuple[float, float, float, float]:
    """(from the figures, by ffmpeg) for integrated loudness as played and for true peak."""
    timeline = join_turns(iter(turns), settings, wav)
    integrated, true_peak = joined_loudness(timeline, figures, settings.sample_rate)
    metered, metered_peak = _meter(wav, "measure", "true")
    return integrated, metered, true_peak, metered_peak


def _speech_like(rng: numpy.random.Generator, frames: int, rate: int) -> bytes:
    """A voiced, syllable-modulated signal with noise, at a random level: what a meter sees in speech."""
    t = numpy.arange(frames) / rate
    pitch = rng.uniform(90, 260)
    voiced = sum(numpy.sin(2 * numpy.pi * pitch * k * t) / k for k in range(1, 12))
    envelope = numpy.abs(numpy.sin(2 * numpy.pi * rng.uniform(2, 5) * t)) ** 2
    signal = (0.25 * voiced + rng.normal(0, 0.05, frames)) * envelope * rng.uniform(0.05, 1.0)
    return (numpy.clip(signal, -1, 1) * 32767).astype("<i2").tobytes()


@pytest.mark.parametrize(("rate", "turn_pause", "section_pause"), [(44100, 350, 800), (22050, 0, 0), (48000, 7, 13)])
def test_turns_of_odd_lengths_rebuild_the_episodes_loudness(tmp_path: Path, rate: int, turn_pause: int,
                                                            section_pause: int):
    rng = numpy.random.default_rng(rate + turn_pause)
    settings = AudioSettings(sample_rate=rate, turn_pause_ms=turn_pause, section_pause_ms=section_pause)
    # Lengths on no grid (primes, a turn of 3 frames, one of silence), levels 26 dB apart.
    lengths = [104729, 3, 7919 * 11, 1, 65537, 287117, 99991, 15485863 // 40, 48611]
    turns = [(f"section-{index // 3}", _speech_like(rng, frames, rate)) for index, frames in enumerate(lengths)]
    turns.insert(4, ("section-1", b"\x00\x00" * 12345))
    figures = [measure_turn(pcm, rate) for _, pcm in turns]
    integrated, metered, true_peak, metered_peak = _agreement(turns, figures, settings, tmp_path / "e.wav")
    assert abs(integrated - metered) <= 0.1, (integrated, metered)
    assert abs(true_peak - metered_peak) <= 0.5, (true_peak, metered_peak)


def test_real_speech_episodes_loudness_comes_from_their_turns(tmp_path: Path):
    show_dir = make_show(tmp_path / "show")
    assert build_show(show_dir, jobs=2).failed == []
    show = load_show(show_dir)
    hosts = resolve_hosts(show.hosts)
    cache = TurnCache(show.state_dir / "cache" / "turns")
    rate = show.audio.sample_rate
    for path in episode_paths(show):
        plan = plan_episode(show, load_episode(path, show.root), hosts, None, None, pronunciation_table(show))
        job = episode_job(plan, show.audio, cache)
        turns = [(section, decode_flac(cache.turn(key, rate) or b"").pcm) for section, key in
                 zip(job.sections, plan.keys, strict=True)]
        figures = [TurnLoudness.from_bytes(cache.turn_meter(key, rate)) for key in plan.keys]  # as the workers sent
        integrated, metered, true_peak, metered_peak = _agreement(turns, figures, show.audio, tmp_path / "e.wav")
        assert abs(integrated - metered) <= 0.1, (path.name, integrated, metered)
        assert abs(true_peak - metered_peak) <= 0.5, (path.name, true_peak, metered_peak)


def test_turns_cached_without_figures_are_measured_and_publish_the_same_bytes(tmp_path: Path):
    show_dir = make_show(tmp_path / "show")
    assert build_show(show_dir, jobs=1).failed == []
    old = tmp_path / "old"
    shutil.copytree(show_dir, old, ignore=shutil.ignore_patterns("feed", "published.json", "plans.json", "*.meter"))
    assert not list(old.rglob("*.meter")) and list(old.rglob("*.flac"))  # as an older papercast cached them
    report = build_show(old, jobs=2)
    assert report.failed == [] and report.turns_synthesized == 0 and len(report.built) == 2
    published = sorted((show_dir / "feed" / "episodes").glob("*.mp3"))
    assert len(published) == 2
    for mp3 in published:
        assert (old / "feed" / "episodes" / mp3.name).read_bytes() == mp3.read_bytes()
