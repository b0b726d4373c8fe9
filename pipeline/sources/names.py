"""Author names every reader shares: "et al." and "and others" stand for people, not an author."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Author

_ET_AL = re.compile(r"^\W*(?:et\.?\s*al\.?|and\s+others|others|and\s+colleagues|…|\.\.\.)\W*$", re.IGNORECASE)


def is_et_al(name: str) -> bool:
    """True for "et al.", "and others" or "…" written where a name would be."""
    return bool(_ET_AL.match(name.strip()))


def real_authors(authors: Iterable[Author]) -> tuple[Author, ...]:
    """The authors without "et al." and "and others", which readers would take for a group."""
    return tuple(a for a in authors if a.family and not is_et_al(a.display))
