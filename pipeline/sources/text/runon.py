"""Text run together on one line, as copied from a web page: where a title, names and words part.

Sentence boundaries come from pysbd, which knows abbreviations ("et al.", "e.g.", "Nat.") and
initials ("M. P. Walker"), so a finding is not cut at "vs." and a name is not cut at "J.".
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import pysbd

from ...model import Author
from ..fields import author_list, looks_like_person

# A colon that ends the poster's own words before a title: "Two more that belong here: Title".
_OWN_WORDS = re.compile(r"\b(?:I|I'm|I've|I'd|my|me|we|we're|our|you|your|here|below|following|these|this|"
                        r"list|more|one|ones|papers?)\b", re.IGNORECASE)
PUBLISHERS = ("Springer Nature", "Springer", "Elsevier", "Wiley-Blackwell", "Wiley", "MDPI", "Frontiers Media",
              "Frontiers", "BioMed Central", "BMC", "Taylor & Francis", "SAGE Publications", "SAGE",
              "Oxford University Press", "Cambridge University Press", "Nature Publishing Group", "Cell Press",
              "PLOS", "Public Library of Science", "BMJ Publishing Group", "Lippincott Williams & Wilkins",
              "Wolters Kluwer", "Karger", "Thieme", "Hindawi", "De Gruyter", "IOS Press", "Mary Ann Liebert",
              "Dove Medical Press", "Informa", "Cureus", "American Chemical Society", "IEEE", "ACM")
_PUBLISHER = re.compile(rf"^(?:{'|'.join(map(re.escape, PUBLISHERS))})\b[\s,·|-]*")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def sentences(text: str) -> list[str]:
    """`text` split into sentences, each stripped; abbreviations and initials do not end one."""
    if not re.search(r"[.!?]\s", text):
        return [text.strip()] if text.strip() else []
    try:
        pieces = _segmenter().segment(text)
    except Exception:  # pysbd has failed on odd input (nested brackets); one piece is the safe answer
        pieces = [text]
    return [piece.strip() for piece in pieces if isinstance(piece, str) and piece.strip()]


def lead_title(text: str) -> tuple[str, str]:
    """(the poster's own words, the title) from text that ends in a title: the last sentence, cut
    again after a colon when the words before it are the poster's ("here are two more: Title")."""
    parts = sentences(text)
    if not parts:
        return "", ""
    title = parts[-1]
    before = " ".join(parts[:-1])
    for match in re.finditer(r":\s+(?=[\"“‘(]?[A-Z0-9])", title):
        head = title[:match.start()]
        if _OWN_WORDS.search(head) and len(head.split()) >= 3:
            return f"{before} {title[:match.end()]}".strip(), title[match.end():].strip()
    return before, title


def _shape(names: list[str]) -> int:
    """The usual number of words in the listed names, 2 when they do not agree."""
    counts = Counter(len(name.split()) for name in names)
    return counts.most_common(1)[0][0] if counts else 2


def _name_at_end(text: str, size: int) -> tuple[str, str] | None:
    """(text before, a personal name of about `size` words) from the end of `text`."""
    words = text.split()
    for count in dict.fromkeys((size, 3, 2)):
        if len(words) <= count:
            continue
        name = " ".join(words[-count:])
        if looks_like_person(name) and not words[-count - 1][:1].isupper() or (
                looks_like_person(name) and count == size):
            return " ".join(words[:-count]), name
    return None


def _name_at_start(text: str, size: int) -> tuple[str, str] | None:
    """(a personal name, the text after it) from the start of `text`."""
    words = text.split()
    for count in dict.fromkeys((3, size, 2)):
        name = " ".join(words[:count])
        middle_initial = count == 3 and re.fullmatch(r"[A-Z]\.?", words[1] if len(words) > 1 else "")
        if len(words) >= count and looks_like_person(name) and (count != 3 or middle_initial or size == 3):
            return name, " ".join(words[count:])
    return None


def split_names(text: str) -> tuple[str, tuple[Author, ...], str] | None:
    """(text before, authors, text after) when `text` holds a list of three or more names run
    into the words around it: "Title Noha M. Gamil, Rana M. Ghorab, Riham A. El-Shiekh Springer Nature"."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) < 3:
        return None
    run = [i for i in range(1, len(parts) - 1) if looks_like_person(parts[i])]
    if not run or run != list(range(run[0], run[-1] + 1)) or len(run) < 1:
        return None
    size = _shape([parts[i] for i in run])
    head = _name_at_end(parts[run[0] - 1], size)
    tail = _name_at_start(parts[run[-1] + 1], size)
    if head is None or tail is None:
        return None
    names = [head[1], *(parts[i] for i in run), tail[0]]
    authors = author_list(", ".join(names))
    if not authors:
        return None
    before = ", ".join([*parts[:run[0] - 1], head[0]]).strip(" ,")
    after = ", ".join([tail[1], *parts[run[-1] + 2:]]).strip(" ,")
    return before, authors, after


def journal_of(text: str) -> str:
    """A journal name from "Springer Nature Inflammopharmacology": the publisher left out."""
    return _PUBLISHER.sub("", text.strip()).strip(" ,.·|")


def abstract_like(text: str) -> bool:
    """True for prose that can stand as a finding: several words with a sentence end (the text may
    run on into the next paper's title, which is cut off when that paper's fields come)."""
    words = text.split()
    ends = text.rstrip()[-1:] in ".!?" or re.search(r"[a-z)][.!?]\s+[A-Z]", text) is not None
    return len(words) >= 6 and ends and text.lstrip()[:1].isupper()
