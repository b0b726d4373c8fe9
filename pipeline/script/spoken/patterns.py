"""Regular-expression pieces the rules share: numbers with their groupings, signs, units."""

from __future__ import annotations

import re

from .numbers import say_decimal
from .units import PER_WORDS, UNIT_PATTERN, UNITS, per_name, unit_name

# A number: thousands grouped by commas or spaces (thin spaces are spaces after cleaning),
# optional decimals, or a leading-dot decimal (".008").
NUM = r"(?:(?:\d{1,3}(?:(?:,\d{3})+|(?: \d{3}(?![\d,]))+)(?![\d])|\d+)(?:\.\d+)?|\.\d+)"
SIGN = r"[-−]"
SIGNED = rf"{SIGN}?{NUM}"
PER_PATTERN = "|".join(re.escape(w) for w in sorted(PER_WORDS, key=len, reverse=True))
# A unit right after a number, then any number of "/unit", "/word" or "/1.73 m^2" denominators.
UNIT_CHAIN = (rf"(?:\s?(?P<unit>{UNIT_PATTERN})(?![\w^])"
              rf"(?P<per>(?:\s?/\s?(?:{NUM}\s?)?(?:{UNIT_PATTERN}|{PER_PATTERN})(?![\w^]))*))?")
_PER_PART = re.compile(rf"/\s?(?:({NUM})\s?)?({UNIT_PATTERN}|{PER_PATTERN})(?![\w^])")


def say_signed(number: str, sign: str | None = None) -> str:
    """A number with its written sign: ("0.4", "−") -> "minus zero point four"."""
    return ("minus " if sign else "") + say_decimal(number)


def say_units(unit: str | None, per: str | None, plural: bool) -> str:
    """The spoken unit chain: ("mg", "/kg/day", True) -> " milligrams per kilogram per day"."""
    if not unit:
        return ""
    said = " " + unit_name(unit, plural)
    for number, word in _PER_PART.findall(per or ""):
        if number:
            many = say_decimal(number) != "one"
            said += f" per {say_decimal(number)} " + (unit_name(word, many) if word in UNITS else word)
        else:
            said += " per " + per_name(word)
    return said


def is_one(number: str) -> bool:
    """Whether a written number is exactly one (the unit after it is singular)."""
    return say_decimal(number) == "one"

