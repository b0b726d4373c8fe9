"""Units of measurement: written symbol -> (singular, plural), said only right after a number."""

from __future__ import annotations

import re

_TABLE = """
mg milligram | g gram | kg kilogram | μg microgram | mcg microgram | ng nanogram | pg picogram
lb pound | lbs pound | oz ounce
mL millilitre | ml millilitre | L litre | l litre | dL decilitre | dl decilitre | μL microlitre
μl microlitre | nL nanolitre
mM millimolar | μM micromolar | nM nanomolar | pM picomolar | M molar
mol mole | mmol millimole | μmol micromole | nmol nanomole | pmol picomole | mEq milliequivalent
IU international unit | U unit | mU milliunit | kU kilounit
CFU colony-forming unit | cfu colony-forming unit | PFU plaque-forming unit | OTU operational taxonomic unit
h hour | hr hour | hrs hour | min minute | mins minute | s second | sec second | ms millisecond
d day | wk week | wks week | mo month | mos month | y year | yr year | yrs year
m metre | km kilometre | cm centimetre | mm millimetre | μm micrometre | nm nanometre
m^2 square metre | cm^2 square centimetre | mm^2 square millimetre | km^2 square kilometre
m^3 cubic metre | cm^3 cubic centimetre
kcal kilocalorie | cal calorie | kJ kilojoule | J joule
Hz hertz | kHz kilohertz | MHz megahertz | dB decibel | μV microvolt | mV millivolt | V volt
W watt | mW milliwatt | T tesla | Gy gray | mGy milligray | Sv sievert | mSv millisievert
mmHg millimetre of mercury | cmH2O centimetre of water | bpm beat per minute
°C degree Celsius | °F degree Fahrenheit | K kelvin | ° degree
MET metabolic equivalent | METs metabolic equivalent | ppm part per million | ppb part per billion
"""
# The plural of a unit whose last word is not simply "+s".
_PLURALS = {"degree Celsius": "degrees Celsius", "degree Fahrenheit": "degrees Fahrenheit",
            "millimetre of mercury": "millimetres of mercury", "centimetre of water": "centimetres of water",
            "beat per minute": "beats per minute", "part per million": "parts per million",
            "part per billion": "parts per billion", "hertz": "hertz", "kilohertz": "kilohertz",
            "megahertz": "megahertz", "millimolar": "millimolar", "micromolar": "micromolar",
            "nanomolar": "nanomolar", "picomolar": "picomolar", "molar": "molar", "kelvin": "kelvin",
            "tesla": "tesla", "gray": "gray", "milligray": "milligray"}


def _parse(table: str) -> dict[str, tuple[str, str]]:
    units: dict[str, tuple[str, str]] = {}
    for entry in table.replace("\n", "|").split("|"):
        if entry.strip():
            symbol, name = entry.strip().split(maxsplit=1)
            units[symbol] = (name, _PLURALS.get(name, name + "s"))
    return units


UNITS: dict[str, tuple[str, str]] = _parse(_TABLE) | {
    "mm Hg": ("millimetre of mercury", "millimetres of mercury")}  # the one symbol written with a space
# Words that follow "/" as a rate's denominator ("events/year", "mg/day").
PER_WORDS = frozenset({"day", "week", "month", "year", "hour", "minute", "night", "visit", "dose",
                       "person-year", "person-years", "patient-year", "patient-years", "kg", "m^2",
                       "participant", "patient", "person", "capita", "breath", "beat", "cycle",
                       "h", "d", "min", "wk", "mo", "y", "yr"})
# Single letters and words that are units only in a unit context ("5 y", "3 d"); spelled elsewhere.
AMBIGUOUS = frozenset({"m", "M", "s", "d", "y", "h", "l", "L", "U", "T", "V", "W", "K", "J", "g", "°"})
UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))


def unit_name(symbol: str, plural: bool) -> str:
    """The spoken name of a unit symbol: ("mg", True) -> "milligrams"."""
    singular, many = UNITS[symbol]
    return many if plural else singular


def per_name(word: str) -> str:
    """A rate's denominator: a unit symbol in the singular ("kg" -> "kilogram"), a word as written."""
    return UNITS[word][0] if word in UNITS else word
