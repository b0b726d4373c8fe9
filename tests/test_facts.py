"""The fact extractor: a corpus of abstract sentences with the facts each must yield, and spans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.script.facts import Facts, clauses, extract

CORPUS = Path(__file__).parent / "fixtures" / "facts" / "corpus.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["cases"]
ALWAYS = {"null_result": False, "hedge": [], "priority": []}  # checked for every case


def _found(facts: Facts, kind: str) -> Any:
    """The values of one kind in the corpus's notation."""
    if kind == "null_result":
        return facts.null
    if kind == "population":
        return [f.detail for f in facts.all("sample") if f.detail]
    if kind in ("sample", "studies"):
        return [int(f.number) for f in facts.all(kind) if f.number is not None]
    if kind in ("i2", "percent"):
        return [f.number for f in facts.all(kind)]
    if kind == "direction":
        return [[f.detail, f.value] for f in facts.all(kind)]
    if kind == "effect":
        return [[f.value, f.number, f.low, f.high] for f in facts.all(kind)]
    return [f.value for f in facts.all(kind)]


def test_corpus_is_large_and_varied():
    assert len(CASES) >= 60
    assert len({c["design"] for c in CASES}) >= 7 and len({c["field"] for c in CASES}) >= 8
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus_sentence(case: dict[str, Any]):
    facts = extract(case["text"])
    expected = {**ALWAYS, **case.get("expect", {})}
    for kind, want in expected.items():
        got = _found(facts, kind)
        if kind in ("i2", "percent"):
            want = [float(w) for w in want]
        assert got == want, (kind, got, want)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_fact_is_its_span(case: dict[str, Any]):
    text = case["text"]
    for fact in extract(text).items:
        assert text[fact.start:fact.end] == fact.text and fact.text.strip() == fact.text, fact
        # every number a fact carries is written inside its span
        for number in (fact.number, fact.low, fact.high):
            if number is not None and fact.kind not in ("sample", "studies") and any(c.isdigit() for c in fact.text):
                digits = f"{abs(number):g}".lstrip("0")
                assert digits.rstrip("0").rstrip(".") in fact.text.replace(",", ""), (fact, number)


def test_clauses_keep_brackets_statistics_and_initials_whole():
    text = ("Probiotics helped (OR 0.5; 95% CI 0.3 to 0.8). Noha M. Gamil and colleagues agree, e.g. in 2020. "
            "Then a new sentence; and a clause.")
    parts = [text[s:e] for s, e in clauses(text)]
    assert parts == ["Probiotics helped (OR 0.5; 95% CI 0.3 to 0.8).",
                     "Noha M. Gamil and colleagues agree, e.g. in 2020.", "Then a new sentence;", "and a clause."]


def test_background_claims_are_not_the_papers():
    facts = extract("Previous studies found no effect of diet. In 300 adults, the diet lowered weight.")
    assert not facts.null and facts.all("direction")[0].value == "down"
    assert not extract("It has been suggested that sleep may matter; we measured it in 50 adults.").all("hedge")


def test_intervals_decide_null_and_width():
    wide = extract("OR 1.2 (95% CI 0.6 to 2.4)").first("effect")
    narrow = extract("OR 1.2 (95% CI 1.1 to 1.3)").first("effect")
    assert wide is not None and narrow is not None
    assert wide.crosses_null and not narrow.crosses_null
    assert (wide.width or 0) > (narrow.width or 0)
    assert extract("SMD −0.3, 95% CI −0.6 to 0.1").first("effect").crosses_null  # type: ignore[union-attr]
