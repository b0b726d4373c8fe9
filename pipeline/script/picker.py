"""Sentence patterns, and the picker that keeps any one pattern from repeating in an episode."""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from . import views as v

# --- checks and derived texts ---------------------------------------------------------------------

_SLOT = "\ue003"
_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+[\"”’')\]]*(?=\s|$)|$)")


@functools.lru_cache(maxsize=8192)  # the picker asks about the same phrasings again and again
def _patterns_of(marked: str) -> tuple[str, ...]:
    """The patterns of the sentences in one marked text (see `sentence_patterns`)."""
    patterns = []
    for match in _SENTENCE.finditer(v.skeleton(marked, _SLOT)):
        pattern = " ".join(match.group().lower().split())
        if re.sub(r"[\W_]", "", pattern.replace(_SLOT, "")):  # not only data and punctuation
            patterns.append(pattern.replace(_SLOT, "…"))
    return tuple(patterns)


def sentence_patterns(marked_turns: Sequence[str]) -> Counter[str]:
    """How often each sentence pattern is used in a script.

    A sentence is a stretch of a turn ending in ".", "!" or "?" (full stops inside data, as in
    "Noha M. Gamil", do not end one). Its pattern is the sentence with every data value
    replaced by a slot, lower-cased, spaces collapsed: the template's words. A sentence that
    is nothing but data (a finding read out) has no pattern.
    """
    return Counter(p for marked in marked_turns for p in _patterns_of(marked))


class Picker:
    """`pick(...)` for templates: the least-used phrasing so far, ties broken by a hash of the place.

    An option's use is counted per sentence pattern (see `sentence_patterns`), so phrasings
    that share a sentence frame count together, and choosing the least used keeps every
    frame to ceil(uses / options) in an episode; the hash makes the choice repeatable (same
    input, same script) yet varied.
    """

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self.section = ""
        self.used: Counter[str] = Counter()
        self.calls = 0

    def _score(self, option: Any) -> int:
        return max((self.used[p] for p in _patterns_of(str(option))), default=0)

    def __call__(self, *options: Any) -> Any:
        if not options:
            raise ValueError("pick() needs at least one phrasing")
        self.calls += 1
        scores = [self._score(o) for o in options]
        fresh = [o for o, score in zip(options, scores, strict=True) if score == min(scores)]
        digest = hashlib.sha256(f"{self.seed}/{self.section}/{self.calls}".encode()).digest()
        choice = fresh[int.from_bytes(digest[:4], "big") % len(fresh)]
        self.used.update(_patterns_of(str(choice)))
        return choice
