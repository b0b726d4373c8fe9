"""Shared fixtures: a small real show on disk, built from the demo reading list."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO_BIB = REPO / "papers" / "migraine-gut.bib"

SHOW_TOML = """
[show]
title = "Test Show"
description = "A show for the tests."
author = "Tester"
owner_email = "owner@example.org"
language = "en"
category = "Science"
explicit = false
base_url = "http://127.0.0.1:8765/podcast"

[[hosts]]
name = "Theo"
engine = "pyttsx3"
voice = "gmw/en-us"
rate = 175

[[hosts]]
name = "Maya"
engine = "pyttsx3"
voice = "gmw/en-us+f3"
rate = 170

[papers]
reading_list = []   # only the episodes' own papers: no automatic new episodes here
"""


def make_show(root: Path) -> Path:
    """Write a show folder with the demo papers and two short episodes (one and two papers)."""
    (root / "papers").mkdir(parents=True)
    (root / "episodes").mkdir()
    shutil.copy(DEMO_BIB, root / "papers" / "list.bib")
    (root / "papercast.toml").write_text(SHOW_TOML)
    (root / "episodes" / "01-first.toml").write_text(
        'title = "First"\ndescription = "One paper."\ndate = 2026-01-05\n'
        'papers = ["papers/list.bib"]\nentries = ["tang2020dysbiosis"]\n'
    )
    (root / "episodes" / "02-second.toml").write_text(
        'title = "Second"\ndate = 2026-01-12\n'
        'papers = ["papers/list.bib"]\nentries = ["he2023causal", "grodzka2025probiotics"]\n'
    )
    return root


@pytest.fixture
def show_dir(tmp_path: Path) -> Path:
    """A fresh show folder (see make_show)."""
    return make_show(tmp_path / "show")
