"""Chapters and transcripts from a script and the real assembled timeline, checked strictly."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest

from pipeline.audio import LEAD_IN_MS, Segment, Span, Timeline, assemble
from pipeline.config import AudioSettings
from pipeline.errors import AudioError
from pipeline.model import Script, Section, Turn
from pipeline.speech import Audio
from pipeline.publish.sidecars.write import (CUE_SECONDS, LINE_CHARS, chapters, chapters_json, cues, episode_files, srt,
                               transcript_json, webvtt, write_episode_files)

SETTINGS = AudioSettings(turn_pause_ms=300, section_pause_ms=700)
LONG = ("So what did they find? In a cohort of 4,212 adults followed for 9 years, those with the lowest "
        "microbial diversity had 2.3 times the migraine days of the rest, even after adjusting for diet, "
        "sleep, body-mass index & medication. That's a big effect; the authors call it \"striking.\" "
        "They also saw a dose-response curve.")
TURNS = (
    Turn(0, "Welcome to Gut Feelings <live>.", "Welcome to Gut Feelings live.", "intro"),
    Turn(1, "Thanks, Theo.", "Thanks, Theo.", "intro"),
    Turn(0, "First up, a paper by Tang et al. in Molecular Neurobiology, 2020.",
         "First up, a paper by Tang and colleagues in Molecular Neurobiology, twenty twenty.", "paper-tang2020"),
    Turn(1, LONG, "(spoken form)", "paper-tang2020"),
    Turn(0, "That's all for today.", "That's all for today.", "outro"),
)
SECTIONS = (
    Section("intro", "Introduction"),
    Section("paper-tang2020", "Gut Microbiota Dysbiosis Enhances Migraine-Like Pain Via TNFα Upregulation",
            "https://doi.org/10.1007/s12035-019-01721-7"),
    Section("outro", "Wrap-up"),
)
SCRIPT = Script(title="Signals from the gut", host_names=("Theo", "Maya"), turns=TURNS, sections=SECTIONS)
VTT_TIME = r"(\d{2}):(\d{2}):(\d{2})\.(\d{3})"
SRT_TIME = r"(\d{2}):(\d{2}):(\d{2}),(\d{3})"


def silence_then_buzz(seconds: float) -> Audio:
    """Stand-in speech of a given length (only its length matters here)."""
    count = int(seconds * 22050)
    return Audio(b"\x00\x00" * (count // 2) + b"\x10\x00" * (count - count // 2), 22050)


@pytest.fixture(scope="module")
def timeline(tmp_path_factory: pytest.TempPathFactory) -> Timeline:
    lengths = (1.5, 0.8, 3.0, 24.0, 1.2)  # the long turn needs several cues
    wav = tmp_path_factory.mktemp("wav") / "e.wav"
    return assemble([Segment(t.section, silence_then_buzz(s)) for t, s in zip(TURNS, lengths)], SETTINGS, wav)


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_vtt(text: str) -> list[tuple[float, float, str, list[str]]]:
    """A strict reader for what papercast writes: header, timing lines, one `<v Name>` per cue."""
    assert text.startswith("WEBVTT\n\n") and text.endswith("\n") and not text.endswith("\n\n")
    parsed = []
    for block in text[len("WEBVTT\n\n"):].split("\n\n"):
        timing, *payload = block.rstrip("\n").split("\n")
        found = re.fullmatch(f"{VTT_TIME} --> {VTT_TIME}", timing)
        assert found, timing
        assert 1 <= len(payload) <= 2
        voice = re.match(r"<v ([^>]+)>", payload[0])
        assert voice, payload[0]
        lines = [payload[0][voice.end():], *payload[1:]]
        for line in lines:
            assert "<" not in line and ">" not in line and "-->" not in line and line.strip() == line
            assert len(html.unescape(line)) <= LINE_CHARS or " " not in line  # as shown, not as escaped
        parsed.append((_seconds(*found.groups()[:4]), _seconds(*found.groups()[4:]), html.unescape(voice[1]),
                       [html.unescape(line) for line in lines]))
    return parsed


def parse_srt(text: str) -> list[tuple[float, float, str, str]]:
    """A strict SubRip reader: numbers from 1, comma timings, "Name: " first."""
    parsed = []
    for number, block in enumerate(text.rstrip("\n").split("\n\n"), start=1):
        index, timing, *lines = block.split("\n")
        assert index == str(number)
        found = re.fullmatch(f"{SRT_TIME} --> {SRT_TIME}", timing)
        assert found, timing
        assert 1 <= len(lines) <= 2 and all(len(line) <= LINE_CHARS for line in lines)
        speaker, said = " ".join(lines).split(": ", 1)
        parsed.append((_seconds(*found.groups()[:4]), _seconds(*found.groups()[4:]), speaker, said))
    return parsed


def test_one_chapter_per_section_timed_by_the_audio(timeline: Timeline) -> None:
    found = chapters(SCRIPT, timeline)
    spans = timeline.sections()
    assert [c.title for c in found] == [s.title for s in SECTIONS]
    assert [(c.start, c.end) for c in found] == [(s.start, s.end) for s in spans]
    assert [c.url for c in found] == ["", "https://doi.org/10.1007/s12035-019-01721-7", ""]
    assert found[0].start == 0.0 and found[-1].end == timeline.duration

    data = json.loads(chapters_json(found))
    assert data["version"] == "1.2.0" and len(data["chapters"]) == 3
    for item, span in zip(data["chapters"], spans):
        assert set(item) <= {"startTime", "title", "url", "endTime"}
        assert isinstance(item["title"], str) and item["title"]
        assert item["startTime"] == pytest.approx(span.start, abs=0.001)
        assert item["endTime"] == pytest.approx(span.end, abs=0.001)
    starts = [item["startTime"] for item in data["chapters"]]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert data["chapters"][1]["url"] == "https://doi.org/10.1007/s12035-019-01721-7"
    assert "url" not in data["chapters"][0]


def test_chapter_links_are_web_urls_made_ascii() -> None:
    odd = Script("t", ("A", "B"), (Turn(0, "x", "x", "paper-a"), Turn(0, "y", "y", "paper-b")), (
        Section("paper-a", "Old Wiley DOI", "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O"),
        Section("paper-b", "No web link", "urn:isbn:0451450523"),
    ))
    found = chapters(odd, Timeline((Span("paper-a", 0.3, 1.0), Span("paper-b", 1.5, 2.0)), 3.0))
    assert found[0].url == "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-O"
    assert found[1].url == ""


def test_webvtt_names_speakers_and_keeps_the_turns_times(timeline: Timeline) -> None:
    parsed = parse_vtt(webvtt(cues(SCRIPT, timeline)))
    by_turn: list[list[tuple[float, float, str, list[str]]]] = [[] for _ in TURNS]
    for cue in parsed:
        owner = [i for i, span in enumerate(timeline.turns) if span.start - 0.001 <= cue[0] < span.end]
        assert len(owner) == 1, cue
        by_turn[owner[0]].append(cue)
    for turn, span, turn_cues in zip(TURNS, timeline.turns, by_turn):
        assert {c[2] for c in turn_cues} == {SCRIPT.host_names[turn.host]}
        # the written text, whole and in order (not the spoken form)
        assert " ".join(" ".join(c[3]) for c in turn_cues) == turn.text
        assert turn_cues[0][0] == pytest.approx(span.start, abs=0.001)
        assert turn_cues[-1][1] == pytest.approx(span.end, abs=0.001)
        for a, b in zip(turn_cues, turn_cues[1:]):
            assert a[1] == b[0]  # back to back within a turn
    assert parsed[0][3] == ["Welcome to Gut Feelings <live>."]
    assert all(start < end for start, end, _, _ in parsed)
    assert [c[0] for c in parsed] == sorted(c[0] for c in parsed)


def test_long_turns_are_cut_at_sentences_into_short_cues_timed_by_characters(timeline: Timeline) -> None:
    span = timeline.turns[3]
    long_cues = [c for c in cues(SCRIPT, timeline) if span.start - 0.001 <= c.start < span.end]
    assert len(long_cues) >= 3
    for cue in long_cues:
        assert cue.end - cue.start <= CUE_SECONDS + 0.001
        assert len(cue.text) <= 2 * LINE_CHARS
        # time is shared out in proportion to characters
        share = len(cue.text) / sum(len(c.text) for c in long_cues)
        assert cue.end - cue.start == pytest.approx(share * (span.end - span.start), abs=0.002)
    assert long_cues[0].text == "So what did they find?" or long_cues[0].text.startswith("So what did they find? In")
    # a sentence that fits is never split: each one ends a cue or is followed by the next within it
    assert any(c.text.endswith('the authors call it "striking."') for c in long_cues)


def test_srt_numbers_and_times_its_cues(timeline: Timeline) -> None:
    parsed = parse_srt(srt(cues(SCRIPT, timeline)))
    vtt = parse_vtt(webvtt(cues(SCRIPT, timeline)))
    assert len(parsed) == len(vtt)
    for (start, end, speaker, said), (v_start, v_end, v_speaker, v_lines) in zip(parsed, vtt):
        assert (start, end, speaker) == (v_start, v_end, v_speaker)
        assert said == " ".join(v_lines)
    assert parsed[1][2:] == ("Maya", "Thanks, Theo.")


def test_json_transcript_schema(timeline: Timeline) -> None:
    all_cues = cues(SCRIPT, timeline)
    data = json.loads(transcript_json(all_cues))
    assert set(data) == {"version", "segments"} and data["version"] == "1.0.0"
    assert len(data["segments"]) == len(all_cues)
    for segment, cue in zip(data["segments"], all_cues):
        assert set(segment) == {"speaker", "startTime", "endTime", "body"}
        assert isinstance(segment["startTime"], float) and isinstance(segment["endTime"], float)
        assert 0 <= segment["startTime"] < segment["endTime"] <= timeline.duration
        assert segment["speaker"] in SCRIPT.host_names and segment["body"] == cue.text
    assert data["segments"][0]["startTime"] == LEAD_IN_MS / 1000


def test_episode_files_are_named_after_the_mp3_and_not_rewritten(tmp_path: Path, timeline: Timeline) -> None:
    files = write_episode_files(tmp_path, "01-gut-3f2a9c1d0e", SCRIPT, timeline)
    assert files == episode_files("01-gut-3f2a9c1d0e")
    assert files.all() == tuple(f"episodes/01-gut-3f2a9c1d0e{suffix}" for suffix in (
        ".mp3", ".txt", ".vtt", ".srt", ".transcript.json", ".chapters.json"))
    written = sorted(p.name for p in (tmp_path / "episodes").iterdir())
    assert written == sorted(Path(f).name for f in files.all()[1:])
    assert (tmp_path / files.text).read_text().startswith("Signals from the gut\n\nTheo: Welcome")
    parse_vtt((tmp_path / files.vtt).read_text())
    parse_srt((tmp_path / files.srt).read_text())
    assert json.loads((tmp_path / files.chapters).read_text())["version"] == "1.2.0"
    for relative in files.all()[1:]:
        os.utime(tmp_path / relative, ns=(1, 1))
    write_episode_files(tmp_path, "01-gut-3f2a9c1d0e", SCRIPT, timeline)
    assert all((tmp_path / r).stat().st_mtime_ns == 1 for r in files.all()[1:])  # same content: untouched


def test_a_script_that_does_not_match_the_audio_is_refused(timeline: Timeline) -> None:
    shorter = Script(SCRIPT.title, SCRIPT.host_names, TURNS[:-1], SECTIONS)
    with pytest.raises(AudioError, match="the script has 4 turns but the audio has 5"):
        cues(shorter, timeline)
    moved = Script(SCRIPT.title, SCRIPT.host_names, TURNS[:-1] + (Turn(0, "Bye.", "Bye.", "intro"),), SECTIONS)
    with pytest.raises(AudioError, match="turn 5 is in section 'intro' in the script but 'outro'"):
        chapters(moved, timeline)


def test_captions_keep_to_32_characters_a_line_as_podcast_index_asks() -> None:
    assert LINE_CHARS == 32
    turn = Turn(1, LONG + " " + LONG, "(spoken)", "paper-tang2020")
    script = Script("t", ("Theo", "Maya"), (turn,), SECTIONS[1:2])
    timeline = Timeline(turns=(Span("paper-tang2020", 0.0, 60.0),), duration=61.0)
    found = cues(script, timeline)
    for block in srt(found).strip().split("\n\n"):
        lines = block.split("\n")[2:]
        assert 1 <= len(lines) <= 2 and all(len(line) <= 32 for line in lines), lines
    assert all(len(html.unescape(line)) <= 32 for _, _, _, lines in parse_vtt(webvtt(found)) for line in lines)


NAMES = ("Our last paper comes from Noha M. Gamil and colleagues at Cairo University, published in 2025. "
         "It builds on work by Tang et al. from 2020. J. R. Smith and A. B. Jones disagree.")


@pytest.mark.parametrize("seconds", [30.0, 8.0])  # roomy cues, and cues cut short by time
def test_a_caption_is_never_split_inside_a_name_or_after_an_initial(seconds: float) -> None:
    script = Script("t", ("Theo", "Maya"), (Turn(1, NAMES, "(spoken)", "paper-tang2020"),), SECTIONS[1:2])
    timeline = Timeline(turns=(Span("paper-tang2020", 0.0, seconds),), duration=seconds + 1)
    found = cues(script, timeline)
    assert " ".join(cue.text for cue in found) == NAMES
    lines = [line for block in srt(found).strip().split("\n\n") for line in block.split("\n")[2:]]
    lines += [line for _, _, _, cue_lines in parse_vtt(webvtt(found)) for line in cue_lines]
    for text in [cue.text for cue in found] + lines:
        # No cue or line ends on an initial, or on "et", or starts with "al." or a surname after its initial.
        assert not re.search(r"(\b[A-Z]\.|\bet)$", text), text
        assert not re.match(r"(al\.|Gamil|Smith|Jones)\b", text.removeprefix("Maya: ")), text
    assert any("Noha M. Gamil" in line for line in lines) and any("Tang et al." in line for line in lines)
