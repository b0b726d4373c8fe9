"""The show's reading list: adding files in any format, merging duplicates, reporting, listing."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import PapercastError, SourceError
from pipeline.sources.fields import clean
from pipeline.model import Author, Paper
from pipeline.sources.readinglist import (STORE, Conflict, add_papers, dump_papers, list_papers, merge_papers, paper_lines,
                                  same_paper)
from pipeline.sources.registry import load_papers, parse_source, read_papers, read_source

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"
BIB, RIS, CSL, POST, WEB = (FIXTURES / name for name in (
    "zotero-biblatex.bib", "zotero.ris", "zotero-csl.json", "forum-post.txt", "web-copy.txt"))


def make_show(root: Path) -> Path:
    (root / "papers").mkdir(parents=True)
    (root / "papercast.toml").write_text('[show]\ntitle = "T"\n')
    return root


@pytest.fixture
def show(tmp_path: Path) -> Path:
    return make_show(tmp_path / "show")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def content(paper: Paper) -> Paper:
    return dataclasses.replace(paper, key="", source="")


# --- Adding ---------------------------------------------------------------------------

def test_adding_creates_the_reading_list(show: Path) -> None:
    report = add_papers(show, [RIS])
    store = show / STORE
    assert report.written and store.is_file()
    assert [str(o) for o in report.outcomes] == [
        f"added 'tang2020gut' from {RIS}: Gut Microbiota Dysbiosis Enhances Migraine-Like Pain Via TN…",
        f"added 'he2023causal' from {RIS}: A causal effect of gut microbiota in the development of mig…",
        f"added 'sgro2023making' from {RIS}: Making migraine easier to stomach: the role of the gut–brai…",
        f"added 'kappeter2023migraine' from {RIS}: Migraine as a Disease Associated with Dysbiosis and Possibl…",
        f"added 'dilauro2023linking' from {RIS}: Linking Migraine to Gut Dysbiosis and Chronic Non-Communica…",
    ]
    assert report.summary() == f"5 added, 0 merged, 0 skipped; {store} updated"
    assert report.exit_code == 0 and report.notes == ()
    stored = read_papers(store)  # the native YAML format, read back as the same papers
    assert [p.key for p in stored] == ["tang2020gut", "he2023causal", "sgro2023making", "kappeter2023migraine",
                                       "dilauro2023linking"]
    assert [content(p) for p in stored] == [content(p) for p in read_papers(RIS)]
    assert all(p.source == str(store) for p in stored)


def test_every_export_of_one_list_adds_each_paper_once(show: Path) -> None:
    report = add_papers(show, [BIB, RIS, CSL, POST, WEB])
    assert [p.key for p in list_papers(show)] == ["tang_gut_2020", "he_causal_2023", "sgro_making_2023",
                                                  "kappeter_migraine_2023", "di_lauro_linking_2023"]
    assert [o.action for o in report.outcomes] == ["added"] * 5 + ["skipped"] * 20
    assert str(report.outcomes[5]) == (f"skipped 'tang2020gut' from {RIS}: already in the reading list as "
                                       "'tang_gut_2020' (same DOI)")
    assert report.summary().startswith("5 added, 0 merged, 20 skipped;")
    assert len(report.notes) == 5  # the forum post's greeting, question and signature lines


def test_adding_again_changes_nothing(show: Path) -> None:
    add_papers(show, [CSL, POST])
    store = show / STORE
    before, mtime = store.read_bytes(), store.stat().st_mtime_ns
    report = add_papers(show, [POST, CSL])
    assert not report.written and report.summary().endswith(f"{store} unchanged")
    assert store.read_bytes() == before and store.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in store.parent.iterdir()) == ["reading-list.yaml"]  # no temporary files left


def test_the_file_is_deterministic(tmp_path: Path) -> None:
    one, two = make_show(tmp_path / "one"), make_show(tmp_path / "two")
    add_papers(one, [WEB, BIB])
    add_papers(two, [WEB])
    add_papers(two, [BIB])
    assert (one / STORE).read_bytes() == (two / STORE).read_bytes()
    assert (one / STORE).read_text(encoding="utf-8").startswith("# The show's reading list, kept by `papercast add`.")


def test_merging_fills_gaps_and_reports_conflicts(show: Path) -> None:
    write(show / STORE, "papers:\n- key: tang2020dysbiosis\n"
                        "  title: Gut microbiota dysbiosis enhances migraine-like pain via TNFα upregulation\n"
                        "  authors: ['Tang, Yuanyuan', 'Liu, Sufang']\n  date: 2020\n  finding: Our own summary.\n")
    report = add_papers(show, [RIS])
    merged = report.outcomes[0]
    assert (merged.action, merged.key, merged.filled) == ("merged", "tang2020dysbiosis",
                                                          ("authors", "journal", "doi", "date"))
    assert str(merged) == (
        f"merged 'tang2020gut' from {RIS} into 'tang2020dysbiosis': same title and year; filled authors, journal, doi, "
        "date; kept finding 'Our own summary.' over 'Antibiotic-induced dysbiosis and germ-free status markedly…'")
    assert report.summary().startswith("4 added, 1 merged, 0 skipped;")
    tang = list_papers(show)[0]
    assert (tang.key, tang.finding, tang.journal, tang.doi) == ("tang2020dysbiosis", "Our own summary.",
                                                                "Molecular Neurobiology", "10.1007/s12035-019-01721-7")
    assert (tang.year, tang.month, len(tang.authors)) == (2020, 1, 5)


def test_merge_rules() -> None:
    kept = Paper(key="a", title="Gut feelings: a review", authors=(Author("Tang", "Yuanyuan"),), year=2020, month=1,
                 journal="J Headache Pain", finding="Kept.")
    other = Paper(key="b", title="Gut Feelings — A Review.", authors=(Author("Tang", "Y."), Author("Liu", "S")),
                  year=2020, month=1, day=5, journal="The Journal of Headache and Pain", url="https://x.org/a",
                  finding="kept.")
    merged, filled, conflicts = merge_papers(kept, other)
    assert filled == ("authors", "url", "date")  # a longer list with the same first author; a more precise date
    assert conflicts == (Conflict("journal", "J Headache Pain", "The Journal of Headache and Pain"),)
    assert merged == dataclasses.replace(kept, authors=other.authors, url="https://x.org/a", day=5)
    _, filled, conflicts = merge_papers(kept, dataclasses.replace(other, title="Gut feelings", month=2,
                                                                  authors=(Author("Liu", "S"),)))
    assert [c.field for c in conflicts] == ["title", "authors", "journal", "date"]
    assert str(conflicts[-1]) == "kept date '2020-01' over '2020-02-05'"


@pytest.mark.parametrize(("a", "b", "expected"), [
    ({"doi": "10.1/a"}, {"doi": "10.1/a", "title": "Other title", "year": 1999}, "same DOI"),
    ({"doi": "10.1/a"}, {"doi": "10.1/b"}, ""),  # a preprint and its article
    ({}, {"title": "GUT FEELINGS!"}, "same title and year"),
    ({"doi": "10.1/a"}, {"year": None}, "same title"),
    ({}, {"year": 2021}, ""),
    ({}, {"title": "Gut feelings 2"}, ""),
])
def test_same_paper(a: dict, b: dict, expected: str) -> None:
    base = Paper(key="k", title="Gut feelings", year=2020)
    assert same_paper(dataclasses.replace(base, **a), dataclasses.replace(base, **b)) == expected


def test_papers_already_in_the_shows_other_files_are_skipped(show_dir: Path) -> None:
    report = add_papers(show_dir, [WEB])
    assert [o.action for o in report.outcomes] == ["skipped"] * 5
    assert str(report.outcomes[0]) == (f"skipped 'tang2020gut' from {WEB}: already in {show_dir / 'papers' / 'list.bib'} "
                                       "as 'tang2020dysbiosis' (same DOI)")
    assert not report.written and not (show_dir / STORE).exists()


def test_a_taken_key_gets_a_letter(show_dir: Path, tmp_path: Path) -> None:
    post = write(tmp_path / "more.txt", "Gut feelings\nYuanyuan Tang\nPublished 2020\n\nGut bacteria again\n"
                                        "Yuanyuan Tang\nPublished 2020\n\nA causal review\nQiang He\nPublished 2023\n")
    write(show_dir / STORE, "papers:\n- {key: tang2020gut, title: Gut reactions}\n")
    report = add_papers(show_dir, [post])
    assert [o.key for o in report.outcomes] == ["tang2020gutb", "tang2020gutc", "he2023causalb"]
    assert str(report.outcomes[0]) == f"added 'tang2020gut' from {post}: Gut feelings (as 'tang2020gutb': its key was taken)"
    assert str(report.outcomes[2]).endswith("A causal review (as 'he2023causalb': its key was taken)")  # list.bib has it


def test_bad_files_and_entries_are_skipped_and_reported(show: Path, tmp_path: Path) -> None:
    ris = write(tmp_path / "mixed.ris", "TY  - JOUR\nTI  - Good one\nER  - \nTY  - JOUR\nAU  - Tang, Y\nER  - \n"
                                        "TY  - JOUR\nTI  - Good two\nER  - \nTY  - JOUR\nTI  - Cut short")
    empty, binary, missing = write(tmp_path / "empty.bib", ""), tmp_path / "photo.json", tmp_path / "missing.ris"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    report = add_papers(show, [ris, empty, binary, missing])
    assert report.lines() == [
        f"added 'good' from {ris}: Good one",
        f"added 'goodb' from {ris}: Good two",
        f"skipped: {ris}: entry 2 (line 4) has no title",
        f"skipped: {ris}: entry 4 (line 10) has no 'ER  - ' line to end it (is the file cut short?)",
        f"skipped: {empty}: no papers found (the file is empty)",
        f"skipped: {binary}: cannot be read (not UTF-8 text)",
        f"skipped: {missing}: cannot be read (no such file or directory)",
        f"note: {ris}: entry 1 (line 1) ('good') has no year, DOI or finding",
        f"note: {ris}: entry 3 (line 7) ('goodb') has no year, DOI or finding",
    ]
    assert report.summary() == f"2 added, 0 merged, 5 skipped (5 with an error); {show / STORE} updated"
    assert report.exit_code == 1
    assert [p.title for p in list_papers(show)] == ["Good one", "Good two"]


def test_strict_adds_nothing_when_anything_is_wrong(show: Path, tmp_path: Path) -> None:
    add_papers(show, [BIB])
    before = (show / STORE).read_bytes()
    bad = write(tmp_path / "bad.yaml", "- {title: Fine}\n- {journal: No title}\n- {title: Also fine, year: soon}\n")
    with pytest.raises(SourceError) as info:
        add_papers(show, [RIS, bad], strict=True)
    assert str(info.value) == f"{bad}: entry 2 (line 2) has no title (and 1 more problem); nothing was added (strict)"
    assert (show / STORE).read_bytes() == before
    assert add_papers(show, [RIS], strict=True).exit_code == 0  # good files are still fine


def test_a_broken_reading_list_is_never_rewritten(show: Path) -> None:
    store = write(show / STORE, "papers:\n- {key: a, title: A}\n- {key: b}\n")
    with pytest.raises(SourceError) as info:
        add_papers(show, [RIS])
    assert str(info.value) == f"{store}: entry 'b' (line 3) has no title (fix the reading list before adding to it)"
    assert store.read_text(encoding="utf-8") == "papers:\n- {key: a, title: A}\n- {key: b}\n"


def test_a_reading_list_emptied_by_hand_is_fine(show: Path) -> None:
    write(show / STORE, "# nothing yet\npapers: []\n")
    assert add_papers(show, [WEB]).summary().startswith("5 added,")


def test_the_format_can_be_forced(show: Path, tmp_path: Path) -> None:
    odd = tmp_path / "list.bib"
    shutil.copy(POST, odd)
    assert add_papers(show, [odd], format="text").summary().startswith("5 added,")
    with pytest.raises(SourceError, match="nothing was added"):
        add_papers(show, [odd], format="bibtex", strict=True)


def test_an_episode_can_name_the_reading_list(show: Path) -> None:
    add_papers(show, [CSL])
    papers = load_papers([show / STORE], ["dilauro2023linking", "sgro2023stomach"])
    assert [p.title[:20] for p in papers] == ["Linking Migraine to ", "Making migraine easi"]


# --- Listing --------------------------------------------------------------------------

def test_list_papers_and_their_lines(show_dir: Path, tmp_path: Path) -> None:
    post = write(tmp_path / "new.txt", "Oral microbes and migraine\n王晓明, 李华\nPublished 2024\n\n"
                                       "The Brain, the Eating Plate, and the Gut Microbiome: Partners in Migraine Pathogenesis\nPublished July 2024\n")
    report = add_papers(show_dir, [post])
    assert str(report.outcomes[1]).endswith(f"already in {show_dir / 'papers' / 'list.bib'} as 'gazerani2024plate' "
                                            "(same title and year)")
    papers = list_papers(show_dir)
    assert [p.key for p in papers][:3] == ["2024oral", "tang2020dysbiosis", "gorenshtein2023association"]
    lines = paper_lines(papers)
    store, demo = show_dir / STORE, show_dir / "papers" / "list.bib"
    assert lines[:3] == [
        f"{store} (1 paper)",
        "  2024oral                    2024  王晓明 et al.                Oral microbes and migraine",
        f"{demo} (12 papers)",
    ]
    assert lines[3] == ("  tang2020dysbiosis           2020  Tang et al.               "
                        "Gut Microbiota Dysbiosis Enhances Migraine-Like Pain Via TNFα Upregulation")
    assert len(lines) == 15


def test_listing_a_show_without_papers(show: Path) -> None:
    assert list_papers(show) == [] and paper_lines([]) == []


def test_a_folder_that_is_not_a_show_is_left_alone(tmp_path: Path) -> None:
    for call in (lambda: add_papers(tmp_path, [RIS]), lambda: list_papers(tmp_path)):
        with pytest.raises(PapercastError) as info:
            call()
        assert str(info.value) == f"{tmp_path}: not a show folder (it has no papercast.toml)"
    assert list(tmp_path.iterdir()) == []


# --- The file round-trips -------------------------------------------------------------

WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).map(clean)
AUTHORS = st.builds(Author, family=WORDS.filter(bool), given=WORDS, is_group=st.booleans()).map(
    lambda a: dataclasses.replace(a, given="") if a.is_group else a)


@st.composite
def papers(draw: st.DrawFn) -> list[Paper]:
    count = draw(st.integers(1, 4))
    keys = draw(st.lists(WORDS.filter(bool), min_size=count, max_size=count, unique=True))
    result = []
    for key in keys:
        year = draw(st.none() | st.integers(1, 9999))
        month = draw(st.none() | st.integers(1, 12)) if year else None
        day = draw(st.none() | st.integers(1, 28)) if month else None
        result.append(Paper(key=key, title=draw(WORDS.filter(bool)), authors=tuple(draw(st.lists(AUTHORS, max_size=3))),
                            journal=draw(WORDS), year=year, month=month, day=day,
                            doi=draw(st.sampled_from(["", "10.1234/abc", "10.5555/x(y)z"])),
                            url=draw(st.sampled_from(["", "https://example.org/a?b=c#d"])), finding=draw(WORDS)))
    return result


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(papers())
def test_the_reading_list_file_reads_back_as_written(written: list[Paper]) -> None:
    text = dump_papers(written)
    assert [dataclasses.replace(p, source="") for p in parse_source(text, Path("r.yaml"), "yaml").papers] == written
    assert re.search(r"^papers:$", text, re.MULTILINE)


def test_the_demo_reading_list_reads_back_as_written(tmp_path: Path) -> None:
    demo = read_source(Path(__file__).resolve().parents[1] / "papers" / "migraine-gut.bib").papers
    path = write(tmp_path / "r.yaml", dump_papers(demo))
    assert [dataclasses.replace(p, source="") for p in read_papers(path)] == [
        dataclasses.replace(p, source="") for p in demo]
