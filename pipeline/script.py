"""Write the two-host dialogue for an episode from Jinja2 templates and the paper data."""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from .errors import TemplateError
from .model import Paper, Script, Section, Turn
from .spoken import SpokenForm

# A rendered template is a dialogue: each turn starts with "A:" or "B:" (the first or
# second host); following lines without a role continue that turn.
_ROLE_LINE = re.compile(r"^\s*([AB])\s*:\s*(.*)$")
ROLES = {"A": 0, "B": 1}


@dataclass(frozen=True)
class EpisodeInfo:
    """What the templates know about the episode being written."""

    id: str
    title: str
    description: str


def template_environment(show_templates: Path | None = None) -> jinja2.Environment:
    """Templates from the show's own folder first, then the ones shipped with papercast."""
    loaders: list[jinja2.BaseLoader] = []
    if show_templates is not None and show_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(show_templates)))
    loaders.append(jinja2.PackageLoader("pipeline", "templates"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )


def _template_location(exc: BaseException, name: str) -> str:
    """"file:line" of the template frame where a rendering error happened."""
    lineno = getattr(exc, "lineno", None)
    filename = getattr(exc, "filename", None) or name
    tb = exc.__traceback__
    while tb is not None:  # jinja2 maps template frames to the template's file and line
        code = tb.tb_frame.f_code
        if code.co_filename.endswith(".j2") or code.co_filename.endswith(name):
            filename, lineno = code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return f"{filename}:{lineno}" if lineno else str(filename)


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template; any failure is a TemplateError naming its file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound:
        raise TemplateError(f"template {name!r} not found (in the show's templates/ or papercast's)") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or name}:{exc.lineno}: {exc.message}") from None
    except Exception as exc:  # a template can fail in any way its expressions can
        raise TemplateError(f"{_template_location(exc, name)}: {exc}") from None


def parse_dialogue(rendered: str, template: str) -> list[tuple[int, str]]:
    """Split a rendered template into (host, text) turns."""
    turns: list[tuple[int, str]] = []
    for number, line in enumerate(rendered.splitlines(), start=1):
        if not line.strip():
            continue
        match = _ROLE_LINE.match(line)
        if match:
            turns.append((ROLES[match.group(1)], match.group(2).strip()))
        elif turns:
            host, text = turns[-1]
            turns[-1] = (host, f"{text} {line.strip()}")
        else:
            raise TemplateError(f"{template}: output line {number} does not start with 'A:' or 'B:'")
    return [(host, " ".join(text.split())) for host, text in turns if text.strip()]


def _picker(seed: str) -> Callable[..., str]:
    """A `pick(...)` for templates: chooses among phrasings by hash, so output is repeatable."""
    calls = [0]

    def pick(*options: str) -> str:
        calls[0] += 1
        digest = hashlib.sha256(f"{seed}/{calls[0]}".encode()).digest()
        return options[int.from_bytes(digest[:4], "big") % len(options)]

    return pick


def authors_phrase(paper: Paper) -> str:
    """"First Author and colleagues", or both names when there are exactly two."""
    if not paper.authors:
        return "the authors"
    first = paper.authors[0].display
    if len(paper.authors) == 1:
        return first
    if len(paper.authors) == 2:
        return f"{first} and {paper.authors[1].display}"
    return f"{first} and colleagues"


def when_phrase(paper: Paper) -> str:
    """"in October 2023" or "in 2023" (or "" when the year is unknown)."""
    if paper.year is None:
        return ""
    if paper.month:
        return f"in {calendar.month_name[paper.month]} {paper.year}"
    return f"in {paper.year}"


def sentence(text: str) -> str:
    """Text with a closing full stop, so each finding reads as a sentence."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def paper_context(paper: Paper, index: int, total: int) -> dict[str, Any]:
    """The values a paper template uses, in written form."""
    return {
        "paper": paper,
        "number": index + 1,
        "total": total,
        "is_first": index == 0,
        "is_last": index == total - 1,
        "authors": authors_phrase(paper),
        "first_author": paper.authors[0].family if paper.authors else "",
        "when": when_phrase(paper),
        "title": sentence(paper.title).rstrip("."),
        "finding": sentence(paper.finding),
    }


def write_script(
    show_title: str,
    host_names: tuple[str, str],
    episode: EpisodeInfo,
    papers: Sequence[Paper],
    env: jinja2.Environment,
    spoken: SpokenForm | None = None,
) -> Script:
    """The episode's dialogue: intro, one segment per paper, outro."""
    spoken = spoken or SpokenForm()
    base = {
        "show_title": show_title,
        "host_a": host_names[0],
        "host_b": host_names[1],
        "episode": episode,
        "papers": list(papers),
        "years": sorted({p.year for p in papers if p.year is not None}),
    }
    parts: list[tuple[Section, str, dict[str, Any]]] = [
        (Section("intro", "Introduction"), "intro.j2", {}),
    ]
    for index, paper in enumerate(papers):
        parts.append((Section(f"paper-{paper.key}", paper.title, paper.link), "paper.j2",
                      paper_context(paper, index, len(papers))))
    parts.append((Section("outro", "Wrap-up"), "outro.j2", {}))

    turns: list[Turn] = []
    for section, template, extra in parts:
        context = {**base, **extra, "pick": _picker(f"{episode.id}/{section.id}")}
        for host, text in parse_dialogue(render(env, template, context), template):
            turns.append(Turn(host=host, text=text, spoken=spoken.say(text), section=section.id))
    return Script(title=episode.title, host_names=host_names, turns=tuple(turns),
                  sections=tuple(section for section, _, _ in parts))
