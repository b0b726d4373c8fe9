"""The listener's pass: what a listener stumbled on, one test per class, on real output.

Each test drafts a real episode (the demo, the sleep, cardiology and ecology fixtures, or a
small list built here) and asserts on what the hosts say, written and spoken.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.model import Author, Paper
from pipeline.script import EpisodeInfo, draft_script, template_environment
from pipeline.script.facts import extract
from pipeline.script.spoken import SpokenForm
from pipeline.script.spoken.form import sentence_case
from pipeline.script.themes import shared_terms
from pipeline.sources import load_papers

from .conftest import DEMO_BIB

HOSTS = ("Theo", "Maya")
WPM = (165.0, 160.0)
FIXTURES = Path(__file__).parent / "fixtures"
LISTS = [FIXTURES / "fields" / "sleep.bib", FIXTURES / "fields" / "cardiology.bib",
         FIXTURES / "fields" / "ecology.bib", FIXTURES / "spoken" / "sleep.bib", FIXTURES / "spoken" / "cardiology.bib"]


@pytest.fixture(scope="module")
def env():
    return template_environment(None)


def _draft(env, papers, title="2 papers", fmt="deep-dive"):
    return draft_script("Field Notes", HOSTS, EpisodeInfo("e", title, ""), papers, env, format=fmt,
                        words_per_minute=WPM).script


def _two_demo():
    by_key = {p.key: p for p in load_papers([DEMO_BIB], None)}
    return [by_key["tang2020dysbiosis"], by_key["he2023causal"]]


def test_counts_read_naturally_for_two_papers(env):
    text = "\n".join(t.text for t in _draft(env, _two_demo()).turns)
    assert "2 papers, with two papers" not in text and "is 2 papers" not in text  # the default title is a count
    assert "two papers, published between 2020 and 2023" in text
    assert "All two" not in text and "Both papers are in the show notes" in text
    assert "many of them" not in text and "through both of them" in text


def test_no_design_mix_said_twice_as_a_fragment(env):
    turns = [t.text for t in _draft(env, _two_demo()).turns]
    assert "one Mendelian randomisation study and one animal study" in " ".join(turns)  # said once, in the intro
    assert not any(re.fullmatch(r"(?:One|Two|Three) [^.:;]+ and (?:one|two|three) [^.:;]+\.", t) for t in turns)


@pytest.mark.parametrize("path", LISTS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_no_turn_ends_inside_a_statistic(env, path):
    for fmt in ("deep-dive", "brief", "critique"):
        for turn in _draft(env, load_papers([path], None), "A reading list", fmt).turns:
            assert turn.text.count("(") == turn.text.count(")"), turn.text
            assert not re.search(r"(?:, 95|explained \S*0\.2)\.$", turn.text), turn.text
            assert not re.search(r"\b[pP] = \d\.\d\.", turn.text), turn.text  # "p = 2.1" cut from "2.1 × 10⁻¹²"


def test_a_bare_percent_in_bibtex_is_a_percent_sign():
    by_key = {p.key: p for p in load_papers([FIXTURES / "spoken" / "cardiology.bib"], None)}
    finding = next(iter(by_key.values())).finding
    assert "95% CI 0.77–0.81; p < 0.0001)" in finding and finding.endswith("≥ 75 y.")
    sleep = {p.key: p for p in load_papers([FIXTURES / "spoken" / "sleep.bib"], None)}
    assert "explained ~0.2% of variance" in sleep["varga2022gwas"].finding


@pytest.mark.parametrize("path", LISTS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_findings_in_the_hosts_voice_and_sentences_capitalised(env, path):
    for turn in _draft(env, load_papers([path], None), "A reading list").turns:
        # the abstracts' "We pooled", "We argue", "we found", "Our findings": said as "they", "their"
        assert not re.search(r"\b[Ww]e (?:found|pooled|argue|searched|identified|surveyed)\b|\b[Oo]ur (?:findings|"
                             r"results|cohort)\b", turn.text), turn.text
        for sentence in re.split(r"(?<=[.!?])\s+", turn.spoken):
            assert not re.match(r"[a-z]", sentence), turn.spoken


def test_sentence_case_after_a_figure():
    said = SpokenForm().say_turn("2023 brings a trial. NREM sleep rose.")
    assert said == "Twenty twenty-three brings a trial. Non-REM sleep rose."
    said = sentence_case("as Smith et al. found it vs. placebo. it held")
    assert said == "As Smith et al. found it vs. placebo. It held"


def test_themes_are_meaningful_phrases():
    def paper(key, finding):
        return Paper(key=key, title=f"A study {key}", authors=(Author("Lee", "Ann"),), year=2020, finding=finding)
    papers = [paper("a", "Statins reduced major vascular events in healthy adults (rate ratio 0.8, 95% CI 0.7-0.9)."),
              paper("b", "Aspirin increased adverse events in healthy adults (rate ratio 1.3, 95% CI 1.1-1.5)."),
              paper("c", "Wildflower strips increased bee species richness.")]
    terms = {t.text for t in shared_terms(papers) if t.kind != "word"}  # words are never said as themes
    assert not terms & {"events", "healthy", "rate ratio", "ratio"}


@pytest.mark.parametrize("path", LISTS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_themes_said_in_fixture_lists_are_not_statistics_or_describers(env, path):
    text = " ".join(t.text for t in _draft(env, load_papers([path], None), "A reading list").turns)
    for said in re.findall(r"(?:bring up|share|comes up in|come up in|thread running through [a-z ]+:) ([^:.]+)", text):
        assert not re.search(r"\b(?:ratio|interval)\b", said), said
        assert said not in ("healthy", "events", "target", "variant"), said


def test_effect_asked_about_for_its_own_outcome(env):
    papers = load_papers([FIXTURES / "fields" / "ecology.bib"], None)
    text = "\n".join(t.text for t in _draft(env, papers, "Bees and land use").turns)
    # the rate ratio 1.04 belongs to species richness (a null), not to wild bee abundance (+37%)
    assert "effect on wild bee abundance?\nRate ratio 1.04" not in text
    assert "effect on bee species richness?\nRate ratio 1.04, 95% CI 0.93–1.17." in text


def test_interval_after_a_qualifier_and_superscript_p_value():
    facts = extract("Statins reduced major vascular events (RR 0.79 per 1.0 mmol/L LDL reduction, 95% CI "
                    "0.77–0.81; p = 2.1 × 10⁻¹²).")
    effect = facts.first("effect")
    assert effect is not None and (effect.low, effect.high) == (0.77, 0.81)
    assert facts.first("p_value").text == "p = 2.1 × 10⁻¹²"
    outcomes = [f.detail for f in extract("Each 50 nmol/L higher Lp(a) raised CAD risk.").all("direction")]
    assert outcomes == ["CAD risk"]  # "higher Lp(a)" is the exposure


def test_background_is_never_said_as_the_finding(env):
    papers = load_papers([FIXTURES / "fields" / "ecology.bib"], None)
    text = " ".join(t.text for t in _draft(env, papers, "Bees and land use").turns)
    assert "widely thought" not in text and "often assumed" not in text


def test_echo_sounds_like_a_person(env):
    for path in LISTS:
        text = " ".join(t.text for t in _draft(env, load_papers([path], None), "A reading list").turns)
        assert not re.search(r"went (?:up|down)\. Okay\.", text)


def test_greek_statistic_keeps_its_case(env):
    papers = load_papers([FIXTURES / "fields" / "ecology.bib"], None)
    text = " ".join(t.text for t in _draft(env, papers, "Bees and land use").turns)
    assert "β = 0.31" in text and "Β" not in text


def _demo(keys):
    by_key = {p.key: p for p in load_papers([DEMO_BIB], None)}
    return [by_key[k] for k in keys]


@pytest.mark.parametrize("title", ["Signals from the gut: the evidence", "Does the gut talk to the brain?",
                                   "Probiotics, diet and transplants", "Sleep and the heart: what links them?"])
def test_the_episode_title_is_said_as_a_name_in_a_sentence_of_its_own(env, title):
    papers = _demo(["tang2020dysbiosis", "gorenshtein2023association", "he2023causal", "vuralli2024lps"])
    for fmt in ("deep-dive", "critique", "brief"):
        intro = " ".join(t.text for t in _draft(env, papers, title, fmt).turns if t.section == "intro")
        # never "this episode is <title>, with four papers" nor "<title>: four papers"
        assert f"is {title}" not in intro and f"{title}:" not in intro and f"{title}," not in intro
        said = re.search(r'(?:called|episode:) "?([^"]+?)"?(?=[.?!]"? [A-Z])', intro)
        assert said is not None and said.group(1).rstrip(".?!") == title.rstrip("?"), intro
        span = r"(?:Four|We have four) papers, (?:published between|from) 2020 (?:and|to) 2024\."
        assert re.search(span, intro), intro


@pytest.mark.parametrize("fmt", ["deep-dive", "brief", "critique"])
def test_hosts_take_turns_between_sections(env, fmt):
    papers = _demo(["mugo2025unravelling", "grodzka2025probiotics", "kappeter2023fmt", "gazerani2024plate"])
    turns = _draft(env, papers, "Feeding the microbiome", fmt).turns
    pairs = zip(turns, turns[1:], strict=False)
    assert all(a.host != b.host for a, b in pairs), [(t.host, t.text[:40]) for t in turns]
    assert not any(t.text in ("One piece of the picture.",) for t in turns)  # a turn says something


def test_timeline_does_not_repeat_its_connective(env):
    papers = load_papers([FIXTURES / "fields" / "ecology.bib"], None)
    synthesis = " ".join(t.text for t in _draft(env, papers, "Bees").turns if t.section == "synthesis")
    assert "Then, in 2022" in synthesis and "In 2023 came" in synthesis and "And in 2025," in synthesis
    assert not re.search(r"Then, in \d{4}[^.]*\. Then, in", synthesis)  # never twice in a row


def test_letters_keep_their_case_mid_sentence_and_in_statistics(env):
    text = " ".join(t.text for t in _draft(env, load_papers([FIXTURES / "fields" / "sleep.bib"], None), "Sleep").turns)
    assert "g = 0.62, 95% CI" in text and "G = 0.62" not in text  # Hedges' g, not "G"
    assert not re.search(r"[a-z,] Sleep deprivation", text) and "sleep deprivation" in text  # began a sentence


def test_duration_said_with_the_sample_comes_from_its_clause(env):
    text = " ".join(t.text for t in _draft(env, load_papers([FIXTURES / "spoken" / "cardiology.bib"], None)).turns)
    assert "186 854 participants, 5 years" not in text  # "NNT 39 over 5 years" is not how long the trials ran
    brief = " ".join(t.text for t in _draft(env, load_papers([FIXTURES / "spoken" / "cardiology.bib"], None),
                                             "3 papers", "brief").turns)
    assert "Today's episode: three papers" in brief


def test_pooled_studies_not_asked_after_the_method_said_them(env):
    text = "\n".join(t.text for t in _draft(env, load_papers([FIXTURES / "fields" / "cardiology.bib"], None)).turns)
    assert "They pooled 31 prospective cohort studies" in text
    assert "\n31 prospective cohort studies" not in text  # the same fact again, as an answer


def test_a_link_term_is_said_as_a_noun_phrase(env):
    text = " ".join(t.text for t in _draft(env, load_papers([FIXTURES / "fields" / "cardiology.bib"], None)).turns)
    # not "blood-pressure" (a modifier); Ramos's paper named by what it is, the episode's one animal study
    assert "the same ground as the animal study: blood pressure." in text


def test_trial_design_not_said_as_people_when_units_are_farms(env):
    text = " ".join(t.text for t in _draft(env, load_papers([FIXTURES / "fields" / "ecology.bib"], None), "Bees",
                                           "critique").turns)
    assert "randomised controlled trial" in text and "Hedgerow" in text
    assert "people were assigned" not in text and "test cause and effect in people" not in text


@pytest.mark.parametrize("path", LISTS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_no_turn_starts_two_sentences_with_so(env, path):
    for turn in _draft(env, load_papers([path], None), "A reading list").turns:
        assert not re.search(r"(?:^|[.?!] )So [^.?!]*[.?!] So\b", turn.text), turn.text


def test_noun_phrase_findings_and_verb_agreement(env):
    turns = [t.text for t in _draft(env, _demo(["sgro2023stomach", "dilauro2023linking", "gamil2025severity"]),
                                    "The big picture").turns]
    text = " ".join(turns)
    assert not re.search(r"(?:report|result|found|headline|result):? narrative review emphasising", text)
    assert "a narrative review emphasising that a diverse, healthy microbiome" in text
    assert "Where do Gamil's team land?" not in text
