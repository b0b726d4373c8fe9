"""Reading papers from every format (BibTeX, RIS, CSL-JSON, YAML, plain text), selecting entries,
and the errors users see."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import SourceError
from pipeline.sources.fields import MAX_FINDING, author_list, is_doi, normalise_doi, parse_date, person, strip_markup
from pipeline.model import Author, Paper
from pipeline.sources.registry import (FORMATS, detect_format, load_papers, parse_source, read_papers, read_source,
                              select_papers)

DEMO = Path(__file__).resolve().parents[1] / "papers" / "migraine-gut.bib"
DEMO_KEYS = [
    "tang2020dysbiosis", "gorenshtein2023association", "he2023causal", "sgro2023stomach",
    "kappeter2023fmt", "dilauro2023linking", "vuralli2024lps", "gazerani2024plate", "cho2025oral",
    "mugo2025unravelling", "grodzka2025probiotics", "gamil2025severity",
]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(SourceError) as info:
        read_papers(path)
    return str(info.value)


def to_yaml(papers: list[Paper]) -> str:
    """Papers in the native YAML format, using every way it has to write authors and dates."""
    def author(a: Author) -> Any:
        if a.is_group:
            return {"group": a.family} if "," in a.family else a.family
        return f"{a.family}, {a.given}" if a.given else {"family": a.family}

    def date(p: Paper) -> Any:
        if p.day:
            return p.date  # a YAML date
        return f"{p.year}-{p.month:02d}" if p.month else p.year

    rows = [{"key": p.key, "title": p.title, "authors": [author(a) for a in p.authors], "journal": p.journal,
             "date": date(p), "doi": p.doi, "url": p.url, "finding": p.finding} for p in papers]
    return yaml.safe_dump({"papers": [{k: v for k, v in row.items() if v} for row in rows]},
                          allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="module")
def demo() -> dict[str, Paper]:
    return {paper.key: paper for paper in read_papers(DEMO)}


# --- BibTeX ---------------------------------------------------------------------------

def test_demo_reading_list_in_file_order(demo: dict[str, Paper]) -> None:
    assert list(demo) == DEMO_KEYS
    assert all(paper.source == str(DEMO) for paper in demo.values())


def test_demo_latex_is_decoded(demo: dict[str, Paper]) -> None:
    assert demo["tang2020dysbiosis"].title == "Gut Microbiota Dysbiosis Enhances Migraine-Like Pain Via TNFα Upregulation"
    assert demo["sgro2023stomach"].title == (
        "Making migraine easier to stomach: the role of the gut–brain–immune axis in headache disorders")
    assert demo["vuralli2024lps"].title.startswith("Lipopolysaccharide, VE-cadherin, HMGB1, and HIF-1α levels")
    assert demo["gorenshtein2023association"].finding == (
        "Consistent reduction in anti-inflammatory genera (especially Faecalibacterium) and increased "
        "Veillonella in migraineurs; overall picture of dysbiosis and reduced diversity.")
    assert "probiotic–synbiotic" in demo["mugo2025unravelling"].finding
    assert demo["cho2025oral"].journal == "Neurology: Neuroimmunology & Neuroinflammation"
    assert demo["grodzka2025probiotics"].journal == "Journal of Oral & Facial Pain and Headache"
    for paper in demo.values():
        for text in (paper.title, paper.journal, paper.finding):
            assert not re.search(r"[{}\\$]|\s\s|\n", text), (paper.key, text)


def test_demo_authors(demo: dict[str, Paper]) -> None:
    assert demo["kappeter2023fmt"].authors[:2] == (Author("Kappéter", "Ágnes"), Author("Sipos", "Dávid"))
    assert demo["kappeter2023fmt"].authors[-1] == Author("Péterfi", "Zoltán")
    assert demo["he2023causal"].authors[-1] == Author("International Headache Genetics Consortium", "", is_group=True)
    assert demo["he2023causal"].authors[0] == Author("He", "Qiang")
    assert demo["dilauro2023linking"].authors[0] == Author("Di Lauro", "Manuela")
    assert Author("Di Daniele", "Nicola") in demo["dilauro2023linking"].authors
    assert demo["mugo2025unravelling"].authors[0] == Author("Mugo", "Caroline W")
    assert demo["gamil2025severity"].authors[-1] == Author("El-Shiekh", "Riham A.")
    assert [len(paper.authors) for paper in demo.values()] == [5, 5, 8, 4, 6, 8, 6, 6, 10, 8, 2, 12]


def test_demo_dates_and_links(demo: dict[str, Paper]) -> None:
    dates = {key: (p.year, p.month, p.day) for key, p in demo.items()}
    assert dates["tang2020dysbiosis"] == (2020, 1, None)
    assert dates["sgro2023stomach"] == (2023, None, None)
    assert dates["kappeter2023fmt"] == (2023, 8, 14)
    assert dates["gamil2025severity"] == (2025, 11, 27)
    assert demo["cho2025oral"].doi == "10.1212/nxi.0000000000200437"
    assert demo["cho2025oral"].link == "https://doi.org/10.1212/nxi.0000000000200437"
    assert demo["gamil2025severity"].doi == ""
    assert all(p.doi == p.doi.lower() for p in demo.values())


@pytest.mark.parametrize("month", ["jan", "{jan}", "Jan", "1", "{1}", "{January}", '"january"'])
def test_bibtex_month_forms(tmp_path: Path, month: str) -> None:
    path = write(tmp_path, "m.bib", f"@article{{a, title = {{T}}, year = 2020, month = {month}}}\n")
    assert read_papers(path)[0].month == 1


def test_bibtex_field_variants(tmp_path: Path) -> None:
    path = write(tmp_path, "variants.BIB", r"""
@string{neuro = "Neuro Letters"}
@inproceedings{Beethoven1808,
  TITLE = {Symphony   No.~5 in {C}
           minor},
  author = {Ludwig van Beethoven and King, Jr., Martin Luther and {\"O}zt{\"u}rk, Ay{\c{s}}e and others},
  booktitle = {Proceedings of {M}usic},
  date = {2019-03-07},
  doi = {https://doi.org/10.1000/ABC.def},
  url = {\url{https://example.org/a_b%20c~d}},
  keyfinding = {Keyfinding wins.},
  abstract = {Not this.},
}
@article{stringref, title = {T}, journal = neuro, year = 2020, doi = {doi:10.5555/X},
         annotation = {From the annotation.}, note = {Epub ahead of print}}
""")
    first, second = read_papers(path)
    assert first == Paper(
        key="Beethoven1808", title="Symphony No. 5 in C minor",
        authors=(Author("van Beethoven", "Ludwig"), Author("King Jr.", "Martin Luther"), Author("Öztürk", "Ayşe")),
        journal="Proceedings of Music", year=2019, month=3, day=7, doi="10.1000/abc.def",
        url="https://example.org/a_b%20c~d", finding="Keyfinding wins.", source=str(path),
        more_authors=True)  # "and others"
    assert (second.journal, second.doi, second.finding) == ("Neuro Letters", "10.5555/x", "From the annotation.")


# --- YAML -----------------------------------------------------------------------------

def test_yaml_round_trip_of_the_demo(tmp_path: Path, demo: dict[str, Paper]) -> None:
    path = write(tmp_path, "demo.yaml", to_yaml(list(demo.values())))
    assert read_papers(path) == [dataclasses.replace(p, source=str(path)) for p in demo.values()]


YAML_PAPERS = """\
- title: Migraine as a Disease Associated with Dysbiosis
  authors: ["Kappéter, Ágnes", {family: Sipos, given: Dávid}]
  date: 2023-08-14
  abstract: "  Spread
    over   lines. "
- title: A review on gut microbiota
  authors: Gamil, Noha M.
  year: 2025
  month: 11
- key: consortium2023
  title: Genetics
  authors: [International Headache Genetics Consortium, {group: "University of X, Y"}, {family: Plato}]
  date: 2023-07
  journal: J
  doi: https://doi.org/10.1186/ABC
  url: https://example.org/x
- key: 42
  title: 1984
  date: 2020
"""


def test_yaml_forms(tmp_path: Path) -> None:
    listed = read_papers(write(tmp_path, "list.yml", YAML_PAPERS))
    mapped = read_papers(write(tmp_path, "map.yaml", "papers:\n" + textwrap.indent(YAML_PAPERS, "  ")))
    assert [dataclasses.replace(p, source="") for p in listed] == [dataclasses.replace(p, source="") for p in mapped]
    kappeter, gamil, consortium, orwell = listed
    assert [p.key for p in listed] == ["kappeter2023migraine", "gamil2025review", "consortium2023", "42"]
    assert kappeter.authors == (Author("Kappéter", "Ágnes"), Author("Sipos", "Dávid"))
    assert (kappeter.year, kappeter.month, kappeter.day, kappeter.finding) == (2023, 8, 14, "Spread over lines.")
    assert gamil.authors == (Author("Gamil", "Noha M."),) and (gamil.year, gamil.month) == (2025, 11)
    assert consortium.authors == (Author("International Headache Genetics Consortium", is_group=True),
                                  Author("University of X, Y", is_group=True), Author("Plato"))
    assert (consortium.year, consortium.month, consortium.day) == (2023, 7, None)
    assert (consortium.doi, consortium.url, consortium.journal) == ("10.1186/abc", "https://example.org/x", "J")
    assert (orwell.title, orwell.year, orwell.authors) == ("1984", 2020, ())


# --- Errors ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "expected"), [
    ("nul.bib", b"@article{a,\x00 title = {A}}", r"cannot be read \(binary data, not text\)"),
    ("png.yaml", b"\x89PNG\r\n\x1a\n\x00\x00", r"cannot be read \(not UTF-8 text\)"),
    ("png.txt", bytes(range(1, 200)), r"cannot be read \(not UTF-8 text\)"),
    ("controls.txt", "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 3, r"cannot be read \(binary data, not text\)"),
    # BibTeX
    ("a.bib", "@article{a,\n  title = {A},\n}\n\n@article{b,\n  title = {Unclosed,\n  year = 2020\n}\n\n@article{c, title = {C}}\n",
     r"entry near line 5 is malformed \(Unexpected block start: `@article`.*\)"),
    ("a.bib", "\n@article{\n  title = {A},\n}\n", r"entry near line 2 is malformed \(Expected comma after entry key.*\)"),
    ("a.bib", "@article{a, author = {Tang, Y}, year = 2020}", "entry 'a' has no title"),
    ("a.bib", "@article{a, title = {{}}}", "entry 'a' has no title"),
    ("a.bib", "% only a comment\n", "no papers found"),
    ("a.bib", "", r"no papers found \(the file is empty\)"),
    ("a.bib", "@article{a, title = {A}, year = {in press}}", "entry 'a' has year 'in press', not a number"),
    ("a.bib", "@article{a, title = {A}, year = 2020, month = {Spring}}", "entry 'a' has month 'Spring', not a number"),
    ("a.bib", "@article{a, title = {A}, year = 2020, month = 13}", "entry 'a' has month 13, not between 1 and 12"),
    ("a.bib", "@article{a, title = {A}, year = 2020, day = 3}", "entry 'a' has a day but no month"),
    ("a.bib", "@article{a, title = {A}, year = 2023, month = feb, day = 30}",
     r"entry 'a' has an impossible date \(day is out of range for month\)"),
    ("a.bib", "@article{a, title = {A}}\n@article{a, title = {B}}", "entry 'a' near line 2 repeats an earlier key"),
    ("a.bib", "@article{0\n0, title = {A}}", "entry near line 1 has a key with spaces in it: '0 0'"),
    ("a.bib", "@article{a, title = {A}, author = {Foo, Bar, Baz, Qux}}",
     r"entry 'a' is malformed \(Cannot split the following name `Foo, Bar, Baz, Qux` into parts: Too many commas\)"),
    ("a.bib", r"@article{a, title = {A}, abstract = {See \href{https://x.org}{here}.}}",
     r"entry 'a' has LaTeX that cannot be decoded: .*"),
    # YAML
    ("a.yaml", "papers: [\n", r"not valid YAML \(line 2: expected the node content, but found '<stream end>'\)"),
    ("a.yaml", "- {title: T, date: 2020-13-01}\n", r"entry 1 \(line 1\) has month 13, not between 1 and 12"),
    ("a.yaml", "just text\n", "expected a list of papers, or a mapping with a 'papers' list"),
    ("a.yaml", "papers: {title: T}\n", "expected a list of papers, or a mapping with a 'papers' list"),
    ("a.yaml", "title: T\n", r"unknown top-level key 'title' \(expected only 'papers'\)"),
    ("a.yaml", "", r"no papers found \(the file is empty\)"),
    ("a.yaml", "papers: []\n", "no papers found"),
    ("a.yml", "- {title: A}\n- Just a title\n", r"entry 2 \(line 2\) is not a mapping of fields"),
    ("a.yml", "- {title: A}\n- {journal: J}\n", r"entry 2 \(line 2\) has no title"),
    ("a.yml", "- {key: a, journal: J}\n", r"entry 'a' \(line 1\) has no title"),
    ("a.yml", "- {key: a, title: [x]}\n", r"entry 'a' \(line 1\) has title \['x'\], not text"),
    ("a.yml", "- {key: a, title: T, findings: x}\n", r"entry 'a' \(line 1\) has unknown field 'findings'"),
    ("a.yml", "- {key: a, title: T, date: May 2020}\n",
     r"entry 'a' \(line 1\) has date 'May 2020', not YYYY, YYYY-MM or YYYY-MM-DD"),
    ("a.yml", "- {key: a, title: T, date: 2020, year: 2020}\n", r"entry 'a' \(line 1\) gives both date and year/month/day"),
    ("a.yml", "- {key: a, title: T, year: soon}\n", r"entry 'a' \(line 1\) has year 'soon', not a number"),
    ("a.yml", "- {key: a, title: T, date: 2023-02-30}\n",
     r"entry 'a' \(line 1\) has an impossible date \(day is out of range for month\)"),
    ("a.yml", "- {key: a, title: T, date: '2023-02-30'}\n",
     r"entry 'a' \(line 1\) has an impossible date \(day is out of range for month\)"),
    ("a.yml", "- {key: a, title: T, authors: [{name: X}]}\n",
     r"entry 'a' \(line 1\) has author \{'name': 'X'\}, not 'Family, Given', \{family, given\}, or a group name"),
    ("a.yml", "- {key: a, title: T, authors: ', Given'}\n", r"entry 'a' \(line 1\) has author ', Given', not .*"),
    ("a.yml", "- {key: a, title: T, authors: 5}\n", r"entry 'a' \(line 1\) has authors that are not a list"),
    ("a.yml", "- {key: a, title: T}\n- {key: a, title: U}\n", r"entry 2 \(line 2\) repeats the key 'a'"),
    ("a.yml", "- {title: Gut, authors: 'Tang, Y', date: 2020}\n- {title: Gut feelings, authors: 'Tang, Z', date: 2020}\n",
     r"entry 2 \(line 2\) repeats the key 'tang2020gut'"),
    ("a.yml", "- {title: 'Ω'}\n", r"entry 1 \(line 1\) needs a key \(none can be made from its title and authors\)"),
])
def test_errors_name_file_and_entry(tmp_path: Path, name: str, content: str | bytes, expected: str) -> None:
    path = write(tmp_path, name, content)
    message = error_of(path)
    assert re.fullmatch(re.escape(f"{path}: ") + expected, message), message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    missing, folder = tmp_path / "missing.bib", tmp_path / "folder.yaml"
    folder.mkdir()
    assert error_of(missing) == f"{missing}: cannot be read (no such file or directory)"
    assert error_of(folder) == f"{folder}: cannot be read (is a directory)"


# --- Selecting and loading ------------------------------------------------------------

def test_select_papers(demo: dict[str, Paper]) -> None:
    papers = list(demo.values())
    chosen = select_papers(papers, ["mugo2025unravelling", "tang2020dysbiosis"], "demo.bib")
    assert [p.key for p in chosen] == ["mugo2025unravelling", "tang2020dysbiosis"]
    assert select_papers(papers, None, "demo.bib") == papers
    with pytest.raises(SourceError) as info:
        select_papers(papers, ["tang2020dysbiosis", "nope"], "demo.bib")
    assert str(info.value) == f"demo.bib: no entry 'nope' (known: {', '.join(DEMO_KEYS)})"


def test_select_papers_shortens_a_long_list_of_known_keys() -> None:
    papers = [Paper(key=f"k{i}", title="T") for i in range(25)]
    with pytest.raises(SourceError, match=r"^x\.bib: no entry 'nope' \(known: k0, k1, .*, k19, \.\.\. \(5 more\)\)$"):
        select_papers(papers, ["nope"], "x.bib")


def test_load_papers_concatenates_and_selects(tmp_path: Path) -> None:
    bib = write(tmp_path, "a.bib", "@article{b1, title = {One}}\n@article{b2, title = {Two}}\n")
    extra = write(tmp_path, "extra.yaml", "- {key: y1, title: Extra}\n")
    everything = load_papers([bib, extra], None)
    assert [(p.key, p.source) for p in everything] == [("b1", str(bib)), ("b2", str(bib)), ("y1", str(extra))]
    chosen = load_papers([bib, extra], ["y1", "b2"])
    assert [p.key for p in chosen] == ["y1", "b2"]
    with pytest.raises(SourceError) as info:
        load_papers([bib, extra], ["b2", "nope"])
    assert str(info.value) == f"{bib}, {extra}: no entry 'nope' (known: b1, b2, y1)"


def test_load_papers_rejects_a_key_in_two_files(tmp_path: Path) -> None:
    bib = write(tmp_path, "a.bib", "@article{b1, title = {One}}\n@article{same, title = {Two}}\n")
    again = write(tmp_path, "again.yaml", "- {key: same, title: Same key}\n")
    with pytest.raises(SourceError) as info:
        load_papers([bib, again], ["b1"])
    assert str(info.value) == f"{again}: entry 'same' is also in {bib}"


# --- One reading list, exported five ways -------------------------------------------------

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"
EXPORTS = {"zotero-biblatex.bib": "bibtex", "zotero.ris": "ris", "zotero-csl.json": "csl-json",
           "forum-post.txt": "text", "web-copy.txt": "text"}
FIXTURE_KEYS = ["tang2020dysbiosis", "he2023causal", "sgro2023stomach", "kappeter2023fmt", "dilauro2023linking"]
# The exports come from a library whose items have publisher links; the demo .bib has none.
PUBLISHER_URLS = {
    "he2023causal": "https://thejournalofheadacheandpain.biomedcentral.com/articles/10.1186/s10194-023-01609-x",
    "kappeter2023fmt": "https://www.mdpi.com/2076-2607/11/8/2083",
}


def content(paper: Paper) -> Paper:
    """A paper without what only says where it came from (its key and file)."""
    return dataclasses.replace(paper, key="", source="")


@pytest.fixture(scope="module")
def fixture_papers(demo: dict[str, Paper]) -> list[Paper]:
    return [content(dataclasses.replace(demo[key], url=PUBLISHER_URLS.get(key, ""))) for key in FIXTURE_KEYS]


@pytest.mark.parametrize("name", list(EXPORTS))
def test_every_export_gives_the_same_papers(name: str, fixture_papers: list[Paper]) -> None:
    result = read_source(FIXTURES / name)
    assert result.format == EXPORTS[name]
    assert result.problems == ()
    assert [content(p) for p in result.papers] == fixture_papers
    assert all(p.source == str(FIXTURES / name) for p in result.papers)


def test_keys_come_from_the_export_when_it_has_them() -> None:
    keys = {name: [p.key for p in read_papers(FIXTURES / name)] for name in EXPORTS}
    assert keys["zotero-biblatex.bib"] == ["tang_gut_2020", "he_causal_2023", "sgro_making_2023",
                                           "kappeter_migraine_2023", "di_lauro_linking_2023"]
    derived = ["tang2020gut", "he2023causal", "sgro2023making", "kappeter2023migraine", "dilauro2023linking"]
    assert keys["zotero.ris"] == keys["forum-post.txt"] == keys["web-copy.txt"] == derived
    assert keys["zotero-csl.json"] == derived[:2] + ["sgro2023stomach"] + derived[3:]  # its citation-key


def test_the_forum_post_says_what_it_left_out() -> None:
    notes = read_source(FIXTURES / "forum-post.txt").notes
    assert [re.match(r".*: line (\d+): ", note).group(1) for note in notes] == ["1", "3", "34", "36", "37"]  # type: ignore[union-attr]
    assert notes[0].endswith("line 1: 'Re: Anyone collecting papers on migraine and the gut?' left out "
                             "(no date, DOI, authors or finding with it)")


@pytest.mark.parametrize("name", list(EXPORTS))
def test_format_comes_from_content_not_extension(tmp_path: Path, name: str) -> None:
    misnamed = tmp_path / ("export.bib" if EXPORTS[name] != "bibtex" else "export.txt")
    shutil.copy(FIXTURES / name, misnamed)
    assert read_source(misnamed).format == EXPORTS[name]
    unnamed = tmp_path / "export"
    shutil.copy(FIXTURES / name, unnamed)
    assert read_source(unnamed).format == EXPORTS[name]


def test_format_can_be_forced(tmp_path: Path) -> None:
    path = write(tmp_path, "list.bib", "@article{a, title = {Bib}}\n")
    assert read_papers(path)[0].title == "Bib"
    with pytest.raises(SourceError, match=r"list\.bib: not RIS \(no record starts with a 'TY  - ' line\)$"):
        read_papers(path, format="ris")
    with pytest.raises(SourceError, match=r"list\.bib: unknown format 'endnote' "
                                          r"\(use bibtex, ris, csl-json, yaml, medline, endnote-xml, text\)$"):
        read_papers(path, format="endnote")


@pytest.mark.parametrize(("text", "suffix", "expected"), [
    ("@article{a, title={A}}", "", "bibtex"),
    ("% comment\n\n  @Book(a, title={A})", ".txt", "bibtex"),
    ("1.\nTY  - JOUR\nTI  - A\nER  - \n", ".bib", "ris"),
    ('[{"title": "A"}]', ".yaml", "csl-json"),
    ('{"message": {"title": ["A"]}}', "", "csl-json"),
    ("[{title: A}]", "", "yaml"),  # not JSON: YAML's flow style
    ("42", ".json", "csl-json"),
    ("[1, 2", ".json", "csl-json"),  # broken JSON is reported as JSON
    ("- title: A\n", ".txt", "yaml"),
    ("papers:\n  - key: a\n", "", "yaml"),
    ("just text\n", ".yaml", "yaml"),
    ("just text\n", ".json", "text"),
    ("just text\n", ".bib", "text"),
    ("% only a comment\n\n", ".bib", "bibtex"),
    ("Title\nPublished 2023", ".md", "text"),
    ("", ".ris", "ris"),
    ("", ".json", "csl-json"),
    ("", "", "text"),
])
def test_detect_format(text: str, suffix: str, expected: str) -> None:
    assert detect_format(text, suffix) == expected


# --- Cleaning fields ------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("<jats:p>One.</jats:p><jats:p>Two.</jats:p>", "One. Two."),
    ("<jats:title>Abstract</jats:title><jats:p>Text</jats:p>", "Text"),
    ("<jats:sec><jats:title>Background</jats:title><jats:p>Why.</jats:p></jats:sec>"
     "<jats:sec><jats:title>Results</jats:title><jats:p>What.</jats:p></jats:sec>", "Background: Why. Results: What."),
    ("TNF<jats:italic>α</jats:italic>-mediated, H<sub>2</sub>O, <i>E. coli</i>", "TNFα-mediated, H2O, E. coli"),
    ('<p>See <a href="https://x.org">this</a>.<br/>Next</p>', "See this. Next"),
    ("<mml:math><mml:mi>p</mml:mi><mml:mo>&lt;</mml:mo><mml:mn>0.05</mml:mn></mml:math>", "p<0.05"),
    ("p < 0.05 and <5 mm and a<b", "p < 0.05 and <5 mm and a<b"),  # not markup
    ("Smith &amp; Wesson &#945; &eacute; AT&T", "Smith & Wesson α é AT&T"),
    ("  spread\n over\tlines ", "spread over lines"),
    ("Kappe\u0301ter\u200b", "Kappéter"),  # NFC, no zero-width space
])
def test_strip_markup(raw: str, expected: str) -> None:
    assert strip_markup(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("10.1212/NXI.0000000000200437", "10.1212/nxi.0000000000200437"),
    ("https://doi.org/10.1186/S10194-023-01609-X", "10.1186/s10194-023-01609-x"),
    ("http://dx.doi.org/10.1000/abc", "10.1000/abc"),
    ("doi.org/10.1000/abc", "10.1000/abc"),
    ("doi: 10.1000/abc", "10.1000/abc"),
    ("DOI 10.1000/abc", "10.1000/abc"),
    ("https://doi.org/10.1002/%28SICI%291097", "10.1002/(sici)1097"),
    (" 10.1000/\nabc ", "10.1000/abc"),
])
def test_normalise_doi(raw: str, expected: str) -> None:
    assert normalise_doi(raw) == expected and is_doi(expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("2023", (2023, None, None)), ("2023-10", (2023, 10, None)), ("2023-10-11", (2023, 10, 11)),
    ("2023/10/11/", (2023, 10, 11)), ("2023///", (2023, None, None)), ("2023/10//", (2023, 10, None)),
    ("2023/10/11/Fall", (2023, 10, 11)), ("11 October 2023", (2023, 10, 11)), ("11th Oct. 2023", (2023, 10, 11)),
    ("October 11, 2023", (2023, 10, 11)), ("Sept 2023", (2023, 9, None)), ("2023 Oct 11", (2023, 10, 11)),
    ("Oct 11", (None, 10, 11)), ("(2024)", (2024, None, None)), ("in press", None), ("Spring 2023", None),
])
def test_parse_date(text: str, expected: tuple[int | None, ...] | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Manuela Di Lauro", Author("Di Lauro", "Manuela")),
    ("Jan van der Berg", Author("van der Berg", "Jan")),
    ("Ludwig van Beethoven", Author("van Beethoven", "Ludwig")),
    ("Nicola Biagio Mercuri", Author("Mercuri", "Nicola Biagio")),
    ("Riham A. El-Shiekh", Author("El-Shiekh", "Riham A.")),
    ("Martin Luther King Jr.", Author("King Jr.", "Martin Luther")),
    ("王晓明", Author("王晓明")),
])
def test_person(name: str, expected: Author) -> None:
    assert person(name) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Olga Grodzka and Izabela Domitrz", [("Grodzka", "Olga"), ("Domitrz", "Izabela")]),
    ("Olga Grodzka, Izabela Domitrz, et al.", [("Grodzka", "Olga"), ("Domitrz", "Izabela"), ("et al.", "")]),
    ("Olga Grodzka, Izabela Domitrz, +6 authors", [("Grodzka", "Olga"), ("Domitrz", "Izabela"), ("et al.", "")]),
    ("Di Lauro M, Guerriero C, Noce A", [("Di Lauro", "M"), ("Guerriero", "C"), ("Noce", "A")]),
    ("Tang, Y., Liu, S., & Shu, H.", [("Tang", "Y."), ("Liu", "S."), ("Shu", "H.")]),
    ("Tang, Yuanyuan; Liu, Sufang", [("Tang", "Yuanyuan"), ("Liu", "Sufang")]),
    ("Qiang He, Chao You and the International Headache Genetics Consortium",
     [("He", "Qiang"), ("You", "Chao"), ("International Headache Genetics Consortium", "")]),
    ("王晓明, 李华", [("王晓明", ""), ("李华", "")]),
    ("Γιώργος Παπαδόπουλος, Ελένη Νικολάου", [("Παπαδόπουλος", "Γιώργος"), ("Νικολάου", "Ελένη")]),
    ("Great thread, thanks", None),
    ("dysbiosis; reduced diversity", None),
    ("Reduced diversity; more Veillonella, fewer Faecalibacterium", None),
    ("Gut Microbiota MS, Migraine Pain TX", [("Gut Microbiota", "MS"), ("Migraine Pain", "TX")]),  # reads as names
    ("Gut microbiota and migraine", None),
    ("Here are the papers I mentioned", None),
])
def test_author_list(text: str, expected: list[tuple[str, str]] | None) -> None:
    authors = author_list(text)
    assert (None if authors is None else [(a.family, a.given) for a in authors]) == expected


def test_long_findings_are_shortened_with_a_note(tmp_path: Path) -> None:
    sentence = "This sentence is part of a very long abstract about the gut and migraine. "
    path = write(tmp_path, "long.bib", f"@article{{a, title = {{T}}, abstract = {{{sentence * 200}}}}}\n")
    result = read_source(path)
    finding = result.papers[0].finding
    assert len(finding) <= MAX_FINDING and finding.endswith("migraine. …")
    assert result.notes == (f"{path}: entry 'a' has a finding of {len(sentence * 200) - 1} characters; "
                            f"shortened to {MAX_FINDING}",)


def test_a_title_that_is_too_long_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", f"- {{key: a, title: {'word ' * 120}}}\n")
    assert re.fullmatch(re.escape(f"{path}: entry 'a' (line 1) has a title of 599 characters (more than 500): ")
                        + r"'word word .*…' \(are several fields run together\?\)", error_of(path))


def test_a_doi_that_is_not_one_is_left_out_with_a_note(tmp_path: Path) -> None:
    result = read_source(write(tmp_path, "a.bib", "@article{a, title = {T}, doi = {N/A}}\n"))
    assert result.papers[0].doi == ""
    assert result.notes[0].endswith("entry 'a' has DOI 'N/A', which is not a DOI (10.NNNN/...); left out")


def test_unicode_everywhere(tmp_path: Path) -> None:
    path = write(tmp_path, "x.json", json.dumps([
        {"title": "肠道菌群与偏头痛", "author": [{"literal": "王晓明"}, {"family": "山田", "given": "太郎"}], "issued": {"date-parts": [[2024]]}},
        {"title": "Μικροβίωμα και ημικρανία", "author": [{"family": "Παπαδόπουλος", "given": "Γιώργος"}]},
        {"title": "Ça ne va pas", "author": [{"family": "Núñez", "given": "José"}]},
    ], ensure_ascii=False))
    chinese, greek, french = read_papers(path)
    assert (chinese.key, chinese.authors) == ("paper2024", (Author("王晓明"), Author("山田", "太郎")))
    assert (greek.key, greek.authors[0].display) == ("paper", "Γιώργος Παπαδόπουλος")
    assert french.key == "nunezca"


# --- RIS ------------------------------------------------------------------------------

def test_ris_as_endnote_and_others_write_it(tmp_path: Path) -> None:
    text = ("Provider: Some Database\r\n\r\n"
            "TY - JOUR\r\nID - 1234\r\nT1 - Oral dysbiosis\r\nA1 - Cho, Soomi\r\nA1 - Chu, Min Kyung\r\n"
            "JF - Neurology: Neuroimmunology & Neuroinflammation\r\nPY - 2025\r\nDA - Oct 11\r\n"
            "UR - https://doi.org/10.1212/NXI.0000000000200437\r\nN2 - First line\r\n  second line.\r\nER - \r\n"
            "TY  - CHAP\nLB  - grodzka2025\nTI  - Probiotics &amp; migraine\nAU  - Grodzka, Olga\n"
            "AU  - King, Jr., Martin Luther\nY1  - 2025/09/12/\nER  -\n")
    path = tmp_path / "endnote.ris"
    path.write_bytes(text.encode("utf-16"))  # with a byte-order mark, as EndNote on Windows writes it
    cho, grodzka = read_papers(path)
    assert cho == Paper(key="cho2025oral", title="Oral dysbiosis", authors=(Author("Cho", "Soomi"), Author("Chu", "Min Kyung")),
                        journal="Neurology: Neuroimmunology & Neuroinflammation", year=2025, month=10, day=11,
                        doi="10.1212/nxi.0000000000200437", finding="First line second line.", source=str(path))
    assert (grodzka.key, grodzka.title, grodzka.authors[1]) == ("grodzka2025", "Probiotics & migraine",
                                                                Author("King Jr.", "Martin Luther"))
    assert (grodzka.year, grodzka.month, grodzka.day) == (2025, 9, 12)


def test_ris_keeps_good_records_and_reports_bad_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "a.ris", "TY  - JOUR\nTI  - One\nER  - \n\nTY  - JOUR\nTI  - Two, its ER lost\n\n"
                                    "TY  - JOUR\nAU  - Tang, Y\nER  - \nTY  - JOUR\nTI  - Three\nPY  - in press\nER  - \n"
                                    "TY  - JOUR\nTI  - Four\nER  - \nTY  - JOUR\nTI  - Cut short\nAU  - Tang")
    result = read_source(path)
    assert [p.title for p in result.papers] == ["One", "Four"]
    assert [str(e) for e in result.problems] == [
        f"{path}: entry 2 (line 5) has no 'ER  - ' line to end it (is the file cut short?)",
        f"{path}: entry 3 (line 8) has no title",
        f"{path}: entry 4 (line 11) has year 'in press', not a number",
        f"{path}: entry 6 (line 18) has no 'ER  - ' line to end it (is the file cut short?)",
    ]
    assert error_of(path) == str(result.problems[0])


def test_ris_round_trip_through_rispy(tmp_path: Path, demo: dict[str, Paper]) -> None:
    def record(p: Paper) -> dict[str, Any]:
        row: dict[str, Any] = {"type_of_reference": "JOUR", "id": p.key, "title": p.title,
                               "authors": [f"{a.family}, {a.given}" if a.given else a.family for a in p.authors],
                               "secondary_title": p.journal, "year": str(p.year), "abstract": p.finding,
                               "date": "/".join(f"{x:02d}" if x else "" for x in (p.year, p.month, p.day)) + "/"}
        row.update({"doi": p.doi} if p.doi else {})
        return row

    path = write(tmp_path, "demo.ris", rispy.dumps([record(p) for p in demo.values()]))
    assert read_papers(path) == [dataclasses.replace(p, source=str(path)) for p in demo.values()]


# --- CSL-JSON -------------------------------------------------------------------------

CROSSREF = {"status": "ok", "message-type": "work", "message": {
    "DOI": "10.1212/NXI.0000000000200437", "URL": "https://doi.org/10.1212/nxi.0000000000200437",
    "title": ["Oral and Gut Dysbiosis in Migraine: <i>Oral Microbial Signatures</i> as Biomarkers of Migraine"],
    "container-title": ["Neurology: Neuroimmunology &amp; Neuroinflammation"],
    "author": [{"given": "Soomi", "family": "Cho", "sequence": "first"},
               {"given": "Ludwig", "dropping-particle": "van", "family": "Beethoven", "suffix": "Jr."},
               {"name": "Migraine Research Network", "sequence": "additional"}],
    "abstract": "<jats:title>Abstract</jats:title><jats:sec><jats:title>Background</jats:title><jats:p>Why.</jats:p>"
                "</jats:sec><jats:sec><jats:title>Results</jats:title><jats:p>Oral dysbiosis &gt; gut.</jats:p></jats:sec>",
    "published-print": {"date-parts": [[2025, 5]]}, "published-online": {"date-parts": [[2025, 4, 2]]},
    "issued": {"date-parts": [[2025, 4, 2]]},
}}


def test_crossref_work(tmp_path: Path) -> None:
    (paper,) = read_papers(write(tmp_path, "work.json", json.dumps(CROSSREF)))
    assert paper.title == "Oral and Gut Dysbiosis in Migraine: Oral Microbial Signatures as Biomarkers of Migraine"
    assert paper.journal == "Neurology: Neuroimmunology & Neuroinflammation"
    assert paper.authors == (Author("Cho", "Soomi"), Author("van Beethoven Jr.", "Ludwig"),
                             Author("Migraine Research Network", is_group=True))
    assert paper.finding == "Background: Why. Results: Oral dysbiosis > gut."
    assert (paper.year, paper.month, paper.day, paper.doi, paper.url) == (2025, 4, 2, "10.1212/nxi.0000000000200437", "")
    assert paper.link == "https://doi.org/10.1212/nxi.0000000000200437"


def test_csl_json_round_trip(tmp_path: Path, demo: dict[str, Paper]) -> None:
    items = [{"id": p.key, "type": "article-journal", "title": p.title, "container-title": p.journal,
              "author": [{"literal": a.family} if a.is_group else {"family": a.family, "given": a.given} for a in p.authors],
              "issued": {"date-parts": [[x for x in (p.year, p.month, p.day) if x]]}, "DOI": p.doi,
              "abstract": p.finding} for p in demo.values()]
    path = write(tmp_path, "demo.json", json.dumps({"items": items}, ensure_ascii=False, indent=1))
    assert read_papers(path) == [dataclasses.replace(p, source=str(path)) for p in demo.values()]


def test_bibtex_round_trip_through_bibtexparser(tmp_path: Path, demo: dict[str, Paper]) -> None:
    def latex(text: str) -> str:
        return re.sub(r"([&%$#_])", r"\\\1", text)

    library = bibtexparser.Library()
    for p in demo.values():
        names = [f"{{{latex(a.family)}}}" if a.is_group else f"{latex(a.family)}, {latex(a.given)}" for a in p.authors]
        fields = {"title": latex(p.title), "author": " and ".join(names), "journal": latex(p.journal),
                  "year": str(p.year), "month": str(p.month or ""), "day": str(p.day or ""), "doi": p.doi,
                  "abstract": latex(p.finding)}
        library.add(bibtexparser.model.Entry("article", p.key, [bibtexparser.model.Field(k, v)
                                                                for k, v in fields.items() if v]))
    path = write(tmp_path, "demo.bib", bibtexparser.write_string(library))
    assert read_papers(path) == [dataclasses.replace(p, source=str(path)) for p in demo.values()]


# --- Plain text -----------------------------------------------------------------------

def test_text_markdown_note(tmp_path: Path) -> None:
    path = write(tmp_path, "note.md", textwrap.dedent("""\
        # Reading list

        ## Gut microbiota and migraine (2023)
        By: Tang Y, Liu S, et al.
        doi.org/10.1000/ABC
        TL;DR: Works in *mice*.

        ## Second paper: a review
        Tang, Y., Liu, S., & Shu, H. (2021).
        Summary: in summary: a review
        that wraps.
        """))
    result = read_source(path)
    first, second = result.papers
    assert (first.title, first.year, first.doi, first.finding) == ("Gut microbiota and migraine", 2023, "10.1000/abc", "Works in mice.")
    assert first.authors == (Author("Tang", "Y"), Author("Liu", "S"))
    assert (second.title, second.year, second.finding) == ("Second paper: a review", 2021, "in summary: a review that wraps.")
    assert second.authors == (Author("Tang", "Y."), Author("Liu", "S."), Author("Shu", "H."))
    assert result.notes == (f"{path}: line 1: 'Reading list' left out (no date, DOI, authors or finding with it)",)


def test_text_email_in_other_scripts(tmp_path: Path) -> None:
    path = write(tmp_path, "mail.txt", "> 1) 肠道菌群与偏头痛的关系\n> 王晓明, 李华\n> Published 2024-03-05\n> Key finding:\n"
                                       "> 一个发现。\n>\n> 2) Μικροβίωμα και ημικρανία\n> Published: March 2022\n")
    chinese, greek = read_papers(path)
    assert (chinese.title, chinese.authors, chinese.finding) == ("肠道菌群与偏头痛的关系", (Author("王晓明"), Author("李华")), "一个发现。")
    assert (chinese.year, chinese.month, chinese.day, greek.year, greek.month) == (2024, 3, 5, 2022, 3)


def test_text_run_together_without_full_stops_says_how_to_fix_it(tmp_path: Path) -> None:
    path = write(tmp_path, "copy.txt", "Title one Published 2023 DOI: 10.1234/a Key finding: no full stop here "
                                       "Title two Published 2024 DOI: 10.1234/b Key finding: second.")
    result = read_source(path)
    assert [p.title for p in result.papers] == ["Title one"]
    assert [str(e) for e in result.problems] == [
        f"{path}: entry 2 (line 1) has no title (in text run together on one line, each finding must end with a full stop)"]


def test_latin1_file_is_read_and_said(tmp_path: Path) -> None:
    path = tmp_path / "latin1.bib"
    path.write_bytes("@article{a, title = {Café}}".encode("latin-1"))
    result = read_source(path)
    assert result.papers[0].title == "Café"
    assert result.notes[0].startswith(f"{path}: not UTF-8 (byte 0xE9 at offset 24); read as Latin-1 (ISO-8859-1)")


def test_text_without_papers(tmp_path: Path) -> None:
    path = write(tmp_path, "chat.txt", "Hi all,\n\nDoes anyone have papers on this?\n\nThanks\n")
    assert error_of(path) == (f"{path}: not a reading list papercast can read: it looks like plain text with no paper "
                              "in it (no title with a date, DOI, authors or finding) (formats read: bibtex, ris, "
                              "csl-json, yaml, medline, endnote-xml, text)")


# --- Lenient and strict reading -------------------------------------------------------

def test_read_source_keeps_good_entries_read_papers_refuses_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "a.bib", "@article{a, title = {A}}\n\n@article{b,\n  title = {Unclosed,\n}\n\n"
                                    "@article{c, author = {X, Y}}\n@article{d, title = {D}}\n@article{a, title = {Again}}\n")
    result = read_source(path)
    assert [p.key for p in result.papers] == ["a", "d"]
    assert [str(e) for e in result.problems] == [
        f"{path}: entry near line 3 is malformed (Unexpected block start: `@article`. "
        "Was still looking for field-value closing `,` or `}`)",
        f"{path}: entry 'c' has no title",
        f"{path}: entry 'a' near line 9 repeats an earlier key",
    ]
    assert error_of(path) == str(result.problems[0])


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("a.json", '[{"title": "A"},\n {"title": }]', r"not valid JSON \(line 2, column 12: Expecting value\)"),
    ("a.json", "42", r"expected a list of CSL-JSON items, or one item"),
    ("a.json", '[{"title": "A"}, "B"]', r"entry 2 is not an object of fields"),
    ("a.json", '[{"type": "book"}]', "entry 1 has no title"),
    ("a.json", '[{"id": "k1", "title": "A", "author": "Tang"}]', "entry 'k1' has author 'Tang', not a list of names"),
    ("a.json", '[{"title": "A", "issued": {"raw": "Spring"}}]', "entry 1 has issued date 'Spring', which is not a date"),
    ("a.json", '[{"title": "A", "issued": {"date-parts": [["x"]]}}]', "entry 1 has year 'x', not a number"),
    ("a.json", '[{"title": {"text": "A"}}]', r"entry 1 has title \{'text': 'A'\}, not text"),
    ("a.json", "[]", "no papers found"),
    ("a.json", "[" * 100000, r"not valid JSON \(nested too deeply\)"),
    ("a.ris", "TY  - JOUR\nTI  - A\nDA  - 2023/02/30/\nER  - \n",
     r"entry 1 \(line 1\) has an impossible date \(day is out of range for month\)"),
    ("a.txt", "DOI: 10.1234/abc\nKey finding: x.\n", r"entry 1 \(line 1\) has no title"),
    ("a.txt", "   \n\n", r"no papers found \(the file is empty\)"),
])
def test_errors_in_the_new_formats(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = write(tmp_path, name, content)
    message = error_of(path)
    assert re.fullmatch(re.escape(f"{path}: ") + expected, message), message


def test_csl_json_author_without_a_name_is_left_out_with_a_note(tmp_path: Path) -> None:
    result = read_source(write(tmp_path, "a.json", '[{"title": "A", "author": [{"family": "Tang"}, {"affiliation": []}]}]'))
    assert result.papers[0].authors == (Author("Tang"),)
    assert result.notes[0].endswith("entry 1 has an author without a name ({'affiliation': []}); left out")


# --- No input crashes a reader --------------------------------------------------------

FRAGMENTS = ["Published 2023", "Published 11 October 2023", "DOI: 10.1234/abc", "https://doi.org/10.1234/x.", "Key finding:",
             "Summary:", "Authors:", "Title:", "Manuela Di Lauro, Kevin Cornali", "\n", "\n\n", "1. ", "- ", "> ", "**",
             "(2023)", "et al.", ". ", "Gut microbiota", "王晓明, 李华", "Γιώργος Παπαδόπουλος", "Published in Nutrients",
             "@article{a,", "title = {", "}", "TY  - JOUR", "ER  - ", "AU  - ", "PY  - 2023///", "DA  - Oct 11", "[", "{",
             '"title": ', "papers:", "- title: x", "Jr.", " and ", ";", ",", "http://x.org/", "(", ")", "<jats:p>", "&amp;"]
SOME_TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=25).map("".join)
RIS_LINE = st.tuples(
    st.sampled_from(["TY", "AU", "A1", "TI", "T1", "T2", "JO", "PY", "DA", "Y1", "DO", "UR", "AB", "N2", "ID", "LB", "ER", "KW", "Q9"]),
    st.sampled_from(["  - ", " - ", "  -", "- "]),
    st.one_of(st.text(max_size=12), st.sampled_from(["2023///", "2023/10/11/", "Oct 11", "Tang, Y", "10.1234/x",
                                                     "https://doi.org/10.1234/X", "JOUR", "in press", "0000", "2023/13/45"])),
).map("".join)
BIB_FIELD = st.tuples(
    st.sampled_from(["title", "author", "year", "month", "day", "date", "doi", "url", "abstract", "journal", "keyfinding"]),
    st.sampled_from([" = ", "="]),
    st.one_of(st.text(max_size=12).map(lambda v: "{" + v + "}"),
              st.sampled_from(["{2023}", "jan", "{13}", '"x"', "{\\'e}", "{$\\alpha$}", "{A and B and {C D}}",
                               "{Foo, Bar, Baz}", "{\\href{x}{y}}", "{{}}", "{x", "{2023-02-30}"])),
).map("".join)
BIB_ENTRY = st.tuples(st.sampled_from(["@article{", "@misc(", "@string{", "@comment{", "@{"]), st.text(max_size=5),
                      st.lists(BIB_FIELD, max_size=5).map(", ".join), st.sampled_from(["}", ")", "", "}}"])
                      ).map(lambda t: f"{t[0]}{t[1]}, {t[2]}{t[3]}")
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10)
    | st.sampled_from(["2023", "10.1234/x", "Tang, Y", "<jats:p>x</jats:p>"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["title", "author", "issued", "date-parts", "raw", "literal", "family", "given", "DOI", "URL",
                         "abstract", "container-title", "id", "citation-key", "message", "items", "non-dropping-particle"])
        | st.text(max_size=5), inner, max_size=5),
    max_leaves=20)
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_read(text: str, name: str, format: str | None = None) -> None:
    """Reading gives papers that keep the documented promises, or a one-line SourceError."""
    try:
        result = parse_source(text, Path(name), format)
    except SourceError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(f"{name}: ")
        return
    keys = [p.key for p in result.papers]
    assert len(set(keys)) == len(keys) and all(keys)
    for paper in result.papers:
        assert paper.title and len(paper.title) <= 500 and len(paper.finding) <= MAX_FINDING
        assert paper.doi == "" or (is_doi(paper.doi) and paper.doi == paper.doi.lower())
        assert all(a.family for a in paper.authors)
    assert all("\n" not in str(e) and str(e).startswith(f"{name}: ") for e in result.problems)


@FUZZ
@given(SOME_TEXT, st.sampled_from([*FORMATS, None]), st.sampled_from(["x.txt", "x.bib", "x.ris", "x.json", "x.yaml", "x"]))
def test_no_text_crashes_a_reader(text: str, format: str | None, name: str) -> None:
    check_read(text, name, format)


@FUZZ
@given(st.lists(st.one_of(RIS_LINE, st.text(max_size=10)), max_size=25).map("\n".join))
def test_no_ris_crashes_the_reader(text: str) -> None:
    check_read(text, "x.ris", "ris")


@FUZZ
@given(st.lists(st.one_of(BIB_ENTRY, st.text(max_size=10)), max_size=6).map("\n".join))
def test_no_bibtex_crashes_the_reader(text: str) -> None:
    check_read(text, "x.bib", "bibtex")


@FUZZ
@given(JSON_VALUE)
def test_no_json_crashes_the_reader(value: Any) -> None:
    check_read(json.dumps(value), "x.json")


@FUZZ
@given(st.binary(max_size=200), st.sampled_from(["x.bib", "x.ris", "x.json", "x.yaml", "x.txt"]))
def test_no_bytes_crash_a_reader(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            read_source(path)
        except SourceError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(f"{path}: ")
