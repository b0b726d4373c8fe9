"""A turn as episodes use it: resampled and levelled once where it is spoken, carried and cached as FLAC."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from typing import Any

from ..config import AudioSettings
from ..errors import AudioError
from ..speech.engine import Audio
from .assemble import to_episode_format
from .turnmeter import measure_turn


@dataclass(frozen=True)
class TurnAudio:
    """One turn in the episode's format (mono 16-bit at the episode rate), FLAC-compressed, its length in frames,
    and its loudness figures for the episode's meter (see turnmeter)."""

    flac: bytes
    frames: int
    sample_rate: int
    meter: bytes = b""

    @property
    def seconds(self) -> float:
        """Length in seconds."""
        return self.frames / self.sample_rate


def _soundfile() -> Any:
    # Imported when first used: only builds that speak or join turns need libsndfile.
    import soundfile

    return soundfile


def encode_flac(pcm: bytes, sample_rate: int) -> TurnAudio:
    """Mono 16-bit PCM → FLAC (lossless: the join gets back exactly these samples)."""
    import numpy

    samples = numpy.frombuffer(pcm, dtype="<i2")
    buffer = io.BytesIO()
    _soundfile().write(buffer, samples, sample_rate, format="FLAC", subtype="PCM_16")
    return TurnAudio(flac=buffer.getvalue(), frames=len(samples), sample_rate=sample_rate)


def decode_flac(data: bytes) -> Audio:
    """FLAC → mono 16-bit PCM and its rate, or an AudioError if the data is not such a file."""
    soundfile = _soundfile()
    try:
        samples, rate = soundfile.read(io.BytesIO(data), dtype="int16", always_2d=False)
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise AudioError(f"a cached turn is not readable FLAC ({exc})") from None
    if samples.ndim != 1:
        raise AudioError("a cached turn is not mono")
    return Audio(pcm=samples.astype("<i2", copy=False).tobytes(), sample_rate=int(rate))


def flac_frames(data: bytes) -> tuple[int, int]:
    """A FLAC's length in frames and its sample rate, read from its header."""
    info = _soundfile().info(io.BytesIO(data))
    return int(info.frames), int(info.samplerate)


def episode_turn(audio: Audio, settings: AudioSettings) -> TurnAudio:
    """What an engine spoke, resampled to the episode's rate and levelled (as assembly always did), as FLAC,
    with its loudness figures."""
    pcm = to_episode_format(audio, settings)
    turn = encode_flac(pcm, settings.sample_rate)
    return replace(turn, meter=measure_turn(pcm, settings.sample_rate).to_bytes())
