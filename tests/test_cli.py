"""The command line, driven with click's CliRunner; results checked through the library."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.audio import mp3_duration
from pipeline.publish.records import load_records
from pipeline.cli import cli
from pipeline.config import load_show
from tests.conftest import DEMO_BIB


def _commands() -> list[str]:
    return sorted(cli.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_ending_in_an_example(name: str):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"papercast {name}" in result.output.split("Example:")[1]


@pytest.fixture(autouse=True)
def outside_any_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run from a folder that is not a show, so default hosts apply."""
    monkeypatch.chdir(tmp_path)


def test_script_prints_a_dialogue_of_both_hosts():
    result = CliRunner().invoke(cli, ["script", str(DEMO_BIB), "-e", "he2023causal"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Alex: ")
    assert any(line.startswith("Sam: ") for line in lines)
    assert any("A causal effect of gut microbiota in the development of migraine" in line for line in lines)


def test_script_spoken_form_has_no_digits():
    result = CliRunner().invoke(cli, ["script", str(DEMO_BIB), "-e", "grodzka2025probiotics", "--spoken"])
    assert result.exit_code == 0, result.output
    assert not any(ch.isdigit() for ch in result.output)


def test_errors_are_one_line_with_the_file_and_entry(tmp_path: Path):
    result = CliRunner().invoke(cli, ["script", str(DEMO_BIB), "-e", "missing2099"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    message = result.output.strip()
    assert message.count("\n") == 0
    assert "migraine-gut.bib" in message and "missing2099" in message

    bad = tmp_path / "bad.bib"
    bad.write_text("@article{notitle, author = {Doe, Jane}, year = {2020}}\n")
    result = CliRunner().invoke(cli, ["script", str(bad)])
    assert result.exit_code == 1
    assert "bad.bib" in result.output and "notitle" in result.output and "no title" in result.output


def test_debug_shows_the_traceback():
    result = CliRunner().invoke(cli, ["--debug", "script", str(DEMO_BIB), "-e", "missing2099"])
    assert result.exit_code == 1 and result.exception is not None


def test_episode_writes_one_mp3(tmp_path: Path):
    out = tmp_path / "one.mp3"
    result = CliRunner().invoke(cli, ["episode", str(DEMO_BIB), "-e", "vuralli2024lps", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert mp3_duration(out) > 20


def test_build_and_its_report(show_dir: Path):
    result = CliRunner().invoke(cli, ["build", "--show", str(show_dir)])
    assert result.exit_code == 0, result.output
    assert "2 built, 0 unchanged, 0 failed" in result.output
    records = load_records(load_show(show_dir).state_dir)
    assert sorted(records) == ["01-first", "02-second"]
    result = CliRunner().invoke(cli, ["build", "--show", str(show_dir), "--quiet"])
    assert result.exit_code == 0 and result.output == ""


def test_build_failure_exits_non_zero(show_dir: Path):
    (show_dir / "episodes" / "03-broken.toml").write_text('title = "Broken"\npapers = ["papers/list.bib"]\nentries = ["nope"]\n')
    result = CliRunner().invoke(cli, ["build", "--show", str(show_dir)])
    assert result.exit_code == 1
    assert "no entry 'nope'" in result.output


def test_voices_lists_the_pyttsx3_voices():
    result = CliRunner().invoke(cli, ["voices", "--engine", "pyttsx3"])
    assert result.exit_code == 0
    assert 'engine = "pyttsx3"  voice = "gmw/en-us"' in result.output


def test_serve_refuses_a_show_without_a_feed(tmp_path: Path):
    result = CliRunner().invoke(cli, ["serve", "--show", str(tmp_path)])
    assert result.exit_code == 1 and "run `papercast build` first" in result.output



def test_script_formats_and_an_unknown_one():
    brief = CliRunner().invoke(cli, ["script", str(DEMO_BIB), "-e", "he2023causal", "-f", "brief"])
    deep = CliRunner().invoke(cli, ["script", str(DEMO_BIB), "-e", "he2023causal"])
    assert brief.exit_code == 0 and deep.exit_code == 0
    assert len(brief.output.split()) < len(deep.output.split())
    wrong = CliRunner().invoke(cli, ["script", str(DEMO_BIB), "-f", "nope"])
    assert wrong.exit_code == 1
    assert "unknown format 'nope'" in wrong.output and "brief" in wrong.output


def test_check_command_passes_a_built_show_and_catches_a_damaged_file(show_dir: Path):
    assert CliRunner().invoke(cli, ["build", "--show", str(show_dir), "-q"]).exit_code == 0
    good = CliRunner().invoke(cli, ["check", "--show", str(show_dir)])
    assert good.exit_code == 0, good.output
    # The test show is served from 127.0.0.1 over http: advice about that, and nothing else.
    assert "feed check: 2 warnings" in good.output and "base URL http://127.0.0.1:8765" in good.output
    mp3 = next((show_dir / "feed" / "episodes").glob("*.mp3"))
    mp3.write_bytes(mp3.read_bytes()[:-1000])
    bad = CliRunner().invoke(cli, ["check", "--show", str(show_dir)])
    assert bad.exit_code == 1
    assert "enclosure length" in bad.output and "fix:" in bad.output
