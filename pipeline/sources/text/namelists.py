"""Author lists as citation styles write them, read by the shape of the whole list.

One list keeps one shape, so the shape decides which word is the family name:

- family then initials: "Iungman T.", "Tang Y, Liu S", "Smith RB" (Vancouver/NLM, author-year posts)
- pairs "Family, Initials": "Zhao, L., Lee, X., Smith, R.B. & Oleson, K." (APA, Harvard, Nature),
  also split by semicolons: "Zhao, L.; Lee, X." (ACS)
- initials then family: "L. Zhao, X. Lee, R. B. Smith, and K. Oleson" (IEEE, Science)
- the first name inverted, the rest natural: "Zhao, Lei, Xuhui Lee, and Keith Oleson" (Chicago, MLA)
- given names then family: "Lei Zhao, Xuhui Lee"
- a family name alone, only with "et al." or two joined by "and": "Schwaab et al.", "Smith and Jones"

"et al.", "and colleagues" and "…" end a list and are not authors. A text whose parts do not all
fit one shape is not a list of names (`read_names` gives None), which is how a caller finds where
a list ends and a title starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...model import Author
from ..names import ET_AL, PARTICLES, is_group_name

_ET_AL = re.compile(r"(?:,?\s*(?:et\.?\s*al\.?|and\s+(?:others|colleagues)|…|\.\.\.))\s*[.,;]?\s*$",
                    re.IGNORECASE)
_SPLIT = re.compile(r"\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+|\s*&\s*")
_JOINED = re.compile(r"\s+(?:and|&)\s+|\s*&\s*")
_ELLIPSIS = re.compile(r",?\s*(?:…|\.\.\.)\s*(?=\S)")
_SPACE_AFTER_DOT = re.compile(r"\.(?=[^\W\d_])")
Shape = Callable[[str], "Author | None"]
# Capitalised words that start the other parts of a citation or a post, never a name.
_NOT_NAMES = frozenset("""published online available accessed retrieved journal vol volume issue pages doi
    january february march april july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec the this these that a an in on of for and with from see also finding
    findings summary abstract review reviews title authors author nature science edited proceedings""".split())


def is_initials(word: str) -> bool:
    """True for initials written as one word: "T.", "RB", "R.B.", "J.-P.", "Ł."."""
    letters = [ch for ch in word if ch.isalpha()]
    if not letters or not all(ch.isupper() for ch in letters) or not all(ch.isalpha() or ch in ".-" for ch in word):
        return False
    return len(letters) <= (4 if "." in word else 3) and (len(letters) == 1 or "." in word or len(letters) <= 3)


def _initials(words: list[str]) -> bool:
    return bool(words) and all(map(is_initials, words))


def _capitalised(word: str) -> bool:
    """A name word: "Zhao", "El-Shiekh", "O'Brien", "McDonald", "Plá" (a capital, then small letters)."""
    core = word.replace("-", "").replace("'", "").replace("’", "")
    return (core.lower() not in _NOT_NAMES and len(core) >= 2 and core.isalpha() and core[0].isupper()
            and any(ch.islower() for ch in core))


def _family(text: str) -> bool:
    """A family name: one name word after any particles ("Zhao", "van der Berg", "Di Lauro")."""
    words = text.split()
    return bool(words) and len(words) <= 4 and _capitalised(words[-1]) and all(
        w.lower() in PARTICLES for w in words[:-1])


def _given(text: str) -> bool:
    """Given names as written in full, with any initials: "Lei", "Ronald B.", "Mary-Jane", "J. Robert"."""
    words = text.split()
    return 1 <= len(words) <= 3 and any(_capitalised(w) for w in words) and all(
        _capitalised(w) or is_initials(w) for w in words)


def tidy_initials(given: str) -> str:
    """Initials with a space after each full stop ("R.B." -> "R. B."); undotted ones as written."""
    return " ".join(_SPACE_AFTER_DOT.sub(". ", given).split())


def family_initials(part: str) -> Author | None:
    """ "Iungman T.", "Smith RB", "van der Berg J": the family name, then the initials."""
    words = part.split()
    for cut in range(len(words) - 1, 0, -1):
        if _initials(words[cut:]) and _family(" ".join(words[:cut])):
            return Author(" ".join(words[:cut]), tidy_initials(" ".join(words[cut:])))
    return None


def initials_family(part: str) -> Author | None:
    """ "R. B. Smith", "L Zhao", "J.-P. Sartre": the initials, then the family name."""
    words = part.split()
    for cut in range(1, len(words)):
        if _initials(words[:cut]) and _family(" ".join(words[cut:])):
            return Author(" ".join(words[cut:]), tidy_initials(" ".join(words[:cut])))
    return None


def given_family(part: str) -> Author | None:
    """ "Ronald B. Smith", "Lei Zhao", "Manuela Di Lauro": given names in full, then the family name."""
    words = part.split()
    for cut in range(1, len(words)):
        family, given = " ".join(words[cut:]), " ".join(words[:cut])
        if _capitalised(words[0]) and _given(given) and _family(family):
            return Author(family, tidy_initials(given))
    return None


def _group(part: str) -> Author | None:
    """A group author written in title case: "WHO Collaborating Group on Salt", "the X Consortium"."""
    part = re.sub(r"^the\s+", "", part)
    words = part.split()
    titled = all(w[:1].isupper() or w.lower() in ("of", "on", "for", "the", "and", "in", "&") for w in words)
    return Author(part, is_group=True) if 2 <= len(words) <= 10 and titled and is_group_name(part) else None


def _uniform(parts: list[str], shape: Shape) -> tuple[Author, ...] | None:
    authors = []
    for part in parts:
        author = shape(part)
        if author is None:
            return None
        authors.append(author)
    return tuple(authors) or None


def _pairs(parts: list[str]) -> tuple[Author, ...] | None:
    """ "Zhao", "L.", "Lee", "X." (the list split at its commas): family and initials in turn."""
    if len(parts) < 2 or len(parts) % 2:
        return None
    families, givens = parts[::2], parts[1::2]
    if all(map(_family, families)) and all(_initials(g.split()) for g in givens):
        return tuple(Author(f, tidy_initials(g)) for f, g in zip(families, givens, strict=True))
    return None


def _inverted_first(parts: list[str], text: str) -> tuple[Author, ...] | None:
    """ "Zhao", "Lei", "Xuhui Lee", "Keith Oleson": the first name inverted (a comma after the
    family name, so "Delacroix & Mensah" is two people), the others natural."""
    if len(parts) < 2 or not re.match(rf"{re.escape(parts[0])}\s*,", text):
        return None
    given = parts[1].split()
    # "Lei", "Ronald B.", "R. B.": one given name at most; "Rana M. Ghorab" or "John Smith" after a
    # comma is a natural name of its own ("Thanks, John Smith, Mary Jones and I ...").
    if sum(map(_capitalised, given)) > 1 or len(given) > 2 and not _initials(given) or not _family(parts[0]) or not (
            _given(parts[1]) or _initials(given)):
        return None
    first = Author(parts[0], tidy_initials(parts[1]))
    if len(parts) == 2:
        return (first,)
    for shape in (given_family, initials_family):
        rest = _uniform(parts[2:], shape)
        if rest:
            return (first, *rest)
    return None


def _semicolons(text: str) -> tuple[Author, ...] | None:
    """ "Zhao, L.; Lee, X.; Smith, R. B." (ACS) or "Tang Y; Liu S": one name between semicolons."""
    parts = [p.strip() for p in re.split(r"\s*;\s*(?:and\s+|&\s*)?", text) if p.strip()]
    paired = [p.partition(",") for p in parts]
    if all(comma and _family(f.strip()) and (_initials(g.split()) or _given(g.strip())) for f, comma, g in paired):
        return tuple(Author(f.strip(), tidy_initials(g.strip())) for f, _, g in paired)
    for shape in (family_initials, initials_family, given_family):
        found = _uniform(parts, shape)
        if found:
            return found
    return None


def _list_stop(authors: tuple[Author, ...]) -> tuple[Author, ...]:
    """The list's closing full stop taken off the last initials when the list writes initials
    without full stops ("Smith RB, Oleson K." -> "K"; a lone "Walker MP." -> "MP"; "Iungman T." stays)."""
    last = authors[-1]
    others = [a.given for a in authors[:-1]]
    undotted = all("." not in g for g in others) if others else len(last.given) > 2 and last.given.count(".") == 1
    if last.given.endswith(".") and undotted and is_initials(last.given) and " " not in last.given:
        return (*authors[:-1], Author(last.family, last.given[:-1], last.is_group))
    return authors


def strip_et_al(text: str) -> tuple[str, bool]:
    """The list without a closing "et al." (or "and colleagues", "…"), and whether it had one."""
    return _ET_AL.sub("", text).strip(" ,;"), _ET_AL.search(text) is not None


def read_names(text: str) -> tuple[Author, ...] | None:
    """The authors of a written list, when every name in it fits one shape (see the module docstring),
    ending in the `ET_AL` marker when the list said "et al."."""
    text, et_al = strip_et_al(" ".join(text.split()))
    names = _read_names(text, et_al)
    return (*names, ET_AL) if names and et_al else names


def _read_names(text: str, et_al: bool) -> tuple[Author, ...] | None:
    """The names of a list whose closing "et al." is already taken off (`et_al` says there was one)."""
    text = text.rstrip(",;:")
    if text.endswith(".") and not is_initials(text.rsplit(" ", 1)[-1].rsplit(",", 1)[-1]):
        text = text[:-1]
    if not text or len(text) > 2000:
        return None
    if ";" in text:
        return _semicolons(text)
    text = _ELLIPSIS.sub(", ", text)  # APA's "Greene, T., … Zhou, Q." for twenty-one authors or more
    parts = [p for p in _SPLIT.split(text) if p]
    group = _group(parts[-1]) if parts else None
    if group and len(parts) == 1:
        return (group,)
    found = _shaped(parts, text, et_al)
    if found is None and group:  # "Tang Y, Liu S, and the International Headache Genetics Consortium"
        found = _shaped(parts[:-1], text, et_al)
        return (*found, group) if found else None
    return found


def _shaped(parts: list[str], text: str, et_al: bool) -> tuple[Author, ...] | None:
    """The names of `parts` when all fit one shape (`text` is the list as written)."""
    natural = len(parts) >= 2 or et_al  # one "Given Family" alone is as likely the start of a sentence
    for reader in (_pairs, lambda ps: _uniform(ps, family_initials), lambda ps: _uniform(ps, initials_family),
                   lambda ps: _inverted_first(ps, text), lambda ps: _uniform(ps, given_family) if natural else None):
        found = reader(parts)
        if found:
            return _list_stop(found)
    joined = len(parts) == 2 and _JOINED.search(text) is not None
    if (et_al and len(parts) == 1 or joined) and all(map(_family, parts)):
        return tuple(Author(p) for p in parts)  # "Schwaab et al.", "Smith and Jones"
    return None
