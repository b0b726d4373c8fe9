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
