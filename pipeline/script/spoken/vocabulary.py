"""The vocabulary the spoken form uses: statistics, abbreviations, fixed sayings, acronyms said as words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...config.fields import read_toml
from ...errors import ConfigError

SHIPPED = Path(__file__).parent.parent / "vocabulary.toml"  # pipeline/script/vocabulary.toml
# A show's own vocabulary, beside its pronunciations.toml.
VOCABULARY_FILE = "vocabulary.toml"
_TABLES = ("statistics", "abbreviations", "said")


@dataclass(frozen=True)
class Vocabulary:
    """What the hosts say for written shorthand; a show's own entries are merged over the shipped ones."""

    statistics: Mapping[str, str] = field(default_factory=dict)
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    said: Mapping[str, str] = field(default_factory=dict)
    words: frozenset[str] = frozenset()

    def merged(self, other: Vocabulary) -> Vocabulary:
        """This vocabulary with `other`'s entries added (and winning where both have one)."""
        return Vocabulary({**self.statistics, **other.statistics}, {**self.abbreviations, **other.abbreviations},
                          {**self.said, **other.said}, self.words | other.words)


def parse_vocabulary(data: Mapping[str, Any], source: str) -> Vocabulary:
    """A Vocabulary from a parsed TOML mapping; every problem is reported at once."""
    problems = [f"unknown table [{name}] (use {', '.join(_TABLES)} or words)"
                for name in data if name not in (*_TABLES, "words")]
    tables: dict[str, dict[str, str]] = {}
    for name in _TABLES:
        table = data.get(name, {})
        if not isinstance(table, dict):
            problems.append(f"[{name}] must be a table of word = how to say it")
            table = {}
        bad = [key for key, value in table.items() if not isinstance(value, str) or not value.strip()]
        problems += [f"[{name}] {key!r} must map to a non-empty string" for key in bad]
        tables[name] = {key.strip(): value.strip() for key, value in table.items() if key not in bad}
    words = data.get("words", {}).get("said", []) if isinstance(data.get("words", {}), dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        problems.append("[words] said must be a list of strings")
        words = []
    if problems:
        raise ConfigError(source, problems)
    return Vocabulary(tables["statistics"], tables["abbreviations"], tables["said"], frozenset(words))


def read_vocabulary(path: Path) -> Vocabulary:
    """Read a vocabulary.toml file (the shipped one or a show's)."""
    return parse_vocabulary(read_toml(Path(path)), str(path))


_DEFAULT: list[Vocabulary] = []


def default_vocabulary() -> Vocabulary:
    """The shipped general vocabulary (biomedical, statistics, sleep, cardiology, genetics), read once."""
    if not _DEFAULT:
        _DEFAULT.append(read_vocabulary(SHIPPED))
    return _DEFAULT[0]


def show_vocabulary(root: Path) -> Vocabulary:
    """The shipped vocabulary with the show's own vocabulary.toml (in `root`), if it has one, merged over it."""
    path = Path(root) / VOCABULARY_FILE
    return default_vocabulary().merged(read_vocabulary(path)) if path.is_file() else default_vocabulary()
