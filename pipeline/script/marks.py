"""Values from the reading list, marked with where they came from, and the filters templates use on them.

Every value taken from the reading list is a `Data` string (or `DataInt`): it behaves as a
plain string in template logic, but when a template prints it the environment wraps it in
invisible marks naming its source ("tang2020dysbiosis:title"). After rendering, the marks
tell which words came from the data and which from the templates; that is how the script
defines a sentence's *pattern* (its template words, with each value as a slot) and how the
tests prove that every fact spoken comes from the right paper.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from num2words import num2words

MARK_OPEN, MARK_SEP, MARK_CLOSE = "\ue000", "\ue002", "\ue001"
_SPAN = re.compile(f"{MARK_OPEN}([^{MARK_SEP}]*){MARK_SEP}([^{MARK_CLOSE}]*){MARK_CLOSE}")


class Data(str):
    """A string from the reading list (or derived from it), with where it came from."""

    source: str

    def __new__(cls, value: object, source: str) -> Data:
        text = super().__new__(cls, " ".join(str(value).split()))
        text.source = source
        return text


class DataInt(int):
    """A number derived from the reading list (a count of papers, authors, designs)."""

    source: str

    def __new__(cls, value: int, source: str) -> DataInt:
        number = super().__new__(cls, value)
        number.source = source
        return number


def finalize(value: Any) -> Any:
    """Jinja's `finalize` hook: a printed data value is wrapped in marks naming its source."""
    if isinstance(value, (Data, DataInt)) and str(value):
        return f"{MARK_OPEN}{value.source}{MARK_SEP}{value}{MARK_CLOSE}"
    return value


def unmark(text: str) -> str:
    """Text with the marks removed: what the listener hears."""
    return _SPAN.sub(lambda m: m.group(2), text)


def spans(text: str) -> list[tuple[str, str]]:
    """The (source, value) of every data value in a marked text."""
    return _SPAN.findall(text)


def skeleton(text: str, slot: str = "…") -> str:
    """Marked text with each data value replaced by a slot: the template's own words."""
    return _SPAN.sub(slot, text)


# --- filters the templates use on data (they keep the marks) --------------------------------

def _keep(original: Any, text: str) -> Any:
    return Data(text, original.source) if isinstance(original, Data) else text


def _first_visible(text: str) -> int:
    """Index of the first character a listener hears (marks and source tags skipped)."""
    i = 0
    while i < len(text):
        if text[i] == MARK_OPEN:
            i = text.find(MARK_SEP, i) + 1 or len(text)
        elif text[i] in (MARK_CLOSE, " "):
            i += 1
        else:
            return i
    return len(text)


def capfirst(value: Any) -> Any:
    """First letter in upper case ("probiotics reverse ..." -> "Probiotics reverse ...")."""
    text = str(value)
    i = _first_visible(text)
    first = re.split(r"[\s\-\ue001]", text[i:], maxsplit=1)[0]
    if any(c.isupper() for c in first[1:]):
        return value  # "mTOR", "iPSC": capitals of its own, leave alone
    return _keep(value, text[:i] + text[i:i + 1].upper() + text[i + 1:])


def lowerfirst(value: Any) -> Any:
    """First letter in lower case, unless the first word is an acronym ("LPS", "TNFα")."""
    text = str(value)
    i = _first_visible(text)
    first = re.split(r"[\s\-\ue001]", text[i:], maxsplit=1)[0]
    if len(first) > 1 and sum(c.isupper() for c in first) > 1:
        return value
    if re.match(r"[A-Z][a-z]+(?:ian|ean)$|[A-Z][a-z]+['’]s$", first):
        return value  # "Mendelian", "Alzheimer's": a name, capital and all
    return _keep(value, text[:i] + text[i:i + 1].lower() + text[i + 1:])


def as_words(value: Any) -> Any:
    """A count in words for the written script ("five"); larger numbers stay digits."""
    number = int(value)
    text = num2words(number, lang="en_GB") if 0 <= number <= 20 else str(number)
    return Data(text, value.source) if isinstance(value, (Data, DataInt)) else text


def join_and(items: Sequence[Any], separator: str = ", ", last: str = " and ") -> str:
    """A list read out: "a, b and c"; each item keeps its marks, the joining words are the template's."""
    shown = [finalize(item) for item in items]
    if len(shown) <= 1:
        return "".join(shown)
    return separator.join(shown[:-1]) + last + shown[-1]


def period(value: Any) -> Any:
    """The text as a sentence: a full stop added unless it already ends in ".", "?" or "!"."""
    text = str(value).rstrip()
    return _keep(value, text if not text or text[-1] in ".?!" else text + ".")


def as_data(value: Any, source: str) -> Data:
    """A value a template picked out of a paper's facts, marked with where it came from."""
    return Data(value, source)


FILTERS = {"as_data": as_data, "capfirst": capfirst, "lowerfirst": lowerfirst, "words": as_words, "join_and": join_and,
           "period": period}
