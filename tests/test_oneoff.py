"""One-off scripts and episodes: a show's settings only for papers given through that show."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.oneoff import OneOff, one_off_source
from tests.conftest import make_show

REPO = Path(__file__).resolve().parent.parent
DEMO_TITLE = "Gut Feelings: Migraine and the Microbiome"
SLEEP = REPO / "tests" / "fixtures" / "spoken" / "sleep.bib"  # a reading list that is not the demo show's
EPISODE = REPO / "episodes" / "02-feeding-the-microbiome.toml"


def _script(*args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["script", *args])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def _welcome(lines: list[str]) -> str:
    return next(line for line in lines if "Welcome to" in line)


def test_a_reading_list_that_is_not_the_shows_is_not_welcomed_to_the_show_it_is_run_in(monkeypatch):
    monkeypatch.chdir(REPO)  # the repository is the demo show
    lines = _script(str(SLEEP))
    assert _welcome(lines) == "Alex: Welcome to papercast; I'm Alex."
    assert {line.split(":")[0] for line in lines} == {"Alex", "Sam"}  # papercast's default hosts
    assert not any("Gut Feelings" in line or line.startswith(("Theo:", "Maya:")) for line in lines)


def test_the_one_off_can_be_named(monkeypatch):
    monkeypatch.chdir(REPO)
    assert _welcome(_script(str(SLEEP), "--name", "Journal Club")) == "Alex: Welcome to Journal Club; I'm Alex."


def test_show_dir_makes_any_list_an_episode_of_that_show(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = _script(str(SLEEP), "--show", str(REPO))
    assert _welcome(lines) == f"Theo: Welcome to {DEMO_TITLE}; I'm Theo."
    assert _welcome(_script(str(SLEEP), "--show", str(REPO), "--name", "Sleep Club")).endswith("Sleep Club; I'm Theo.")


def test_the_shows_own_paper_files_run_in_its_folder_are_its_episodes(monkeypatch):
    monkeypatch.chdir(REPO)
    lines = _script("papers/migraine-gut.bib", "-e", "he2023causal")
    assert _welcome(lines) == f"Theo: Welcome to {DEMO_TITLE}; I'm Theo."


def test_an_episode_file_brings_its_show_and_its_papers_from_anywhere(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = _script(str(EPISODE))
    assert _welcome(lines) == f"Theo: Welcome to {DEMO_TITLE}; I'm Theo."
    # The same script as its papers, entries and title given by hand to the show.
    by_hand = ["--show", str(REPO), str(REPO / "papers" / "migraine-gut.bib"), "-t",
               "Feeding the microbiome: probiotics, diet and transplants"]
    for key in ("mugo2025unravelling", "grodzka2025probiotics", "kappeter2023fmt", "gazerani2024plate"):
        by_hand += ["-e", key]
    assert lines == _script(*by_hand) and lines[0].startswith("Theo: Four papers")
    request, root = one_off_source(OneOff((EPISODE,)))
    assert root == REPO and request.title == "Feeding the microbiome: probiotics, diet and transplants"
    assert request.entries == ("mugo2025unravelling", "grodzka2025probiotics", "kappeter2023fmt",
                               "gazerani2024plate")
    assert request.sources == (REPO / "papers" / "migraine-gut.bib",)
    assert one_off_source(request, root) == (request, root)  # asking again gives the same answer


def test_an_episode_file_is_given_alone(monkeypatch):
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["script", str(EPISODE), "papers/migraine-gut.bib"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "an episode file is given alone" in result.stderr


def test_the_same_rule_in_a_new_show_and_for_episode(tmp_path: Path, monkeypatch):
    show = make_show(tmp_path / "show")
    monkeypatch.chdir(show)
    assert one_off_source(OneOff((Path("papers/list.bib"),)))[1] == Path.cwd()
    assert one_off_source(OneOff((SLEEP,)))[1] is None
    # Its hosts speak with espeak-ng, where Theo's voice is the clearer: Theo reads, so Maya opens.
    assert _welcome(_script("papers/list.bib", "-e", "tang2020dysbiosis")) == "Maya: Welcome to Test Show; I'm Maya."
    # A broken show is never read for a list that is not its own.
    (show / "papercast.toml").write_text("[show\n")
    assert _welcome(_script(str(SLEEP))) == "Alex: Welcome to papercast; I'm Alex."


@pytest.mark.parametrize("command", ["script", "episode"])
def test_help_says_whose_settings_apply(command: str):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert "--show DIRECTORY" in result.output and "--name TEXT" in result.output
    assert "episode file" in result.output


def test_script_help_gives_the_rule_and_ends_in_examples():
    text = " ".join(CliRunner().invoke(cli, ["script", "--help"]).output.split("Options:")[0].split())
    assert "Any other reading list is a one-off: default hosts (Alex and Sam)" in text
    assert text.endswith('Example: papercast script ~/Downloads/refs.bib --name "Journal Club" '
                         "papercast script episodes/02-probiotics.toml")
