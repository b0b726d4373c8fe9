"""Assembly and encoding, on synthetic tones (the end-to-end test uses real speech)."""

from __future__ import annotations

import array
import math
from pathlib import Path

from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from pydub import AudioSegment

from pipeline.audio import (LEAD_IN_MS, TAIL_MS, Segment, Tags, assemble, encode_mp3, mp3_duration,
                            to_episode_format)
from pipeline.config import AudioSettings
from pipeline.speech import Audio


def tone(seconds: float, rate: int, amplitude: int) -> Audio:
    count = int(seconds * rate)
    samples = array.array("h", (int(amplitude * math.sin(2 * math.pi * 220 * i / rate)) for i in range(count)))
    return Audio(samples.tobytes(), rate)


SETTINGS = AudioSettings(turn_pause_ms=300, section_pause_ms=700)


def test_turns_at_different_rates_and_levels_come_out_equally_loud():
    quiet = to_episode_format(tone(1.0, 22050, 1500), SETTINGS)
    loud = to_episode_format(tone(1.0, 24000, 20000), SETTINGS)
    a = AudioSegment(data=quiet, sample_width=2, frame_rate=44100, channels=1)
    b = AudioSegment(data=loud, sample_width=2, frame_rate=44100, channels=1)
    assert abs(len(a) - 1000) <= 1 and abs(len(b) - 1000) <= 1
    assert abs(a.dBFS - b.dBFS) < 0.5
    assert a.max_dBFS <= -1.0 + 0.01


def test_assemble_places_turns_sections_and_pauses(tmp_path: Path):
    segments = [
        Segment("intro", tone(1.0, 22050, 8000)),
        Segment("intro", tone(0.5, 22050, 8000)),
        Segment("paper-a", tone(2.0, 24000, 8000)),
        Segment("outro", tone(1.0, 22050, 8000)),
    ]
    timeline = assemble(segments, SETTINGS, tmp_path / "e.wav")
    lead = LEAD_IN_MS / 1000
    expected_turns = [
        ("intro", lead, lead + 1.0),
        ("intro", lead + 1.3, lead + 1.8),  # 300 ms between turns of a section
        ("paper-a", lead + 2.5, lead + 4.5),  # 700 ms between sections
        ("outro", lead + 5.2, lead + 6.2),
    ]
    for span, (section, start, end) in zip(timeline.turns, expected_turns):
        assert span.section == section
        assert abs(span.start - start) < 0.01 and abs(span.end - end) < 0.01
    total = lead + 6.2 + TAIL_MS / 1000
    assert abs(timeline.duration - total) < 0.01
    sections = timeline.sections()
    assert [s.section for s in sections] == ["intro", "paper-a", "outro"]
    assert sections[0].start == 0.0 and sections[-1].end == timeline.duration
    assert all(a.end == b.start for a, b in zip(sections, sections[1:]))  # back to back
    assert abs(sections[1].start - (lead + 2.5)) < 0.01
    wav = AudioSegment.from_wav(tmp_path / "e.wav")
    assert abs(len(wav) / 1000 - total) < 0.01 and wav.frame_rate == 44100 and wav.channels == 1


def test_assembly_joins_hundreds_of_turns_in_linear_time(tmp_path: Path):
    # 400 turns: a quadratic `+=` join would copy ~gigabytes; streaming writes each once.
    one_second = tone(1.0, 22050, 6000)
    segments = [Segment(f"s{i // 10}", one_second) for i in range(400)]
    timeline = assemble(segments, SETTINGS, tmp_path / "long.wav")
    assert len(timeline.turns) == 400 and len(timeline.sections()) == 40
    assert (tmp_path / "long.wav").stat().st_size > 400 * 44100 * 2


def test_encode_mp3_with_tags_and_cover(tmp_path: Path):
    from PIL import Image

    cover = tmp_path / "cover.png"
    Image.new("RGB", (1400, 1400), (10, 80, 120)).save(cover)
    assemble([Segment("intro", tone(3.0, 22050, 8000))], SETTINGS, tmp_path / "e.wav")
    target = tmp_path / "out" / "episode.mp3"
    encode_mp3(tmp_path / "e.wav", target, SETTINGS,
               Tags(title="Ep", artist="Host", album="Show", year="2026", comment="About", cover=cover))
    info = MP3(str(target)).info
    assert info.sample_rate == 44100 and info.channels == 1 and abs(info.bitrate - 64000) < 500
    assert abs(mp3_duration(target) - (3.0 + (LEAD_IN_MS + TAIL_MS) / 1000)) < 0.1
    tags = ID3(str(target))
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == "Ep" and str(tags["TPE1"]) == "Host" and str(tags["TALB"]) == "Show"
    assert str(tags["TCON"]) == "Podcast" and str(tags["TDRC"]) == "2026"
    assert tags.getall("APIC")[0].data == cover.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["episode.mp3"]  # no temporary left
    assert target.stat().st_mode & 0o044  # readable by a web server running as another user


def test_encoding_is_repeatable(tmp_path: Path):
    assemble([Segment("intro", tone(2.0, 22050, 8000))], SETTINGS, tmp_path / "e.wav")
    tags = Tags(title="Ep", artist="Host", album="Show", year="2026")
    encode_mp3(tmp_path / "e.wav", tmp_path / "a.mp3", SETTINGS, tags)
    encode_mp3(tmp_path / "e.wav", tmp_path / "b.mp3", SETTINGS, tags)
    assert (tmp_path / "a.mp3").read_bytes() == (tmp_path / "b.mp3").read_bytes()


def test_failed_encoding_leaves_the_old_file(tmp_path: Path):
    import pytest

    from pipeline.errors import AudioError

    target = tmp_path / "episode.mp3"
    target.write_bytes(b"previous episode")
    (tmp_path / "broken.wav").write_bytes(b"not a wav file")
    with pytest.raises(AudioError, match="ffmpeg could not encode episode.mp3"):
        encode_mp3(tmp_path / "broken.wav", target, SETTINGS, Tags("t", "a", "b", "2026"))
    assert target.read_bytes() == b"previous episode"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.wav", "episode.mp3"]
