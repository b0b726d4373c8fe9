"""Assemble spoken turns into one episode: level, resample, join once, normalise, encode MP3, tag."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import wave
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TPE1,
    WXXX,
    CTOCFlags,
)
from mutagen.mp3 import MP3, HeaderNotFoundError
from pydub import AudioSegment

from ..config import AudioSettings
from ..errors import AudioError
from ..speech.engine import Audio

# Every turn is brought to this loudness so both hosts, and engines that speak at
# different levels, sound equally loud; the peak limit keeps loud turns from clipping.
TURN_LEVEL_DBFS = -20.0
PEAK_LIMIT_DBFS = -1.0
LEAD_IN_MS = 300
TAIL_MS = 1000

# Changes whenever encode_mp3 makes different bytes of the same WAV, so builds re-encode:
# 2 = loudnorm to -16 LUFS and ID3 chapters; 3 = measured gain (and a peak limiter) in one pass;
# 4 = the limiter's loss made up from one measurement.
ENCODING_VERSION = 4
# Apple's loudness rule for podcasts: -16 LUFS integrated, true peak at most -1 dBTP.
TARGET_LUFS = -16.0
MAX_TRUE_PEAK = -1.0
# LAME comes out about 0.4 dB quieter than its input (0.4-0.5 measured, a sine as much as speech).
_LAME_LOSS = 0.4
# Gain alone while the WAV's gained sample peak stays below this: the true peak between samples
# and LAME's noise add up to about half a dB (and its 0.4 dB loss takes some back).
_LINEAR_PEAK = -1.7
# Otherwise a limiter holds sample peaks at this ceiling: encoding its flattened peaks adds
# 0.4-0.9 dB of true peak (measured on espeak, Piper and hibari speech).
_LIMIT = -2.0
# A speech limiter's times: 5 ms look-ahead (attack), 50 ms release.
_ATTACK_MS = 5
_RELEASE_MS = 50
# The limiter's loss is made up by more gain: each dB of it adds about 0.65 LU (0.57-0.71
# measured on espeak, Piper and hibari episodes), so the usual 0.7 LU loss is made up to within
# 0.1 LU without measuring a second time, and the check after encoding catches the rest. Never
# by more than 6 dB: that would squash speech, not level it.
_LIMITER_SLOPE = 0.65
_MAX_EXTRA_GAIN = 6.0
# A result further than this from the target is encoded once more, aiming off by the error.
_RETRY_LU = 0.5
# A true peak over the limit is brought this far under it on the next try.
_PEAK_MARGIN = 0.3
# The meter shows tenths of a dB, so a true peak shown as -1.0 may be -0.96: one tenth of margin.
_PEAK_OK = MAX_TRUE_PEAK - 0.1


@dataclass(frozen=True)
class Segment:
    """One turn's audio and the section (chapter) it belongs to."""

    section: str
    audio: Audio


@dataclass(frozen=True)
class Span:
    """Where a turn (or a section) starts and ends in the assembled episode, in seconds."""

    section: str
    start: float
    end: float


@dataclass(frozen=True)
class Timeline:
    """Every turn's span in the assembled episode, and the episode's length."""

    turns: tuple[Span, ...]
    duration: float

    def sections(self) -> list[Span]:
        """One span per section, back to back from 0 to the end (as chapters are)."""
        starts: list[Span] = []
        for turn in self.turns:
            if not starts or starts[-1].section != turn.section:
                starts.append(turn)
        spans = []
        for index, first in enumerate(starts):
            start = 0.0 if index == 0 else first.start
            end = starts[index + 1].start if index + 1 < len(starts) else self.duration
            spans.append(Span(first.section, start, end))
        return spans


@dataclass(frozen=True)
class Chapter:
    """One chapter of the episode: a title, optional link, and its place in seconds."""

    title: str
    start: float
    end: float
    url: str = ""


@dataclass(frozen=True)
class Loudness:
    """An encoded episode's measured loudness, and how encode_mp3 got it there."""

    integrated: float  # LUFS
    true_peak: float  # dBTP
    mode: str = ""  # "linear" (gain), "limited" (gain and a peak limiter), or "none" for silence

    @property
    def meets_target(self) -> bool:
        """Within 1 LU of -16 LUFS with true peak at most -1 dBTP (Apple's rule)."""
        return abs(self.integrated - TARGET_LUFS) <= 1.0 and self.true_peak <= MAX_TRUE_PEAK


@dataclass(frozen=True)
class Tags:
    """ID3 tags written into the episode file."""

    title: str
    artist: str
    album: str
    year: str
    comment: str = ""
    cover: Path | None = None


def ffmpeg_path() -> str:
    """The ffmpeg executable, or an AudioError that says how to install it."""
    found = shutil.which("ffmpeg")
    if found is None:
        raise AudioError("ffmpeg is not installed; install it with: apt-get install ffmpeg")
    return found


def to_episode_format(audio: Audio, settings: AudioSettings) -> bytes:
    """Resample one turn to the episode's rate and bring it to the common level."""
    segment = AudioSegment(data=audio.pcm, sample_width=2, frame_rate=audio.sample_rate, channels=1)
    if segment.frame_rate != settings.sample_rate:
        segment = segment.set_frame_rate(settings.sample_rate)
    if segment.rms > 0:
        gain = TURN_LEVEL_DBFS - segment.dBFS
        gain = min(gain, PEAK_LIMIT_DBFS - segment.max_dBFS)
        segment = segment.apply_gain(gain)
    return segment.raw_data


def _silence(ms: int, settings: AudioSettings) -> bytes:
    return b"\x00\x00" * (settings.sample_rate * ms // 1000)


def assemble(segments: Iterable[Segment], settings: AudioSettings, wav_path: Path) -> Timeline:
    """Write the turns, with pauses, to one WAV file and return where each turn lies.

    Turns are streamed to disk one by one, so memory holds one turn, not the programme.
    """
    spans: list[Span] = []
    frames = 0
    rate = settings.sample_rate
    with wave.open(str(wav_path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)

        def write(pcm: bytes) -> None:
            nonlocal frames
            out.writeframes(pcm)
            frames += len(pcm) // 2

        write(_silence(LEAD_IN_MS, settings))
        for segment in segments:
            if spans:
                same = segment.section == spans[-1].section
                write(_silence(settings.turn_pause_ms if same else settings.section_pause_ms, settings))
            start = frames / rate
            write(to_episode_format(segment.audio, settings))
            spans.append(Span(segment.section, start, frames / rate))
        write(_silence(TAIL_MS, settings))
    if not spans:
        raise AudioError("an episode needs at least one turn")
    return Timeline(turns=tuple(spans), duration=frames / rate)


def _ffmpeg(arguments: list[str], what: str) -> str:
    """Run ffmpeg; return what it logged (its reports go to stderr) or raise naming `what`."""
    command = [ffmpeg_path(), "-nostdin", "-hide_banner", "-nostats", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        message = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise AudioError(f"ffmpeg could not {what}: {message}")
    return result.stderr


def _meter(path: Path, what: str, peak: str = "true", audio_filter: str = "") -> tuple[float, float]:
    """Integrated loudness (LUFS) and peak (dB) by ffmpeg's EBU R128 meter, or an AudioError naming `what`.

    `peak` is "true" (4x oversampled, half the meter's time), "sample" or "none" (the peak is
    then nan); with `audio_filter` the meter reads the file as that filter changes it.
    """
    # framelog=verbose keeps the meter's ten lines a second out of the log; the summary stays.
    meter = f"ebur128=peak={peak}:framelog=verbose"
    log = _ffmpeg(["-i", str(path), "-af", f"{audio_filter},{meter}" if audio_filter else meter, "-f", "null", "-"],
                  what)
    summary = log[log.rfind("Summary:"):]
    integrated, found_peak = re.search(r"I:\s+(\S+) LUFS", summary), re.search(r"Peak:\s+(\S+) dBFS", summary)
    if integrated is None or (peak != "none" and found_peak is None):
        raise AudioError(f"ffmpeg could not {what}: no ebur128 summary")
    return float(integrated.group(1)), float(found_peak.group(1)) if found_peak else float("nan")


def measure_loudness(path: Path) -> Loudness:
    """Integrated loudness (LUFS) and true peak (dBTP) of an audio file, by ffmpeg's EBU R128 meter."""
    return Loudness(*_meter(path, f"measure the loudness of {path.name}"))


@dataclass(frozen=True)
class _Plan:
    """How one encoding changes the level: a gain, a limiter's ceiling if the peaks need one, a trim after it."""

    gain: float  # dB
    limit: float | None = None  # dBFS, sample peak
    trim: float = 0.0  # dB after the limiter: scales the result, peaks and all

    @property
    def mode(self) -> str:
        return "linear" if self.limit is None else "limited"

    def audio_filter(self, rate: int) -> str:
        """The ffmpeg filter chain, for audio going out at `rate` Hz."""
        # Rounded, so the bytes depend on the plan and not on the last bits of a float.
        if self.limit is None:
            return f"volume={self.gain + self.trim:.2f}dB"
        # The limiter looks ahead by delaying the audio (by its attack, less a sample): pad the end
        # and cut as much from the start, and the timeline stays exact, as alimiter's `latency`
        # option does where FFmpeg has it (not 4.4). level=false: no raising it back to full scale.
        delay = rate * _ATTACK_MS // 1000 - 1
        ceiling = 10 ** (self.limit / 20)
        chain = (f"aresample={rate},volume={self.gain:.2f}dB,apad=pad_len={delay},"
                 f"alimiter=limit={ceiling:.4f}:attack={_ATTACK_MS}:release={_RELEASE_MS}:level=false,"
                 f"atrim=start_sample={delay}")
        return f"{chain},volume={self.trim:.2f}dB" if self.trim else chain


def _plan(wav_path: Path, integrated: float, aim: float, limit: float | None, rate: int, what: str) -> _Plan:
    """The gain that brings the WAV (`integrated` LUFS) to `aim` LUFS, through a limiter at `limit` if given."""
    gain = aim - integrated
    if limit is None:
        return _Plan(gain)
    # The limiter takes loudness (0.5-1 LU from speech levelled by `to_episode_format`), and
    # more gain gives it more to take: measure what it leaves at that gain (a quick pass, no
    # true peak) and add what it took, at the limiter's usual slope.
    deficit = aim - _meter(wav_path, what, "none", _Plan(gain, limit).audio_filter(rate))[0]
    if deficit <= 0.1:
        return _Plan(gain + deficit, limit)
    return _Plan(gain + min(deficit / _LIMITER_SLOPE, _MAX_EXTRA_GAIN), limit)


def _normalised(wav_path: Path, temps: Sequence[Path], settings: AudioSettings, integrated: float, peak: float,
                what: str) -> list[tuple[Path, Loudness]]:
    """Encode the WAV (`integrated` LUFS, sample `peak` dBFS) to -16 LUFS in `temps[0]`, or in more of
    `temps` when a try misses; returns each try's file and loudness.
    """
    aim = TARGET_LUFS + _LAME_LOSS  # what the WAV should measure after gain (and limiter)
    rate = settings.sample_rate
    plan = _plan(wav_path, integrated, aim, None if peak + aim - integrated <= _LINEAR_PEAK else _LIMIT, rate, what)
    tries: list[tuple[Path, Loudness, _Plan]] = []
    for temp in temps:
        _encode(wav_path, temp, settings, plan.audio_filter(rate), what)
        result = Loudness(*_meter(temp, what), plan.mode)
        tries.append((temp, result, plan))
        if result.true_peak <= _PEAK_OK and (abs(result.integrated - TARGET_LUFS) <= _RETRY_LU or len(tries) > 1):
            break
        if len(tries) == 1:
            # Aim off by what encoding missed by, and hold the peaks lower by what it added to them.
            aim += TARGET_LUFS - result.integrated
            overshoot = result.true_peak - (peak + plan.gain if plan.limit is None else plan.limit)
            ceiling = _PEAK_OK - _PEAK_MARGIN - overshoot
            if plan.limit is None and peak + aim - integrated <= ceiling:
                plan = _plan(wav_path, integrated, aim, None, rate, what)
            else:
                plan = _plan(wav_path, integrated, aim, min(ceiling, _LIMIT if plan.limit is None else plan.limit),
                             rate, what)
        else:
            plan = _turned_down([(loudness, plan) for _, loudness, plan in tries])
    return [(temp, loudness) for temp, loudness, _ in tries]


def _turned_down(tries: Sequence[tuple[Loudness, _Plan]]) -> _Plan:
    """For peaks no limiter held: a try turned down by its excess, the one that ends nearest -16 LUFS."""
    def cut(loudness: Loudness) -> float:
        # LAME lowers such peaks (square waves, tones at a quarter of the sample rate) by less
        # than the gain, the more so the bigger the cut: a margin that grows with it.
        excess = loudness.true_peak - _PEAK_OK
        return excess + max(_PEAK_MARGIN, excess / 4)
    loudness, plan = min(tries, key=lambda t: abs(t[0].integrated - cut(t[0]) - TARGET_LUFS))
    return replace(plan, trim=plan.trim - cut(loudness))


def encode_mp3(wav_path: Path, mp3_path: Path, settings: AudioSettings, tags: Tags,
               chapters: Sequence[Chapter] = ()) -> Loudness:
    """Normalise a WAV file to -16 LUFS, encode it to a tagged mono MP3 at `mp3_path` (atomically), measure it.

    The WAV's loudness and sample peak are measured, then it is encoded once with the gain that
    brings it to -16 LUFS, through a peak limiter when that gain would lift its peaks near
    -1 dBFS (the limiter's loss measured and made up first). The MP3 is measured, with its
    true peak. One more than 0.5 LU off, or over -1 dBTP, is encoded once more, correcting by
    what the first missed by; should that still be over -1 dBTP (content no speech engine
    makes, like square waves), a try is encoded once more turned down by its excess. The try
    nearest -16 LUFS within the peak limit is kept. The same WAV gives the same bytes.
    """
    mp3_path.parent.mkdir(parents=True, exist_ok=True)
    what = f"encode {mp3_path.name}"
    # ffmpeg creates the temporary files itself, so they get the umask's mode like any other file.
    token = secrets.token_hex(6)
    temps = [mp3_path.with_name(f".{mp3_path.stem}.{token}.{n}.mp3") for n in range(3)]
    try:
        # The sample peak: a true peak would double the time, and the MP3's is measured anyway.
        integrated, peak = _meter(wav_path, what, "sample")
        if integrated <= -70.0:
            # Gating ignores anything below -70 LUFS: a silent episode has nothing to normalise.
            _encode(wav_path, temps[0], settings, None, what)
            best, loudness = temps[0], Loudness(*_meter(temps[0], what), "none")
        else:
            tries = _normalised(wav_path, temps, settings, integrated, peak, what)
            best, loudness = min(tries, key=lambda t: (t[1].true_peak > _PEAK_OK, abs(t[1].integrated - TARGET_LUFS)))
        write_tags(best, tags, chapters)
        os.replace(best, mp3_path)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
    return loudness


def _encode(wav_path: Path, mp3_path: Path, settings: AudioSettings, audio_filter: str | None, what: str) -> None:
    """One ffmpeg run from WAV to untagged CBR MP3, through `audio_filter` if given."""
    _ffmpeg([
        "-y", "-i", str(wav_path), "-map_metadata", "-1", *(["-af", audio_filter] if audio_filter else []),
        "-ac", "1", "-ar", str(settings.sample_rate),
        "-codec:a", "libmp3lame", "-b:a", settings.bitrate,
        # bitexact keeps the encoder's version string out, so equal input gives equal bytes.
        "-fflags", "+bitexact", "-flags:a", "+bitexact",
        "-id3v2_version", "0", "-write_id3v1", "0",
        "-f", "mp3", str(mp3_path),
    ], what)


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def write_tags(mp3_path: Path, tags: Tags, chapters: Sequence[Chapter] = ()) -> None:
    """Write ID3v2.3 tags (title, artist, album, year, genre Podcast, cover art, CHAP/CTOC chapters)."""
    # ffmpeg wrote no tags (-id3v2_version 0), so these are the file's only tags.
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TDRC(encoding=3, text=tags.year))
    id3.add(TCON(encoding=3, text="Podcast"))
    if tags.comment:
        id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
    if tags.cover is not None:
        mime = "image/png" if tags.cover.suffix.lower() == ".png" else "image/jpeg"
        id3.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=tags.cover.read_bytes()))
    if chapters:
        # Times are those of the WAV: ffmpeg writes the encoder delay into the LAME header and
        # decoders that honour it (ffmpeg, browsers, Apple's) play the WAV's timeline exactly;
        # one that ignores it hears everything 25 ms late, which no listener notices.
        ids = [f"chp{number}" for number in range(len(chapters))]
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=3, text="Chapters")]))
        for element_id, chapter in zip(ids, chapters):
            frames = [TIT2(encoding=3, text=chapter.title)]
            if chapter.url:
                frames.append(WXXX(encoding=3, desc="", url=chapter.url))
            # 0xFFFFFFFF: no byte offsets, the times alone place the chapter.
            id3.add(CHAP(element_id=element_id, start_time=_ms(chapter.start), end_time=_ms(chapter.end),
                         start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF, sub_frames=frames))
    id3.save(str(mp3_path), v2_version=3)


def mp3_duration(path: Path) -> float:
    """The real playing time of an MP3 file in seconds."""
    try:
        return float(MP3(str(path)).info.length)
    except (HeaderNotFoundError, OSError) as exc:
        raise AudioError(f"{path}: not a readable MP3 ({exc})") from None
