"""CSL-JSON (Zotero, Crossref): a list of items, one item, `{"items": [...]}` or
Crossref's `{"message": ...}`.
Fields: `title` (Crossref: a list); `author` (`family`, `given`, `non-dropping-particle` as in
"Di Lauro", `dropping-particle`, `suffix`, or one-field `literal`/`name`, a group unless it reads
as a person's name); `issued` (else `published`, `published-print`, `published-online`) as
`date-parts` or `raw`; `container-title`; `DOI`; `URL`; `abstract` (JATS markup removed); the
key from `citation-key`, else `id` when it is a word (not a Zotero item URL).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..model import Author
from .fields import (
    Collected,
    build_paper,
    clean,
    family_given,
    is_group_name,
    looks_like_person,
    own_key,
    parse_date,
    person,
    strip_markup,
)


def _csl_text(value: Any, name: str, where: str) -> str:
    if isinstance(value, list):  # Crossref gives titles as lists of one
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SourceError(f"{where} has {name} {clean(repr(value), 60)}, not text")
    return str(value)


def _csl_authors(value: Any, where: str, out: Collected) -> tuple[Author, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SourceError(f"{where} has author {clean(repr(value), 60)}, not a list of names")
    authors = []
    for item in value:
        if isinstance(item, str):
            authors.append(family_given(item))
            continue
        if not isinstance(item, dict):
            raise SourceError(f"{where} has author {clean(repr(item), 60)}, not a name")
        part = {name: clean(_csl_text(item.get(name), name, where))
                for name in ("family", "given", "literal", "name", "dropping-particle", "non-dropping-particle",
                             "suffix")}
        literal = part["literal"] or part["name"]  # Zotero writes one-field names as literal, Crossref as name
        if literal and not part["family"]:
            group = is_group_name(literal) or not looks_like_person(literal)
            authors.append(Author(literal, is_group=True) if group else person(literal))
        elif part["family"]:
            family = " ".join(filter(None, (part["dropping-particle"], part["non-dropping-particle"],
                                            part["family"], part["suffix"])))
            authors.append(Author(family, part["given"]))
        elif part["given"]:
            authors.append(Author(part["given"]))
        else:
            out.notes.append(f"{where} has an author without a name ({clean(repr(item), 60)}); left out")
    return tuple(authors)


def _csl_date(item: dict[str, Any], where: str) -> tuple[Any, Any, Any]:
    for name in ("issued", "published", "published-print", "published-online"):
        value = item.get(name)
        if isinstance(value, dict):
            parts = value.get("date-parts")
            first = parts[0] if isinstance(parts, list) and parts else None
            first = first if isinstance(first, list) else parts
            if isinstance(first, list) and first and first[0] not in (None, ""):
                return tuple([*first[:3], None, None][:3])  # type: ignore[return-value]
            value = value.get("raw") or value.get("literal")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            parsed = parse_date(value)
            if parsed is None:
                raise SourceError(f"{where} has {name} date {clean(value, 60)!r}, which is not a date")
            return parsed
        if value not in (None, "", [], {}):
            raise SourceError(f"{where} has {name} {clean(repr(value), 60)}, not a date")
    return None, None, None


def _csl_items(data: Any, path: Path) -> list[Any]:
    if isinstance(data, dict) and isinstance(data.get("message"), dict):  # Crossref's REST API
        data = data["message"]
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise SourceError(f"{path}: expected a list of CSL-JSON items, or one item")


def read(path: Path, text: str, out: Collected) -> None:
    """Read CSL-JSON text into `out`: one paper or one problem per item."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise SourceError(f"{path}: not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise SourceError(f"{path}: not valid JSON ({clean(str(exc), 80)})") from None
    for index, item in enumerate(_csl_items(data, path), start=1):
        where = f"{path}: entry {index}"
        with out.entry():
            if not isinstance(item, dict):
                raise SourceError(f"{where} is not an object of fields")
            key, where = own_key(item.get("citation-key") or item.get("id"), path, where)
            year, month, day = _csl_date(item, where)
            text_of = {name: _csl_text(item.get(name), name, where)
                       for name in ("title", "container-title", "DOI", "URL", "abstract")}
            paper = build_paper(where, key, path, _csl_authors(item.get("author"), where, out), out.notes,
                                title=strip_markup(text_of["title"]), journal=strip_markup(text_of["container-title"]),
                                year=year, month=month, day=day, doi=text_of["DOI"], url=text_of["URL"],
                                finding=strip_markup(text_of["abstract"]))
            out.keep(paper, where)
