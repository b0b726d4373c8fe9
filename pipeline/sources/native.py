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
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import SourceError
from ..model import Author
from .fields import Collected, build_paper, clean, date_parts, derived_key, one_line


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
_BASE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastLoader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader without YAML's timestamps: a date stays text, so an impossible one
    ("2020-13-01") is reported for its entry instead of failing the whole file."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


class _PlainLoader(yaml.SafeLoader):
    """The pure-Python loader, for its error messages, also without timestamps."""

    yaml_implicit_resolvers = _FastLoader.yaml_implicit_resolvers


def _entry_lines(text: str) -> list[int]:
    """The line on which each entry of the papers list starts (parsed again only when one is bad)."""
    try:
        root = yaml.compose(text, Loader=_PlainLoader)
    except yaml.YAMLError:
        return []
    if isinstance(root, yaml.MappingNode):
        root = next((value for key, value in root.value if key.value == "papers"), None)
    return [item.start_mark.line + 1 for item in root.value] if isinstance(root, yaml.SequenceNode) else []


def _with_line(error: SourceError, line: int | None) -> SourceError:
    """`error` with the entry's line after its name: "FILE: entry 'x' (line 12) has ..."."""
    if line is None:
        return error
    message = re.sub(r"^(.*?: entry (?:'[^']*'|\d+))", rf"\1 (line {line})", str(error), count=1)
    return SourceError(message)


def read(path: Path, text: str, out: Collected) -> None:
    """Read papercast's YAML into `out`; a bad entry is skipped and reported with its line."""
    try:
        try:
            data = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a safe loader
        except Exception:  # any failure: let the pure-Python parser say what is wrong
            data = yaml.load(text, Loader=_PlainLoader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = f"line {mark.line + 1}: {getattr(exc, 'problem', '')}" if mark else str(exc)
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
    lines: list[int] | None = None
    for index, item in enumerate(data or [], start=1):
        try:
            _yaml_paper(item, index, path, out)
        except SourceError as exc:
            lines = _entry_lines(text) if lines is None else lines
            out.problems.append(one_line(_with_line(exc, lines[index - 1] if index <= len(lines) else None)))

