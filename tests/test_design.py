"""Study-design classification: right for the demo papers, never a wrong label on tricky ones."""

from __future__ import annotations

import pytest

from pipeline.script import design
from pipeline.script.design import Design, clauses, classify, classify_text, own_clauses
from pipeline.sources.registry import load_papers

from .conftest import DEMO_BIB

DEMO_DESIGNS = {
    "tang2020dysbiosis": (design.ANIMAL, "mice"),
    "gorenshtein2023association": (design.SYSTEMATIC_REVIEW, ""),
    "he2023causal": (design.MENDELIAN, ""),
    "sgro2023stomach": (design.NARRATIVE_REVIEW, "narrative"),
    # These three argue or propose; the reading list doesn't say how: no label, never a guess.
    "kappeter2023fmt": (design.OTHER, ""),
    "dilauro2023linking": (design.OTHER, ""),
    "gazerani2024plate": (design.OTHER, ""),
    "vuralli2024lps": (design.OBSERVATIONAL, ""),
    "cho2025oral": (design.OBSERVATIONAL, ""),
    "mugo2025unravelling": (design.SYSTEMATIC_REVIEW, ""),  # "in randomised trials" is what it reviewed
    "grodzka2025probiotics": (design.META_ANALYSIS, ""),   # "clinical review and meta-analysis"
    "gamil2025severity": (design.NARRATIVE_REVIEW, ""),     # "A review on ...", not systematic
}


@pytest.fixture(scope="module")
def demo():
    return {p.key: p for p in load_papers([DEMO_BIB], None)}


@pytest.mark.parametrize("key", sorted(DEMO_DESIGNS))
def test_demo_papers(demo, key: str):
    found = classify(demo[key])
    assert (found.kind, found.detail) == DEMO_DESIGNS[key]
    if found.kind != design.OTHER:  # the label rests on words that are really there
        text = f"{demo[key].title} {demo[key].finding}".lower()
        assert found.evidence and found.evidence.lower() in text


def test_observational_in_people_is_marked_as_such(demo):
    assert classify(demo["vuralli2024lps"]).in_people  # "... in chronic migraine patients"
    assert not classify(demo["cho2025oral"]).in_people  # only "correlate with": people not stated


TRICKY = [
    # (title, finding, kind, detail) — each a trap for a keyword classifier.
    ("A review of randomised trials of probiotics for migraine prevention",
     "Randomised trials of probiotics report fewer attacks.", design.NARRATIVE_REVIEW, ""),
    ("Gut microbiome composition in women with migraine",
     "Previous studies in germ-free mice linked the microbiome to pain. In this cross-sectional study of "
     "220 women, lower diversity was associated with more migraine days.", design.OBSERVATIONAL, "cross-sectional"),
    ("Faecal bacteria in adults with migraine",
     "Studies in mice have shown that bacteria shape pain; among 300 adults, Prevotella was more common in "
     "those with frequent attacks.", design.OBSERVATIONAL, ""),
    ("Probiotic supplementation for episodic migraine: a randomised, double-blind, placebo-controlled trial",
     "Probiotics reduced monthly migraine days versus placebo; a future meta-analysis should pool such trials.",
     design.RCT, ""),
    ("Dietary fibre and headache in a population cohort",
     "Higher fibre intake was associated with fewer headaches over ten years. A meta-analysis is needed to "
     "confirm this.", design.OBSERVATIONAL, "cohort"),
    ("Gut microbiota in chronic migraine: a case-control study",
     "Earlier meta-analyses found reduced diversity; we compared 50 patients with 50 healthy controls.",
     design.OBSERVATIONAL, "case-control"),
    ("Serum zonulin in migraine",
     "With institutional review board approval, we measured zonulin in 80 patients and 40 healthy controls; "
     "levels were higher in patients.", design.OBSERVATIONAL, ""),
    ("Probiotics for migraine: protocol for a systematic review and meta-analysis",
     "We will search five databases.", design.OTHER, "protocol"),
    ("Mendelian randomisation studies of the gut microbiome: a systematic review",
     "Most studies used a two-sample design.", design.SYSTEMATIC_REVIEW, ""),
    ("Probiotics and migraine", "Probiotics reduce attack frequency in randomised trials.", design.OTHER, ""),
    ("Microbial metabolites in mice and in migraine patients",
     "Butyrate reduced pain in mice and was lower in patients.", design.OTHER, ""),
    ("Migraine as a disease associated with dysbiosis",
     "Proposes dietary change as a therapy.", design.OTHER, ""),
    ("MR imaging of white matter lesions in migraine patients",
     "Lesions were more frequent in patients with aura.", design.OBSERVATIONAL, ""),
    ("Attack rate and gut symptoms in a cohort of 300 adults",
     "Gut symptoms predicted a higher attack rate.", design.OBSERVATIONAL, "cohort"),
    ("Gut bacteria and migraine", "We randomised 60 adults to a probiotic or placebo for 12 weeks; attack "
     "frequency fell.", design.RCT, ""),
    ("The gut and the head: a narrative review",
     "Narrative review of the field; systematic reviews should follow.", design.NARRATIVE_REVIEW, "narrative"),
    ("Butyrate and trigeminal pain", "Butyrate reduced nitroglycerin-evoked allodynia in rats.",
     design.ANIMAL, "rats"),
    ("Thoughts on the gut and the head", "The gut matters.", design.OTHER, ""),
    ("Probiotic capsules in 40 migraine patients: an open-label pilot",
     "Attack frequency fell after 8 weeks of supplementation.", design.OTHER, ""),
]


@pytest.mark.parametrize(("title", "finding", "kind", "detail"), TRICKY, ids=[t[0][:40] for t in TRICKY])
def test_tricky_cases_are_not_misclassified(title: str, finding: str, kind: str, detail: str):
    found = classify_text(title, finding)
    assert (found.kind, found.detail) == (kind, detail)


def test_background_and_future_clauses_are_set_aside():
    finding = ("Previous work in mice suggested a link. We studied 90 adults; diversity was lower in cases. "
               "Future trials should test probiotics.")
    assert own_clauses(finding) == ["We studied 90 adults;", "diversity was lower in cases."]


def test_clauses_do_not_break_at_abbreviations_or_initials():
    text = "Probiotics, e.g. L. reuteri, helped; see Smith et al. 2020. It was a pilot."
    assert clauses(text) == ["Probiotics, e.g. L. reuteri, helped;", "see Smith et al. 2020.", "It was a pilot."]


def test_tiers_and_reviews():
    assert Design(design.META_ANALYSIS).tier > Design(design.RCT).tier > Design(design.OBSERVATIONAL).tier
    assert Design(design.OTHER).tier == 0  # unknown designs are never ranked
    assert Design(design.SYSTEMATIC_REVIEW).is_review and not Design(design.ANIMAL).is_review
