"""The spoken form of a turn: clean, tokenise with the named rules, render each token once, tidy."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from . import identifiers, quantities, statistics, words
from .clean import clean
from .numbers import words as number_words
from .scripts import CanSay, latin_only, script_rule
from .tokens import Hit, Rule, State, Tokeniser
from .vocabulary import Vocabulary, default_vocabulary

# Gaps between tokens keep their punctuation, except brackets: an aside is said between commas.
_GAP = str.maketrans({"(": ", ", ")": ", ", "[": ", ", "]": ", ", "{": "", "}": "", "–": "-"})
_KEEP = re.compile(r"[^\s.,;:!?'\"-]")


def build_rules(vocabulary: Vocabulary, pronunciations: Mapping[str, str], can_say: CanSay) -> list[Rule]:
    """Every rule, in priority order: the first that matches at a place takes it."""
    first = [words.override_rule(pronunciations), words.said_rule(vocabulary.said)]
    return [rule for rule in (
        *first, words.SHORTHAND, script_rule(can_say), quantities.RULES[0],
        *statistics.RULES, *statistics.statistic_rules(vocabulary.statistics), *identifiers.RULES,
        *quantities.RULES[1:], words.SLASH, words.SQUARED, words.ATTACHED, words.DASH,
        words.word_rule(vocabulary, pronunciations), words.SYMBOL,
    ) if rule is not None]


class SpokenForm:
    """Converts written turns to spoken text; one per episode, as abbreviations are introduced once."""

    def __init__(self, pronunciations: Mapping[str, str] | None = None,
                 abbreviations: Mapping[str, str] | None = None, *,
                 vocabulary: Vocabulary | None = None, can_say: CanSay = latin_only) -> None:
        self.pronunciations = dict(pronunciations or {})
        vocabulary = vocabulary or default_vocabulary()
        if abbreviations is not None:  # an explicit table replaces the vocabulary's abbreviations
            vocabulary = Vocabulary(vocabulary.statistics, dict(abbreviations), vocabulary.said, vocabulary.words)
        self.vocabulary = vocabulary
        self.abbreviations = dict(vocabulary.abbreviations)
        self._tokeniser = Tokeniser(build_rules(vocabulary, self.pronunciations, can_say))
        self._rules = {rule.name: rule for rule in self._tokeniser.rules}
        self._state = State(fragment=self._fragment)

    def tokens(self, text: str) -> list[Hit]:
        """The cleaned text as classified tokens (for tests and for seeing why a phrase is said so)."""
        return self._tokeniser.tokens(clean(text)[0])

    def say(self, text: str) -> str:
        """Convert one turn's written text into what the speech engine should say."""
        cleaned, link_removed = clean(text)
        letters = [c for c in cleaned if c.isalpha()]
        # An all-caps title is shouting, not twenty acronyms: don't spell its words.
        self._state.shouting = len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
        said = _tidy(self._render(cleaned))
        if not said and any(c.isalpha() for c in text):  # never silence a turn that has words
            if link_removed:
                return "the link is in the show notes"
            return _tidy(self._render(" ".join(re.findall(r"[^\W\d_]+", text))))
        return said

    def _render(self, cleaned: str) -> str:
        out: list[str] = []
        for hit in self._tokeniser.tokens(cleaned):
            if hit.rule == "gap":
                said = _KEEP.sub(" ", hit.text.translate(_GAP))
            else:
                said = self._rules[hit.rule].render(hit, self._state)
                if out and out[-1][-1:].isalnum() and said[:1].isalnum():
                    out.append(" ")  # two tokens written together ("3D") are two spoken words
            out.append(said)
        return "".join(out)

    def _fragment(self, text: str) -> str:
        """A piece of the original text said on its own (the halves of "Th1/Th17")."""
        return self._render(text).strip()


def _tidy(s: str) -> str:
    """Spaces and punctuation made regular; any digit left (other scripts' digits) said."""
    s = "".join(number_words(unicodedata.digit(c)) if c.isdigit() else c for c in s)
    s = "".join(c if c.isprintable() else " " for c in s)
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\s+([,.;:!?])", r"\1", s)
    s = re.sub(r",(?:\s*,)+", ",", s)
    s = re.sub(r"([;:!?.]),", r"\1", s)
    s = re.sub(r",\s*([.;:!?])", r"\1", s)
    return s.strip(" ,;:")
