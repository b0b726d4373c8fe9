"""The spoken form against a corpus of phrases from real-world abstracts, and its rules one by one."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from pipeline.audio import Span, Timeline
from pipeline.cli import cli
from pipeline.errors import ConfigError
from pipeline.model import Script, Section, Turn
from pipeline.publish.sidecars.write import cues
from pipeline.script.spoken import (
    SpokenForm,
    Vocabulary,
    default_vocabulary,
    fallback,
    identifiers,
    latin_only,
    parse_vocabulary,
    quantities,
    read_vocabulary,
    sentences,
    show_vocabulary,
    statistics,
    third_person,
)
from pipeline.script.spoken.tokens import State
from pipeline.speech import Audio, Engine, Voice
from pipeline.speech.pronounce import apply_pronunciations
from pipeline.speech.registry import BUILTIN_ENGINES, cast_can_say

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


# --- the rules one by one ---------------------------------------------------------------------------

RULE_SAMPLES = {
    "date": ("11 October 2023", "the eleventh of October, twenty twenty-three"),
    "decade": ("1990s", "nineteen nineties"),
    "ordinal": ("21st", "twenty-first"),
    "scientific": ("1×10^9 CFU", "one billion colony-forming units"),
    "currency": ("$1.2 million", "one point two million dollars"),
    "dimensions": ("2 × 2 factorial", "two by two"),
    "frequency": ("3×/week", "three times a week"),
    "compound": ("24-h", "twenty-four-hour"),
    "timepoint": ("wk 4", "week four"),
    "quantity": ("7 959 mg", "seven thousand nine hundred and fifty-nine milligrams"),
    "number": ("42", "forty-two"),
    "p-value": ("p < .001", "a p-value below point zero zero one"),
    "interval": ("95% CI 1.00–1.69", "ninety-five percent confidence interval from one to one point six nine"),
    "rs-number": ("rs12345", "r s one two three four five"),
    "hgvs": ("c.677C>T", "c dot six seven seven C to T"),
    "nucleotide-variant": ("C677T", "C six seven seven T"),
    "amino-acid-variant": ("Val66Met", "val sixty-six met"),
    "protein-variant": ("V600E", "V six hundred E"),
    "microrna": ("miR-155", "micro R N A one five five"),
    "strain": ("DSM 17938", "D S M one seven nine three eight"),
    "tau": ("p-tau181", "p tau one eight one"),
    "amyloid": ("Aβ42", "A beta forty-two"),
    "serotype": ("O157:H7", "O one five seven H seven"),
}
ALL_RULES = {r.name: r for r in (*quantities.RULES, *statistics.RULES, *identifiers.RULES)}


@pytest.mark.parametrize("name", sorted(RULE_SAMPLES))
def test_each_rule_alone(name: str):
    written, spoken = RULE_SAMPLES[name]
    hit = ALL_RULES[name].match(written)
    assert hit is not None and hit.rule == name
    assert ALL_RULES[name].render(hit, State()) == spoken


def test_every_rule_has_a_sample():
    assert set(ALL_RULES) - {"roman-after-keyword", "roman-after-name"} == set(RULE_SAMPLES)


def test_statistic_rules_come_from_the_vocabulary():
    rules = {r.name: r for r in statistics.statistic_rules({"HR": "hazard ratio", "β": "beta"})}
    hit = rules["statistic"].match("HR 1.30")
    assert hit is not None and rules["statistic"].render(hit, State()) == "hazard ratio one point three"
    assert rules["statistic-letter"].match("β 0.3") is None  # a letter needs "=" to be a statistic
    hit = rules["statistic-letter"].match("β = 0.3")
    assert hit is not None and rules["statistic-letter"].render(hit, State()) == "beta zero point three"


def test_tokens_are_classified_in_one_pass():
    hits = SpokenForm().tokens("HR 1.30, 95% CI 1.00–1.69 in 7 959 adults (rs12345, LPS)")
    kinds = [(h.rule, h.text) for h in hits if h.rule != "gap"]
    assert kinds == [("statistic", "HR 1.30"), ("interval", "95% CI 1.00–1.69"), ("word", "in"),
                     ("quantity", "7 959"), ("word", "adults"), ("rs-number", "rs12345"), ("word", "LPS")]


def test_no_rule_reads_another_rules_output():
    # The override's capitals are not spelled, a statistic's expansion is not expanded again.
    episode = SpokenForm({"LPS": "el pee ess"})
    assert episode.say("LPS and HR 2") == "el pee ess and hazard ratio two"
    assert SpokenForm({"cadherin": "cad-heerin"}).say("VE-cadherin") == "V E cad-heerin"  # inside a compound too
    assert SpokenForm().say("Hedges' g = 0.5 and Cohen's d = 1") == (
        "Hedges' g zero point five and Cohen's d one")


# --- first use, vocabulary ---------------------------------------------------------------------------

def test_abbreviations_are_introduced_once_per_episode_and_statistics_always_said_in_full():
    episode = SpokenForm()
    assert episode.say("A GWAS found it (OR 1.2).") == (
        "A genome-wide association study, G W A S, found it, odds ratio one point two.")
    assert episode.say("The GWAS OR was 1.3.") == "The G W A S odds ratio was one point three."


def test_a_shows_vocabulary_adds_to_the_shipped_one(tmp_path: Path):
    path = tmp_path / "vocabulary.toml"
    path.write_text('[abbreviations]\nLPS = "lipopolysaccharide"\n[said]\nMOH = "M O H"\n'
                    '[words]\nsaid = ["FIRE"]\n', encoding="utf-8")
    vocabulary = default_vocabulary().merged(read_vocabulary(path))
    episode = SpokenForm(vocabulary=vocabulary)
    assert episode.say("LPS, MOH, FIRE and RCTs") == (
        "lipopolysaccharide, L P S, M O H, FIRE and randomised controlled trials, R C Ts")


def test_the_shipped_vocabulary_is_general():
    vocabulary = default_vocabulary()
    for topic_word in ("LPS", "FMT", "MOH", "CGRP", "SCFA"):
        assert topic_word not in vocabulary.abbreviations
    for general in ("EEG", "PSG", "GWAS", "CPAP", "RCT"):
        assert general in vocabulary.abbreviations
    assert {"OR", "HR", "SMD", "AUC", "IQR", "I^2", "χ^2", "κ"} <= set(vocabulary.statistics)


def test_vocabulary_problems_are_reported_at_once(tmp_path: Path):
    with pytest.raises(ConfigError) as info:
        parse_vocabulary({"abbreviations": {"X": 3, "Y": ""}, "colours": {}, "words": {"said": "AIDS"}}, "v.toml")
    message = str(info.value)
    assert "v.toml" in message and "'X'" in message and "'Y'" in message and "[colours]" in message
    assert "[words]" in message
    with pytest.raises(ConfigError, match="file not found"):
        read_vocabulary(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("x = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        read_vocabulary(bad)


def test_explicit_abbreviation_table_replaces_the_vocabularys():
    assert SpokenForm(abbreviations={}).say("RCT") == "R C T"
    assert isinstance(SpokenForm().vocabulary, Vocabulary)


# --- structure -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("The paper by Noha M. Gamil was clear. It helped.", ["The paper by Noha M. Gamil was clear.", "It helped."]),
    ("It worked (β = −0.01; 95% CI −0.05 to 0.03). Next.",
     ["It worked (β = −0.01; 95% CI −0.05 to 0.03).", "Next."]),
    ("HR 1.30, 95% CI 1.00–1.69. P = .008 was found.", ["HR 1.30, 95% CI 1.00–1.69.", "P = .008 was found."]),
    ("Tang et al. showed it. E. coli grew.", ["Tang et al. showed it.", "E. coli grew."]),
    ("Small (p < .001. see text). Then more.", ["Small (p < .001. see text).", "Then more."]),
    ("J. R. R. Tolkien wrote. Then", ["J. R. R. Tolkien wrote.", "Then"]),
    ("  ", []),
])
def test_sentences(text: str, expected: list[str]):
    assert sentences(text) == expected


def test_parentheses_are_spoken_asides():
    assert SpokenForm().say("The effect (in women) was large.") == "The effect, in women, was large."
    assert SpokenForm().say("It held (p = .02).") == "It held, a p-value of point zero two."


@pytest.mark.parametrize(("finding", "quoted"), [
    ("We found that our cohort improved.", "They found that their cohort improved."),
    ("In this study we followed 12 patients with us.", "In this study they followed 12 patients with them."),
    ("OUR RESULTS", "THEIR RESULTS"),
    ("Patients in the US", "Patients in the US"),
])
def test_third_person(finding: str, quoted: str):
    assert third_person(finding) == quoted


# --- scripts the voices cannot say ----------------------------------------------------------------------

def test_an_engine_that_can_say_a_script_gets_it_raw():
    assert SpokenForm(can_say=lambda text: True).say("by 李明") == "by 李明"
    assert SpokenForm().say("by 李明") == "by a co-author"


def test_fallbacks():
    assert latin_only("Søren Müller α") and not latin_only("李明")
    assert fallback("李明") == "a co-author"
    assert fallback("Иван Петров") == "a co-author"
    assert fallback("肠道菌群与偏头痛的关系研究") == "a phrase in Chinese"
    assert fallback("это исследование") == "a phrase in Russian"


_ANY_TEXT = st.text(max_size=80)
_PIECES = st.lists(st.sampled_from([
    "HR", "1.30", "95%", "CI", "1.00–1.69", "p", "<", ".001", "=", "7 959", "mg/kg", "×10⁹", "CFU/day",
    "rs12345", "miR-155", "李明", "(", ")", "±", "~", "°C", "²", "/", "I²", "χ²(2)", "$", "1.2", "million",
    "wk", "4", "b.i.d.", "3×/week", "Val66Met", "phase", "III", ";", ",", "−0.05", "to", "0.03", "≥", "18 y",
]), max_size=14)


@settings(max_examples=150, deadline=None)
@given(_ANY_TEXT, _PIECES.map(" ".join), _PIECES.map("".join))
def test_no_digit_symbol_or_foreign_letter_reaches_the_voice(text: str, spaced: str, packed: str):
    episode = SpokenForm()
    for written in (text, spaced, packed):
        said = episode.say(written)
        assert said.isprintable()
        assert not re.search(r"\d", said), (written, said)
        assert all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in said), (written, said)
        if written.strip() and any(c.isalpha() for c in written):
            assert said


@settings(max_examples=80, deadline=None)
@given(_PIECES.map(" ".join))
def test_built_phrases_have_no_raw_symbols(spaced: str):
    said = SpokenForm().say(spaced)
    assert not RAW.search(said), (spaced, said)


# --- the whole pipeline: what `papercast script --spoken` gives the engines ---------------------------

REPO = Path(__file__).parent.parent
READING_LISTS = [REPO / "papers" / "migraine-gut.bib", Path(__file__).parent / "fixtures" / "spoken" / "sleep.bib",
                 Path(__file__).parent / "fixtures" / "spoken" / "cardiology.bib"]
# A statistic left as letters, raw or spelled ("CI", "C I").
UNEXPANDED = re.compile(r"\b(?:a?OR|a?HR|a?RR|IRR|CI|SD|SE|IQR|SMD|WMD|AUC|NNT|O R|H R|R R|C I|S D|S E|I Q R|S M D"
                        r"|W M D|A U C|N N T)\b")


@pytest.mark.parametrize("reading_list", READING_LISTS, ids=[p.stem for p in READING_LISTS])
def test_script_spoken_has_nothing_a_voice_cannot_say(reading_list: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)  # in the demo show: its own list takes its vocabulary.toml, the others are one-offs
    result = CliRunner().invoke(cli, ["script", str(reading_list), "--spoken"])
    assert result.exit_code == 0, result.output
    said = [line.split(": ", 1)[1] for line in result.output.splitlines() if line]
    assert said
    for line in said:
        assert not re.search(r"\d", line), line
        assert not re.search(r"[/±×²°~<>=%^]", line), line
        assert not UNEXPANDED.search(line), line
        assert latin_only(line) and all(not c.isalpha() or "LATIN" in unicodedata.name(c) for c in line), line


def test_the_demo_shows_vocabulary_is_used(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["script", str(READING_LISTS[0]), "-e", "vuralli2024lps", "--spoken"])
    assert "raised circulating lipopolysaccharide, L P S, and leaky-gut markers" in result.output
    assert show_vocabulary(REPO).abbreviations["MOH"] == "medication-overuse headache"
    assert "MOH" not in show_vocabulary(REPO / "tests").abbreviations


def test_names_in_other_scripts_reach_the_engine_romanised_or_replaced():
    result = CliRunner().invoke(cli, ["script", str(READING_LISTS[1]), str(READING_LISTS[2]), "--spoken"])
    assert "Li Ming and colleagues" in result.output  # "李明 (Li Ming)": the source's romanisation
    assert "a co-author and colleagues" in result.output.lower()  # "陈梅": no romanisation given
    written = CliRunner().invoke(cli, ["script", str(READING_LISTS[2])]).output
    assert "李明" in written  # the written form (show notes, captions) keeps the name as given


SAMPLE = [w for c, w, _ in PHRASES if c in ("statistics", "units", "identifiers", "scientific")][::3]


@pytest.mark.parametrize("engine", sorted(BUILTIN_ENGINES))
def test_each_engine_is_given_text_it_can_say(engine: str):
    can_say = cast_can_say([engine])
    episode = SpokenForm(can_say=can_say)
    for written in [*SAMPLE, "by 李明 and 陈梅 (Chen Mei)"]:
        text = apply_pronunciations(episode.say(written), {}, engine)
        assert can_say(text), text
        assert not RAW.search(text), text


def test_an_engine_declares_what_it_can_say():
    class ReadsHan(Engine):
        name = "reads-han"

        def voices(self) -> list[Voice]:
            return []

        def default_voices(self) -> tuple[str, str]:
            return ("a", "b")

        def synthesize(self, text: str, voice: str, rate: int) -> Audio:
            raise NotImplementedError

        @classmethod
        def can_say(cls, text: str) -> bool:
            return True

    assert Engine.can_say("Søren") and not Engine.can_say("李明")
    assert SpokenForm(can_say=ReadsHan.can_say).say("by 李明") == "by 李明"
    assert SpokenForm(can_say=cast_can_say(["pyttsx3"])).say("by 李明") == "by a co-author"


def test_captions_do_not_break_after_an_initial():
    text = ("So here is the next one. We now turn to a rather long paper written by Noha M. Gamil and colleagues "
            "in Inflammopharmacology. It was small (n = 12; p = .04).")
    script = Script(title="t", host_names=("A", "B"), turns=(Turn(0, text, "(spoken)", "s"),),
                    sections=(Section("s", "S"),))
    texts = [cue.text for cue in cues(script, Timeline((Span("s", 0.0, 12.0),), 12.0))]
    assert " ".join(texts) == text
    assert not any(t.endswith(" M.") for t in texts), texts
    assert any("It was small (n = 12; p = .04)." in t for t in texts), texts  # a statistic is never split
