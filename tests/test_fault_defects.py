"""One test per fault found by trial (issue 15) that the fault suite does not already hold.

Every build runs in its own process through the command line, as a user or a scheduled job
would run it, so the tests hold whatever the package layout is.
"""

from __future__ import annotations

import fcntl
import signal
import subprocess
import time

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from pathlib import Path

import pytest

from tests import faultkit as fk

BROKEN_ENGINE = '''
"""A third-party engine whose native code raises its own exception for some texts."""
import array
import math

try:
    from pipeline.speech.engine import Audio, Engine, Voice
except ImportError:
    from pipeline.speech import Audio, Engine, Voice


class BrokenEngine(Engine):
    name = "broken"

    def voices(self):
        return [Voice(id="tone", name="tone")]

    def default_voices(self):
        return ("tone", "tone")

    def version(self):
        return "broken-1"

    def synthesize(self, text, voice, rate, pitch=0.0):
        if "mendelian" in text.lower():
            raise RuntimeError("[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : exploded")
        seconds = max(1.0, len(text.split()) * 60.0 / rate)
        rate_hz = 16000
        samples = array.array("h", (int(6000 * math.sin(2 * math.pi * 220 * n / rate_hz))
                                    for n in range(int(seconds * rate_hz))))
        return Audio(pcm=samples.tobytes(), sample_rate=rate_hz)
'''


def _plugin(folder: Path) -> str:
    """A folder holding the broken engine and the entry point that registers it; returns it for PYTHONPATH."""
    (folder / "brokenengine.py").write_text(BROKEN_ENGINE)
    info = folder / "brokenengine-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: brokenengine\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[papercast.engines]\nbroken = brokenengine:BrokenEngine\n")
    return str(folder)


def test_an_engine_exception_fails_only_its_episode(tmp_path: Path) -> None:
    show = fk.fault_show(tmp_path / "show")
    config = show / "papercast.toml"
    config.write_text(config.read_text().replace('engine = "pyttsx3"', 'engine = "broken"')
                      .replace('voice = "gmw/en-us+f3"', 'voice = "tone"').replace('voice = "gmw/en-us"', 'voice = "tone"'))
    env = fk.trial_env(tmp_path, fk.new_trial(), {"PYTHONPATH": f"{fk.REPO}:{_plugin(tmp_path)}"})
    result = fk.build(show, env)
    assert result.code == 1 and not result.traceback, result.err[-800:]
    assert "RuntimeError" in result.out + result.err  # the cause, named
    feed = fk.read_feed(show)
    assert feed.problems == [] and set(feed.items) == {"01-first", "03-third"}  # only 02 speaks of Mendelian randomisation


def test_an_episode_id_with_a_dot_keeps_its_files(tmp_path: Path) -> None:
    show = fk.fault_show(tmp_path / "show")
    (show / "episodes" / "03-third.toml").rename(show / "episodes" / "03.dot.toml")
    env = fk.trial_env(tmp_path, fk.new_trial())
    for _ in range(2):
        result = fk.build(show, env)
        assert result.code == 0, result.err[-500:]
        feed = fk.read_feed(show)
        assert feed.problems == [] and "03.dot" in feed.items


READING_LIST = """papers:
  - key: "smile\U0001F600"
    title: Gut bacteria and headache frequency in a cohort of adults
    authors: ["Doe, Jane"]
    journal: Cephalalgia
    date: 2024-03
    finding: Adults with more diverse gut bacteria reported fewer headache days.
"""


def test_a_key_outside_the_bmp_makes_a_valid_episode_file_once(tmp_path: Path) -> None:
    show = fk.fault_show(tmp_path / "show")
    (show / "papers" / "new.yaml").write_text(READING_LIST, encoding="utf-8")
    config = show / "papercast.toml"
    config.write_text(config.read_text().replace("reading_list = []", 'reading_list = ["papers/new.yaml"]'))
    env = fk.trial_env(tmp_path, fk.new_trial())
    for _ in range(2):
        result = fk.build(show, env)
        assert result.code == 0 and not result.traceback, result.err[-500:]
    created = [path for path in (show / "episodes").glob("*.toml") if "-new-" in path.name]
    assert len(created) == 1
    assert tomllib.loads(created[0].read_text(encoding="utf-8"))["entries"] == ["smile\U0001F600"]


def test_an_undated_episode_keeps_its_date_when_the_records_lag_the_feed(tmp_path: Path) -> None:
    """A kill between writing the feed and saving the records must not re-date the new episode."""
    show = fk.fault_show(tmp_path / "show")
    (show / "episodes" / "03-third.toml").unlink()
    env = fk.trial_env(tmp_path, fk.new_trial())
    assert fk.build(show, env).code == 0
    records = show / ".papercast" / "published.json"
    before_third = records.read_bytes()
    (show / "episodes" / "03-third.toml").write_text(fk.THIRD)
    assert fk.build(show, env).code == 0
    shown = fk.read_feed(show).items["03-third"]
    records.write_bytes(before_third)  # the records as a kill right after the feed would leave them
    time.sleep(1.1)  # a re-dated episode would get a later second
    assert fk.build(show, env).code == 0
    assert fk.read_feed(show).items["03-third"].published == shown.published


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_workers_exit_when_the_build_dies(tmp_path: Path, how: signal.Signals) -> None:
    show = fk.fault_show(tmp_path / "show")
    trial = fk.new_trial()
    process = fk.start_build(show, fk.trial_env(tmp_path, trial))
    deadline = time.monotonic() + 60
    while len(fk.marked_processes(trial)) < 3 and time.monotonic() < deadline:  # the build and two workers
        time.sleep(0.1)
    process.send_signal(how)
    process.wait()
    assert fk.leaked_processes(trial, grace=5.0) == 0


def test_add_says_it_waits_for_a_running_build(tmp_path: Path) -> None:
    show = fk.fault_show(tmp_path / "show")
    (show / ".papercast").mkdir()
    env = fk.trial_env(tmp_path, fk.new_trial())
    with open(show / ".papercast" / "lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running build holds it
        adding = subprocess.Popen(fk.command("add", "--show", str(show), str(fk.REPO / "papers" / "migraine-gut.bib")),
                                  env=env, cwd=fk.REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        assert adding.poll() is None  # still waiting
    out, err = adding.communicate(timeout=60)
    assert adding.returncode == 0, err
    assert "waiting" in (out + err).lower()


def test_an_unreadable_reading_list_file_holds_back_only_its_own_papers(tmp_path: Path) -> None:
    show = fk.fault_show(tmp_path / "show")
    (show / "papers" / "new.yaml").write_text(READING_LIST.replace("smile\U0001F600", "doe2024cohort"))
    (show / "papers" / "broken.yaml").write_text("papers: [\n")
    config = show / "papercast.toml"
    config.write_text(config.read_text().replace(
        "reading_list = []", 'reading_list = ["papers/new.yaml", "papers/broken.yaml"]'))
    result = fk.build(show, fk.trial_env(tmp_path, fk.new_trial()))
    assert result.code == 1 and not result.traceback and "broken.yaml" in result.err
    assert [path.name for path in (show / "episodes").glob("*-new-*.toml")] != []
