"""Author names as written in every format: "Family, Given", "Given Family", lists of names,
group authors, particles ("Di Lauro"), and "et al." / "and others", which stand for people
unnamed and are never an author."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..model import Author
from .plain import clean

_ET_AL_NAME = re.compile(r"^\W*(?:et\.?\s*al\.?|and\s+others|others|and\s+colleagues|…|\.\.\.)\W*$", re.IGNORECASE)


def is_et_al(name: str) -> bool:
    """True for "et al.", "and others" or "…" written where a name would be."""
    return bool(_ET_AL_NAME.match(name.strip()))


# Where a list said "et al.": kept as one marker so the paper knows more people wrote it
# (see sources/fields.py, which drops it from the authors and sets Paper.more_authors).
ET_AL = Author("et al.")


def real_authors(authors: Iterable[Author]) -> tuple[Author, ...]:
    """The authors, with any "et al." or "and others" as one closing `ET_AL` marker."""
    given = [a for a in authors if a.family]
    named = tuple(a for a in given if not is_et_al(a.display))
    return (*named, ET_AL) if len(named) < len(given) else named


PARTICLES = frozenset("van von der den de del della dei di da dal dos das du la le ten ter bin ibn al el "
                      "af av zu vom zum ter".split())
_SUFFIXES = frozenset(("jr", "jr.", "sr", "sr.", "ii", "iii", "iv"))
_GROUP = re.compile(r"\b(?:consorti(?:um|a)|collaborat(?:ion|ive|ors)|group|committee|society|association|"
                    r"network|investigators|initiative|organi[sz]ation|council|institute|team|working party|"
                    r"alliance|foundation|task force|panel|registry|trialists|centre|center|university|"
                    r"department|ministry|agency)\b", re.IGNORECASE)
_INITIALS = re.compile(r"(?:[^\W\d_]\.?-?){1,3}\.?")


def _is_initials(text: str) -> bool:
    """True for "Y.", "J.-P.", "MK": capital letters only (so not "李华", which has no case)."""
    return _INITIALS.fullmatch(text) is not None and any(ch.isupper() for ch in text) and not any(
        ch.islower() or (ch.isalpha() and not ch.isupper()) for ch in text)


def is_group_name(name: str) -> bool:
    """True for a name such as "International Headache Genetics Consortium"."""
    return _GROUP.search(name) is not None


def person(name: str) -> Author:
    """An author from a name written "Given Family": particles start the family ("Di Lauro")."""
    words = clean(name).split()
    suffix = [words.pop()] if len(words) > 2 and words[-1].lower().rstrip(",") in _SUFFIXES else []
    if len(words) <= 1:
        return Author(" ".join(words + suffix))
    start = len(words) - 1
    for index in range(1, len(words) - 1):
        if words[index].lower() in PARTICLES:
            start = index
            break
    return Author(" ".join(words[start:] + suffix), " ".join(words[:start]))


def _caseless_word(word: str) -> bool:
    """A word in a script without letter case (Chinese, Japanese, Korean, Thai, ...)."""
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and all(not ch.isupper() and not ch.islower() for ch in letters)


def looks_like_person(name: str) -> bool:
    """True for text that reads as one personal name ("Manuela Di Lauro", "Caroline W Mugo", "王晓明")."""
    words = name.split()
    core = [w for w in words if w.lower() not in PARTICLES and w.lower() not in _SUFFIXES]
    if len(words) == 1:
        return _caseless_word(words[0])
    if not 2 <= len(core) <= 4 or len(words) > 6:
        return False
    for word in core:
        if not all(ch.isalpha() or ch in "-'’." or unicodedata.category(ch) == "Mn" for ch in word):
            return False
        first = next((ch for ch in word if ch.isalpha()), "")
        if not (first.isupper() or _caseless_word(word)):
            return False
    return True


def family_given(text: str) -> Author:
    """An author from "Family, Given" (or "Family, Jr., Given"); a name without a comma is read as
    "Given Family" when it looks like a person's name, else as a group author."""
    text = clean(text).strip(" ,;")
    if "," in text:
        family, _, given = text.partition(",")
        given = given.strip()
        if "," in given:
            jr, _, given = given.partition(",")
            family = f"{family.strip()} {jr.strip()}"
        return Author(clean(family), clean(given))
    if looks_like_person(text) and not is_group_name(text):
        return person(text)
    return Author(text, is_group=True)


_ET_AL = re.compile(r"(?:,?\s*(?:et\.?\s*al\.?|and (?:\d+ )?(?:others|colleagues|more)|"
                    r"\+\s*\d+\s+(?:more\s+)?authors?|…|"
                    r"\.\.\.))\s*$", re.IGNORECASE)


def _family_word(text: str) -> bool:
    """One capitalised word that can be a family name: "Tang", "El-Shiekh", "O'Brien"."""
    return " " not in text and text[:1].isupper() and text.replace("-", "").replace("'", "").replace("’", "").isalpha()


def _family(text: str) -> bool:
    """A family name of up to three words, particles included: "Tang", "Di Lauro", "van der Berg"."""
    words = text.split()
    return 1 <= len(words) <= 3 and _family_word(words[-1]) and all(
        _family_word(w) or w.lower() in PARTICLES for w in words)


def _titled_group(name: str) -> bool:
    """A group's name is written in title case ("International Headache Genetics Consortium"),
    unlike a sentence that mentions a group ("a list I put together for the reading group")."""
    words = name.split()
    return len(words) <= 10 and "'" not in name and all(w[:1].isupper() or len(w) <= 3 for w in words)


def _listed_name(part: str, trusted: bool) -> Author | None:
    """One name of a written list, or None when it does not read as a name (and is not `trusted`)."""
    part = re.sub(r"^the\s+(?=\S)", "", part)  # "... and the X Consortium"
    if "," in part:  # "Family, Given"
        family, _, given = (clean(x) for x in part.partition(","))
        family_ok = _family(family) or looks_like_person(family)
        given_ok = all(_family_word(w) or _is_initials(w) or _caseless_word(w) for w in given.split())
        return family_given(part) if trusted or (family_ok and given_ok) else None
    if is_group_name(part) and part[:1].isupper() and (trusted or _titled_group(part)):
        return Author(part, is_group=True)
    if looks_like_person(part):
        return person(part)
    if trusted:
        return person(part) if len(part.split()) <= 4 else Author(part, is_group=True)
    return None


def author_list(text: str, trusted: bool = False) -> tuple[Author, ...] | None:
    """Authors from a written list, ending in the `ET_AL` marker when it said "et al." (see `_author_list`)."""
    text = clean(text)
    names = _author_list(text, trusted)
    return (*names, ET_AL) if names and _ET_AL.search(text) else names


def _author_list(text: str, trusted: bool) -> tuple[Author, ...] | None:
    """Authors from a written list ("A. Tang, Sufang Liu and Hui Shu", "Tang Y, Liu S", "Tang, Y.; Liu, S.",
    "Tang, Y., Liu, S., & Shu, H."); None when the text does not read as names, unless `trusted`
    (it followed an "Authors:" label), when each part becomes a name as well as it can."""
    text = _ET_AL.sub("", text).strip(" ,;:")
    last = text.rsplit(" ", 1)[-1]
    if text.endswith(".") and last.lower() not in _SUFFIXES and not _is_initials(last):
        text = text[:-1]  # the list's own full stop, not that of "Jr." or "H."
    if not text:
        return None
    if ";" in text:
        parts = [p.strip() for p in text.split(";") if p.strip()]
    else:
        parts = [p.strip() for p in re.split(r"\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+", text) if p.strip()]
        apa = len(parts) >= 2 and len(parts) % 2 == 0
        if apa and all(map(_is_initials, parts[1::2])) and all(map(_family, parts[::2])):
            return tuple(Author(family, given) for family, given in zip(parts[::2], parts[1::2], strict=True))  # APA
        vancouver = [re.fullmatch(r"(.+?)\s+([A-Z]{1,3})", p) for p in parts]
        if all(m and (_family(m.group(1)) or looks_like_person(m.group(1))) for m in vancouver):
            return tuple(Author(m.group(1), m.group(2)) for m in vancouver if m)  # "Tang Y, Liu S"
    authors = [_listed_name(part, trusted) for part in parts]
    return tuple(a for a in authors if a) if all(authors) else None
