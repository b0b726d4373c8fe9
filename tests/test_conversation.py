"""The conversation issue 12 asks for, held on the demo show and on two other fields' reading lists.

Each property is measured the way `scripts/script-metrics` measures it (pipeline.script.metrics),
and every number, direction and negation the hosts say is traced to the fact it came from.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from pipeline.model import Paper
from pipeline.script import EpisodeInfo, draft_script, metrics, template_environment, views
from pipeline.script.facts import paper_facts
from pipeline.script.themes import topic_words
from pipeline.sources import load_papers

from .conftest import DEMO_BIB, REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HOSTS = ("Theo", "Maya")
WPM = (165.0, 160.0)
DEMO = "Gut Feelings: Migraine and the Microbiome"
FIELDS = {"sleep": "Sleep on It", "cardiology": "Pressure Points"}
FIXTURES = Path(__file__).parent / "fixtures" / "fields"


@pytest.fixture(scope="module")
def env():
    return template_environment(None)


@pytest.fixture(scope="module")
def lists() -> dict[str, tuple[str, EpisodeInfo, list[Paper]]]:
    """The demo's three episodes and the two fixture lists: show title, episode, papers."""
    by_key = {p.key: p for p in load_papers([DEMO_BIB], None)}
    found = {}
    for path in sorted((REPO / "episodes").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        found[path.stem] = (DEMO, EpisodeInfo(path.stem, data["title"], data["description"]),
                            [by_key[k] for k in data["entries"]])
    for name, title in FIELDS.items():
        found[name] = (title, EpisodeInfo(name, title, ""), load_papers([FIXTURES / f"{name}.bib"], None))
    return found


@pytest.fixture(scope="module")
def drafts(env, lists):
    """drafts(name, format, minutes): one draft per list, format and length, made once."""
    made = {}

    def get(name: str, fmt: str = "deep-dive", minutes: float | None = None):
        if (name, fmt, minutes) not in made:
            show, info, papers = lists[name]
            made[name, fmt, minutes] = draft_script(show, HOSTS, info, papers, env, format=fmt, minutes=minutes,
                                                    words_per_minute=WPM)
        return made[name, fmt, minutes]

    return get


NAMES = ["01-signals-from-the-gut", "02-feeding-the-microbiome", "03-the-big-picture", "sleep", "cardiology"]
FORMATS = ["deep-dive", "brief", "critique"]


def test_fixture_lists_are_full_abstracts_marked_synthetic():
    for name in FIELDS:
        text = (FIXTURES / f"{name}.bib").read_text(encoding="utf-8")
        papers = load_papers([FIXTURES / f"{name}.bib"], None)
        assert 5 <= len(papers) <= 6 and text.count("note      = {Synthetic test record}") == len(papers)
        assert all(len(p.finding.split()) >= 40 or len(paper_facts(p).items) >= 4 for p in papers)
        assert not any("synthetic" in p.journal.lower() for p in papers)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["deep-dive", "critique"])
def test_most_turns_carry_paper_data(drafts, lists, name: str, fmt: str):
    _, _, papers = lists[name]
    assert metrics.data_share(drafts(name, fmt).script, papers) >= 0.65


def test_few_sentences_recur_across_the_demo_episodes(drafts):
    scripts = [drafts(name).script for name in NAMES[:3]]
    assert len(metrics.repeated_sentences(scripts)) <= 8, metrics.repeated_sentences(scripts)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_honest_varied_segments(drafts, lists, name: str, fmt: str):
    _, _, papers = lists[name]
    script = drafts(name, fmt).script
    assert max(metrics.segment_shapes(script).values()) <= 2, metrics.segment_shapes(script)
    assert not metrics.notes_dont_say(script)
    assert max(metrics.explanations(script).values()) <= 1, metrics.explanations(script)
    assert not metrics.quoted_words(script)
    null = [p.key for p in papers if paper_facts(p).null]
    assert not metrics.cause_for_null(script, null)


@pytest.mark.parametrize("name", NAMES)
def test_themes_and_links_are_not_the_topic_or_everyones(drafts, lists, name: str):
    show, _, papers = lists[name]
    topic = topic_words(show)
    ev = views.episode_views(papers, topic)
    for theme in ev.themes:
        assert theme.kind != "word" and theme.count * 3 <= len(papers) * 2, theme
        assert not (" " not in theme.term and theme.term.lower() in topic), theme
    for view in ev.papers:
        assert view.link is None or view.link.kind != "word"


def test_the_sleep_list_says_which_papers_agree_and_which_do_not(drafts):
    script = drafts("sleep").script
    mr = " ".join(t.text for t in script.turns if t.section == "paper-osei2024mendelian")
    assert "doesn't line up" in mr and "the cohort study" in mr  # a null against an association (Ferreira's)
    assert "points towards cause" not in mr and "A null result" in mr or "nothing" in mr


def test_a_design_is_explained_once_then_called_back(drafts):
    script = drafts("01-signals-from-the-gut").script
    cho = " ".join(t.text for t in script.turns if t.section == "paper-cho2025oral")
    vuralli = "the one from 2024"  # by its year: "the same kind as the observational study" says the design twice
    assert f"like {vuralli}" in cho or f"same kind as {vuralli}" in cho or f"Same design as {vuralli}" in cho
    assert "the observational study in patients" not in cho


@pytest.mark.parametrize("name", ["sleep", "cardiology", "01-signals-from-the-gut"])
def test_twenty_minutes_of_five_papers_is_content_or_says_so(env, lists, name: str):
    show, info, papers = lists[name]
    built = draft_script(show, HOSTS, info, papers[:5], env, minutes=20, words_per_minute=WPM)
    if not built.on_target:
        assert "at most" in built.length_note() and "nothing is padded" in built.length_note()
        assert set(built.details) == {8}
    generic = ("what should they look for", "check first in the full paper", "What would settle it",
               "more convincing", "anything to do with this", "change what they do")
    text = built.script.transcript()
    assert sum(text.count(g) for g in generic) <= 3  # each generic block at most once


@pytest.mark.parametrize("name", NAMES)
def test_brief_opens_with_a_bottom_line(drafts, lists, name: str):
    _, _, papers = lists[name]
    first = drafts(name, "brief").script.turns[0].text
    assert re.match(r"(The )?[Bb]ottom line", first) and metrics.carries_data(first, papers)
    assert first.count(". ") == 0  # one sentence


# --- every number, direction and negation traces to its fact ------------------------------------

_WENT = re.compile("\ue001\\s*(went up|went down|didn't change)")
_NEGATION = re.compile(r"\b(null result|found nothing|(?<!of )(?<!at )no effect|So nothing|didn't change)\b")


def _owner_facts(source: str):
    owner = source.split(":", 1)[0]
    return owner, None if owner in ("show", "episode") else owner


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_numbers_directions_and_negations_trace_to_facts(drafts, lists, name: str, fmt: str):
    _, _, papers = lists[name]
    by_key = {p.key: p for p in papers}
    built = drafts(name, fmt)
    for turn, marked in zip(built.script.turns, built.marked, strict=True):
        # No number is template wording: each is inside a value from the reading list.
        assert not re.search(r"\d", views.skeleton(marked, " ")), marked
        for source, value in views.spans(marked):
            owner = source.split(":", 1)[0]
            if owner in by_key and re.search(r"\d", value):
                record = " ".join([by_key[owner].finding, by_key[owner].title, str(by_key[owner].year)])
                for number in re.findall(r"\d+(?:[.,]\d+)*", value):
                    assert number in record, (source, value, number)
        # A direction said by the hosts follows the outcome it belongs to, and matches its fact.
        for match in _WENT.finditer(marked):
            before = views.spans(marked[:match.start() + 1])[-1]
            owner, value = before[0].split(":", 1)[0], before[1]
            said = {"went up": "up", "went down": "down", "didn't change": "none"}[match.group(1)]
            facts = paper_facts(by_key[owner])
            assert any(f.detail.lower() == value.lower() and (f.value == said or (said == "none" and f.kind == "null"))
                       for f in facts.items), (owner, value, said)
        # A negation is said only of a paper whose facts have one.
        if _NEGATION.search(views.skeleton(marked, " ")) and turn.section.startswith("paper-"):
            named = {turn.section.removeprefix("paper-")} | {s.split(":", 1)[0] for s, _ in views.spans(marked)}
            assert any(k in by_key and (paper_facts(by_key[k]).null or any(
                f.value == "none" or f.crosses_null for f in paper_facts(by_key[k]).items)) for k in named), marked


def test_script_command_prints_the_builds_length_note():
    from click.testing import CliRunner

    from pipeline.cli import cli

    result = CliRunner().invoke(cli, ["script", str(FIXTURES / "sleep.bib"), "-m", "30"])
    assert result.exit_code == 0, result.output
    assert "episode: asked for 30.0 min; 6 papers give at most" in result.stderr
    assert "nothing is padded" in result.stderr and "nothing is padded" not in result.stdout


@pytest.mark.parametrize("name", NAMES)
def test_authors_named_in_full_once_and_never_ending_on_an_initial(drafts, lists, name: str):
    _, _, papers = lists[name]
    script = drafts(name).script
    assert script.transcript().count("and colleagues") <= len(papers)  # the first mention only
    assert not any(re.search(r"\b[A-Z]\.$", t.text) for t in script.turns)


def test_critique_compares_within_a_design_and_says_a_tie(env):
    def trial(key: str, family: str, finding: str) -> Paper:
        from pipeline.model import Author
        return Paper(key=key, title=f"A randomised controlled trial of {key}", authors=(Author(family, "A"),),
                     year=2024, finding=finding)

    papers = [trial("first", "Adams", "In 120 adults, melatonin reduced sleep onset latency (p = 0.01)."),
              trial("second", "Baker", "In 120 adults, light therapy reduced sleep onset latency (p = 0.03)."),
              trial("third", "Clark", "In 480 adults, exercise did not reduce sleep onset latency.")]
    text = draft_script("Sleep on It", HOSTS, EpisodeInfo("t", "Trials", ""), papers, env, format="critique",
                        words_per_minute=WPM).script.transcript()
    # three trials of one year: only a surname tells them apart ("the Adams study", as in links)
    assert "ties with the Baker study" in text or "ties with the Adams" in text
    assert "bigger than the Adams study: 480 adults, against 120 adults" in text
    assert "Same design, different answers" in text and "On design they tie" in text or "No ranking by design" in text
    assert "These two" not in text or "agree" in text  # the same outcome, the same direction: agreement
    assert "That matches the Adams study" in text or "Same direction as the Adams study" in text


def test_no_demo_topic_in_library_code():
    for path in (REPO / "pipeline" / "script").glob("*.py"):
        text = path.read_text(encoding="utf-8").lower()
        assert "migraineur" not in text and "triptan" not in text, path.name


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_paper_without_a_finding_is_never_asked_about(env, fmt: str):
    bare = [Paper(key=f"bare{i}", title=f"A paper with little data, part {i}", year=2020 + i) for i in range(4)]
    script = draft_script("Show", HOSTS, EpisodeInfo("b", "Bare", ""), bare, env, format=fmt).script
    for before, after in zip(script.turns, script.turns[1:], strict=False):
        if before.text.endswith("?") and before.section.startswith("paper-"):
            assert "no summary" not in after.text and not metrics.notes_dont_say(script), (before.text, after.text)
