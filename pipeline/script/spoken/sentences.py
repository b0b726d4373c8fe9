"""Sentences as a listener hears them: never split inside brackets or a statistic, nor after an initial."""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd

_OPEN, _CLOSE = "([{", ")]}"
# A piece that cannot start a sentence: it continues a number or statistic (".001", "95% CI"), or
# starts in lower case after an abbreviation pysbd did not know.
_CONTINUES = re.compile(r"^(?:[\d.,;:)\]]|[a-z])")
_INITIAL = re.compile(r"(?:^|\s)[A-Z]\.$")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _depth(text: str) -> int:
    return sum(c in _OPEN for c in text) - sum(c in _CLOSE for c in text)


def sentences(text: str) -> list[str]:
    """The text's sentences, stripped: "Noha M. Gamil found (p < .001; n = 12). Next." -> two sentences."""
    text = " ".join(text.split())
    if not text:
        return []
    pieces = [p.strip() for p in _segmenter().segment(text) if p.strip()]
    merged: list[str] = []
    for piece in pieces:
        if merged and (_depth(merged[-1]) > 0 or _CONTINUES.match(piece) or _INITIAL.search(merged[-1])):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged
