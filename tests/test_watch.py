"""`papercast watch` with real file-system events: a Better BibTeX-style export outside the show."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import feedparser
import pytest

from pipeline.init import ShowInit, init_show
from pipeline.watch import Rebuild, watch_show
from tests.conftest import DEMO_BIB, REPO

_ENTRIES = [e for e in re.split(r"(?m)^(?=@)", DEMO_BIB.read_text()) if e.startswith("@")]
WATCHER_START = 2.0  # seconds for the watcher to be listening after a build (no event says so)


@pytest.fixture
def zotero_show(tmp_path: Path) -> tuple[Path, Path]:
    """A new show whose reading list is one paper in a .bib kept outside it, as Zotero exports."""
    library = tmp_path / "Zotero" / "My Library.bib"
    library.parent.mkdir()
    library.write_text(_ENTRIES[0])
    root = tmp_path / "show"
    init_show(root, ShowInit(title="Watch Test", author="Tester", email="t@example.org", engine="pyttsx3"))
    with (root / "papercast.toml").open("a") as config:
        config.write(f'\n[papers]\nreading_list = ["{library}"]\n')
    return root, library


def _items(root: Path) -> int:
    return len(feedparser.parse((root / "feed" / "feed.xml").read_bytes()).entries)


def test_an_edit_of_a_watched_bib_makes_one_rebuild_and_a_new_episode(zotero_show: tuple[Path, Path]):
    root, library = zotero_show
    events: queue.Queue[Rebuild] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=watch_show, args=(root, events.put),
                              kwargs={"jobs": 1, "stop_event": stop, "quiet_ms": 200}, daemon=True)
    thread.start()
    try:
        first = events.get(timeout=180)
        assert first.ok, first.line()
        assert len(first.report.created) == 1 and _items(root) == 1
        # No pause: a write before the watch is in place must be caught too.

        # An exporter's burst: the file emptied, then written again with one paper more.
        library.write_text("")
        library.write_text(_ENTRIES[0] + _ENTRIES[1])
        second = events.get(timeout=180)
        assert second.ok, second.line()
        assert second.changed == (str(library),)
        assert len(second.report.created) == 1 and second.report.built == second.report.created
        assert _items(root) == 2
        with pytest.raises(queue.Empty):  # exactly one rebuild: the episode file it wrote is not a change
            events.get(timeout=3)

        # Broken settings: one line saying why, and the watcher goes on to the fix.
        config = root / "papercast.toml"
        good = config.read_text()
        config.write_text(good + "\n[show\n")
        broken = events.get(timeout=60)
        assert not broken.ok and "papercast.toml" in broken.line() and "\n" not in broken.line()
        config.write_text(good)
        fixed = events.get(timeout=180)
        assert fixed.ok, fixed.line()
        assert fixed.report.built == [] and _items(root) == 2

        # The export missing for a moment (an exporter that deletes, then writes): watched again when back.
        content = library.read_text()
        library.unlink()
        missing = events.get(timeout=60)
        assert not missing.ok and "does not exist" in missing.line()
        library.write_text(content)
        back = events.get(timeout=180)
        assert back.ok and back.report.built == [], back.line()
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_the_command_prints_a_line_per_build_and_stops_cleanly_on_ctrl_c(zotero_show: tuple[Path, Path]):
    root, library = zotero_show
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-c", "from pipeline.cli import main; main()", "watch",
                                "--show", str(root), "-j", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or ()], daemon=True).start()
    try:
        line = lines.get(timeout=180)
        assert re.match(r"\d\d:\d\d:\d\d build: 1 built, 0 unchanged, 0 failed; .*new episode 01-", line), line
        library.write_text("@article{broken, title = {Unclosed\n")  # an export caught half-written
        line = lines.get(timeout=120)
        assert "My Library.bib changed" in line and "failed: reading list" in line and "malformed" in line, line
        time.sleep(WATCHER_START)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)  # stdout is the reader thread's; stderr holds a few lines at most
        err = process.stderr.read() if process.stderr else ""
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    time.sleep(0.2)  # the reader thread's last lines, if any
    assert lines.empty()  # one line per build, nothing else on stdout
    assert "stopped watching" in err and "Traceback" not in err and "WARNING" not in err, err
