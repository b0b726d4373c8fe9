"""papercast's own YAML format (`.yaml`, `.yml`): a list of papers or `{papers: [...]}`:
    papers:
      - key: tang2020dysbiosis          # optional, else e.g. "tang2020gut" (first author's
                                        # family, year, first title word but a/an/the)
        title: Gut Microbiota Dysbiosis Enhances Migraine-Like Pain Via TNFα Upregulation
        authors:
          - Tang, Yuanyuan              # "Family, Given"
          - {family: Liu, given: Sufang}
          - International Headache Genetics Consortium   # no comma: a group author
          - {group: "University of Somewhere, Department of Neurology"}
        journal: Molecular Neurobiology
        date: 2020-01                   # YYYY, YYYY-MM or YYYY-MM-DD; or year/month/day
        doi: 10.1007/s12035-019-01721-7
        url: https://example.org/paper
        finding: Dysbiosis worsens migraine-like pain in mice.   # alias: abstract
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

from ..errors import SourceError
from ..model import Author
from .fields import Collected, build_paper, clean, date_parts, derived_key


def looks_like(text: str) -> bool:
    """True when `text` parses as YAML into papercast's shape: papers with titles or keys."""
    try:
        data = yaml.safe_load(text)
    except Exception:  # any YAML (or PyYAML) failure just means "not YAML"
        return False
    if isinstance(data, dict) and set(data) == {"papers"}:
        return True
    return (isinstance(data, list) and bool(data)
            and all(isinstance(item, dict) and ("title" in item or "key" in item) for item in data))


_YAML_FIELDS = {"key", "title", "authors", "journal", "date", "year", "month", "day", "doi", "url",
                "finding", "abstract"}


def _yaml_text(value: Any, name: str, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SourceError(f"{where} has {name} {clean(repr(value), 60)}, not text")
    return str(value)


def _yaml_authors(value: Any, where: str) -> tuple[Author, ...]:
    items = [value] if isinstance(value, (str, dict)) else value or []
    if not isinstance(items, list):
        raise SourceError(f"{where} has authors that are not a list")
    authors = []
    for item in items:
        if isinstance(item, str) and "," in item:
            family, _, given = item.partition(",")
            author = Author(clean(family), clean(given))
        elif isinstance(item, str):
            author = Author(clean(item), is_group=True)
        elif isinstance(item, dict) and set(item) == {"group"}:
            author = Author(clean(_yaml_text(item["group"], "group", where)), is_group=True)
        elif isinstance(item, dict) and "family" in item and set(item) <= {"family", "given"}:
            author = Author(clean(_yaml_text(item["family"], "family", where)),
                            clean(_yaml_text(item.get("given"), "given", where)))
        else:
            author = Author("")
        if not author.family:
            raise SourceError(f"{where} has author {clean(repr(item), 60)}, not 'Family, Given', "
                              "{family, given}, or a group name")
        authors.append(author)
    return tuple(authors)


def _yaml_paper(item: Any, index: int, path: Path, out: Collected) -> None:
    where = f"{path}: entry {index}"
    if not isinstance(item, dict):
        raise SourceError(f"{where} is not a mapping of fields")
    key = clean(_yaml_text(item.get("key"), "key", where))
    if key:
        where = f"{path}: entry '{key}'"
    unknown = sorted(str(name) for name in item if name not in _YAML_FIELDS)
    if unknown:
        raise SourceError(f"{where} has unknown field '{unknown[0]}'")
    if "date" in item and {"year", "month", "day"} & set(item):
        raise SourceError(f"{where} gives both date and year/month/day")
    year, month, day = (date_parts(item["date"], where) if "date" in item
                        else (item.get("year"), item.get("month"), item.get("day")))
    text = {name: _yaml_text(item.get(name), name, where) for name in ("title", "journal", "doi", "url")}
    finding = _yaml_text(item.get("finding", item.get("abstract")), "finding", where)
    paper = build_paper(where, key, path, _yaml_authors(item.get("authors"), where), out.notes, **text,
                        year=year, month=month, day=day, finding=finding)
    # The native format is hand-edited: a clash of derived keys is for the user to settle with `key:`.
    paper = paper if key else dataclasses.replace(paper, key=derived_key(paper, where))
    if out.has_key(paper.key):
        raise SourceError(f"{path}: entry {index} repeats the key '{paper.key}'")
    out.add(paper)


# libyaml parses a long reading list ten times faster; its error messages differ, so a file it
# refuses is parsed again by PyYAML's own parser, whose messages are the same everywhere.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read(path: Path, text: str, out: Collected) -> None:
    try:
        try:
            data = yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - a safe loader
        except Exception:  # any failure: let the pure-Python parser say what is wrong
            data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:  # PyYAML raises ValueError for 2020-13-01
        mark = getattr(exc, "problem_mark", None)
        reason = f"line {mark.line + 1}: {exc.problem}" if mark else str(exc)  # type: ignore[attr-defined]
        raise SourceError(f"{path}: not valid YAML ({clean(reason, 120)})") from None
    except RecursionError:
        raise SourceError(f"{path}: not valid YAML (nested too deeply)") from None
    if isinstance(data, dict):
        unknown = sorted(str(name) for name in data if name != "papers")
        if unknown:
            raise SourceError(f"{path}: unknown top-level key '{unknown[0]}' (expected only 'papers')")
        data = data.get("papers")
    if data is not None and not isinstance(data, list):
        raise SourceError(f"{path}: expected a list of papers, or a mapping with a 'papers' list")
    for index, item in enumerate(data or [], start=1):
        with out.entry():
            _yaml_paper(item, index, path, out)

