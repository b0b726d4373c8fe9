"""The MP3 encoder (LAME through ffmpeg, CBR mono) and its ID3 tags with chapters."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TPE1, WXXX, CTOCFlags
from mutagen.mp3 import MP3, HeaderNotFoundError

from ..config import AudioSettings
from ..errors import AudioError
from . import ffmpeg
from .encoder import Chapter, Encoder, Tags, register_encoder
from .loudness import Loudness, encode_normalised

# Changes whenever encode_mp3 makes different bytes of the same WAV, so builds re-encode:
# 2 = loudnorm to -16 LUFS and ID3 chapters; 3 = measured gain (and a peak limiter) in one pass;
# 4 = the limiter's loss made up from one measurement.
ENCODING_VERSION = 4


def _encode(wav_path: Path, mp3_path: Path, settings: AudioSettings, audio_filter: str | None, what: str) -> None:
    """One ffmpeg run from WAV to untagged CBR MP3, through `audio_filter` if given."""
    ffmpeg.run([
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
        return float(MP3(str(path)).info.length)
    except (HeaderNotFoundError, OSError) as exc:
        raise AudioError(f"{path}: not a readable MP3 ({exc})") from None


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
        """One ffmpeg run from WAV to untagged CBR MP3."""
        _encode(wav_path, out_path, settings, audio_filter, what)

    def write_tags(self, path: Path, tags: Tags, chapters: Sequence[Chapter] = ()) -> None:
        """ID3v2.3 tags with CHAP/CTOC chapters."""
        write_tags(path, tags, chapters)

    def duration(self, path: Path) -> float:
        """The MP3's playing time."""
        return mp3_duration(path)


def encode_mp3(wav_path: Path, mp3_path: Path, settings: AudioSettings, tags: Tags,
               chapters: Sequence[Chapter] = ()) -> Loudness:
    """Normalise a WAV to the loudness target and encode it to a tagged MP3 at `mp3_path` (see `encode_normalised`)."""
    return encode_normalised(wav_path, mp3_path, settings, tags, chapters, Mp3Encoder())
