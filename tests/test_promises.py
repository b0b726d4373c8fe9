"""Promises the README makes that nothing else held: what a setting change re-synthesises, and
what never changes once published (GUIDs, the show's podcast:guid, first publication dates)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from lxml import etree

from pipeline.build import build_show
from pipeline.config import Host
from pipeline.script.spoken import SpokenForm
from pipeline.speech import turn_key

PODCAST = "{https://podcastindex.org/namespace/1.0}"


def _items(show: Path) -> dict[str, dict[str, str]]:
    channel = etree.parse(str(show / "feed" / "feed.xml")).getroot().find("channel")
    return {item.findtext("title"): {"guid": item.findtext("guid"), "pubDate": item.findtext("pubDate")}
            for item in channel.iter("item")}


def _podcast_guid(show: Path) -> str:
    return etree.parse(str(show / "feed" / "feed.xml")).getroot().find(f"channel/{PODCAST}guid").text


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_each_voice_setting_is_part_of_its_hosts_turn_keys() -> None:
    host = Host(name="Theo", engine="pyttsx3", voice="gmw/en-us", rate=170, pitch=0.0)
    key = turn_key("They found a link.", host)
    for change in ({"rate": 180}, {"pitch": 2.0}, {"voice": "gmw/en-gb"}):
        assert turn_key("They found a link.", dataclasses.replace(host, **change)) != key, change
    # The host's name is not part of how the turn sounds: renaming re-synthesises nothing.
    assert turn_key("They found a link.", dataclasses.replace(host, name="Theodore")) == key


def test_a_rate_change_resynthesises_that_hosts_turns_only(show_dir: Path) -> None:
    first = build_show(show_dir, jobs=1)
    assert first.exit_code == 0 and first.turns_synthesized > 0
    _edit(show_dir / "papercast.toml", "rate = 170", "rate = 182")  # the second host
    second = build_show(show_dir, jobs=1)
    assert second.exit_code == 0
    # Only the second host's turns are spoken again (plus its pace measurement); the first's come from the cache.
    assert 0 < second.turns_synthesized < first.turns_synthesized
    assert second.turns_cached > 0


def test_guids_survive_a_new_base_url(show_dir: Path) -> None:
    assert build_show(show_dir, jobs=1).exit_code == 0
    before, show_guid = _items(show_dir), _podcast_guid(show_dir)
    _edit(show_dir / "papercast.toml", 'base_url = "http://127.0.0.1:8765/podcast"',
          'base_url = "https://podcasts.example.org/gut/"')
    assert build_show(show_dir, jobs=1).exit_code == 0
    after = _items(show_dir)
    assert {title: item["guid"] for title, item in after.items()} == {t: i["guid"] for t, i in before.items()}
    assert _podcast_guid(show_dir) == show_guid
    assert "https://podcasts.example.org/gut/" in (show_dir / "feed" / "feed.xml").read_text()


def test_an_undated_episode_keeps_its_first_pubdate(show_dir: Path) -> None:
    episode = show_dir / "episodes" / "02-second.toml"
    _edit(episode, "date = 2026-01-12\n", "")
    assert build_show(show_dir, jobs=1).exit_code == 0
    first = _items(show_dir)["Second"]["pubDate"]
    _edit(episode, 'title = "Second"', 'title = "Second"\ndescription = "Now with a description."')
    assert build_show(show_dir, jobs=1).exit_code == 0
    assert _items(show_dir)["Second"]["pubDate"] == first


def test_codes_with_leading_zeros_are_read_digit_by_digit() -> None:
    said = SpokenForm({}).say("Strain 0157 was used in trial 007.")
    assert "zero one five seven" in said and "zero zero seven" in said
    assert not re.search(r"\d", said)
