"""The MP3 encoder (LAME through ffmpeg, CBR, mono or stereo) and its ID3v2.3 tags with chapters."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mutagen import MutagenError
from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TPE1, WXXX, CTOCFlags
from mutagen.id3._tags import save_frame  # how ID3.save serialises one frame; only the order is ours
from mutagen.mp3 import MP3, HeaderNotFoundError

from ..config import AudioSettings
from ..errors import AudioError
from . import ffmpeg
from .encoder import Chapter, Encoder, Tags, register_encoder
from .loudness import Loudness, encode_normalised

# Changes whenever encode_mp3 makes different bytes of the same WAV, so builds re-encode:
# 2 = loudnorm to -16 LUFS and ID3 chapters; 3 = measured gain (and a peak limiter) in one pass;
# 4 = the limiter's loss made up from one measurement; 5 = loudness as played (mono metered as dual
# mono), channels and bit rate from the settings, a true ID3v2.3 tag with chapters in time order;
# 6 = an episode's loudness and peak from its turns' figures (see turnmeter), not metered on the WAV.
ENCODING_VERSION = 6


def _encode(wav_path: Path, mp3_path: Path, settings: AudioSettings, audio_filter: str | None, what: str) -> None:
    """One ffmpeg run from WAV to untagged CBR MP3, through `audio_filter` if given."""
    ffmpeg.run([
        "-y", "-i", str(wav_path), "-map_metadata", "-1", *(["-af", audio_filter] if audio_filter else []),
        "-ac", str(settings.channels), "-ar", str(settings.sample_rate),
        "-codec:a", "libmp3lame", "-b:a", settings.bitrate,
        # bitexact keeps the encoder's version string out, so equal input gives equal bytes.
        "-fflags", "+bitexact", "-flags:a", "+bitexact",
        "-id3v2_version", "0", "-write_id3v1", "0",
        "-f", "mp3", str(mp3_path),
    ], what)


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


class _OrderedID3(ID3):
    """An ID3 tag that stores its frames in a reader-friendly order: text, chapters by start time, pictures.

    mutagen orders frames by size, so CHAP frames came out in no useful order, and readers that
    list chapters as stored (ffprobe, some players) showed the last chapter first.
    """

    def _write(self, config: Any) -> bytearray:
        def rank(frame: Any) -> tuple[int, int, str]:
            if frame.FrameID == "CTOC":
                return (1, 0, frame.HashKey)
            if frame.FrameID == "CHAP":
                return (2, frame.start_time, frame.HashKey)
            return (4 if frame.FrameID == "APIC" else 0, 0, frame.HashKey)
        return bytearray().join(save_frame(frame, config=config) for frame in sorted(self.values(), key=rank))


def write_tags(mp3_path: Path, tags: Tags, chapters: Sequence[Chapter] = ()) -> None:
    """Write a true ID3v2.3 tag (title, artist, album, year, genre Podcast, cover art, CHAP/CTOC chapters).

    v2.3 rather than v2.4: it is what every reader supports (Windows, older car stereos and
    id3lib read no v2.4), and update_to_v23 turns the v2.4-only TDRC into the TYER (and TDAT)
    such readers look for.
    """
    # ffmpeg wrote no tags (-id3v2_version 0), so these are the file's only tags.
    id3 = _OrderedID3()
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
        for element_id, chapter in zip(ids, chapters, strict=True):
            frames: list[Any] = [TIT2(encoding=3, text=chapter.title)]
            if chapter.url:
                frames.append(WXXX(encoding=3, desc="", url=chapter.url))
            # 0xFFFFFFFF: no byte offsets, the times alone place the chapter.
            id3.add(CHAP(element_id=element_id, start_time=_ms(chapter.start), end_time=_ms(chapter.end),
                         start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF, sub_frames=frames))
    id3.update_to_v23()  # TDRC -> TYER/TDAT, also inside chapters; without it v2.3 holds v2.4 frames
    try:
        id3.save(str(mp3_path), v2_version=3)
    except MutagenError as exc:
        # mutagen wraps the system's error (a full disk, say) in its own: hand on the original.
        if exc.args and isinstance(exc.args[0], OSError):
            raise exc.args[0] from None
        raise


def mp3_duration(path: Path) -> float:
    """The real playing time of an MP3 file in seconds."""
    try:
        info = MP3(str(path)).info
    except (HeaderNotFoundError, OSError) as exc:
        raise AudioError(f"{path}: not a readable MP3 ({exc})") from None
    if info is None:
        raise AudioError(f"{path}: not a readable MP3 (no audio frames)")
    return float(info.length)


@register_encoder
class Mp3Encoder(Encoder):
    """MP3: what every podcast app plays."""

    name = "mp3"
    suffix = ".mp3"
    mime_type = "audio/mpeg"
    version = ENCODING_VERSION
    # LAME comes out about 0.4 dB quieter than its input (0.4-0.5 measured, a sine as much as speech).
    loss_db = 0.4

    def encode(self, wav_path: Path, out_path: Path, settings: AudioSettings, audio_filter: str | None,
               what: str) -> None:
        """One ffmpeg run from WAV to untagged CBR MP3 with the settings' channels and bit rate."""
        _encode(wav_path, out_path, settings, audio_filter, what)

    def write_tags(self, path: Path, tags: Tags, chapters: Sequence[Chapter] = ()) -> None:
        """A true ID3v2.3 tag with CHAP/CTOC chapters in time order."""
        write_tags(path, tags, chapters)

    def duration(self, path: Path) -> float:
        """The MP3's playing time."""
        return mp3_duration(path)


def encode_mp3(wav_path: Path, mp3_path: Path, settings: AudioSettings, tags: Tags,
               chapters: Sequence[Chapter] = (), measured: tuple[float, float] | None = None) -> Loudness:
    """Normalise a WAV to the loudness target and encode it to a tagged MP3 at `mp3_path` (see `encode_normalised`)."""
    return encode_normalised(wav_path, mp3_path, settings, tags, chapters, Mp3Encoder(), measured)
