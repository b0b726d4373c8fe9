"""Reading papers from BibTeX and YAML files, selecting entries, and the errors users see."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.errors import SourceError
from pipeline.model import Author, Paper
from pipeline.sources import load_papers, read_papers, select_papers

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
        url="https://example.org/a_b%20c~d", finding="Keyfinding wins.", source=str(path))
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
    ("latin1.bib", "@article{a, title = {Café}}".encode("latin-1"), r"cannot be read \(not UTF-8 text\)"),
    ("nul.bib", b"@article{a,\x00 title = {A}}", r"cannot be read \(binary data, not text\)"),
    ("png.yaml", b"\x89PNG\r\n\x1a\n\x00\x00", r"cannot be read \(not UTF-8 text\)"),
    ("papers.txt", "@article{a, title = {A}}", r"unknown kind of paper file \(use .bib, .bibtex, .yaml or .yml\)"),
    # BibTeX
    ("a.bib", "@article{a,\n  title = {A},\n}\n\n@article{b,\n  title = {Unclosed,\n  year = 2020\n}\n\n@article{c, title = {C}}\n",
     r"entry near line 5 is malformed \(Unexpected block start: `@article`.*\)"),
    ("a.bib", "\n@article{\n  title = {A},\n}\n", r"entry near line 2 is malformed \(Expected comma after entry key.*\)"),
    ("a.bib", "@article{a, author = {Tang, Y}, year = 2020}", "entry 'a' has no title"),
    ("a.bib", "@article{a, title = {{}}}", "entry 'a' has no title"),
    ("a.bib", "% only a comment\n", "no papers found"),
    ("a.bib", "", "no papers found"),
    ("a.bib", "@article{a, title = {A}, year = {in press}}", "entry 'a' has year 'in press', not a number"),
    ("a.bib", "@article{a, title = {A}, year = 2020, month = {Spring}}", "entry 'a' has month 'Spring', not a number"),
    ("a.bib", "@article{a, title = {A}, year = 2020, month = 13}", "entry 'a' has month 13, not between 1 and 12"),
    ("a.bib", "@article{a, title = {A}, year = 2020, day = 3}", "entry 'a' has a day but no month"),
    ("a.bib", "@article{a, title = {A}, year = 2023, month = feb, day = 30}",
     r"entry 'a' has an impossible date \(day is out of range for month\)"),
    ("a.bib", "@article{a, title = {A}}\n@article{a, title = {B}}", "entry 'a' near line 2 repeats an earlier key"),
    ("a.bib", "@article{a, title = {A}, author = {Foo, Bar, Baz, Qux}}",
     r"entry 'a' is malformed \(Cannot split the following name `Foo, Bar, Baz, Qux` into parts: Too many commas\)"),
    ("a.bib", r"@article{a, title = {A}, abstract = {See \href{https://x.org}{here}.}}",
     r"entry 'a' has LaTeX that cannot be decoded: .*"),
    # YAML
    ("a.yaml", "papers: [\n", r"not valid YAML \(line 2: expected the node content, but found '<stream end>'\)"),
    ("a.yaml", "- {title: T, date: 2020-13-01}\n", r"not valid YAML \(month must be in 1..12\)"),
    ("a.yaml", "just text\n", "expected a list of papers, or a mapping with a 'papers' list"),
    ("a.yaml", "papers: {title: T}\n", "expected a list of papers, or a mapping with a 'papers' list"),
    ("a.yaml", "title: T\n", r"unknown top-level key 'title' \(expected only 'papers'\)"),
    ("a.yaml", "", "no papers found"),
    ("a.yaml", "papers: []\n", "no papers found"),
    ("a.yml", "- {title: A}\n- Just a title\n", "entry 2 is not a mapping of fields"),
    ("a.yml", "- {title: A}\n- {journal: J}\n", "entry 2 has no title"),
    ("a.yml", "- {key: a, journal: J}\n", "entry 'a' has no title"),
    ("a.yml", "- {key: a, title: [x]}\n", r"entry 'a' has title \['x'\], not text"),
    ("a.yml", "- {key: a, title: T, findings: x}\n", "entry 'a' has unknown field 'findings'"),
    ("a.yml", "- {key: a, title: T, date: May 2020}\n",
     "entry 'a' has date 'May 2020', not YYYY, YYYY-MM or YYYY-MM-DD"),
    ("a.yml", "- {key: a, title: T, date: 2020, year: 2020}\n", "entry 'a' gives both date and year/month/day"),
    ("a.yml", "- {key: a, title: T, year: soon}\n", "entry 'a' has year 'soon', not a number"),
    ("a.yml", "- {key: a, title: T, date: 2023-02-30}\n", r"not valid YAML \(day is out of range for month\)"),
    ("a.yml", "- {key: a, title: T, date: '2023-02-30'}\n",
     r"entry 'a' has an impossible date \(day is out of range for month\)"),
    ("a.yml", "- {key: a, title: T, authors: [{name: X}]}\n",
     r"entry 'a' has author \{'name': 'X'\}, not 'Family, Given', \{family, given\}, or a group name"),
    ("a.yml", "- {key: a, title: T, authors: ', Given'}\n", r"entry 'a' has author ', Given', not .*"),
    ("a.yml", "- {key: a, title: T, authors: 5}\n", "entry 'a' has authors that are not a list"),
    ("a.yml", "- {key: a, title: T}\n- {key: a, title: U}\n", "entry 2 repeats the key 'a'"),
    ("a.yml", "- {title: Gut, authors: 'Tang, Y', date: 2020}\n- {title: Gut feelings, authors: 'Tang, Z', date: 2020}\n",
     "entry 2 repeats the key 'tang2020gut'"),
    ("a.yml", "- {title: 'Ω'}\n", r"entry 1 needs a key \(none can be made from its title and authors\)"),
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
