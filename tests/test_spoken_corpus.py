"""The spoken form against a corpus of phrases from real-world abstracts, and its rules one by one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pipeline.spokenrules import SpokenForm

CORPUS = yaml.safe_load((Path(__file__).parent / "fixtures" / "spoken" / "corpus.yaml").read_text(encoding="utf-8"))
PHRASES = [(category, written, spoken) for category, pairs in CORPUS.items() for written, spoken in pairs]
# What must never reach a voice: digits, raw symbols, letters outside the Latin script.
RAW = re.compile(r"[\d/±×²°~<>=%^≈≤≥→µμ]")


def test_the_corpus_is_large_and_covers_every_category():
    assert len(PHRASES) >= 200
    assert {"numbers", "scientific", "currency", "units", "statistics", "identifiers", "abbreviations",
            "slashes_and_symbols", "shorthand", "structure", "scripts"} <= set(CORPUS)


@pytest.mark.parametrize(("category", "written", "spoken"), PHRASES,
                         ids=[f"{c}:{w}" for c, w, _ in PHRASES])
def test_corpus(category: str, written: str, spoken: str):
    assert SpokenForm().say(written) == spoken


@pytest.mark.parametrize("written", [w for c, w, _ in PHRASES if c != "scripts"])
def test_nothing_raw_reaches_the_voice(written: str):
    said = SpokenForm().say(written)
    assert not RAW.search(said), said
    assert all(not c.isalpha() or c.isascii() for c in said), said
