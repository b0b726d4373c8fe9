"""The turn cache: synthesised audio stored by a hash of everything that shapes it."""

from __future__ import annotations

import functools
import hashlib
import json
import struct
from pathlib import Path

from ..config import Host
from ..fsutil import atomic_write
from .engine import Audio
from .registry import get_engine


@functools.cache
def voice_version(engine: str, voice: str) -> str:
    """The version of an engine's voice (package and model), remembered for the life of the process."""
    # Package metadata (and a model file's hash) is slow to read; a build asks once per turn.
    return get_engine(engine).voice_version(voice)


def turn_key(text: str, host: Host) -> str:
    """A hash of everything that shapes a turn's audio: text, engine, voice and their versions, rate, pitch."""
    fingerprint = {
        "text": text, "engine": host.engine, "voice": host.voice, "rate": host.rate, "pitch": host.pitch,
        "engine_version": voice_version(host.engine, host.voice),
    }
    return hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()


# A cache entry is a WAV file with one chunk of papercast's own before the audio: the SHA-256
# of the audio and its length in frames. Players skip the chunk; the cache checks both on
# every read, so a truncated, garbled or half-replaced entry is never returned.
_CHECK_CHUNK = b"pcck"
_CHECK = struct.Struct("<32sQ")
_FORMAT = struct.Struct("<HHIIHH")  # PCM, channels, rate, bytes per second, block align, bits


def _chunk(name: bytes, data: bytes) -> bytes:
    return name + struct.pack("<I", len(data)) + data + b"\0" * (len(data) % 2)


def encode_entry(audio: Audio) -> bytes:
    """A turn's audio as a self-checking WAV file."""
    fmt = _FORMAT.pack(1, 1, audio.sample_rate, audio.sample_rate * 2, 2, 16)
    check = _CHECK.pack(hashlib.sha256(audio.pcm).digest(), len(audio.pcm) // 2)
    body = b"WAVE" + _chunk(b"fmt ", fmt) + _chunk(_CHECK_CHUNK, check) + _chunk(b"data", audio.pcm)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _chunks(blob: bytes) -> dict[bytes, bytes]:
    """The chunks of a RIFF/WAVE file by name; ValueError unless it is whole."""
    if blob[:4] != b"RIFF" or blob[8:12] != b"WAVE" or struct.unpack_from("<I", blob, 4)[0] != len(blob) - 8:
        raise ValueError("not a whole WAV file")
    chunks, offset = {}, 12
    while offset < len(blob):
        if offset + 8 > len(blob):
            raise ValueError("a chunk is cut short")
        name, size = blob[offset:offset + 4], struct.unpack_from("<I", blob, offset + 4)[0]
        if offset + 8 + size > len(blob):
            raise ValueError("a chunk is cut short")
        chunks[name] = blob[offset + 8:offset + 8 + size]
        offset += 8 + size + size % 2
    return chunks


def decode_entry(blob: bytes) -> Audio:
    """The audio of a cache entry; ValueError naming what is wrong when it fails its checks."""
    chunks = _chunks(blob)
    if not {b"fmt ", _CHECK_CHUNK, b"data"} <= chunks.keys():
        raise ValueError("no checksum (written by an older papercast) or no audio")
    kind, channels, rate, _, _, bits = _FORMAT.unpack_from(chunks[b"fmt "])
    digest, frames = _CHECK.unpack(chunks[_CHECK_CHUNK])
    pcm = chunks[b"data"]
    if (kind, channels, bits) != (1, 1, 16) or rate <= 0:
        raise ValueError("not mono 16-bit PCM")
    if len(pcm) != frames * 2:
        raise ValueError(f"{len(pcm) // 2} frames where {frames} were stored")
    if hashlib.sha256(pcm).digest() != digest:
        raise ValueError("the audio does not match its checksum")
    return Audio(pcm=pcm, sample_rate=rate)


class TurnCache:
    """Synthesised turns as self-checking WAV files named by their key.

    Entries are written atomically, so an interrupted build leaves only whole files, and
    every read checks an entry's length and checksum: a damaged one is deleted (so the turn
    is synthesised again) and listed in `damaged`. The folder is safe to delete at any time.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.damaged: list[str] = []  # what was wrong with each entry discarded, for a note

    def path(self, key: str) -> Path:
        """Where the turn with this key is (or would be) stored."""
        return self.folder / key[:2] / f"{key}.wav"

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def get(self, key: str) -> Audio | None:
        """The cached audio for `key`, or None when it is missing or fails its checks (it is then discarded)."""
        path = self.path(key)
        try:
            return decode_entry(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, struct.error) as exc:
            self.damaged.append(f"{path.name}: {exc}")
            path.unlink(missing_ok=True)
            return None

    def put(self, key: str, audio: Audio) -> None:
        """Store a turn's audio with its checksum."""
        atomic_write(self.path(key), encode_entry(audio))

    # --- turns as episodes use them ------------------------------------------------------
    # A turn is cached as the workers send it: already resampled to the episode's rate and
    # levelled, as FLAC, followed by its SHA-256 and a mark, so a damaged entry is never sent
    # to be joined. The rate is in the name, so a show at another rate keeps its own.

    def turn_path(self, key: str, rate: int) -> Path:
        """Where the turn with this key is stored in the episode's format at `rate` Hz."""
        return self.folder / key[:2] / f"{key}.{rate}.flac"

    def has_turn(self, key: str, rate: int) -> bool:
        """Whether the turn is cached, whole, in the episode's format."""
        return self.turn(key, rate) is not None

    def turn(self, key: str, rate: int) -> bytes | None:
        """The turn's FLAC, or None when it is missing or fails its check (it is then discarded)."""
        path = self.turn_path(key, rate)
        problem: str | None
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            blob, problem = b"", str(exc)
        else:
            problem = _turn_problem(blob)
        if problem is None:
            return blob[:-_TRAILER]
        self.damaged.append(f"{path.name}: {problem}")
        path.unlink(missing_ok=True)
        return None

    def put_turn(self, key: str, rate: int, flac: bytes, meter: bytes = b"") -> None:
        """Store a turn in the episode's format, as FLAC with its checksum, and its loudness figures if given."""
        if meter:  # first: a turn whose FLAC is there may lack figures (then measured), never the reverse
            atomic_write(self.meter_path(key, rate), meter + hashlib.sha256(meter).digest() + _TURN_MARK)
        atomic_write(self.turn_path(key, rate), flac + hashlib.sha256(flac).digest() + _TURN_MARK)

    def meter_path(self, key: str, rate: int) -> Path:
        """Where the loudness figures of the turn with this key at `rate` Hz are stored."""
        return self.folder / key[:2] / f"{key}.{rate}.meter"

    def turn_meter(self, key: str, rate: int) -> bytes:
        """The turn's loudness figures, or b"" when the cache has none (an older papercast's entry) or
        they fail their check (then discarded): the episode's job measures the turn itself."""
        path = self.meter_path(key, rate)
        try:
            blob = path.read_bytes()
        except OSError:
            return b""
        if _turn_problem(blob) is None:
            return blob[:-_TRAILER]
        path.unlink(missing_ok=True)
        return b""


_TURN_MARK = b"pcfl"
_TRAILER = 32 + len(_TURN_MARK)


def _turn_problem(blob: bytes) -> str | None:
    """What is wrong with a cached turn's bytes (FLAC, SHA-256, mark), or None."""
    if len(blob) <= _TRAILER or blob[-len(_TURN_MARK):] != _TURN_MARK:
        return "no checksum: cut short, or not written by papercast"
    if hashlib.sha256(blob[:-_TRAILER]).digest() != blob[-_TRAILER:-len(_TURN_MARK)]:
        return "the audio does not match its checksum"
    return None
