"""A list that ends in "et al." (or BibTeX's "and others") says more people wrote the paper than it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.sources import read_papers


@pytest.mark.parametrize(("name", "text"), [
    ("list.txt", '1. "Urban trees cool cities" - Schwaab et al., Nature Communications 2021. doi:10.5555/et.al.1\n'
                 "   Key finding: tree cover lowered land surface temperature.\n"),
    ("list.bib", "@article{schwaab2021, author = {Schwaab, Jonas and others}, title = {Urban trees cool cities},\n"
                 "  journal = {Nature Communications}, year = {2021}, doi = {10.5555/et.al.1}}\n"),
    ("list.ris", "TY  - JOUR\nAU  - Schwaab, Jonas\nAU  - et al.\nTI  - Urban trees cool cities\nPY  - 2021\n"
                 "DO  - 10.5555/et.al.1\nER  - \n"),
])
def test_et_al_is_not_an_author_but_makes_a_team(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [paper] = read_papers(path)
    assert [a.family for a in paper.authors] == ["Schwaab"]
    assert paper.more_authors
    assert paper.team_size >= 3  # "Schwaab and colleagues", "Schwaab's team"


def test_a_complete_list_is_not_a_team(tmp_path: Path) -> None:
    path = tmp_path / "list.bib"
    path.write_text("@article{a, author = {Grodzka, Olga and Domitrz, Izabela}, title = {Probiotics and migraine},\n"
                    "  year = {2025}}\n", encoding="utf-8")
    [paper] = read_papers(path)
    assert not paper.more_authors
    assert paper.team_size == 2


def test_the_show_reading_list_keeps_et_al(tmp_path: Path) -> None:
    from pipeline.sources.readinglist import dump_papers

    source = tmp_path / "list.bib"
    source.write_text("@article{s, author = {Schwaab, Jonas and others}, title = {Urban trees cool cities},"
                      " year = {2021}}\n", encoding="utf-8")
    stored = tmp_path / "papers.yaml"
    stored.write_text(dump_papers(read_papers(source)), encoding="utf-8")
    assert "et al." in stored.read_text(encoding="utf-8")
    [paper] = read_papers(stored)
    assert [a.family for a in paper.authors] == ["Schwaab"] and paper.more_authors
