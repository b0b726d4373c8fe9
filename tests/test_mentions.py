"""Papers named once, then referred to by what they are; the clearer voice reads the dense lines (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.model import Author, Paper
from pipeline.script import EpisodeInfo, draft_script, template_environment
from pipeline.script import design as designs
from pipeline.script.mentions import DATED, FULL, NAMED, SHORT, candidates, grouped
from pipeline.script.views import episode_views
from pipeline.sources import load_papers

from .conftest import DEMO_BIB

HOSTS = ("Theo", "Maya")
FIXTURES = Path(__file__).parent / "fixtures"
LISTS = [DEMO_BIB, FIXTURES / "fields" / "sleep.bib", FIXTURES / "fields" / "cardiology.bib",
         FIXTURES / "fields" / "ecology.bib"]


@pytest.fixture(scope="module")
def env():
    return template_environment(None)


def _draft(env, papers, fmt="deep-dive", reader=1):
    return draft_script("Field Notes", HOSTS, EpisodeInfo("e", "A reading list", ""), papers, env, format=fmt,
                        reader=reader).script


def _paper(key: str, title: str, year: int, family: str, finding: str = "") -> Paper:
    return Paper(key=key, title=title, authors=(Author(family, "A"), Author("Other", "B"), Author("Third", "C")),
                 year=year, finding=finding)


def test_the_shortest_unambiguous_description_wins():
    assert candidates(designs.META_ANALYSIS, "", "", False, "2024") == [
        (SHORT, "meta-analysis"), (DATED, "2024 meta-analysis")]
    # a cohort study is "the cohort study" before it is "the observational study"
    assert candidates(designs.OBSERVATIONAL, "cohort", "", False, "2021")[0] == (FULL, "cohort study")
    assert candidates(designs.ANIMAL, "rats", "", False, "")[:2] == [(SHORT, "animal study"), (FULL, "study in rats")]
    assert candidates(designs.OTHER, "", "", False, "2023") == [(DATED, "2023 paper")]


def test_two_papers_of_one_design_are_told_apart_by_year_and_a_lone_one_by_its_design():
    papers = [_paper("a", "Sleep and mood: a cohort study", 2021, "Okafor"),
              _paper("b", "Night shifts and mood: a cohort study", 2023, "Lindqvist"),
              _paper("c", "Light therapy for mood: a systematic review", 2023, "Ngata"),
              _paper("d", "Mood and the moon", 2023, "Brennan")]
    views = {v.key: v for v in episode_views(papers).papers}
    assert [views[k].design.kind for k in "abcd"] == [designs.OBSERVATIONAL] * 2 + [designs.SYSTEMATIC_REVIEW,
                                                                                    designs.OTHER]
    assert views["a"].called_as == views["b"].called_as == DATED  # "the 2021 cohort study", "the 2023 cohort study"
    assert views["c"].called_as == SHORT  # "the review": the only one
    assert views["d"].called_as == NAMED  # unknown design, and 2023 is not its own: "the Brennan paper"
    groups = grouped([views["a"], views["c"], views["b"]])
    assert [(g.paper.key, g.count) for g in groups] == [("a", 2), ("c", 1)]  # "the two observational studies"


@pytest.mark.parametrize("path", LISTS, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["deep-dive", "critique"])
def test_a_paper_with_a_known_design_is_named_once(env, path: Path, fmt: str):
    """Its first author's surname is said in one turn (the introduction), never again: not in
    questions, links, the synthesis's lists, the timeline or the outro's recap."""
    papers = load_papers([path], None)
    script = _draft(env, papers, fmt)
    views = {v.key: v for v in episode_views(papers).papers}
    surnames = [p.authors[0].family for p in papers if p.authors]
    for paper in papers:
        view = views[paper.key]
        if view.called_as == NAMED or view.design.kind == designs.OTHER or not paper.authors:
            continue
        name = paper.authors[0].family
        if sum(s == name or name in s.split() for s in surnames) > 1:
            continue  # a surname two first authors share is not this paper's alone
        said = [t.text for t in script.turns if re.search(rf"\b{re.escape(name)}\b", t.text)]
        assert len(said) == 1, (paper.key, said)
        assert paper.authors[0].display in said[0]  # the one mention is the full introduction


@pytest.mark.parametrize("path", LISTS, ids=lambda p: p.stem)
def test_lists_name_designs_not_teams(env, path: Path):
    script = _draft(env, load_papers([path], None))
    text = " ".join(t.text for t in script.turns if t.section in ("intro", "synthesis", "outro"))
    assert not re.search(r"\bwe'll hear from\b", text, re.IGNORECASE)  # the intro's list of teams
    designed = [p for p in episode_views(load_papers([path], None)).papers if p.design.kind != designs.OTHER]
    for view in designed:
        assert f"{view.first_author}'s team" not in text, view.key
    # no "Sgro's team bring", no "Where do the team land?"
    whole = " ".join(t.text for t in script.turns)
    assert not re.search(r"'s team (?:bring|share|see|saw|do|are|have)\b", whole)
    assert "do the team" not in whole and "the authors's" not in whole


def _host_saying(script, pattern: str) -> set[int]:
    return {t.host for t in script.turns if re.search(pattern, t.text)}


def test_the_reader_says_titles_and_the_recap_whoever_that_is(env):
    papers = load_papers([DEMO_BIB], None)[:5]
    for reader in (0, 1):
        script = _draft(env, papers, reader=reader)
        titles = set().union(*(_host_saying(script, re.escape(f'"{p.title}')) for p in papers))
        assert titles == {reader}
        assert _host_saying(script, r"^(?:So that was|To recap: that was) ") == {reader}  # the recap
        # each host introduces themselves by their own name
        for host, name in enumerate(HOSTS):
            assert _host_saying(script, rf"\bI'm {name}\b") == {host}
        assert script.host_names == HOSTS


def test_the_other_host_still_asks_and_reacts_with_content(env):
    script = _draft(env, load_papers([DEMO_BIB], None)[:5])
    asker = [t.text for t in script.turns if t.host == 0 and t.section.startswith("paper-")]
    assert sum(t.endswith("?") for t in asker) >= 3  # questions
    assert any(re.search(r"went (?:up|down)", t) for t in asker)  # a result said back
