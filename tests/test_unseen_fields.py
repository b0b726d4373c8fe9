"""Lists from fields the writer was not tuned on (language models, urban heat): what a listener hears."""

from __future__ import annotations

from pathlib import Path

from pipeline.script import EpisodeInfo, draft_script, template_environment
from pipeline.script.themes import paper_terms, said_form
from pipeline.sources import load_papers

FIELDS = Path(__file__).parent / "fixtures" / "fields"


def _said(name: str) -> list[str]:
    papers = load_papers([FIELDS / name], None, strict=False)
    draft = draft_script("Field Notes", ("Alex", "Sam"), EpisodeInfo("e", "Papers", ""), papers,
                         template_environment(None))
    return [t.text for t in draft.script.turns]


def test_a_proper_adjective_keeps_its_capital_and_a_title_case_word_does_not() -> None:
    title = "Cooling Cities: a Health Impact Assessment of European Cities"
    text = f"{title}. Trees cooled 293 European cities. Sensitivity analyses agreed."
    terms = paper_terms(text, title_chars=len(title))
    assert said_form(terms["european city"]) == "European cities"
    assert said_form(terms["health"]) == "health"  # title case only
    assert said_form(terms["sensitivity"]) == "sensitivity"  # began a sentence


def test_the_urban_heat_list_is_heard_as_written() -> None:
    turns = _said("synthetic-urban-heat.txt")
    text = " ".join(turns)
    assert "european" not in text
    assert '"Tree cover lowered' in text  # a quoted finding starts as a sentence
    assert "tree coverage to 30 went up" not in text  # what was done is not an outcome
    assert "Schwaab and colleagues" in text  # "Schwaab et al."


def test_the_language_model_list_has_no_medical_reminder() -> None:
    assert "doctor" not in " ".join(_said("synthetic-ml.ris"))


def test_a_paper_of_unknown_design_is_told_apart_in_lists_by_its_authors() -> None:
    text = " ".join(_said("synthetic-urban-heat.txt"))
    assert "a paper, 20" not in text and "in 2014, a paper." not in text
    assert "a paper from Zhao's team" in text


def test_a_soil_list_with_a_han_script_name_and_spreads() -> None:
    from pipeline.model import Author

    assert Author("王", "伟").display == "王伟" and Author("Smith", "Pete").display == "Pete Smith"
    text = " ".join(_said("synthetic-soil.json"))
    assert "王伟 and Pete Smith" in text  # the written form; the spoken form says "a co-author"
    assert "small study" not in text  # "38 ± 12 individuals/m²" is a spread, not a sample of 12
    assert "doctor" not in text
