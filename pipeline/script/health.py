"""Whether an episode's papers touch people's health, so the hosts add that it is not medical advice.

A reminder to "talk to a doctor" belongs after papers on patients, treatments, diets or disease,
and sounds absurd after papers on language models or bee populations. The rule reads what the
reading list says (titles, findings, journals) for words that only health research uses; a
show that wants the reminder always, or never, says so in `[show] disclaimer`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Paper

# Stems, matched at the start of a word: each is about people's health in any field's prose
# ("patients", "therapy", "mortality"); words shared with other fields ("treatment" of data,
# "trial" of a method, "model", "population", "dose" of a pesticide) are left out on purpose.
_HEALTH = re.compile(
    r"\b(?:patient|clinic|disease|disorder|syndrome|symptom|therap|medica|medicin|drug|pharmac|placebo|"
    r"diagnos|prognos|mortality|morbidity|hospital|health|surg|vaccin|infect|cancer|tumou?r|oncolog|"
    r"diabet|obes(?:e|ity)|pain(?:s|ful)?\b|migrain|headache|depress|anxiety|psychiatr|dementia|alzheimer|parkinson|"
    r"insomnia|apnoea|apnea|cardio|cardiac|stroke|hypertens|blood pressure|cholesterol|ldl\b|statin|"
    r"supplement|probiotic|nutrition|dietary|pregnan|neonat|paediatr|pediatr|nurs|epidemi|"
    r"premature death|adverse event|participants? (?:with|who had)|men and women|adults? with|children with)",
    re.IGNORECASE)
_HEALTH_JOURNALS = re.compile(
    r"\b(?:lancet|bmj|jama|nejm|new england journal of medicine|plos medicine|medicine|medical|clinical|"
    r"neurology|cephalalgia|nutrients|gut\b|circulation|psychiatry|sleep)", re.IGNORECASE)


def touches_health(paper: Paper) -> bool:
    """True when the paper's title, finding or journal is about people's health."""
    text = f"{paper.title} {paper.finding}"
    return bool(_HEALTH.search(text) or _HEALTH_JOURNALS.search(paper.journal))


def needs_disclaimer(papers: Iterable[Paper], setting: str = "auto") -> bool:
    """Whether the outro says "not medical advice": `setting` is "auto", "always" or "never"."""
    if setting in ("always", "never"):
        return setting == "always"
    return any(touches_health(p) for p in papers)
