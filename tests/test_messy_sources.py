"""Issue 14: reading lists as people paste them (forum threads, notes, PubMed, EndNote), each
fixture's papers checked field by field against tests/fixtures/sources/messy/expected/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.errors import SourceError
from pipeline.model import Paper
from pipeline.sources import detect, encoding, endnote, medline, text as free_text
from pipeline.sources.fields import Collected
from pipeline.sources.registry import SourceRead, read_papers, read_source
from pipeline.sources.text.chatter import strip_chatter

MESSY = Path(__file__).parent / "fixtures" / "sources" / "messy"
EXPECTED = sorted((MESSY / "expected").glob("*.json"))


def _source(name: str) -> Path:
    return next(path for path in MESSY.iterdir() if path.is_file() and path.stem == name)


def read(path: Path) -> tuple[str, SourceRead]:
    """The format found and what was read, through the registry as `papercast add` reads it."""
    result = read_source(path)
    return result.format, result


def _row(paper: Paper) -> dict[str, object]:
    date = "-".join(f"{part:02d}" if index else str(part)
                    for index, part in enumerate((paper.year, paper.month, paper.day)) if part)
    return {"title": paper.title,
            "authors": [f"{{{a.family}}}" if a.is_group else f"{a.family}, {a.given}" for a in paper.authors],
            "date": date, "doi": paper.doi, "journal": paper.journal, "url": paper.url, "finding": paper.finding}


def _fields(paper: Paper) -> list[str]:
    return [paper.title, paper.journal, paper.doi, paper.url, paper.finding, *(a.display for a in paper.authors)]


@pytest.mark.parametrize("expected_path", [p for p in EXPECTED if json.loads(p.read_text())["format"] != "refused"],
                         ids=lambda p: p.stem)
def test_fixture_gives_expected_papers_field_by_field(expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    kind, out = read(_source(expected_path.stem))
    assert kind == expected["format"]
    assert out.problems == ()
    got = [_row(paper) for paper in out.papers]
    assert len(got) == len(expected["papers"]), [row["title"] for row in got]
    for number, (row, want) in enumerate(zip(got, expected["papers"], strict=False), start=1):
        for name, value in want.items():
            assert row[name] == value, f"paper {number}, {name}"
    for paper in out.papers:
        for chatter in expected.get("chatter", []):
            assert not any(chatter in value for value in _fields(paper)), (chatter, paper.title)
    notes = "\n".join(out.notes)
    for text in expected.get("left_out", []):
        assert text in notes
    gaps = "\n".join(out.gaps)
    for entry in expected.get("missing", []):
        assert entry in gaps or any(entry in note and "has no" in note for note in out.gaps), entry
    if "encoding" in expected:
        assert f"read as {expected['encoding']}" in notes


def test_forum_thread_gives_the_papers_of_its_bibtex_export() -> None:
    _, out = read(MESSY / "forum-ipb.txt")
    bibtex = read_papers(MESSY / "migraine-gut.bib")
    assert len(out.papers) == len(bibtex) == 12
    for thread, export in zip(out.papers, bibtex, strict=False):
        assert (thread.title, thread.authors, thread.year, thread.month, thread.day, thread.doi, thread.finding) == \
            (export.title, export.authors, export.year, export.month, export.day, export.doi, export.finding)


def test_forum_thread_lists_what_it_left_out() -> None:
    _, out = read(MESSY / "forum-ipb.txt")
    notes = "\n".join(out.notes)
    assert "reads as the poster's own words" in notes and "rabbit hole" not in notes.split("own words")[-1]
    assert "lines of web-page chatter left out" in notes


@pytest.mark.parametrize("name", ["unknown-table", "unknown-notes"])
def test_file_of_no_known_shape_is_refused_in_one_line(name: str) -> None:
    path = _source(name)
    with pytest.raises(SourceError) as error:
        read(path)
    message = str(error.value)
    assert "\n" not in message and str(path) in message
    for word in json.loads((MESSY / "expected" / f"{name}.json").read_text())["reason"]:
        assert word.lower() in message.lower() or word == "bibtex"


def test_undecodable_bytes_are_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    data = b"Title 2023 " + bytes(range(0x80, 0x100)) * 3
    with pytest.raises(SourceError, match="save it as UTF-8"):
        encoding.decode(path, data)


def test_latin1_is_read_and_said(tmp_path: Path) -> None:
    decoded = encoding.decode(tmp_path / "x.txt", "Kappéter, Ágnes".encode("latin-1"))
    assert decoded.text == "Kappéter, Ágnes" and "Latin-1" in decoded.note


def test_endnote_xml_entities_are_not_resolved(tmp_path: Path) -> None:
    xml = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           "<xml><records><record><titles><title>A &x; title</title></titles></record></records></xml>")
    out = Collected(tmp_path / "e.xml")
    try:
        endnote.read(tmp_path / "e.xml", xml, out)
    except SourceError:
        return
    assert all("root:" not in paper.title for paper in out.papers)


def test_broken_endnote_xml_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"not valid EndNote XML \(line 1"):
        endnote.read(tmp_path / "e.xml", "<xml><records><record><title>x</record>", Collected(tmp_path))


def test_medline_without_pmid_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no 'PMID-' line"):
        medline.read(tmp_path / "m.nbib", "TI  - A title\n", Collected(tmp_path))


# --- Property tests -------------------------------------------------------------------

FRAGMENTS = ["Published 2023", "Published 11 October 2023", "DOI: 10.1234/abc", "https://doi.org/10.1234/x.",
             "Key finding:", "Summary:", "Abstract:", "Tang Y, Liu S.", "Yuanyuan Tang, Sufang Liu, Hui Shu",
             "Walker MP (2009).", "Nat Neurosci. 2009 Oct;12(10):1222-3.", "PMID: 19749750", "arXiv:1706.03762",
             "[A title](https://doi.org/10.1/x)", "**bold**", "*Journal*", "- ", "1. ", "> ", "\n", "\n\n",
             "Posted 47 minutes ago", "Quote", "Reply", "et al.", "A Title Of A Paper", "It works.", ":", ",", "(", ")"]
# Chatter that can sit between a paper's lines; a footer ("Recommended Posts") ends the posts, so it goes last.
CHATTER = ["Posted Tuesday at 08:38 AM", "Posted 47 minutes ago", "Quote", "Reply", "Share",
           "Post by drsleep » Mon Mar 04, 2024 9:12 pm", "3 days ago", "Sent from my iPhone",
           "Gut Feelings Episode 3 - Oral Microbes and Migraine Pain.m4a", "2.4 MB · 3 downloads", "level 1"]
PAPER = ["Gut microbes and migraine in mice", "Yuanyuan Tang, Sufang Liu, Hui Shu", "Published 11 October 2023",
         "https://doi.org/10.3390/nu15204327", "Key finding: Dysbiosis worsens pain in mice."]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=25).map(" ".join))
def test_no_text_crashes_the_text_reader(text: str) -> None:
    out = Collected(Path("x.txt"))
    free_text.read(Path("x.txt"), text, out)  # SourceErrors are caught per entry; nothing may escape


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400))
def test_no_text_crashes_medline_endnote_or_detection(text: str) -> None:
    for reader in (medline.read, endnote.read):
        try:
            reader(Path("x"), text, Collected(Path("x")))
        except SourceError:
            pass
    detect.detect_new(text)
    detect.looks_like(text)
    strip_chatter(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(CHATTER), min_size=1, max_size=6), st.integers(0, 4), st.booleans(), st.booleans())
def test_no_chatter_line_ends_up_in_a_field(chatter: list[str], at: int, blank: bool, footer: bool) -> None:
    lines = list(PAPER)
    joiner = "\n\n" if blank else "\n"
    lines.insert(min(at, len(lines)), joiner.join(chatter))
    if footer:
        lines += ["Recommended Posts", "Join the conversation", "Title of another thread Published 2024"]
        chatter = [*chatter, "Recommended Posts", "Join the conversation", "another thread"]
    out = Collected(Path("x.txt"))
    free_text.read(Path("x.txt"), "\n".join(lines), out)
    assert len(out.papers) == 1
    paper = out.papers[0]
    assert paper.title == PAPER[0] and paper.doi == "10.3390/nu15204327"
    for line in chatter:
        assert not any(line in value for value in _fields(paper)), line


INLINE_CHATTER = ["Posted 47 minutes ago", "Posted Tuesday at 08:38 AM (edited)", "Quote",
                  "Gut Feelings Episode 3 - Oral Microbes and Migraine Pain.m4a", "2.4 MB · 3 downloads",
                  "MarkT Members 12 posts"]
RUN_ON = ["Gut microbes and migraine in mice Published 11 October 2023 https://doi.org/10.3390/nu15204327 "
          "Yuanyuan Tang, Sufang Liu, Hui Shu Key finding: Dysbiosis worsens pain in mice.",
          "A second paper on the gut Published 2024 https://doi.org/10.1234/second "
          "Olga Grodzka, Izabela Domitrz Key finding: Probiotics lower attack frequency."]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(INLINE_CHATTER), min_size=1, max_size=5), st.integers(0, 2))
def test_no_chatter_glued_into_a_line_ends_up_in_a_field(chatter: list[str], at: int) -> None:
    parts = list(RUN_ON)
    if "MarkT Members 12 posts" in chatter:  # a poster's name and rank come with a post header
        chatter = ["Posted 47 minutes ago", *chatter]
    parts.insert(at, " ".join(chatter))
    out = Collected(Path("x.txt"))
    free_text.read(Path("x.txt"), " ".join(parts), out)
    assert [paper.doi for paper in out.papers] == ["10.3390/nu15204327", "10.1234/second"]
    assert [paper.title for paper in out.papers] == ["Gut microbes and migraine in mice", "A second paper on the gut"]
    for paper in out.papers:
        for line in chatter:
            assert not any(line in value for value in _fields(paper)), line


def test_names_that_look_like_chatter_stay() -> None:
    cleaned = strip_chatter("A title\nBy: Sun Y, Wed K, Liu S\nPublished 2020\nPosted Sun at 08:38 AM\nQuote")
    assert cleaned.lines[:3] == ("A title", "By: Sun Y, Wed K, Liu S", "Published 2020")
    assert [line for _, line in cleaned.dropped] == ["Posted Sun at 08:38 AM", "Quote"]


def test_papers_without_doi_or_key_finding_run_together(tmp_path: Path) -> None:
    path = tmp_path / "two.txt"
    path.write_text(
        "A review on gut microbiota and migraine severity: a complex relationship Noha M. Gamil, Rana M. Ghorab, "
        "Riham A. El-Shiekh Springer Nature Inflammopharmacology Published: 27 November 2025 The gut-brain axis plays "
        "a vital role in migraine pathophysiology. Studies highlight reciprocal interactions. Gut microbiota, "
        "probiotics, and migraine: a clinical review and meta-analysis Olga Grodzka, Izabela Domitrz, Anna Nowak "
        "Wiley Cephalalgia Published: 12 September 2025 Meta-analysis of RCTs confirms probiotics lower frequency.\n")
    first, second = read_source(path).papers
    assert (first.title, first.journal, (first.year, first.month, first.day)) == (
        "A review on gut microbiota and migraine severity: a complex relationship", "Inflammopharmacology",
        (2025, 11, 27))
    assert first.finding == ("The gut-brain axis plays a vital role in migraine pathophysiology. "
                             "Studies highlight reciprocal interactions.")
    assert [a.family for a in first.authors] == ["Gamil", "Ghorab", "El-Shiekh"]
    assert (second.title, second.journal) == ("Gut microbiota, probiotics, and migraine: a clinical review and "
                                              "meta-analysis", "Cephalalgia")
    assert [a.family for a in second.authors] == ["Grodzka", "Domitrz", "Nowak"]
    assert second.finding == "Meta-analysis of RCTs confirms probiotics lower frequency."


@pytest.mark.parametrize(("name", "text", "looks"), [
    ("page.txt", "<!DOCTYPE html><html><body>Title Published 2020 doi:10.1234/abc</body></html>", "an HTML page"),
    ("article.xml", '<?xml version="1.0"?><article><doi>10.1234/abc</doi></article>', "XML, but not an EndNote"),
    ("plates.tsv", "well\tod\ttemp\nA1\t0.4\t37\nA2\t0.5\t37\n", "a tab-separated table"),
])
def test_markup_and_tables_are_refused_not_read(tmp_path: Path, name: str, text: str, looks: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(SourceError, match=f"not a reading list papercast can read: it looks like {looks}"):
        read_source(path)
