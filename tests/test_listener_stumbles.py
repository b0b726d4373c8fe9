"""The listener's second pass: notes said as fragments, bracketed statistics, bridges that describe a
paper nobody has named, unknown designs counted. One test per class, on real drafts of the demo and
the fixture fields (sleep, cardiology, ecology, and the spoken-form stress lists).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomllib

from pipeline.script import EpisodeInfo, design, draft_script, grammar, template_environment
from pipeline.script.factrules import STATISTIC
from pipeline.script.facts import without_statistics
from pipeline.sources import load_papers

from .conftest import DEMO_BIB

HOSTS = ("Theo", "Maya")
WPM = (165.0, 160.0)
ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
LISTS = [FIXTURES / "fields" / "sleep.bib", FIXTURES / "fields" / "cardiology.bib",
         FIXTURES / "fields" / "ecology.bib", FIXTURES / "spoken" / "sleep.bib", FIXTURES / "spoken" / "cardiology.bib"]
FORMATS = ("deep-dive", "brief", "critique")
# Titles change the picker's seed, so each list is heard with several phrasings.
TITLES = ("A reading list", "Evidence old and new", "What the papers say: a look at the data")


@pytest.fixture(scope="module")
def env():
    return template_environment(None)


def _demo_episodes():
    papers = {p.key: p for p in load_papers([DEMO_BIB], None)}
    for path in sorted((ROOT / "episodes").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        yield EpisodeInfo(path.stem, data["title"], data["description"]), [papers[k] for k in data["entries"]]


def _drafts(env):
    """Every demo episode and fixture list, in every format, under several titles."""
    for info, papers in _demo_episodes():
        for fmt in FORMATS:
            yield papers, draft_script("Gut Feelings", HOSTS, info, papers, env, format=fmt, words_per_minute=WPM)
    for path in LISTS:
        papers = load_papers([path], None)
        for title in TITLES:
            for fmt in FORMATS:
                yield papers, draft_script("Field Notes", HOSTS, EpisodeInfo("e", title, ""), papers, env, format=fmt,
                                           words_per_minute=WPM)


@pytest.fixture(scope="module")
def drafts(env):
    return list(_drafts(env))


# --- notes: findings written as noun phrases ---------------------------------------------------------

NOTES = [  # (a note from a real finding, the article that makes it a noun phrase)
    ("Consistent reduction in anti-inflammatory genera (especially Faecalibacterium) and increased Veillonella "
     "in migraineurs.", "a"),
    ("overall picture of dysbiosis and reduced diversity.", "an"),
    ("Mendelian randomisation evidence of causal links from multiple bacterial taxa to migraine.", ""),
    ("First human evidence of raised circulating LPS and leaky-gut markers in chronic migraine.", "the"),
    ("Strong call for personalised dietary and pre/probiotic interventions.", "a"),
    ("pooled HR 0.88 in adults ≥ 75 y.", "a"),
    ("Marked seasonal shifts in nest survival across sites.", ""),
    ("Unexpected rise in admissions after the policy change.", "an"),
    ("Narrative review emphasising that a diverse microbiome is required for brain health.", "a"),
    ("Evidence that genera which declined in patients predict attacks.", ""),
]
CLAUSES = [  # (a clause whose verb a short verb list misses, the article its bare subject needs)
    ("Exposed colonies made 23% fewer foraging trips and returned with less pollen.", ""),
    ("Sensitivity analyses gave similar results.", ""),
    ("Eleven studies with 412 participants met the inclusion criteria.", ""),
    ("After MI, 2,304 patients wore a 14-d patch.", ""),
    ("Cities with more than 30% green space supported pollinator communities comparable to farmland.", ""),
    ("Studies highlight reciprocal interactions between the central nervous system and the gut.", ""),
    ("Screening cost €312 per patient.", ""),
    ("the lead SNP explained ~0.2% of variance.", ""),
    ("effect on severity approaches significance despite limited trials.", "the"),
    ("Meta-analysis of RCTs confirms probiotics significantly lower migraine frequency.", "the"),
    ("Genera linked to inflammation were rarer in patients.", ""),
    # from the fact extractor's corpus (tests/fixtures/facts/corpus.yaml)
    ("This pilot trial in 40 children suggests that a low-FODMAP diet may reduce abdominal pain.", ""),
    ("Dementia incidence declined by 13% per decade between 1990 and 2020.", ""),
    ("We discuss the potential of ketogenic diets in epilepsy.", ""),
    ("The antibody failed to slow cognitive decline in 1,696 participants.", ""),
    ("Women aged 45 years or older who walked for 30 minutes a day had lower blood pressure.", ""),
    ("Lactobacillus reuteri DSM 17938 raised faecal butyrate.", ""),
]


@pytest.mark.parametrize(("text", "article"), NOTES, ids=[n[0][:30] for n in NOTES])
def test_a_note_is_told_from_a_clause_and_gets_its_article(text, article):
    assert not grammar.has_verb(text)
    assert grammar.article(text) == article


@pytest.mark.parametrize(("text", "article"), CLAUSES, ids=[c[0][:30] for c in CLAUSES])
def test_a_clause_is_a_clause_even_with_a_verb_no_list_names(text, article):
    assert grammar.has_verb(text)
    assert grammar.article(text, clause=True) == article


_LEAD_IN = re.compile(r"(?:The result|They add|And there's a second part|Alongside that|On top of that|What they "
                      r"report|Their main result|The headline|What they found|In the paper's own summary|And here's "
                      r"the twist|Then the twist|But here's the thing): (.+?)(?=[.?!](?:\s|$))")


def test_no_note_is_read_out_after_a_colon_as_a_sentence(drafts):
    for _, draft in drafts:
        for turn in draft.script.turns:
            for said in _LEAD_IN.findall(turn.text):
                assert grammar.has_verb(said), turn.text


def test_demo_notes_are_said_as_grammatical_sentences(drafts):
    text = " ".join(t.text for _, d in drafts for t in d.script.turns)
    assert "The result: strong call" not in text and "a strong call for personalised dietary" in text
    assert "They add: effect on severity" not in text and "the effect on severity approaches significance" in text
    assert "second part: overall picture" not in text and "an overall picture of dysbiosis" in text
    assert "the first human evidence of raised circulating LPS" in text


# --- bracketed statistics -----------------------------------------------------------------------------

def test_secondary_statistics_are_dropped_from_a_sentence():
    said = without_statistics("Across 28 RCTs (186 854 participants), statins reduced events with moderate "
                              "heterogeneity (I² = 48%, χ²(27) = 51.9); pooled HR 0.88 [0.80, 0.97] in adults "
                              "(median 72 nmol/L, IQR 31–160), Lp(a) (especially in men)")
    assert said == ("Across 28 RCTs (186 854 participants), statins reduced events with moderate heterogeneity; "
                    "pooled HR 0.88 in adults, Lp(a) (especially in men)")
    assert without_statistics("short sleep (HR 1.30, 95% CI 1.00–1.69; p = .04) and pain (β = −0.01, 95% CI "
                              "−0.05 to 0.03) rose") == "short sleep and pain rose"


def test_no_bracketed_statistic_is_read_mid_sentence(drafts):
    """The main estimate and its interval are said once, as an answer to "how big?"; no brackets of figures."""
    for _, draft in drafts:
        for turn in draft.script.turns:
            for inside in re.findall(r"[(\[]((?:[^()\[\]]|\([^()]*\))*)[)\]]", turn.text):
                assert not STATISTIC.search(inside), turn.text


# --- bridges and designs --------------------------------------------------------------------------------

_ABOUT_THE_PAPER = (r"(?:Also from \d{4}|Still in \d{4}|Another paper from the same year, \d{4}|Another one from "
                    r"\d{4}|This one's from \d{4} too|Same journal[^.]*|We stay in [^.]*|Another paper from the [^.]*|"
                    r"Next, another [^.]*|More of the same kind[^.]*|We stay with the same kind[^.]*|A familiar name"
                    r"[^.]*|[^.]* again, among the authors of the next one)\.")
_RESULT_FIRST = r" (?:Here's a result|Start with the result|Headline first|Here's one for you|A quick one|Here's a " \
                r"study of|This one looked at)"


def test_a_bridge_never_describes_a_paper_before_it_is_named(drafts):
    for _, draft in drafts:
        for turn in draft.script.turns:
            assert not re.search(_ABOUT_THE_PAPER + _RESULT_FIRST, turn.text), turn.text


def test_a_year_bridge_is_true(drafts):
    for papers, draft in drafts:
        years = {f"paper-{p.key}": p.year for p in papers}
        sections = [t.section for t in draft.script.turns if t.section in years]
        order = list(dict.fromkeys(sections))
        for turn in draft.script.turns:
            m = re.search(r"(?:Also from|Still in|same year,|Another one from|This one's from) (\d{4})", turn.text)
            if m and turn.section in years:
                before = order[order.index(turn.section) - 1]
                assert years[turn.section] == years[before] == int(m.group(1)), turn.text


def test_unknown_designs_are_never_counted_and_said_once_at_most(drafts):
    for _, draft in drafts:
        text = " ".join(t.text for t in draft.script.turns)
        assert "name their design" not in text and "name its design" not in text
        assert text.count("doesn't say how") <= 1


def test_demo_designs_are_named_not_announced_as_unknown(drafts):
    text = " ".join(t.text for _, d in drafts for t in d.script.turns)
    assert "The summary doesn't say how Kappéter's team did this one" not in text
    # named by what they are (lists no longer name teams: see tests/test_mentions.py)
    assert "two perspectives" in text and "a crossover study" in text
    assert "semi-field experiment" in text


# --- other stumbles heard in the transcripts -----------------------------------------------------------

_BEAT = r"(?:Huh|Interesting|Right|Okay|Hm|I see)[.,]"
_BRIDGES = (r"(?:Something different now|A change of angle|On to the next paper|Next up|Moving on|"
            r"Now for something else)")


def test_a_reaction_opens_a_turn_and_bridges_are_not_stacked(drafts):
    for _, draft in drafts:
        for turn in draft.script.turns:
            assert not re.search(rf"[.?!] {_BEAT} ", turn.text), turn.text  # "... then. I see. How much ..."
            # a reaction runs into its sentence ("Hm, so is ..."): "Hm." alone is the same sentence in every episode
            assert not re.match(r"(?:Huh|Interesting|Okay|Hm|I see)\. ", turn.text), turn.text
            assert not re.search(rf"{_BRIDGES}\. (?:Next up:|Now,|The next title:)", turn.text), turn.text


def test_a_priority_claim_is_said_as_the_authors(drafts):
    text = " ".join(t.text for _, d in drafts for t in d.script.turns)
    assert "On top of that, this is the largest" not in text
    assert "By their account, this is the largest cohort study" in text or "As they tell it, this is" in text


def test_a_meta_analysis_of_cohort_studies_is_not_said_to_pool_trials(env):
    papers = [p for p in load_papers([FIXTURES / "fields" / "cardiology.bib"], None) if p.key.startswith("castellano")]
    for title in TITLES:
        for fmt in FORMATS:
            text = " ".join(t.text for t in draft_script("Field Notes", HOSTS, EpisodeInfo("e", title, ""), papers, env,
                                                         format=fmt, words_per_minute=WPM).script.turns)
            assert "prospective cohort studies" in text or fmt == "brief"
            assert not re.search(r"trials (?:that go into|it pools|in it)|biased trials|trials it had", text), text


@pytest.mark.parametrize("kind", [k for k in design.KINDS if k != design.OTHER])
def test_every_question_of_a_design_is_answered_by_every_caveat(env, kind):
    """Question and caveat are picked apart, so a "How far ...?" must never meet a bare "No."."""
    def said(macro: str, choice: int) -> str:
        template = env.from_string('{% import "designs.j2" as designs with context %}'
                                   f'{{{{ designs.{macro}(d, "the Lee study") }}}}')
        d = {"kind": kind, "detail": "mice" if kind == design.ANIMAL else "", "evidence": "", "in_title": False,
             "in_people": False, "is_review": kind in (design.META_ANALYSIS, design.SYSTEMATIC_REVIEW)}
        return template.render(d=d, pick=lambda *options: options[min(choice, len(options) - 1)]).strip()
    for a in range(3):
        asked = said("ask", a)
        for c in range(3):
            answer = said("caveat", c)
            if re.match(r"(?:How|What|Which|Why)\b", asked):
                assert not re.match(r"(?:No|Yes|Not necessarily|Not quite)\b", answer), (asked, answer)


def test_an_outcome_from_the_start_of_a_sentence_is_lower_case_mid_sentence(drafts):
    """"Total sleep time rose": "A quick one: did total sleep time go up ...", not "did Total sleep time"."""
    from pipeline.script.facts import paper_facts
    for papers, draft in drafts:
        capitals = {f.detail for p in papers for f in paper_facts(p).all("direction")
                    if re.match(r"[A-Z][a-z]+ [a-z]", f.detail)}
        for turn in draft.script.turns:
            if turn.section.startswith("paper-"):  # the synthesis is another template's
                for outcome in capitals:
                    assert not re.search(rf"(?:[a-z,:]|for|on|did|So) {re.escape(outcome)}", turn.text), turn.text


def test_only_a_synthesis_is_asked_whether_its_studies_agree(drafts):
    for _, draft in drafts:
        for turn in draft.script.turns:
            if re.search(r"Did the studies agree|Were the studies all saying", turn.text):
                section = " ".join(t.text for t in draft.script.turns if t.section == turn.section)
                assert re.search(r"meta-analysis|systematic review|pooled", section), section


def test_nothing_is_next_for_the_first_paper(drafts):
    for papers, draft in drafts:
        first = next(t for t in draft.script.turns if t.section == f"paper-{papers[0].key}")
        assert not re.match(r"(?:Next|The next|Moving on|On we go|Another one)\b", first.text), first.text


def test_a_list_of_unknown_designs_still_says_something_about_the_evidence(env):
    from pipeline.model import Author, Paper
    papers = [Paper(key="a", title="Thoughts on the gut", authors=(Author("Lee", "Ann"),), year=2020,
                    finding="The gut matters to the head."),
              Paper(key="b", title="More thoughts on the head", authors=(Author("Kim", "Bo"),), year=2021,
                    finding="The head matters to the gut.")]
    for fmt in FORMATS:
        text = " ".join(t.text for t in draft_script("Show", HOSTS, EpisodeInfo("e", "Two thoughts", ""), papers, env,
                                                     format=fmt, words_per_minute=WPM).script.turns)
        assert not re.search(r": \.|that's \.|makes \.", text), text
        assert "name their design" not in text and "In the mix" not in text and "Among them" not in text


def test_two_outcomes_sharing_a_word_are_not_one_outcome():
    """"NREM sleep" and "total sleep time" share "sleep": no agreement is claimed between them."""
    from pipeline.script.relations import episode_relations
    papers = load_papers([FIXTURES / "spoken" / "sleep.bib"], None)
    said = [(r.earlier_outcome.words, r.later_outcome.words) for rs in episode_relations(papers).values()
            for r in rs if r.earlier_outcome and r.later_outcome]
    assert not any({a, b} == {"NREM sleep", "Total sleep time"} for a, b in said), said
    demo = {p.key: p for p in load_papers([DEMO_BIB], None)}
    pair = episode_relations([demo["mugo2025unravelling"], demo["grodzka2025probiotics"]], frozenset({"migraine"}))
    assert [r.kind for r in pair["grodzka2025probiotics"]] == ["agree"]  # attack / migraine frequency: one outcome
