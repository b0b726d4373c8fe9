from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.config import load_episode, load_show, show_settings
from pipeline.errors import ConfigError


def test_demo_show_config_is_valid():
    show = load_show(Path(__file__).resolve().parent.parent)
    assert show.title.startswith("Gut Feelings")
    assert [h.name for h in show.hosts] == ["Theo", "Maya"]
    assert show.base_url.endswith("/")
    assert show.explicit is False


def test_show_config_reads_every_field(show_dir):
    show = load_show(show_dir)
    assert show.base_url == "http://127.0.0.1:8765/podcast/"
    assert show.url_for("feed.xml") == "http://127.0.0.1:8765/podcast/feed.xml"
    assert show.hosts[1].voice == "gmw/en-us+f3"
    assert show.hosts[0].rate == 175
    assert show.owner_name == "Tester"  # defaults to the author
    # Mono by default, at the lowest bit rate Apple recommends for mono MP3, -16 LUFS as played.
    assert (show.audio.channels, show.audio.bitrate, show.audio.loudness) == (1, "96k", -16.0)


def _with(show_dir, extra_show: str = "", extra: str = "") -> None:
    text = (show_dir / "papercast.toml").read_text().replace("[show]\n", "[show]\n" + extra_show, 1)
    (show_dir / "papercast.toml").write_text(text + extra)


def test_audio_and_publishing_settings(show_dir):
    _with(show_dir, 'copyright = "© 2026 Tester"\nlicense = "CC-BY-4.0"\n'
                    'license_url = "https://creativecommons.org/licenses/by/4.0/"\n',
          '\n[audio]\nchannels = 2\nloudness = -18\n')
    show = load_show(show_dir)
    assert (show.audio.channels, show.audio.bitrate, show.audio.loudness) == (2, "128k", -18.0)  # stereo's default
    assert (show.copyright, show.license) == ("© 2026 Tester", "CC-BY-4.0")


def test_bad_audio_and_publishing_settings_are_refused(show_dir):
    _with(show_dir, 'license_url = "not a url"\n',
          '\n[audio]\nchannels = 6\nbitrate = "100k"\nloudness = -9\nsample_rate = 22050\n')
    text = (show_dir / "papercast.toml").read_text()
    (show_dir / "papercast.toml").write_text(text.replace('rate = 175\n', 'rate = 175\nhref = "x y"\n', 1))
    with pytest.raises(ConfigError) as info:
        load_show(show_dir)
    for expected in ["audio.channels must be between 1 and 2", "audio.bitrate must be one of",
                     "audio.loudness must be a number of LUFS between -24 and -14", "audio.sample_rate must be one of",
                     "show.license_url 'not a url'", "show.license_url needs show.license", "hosts[1].href 'x y'"]:
        assert any(expected in p for p in info.value.problems), (expected, info.value.problems)


def test_episode_numbers_season_and_image(show_dir):
    from PIL import Image

    Image.new("RGB", (1400, 1400), (1, 2, 3)).save(show_dir / "art.png")
    path = show_dir / "episodes" / "01-first.toml"
    path.write_text(path.read_text() + 'episode = 7\nseason = 2\nimage = "art.png"\n')
    episode = load_episode(path, show_dir)
    assert (episode.number, episode.season, episode.image) == (7, 2, show_dir / "art.png")
    Image.new("RGB", (300, 200)).save(show_dir / "art.png")
    path.write_text(path.read_text().replace("episode = 7", "episode = 0"))
    with pytest.raises(ConfigError) as info:
        load_episode(path, show_dir)
    assert any("episode must be a whole number from 1" in p for p in info.value.problems)
    assert any("image 'art.png' is 300x200 pixels" in p for p in info.value.problems)


def test_every_problem_is_reported_at_once(tmp_path):
    (tmp_path / "papercast.toml").write_text(
        '[show]\ntitle = ""\ndescription = "d"\nauthor = "a"\nowner_email = "nope"\n'
        'language = "English"\ncategory = "Cooking"\nexplicit = "no"\nbase_url = "ftp://x"\n'
        'colour = "blue"\n[[hosts]]\nname = "Al"\nrate = 5\n'
    )
    with pytest.raises(ConfigError) as info:
        load_show(tmp_path)
    problems = info.value.problems
    text = str(info.value)
    assert str(tmp_path / "papercast.toml") in text
    for expected in ["show.title must not be empty", "not an e-mail address", "not a language code",
                     "not an Apple Podcasts category", "show.explicit must be true or false",
                     "not an absolute http:// or https:// URL", "unknown setting show.colour",
                     "exactly two [[hosts]]", "hosts[1].rate must be between 80 and 400"]:
        assert any(expected in p for p in problems), (expected, problems)


def test_broken_toml_names_the_file(tmp_path):
    (tmp_path / "papercast.toml").write_text("[show\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_show(tmp_path)


def test_missing_config_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_show(tmp_path)


def test_show_settings_defaults_outside_a_show(tmp_path):
    show = show_settings(tmp_path)
    assert [h.name for h in show.hosts] == ["Alex", "Sam"]


def test_episode_definition(show_dir):
    episode = load_episode(show_dir / "episodes" / "02-second.toml", show_dir)
    assert episode.id == "02-second"
    assert episode.entries == ("he2023causal", "grodzka2025probiotics")
    assert episode.date == dt.date(2026, 1, 12)
    assert episode.sources == ((show_dir / "papers" / "list.bib").resolve(),)


def test_episode_definition_problems(show_dir):
    path = show_dir / "episodes" / "bad name.toml"
    path.write_text('papers = ["missing.bib"]\nentries = "x"\ndate = "soon"\n')
    with pytest.raises(ConfigError) as info:
        load_episode(path, show_dir)
    problems = " | ".join(info.value.problems)
    assert "title is required" in problems
    assert "'missing.bib' does not exist" in problems
    assert "entries must be a list" in problems
    assert "date must be a TOML date" in problems
    assert "file name" in problems


def test_episode_format_and_length(show_dir):
    path = show_dir / "episodes" / "03-third.toml"
    path.write_text('title = "T"\npapers = ["papers/list.bib"]\nformat = "brief"\nminutes = 3\n')
    episode = load_episode(path, show_dir)
    assert episode.format == "brief" and episode.minutes == 3.0
    path.write_text('title = "T"\npapers = ["papers/list.bib"]\nformat = ""\nminutes = 0\n')
    with pytest.raises(ConfigError) as info:
        load_episode(path, show_dir)
    assert any("format must name" in p for p in info.value.problems)
    assert any("minutes must be" in p for p in info.value.problems)


def test_host_voice_pitch_and_auto_rules(tmp_path):
    (tmp_path / "papercast.toml").write_text(
        '[show]\ntitle = "t"\ndescription = "d"\nauthor = "a"\nowner_email = "a@b.org"\n'
        'base_url = "https://x.org/"\n'
        '[[hosts]]\nname = "A"\nvoice = "heart"\n'
        '[[hosts]]\nname = "B"\nengine = "piper"\nvoice = "voices/me.onnx"\npitch = 30\n')
    with pytest.raises(ConfigError) as info:
        load_show(tmp_path)
    problems = " | ".join(info.value.problems)
    assert 'hosts[1].voice needs its engine named' in problems
    assert "hosts[2].pitch must be a number of semitones" in problems
    (tmp_path / "papercast.toml").write_text(
        (tmp_path / "papercast.toml").read_text().replace('voice = "heart"\n', "").replace("pitch = 30", "pitch = -2.5"))
    show = load_show(tmp_path)
    assert show.hosts[0].engine == "auto"
    assert show.hosts[1].voice == str(tmp_path / "voices" / "me.onnx") and show.hosts[1].pitch == -2.5
