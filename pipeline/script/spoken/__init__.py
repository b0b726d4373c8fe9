"""The spoken form: written text rewritten for the ear by a pipeline of small, named rules.

clean (markup, links, LaTeX, bibliographic noise) -> tokenise and classify (tokens.py: every rule
in one left-to-right pass) -> render each token once -> tidy. The rules, by kind:
quantities.py (numbers, units, ranges, money, powers of ten), statistics.py (estimates, intervals,
p-values), identifiers.py (SNPs, variants, microRNAs, strains, Roman numerals), words.py
(overrides, fixed sayings, shorthand, abbreviations, acronyms, slashes, symbols), scripts.py
(text the voices cannot say). sentences.py splits text into sentences for writers and captions.
"""

from .form import SpokenForm, build_rules
from .numbers import say_date, say_decimal, say_number, say_ordinal, say_scientific, say_year
from .pronunciations import load_pronunciations, read_pronunciation_file
from .scripts import fallback, latin_only
from .sentences import sentences
from .style import third_person
from .vocabulary import (
    VOCABULARY_FILE,
    Vocabulary,
    default_vocabulary,
    parse_vocabulary,
    read_vocabulary,
    show_vocabulary,
)

# The shipped general abbreviations (a show adds its own in vocabulary.toml).
DEFAULT_ABBREVIATIONS = dict(default_vocabulary().abbreviations)

__all__ = [
    "DEFAULT_ABBREVIATIONS", "VOCABULARY_FILE", "SpokenForm", "Vocabulary", "build_rules", "default_vocabulary",
    "fallback", "latin_only", "show_vocabulary",
    "load_pronunciations", "parse_vocabulary", "read_pronunciation_file", "read_vocabulary", "say_date",
    "say_decimal", "say_number", "say_ordinal", "say_scientific", "say_year", "sentences", "third_person",
]
