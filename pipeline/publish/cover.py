"""The show's cover art: the show's own image, checked, or a generated one; published into feed/."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..config import ShowConfig
from ..errors import FeedError
from ..fsutil import write_if_changed
from .spec import COVER_FIX, COVER_MIN_PX, COVER_NAMES, cover_findings

_COVER_SIZE = COVER_MIN_PX
_BACKGROUND, _CIRCLE, _ACCENT, _INK = (30, 56, 74), (39, 70, 90), (226, 196, 140), (246, 241, 231)


def _checked_cover(path: Path) -> tuple[str, bytes]:
    """The published name and bytes of the show's own cover, or a FeedError with what Apple would object to."""
    kind, findings = cover_findings(path, check_suffix=False)  # published under the right name anyway
    errors = [finding.text for finding in findings if finding.severity == "error"]
    if errors or kind is None:
        raise FeedError(f"cover {path}: {'; '.join(errors)} ({COVER_FIX})")
    try:
        return COVER_NAMES[kind], path.read_bytes()
    except OSError as exc:
        raise FeedError(f"cover {path}: cannot be read ({exc.strerror or exc})") from None


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
          width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


@lru_cache(maxsize=4)  # encoding the PNG is the slowest step, and write_feed redoes write_cover
def _generated_cover(title: str) -> bytes:
    """A plain square PNG: the title in large type on a calm background."""
    size, margin = _COVER_SIZE, 150
    image = Image.new("RGB", (size, size), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.ellipse((820, 820, 1900, 1900), fill=_CIRCLE)
    text = " ".join(title.split()) or "Untitled"
    for font_size in range(168, 47, -8):
        # Pillow's bundled font: same glyphs on every machine, so the bytes are reproducible.
        font = ImageFont.load_default(size=font_size)
        lines = _wrap(draw, text, font, size - 2 * margin)
        step = round(font_size * 1.18)
        fits = all(draw.textlength(line, font=font) <= size - 2 * margin for line in lines)
        if fits and step * len(lines) <= size - 2 * margin - 140:
            break
    top = (size - step * len(lines)) // 2
    draw.rectangle((margin, top - 60, margin + 160, top - 44), fill=_ACCENT)
    for index, line in enumerate(lines):
        draw.text((margin, top + index * step), line, font=font, fill=_INK)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def write_cover(show: ShowConfig) -> str:
    """Put the show's cover into `feed/` (copied or generated); return its path relative to `feed/`."""
    if show.cover is not None:
        name, data = _checked_cover(show.cover)
    else:
        name, data = COVER_NAMES["PNG"], _generated_cover(show.title)
    write_if_changed(show.feed_dir / name, data, FeedError)
    for other in set(COVER_NAMES.values()) - {name}:
        # A cover left over in the other format would be published but never used.
        (show.feed_dir / other).unlink(missing_ok=True)
    return name


def write_episode_image(show: ShowConfig, source: Path, stem: str) -> str:
    """Publish an episode's own cover art beside its audio (episodes/<stem>.cover.png or .jpg); its path in `feed/`."""
    kind_name, data = _checked_cover(source)
    relative = f"episodes/{stem}.{kind_name}"  # named after the audio: stale-file cleaning keeps it with it
    write_if_changed(show.feed_dir / relative, data, FeedError)
    return relative
