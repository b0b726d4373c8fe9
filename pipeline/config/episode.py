"""Episode definitions (`episodes/*.toml`): title, papers, date, format, length."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover - exercised only on Python 3.10
    pass

from ..errors import ConfigError
from ..publish.spec import (
    COVER_FIX,
    EPISODE_ID,
    cover_findings,
)
from .fields import Fields, read_toml
from .settings import EpisodeDef, ShowConfig


def load_episode(path: Path, show_root: Path) -> EpisodeDef:
    """Read one episode definition; paper files are relative to the show folder."""
    data = read_toml(path)
    problems: list[str] = []
    f = Fields(data, "", problems)
    title = f.text("title")
    description = f.text("description", "")
    sources = _episode_sources(data.get("papers"), show_root, problems)
    raw_entries = data.get("entries")
    entries: tuple[str, ...] | None = None
    if raw_entries is not None:
        if not isinstance(raw_entries, list) or not all(isinstance(e, str) for e in raw_entries) or not raw_entries:
            problems.append("entries must be a list of entry keys")
        else:
            entries = tuple(raw_entries)
    date = data.get("date")
    if isinstance(date, dt.datetime):
        date = date.date()
    if date is not None and not isinstance(date, dt.date):
        problems.append("date must be a TOML date such as 2026-11-20")
        date = None
    format_name = data.get("format")
    if format_name is not None and (not isinstance(format_name, str) or not format_name.strip()):
        problems.append('format must name a script format such as "deep-dive", "brief" or "critique"')
        format_name = None
    minutes = data.get("minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, (int, float))
                                or not 1 <= minutes <= 180):
        problems.append("minutes must be a number of minutes between 1 and 180")
        minutes = None
    if not EPISODE_ID.match(path.stem):
        problems.append("the file name must use only letters, digits, '.', '_' and '-' (it becomes a URL)")
    number, season = (_optional_count(data, key, problems) for key in ("episode", "season"))
    image = _episode_image(f.text("image", ""), show_root, problems)
    f.unknown({"title", "description", "papers", "entries", "date", "format", "minutes", "episode", "season",
               "image"})
    if problems:
        raise ConfigError(str(path), problems)
    return EpisodeDef(id=path.stem, path=path, title=title, description=description,
                      sources=tuple(sources), entries=entries, date=date, format=format_name,
                      minutes=float(minutes) if minutes is not None else None,
                      number=number, season=season, image=image)


def _optional_count(data: dict[str, Any], key: str, problems: list[str]) -> int | None:
    """An optional episode or season number: a whole number from 1."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(f"{key} must be a whole number from 1 (or left out: episodes are numbered in order)")
        return None
    return value


def _episode_image(name: str, show_root: Path, problems: list[str]) -> Path | None:
    """An episode's own cover art, checked by the rules the show's cover follows."""
    if not name:
        return None
    image = (show_root / name).resolve()
    if not image.is_file():
        problems.append(f"image {name!r} does not exist")
        return None
    wrong = [finding.text for finding in cover_findings(image)[1] if finding.severity == "error"]
    problems.extend(f"image {name!r} {text} ({COVER_FIX})" for text in wrong)
    return None if wrong else image


def _episode_sources(raw: Any, show_root: Path, problems: list[str]) -> list[Path]:
    """The paper files an episode names (one name or a list), relative to the show folder."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(name, str) for name in raw):
        problems.append("papers must name one or more paper files (BibTeX or YAML)")
        return []
    sources = []
    for name in raw:
        source = (show_root / name).resolve()
        if not source.is_file():
            problems.append(f"paper file {name!r} does not exist")
        sources.append(source)
    return sources


def episode_paths(show: ShowConfig) -> list[Path]:
    """The show's episode definitions, in file-name order."""
    return sorted(show.episodes_dir.glob("*.toml"))


