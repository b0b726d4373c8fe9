"""One home per fact: the configuration refuses up front what the final check would object to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from pipeline.config import load_show
from pipeline.errors import ConfigError
from pipeline.publish import check, spec


def _set(show: Path, line: str) -> None:
    toml = show / "papercast.toml"
    toml.write_text(toml.read_text().replace('category = "Science"\n', f'category = "Science"\n{line}\n'))


@pytest.mark.parametrize(("setting", "image", "expected"), [
    ('subcategory = "Cooking"', None, "subcategory 'Cooking' is not one of Science's"),
    ('cover = "grey.png"', ("L", (1400, 1400)), "has colour mode L; Apple Podcasts requires RGB"),
    ('cover = "small.png"', ("RGB", (600, 600)), "Apple requires 1400 to 3000 pixels a side"),
    ('cover = "wide.png"', ("RGB", (2000, 1400)), "cover art must be square"),
    ('cover = "anim.gif"', ("RGB", (1400, 1400)), "is GIF; podcast apps need JPEG or PNG"),
])
def test_build_refuses_what_apple_rejects_before_any_work(show_dir: Path, setting: str,
                                                          image: tuple[str, tuple[int, int]] | None,
                                                          expected: str) -> None:
    if image:
        mode, size = image
        Image.new(mode, size, 128 if mode == "L" else (90, 140, 120)).save(show_dir / setting.split('"')[1])
    _set(show_dir, setting)
    with pytest.raises(ConfigError) as caught:
        load_show(show_dir)
    assert expected in str(caught.value) and "papercast.toml" in str(caught.value)
    result = subprocess.run([sys.executable, "-m", "pipeline", "build", "--show", str(show_dir)],
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0 and expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (show_dir / ".papercast" / "cache").exists()  # nothing was synthesised
    assert not (show_dir / "feed" / "feed.xml").exists()


def test_the_config_and_the_checker_read_the_same_facts() -> None:
    assert check.APPLE_SUBCATEGORIES is spec.APPLE_SUBCATEGORIES
    assert check.cover_findings is spec.cover_findings and check.url_problem is spec.url_problem
    assert spec.APPLE_CATEGORIES == frozenset(spec.APPLE_SUBCATEGORIES)
    for category, subcategories in spec.APPLE_SUBCATEGORIES.items():
        assert spec.category_problem(category, "") is None
        for subcategory in subcategories:
            assert spec.category_problem(category, subcategory) is None
    assert spec.category_problem("Cooking", "") is not None


@pytest.mark.parametrize("name, expected", [
    ("episodes/01-a1b2.mp3", "audio/mpeg"),
    ("EPISODES/01.MP3", "audio/mpeg"),  # any case
    ("episodes/01-a1b2.chapters.json", "application/json+chapters"),  # Podcasting 2.0's own type
    ("episodes/01-a1b2.json", "application/json"),
    ("feed.xml", "application/rss+xml; charset=utf-8"),
    ("episodes/01-a1b2.vtt", "text/vtt"),
    ("episodes/01-a1b2.srt", "application/x-subrip"),
    ("cover.jpeg", "image/jpeg"),
    ("README.md", "application/octet-stream"),
    ("no-suffix", "application/octet-stream"),
])
def test_content_types_are_one_fact_for_the_server_and_the_uploads(name: str, expected: str) -> None:
    assert spec.content_type(name) == expected
    # The transcript types the feed declares are the types the files are served and uploaded with.
    suffix = name.rpartition(".")[2].lower()
    if suffix in ("vtt", "srt"):
        assert spec.TRANSCRIPT_KINDS[expected] == suffix
