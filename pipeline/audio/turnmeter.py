"""Loudness measured per turn where it is spoken, and the episode's loudness rebuilt from the turns' figures.

ITU-R BS.1770 (EBU R128) meters an episode in 400 ms blocks every 100 ms: the mean square of
the K-weighted signal in each block, gated at -70 LUFS and then 10 LU below the blocks' mean.
A turn stores the K-weighted energy of its 10 ms sub-blocks (its filter's tail included), so
the episode's blocks are rebuilt wherever the turn lands, the pauses counting as silence; and
its sample and true peak (4x oversampled), the largest of which is the episode's. Loudness is
as played: a mono episode is counted as dual mono (both speakers), as `loudness._meter` does.
"""

from __future__ import annotations

import functools
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Sub-blocks per second: a turn's energies land on the episode's 10 ms grid, so a turn that does
# not start on it moves at most 5 ms of energy to a neighbouring sub-block (split in proportion).
SUB_BLOCKS_PER_SECOND = 100
_HOP_SUB_BLOCKS = 10  # 100 ms between blocks
_BLOCK_SUB_BLOCKS = 40  # 400 ms blocks
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0
# Mono played on both speakers is twice the power of one channel: +3.01 LU (BS.1770's channel sum).
_DUAL_MONO = 2.0
_OVERSAMPLE = 4
_TAPS_PER_PHASE = 16
_HEADER = struct.Struct("<4sIdd")
_MAGIC = b"ptm1"


@dataclass(frozen=True)
class TurnLoudness:
    """A turn's figures for the episode's meter: K-weighted energy per sub-block (from its first frame), peaks."""

    rate: int
    energies: bytes  # float64 little-endian: the sum of squared K-weighted samples in each sub-block
    sample_peak: float  # linear, full scale 1.0
    true_peak: float  # linear, 4x oversampled

    def to_bytes(self) -> bytes:
        """The figures as stored beside the turn in the cache and carried to the episode's job."""
        return _HEADER.pack(_MAGIC, self.rate, self.sample_peak, self.true_peak) + self.energies

    @classmethod
    def from_bytes(cls, data: bytes) -> TurnLoudness:
        """The figures `to_bytes` wrote; ValueError when they are not such figures."""
        if len(data) < _HEADER.size or (len(data) - _HEADER.size) % 8:
            raise ValueError("turn loudness figures are cut short")
        magic, rate, sample_peak, true_peak = _HEADER.unpack_from(data)
        if magic != _MAGIC or rate <= 0:
            raise ValueError("not turn loudness figures")
        return cls(rate, data[_HEADER.size:], sample_peak, true_peak)


def _numpy() -> Any:
    import numpy

    return numpy


def _biquad_response(b: Sequence[float], a: Sequence[float], x: Any) -> Any:
    """A biquad applied to a short signal (the impulse response is built once per rate)."""
    out = _numpy().zeros(len(x))
    x1 = x2 = y1 = y2 = 0.0
    for index, value in enumerate(x):
        y = b[0] * value + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
        x2, x1, y2, y1 = x1, float(value), y1, y
        out[index] = y
    return out


@functools.cache
def _k_weighting(rate: int) -> Any:
    """The K-weighting filter's impulse response at `rate` Hz, 50 ms long (its tail has decayed below 1e-6).

    The coefficients are BS.1770's shelf and high-pass, derived for any rate as libebur128 does.
    """
    np = _numpy()
    k = math.tan(math.pi * 1681.974450955533 / rate)
    q = 0.7071752369554196
    vh = 10 ** (3.999843853973347 / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0)
    shelf_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    k = math.tan(math.pi * 38.13547087602444 / rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    impulse = np.zeros(max(1, rate // 20))
    impulse[0] = 1.0
    return _biquad_response((1.0, -2.0, 1.0), high_a, _biquad_response(shelf_b, shelf_a, impulse))


@functools.cache
def _oversampling_phases() -> Any:
    """The 3 in-between phases of a 4x interpolator (Kaiser-windowed sinc, 16 taps a phase)."""
    np = _numpy()
    taps = _OVERSAMPLE * _TAPS_PER_PHASE
    positions = np.arange(taps) - (taps - 1) / 2 - 0.5  # phase 0 falls on the samples themselves
    prototype = np.sinc(positions / _OVERSAMPLE) * np.kaiser(taps, 8.0)
    # Phase 0 is the samples themselves (the sinc is zero at every other sample); each phase passes DC at 1.
    return [prototype[phase::_OVERSAMPLE] / prototype[phase::_OVERSAMPLE].sum() for phase in range(1, _OVERSAMPLE)]


_FFT_SIZE = 1 << 15  # overlap-add: each piece of the turn is filtered through one FFT of this size
_PEAK_BLOCK = 1024  # frames: a block whose loudest samples cannot make the true peak is not oversampled
_SCALE = 1 / 32768


@functools.cache
def _k_spectrum(rate: int) -> Any:
    return _numpy().fft.rfft(_k_weighting(rate), _FFT_SIZE)


def _k_energies(samples: Any, rate: int) -> Any:
    """The K-weighted signal's energy per sub-block, its 50 ms tail past the end included.

    Overlap-add FFT convolution a piece at a time (pieces a whole number of sub-blocks long), so
    memory holds one piece in floating point, not the turn: a turn may be minutes long.
    """
    np = _numpy()
    taps = len(_k_weighting(rate))
    spectrum = _k_spectrum(rate)
    sub_block = rate // SUB_BLOCKS_PER_SECOND
    step = (_FFT_SIZE - taps + 1) // sub_block * sub_block
    total = -(-(len(samples) + taps - 1) // sub_block)
    energies = np.zeros(total)
    carry = np.zeros(taps - 1)
    for start in range(0, len(samples), step):
        piece = samples[start:start + step].astype(np.float64) * _SCALE
        out = np.fft.irfft(np.fft.rfft(piece, _FFT_SIZE) * spectrum, _FFT_SIZE)[:len(piece) + taps - 1]
        out[:taps - 1] += carry
        done, carry = out[:len(piece)], out[len(piece):]
        if len(piece) < step:  # the last piece: the tail is done too
            done, carry = out, carry[:0]
        squares = np.square(done)
        squares = np.concatenate([squares, np.zeros(-len(squares) % sub_block)])
        first = start // sub_block
        sums = squares.reshape(-1, sub_block).sum(axis=1)
        energies[first:first + len(sums)] += sums
    if len(carry):  # the turn ended on a piece's edge: its tail is what is carried
        squares = np.concatenate([np.square(carry), np.zeros(-len(carry) % sub_block)])
        first = len(samples) // sub_block
        sums = squares.reshape(-1, sub_block).sum(axis=1)
        energies[first:first + len(sums)] += sums
    return energies


def _true_peak(samples: Any, sample_peak: float) -> float:
    """The largest magnitude of the 4x oversampled signal (full scale 1.0).

    Only blocks that could reach it are oversampled: an interpolated value is at most the sum of
    its phase's absolute taps times the largest sample under them, so a block whose bound is
    below the peak found so far (at least the sample peak) cannot hold the true peak.
    """
    np = _numpy()
    phases = _oversampling_phases()
    reach = max(float(np.abs(phase).sum()) for phase in phases) * _SCALE
    margin = _TAPS_PER_PHASE
    blocks = -(-len(samples) // _PEAK_BLOCK)
    starts = np.arange(blocks) * _PEAK_BLOCK
    loudest = np.maximum.reduceat(np.abs(samples.astype(np.int32)), starts)
    # A block's value may come from samples up to `margin` into its neighbours.
    near = np.maximum(loudest, np.maximum(np.concatenate([[0], loudest[:-1]]), np.concatenate([loudest[1:], [0]])))
    bounds = near * reach
    best = sample_peak
    for block in np.argsort(-bounds, kind="stable"):
        if bounds[block] <= best:
            break
        # The block with `margin` samples either side (silence beyond the turn's ends): every value
        # computed is computed from all the samples it depends on.
        first, end = int(block) * _PEAK_BLOCK - margin, (int(block) + 1) * _PEAK_BLOCK + margin
        piece = np.concatenate([np.zeros(max(0, -first)), samples[max(0, first):end].astype(np.float64) * _SCALE,
                                np.zeros(max(0, end - len(samples)))])
        best = max([best, *(float(np.abs(np.convolve(piece, phase, "valid")).max()) for phase in phases)])
    return best


def measure_turn(pcm: bytes, rate: int) -> TurnLoudness:
    """The figures of a turn in the episode's format (mono 16-bit PCM at `rate` Hz)."""
    np = _numpy()
    samples = np.frombuffer(pcm, dtype="<i2")
    if not len(samples):
        return TurnLoudness(rate, b"", 0.0, 0.0)
    sample_peak = max(int(samples.max()), -int(samples.min())) * _SCALE
    return TurnLoudness(rate, _k_energies(samples, rate).astype("<f8").tobytes(), sample_peak,
                        _true_peak(samples, sample_peak))


@dataclass(frozen=True)
class EpisodeLoudness:
    """The joined episode's loudness as the turns' figures give it."""

    integrated: float  # LUFS as played (mono as dual mono); -inf when every block is gated out
    sample_peak: float  # dBFS
    true_peak: float  # dBTP


class EpisodeMeter:
    """Places each turn's sub-block energies at its frame in the episode and gates the blocks they make."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.step = rate // SUB_BLOCKS_PER_SECOND
        self.grid: list[Any] = []  # (first sub-block, energies) per turn, summed at the end
        self.sample_peak = self.true_peak = 0.0

    def add(self, start_frame: int, figures: TurnLoudness) -> None:
        """A turn that starts at `start_frame` of the episode."""
        np = _numpy()
        if figures.rate != self.rate:
            raise ValueError(f"turn loudness figures at {figures.rate} Hz for an episode at {self.rate} Hz")
        energies = np.frombuffer(figures.energies, dtype="<f8")
        first, offset = divmod(start_frame, self.step)
        late = offset / self.step  # the share of each sub-block that falls in the next grid sub-block
        placed = np.zeros(len(energies) + 1)
        placed[:-1] += energies * (1 - late)
        placed[1:] += energies * late
        self.grid.append((first, placed))
        self.sample_peak = max(self.sample_peak, figures.sample_peak)
        self.true_peak = max(self.true_peak, figures.true_peak)

    def result(self, frames: int) -> EpisodeLoudness:
        """The episode's integrated loudness and peaks, for an episode `frames` long."""
        np = _numpy()
        grid = np.zeros(max([-(-frames // self.step), *(first + len(e) for first, e in self.grid)]))
        for first, placed in self.grid:
            grid[first:first + len(placed)] += placed
        whole = (frames - _BLOCK_SUB_BLOCKS * self.step) // (_HOP_SUB_BLOCKS * self.step) + 1
        sums = np.cumsum(np.concatenate([[0.0], grid]))
        starts = np.arange(max(0, whole)) * _HOP_SUB_BLOCKS
        powers = _DUAL_MONO * (sums[starts + _BLOCK_SUB_BLOCKS] - sums[starts]) / (_BLOCK_SUB_BLOCKS * self.step)
        return EpisodeLoudness(_gated(powers), _db(self.sample_peak), _db(self.true_peak))


def _loudness(power: float) -> float:
    return -0.691 + 10 * math.log10(power) if power > 0 else -math.inf


def _gated(powers: Any) -> float:
    """BS.1770's integrated loudness of blocks' channel-summed powers: absolute gate, then relative."""
    np = _numpy()
    threshold = 10 ** ((_ABSOLUTE_GATE + 0.691) / 10)
    loud = powers[powers > threshold]
    if not len(loud):
        return -math.inf
    relative = 10 ** ((_loudness(float(np.mean(loud))) + _RELATIVE_GATE + 0.691) / 10)
    kept = loud[loud > relative]
    return _loudness(float(np.mean(kept)))


def _db(linear: float) -> float:
    return 20 * math.log10(linear) if linear > 0 else -math.inf
