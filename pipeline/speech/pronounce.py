"""A show's pronunciation table, put into a turn's text in the form each engine takes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..config import ShowConfig
from ..errors import ConfigError
from ..script.spoken import read_pronunciation_file
from .engine import Engine
from .registry import get_engine


@dataclass(frozen=True)
class Pronunciation:
    """How to say one word: a respelling every engine can read, and optionally its IPA phonemes."""

    say: str
    ipa: str = ""

    @classmethod
    def parse(cls, value: object) -> Pronunciation:
        """An entry of a pronunciation file: "respelling" or {say = "respelling", ipa = "IPA"}."""
        if isinstance(value, str) and value.strip():
            return cls(say=value.strip())
        if isinstance(value, Mapping):
            unknown = sorted(set(map(str, value)) - {"say", "ipa"})
            if unknown:
                raise ValueError(f"unknown key {unknown[0]!r} (use say and ipa)")
            say, ipa = value.get("say"), value.get("ipa", "")
            if not isinstance(say, str) or not say.strip():
                raise ValueError("needs say = \"a respelling\" (espeak and other engines without phonemes use it)")
            if not isinstance(ipa, str):
                raise ValueError("ipa must be a string")
            bad = sorted(set(ipa) & set("[]()<>{}"))
            if bad:
                raise ValueError(f"ipa contains {bad[0]!r}; give the bare phonemes, e.g. ipa = \"vˌeɪlənˈɛlə\"")
            return cls(say=say.strip(), ipa=normalise_ipa(ipa))
        raise ValueError("must be a respelling (a string) or a table with say and ipa")


def parse_pronunciations(data: Mapping[str, object]) -> tuple[dict[str, Pronunciation], list[str]]:
    """A pronunciation file's mapping (word -> entry) as a table, and a message per bad entry."""
    table: dict[str, Pronunciation] = {}
    problems: list[str] = []
    for word, value in data.items():
        if not isinstance(word, str) or not word.strip():
            problems.append(f"{word!r} is not a word")
            continue
        try:
            table[word.strip()] = Pronunciation.parse(value)
        except ValueError as exc:
            problems.append(f"{word}: {exc}")
    return table, problems


_VOWELS = set("aeiouyæɐɑɒɔəɘɛɜɞɤɨɪɯɵɶʉʊʌʏøœᵻɚɝAIOQWY")
# Common ways of writing a phoneme that the models' alphabets spell otherwise.
_IPA_SPELLING = {"g": "ɡ", "r": "ɹ", "ʤ": "dʒ", "ʧ": "tʃ", "ɫ": "l", "'": "ˈ", ",": "ˌ", "ˑ": ""}


def normalise_ipa(ipa: str) -> str:
    """IPA as espeak-ng writes it: ASCII g and r mapped, no delimiters or syllable dots, stress before the vowel.

    Dictionaries put the stress mark before the syllable ("vəˈlɒn"), the espeak-trained
    models expect it before the syllable's vowel ("vəlˈɒn").
    """
    ipa = ipa.strip().strip("/[]").replace(".", "")
    ipa = "".join(_IPA_SPELLING.get(c, c) for c in ipa)
    return re.sub(rf"([ˈˌ])([^{''.join(_VOWELS)}ˈˌ\s]+)", r"\2\1", ipa)


def apply_pronunciations(text: str, table: Mapping[str, Pronunciation], engine: str | Engine) -> str:
    """Put a pronunciation table into one turn's spoken text for one engine.

    A word is found as written or as its respelling (the spoken form puts respellings in), and
    replaced by the engine's phoneme markup when the entry has IPA and the engine takes phonemes,
    else by the respelling.
    """
    if not table:
        return text
    engine = get_engine(engine) if isinstance(engine, str) else engine
    replacement: dict[str, str] = {}
    for word, entry in table.items():
        markup = engine.phonemes_markup(word, entry.ipa) if entry.ipa else None
        for form in (word, entry.say):
            replacement.setdefault(form.casefold(), markup or entry.say)
    forms = sorted(replacement, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w\[/])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w\]/])", re.IGNORECASE)
    return pattern.sub(lambda m: replacement[m.group().casefold()], text)


PRONUNCIATION_FILES = ("pronunciations.toml", "pronunciations.yaml", "pronunciations.yml")


def pronunciation_table(show: ShowConfig) -> dict[str, Pronunciation]:
    """The show's pronunciation entries (respelling, and IPA for engines that take phonemes)."""
    for name in PRONUNCIATION_FILES:
        path = show.root / name
        if path.is_file():
            table, problems = parse_pronunciations(read_pronunciation_file(path))
            if problems:
                raise ConfigError(str(path), problems)
            return table
    return {}
