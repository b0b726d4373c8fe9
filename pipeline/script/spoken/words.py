"""Rules for words: a show's overrides, fixed sayings, shorthand, abbreviations, acronyms, slashes, symbols."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .clean import GREEK
from .numbers import say_decimal, say_digits
from .patterns import NUM
from .tokens import Hit, Rule, State
from .units import AMBIGUOUS, PER_WORDS, UNITS, per_name, unit_name
from .vocabulary import Vocabulary

# Letters the voices read (Latin; Greek is named), digits and combining marks; other scripts go to
# the script rule (see scripts.py).
_CHAR = "(?:(?![×÷])[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0370-\u03ff\u1f00-\u1fff\u0300-\u036f\\d])"
WORD = rf"{_CHAR}+(?:[-–]{_CHAR}+)*"
_SHORTHAND = (
    (r"\bet\s+al\b\.?", "and colleagues"), (r"\be\.\s?g\.", "for example"), (r"\bi\.\s?e\.", "that is"),
    (r"\bvs\b\.?", "versus"), (r"\bapprox\.", "approximately"), (r"\bcf\.", "compare"),
    (r"\betc\.", "et cetera"), (r"\band/or\b", "and or"), (r"\bb\.i\.d\.|\b(?-i:BID)\b", "twice daily"),
    (r"\bt\.i\.d\.|\b(?-i:TID)\b", "three times daily"), (r"\bq\.i\.d\.|\b(?-i:QID)\b", "four times daily"),
    (r"\bq\.d\.|\bo\.d\.", "once daily"), (r"\bq\.h\.s\.", "at bedtime"), (r"\bp\.o\.", "by mouth"),
    (r"\bFig\.", "Figure"), (r"\bno\.(?=\s?\d)", "number"), (r"\bapprox\b", "approximately"))
_SYMBOLS = {"±": "plus or minus", "≤": "less than or equal to", "≥": "more than or equal to",
            "<": "less than", ">": "more than", "×": "times", "&": "and", "~": "about", "≈": "approximately",
            "=": "equals", "≠": "not equal to", "^": "to the power of", "°": "degrees", "%": "percent",
            "→": "to", "←": "from", "↑": "increased", "↓": "decreased", "−": "minus", "+": "plus",
            "@": "at", "#": "number", "*": "", "′": "prime", "†": "", "‡": "", "§": "", "•": ",", "_": " ", "|": ","}


def override_rule(pronunciations: Mapping[str, str]) -> Rule | None:
    """A show's own respellings, matched as whole words; an exact-case entry beats a case-insensitive one."""
    if not pronunciations:
        return None
    folded = {k.casefold(): v for k, v in reversed(list(pronunciations.items()))}
    keys = "|".join(map(re.escape, sorted(pronunciations, key=len, reverse=True)))
    return Rule("override", "override", rf"(?<!\w)(?:{keys})(?!\w)",
                lambda hit, state: pronunciations.get(hit.text, folded.get(hit.text.casefold(), hit.text)),
                re.IGNORECASE)


def said_rule(said: Mapping[str, str]) -> Rule | None:
    """Words always said one way ("NREM" -> "non-REM", "PLoS ONE" -> "plos one")."""
    if not said:
        return None
    keys = "|".join(map(re.escape, sorted(said, key=len, reverse=True)))
    return Rule("said", "said", rf"(?<![\w-])(?:{keys})(?![\w])", lambda hit, state: said[hit.text])


def _shorthand(hit: Hit, state: State) -> str:
    spoken = next(s for p, s in _SHORTHAND if re.fullmatch(p.replace(r"\b", ""), hit.text, re.IGNORECASE))
    if hit.text[0].isupper() and not hit.text.isupper():
        spoken = spoken[0].upper() + spoken[1:]
    # The last "et al." of a turn also ends its sentence.
    return spoken + ("." if hit.text.endswith(".") and not hit.after().strip() else "")


SHORTHAND = Rule("shorthand", "shorthand", "|".join(p for p, _ in _SHORTHAND), _shorthand, re.IGNORECASE)


def _is_identifier(part: str) -> bool:
    return any(c.isdigit() for c in part) or sum(c.isupper() for c in part) >= 2


def _slash(hit: Hit, state: State) -> str:
    a, b, n = str(hit.get("a")), str(hit.get("b")), hit.get("n")
    after_unit = a in UNITS and a not in AMBIGUOUS
    left = unit_name(a, True) if after_unit else state.fragment(a)
    # A rate: "events/1000 person-years", "cells/μL", "mmol/L".
    if n or b in PER_WORDS or (b in UNITS and (after_unit or b not in AMBIGUOUS)):
        rate = per_name(b) if b in UNITS or b in PER_WORDS else state.fragment(b)
        return f"{left} per " + (f"{say_decimal(n)} {rate}" if n else rate)
    if hit.get("dash"):  # "pre-/probiotic": a shared stem
        return f"{left}- and {state.fragment(b)}"
    if re.match(r"\s?ratios?\b", hit.after()):  # "the Firmicutes/Bacteroidetes ratio"
        return f"{left} to {state.fragment(b)}"
    joiner = "and" if _is_identifier(a) and _is_identifier(b) else "or"
    return f"{left} {joiner} {state.fragment(b)}"


SLASH = Rule("slash", "symbol",
             rf"(?P<a>{WORD})(?P<dash>-)?/(?:(?P<n>{NUM})\s?)?(?P<b>{WORD}(?:\^[23](?!\d))?)", _slash)
_POWERS = {"2": "squared", "3": "cubed"}
# "χ²" or "R²" without a figure (with one, it is a statistic): "chi-squared", "R-squared".
SQUARED = Rule("squared", "symbol", r"(?<![\w^])(?P<base>[A-Za-zα-ω])\^(?P<p>[23])(?![\d\w])",
               lambda hit, state: f"{GREEK.get(str(hit.get('base')), str(hit.get('base')))}-"
                                  f"{_POWERS[str(hit.get('p'))]}")
# A bracket written onto a word is part of its name ("IL-1(β)", "CD45(+)"), not an aside.
ATTACHED = Rule("attached-bracket", "word", r"(?<=[^\W_])\((?P<x>[^\W_]{1,2}|\+|-)\)(?![\w])",
                lambda hit, state: " " + {"+": "positive", "-": "negative"}.get(str(hit.get("x")),
                                                                               state.fragment(str(hit.get("x")))))
DASH = Rule("dash", "symbol", r"\s*—\s*|\s+[–-]\s+", lambda hit, state: ", ")


def _symbol(hit: Hit, state: State) -> str:
    if hit.text == "+" and re.search(r"[^\W\d_]\s?$", hit.before()) and re.match(r"\s?[^\W\d_]", hit.after()):
        return " and "  # "migraine + overuse" joins words; "CD4+" is "plus"
    if hit.text == "/":
        return " per " if re.search(r"\d\s?$", hit.before()) else " or "
    if hit.text == "*" and re.match(r"\d", hit.after()):
        return " star "  # a star allele: "CYP2C19*2"
    if hit.text == "′":
        return " prime "  # "5′ UTR"
    return f" {_SYMBOLS.get(hit.text, '')} "


SYMBOL = Rule("symbol", "symbol", "|".join(map(re.escape, sorted(_SYMBOLS, key=len, reverse=True))) + "|/",
              _symbol)


def word_rule(vocabulary: Vocabulary, pronunciations: Mapping[str, str] | None = None) -> Rule:
    """Words, acronyms and abbreviations, whole or in hyphenated compounds ("LPS-induced", "IL-6").

    A show's override for one part of a compound wins there too ("VE-cadherin").
    """
    overrides = dict(pronunciations or {})
    folded = {k.casefold(): v for k, v in reversed(list(overrides.items()))}

    def render(hit: Hit, state: State) -> str:
        whole, parts = hit.text.replace("–", "-"), hit.text.replace("–", "-").split("-")
        entry = _lookup(vocabulary.abbreviations, whole) if len(parts) > 1 else None
        if entry is not None or (len(parts) > 1 and whole in vocabulary.statistics):
            parts = [whole]
        spoken = [(overrides.get(p) or folded[p.casefold()], True) if p.casefold() in folded else
                  _part(p, vocabulary, entry or _lookup(vocabulary.abbreviations, p), len(parts) > 1, hit, state)
                  for p in parts]
        out = spoken[0][0]
        # An en dash between codes is a range ("V3–V4"); other joins are compounds.
        ranges = [f"{a}–{b}" in hit.text and _is_identifier(a) and _is_identifier(b)
                  for a, b in zip(parts, parts[1:], strict=False)]
        for (_, prev_word), (text, is_word), to in zip(spoken, spoken[1:], ranges, strict=False):
            out += (" to " if to else "-" if prev_word and is_word else " ") + text  # "V E cadherin", "gut-brain"
        return out
    return Rule("word", "word", WORD, render)


def _lookup(table: Mapping[str, str], word: str) -> tuple[str, str] | None:
    """The table's (key, expansion) for a word, letting "SNPs" share "SNP"'s entry."""
    singular = word[:-1] if word.endswith("s") and word[:-1] in table else word
    if word in table:
        return singular, table[word]
    return (singular, table[singular] + "s") if singular != word else None


def _part(part: str, vocabulary: Vocabulary, entry: tuple[str, str] | None, in_compound: bool,
          hit: Hit, state: State) -> tuple[str, bool]:
    if part in vocabulary.statistics and not state.shouting and re.fullmatch(r"a?[A-Z][A-Za-z]+", part):
        return vocabulary.statistics[part], True  # a statistic's name is always said in full
    if entry is not None:
        return _abbreviation(part, entry, in_compound, hit, state)
    if part in vocabulary.words or part.rstrip("s") in vocabulary.words:
        return part, True
    if all(c in GREEK for c in part):
        return " ".join(GREEK[c] for c in part), True
    if part.startswith("μ") and part in UNITS:
        return unit_name(part, True), True
    if _is_word(part):
        return part, True
    if state.shouting and part.isalpha() and part.isupper():
        return part.lower(), True
    return spell(part), False


def _abbreviation(part: str, entry: tuple[str, str], in_compound: bool, hit: Hit,
                  state: State) -> tuple[str, bool]:
    key, expansion = entry
    spelled = " ".join(spell(p) for p in part.split("-"))
    if key in state.introduced:
        return spelled, False
    if in_compound:  # "LPS-induced": say it in full, introduce the short form later
        return expansion, True
    state.introduced.add(key)
    if re.search(re.escape(expansion) + r"\s*[(,]\s*$", hit.before().replace("–", "-"), re.IGNORECASE):
        return spelled, False  # "Mendelian randomisation (MR)": the writer already expanded it
    more = re.match(r"\s*[^\s.,;:!?)\]]", hit.after())  # more follows: close the aside
    return f"{expansion}, {spelled}" + ("," if more else ""), False


def _is_word(part: str) -> bool:
    """Ordinary words ("Via", "cadherin", "PubMed"), not "DNA", "IgA" or "pH"."""
    if not part.isalpha() or any(c in GREEK for c in part):
        return False
    return len(part) == 1 or not any(c.isupper() and (i + 1 == len(part) or part[i + 1].isupper())
                                     for i, c in enumerate(part))


def spell(part: str) -> str:
    """Letters spaced and capitalised so the engine says them, numbers and Greek as words: "Th17" -> "T H seventeen"."""
    pieces = re.findall(r"\d+|[A-Z]s$|[a-z]{3,}|.", part)  # "RCTs" -> R C Ts: the plural stays attached
    return " ".join(say_digits(p) if p.isdecimal() else GREEK.get(p, p if len(p) > 1 else p.upper())
                    for p in pieces)
