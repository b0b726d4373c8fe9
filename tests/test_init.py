"""`papercast init`: a new show that builds a valid feed with no file edited by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import load_show
from tests.conftest import DEMO_BIB

_ENTRIES = [e for e in re.split(r"(?m)^(?=@)", DEMO_BIB.read_text()) if e.startswith("@")]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "refs.bib").write_text(_ENTRIES[2])


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_init_add_build_check_gives_a_valid_feed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # CliRunner's stdin is not a terminal: init must not ask anything.
    output = _run("init", "myshow", "--engine", "pyttsx3")
    assert output.splitlines()[-3:] == ["    cd myshow", "    papercast add refs.bib", "    papercast build"]
    monkeypatch.chdir(tmp_path / "myshow")
    _run("add", "../refs.bib")
    built = _run("build")
    assert "1 built, 0 unchanged, 0 failed" in built
    checked = _run("check")  # exit 0: no errors
    # A new show is served from this machine until its base_url is set: the check says so, as
    # warnings only (a loopback address, http links); nothing else.
    warnings = [line for line in checked.splitlines() if line.startswith("warning:")]
    assert not [line for line in checked.splitlines() if line.startswith("error:")], checked
    assert all("loopback" in line or "https" in line for line in warnings), warnings
    assert len(list((tmp_path / "myshow" / "feed" / "episodes").glob("*.mp3"))) == 1


def test_the_default_show_loads_and_ignores_its_cache(tmp_path: Path):
    _run("init", "Deep Sea Notes", "--author", "Ana Ruiz", "--email", "ana@example.org", "--language", "es")
    root = tmp_path / "Deep Sea Notes"
    show = load_show(root)
    assert (show.title, show.author, show.owner_email, show.language) == ("Deep Sea Notes", "Ana Ruiz",
                                                                          "ana@example.org", "es")
    assert show.hosts[0].engine == "auto" and show.base_url == "http://127.0.0.1:8000/"
    assert "/.papercast/cache/" in (root / ".gitignore").read_text()
    assert "papercast add" in (root / "papers" / "README.md").read_text()
    assert (root / "episodes").is_dir()


def test_init_refuses_an_existing_show_and_keeps_a_users_files(tmp_path: Path):
    root = tmp_path / "mine"
    root.mkdir()
    (root / ".gitignore").write_text("*.pdf\n")
    _run("init", "mine")
    assert (root / ".gitignore").read_text() == "*.pdf\n"
    before = (root / "papercast.toml").read_text()
    result = CliRunner().invoke(cli, ["init", "mine", "--title", "Other"])
    assert result.exit_code == 1
    assert "already exists" in result.output and result.output.strip().count("\n") == 0
    assert (root / "papercast.toml").read_text() == before


def test_bad_options_are_reported_at_once_and_nothing_is_written(tmp_path: Path):
    result = CliRunner().invoke(cli, ["init", "bad", "--email", "nobody", "--language", "english!",
                                      "--category", "Cooking"])
    assert result.exit_code == 1
    for option in ("--email", "--language", "--category"):
        assert option in result.output
    assert not (tmp_path / "bad").exists()


def test_init_from_adds_the_papers_and_plans_the_first_episodes(tmp_path: Path):
    (tmp_path / "more.bib").write_text(_ENTRIES[3] + _ENTRIES[4])
    output = _run("init", "s", "--from", "refs.bib", "--from", "more.bib", "--engine", "pyttsx3")
    episodes = sorted((tmp_path / "s" / "episodes").glob("*.toml"))
    assert len(episodes) == 1 and f"planned {Path('s') / 'episodes' / episodes[0].name}" in output
    assert "3 added" in output
    assert output.splitlines()[-2:] == ["    papercast build", "    papercast serve"]
    assert (tmp_path / "s" / "papers" / "reading-list.yaml").is_file()


def test_init_from_a_missing_file_creates_nothing(tmp_path: Path):
    result = CliRunner().invoke(cli, ["init", "s", "--from", "nope.bib"])
    assert result.exit_code == 1 and "nope.bib" in result.output
    assert not (tmp_path / "s").exists()


def test_a_reading_list_outside_the_show_may_start_with_a_tilde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "home"
    (home / "Zotero").mkdir(parents=True)
    (home / "Zotero" / "My Library.bib").write_text(_ENTRIES[0])
    monkeypatch.setenv("HOME", str(home))
    _run("init", "s")
    with (tmp_path / "s" / "papercast.toml").open("a") as config:
        config.write('\n[papers]\nreading_list = ["~/Zotero/My Library.bib"]\n')
    assert load_show(tmp_path / "s").papers.reading_list == ((home / "Zotero" / "My Library.bib").resolve(),)
