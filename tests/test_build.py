"""End to end with the real pyttsx3 engine: a small show built, parsed by real feed readers."""

from __future__ import annotations

import array
import json

import feedparser
import lxml.etree
import podcastparser
import pytest
from pydub import AudioSegment
from pydub.silence import detect_silence

from pipeline.audio import mp3_duration
from pipeline.build import build_show
from pipeline.publish.records import load_records
from pipeline.publish.spec import PODCAST_NS
from pipeline.config import load_show
from pipeline.errors import ConfigError
from tests.conftest import make_show


def _zcr_windows(segment: AudioSegment, window_ms: int = 400) -> list[float]:
    """Zero crossings per second of each voiced window (a rough pitch proxy)."""
    rates = []
    for start in range(0, len(segment) - window_ms, window_ms):
        window = segment[start:start + window_ms]
        if window.dBFS < -35:
            continue
        samples = array.array("h", window.raw_data)
        crossings = sum((a < 0) != (b < 0) for a, b in zip(samples, samples[1:]))
        rates.append(crossings / (window_ms / 1000))
    return rates


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    root = make_show(tmp_path_factory.mktemp("e2e") / "show")
    report = build_show(root)
    return root, report


def test_build_reports_every_episode_built(built):
    root, report = built
    assert report.failed == []
    assert sorted(report.built) == ["01-first", "02-second"]
    assert report.turns_synthesized > 10 and report.exit_code == 0


def test_feed_matches_the_files_for_real_feed_readers(built):
    root, _ = built
    feed_xml = root / "feed" / "feed.xml"
    parsed = feedparser.parse(feed_xml.read_bytes())
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == ["Second", "First"]  # newest first
    with feed_xml.open("rb") as handle:
        podcast = podcastparser.parse("http://127.0.0.1:8765/podcast/feed.xml", handle)
    assert len(podcast["episodes"]) == 2
    for episode in podcast["episodes"]:
        enclosure = episode["enclosures"][0]
        relative = enclosure["url"].removeprefix("http://127.0.0.1:8765/podcast/")
        path = root / "feed" / relative
        assert enclosure["file_size"] == path.stat().st_size
        assert enclosure["mime_type"] == "audio/mpeg"
        assert abs(episode["total_time"] - mp3_duration(path)) <= 1.0
        assert episode["guid"]
    assert podcast["title"] == "Test Show"


def test_every_episode_has_both_voices_and_no_silent_gaps(built):
    root, _ = built
    for mp3 in sorted((root / "feed" / "episodes").glob("*.mp3")):
        audio = AudioSegment.from_mp3(mp3)
        rates = _zcr_windows(audio)
        # The male voice (gmw/en-us) crosses zero about 2,300 times a second, the f3 variant
        # about 3,300: an episode with both hosts has plenty of windows on each side.
        assert sum(r < 2700 for r in rates) > 5, mp3.name
        assert sum(r > 3000 for r in rates) > 5, mp3.name
        assert detect_silence(audio, min_silence_len=1500, silence_thresh=-50) == []


def test_transcripts_name_both_hosts_and_every_paper(built):
    root, _ = built
    records = load_records(load_show(root).state_dir)
    second = (root / "feed" / records["02-second"].transcript).read_text()
    assert "Theo:" in second and "Maya:" in second
    assert "A causal effect of gut microbiota in the development of migraine" in second
    assert "Gut microbiota, probiotics, and migraine: a clinical review and meta-analysis" in second


def test_second_build_does_nothing_and_changes_no_file(built):
    root, _ = built
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (root / "feed").rglob("*") if p.is_file()}
    report = build_show(root)
    assert report.built == [] and sorted(report.reused) == ["01-first", "02-second"]
    assert report.turns_synthesized == 0
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (root / "feed").rglob("*") if p.is_file()}
    assert after == before


def test_a_broken_episode_keeps_its_previous_version(built):
    root, _ = built
    definition = root / "episodes" / "01-first.toml"
    original = definition.read_text()
    feed_before = (root / "feed" / "feed.xml").read_bytes()
    try:
        definition.write_text(original.replace("tang2020dysbiosis", "no_such_paper"))
        report = build_show(root)
        assert [name for name, _ in report.failed] == ["01-first"]
        assert "no entry 'no_such_paper'" in report.failed[0][1]
        assert report.exit_code == 1
        assert (root / "feed" / "feed.xml").read_bytes() == feed_before
    finally:
        definition.write_text(original)


def test_a_broken_show_config_writes_nothing(built):
    root, _ = built
    config = root / "papercast.toml"
    original = config.read_text()
    listing = sorted((root / "feed").rglob("*"))
    try:
        config.write_text(original.replace('language = "en"', 'language = "English"'))
        with pytest.raises(ConfigError, match="not a language code"):
            build_show(root)
        assert sorted((root / "feed").rglob("*")) == listing
    finally:
        config.write_text(original)


def test_records_keep_guid_and_date(built):
    root, _ = built
    data = json.loads((root / ".papercast" / "published.json").read_text())
    assert data["episodes"]["01-first"]["published"].startswith("2026-01-05")
    guid = data["episodes"]["01-first"]["guid"]
    build_show(root)
    assert json.loads((root / ".papercast" / "published.json").read_text())["episodes"]["01-first"]["guid"] == guid


def test_a_client_subscribes_over_http_and_downloads_everything(built):
    """What a podcast app does: fetch the served feed, then every enclosure, chapter and transcript."""
    import threading
    import urllib.request

    from pipeline.publish.serve import make_server

    root, _ = built
    server = make_server(root / "feed", "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with urllib.request.urlopen(base + "feed.xml") as response:
            feed = response.read()
        podcast = podcastparser.parse(base + "feed.xml", __import__("io").BytesIO(feed))
        assert len(podcast["episodes"]) == 2
        for episode in podcast["episodes"]:
            enclosure = episode["enclosures"][0]
            local = enclosure["url"].removeprefix("http://127.0.0.1:8765/podcast/")
            with urllib.request.urlopen(base + local) as response:
                assert response.headers["Content-Type"] == "audio/mpeg"
                assert len(response.read()) == enclosure["file_size"]
            # Apps seek with ranges: the last kilobyte comes back as 206 with the right bytes.
            request = urllib.request.Request(base + local, headers={"Range": "bytes=-1024"})
            with urllib.request.urlopen(request) as response:
                assert response.status == 206
                assert response.read() == (root / "feed" / local).read_bytes()[-1024:]
            # gPodder shows the chapters from psc:chapters in the item.
            assert [c["title"] for c in episode["chapters"]][0] == "Introduction"
        items = lxml.etree.fromstring(feed).findall("channel/item")
        for item in items:
            for tag in item.iter(f"{{{PODCAST_NS}}}chapters", f"{{{PODCAST_NS}}}transcript"):
                linked = tag.get("url").removeprefix("http://127.0.0.1:8765/podcast/")
                with urllib.request.urlopen(base + linked) as response:
                    assert response.read() == (root / "feed" / linked).read_bytes()
    finally:
        server.shutdown()
        server.server_close()


def test_published_episodes_measure_as_played_and_carry_strict_tags_and_chapters(built):
    """Real speech, as published: -16 LUFS as played (mono on both speakers) within 1 LU, true peak
    at most -1 dBTP; ID3v2.3 with TYER that id3lib reads; chapters gPodder's parser sees."""
    import re
    import shutil
    import subprocess

    from mutagen.mp3 import MP3

    root, _ = built
    mp3s = sorted((root / "feed" / "episodes").glob("*.mp3"))
    assert len(mp3s) == 2
    for mp3 in mp3s:
        info = MP3(mp3).info
        assert (info.channels, round(info.bitrate / 1000), info.sample_rate) == (1, 96, 44100)
        log = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", str(mp3), "-af",
                              "pan=stereo|c0=c0|c1=c0,loudnorm=print_format=json", "-f", "null", "-"],
                             capture_output=True, text=True, check=True).stderr  # as players play it
        report = json.loads(re.findall(r"\{[^{}]*\}", log)[-1])
        assert abs(float(report["input_i"]) - -16.0) <= 1.0 and float(report["input_tp"]) <= -1.0, report
        if shutil.which("id3v2"):
            listing = subprocess.run(["id3v2", "-l", str(mp3)], capture_output=True, text=True).stdout
            assert re.search(r"^TYER \(Year\): 20\d\d$", listing, re.M), listing
    with (root / "feed" / "feed.xml").open("rb") as handle:
        podcast = podcastparser.parse("http://127.0.0.1:8765/podcast/feed.xml", handle)
    for episode in podcast["episodes"]:
        chapters = json.loads((root / "feed" / episode["enclosures"][0]["url"].removeprefix(
            "http://127.0.0.1:8765/podcast/").replace(".mp3", ".chapters.json")).read_text())["chapters"]
        assert [c["title"] for c in episode["chapters"]] == [c["title"] for c in chapters]
        assert [c["start"] for c in episode["chapters"]] == [int(c["startTime"]) for c in chapters]
