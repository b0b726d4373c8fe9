"""Bytes of a paper file to text: UTF-8 or UTF-16, else Windows-1252/Latin-1 when it reads as such."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError

# Bytes 0x80-0x9F that Windows-1252 leaves undefined: in a file they mean neither it nor text.
_UNDEFINED_1252 = frozenset(b"\x81\x8d\x8f\x90\x9d")
_FIX = "save it as UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8)"


@dataclass(frozen=True)
class Decoded:
    """A file's text and, when it was not UTF-8, a note saying how it was read."""

    text: str
    note: str = ""


def _check_text(path: Path, text: str) -> None:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    if "\x00" in text or controls > max(8, len(text) // 50):
        raise SourceError(f"{path}: cannot be read (binary data, not text)")


def _legacy(path: Path, data: bytes, error: UnicodeDecodeError) -> Decoded:
    """Windows-1252 (a superset of Latin-1's letters) when the non-ASCII bytes read as it."""
    high = [byte for byte in data if byte >= 0x80]
    where = f"byte 0x{data[error.start]:02X} at offset {error.start}"
    if b"\x00" in data or sum(byte < 0x20 and byte not in b"\t\n\r\f\v" for byte in data) > max(8, len(data) // 50):
        raise SourceError(f"{path}: cannot be read (not UTF-8 text)")  # an image or other binary file
    # Text in a Western language is mostly ASCII; a file mostly of high bytes is another
    # encoding (Shift-JIS, GBK, UTF-16 without a mark) that Windows-1252 would turn into mojibake.
    if _UNDEFINED_1252.intersection(high) or len(high) > len(data) // 4:
        raise SourceError(f"{path}: cannot be read (not UTF-8 text); nor Windows-1252 or Latin-1 ({where}): "
                          f"{_FIX.replace('WINDOWS-1252', 'ITS-ENCODING')}")
    name = "Windows-1252" if any(0x80 <= byte <= 0x9F for byte in high) else "Latin-1 (ISO-8859-1)"
    text = data.decode("cp1252")
    return Decoded(text, f"{path}: not UTF-8 ({where}); read as {name}: check accented names, or {_FIX}")


def decode(path: Path, data: bytes) -> Decoded:
    """The text of a paper file, refusing binary data and encodings it cannot tell."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # EndNote on Windows writes UTF-16
            decoded = Decoded(data.decode("utf-16"))
        else:
            decoded = Decoded(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise SourceError(f"{path}: cannot be read (broken UTF-16)") from None
        decoded = _legacy(path, data, exc)
    _check_text(path, decoded.text)
    return decoded
