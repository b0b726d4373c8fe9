"""Citation strings pasted as text, in the styles people use: the synthetic corpus in
tests/fixtures/sources/citations/ read item by item and as one list, and the reader's pieces
(names by the shape of the whole list, venues, marked findings) one by one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.cli import cli
from pipeline.model import Paper
from pipeline.sources.registry import SourceRead, parse_source
from pipeline.sources.text.citations import reference
from pipeline.sources.text.findings import marked_finding
from pipeline.sources.text.namelists import read_names
from pipeline.sources.text.venue import read_venue

CORPUS = Path(__file__).parent / "fixtures" / "sources" / "citations" / "pasted-citations.yaml"
ITEMS: list[dict[str, Any]] = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["items"]


def _authors(paper: Paper) -> str:
    return "; ".join(f"{a.family}, {a.given}" if a.given else a.family for a in paper.authors)


def _check(paper: Paper, want: dict[str, Any]) -> None:
    got = {"title": paper.title, "authors": _authors(paper), "year": paper.year, "journal": paper.journal,
           "doi": paper.doi, "url": paper.url, "finding": paper.finding}
    expected = {"title": want["title"], "authors": want["authors"], "year": want["year"],
                "journal": want["journal"], "doi": want.get("doi", ""), "url": want.get("url", ""),
                "finding": want["finding"]}
    assert got == expected, want["style"]


def test_the_corpus_is_large_and_varied() -> None:
    assert len(ITEMS) >= 30
    styles = " ".join(item["style"] for item in ITEMS)
    for style in ("APA", "Harvard", "Vancouver", "Nature", "Science", "Chicago", "MLA", "IEEE", "ACS", "et al."):
        assert style in styles


@pytest.mark.parametrize("item", ITEMS, ids=[item["text"].split(".", 1)[0].strip("[]- ") for item in ITEMS])
def test_each_pasted_citation_gives_its_fields(item: dict[str, Any]) -> None:
    read = parse_source(item["text"], Path("post.txt"))
    assert read.format == "text" and read.problems == ()
    assert len(read.papers) == 1, [paper.title for paper in read.papers]
    _check(read.papers[0], item)


@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["no blank lines", "blank lines"])
def test_the_whole_corpus_pasted_as_one_list(gap: str) -> None:
    text = "Some papers I've been reading, in case anyone's interested:\n\n" + gap.join(
        item["text"].rstrip("\n") for item in ITEMS)
    read = parse_source(text, Path("post.txt"))
    assert read.problems == ()
    assert [paper.title for paper in read.papers] == [item["title"] for item in ITEMS]
    for paper, item in zip(read.papers, ITEMS, strict=True):
        _check(paper, item)
    assert any("line 1:" in note and "left out" in note for note in read.notes)


def _partial(read: SourceRead) -> dict[str, str]:
    return {line.split(": read only partly")[0]: line for line in read.partial}


def test_a_paper_read_only_partly_is_said_once_with_its_file_and_line() -> None:
    text = ("1. Castellanos, M. (2018). Informal credit and household consumption in rural Peru. World Development, "
            "110, 221–236.\n"
            "2. \"Bats avoid lit corridors\" - Journal of Applied Ecology 2020.\n"
            "   Key finding: activity fell by half at 3 lux.\n"
            "3. Urban trees and heat (Brennan et al., 2018)\n")
    read = parse_source(text, Path("post.txt"))
    partial = _partial(read)
    assert partial["post.txt: entry 1 (line 1)"].endswith("): no finding")
    assert partial["post.txt: entry 2 (line 2)"].endswith("): no authors")
    assert partial["post.txt: entry 3 (line 4)"].endswith("): no finding")
    assert len(read.partial) == 3


def test_script_says_what_it_read_partly_and_skips_what_it_cannot_read(tmp_path: Path) -> None:
    post = tmp_path / "post.txt"
    post.write_text("Papers on urban heat, in case anyone's interested:\n\n"
                    "1. M. Okonkwo et al., Science 372, 1203 (2021).\n"
                    "2. Ferrante, G., Wu, J. & Abara, K. O. Grain-boundary engineering doubles the fatigue life of "
                    "printed titanium. Nature 598, 432–436 (2021).\n", encoding="utf-8")
    lenient = CliRunner().invoke(cli, ["script", str(post)])
    assert lenient.exit_code == 0, lenient.output
    assert f"skipped: {post}: entry 1 (line 3) has no title" in lenient.stderr
    assert f"note: {post}: entry 2 (line 4): read only partly ('Grain-boundary" in lenient.stderr
    assert "no finding" in lenient.stderr and "in case anyone's interested" in lenient.stderr
    assert "Grain-boundary engineering" in lenient.stdout and "note:" not in lenient.stdout
    strict = CliRunner().invoke(cli, ["script", "--strict", str(post)])
    assert strict.exit_code == 1 and "entry 1 (line 3) has no title" in strict.stderr


@pytest.mark.parametrize(("text", "names"), [
    ("Iungman T. et al.", ["Iungman|T.", "et al.|"]),  # one name: family then initial
    ("Tang Y, Liu S, Shu H.", ["Tang|Y", "Liu|S", "Shu|H"]),  # the list's full stop is not an initial's
    ("Zhao, L., Lee, X., Smith, R.B. & Oleson, K.", ["Zhao|L.", "Lee|X.", "Smith|R. B.", "Oleson|K."]),
    ("Zhao, L.; Lee, X.; Smith, R. B.", ["Zhao|L.", "Lee|X.", "Smith|R. B."]),
    ("L. Zhao, X. Lee, R. B. Smith, and K. Oleson", ["Zhao|L.", "Lee|X.", "Smith|R. B.", "Oleson|K."]),
    ("Zhao, Lei, Xuhui Lee, Ronald B. Smith, and Keith Oleson", ["Zhao|Lei", "Lee|Xuhui", "Smith|Ronald B.",
                                                                 "Oleson|Keith"]),
    ("Lei Zhao, Xuhui Lee", ["Zhao|Lei", "Lee|Xuhui"]),
    ("van der Berg, K., & De Luca, F.", ["van der Berg|K.", "De Luca|F."]),
    ("Schwaab et al.", ["Schwaab|", "et al.|"]),
    ("Delacroix & Mensah", ["Delacroix|", "Mensah|"]),
])
def test_names_are_read_by_the_shape_of_the_whole_list(text: str, names: list[str]) -> None:
    found = read_names(text)
    assert found is not None and [f"{a.family}|{a.given}" for a in found] == names


@pytest.mark.parametrize("text", [
    "Published January",  # the start of a date line
    "Urban Heat Islands",  # a title in title case
    "Schwaab",  # a family name alone, with no "et al."
    "Gamil, Rana M. Ghorab, Reham Z. Elsadawy",  # natural names run together after a comma
    "L. Zhao, Urban heat",  # a title after a list of initials and names
    "Zhao L, Lee X. Strong contributions",
])
def test_text_that_is_no_list_of_names(text: str) -> None:
    assert read_names(text) is None


@pytest.mark.parametrize(("text", "journal", "year"), [
    ("Nature 511, 216–219 (2014).", "Nature", 2014),
    ("Nat Neurosci. 2009 Oct;12(10):1222-3.", "Nat Neurosci", 2009),
    ("Nature, vol. 511, no. 7508, pp. 216–219, 2014,", "Nature", 2014),
    ("J. Am. Chem. Soc. 2019, 141, 1234–1240.", "J. Am. Chem. Soc.", 2019),
    ("Nature 511 (7508): 216–19.", "Nature", None),
    ("Nature Communications 2021.", "Nature Communications", 2021),
    ("Sleep. 2019;42(3):zsy245.", "Sleep", 2019),
])
def test_venues_in_each_style(text: str, journal: str, year: int | None) -> None:
    venue = read_venue(text)
    assert venue is not None and venue.journal == journal
    assert (venue.date[0] if venue.date else None) == year


@pytest.mark.parametrize("text", ["some more words. Nature 2020", "A review of the evidence 2020",
                                  "Gut Microbiota Dysbiosis Enhances Upregulation. Mol Neurobiol 2020"])
def test_text_that_is_no_venue(text: str) -> None:
    assert read_venue(text, alone=False) is None


@pytest.mark.parametrize(("line", "finding", "explicit"), [
    ("-> Increasing tree cover to 30% could have prevented deaths.",
     "Increasing tree cover to 30% could have prevented deaths.", True),
    ("=> fewer deaths in hot summers", "Fewer deaths in hot summers", True),
    ("– Coherence lasted 1.3 seconds at 4 kelvin.", "Coherence lasted 1.3 seconds at 4 kelvin.", True),
    ("TL;DR: ration cards stayed in use", "Ration cards stayed in use", True),
    ("Main result - error fell 12% overall", "Error fell 12% overall", True),
    ("Found that daytime UHI intensity varies by 3.0 K", "Daytime UHI intensity varies by 3.0 K", False),
    ("They show that annealing removes the pores", "Annealing removes the pores", False),
    ("\"Visits to strawberry flowers fell by a third per hundred metres.\"",
     "Visits to strawberry flowers fell by a third per hundred metres.", False),
])
def test_findings_marked_the_ways_people_mark_them(line: str, finding: str, explicit: bool) -> None:
    marked = marked_finding(line)
    assert marked is not None and (marked.text, marked.explicit) == (finding, explicit)


@pytest.mark.parametrize("line", ["Results of a cohort study", "They said so", "Great paper", "-> short"])
def test_lines_that_mark_no_finding(line: str) -> None:
    assert marked_finding(line) is None


def test_a_finding_mark_after_a_blank_line_or_before_any_title_is_not_taken() -> None:
    text = ("They show that this list is useful for anyone starting out in the field.\n\n"
            "1. Castellanos, M. (2018). Informal credit in rural Peru. World Development, 110, 221–236.\n\n"
            "Found that most of these are open access, which is nice for students.\n")
    read = parse_source(text, Path("post.txt"))
    assert [paper.finding for paper in read.papers] == [""]
    assert sum("left out" in note for note in read.notes) == 2


def test_a_dash_bulleted_citation_is_a_paper_not_a_finding() -> None:
    text = ("– Okonjo C, Steiner M. Iron supplementation and cognition. Am J Clin Nutr. 2017;105(4):1001-1010.\n"
            "– Eriksen M, Oduya F. Cold water immersion after sprints. Scand J Med Sci Sports. 2021;31(2):305-314.\n")
    read = parse_source(text, Path("post.txt"))
    assert [paper.title for paper in read.papers] == ["Iron supplementation and cognition",
                                                      "Cold water immersion after sprints"]


def test_identifiers_are_left_for_the_caller_and_other_words_reported() -> None:
    ref = reference("Fultz NE et al. (2019) Coupled oscillations in human sleep. see the supplement arXiv:1706.03762")
    assert ref is not None and ref.title == "Coupled oscillations in human sleep" and ref.date == (2019, None, None)
    assert ref.rest == "arXiv:1706.03762" and ref.extra == "see the supplement"
    venue = reference("Li X, Wang Y. mTOR and lifespan. Aging Cell. 2021;20:e13310. Key finding: flies lived longer.")
    assert venue is not None and venue.journal == "Aging Cell" and venue.rest == "Key finding: flies lived longer."


@pytest.mark.parametrize("line", ["Smith and Jones (2019) found that sleep matters.",
                                  "Thanks, John Smith, Mary Jones and I read this in 2020.",
                                  "Vaswani A, Shazeer N, Parmar N, et al. (2017), for the ML crowd"])
def test_a_sentence_about_papers_is_no_citation(line: str) -> None:
    assert reference(line) is None


def test_two_pasted_citations_with_as_many_commas_are_not_a_csv_table() -> None:
    text = ("1. de Souza RF, van den Bosch J, O'Brien M. Does caffeine slow drivers? Accid Anal Prev. 2018;115:12-19.\n"
            "   TL;DR yes, by about 30 ms, but only in the first hour.\n")
    read = parse_source(text, Path("post.txt"))
    assert [paper.title for paper in read.papers] == ["Does caffeine slow drivers?"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["Zhao", "L.", "Lee X", ",", ";", " & ", " and ", " et al.", "(2014)", "2014",
                                 ". ", "\"", "'", "Nature", "511", "216–219", "vol.", "no.", "pp.", "—", " - ",
                                 "doi:10.5555/x", "Strong contributions", "of", "heat", "?", ":", "(", ")"]),
                max_size=30).map("".join) | st.text(max_size=300))
def test_no_text_crashes_the_citation_reader(text: str) -> None:
    ref = reference(text)
    if ref is not None:
        assert all(author.family for author in ref.authors)
        assert ref.date is None or ref.date[0] is not None


def test_labelled_fields_in_list_items_stay_with_their_title_and_a_cited_item_is_a_new_paper() -> None:
    text = ("Papers for Thursday:\n\n- **Gut microbes and migraine in mice**\n- Authors: Tang Y, Liu S\n"
            "- Published 2020\n- Key finding: dysbiosis worsened migraine-like pain.\n"
            "- M. Okonkwo et al., Science 372, 1203 (2021).\n")
    read = parse_source(text, Path("post.txt"))
    (paper,) = read.papers
    assert (paper.title, _authors(paper), paper.year) == ("Gut microbes and migraine in mice", "Tang, Y; Liu, S", 2020)
    assert [str(problem) for problem in read.problems] == ["post.txt: entry 2 (line 7) has no title"]
