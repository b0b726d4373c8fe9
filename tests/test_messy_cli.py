"""Issue 14 at the command line: what `add` lists, errors on stderr, and one bad entry never
blocking the good ones in `script` (unless --strict)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli

MESSY = Path(__file__).parent / "fixtures" / "sources" / "messy"


def _show(root: Path) -> Path:
    (root / "papers").mkdir(parents=True)
    (root / "papercast.toml").write_text('[show]\ntitle = "T"\n')
    return root


def test_add_lists_what_it_found_in_a_forum_thread(tmp_path: Path) -> None:
    show = _show(tmp_path / "show")
    result = CliRunner().invoke(cli, ["add", "--show", str(show), str(MESSY / "forum-ipb.txt")])
    assert result.exit_code == 0, result.output
    found = [line for line in result.stdout.splitlines() if line.startswith("found: ")]
    assert len(found) == 12
    assert "12 authors, date 2025-11-27, journal 'Inflammopharmacology'" in found[-1] and "; no DOI" in found[-1]
    assert "lines of web-page chatter left out" in result.stdout
    assert "12 added" in result.stdout


def test_add_puts_errors_on_stderr_and_refuses_a_file_of_no_known_shape(tmp_path: Path) -> None:
    show = _show(tmp_path / "show")
    result = CliRunner().invoke(cli, ["add", "--show", str(show), str(MESSY / "unknown-table.csv")])
    assert result.exit_code == 1
    assert "not a reading list papercast can read: it looks like a CSV table" in result.stderr
    assert "formats read: bibtex, ris, csl-json, yaml, medline, endnote-xml, text" in result.stderr
    assert "looks like" not in result.stdout
    assert not (show / "papers" / "reading-list.yaml").exists()


def test_add_reads_medline_and_endnote_with_authors_and_years(tmp_path: Path) -> None:
    show = _show(tmp_path / "show")
    files = [str(MESSY / name) for name in ("pubmed.nbib", "endnote-x7.xml", "endnote-21.xml")]
    result = CliRunner().invoke(cli, ["add", "--show", str(show), *files])
    assert result.exit_code == 0, result.output
    assert "has no year, DOI or finding" in result.stdout  # the placeholder records are reported
    listing = CliRunner().invoke(cli, ["papers", "--show", str(show)]).stdout
    rows = {line.split()[0]: line.split()[1:3] for line in listing.splitlines()[1:]}
    assert rows["girardeau2009selective"] == ["2009", "Girardeau"] and rows["walker2009role"] == ["2009", "Walker"]
    assert rows["hablitz2020circadian"] == ["2020", "Hablitz"] and rows["diekelmann2010memory"][0] == "2010"


def test_script_skips_a_bad_entry_unless_strict(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.bib"
    mixed.write_text("@article{notitle, author = {Doe, Jane}, year = {2020}}\n"
                     "@article{good, title = {Gut microbes and migraine}, author = {Tang, Yuanyuan}, year = {2020},"
                     " abstract = {Dysbiosis worsens migraine-like pain in mice.}}\n")
    lenient = CliRunner().invoke(cli, ["script", str(mixed)])
    assert lenient.exit_code == 0, lenient.output
    assert "skipped:" in lenient.stderr and "notitle" in lenient.stderr and "no title" in lenient.stderr
    assert "Gut microbes and migraine" in lenient.stdout and "skipped" not in lenient.stdout
    strict = CliRunner().invoke(cli, ["script", "--strict", str(mixed)])
    assert strict.exit_code == 1 and "notitle" in strict.stderr and strict.stdout == ""


def test_episode_with_strict_refuses_a_bad_entry_before_any_work(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.bib"
    mixed.write_text("@article{notitle, author = {Doe, Jane}, year = {2020}}\n"
                     "@article{good, title = {Good}, year = {2020}}\n")
    out = tmp_path / "out.mp3"
    result = CliRunner().invoke(cli, ["episode", "--strict", str(mixed), "-o", str(out), "-q"])
    assert result.exit_code == 1 and "notitle" in result.stderr and not out.exists()


def _papers(show: Path, color: bool = False):
    return CliRunner().invoke(cli, ["papers", "--show", str(show)], color=color)


def test_papers_lists_each_files_format_and_the_fields_found_in_adds_words(tmp_path: Path) -> None:
    show = _show(tmp_path / "show")
    added = CliRunner().invoke(cli, ["add", "--show", str(show), str(MESSY / "pubmed.nbib"), str(MESSY / "forum-ipb.txt")])
    found_by_add = ["found " + line.split(": found ", 1)[1] for line in added.stdout.splitlines()
                    if line.startswith("found: ")]
    assert len(found_by_add) == 12  # one per paper of the forum thread
    (show / "papers" / "notes.txt").write_text((MESSY / "reading-notes.md").read_text())
    (show / "papers" / "export.ris").write_bytes((MESSY / "windows-1252.ris").read_bytes())
    result = _papers(show)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    store, notes, ris = (str(show.resolve() / "papers" / name) for name in ("reading-list.yaml", "notes.txt",
                                                                            "export.ris"))
    # Per file: the format recognised and the count, in the order the show reads them.
    headings = [line for line in lines if not line.startswith((" ", "note: "))][:-1]
    assert headings == [f"{store} (yaml, 16 papers)", f"{ris} (ris, 2 papers)", f"{notes} (text, 4 papers)"]
    # Every paper, then the fields found and those it lacks (the same words `add` uses for free text).
    found = [line.strip() for line in lines if line.startswith("      found ")]
    assert len(found) == 22
    assert "found title 'Sleep and the price of plasticity: From synaptic a'…, 2 authors, date 2014, " \
           "journal 'Neuron'; no DOI, finding" in found
    # The forum thread's papers, as kept in the reading list, are described as `add` described them.
    assert found[4:16] == found_by_add
    # Which papers lack a key finding, DOI or year: add's notes, word for word.
    gaps = [line for line in lines if line.startswith("note: ") and line.endswith(("finding", "DOI", "year"))]
    assert f"note: {store}: entry 'placeholderrecord' has no year, DOI or finding" in gaps
    assert f"note: {ris}: entry 2 (line 13) ('mullerrecord') has no year, DOI or finding" in gaps
    assert f"note: {notes}: entry 2 (line 8) ('tononi2014sleep') has no DOI or finding" in gaps
    assert any(line.startswith(f"note: {ris}: not UTF-8") for line in lines)  # the encoding, as `add` says it
    assert lines[-1] == "22 papers in 3 files"
    assert result.stderr == ""


def test_papers_says_what_it_could_not_read_on_stderr_and_lists_the_rest(tmp_path: Path) -> None:
    show = _show(tmp_path / "show")
    (show / "papers" / "table.txt").write_text((MESSY / "unknown-table.csv").read_text())
    (show / "papers" / "good.nbib").write_text((MESSY / "pubmed.nbib").read_text())
    (show / "papers" / "broken.yaml").write_text("papers:\n  - key: a\n    title: A paper\n    date: 2024-13-45\n"
                                                 "  - key: b\n    title: Another paper\n    date: 2023\n")
    result = _papers(show)
    assert result.exit_code == 1
    assert "skipped: " in result.stderr and "it looks like a CSV table" in result.stderr
    assert "broken.yaml" in result.stderr  # the bad entry, named
    assert "skipped" not in result.stdout
    assert "(medline, 4 papers)" in result.stdout and "(yaml, 1 paper)" in result.stdout
    assert result.stdout.splitlines()[-1] == "5 papers in 2 files, 1 unreadable"


def test_papers_is_plain_in_a_pipe_and_styled_at_a_terminal(tmp_path: Path) -> None:
    show = _show(tmp_path / "show")
    (show / "papers" / "good.nbib").write_text((MESSY / "pubmed.nbib").read_text())
    plain, styled = _papers(show), _papers(show, color=True)
    assert "\x1b[" not in plain.stdout
    assert "\x1b[1m" in styled.stdout and "\x1b[2m" in styled.stdout  # file names bold, the fields dim
    assert click_unstyle(styled.stdout) == plain.stdout


def test_papers_in_a_show_without_papers(tmp_path: Path) -> None:
    result = _papers(_show(tmp_path / "show"))
    assert result.exit_code == 0 and result.stdout == "no papers yet (add some with: papercast add FILE...)\n"


def click_unstyle(text: str) -> str:
    import click

    return click.unstyle(text)


def test_papers_lists_the_reading_lists_the_settings_name_elsewhere(tmp_path: Path) -> None:
    from tests.conftest import make_show

    show = make_show(tmp_path / "show")
    export = tmp_path / "zotero" / "export.nbib"  # a Zotero auto-export outside the show
    export.parent.mkdir()
    export.write_text((MESSY / "pubmed.nbib").read_text())
    config = show / "papercast.toml"
    config.write_text(config.read_text().replace("reading_list = []", f'reading_list = ["{export}", "papers/list.bib"]'))
    headings = [line for line in _papers(show).stdout.splitlines() if line.startswith("/")]
    assert headings == [f"{show.resolve() / 'papers' / 'list.bib'} (bibtex, 12 papers)", f"{export} (medline, 4 papers)"]
