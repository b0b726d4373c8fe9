"""'Not medical advice, talk to a doctor' closes episodes on people's health, and only those."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_show
from pipeline.errors import ConfigError
from pipeline.script import EpisodeInfo, draft_script, template_environment
from pipeline.script.health import needs_disclaimer, touches_health
from pipeline.sources import load_papers

from .conftest import DEMO_BIB

FIELDS = Path(__file__).parent / "fixtures" / "fields"
ADVICE = "not medical advice"


@pytest.mark.parametrize(("source", "health"), [
    (DEMO_BIB, True), (FIELDS / "sleep.bib", True), (FIELDS / "cardiology.bib", True),
    (FIELDS / "synthetic-urban-heat.txt", True),  # heat deaths: a health impact assessment
    (FIELDS / "ecology.bib", False), (FIELDS / "synthetic-ml.ris", False),
])
def test_the_papers_decide_whether_it_is_said(source: Path, health: bool) -> None:
    papers = load_papers([source], None, strict=False)
    assert needs_disclaimer(papers) is health
    env = template_environment(None)
    for fmt in ("deep-dive", "brief"):
        text = " ".join(t.text for t in draft_script("Show", ("Alex", "Sam"), EpisodeInfo("e", "Papers", ""), papers,
                                                     env, format=fmt).script.turns)
        assert (ADVICE in text) is health, (source.name, fmt)
    said = draft_script("Show", ("Alex", "Sam"), EpisodeInfo("e", "Papers", ""), papers, env, disclaimer="always")
    assert ADVICE in " ".join(t.text for t in said.script.turns)
    said = draft_script("Show", ("Alex", "Sam"), EpisodeInfo("e", "Papers", ""), papers, env, disclaimer="never")
    assert ADVICE not in " ".join(t.text for t in said.script.turns)


def test_words_other_fields_share_do_not_count() -> None:
    from pipeline.model import Paper

    assert not touches_health(Paper("a", "Treatment of missing data in panel surveys: a trial of methods"))
    assert not touches_health(Paper("b", "Paint chemistry and the cardinal's plumage", finding="Dose of pigment mattered."))
    assert touches_health(Paper("c", "Statins after stroke", finding="Mortality fell in patients."))


def test_the_setting_is_checked(show_dir: Path) -> None:
    path = show_dir / "papercast.toml"
    path.write_text(path.read_text().replace("[show]\n", '[show]\ndisclaimer = "sometimes"\n', 1))
    with pytest.raises(ConfigError) as info:
        load_show(show_dir)
    assert any("show.disclaimer 'sometimes' is not one of auto, always, never" in p for p in info.value.problems)
    path.write_text(path.read_text().replace('"sometimes"', '"never"'))
    assert load_show(show_dir).disclaimer == "never"
