"""Loudness: measure with ffmpeg's EBU R128 meter, and encode once at the gain (and limiter) that meets the target."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import AudioSettings
from ..errors import AudioError
from ..publish.spec import LOUDNESS_TARGET, LOUDNESS_TOLERANCE, MAX_TRUE_PEAK
from . import ffmpeg
from .encoder import Chapter, Encoder, Tags

# The default target (the show's is `AudioSettings.loudness`): -16 LUFS as played, see spec.py.
TARGET_LUFS = LOUDNESS_TARGET
# Gain alone while the WAV's gained peak stays below this: the true peak between samples
# and LAME's noise add up to about half a dB (and its 0.4 dB loss takes some back). An episode's
# peak is its turns' true peak (so this is stricter for it); a WAV metered here gives its sample peak.
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
class Loudness:
    """An encoded episode's measured loudness, and how encode_mp3 got it there."""

    integrated: float  # LUFS as played: a mono file metered as dual mono
    true_peak: float  # dBTP
    mode: str = ""  # "linear" (gain), "limited" (gain and a peak limiter), or "none" for silence

    @property
    def meets_target(self) -> bool:
        """Within 1 LU of -16 LUFS as played with true peak at most -1 dBTP (Apple's rule)."""
        return self.meets(TARGET_LUFS)

    def meets(self, target: float) -> bool:
        """Within 1 LU of `target` LUFS as played, with true peak at most -1 dBTP."""
        return abs(self.integrated - target) <= LOUDNESS_TOLERANCE and self.true_peak <= MAX_TRUE_PEAK




def _meter(path: Path, what: str, peak: str = "true", audio_filter: str = "") -> tuple[float, float]:
    """Integrated loudness (LUFS) and peak (dB) by ffmpeg's EBU R128 meter, or an AudioError naming `what`.

    `peak` is "true" (4x oversampled, half the meter's time), "sample" or "none" (the peak is
    then nan); with `audio_filter` the meter reads the file as that filter changes it.
    Loudness is as played: a mono file is metered as dual mono (both speakers), 3 LU above the
    same file metered as one channel; a stereo file is metered as it is.
    """
    # framelog=verbose keeps the meter's ten lines a second out of the log; the summary stays.
    meter = f"ebur128=peak={peak}:dualmono=true:framelog=verbose"
    log = ffmpeg.run(["-i", str(path), "-af", f"{audio_filter},{meter}" if audio_filter else meter, "-f", "null", "-"],
                  what)
    summary = log[log.rfind("Summary:"):]
    integrated, found_peak = re.search(r"I:\s+(\S+) LUFS", summary), re.search(r"Peak:\s+(\S+) dBFS", summary)
    if integrated is None or (peak != "none" and found_peak is None):
        raise AudioError(f"ffmpeg could not {what}: no ebur128 summary")
    return float(integrated.group(1)), float(found_peak.group(1)) if found_peak else float("nan")


def measure_loudness(path: Path) -> Loudness:
    """Integrated loudness as played (LUFS; mono as dual mono) and true peak (dBTP), by ffmpeg's EBU R128 meter."""
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
                what: str, encoder: Encoder) -> list[tuple[Path, Loudness]]:
    """Encode the WAV (`integrated` LUFS, sample `peak` dBFS) to the show's loudness in `temps[0]`, or in
    more of `temps` when a try misses; returns each try's file and loudness.
    """
    target = settings.loudness
    aim = target + encoder.loss_db  # what the WAV should measure after gain (and limiter)
    rate = settings.sample_rate
    plan = _plan(wav_path, integrated, aim, None if peak + aim - integrated <= _LINEAR_PEAK else _LIMIT, rate, what)
    tries: list[tuple[Path, Loudness, _Plan]] = []
    for temp in temps:
        encoder.encode(wav_path, temp, settings, plan.audio_filter(rate), what)
        result = Loudness(*_meter(temp, what), plan.mode)
        tries.append((temp, result, plan))
        if result.true_peak <= _PEAK_OK and (abs(result.integrated - target) <= _RETRY_LU or len(tries) > 1):
            break
        if len(tries) == 1:
            # Aim off by what encoding missed by, and hold the peaks lower by what it added to them.
            aim += target - result.integrated
            overshoot = result.true_peak - (peak + plan.gain if plan.limit is None else plan.limit)
            ceiling = _PEAK_OK - _PEAK_MARGIN - overshoot
            if plan.limit is None and peak + aim - integrated <= ceiling:
                plan = _plan(wav_path, integrated, aim, None, rate, what)
            else:
                plan = _plan(wav_path, integrated, aim, min(ceiling, _LIMIT if plan.limit is None else plan.limit),
                             rate, what)
        else:
            plan = _turned_down([(loudness, plan) for _, loudness, plan in tries], target)
    return [(temp, loudness) for temp, loudness, _ in tries]


def _turned_down(tries: Sequence[tuple[Loudness, _Plan]], target: float) -> _Plan:
    """For peaks no limiter held: a try turned down by its excess, the one that ends nearest `target` LUFS."""
    def cut(loudness: Loudness) -> float:
        # LAME lowers such peaks (square waves, tones at a quarter of the sample rate) by less
        # than the gain, the more so the bigger the cut: a margin that grows with it.
        excess = loudness.true_peak - _PEAK_OK
        return excess + max(_PEAK_MARGIN, excess / 4)
    loudness, plan = min(tries, key=lambda t: abs(t[0].integrated - cut(t[0]) - target))
    return replace(plan, trim=plan.trim - cut(loudness))



def encode_normalised(wav_path: Path, out_path: Path, settings: AudioSettings, tags: Tags,
                      chapters: Sequence[Chapter], encoder: Encoder,
                      measured: tuple[float, float] | None = None) -> Loudness:
    """Normalise a WAV to the show's loudness as played, encode it with `encoder` to `out_path`, measure it.

    The file appears at `out_path` only when complete (written beside it, then renamed).

    The WAV's loudness and sample peak are measured, then it is encoded once with the gain that
    brings it to the target, through a peak limiter when that gain would lift its peaks near
    -1 dBFS (the limiter's loss measured and made up first). The MP3 is measured, with its
    true peak. One more than 0.5 LU off, or over -1 dBTP, is encoded once more, correcting by
    what the first missed by; should that still be over -1 dBTP (content no speech engine
    makes, like square waves), a try is encoded once more turned down by its excess. The try
    nearest the target within the peak limit is kept. The same WAV gives the same bytes.
    `measured` is the WAV's loudness as played and its true peak when they are known already (an
    episode's, from its turns' figures): the WAV is then not metered first.
    """
    out_path.parent.mkdir(parents=True, exist_ok=True)
    what = f"encode {out_path.name}"
    # ffmpeg creates the temporary files itself, so they get the umask's mode like any other file.
    token = secrets.token_hex(6)
    temps = [out_path.with_name(f".{out_path.stem}.{token}.{n}{encoder.suffix}") for n in range(3)]
    try:
        # The sample peak: a true peak would double the time, and the MP3's is measured anyway.
        integrated, peak = measured if measured is not None else _meter(wav_path, what, "sample")
        if integrated <= -70.0:
            # Gating ignores anything below -70 LUFS: a silent episode has nothing to normalise.
            encoder.encode(wav_path, temps[0], settings, None, what)
            best, loudness = temps[0], Loudness(*_meter(temps[0], what), "none")
        else:
            tries = _normalised(wav_path, temps, settings, integrated, peak, what, encoder)
            best, loudness = min(tries, key=lambda t: (t[1].true_peak > _PEAK_OK,
                                                       abs(t[1].integrated - settings.loudness)))
        try:
            encoder.write_tags(best, tags, chapters)
            os.replace(best, out_path)
        except OSError as exc:  # a full disk, most likely: name the cause and the step, not a traceback
            raise AudioError(f"{(exc.strerror or str(exc)).lower()} while tagging {out_path.name}") from None
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
    return loudness


