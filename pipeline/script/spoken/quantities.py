"""Rules for numbers and quantities: dates, decades, ordinals, powers of ten, money, units, ranges."""

from __future__ import annotations

import re

from .numbers import (
    MONTHS,
    SCALE_WORDS,
    is_year,
    plural,
    say_date,
    say_decimal,
    say_digits,
    say_ordinal,
    say_scaled,
    say_scientific,
    say_year,
    words,
)
from .patterns import NUM, PER_PATTERN, SIGN, UNIT_CHAIN, is_one, say_signed, say_units
from .tokens import Hit, Rule, State
from .units import UNIT_PATTERN, per_name, unit_name

_MONTH = "|".join(MONTHS)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
DATE = (rf"\b(?P<iy>\d{{4}})-(?P<im>0[1-9]|1[0-2])-(?P<id>3[01]|[12]\d|0[1-9])\b"
        rf"|\b(?P<d1>{_DAY})(?:st|nd|rd|th)?\s(?P<m1>{_MONTH})(?:,?\s(?P<y1>\d{{4}}))?(?!\d)"
        rf"|\b(?P<m2>{_MONTH})\s(?P<d2>{_DAY})(?:st|nd|rd|th)?(?:,\s?(?P<y2>\d{{4}}))?(?![\d:])")
# An operator that turns a quantity into a bound: (plain, with a unit) wording.
_BOUNDS = {"<": ("less than", "under"), ">": ("more than", "over"), "≤": ("at most", "at most"),
           "≥": ("at least", "at least"), "~": ("about", "about"),
           "≈": ("approximately", "approximately")}
_CURRENCIES = {"$": ("dollar", "dollars"), "US$": ("dollar", "dollars"), "USD": ("dollar", "dollars"),
               "£": ("pound", "pounds"), "GBP": ("pound", "pounds"), "€": ("euro", "euros"),
               "EUR": ("euro", "euros"), "¥": ("yen", "yen")}
_PERIODS = {"d": "day", "day": "day", "wk": "week", "week": "week", "mo": "month", "month": "month",
            "y": "year", "yr": "year", "year": "year", "night": "night", "h": "hour"}
_TIMES = {1: "once", 2: "twice"}


def _date(hit: Hit, state: State) -> str:
    g = hit.groups
    year, month, day = ((g["iy"], g["im"], g["id"]) if g["iy"] else
                        (g["y1"], g["m1"], g["d1"]) if g["m1"] else (g["y2"], g["m2"], g["d2"]))
    month_no = int(month) if month and month.isdigit() else MONTHS.index(str(month)) + 1
    return say_date(int(year) if year else None, month_no, int(str(day)))


def _decade(hit: Hit, state: State) -> str:
    digits = str(hit.get("y"))
    return plural(say_year(int(digits)) if len(digits) == 4 else words(int(digits)))


def _ordinal(hit: Hit, state: State) -> str:
    return say_ordinal(int(str(hit.get("n"))))


def _scientific(hit: Hit, state: State) -> str:
    exponent = int(str(hit.get("e") or hit.get("e2")).replace("−", "-").replace("+", ""))
    said = say_scientific(hit.get("m") or hit.get("m2"), exponent)
    return said + say_units(hit.get("unit"), hit.get("per"), True)


def _currency(hit: Hit, state: State) -> str:
    amount, scale = str(hit.get("a")), hit.get("scale")
    singular, many = _CURRENCIES[str(hit.get("cur")).strip()]
    if scale:  # "$1.2 million" -> "one point two million dollars"
        return f"{say_scaled(amount, scale)} {many}"
    whole, _, cents = amount.replace(",", "").replace(" ", "").partition(".")
    said = f"{say_digits(whole)} {singular if whole == '1' else many}"
    return said + (f" {say_digits(cents)}" if len(cents) == 2 and cents != "00" else "")


def _dimensions(hit: Hit, state: State) -> str:
    sides = [say_decimal(str(n)) for n in (hit.get("a"), hit.get("b"), hit.get("c")) if n]
    return " by ".join(sides) + say_units(hit.get("unit"), None, True)


def _frequency(hit: Hit, state: State) -> str:
    n = int(str(hit.get("n")))
    said = _TIMES.get(n, f"{words(n)} times")
    period = hit.get("per")
    return said + (f" a {_PERIODS[period]}" if period else f" {hit.get('adv')}" if hit.get("adv") else "")


def _compound(hit: Hit, state: State) -> str:
    return f"{say_decimal(str(hit.get('a')))}-{unit_name(str(hit.get('unit')), False)}"


def _timepoint(hit: Hit, state: State) -> str:
    return f"{_PERIODS[str(hit.get('w')).lower()]} {say_digits(str(hit.get('n')))}"


def _quantity(hit: Hit, state: State) -> str:
    g = hit.groups
    a, b, den, unit = str(g["a"]), g["b"], g["den"], g["unit"]
    pct = bool(g["pa"] or g["pb"])
    # A plain 4-digit number 1900-2099 is a year, unless it is a count ("n = 1998").
    as_year = (not (pct or unit or den or g["ratio"] or g["sign"] or g["op"]) and is_year(a)
               and (b is None or is_year(b)) and not re.search(r"[=<>≤≥±]\s*$", hit.before()))
    said = say_year(int(a)) if as_year else say_signed(a, g["sign"])
    if b is not None:
        said += " to " + (say_year(int(b)) if as_year else say_signed(b, g["sign2"]))
    if den is not None:  # "12/20" -> "twelve out of twenty"; "5/100 000" -> "five per hundred thousand"
        said += (" per " if re.fullmatch(r"10*", den.replace(" ", "").replace(",", "")) else " out of ")
        said += say_decimal(den)
    if g["rate"]:  # "5/h" -> "five per hour"
        said += " per " + per_name(str(g["rate"]))
    if g["ratio"]:  # "a 4:1 ratio"
        said += " to " + say_digits(str(g["ratio"]))
    if pct:
        said += " percent"
    said += say_units(unit, g["per"], not (is_one(a) and b is None and den is None))
    if g["op"]:
        plain, bounded = _BOUNDS[str(g["op"])]
        said = f"{bounded if unit else plain} {said}"
    return said


_SCI = (rf"(?<![\w.,])(?:(?:(?P<m>{NUM})\s?[×x*]\s?)?10\s?\^\s?\(?(?P<e>[-−+]?\d{{1,3}})\)?"
        rf"|(?P<m2>\d(?:\.\d+)?)[eE](?P<e2>[-−+]?\d{{1,3}}))(?![\w.])")
_QUANTITY = (rf"(?<![\w.,/^\-−])(?:(?P<op>[<>≤≥~≈])\s?)?(?P<sign>{SIGN})?(?P<a>{NUM})(?P<pa>\s?%)?"
             rf"(?:(?:\s?[–—]\s?|-|\sto\s)(?P<sign2>{SIGN})?(?P<b>{NUM})(?P<pb>\s?%)?"
             rf"|/(?P<den>{NUM})|/(?P<rate>{PER_PATTERN})(?![\w^])|:(?P<ratio>\d+))?{UNIT_CHAIN}(?![^\W_]|[.,]\d)")
_LENGTH = r"cm|mm|m|μm|km"
_DIM_WORDS = r"factorial|design|table|grid|matrix|crossover|array|pixels?|voxels?"

RULES = (
    Rule("date", "date", DATE, _date),
    Rule("decade", "number", r"(?<![\w.,'])'?(?P<y>(?:1\d|20)?\d0)s\b", _decade),
    Rule("ordinal", "number", r"(?<![\w.,])(?P<n>\d{1,15})(?:st|nd|rd|th)\b", _ordinal, re.IGNORECASE),
    Rule("scientific", "number", _SCI + UNIT_CHAIN, _scientific),
    Rule("currency", "quantity",
         rf"(?<![\w])(?P<cur>US\$|[$£€¥]|(?:USD|EUR|GBP)\s?)(?P<a>{NUM})"
         rf"(?:\s?(?P<scale>{'|'.join(SCALE_WORDS)})\b)?", _currency),
    Rule("dimensions", "quantity",
         rf"(?<![\w.,])(?P<a>{NUM})\s?[×x]\s?(?P<b>{NUM})(?:\s?[×x]\s?(?P<c>{NUM}))?"
         rf"(?:\s?(?P<unit>{_LENGTH})\b|(?=\s(?:{_DIM_WORDS})\b))", _dimensions),
    Rule("frequency", "quantity",
         r"(?<![\w.,])(?P<n>\d{1,3})\s?(?:[×x]|\stimes)\s?(?:/\s?(?P<per>day|d|week|wk|month|mo|year|yr|y|night|h)\b"
         r"|(?P<adv>daily|weekly|monthly|a day|a week|per day|per week)\b)?(?![\w])", _frequency),
    Rule("compound", "quantity", rf"(?<![\w.,])(?P<a>{NUM})-(?P<unit>{UNIT_PATTERN})(?![\w^-])", _compound),
    Rule("timepoint", "quantity", r"\b(?P<w>wk|Wk|WK|mo|yr|d)\s?(?P<n>\d{1,3})\b(?![.,]\d)", _timepoint),
    Rule("quantity", "quantity", _QUANTITY, _quantity),
    # Digits no other rule claimed ("pre-2020", "x2"): said as a number, so no digit reaches the engine.
    Rule("number", "number", rf"{NUM}|\d+", lambda hit, state: say_decimal(hit.text)),
)
