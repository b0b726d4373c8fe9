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
    # These three argue, propose or call for something and count nothing of their own: perspectives.
    "kappeter2023fmt": (design.PERSPECTIVE, ""),      # "proposes fecal microbiota transplantation"
    "dilauro2023linking": (design.PERSPECTIVE, ""),   # "Places gut dysbiosis at the centre ... advocates"
    "gazerani2024plate": (design.PERSPECTIVE, ""),    # "Strong call for personalised ... interventions"
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
     "Proposes dietary change as a therapy.", design.PERSPECTIVE, ""),
    ("Probiotics for migraine: a proposal", "We propose probiotics after a trial in 120 patients showed benefit.",
     design.OTHER, ""),  # it argues, but from data of its own: not a perspective
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
     "Attack frequency fell after 8 weeks of supplementation.", design.EXPERIMENT, "open-label study"),
    ("Probiotics and migraine", "Supplementation was followed by fewer attacks in 40 patients.", design.OTHER, ""),
]

# Designs named in so many words, in other fields: (title, finding, kind, detail).
NAMED = [
    ("Afternoon caffeine and slow-wave sleep: a crossover study in healthy adults",
     "Caffeine shortened slow-wave sleep.", design.EXPERIMENT, "crossover study"),
    ("Pesticide residues in nectar alter foraging in honeybees under semi-field conditions",
     "Exposed colonies made fewer foraging trips.", design.EXPERIMENT, "semi-field experiment"),
    ("Grazing exclusion and plant diversity: a field experiment", "Diversity rose inside exclosures.",
     design.EXPERIMENT, "field experiment"),
    ("Caffeine in mice: a crossover study", "Caffeine shortened sleep in mice.", design.ANIMAL, "mice"),
    ("Takotsubo syndrome after a marathon: a case report", "A 54-year-old runner developed chest pain.",
     design.CASE_REPORT, "case report"),
    ("Living with insomnia: a qualitative study", "Semi-structured interviews with 22 adults found three themes.",
     design.QUALITATIVE, ""),
    ("Vaccination and measles spread in schools", "An agent-based model predicted fewer outbreaks at 95% coverage.",
     design.MODELLING, ""),
    ("Statin effects on hepatocyte lines", "Atorvastatin reduced lipid accumulation in cultured cells.",
     design.LAB, "cells"),
    ("Sleep and memory: an umbrella review", "Pooled reviews found consistent benefits.",
     design.SYSTEMATIC_REVIEW, ""),
    ("Wearables in cardiology: a scoping review", "Most studies were small.", design.NARRATIVE_REVIEW, "scoping"),
    ("Salt targets: a commentary", "The targets are too strict.", design.PERSPECTIVE, "commentary"),
    ("Urban heat and bird song", "An overview of how heat changes song across cities.", design.NARRATIVE_REVIEW, ""),
    ("Night shifts and diabetes: a prospective cohort study of 9,000 nurses", "Night shifts raised risk.",
     design.OBSERVATIONAL, "cohort"),
    ("Loneliness and stroke: a case-control study", "Loneliness was more common in cases.",
     design.OBSERVATIONAL, "case-control"),
    ("Melatonin for jet lag: a placebo-controlled trial", "Melatonin shortened sleep onset in 40 adults.",
     design.EXPERIMENT, "placebo-controlled trial"),
    ("Night-shift nurses with arrhythmia: a case series", "Five nurses developed arrhythmia.",
     design.CASE_REPORT, "case series"),
    # traps: the words, but not the design
    ("Sleep across the life course: a life-course perspective",
     "In a cohort of 5,000 adults, short sleep predicted dementia.", design.OBSERVATIONAL, "cohort"),
    ("In vitro fertilisation outcomes", "Live birth rates rose after the policy change.", design.OTHER, ""),
    ("Qualitative changes in urban birdsong", "Birds sang qualitatively different songs in cities.",
     design.OTHER, ""),
    ("A pilot study of sleep diaries", "Diaries were completed by most participants.", design.OTHER, ""),
]


@pytest.mark.parametrize(("title", "finding", "kind", "detail"), NAMED, ids=[t[0][:40] for t in NAMED])
def test_designs_named_in_other_fields(title: str, finding: str, kind: str, detail: str):
    found = classify_text(title, finding)
    assert (found.kind, found.detail) == (kind, detail)
    assert found.evidence.lower() in f"{title} {finding}".lower()


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
