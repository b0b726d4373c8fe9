"""Turn a turn's written text into what the speech engine should say (the written form stays for show notes)."""

from __future__ import annotations

import datetime as dt
import html
import re
import sys
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

import yaml
from num2words import num2words

from ..errors import ConfigError

DEFAULT_ABBREVIATIONS: dict[str, str] = {
    "RCT": "randomised controlled trial", "RCTs": "randomised controlled trials",
    "LPS": "lipopolysaccharide", "MR": "Mendelian randomisation",
    "FMT": "faecal microbiota transplantation", "GBA": "gut-brain axis",
    "CGRP": "calcitonin gene-related peptide", "IBS": "irritable bowel syndrome",
    "IBD": "inflammatory bowel disease", "CNS": "central nervous system",
    "ENS": "enteric nervous system", "BBB": "blood-brain barrier", "GI": "gastrointestinal",
    "SCFA": "short-chain fatty acid", "SCFAs": "short-chain fatty acids",
    "MOH": "medication-overuse headache", "SNP": "single-nucleotide polymorphism",
    "CI": "confidence interval", "SMD": "standardised mean difference",
}
# Acronyms everyone says as a word; spelling them ("A I D S") would sound wrong.
SAID_AS_WORDS = frozenset({"AIDS", "COVID", "NASA", "NATO", "NICE", "SARS", "MERS", "GABA",
                           "FODMAP", "PRISMA", "CONSORT", "UNESCO", "UNICEF", "MeSH", "PET"})
_GREEK_NAMES = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
                "omicron pi rho sigma tau upsilon phi chi psi omega").split()
_GREEK = {chr(0x3B1 + i + (i > 16)): name for i, name in enumerate(_GREEK_NAMES)}  # skips final sigma
_GREEK |= {c.upper(): name for c, name in _GREEK.items()} | {"ς": "sigma"}
_LATEX_GREEK = {name: c for c, name in _GREEK.items() if c.islower()} | {
    name.capitalize(): c for c, name in _GREEK.items() if c.isupper()}
# unit -> (singular, plural); only said as words right after a number, where they are unambiguous.
_UNITS = {
    "mg": ("milligram", "milligrams"), "g": ("gram", "grams"), "kg": ("kilogram", "kilograms"),
    "μg": ("microgram", "micrograms"), "mcg": ("microgram", "micrograms"), "ng": ("nanogram", "nanograms"),
    "ml": ("millilitre", "millilitres"), "mL": ("millilitre", "millilitres"), "L": ("litre", "litres"),
    "μl": ("microlitre", "microlitres"), "μL": ("microlitre", "microlitres"),
    "mM": ("millimolar", "millimolar"), "μM": ("micromolar", "micromolar"), "nM": ("nanomolar", "nanomolar"),
    "h": ("hour", "hours"), "hr": ("hour", "hours"), "hrs": ("hour", "hours"), "min": ("minute", "minutes"),
    "d": ("day", "days"), "wk": ("week", "weeks"), "wks": ("week", "weeks"), "mo": ("month", "months"),
    "yr": ("year", "years"), "yrs": ("year", "years"), "cm": ("centimetre", "centimetres"),
    "mm": ("millimetre", "millimetres"), "kcal": ("kilocalorie", "kilocalories"),
    "IU": ("international unit", "international units"), "mmHg": ("millimetre of mercury", "millimetres of mercury"),
    "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
}
_CURRENCY = {"$": ("dollar", "dollars"), "£": ("pound", "pounds"), "€": ("euro", "euros")}
_SHORTHAND = [(re.compile(p, re.IGNORECASE), s) for p, s in (
    (r"\bet\s+al\b\.?", "and colleagues"), (r"\be\.\s?g\.", "for example"), (r"\bi\.\s?e\.", "that is"),
    (r"\bvs\b\.?", "versus"), (r"\bapprox\.", "approximately"), (r"\bcf\.", "compare"),
    (r"\betc\.", "et cetera"), (r"\band/or\b", "and or"))]
_SYMBOLS = {"±": "plus or minus", "≤": "less than or equal to", "≥": "more than or equal to",
            "<": "less than", ">": "more than", "×": "times", "&": "and", "~": "about", "≈": "approximately",
            "=": "equals", "^": "to the power of", "°C": "degrees Celsius", "°F": "degrees Fahrenheit",
            "°": "degrees", "%": "percent", "→": "to", "−": "minus", "+": "plus", "/": "per", "@": "at",
            "*": "", "†": "", "‡": "", "§": "", "•": ",", "_": " "}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}

# Placeholders: finished spoken text is parked in private-use characters so later rules cannot
# re-process it (an override's capitals must not be spelled). Words and numbers get separate planes
# because "+" and "/" mean "and"/"or" between words but not next to numbers.
_WORD0, _NUM0 = 0xF0000, 0x100000
_W, _N = "\U000F0000-\U000FFFFD", "\U00100000-\U0010FFFD"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?:(?<![^\s(\[=<>≤≥~:])(?P<sign>[-−])|(?<![\w.,\-−/]))(?P<cur>[$£€])?(?P<a>{_NUM})(?P<pa>\s?%)?"
    rf"(?:\s*[-–—]\s*(?P<b>{_NUM})|\s*/\s*(?P<den>{_NUM})|:(?P<ratio>\d+))?(?P<pb>\s?%)?"
    rf"(?:\s?(?P<unit>{_UNIT_RE})(?![^\W_])(?:/(?P<per>[^\W\d_]+))?)?(?![\w]|[.,]\d)")
_MONTH_RE = "|".join(_MONTHS)
_DATES = re.compile(
    rf"\b(?P<iy>\d{{4}})-(?P<im>\d\d)-(?P<id>\d\d)\b"
    rf"|\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH_RE})(?:,?\s+(?P<y1>\d{{4}}))?(?!\d)"
    rf"|\b(?P<m2>{_MONTH_RE})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*(?P<y2>\d{{4}}))?(?!\d)")
_URLS = re.compile(r"(?:https?://|www\.|(?:dx\.)?doi\.org/|\bdoi\s*:?\s*(?=10\.)|\b10\.\d{4,9}/)\S*?"
                   r"(?=[.,;:!?)\]]*(?:\s|$))", re.IGNORECASE)
_TAGS = re.compile(r"</?(?:[a-z]+:)?([a-z][a-z0-9-]*)\b[^<>]*>", re.IGNORECASE)
# Only known tag names, so "x<y and y>z" in a finding is not mistaken for markup.
_INLINE_TAGS = {"i", "b", "em", "strong", "span", "u", "small", "sc", "italic", "bold", "a"}
_BLOCK_TAGS = {"p", "br", "div", "sup", "sub", "li", "ul", "ol", "title", "sec", "list", "list-item",
               "abstract", "h1", "h2", "h3", "h4", "table", "tr", "td"}
_TOKEN = re.compile(rf"(?:[^\W_]|[{_W}{_N}])+(?:-(?:[^\W_]|[{_W}{_N}])+)*")


def _words(n: int) -> str:
    return num2words(n, lang="en_GB").replace(",", "")


def _say_digits(digits: str) -> str:
    # Codes and very long runs ("007", 40 digits) are read digit by digit, as people do.
    if len(digits) > 15 or (len(digits) > 1 and digits[0] == "0"):
        return " ".join(_words(int(d)) for d in digits)
    return _words(int(digits))


def _say_decimal(text: str) -> str:
    whole, _, frac = text.replace(",", "").partition(".")
    # Decimals are read digit by digit ("zero point zero five"), never "point five hundred".
    return _say_digits(whole) + (" point " + " ".join(_words(int(d)) for d in frac) if frac else "")


def say_number(n: int | float) -> str:
    """Say a number in words: 1200 -> "one thousand two hundred", 2.5 -> "two point five"."""
    if isinstance(n, float) and n != n:
        return "not a number"
    sign = "minus " if n < 0 else ""
    if isinstance(n, float):
        return sign + ("infinity" if abs(n) == float("inf") else _say_decimal(format(Decimal(repr(abs(n))), "f")))
    return sign + _say_digits(str(abs(n)))


def say_year(year: int) -> str:
    """Say a year as a British podcast host would: 2005 -> "two thousand and five", 2023 -> "twenty twenty-three"."""
    if not 1000 <= year <= 2999:
        return say_number(year)
    return num2words(year, lang="en_GB", to="year").replace("oh-", "oh ")


def say_ordinal(n: int) -> str:
    """Say an ordinal: 3 -> "third", 21 -> "twenty-first"."""
    if n < 0:
        raise ValueError(f"no ordinal for {n}")
    return num2words(n, lang="en_GB", to="ordinal").replace(",", "")


def say_date(year: int | None, month: int | None = None, day: int | None = None) -> str:
    """Say a date at its precision: "the eleventh of October, twenty twenty-three", "July twenty twenty-four"."""
    if month is None:
        return say_year(year) if year is not None else ""
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        raise ValueError(f"not a date: {year}-{month}-{day}")
    said = f"the {say_ordinal(day)} of {_MONTHS[month - 1]}" if day else _MONTHS[month - 1]
    if year is None:
        return said
    return f"{said}, {say_year(year)}" if day else f"{said} {say_year(year)}"


def read_pronunciation_file(path: Path) -> dict[Any, Any]:
    """A pronunciation file's mapping (TOML or YAML, optionally all under one [pronunciations] table)."""
    path = Path(path)
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        elif path.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        else:
            raise ConfigError(str(path), ["pronunciations must be a .toml or .yaml file"])
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"]) from None
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(str(path), [f"not valid {path.suffix[1:].upper()} ({exc})"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot be read ({exc})"]) from None
    if isinstance(data, dict) and set(data) == {"pronunciations"}:
        data = data["pronunciations"]  # also accept everything under one [pronunciations] table
    if not isinstance(data, dict):
        raise ConfigError(str(path), ["must be a mapping of word = how to say it"])
    return data


def load_pronunciations(path: Path) -> dict[str, str]:
    """Read a show's pronunciation file of plain respellings (word -> how to say it)."""
    data = read_pronunciation_file(path)
    problems = [f"{key!r} must map to a non-empty string" for key, value in data.items()
                if not isinstance(key, str) or not key.strip() or not isinstance(value, str) or not value.strip()]
    if problems:
        raise ConfigError(str(path), problems)
    return {key.strip(): value.strip() for key, value in data.items()}


def _clean(text: str) -> tuple[str, bool]:
    """Markup and links out, Unicode normalised; also says whether a link was removed."""
    text = unicodedata.normalize("NFKC", html.unescape(text))
    text = _TAGS.sub(lambda m: "" if m.group(1).lower() in _INLINE_TAGS else
                     " " if m.group(1).lower() in _BLOCK_TAGS else m.group(), text)
    text, links = _URLS.subn("", text)
    # LaTeX leftovers: \alpha -> α, \% -> %, other commands vanish (\textit{x} -> x once braces go).
    text = re.sub(r"\\(?:([A-Za-z]+)\*?|(.|$))", lambda m: _LATEX_GREEK.get(m[1], "") if m[1] else
                  m[2] if m[2] in "%&$#_" else " ", text.replace("---", "—").replace("--", "–"), flags=re.DOTALL)
    text = re.sub(r"[{}]|\$(?!\d)", "", text)
    text = re.sub(r"(?<=[^\W\d_])~(?=[^\W\d_])", " ", text)  # LaTeX tie, not "about"
    text = re.sub(r"\[\d+(?:\s*[,–-]\s*\d+)*\]|\(\s*\)|\[\s*\]", "", text)  # citation markers
    text = re.sub(r"[‐‑‒]", "-", text).replace("⁄", "/").replace("―", "—")
    text = "".join(c if c.isprintable() else " " for c in text)  # also drops private-use input
    return re.sub(r"\s+", " ", text).strip(), links > 0


class SpokenForm:
    """Converts written turns to spoken text; one per episode, as abbreviations are introduced once."""

    def __init__(self, pronunciations: Mapping[str, str] | None = None,
                 abbreviations: Mapping[str, str] | None = None) -> None:
        self.pronunciations = dict(pronunciations or {})
        self._folded = {k.casefold(): v for k, v in reversed(self.pronunciations.items())}
        self.abbreviations = dict(DEFAULT_ABBREVIATIONS if abbreviations is None else abbreviations)
        self._introduced: set[str] = set()
        keys = sorted(self.pronunciations, key=len, reverse=True)
        self._pron_re = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, keys)) + r")(?!\w)",
                                   re.IGNORECASE) if keys else None
        self._parked: dict[str, str] = {}
        self._shouting = False

    def _park(self, text: str, number: bool = False) -> str:
        if len(self._parked) >= 0xFFFE:  # a plane is full (absurdly long turn): leave the text in place
            return text
        char = chr((_NUM0 if number else _WORD0) + len(self._parked))
        self._parked[char] = text
        return char

    def say(self, text: str) -> str:
        """Convert one turn's written text into what the speech engine should say."""
        self._parked = {}
        s, link_removed = _clean(text)
        letters = [c for c in s if c.isalpha()]
        # An all-caps title is shouting, not twenty acronyms: don't spell its words.
        self._shouting = len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
        if self._pron_re:  # overrides first, so a show's own pronunciation always wins
            s = self._pron_re.sub(lambda m: self._park(self.pronunciations.get(
                m.group(), self._folded.get(m.group().casefold(), m.group()))), s)
        for pattern, spoken in _SHORTHAND:  # the last "et al." of a turn also ends its sentence
            s = pattern.sub(lambda m, sp=spoken: (sp.capitalize() if m.group()[0].isupper() else sp) + (
                "." if m.group().endswith(".") and not m.string[m.end():].strip() else ""), s)
        s = _DATES.sub(self._date, s)
        s = re.sub(r"(?<![\w.,'])'?((?:1\d|20)?\d0)s\b", lambda m: self._park(_plural(
            say_year(int(m.group(1))) if len(m.group(1)) == 4 else say_number(int(m.group(1)))), True), s)
        s = re.sub(r"(?i:\b(type|phase|class|grade|stage|complex|part|group)\s+)(I{1,3}|IV|VI{0,3}|IX|X)\b",
                   lambda m: f"{m.group(1)} {self._park(say_number(_ROMAN[m.group(2)]), True)}", s)
        s = re.sub(r"(?<![\w.,])(\d{1,15})(?:st|nd|rd|th)\b", lambda m: self._park(
            say_ordinal(int(m.group(1))), True), s, flags=re.IGNORECASE)
        s = _QUANTITY.sub(self._quantity, s)
        s = self._symbols(s)
        s = _TOKEN.sub(self._token, s)
        return self._finish(s, text, link_removed)

    def _date(self, m: re.Match[str]) -> str:
        year, month, day = m.group("iy", "im", "id") if m.group("iy") else (
            m.group("y1", "m1", "d1") if m.group("m1") else m.group("y2", "m2", "d2"))
        month_no = int(month) if month.isdigit() else _MONTHS.index(month) + 1
        try:
            dt.date(int(year) if year else 2000, month_no, int(day))  # 2000: a leap year, allows 29 Feb
        except ValueError:
            return m.group()  # not a real date: let the number rules read it
        return self._park(say_date(int(year) if year else None, month_no, int(day)), True)

    def _quantity(self, m: re.Match[str]) -> str:
        a, b, den, unit, cur = m.group("a", "b", "den", "unit", "cur")
        pct = bool(m.group("pa") or m.group("pb"))
        # A plain 4-digit number 1900-2099 is a year, unless it is a count ("n = 1998").
        as_year = (not (pct or unit or cur or den or m.group("sign") or m.group("ratio"))
                   and _is_year(a) and (b is None or _is_year(b))
                   and not re.search(r"[=<>≤≥±]\s*$", m.string[:m.start()]))
        said = say_year(int(a)) if as_year else _say_decimal(a)
        if b is not None:
            said += " to " + (say_year(int(b)) if as_year else _say_decimal(b))
        if den is not None:
            said += " out of " + _say_decimal(den)
        if m.group("ratio"):  # "a 1:1 ratio"
            said += " to " + _say_digits(m.group("ratio"))
        if m.group("sign"):
            said = "minus " + said
        plural = not (a == "1" and b is None and den is None)
        if cur and b is None and den is None:  # "$2.50" -> "two dollars fifty"
            whole, _, cents = a.replace(",", "").partition(".")
            said = f"{_say_digits(whole)} {_CURRENCY[cur][whole != '1']}"
            said += f" {_say_digits(cents)}" if len(cents) == 2 and cents != "00" else ""
        elif cur:
            said += " " + _CURRENCY[cur][1]
        elif pct:
            said += " percent"
        if unit:
            said += " " + _UNITS[unit][plural]
            if m.group("per"):
                per = m.group("per")
                said += " per " + (_UNITS[per][0] if per in _UNITS else per)
        return self._park(said, number=True)

    def _symbols(self, s: str) -> str:
        word = rf"[^\W\d_]|[{_W}]"
        s = re.sub(rf"(?<={word})( ?)\+\1(?={word})", " and ", s)  # "migraine + overuse" joins words
        s = re.sub(rf"(?<=[^\W_]|[{_W}])/(?=[^\W_]|[{_W}])", " or ", s)  # "pre/probiotic"
        s = re.sub(r"\s*—\s*|\s+[–-]\s+", ", ", s)  # a spaced dash or any em dash is a pause
        s = s.replace("–", "-")  # an unspaced en dash joins a compound ("gut–brain axis")
        keys = sorted(_SYMBOLS, key=len, reverse=True)
        return re.sub("|".join(map(re.escape, keys)), lambda m: f" {_SYMBOLS[m.group()]} ", s)

    def _lookup(self, word: str) -> tuple[str, str] | None:
        """The table's (key, expansion) for a word, letting "SNPs" share "SNP"'s entry."""
        singular = word[:-1] if word.endswith("s") and word[:-1] in self.abbreviations else word
        if word in self.abbreviations:
            return singular, self.abbreviations[word]
        return (singular, self.abbreviations[singular] + "s") if singular != word else None

    def _token(self, m: re.Match[str]) -> str:
        whole, parts = m.group(), m.group().split("-")
        entry = self._lookup(whole) if len(parts) > 1 else None
        if entry is not None:
            parts = [whole]
        spoken = [self._part(p, entry or self._lookup(p), len(parts) > 1, m) for p in parts]
        out = spoken[0][0]
        for (prev, prev_word), (text, is_word) in zip(spoken, spoken[1:]):
            out += ("-" if prev_word and is_word else " ") + text  # "V E cadherin", "gut-brain"
        return out

    def _part(self, part: str, entry: tuple[str, str] | None, in_compound: bool,
              m: re.Match[str]) -> tuple[str, bool]:
        if entry is not None:
            key, expansion = entry
            spelled = " ".join(_spell(p) for p in part.split("-"))
            if key in self._introduced:
                return spelled, False
            if in_compound:  # "LPS-induced": say it in full, introduce the short form later
                return expansion, True
            self._introduced.add(key)
            if re.search(re.escape(expansion) + r"\s*\($", m.string[:m.start()], re.IGNORECASE):
                return spelled, False  # "Mendelian randomisation (MR)": the writer already expanded it
            more = re.match(r"\s*(?:[^\W_]|[\U000F0000-\U0010FFFD])", m.string[m.end():])
            return f"{expansion}, {spelled}" + ("," if more else ""), False
        if re.search(rf"[{_W}{_N}]", part) or part in SAID_AS_WORDS or part.rstrip("s") in SAID_AS_WORDS:
            return part, True
        if all(c in _GREEK for c in part):
            return " ".join(_GREEK[c] for c in part), True
        if part.startswith("μ") and part in _UNITS:
            return _UNITS[part][1], True
        if _is_word(part):
            return part, True
        if self._shouting and part.isalpha() and part.isupper():
            return part.lower(), True
        return _spell(part), False

    def _finish(self, s: str, original: str, link_removed: bool) -> str:
        s = re.sub(r"[\U000F0000-\U0010FFFD]", lambda m: self._parked.get(m.group(), ""), s)
        s = re.sub(r"\d+", lambda m: f" {_say_digits(m.group())} ", s)
        s = "".join(_words(unicodedata.digit(c)) if c.isdigit() else c for c in s)  # other digit forms
        s = "".join(c if c.isprintable() else " " for c in s)
        s = re.sub(r"\s+", " ", s)
        s = re.sub(r"\s+([,.;:!?)\]])", r"\1", s)
        s = re.sub(r"([(\[])\s+", r"\1", s)
        s = re.sub(r",(?:\s*,)+", ",", s)
        s = re.sub(r",\s*([.;:!?])", r"\1", s).strip(" ,;:")
        if not s and any(c.isalpha() for c in original):  # never silence a turn that has words
            if link_removed:
                return "the link is in the show notes"
            return self._finish(" ".join(re.findall(r"[^\W\d_]+", original)), "", False)
        return s


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits.isdecimal() and 1900 <= int(digits) <= 2099


def _plural(words: str) -> str:
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def _is_word(part: str) -> bool:
    """Ordinary words ("Via", "cadherin", "PubMed"), not "DNA", "IgA" or "pH"."""
    if not part.isalpha() or any(c in _GREEK for c in part):
        return False
    return len(part) == 1 or not any(c.isupper() and (i + 1 == len(part) or part[i + 1].isupper())
                                     for i, c in enumerate(part))


def _spell(part: str) -> str:
    """Letters spaced so the engine says them, numbers and Greek as words: "HIF1α" -> "H I F one alpha"."""
    pieces = re.findall(r"\d+|[A-Z]s$|[a-z]{3,}|.", part)  # "RCTs" -> R C Ts: the plural stays attached
    return " ".join(_say_digits(p) if p.isdecimal() else _GREEK.get(p, p) for p in pieces)
