"""Write the two-host dialogue for an episode from Jinja2 templates and the paper data.

The wording is the templates' (found and rendered by templating.py); the facts are Python's
(`views.py`: designs, themes, links, years; `facts.py` and `planner.py`: what each paper's
segment can say, as moves). A *format* is a set of templates, one per part of the episode:

    cold-open.j2, intro.j2   -> section "intro"
    paper.j2 (once a paper)  -> section "paper-<key>" (its transition in included)
    synthesis.j2             -> section "synthesis"
    outro.j2                 -> section "outro"

The default format, `deep-dive`, lives directly in `pipeline/script/templates/`; another format is
a folder there (`brief/`, `critique/`) or in a show's own `templates/` folder, holding only
the parts (and macro files) it changes. A template name is looked up in this order:
show `templates/<format>/`, papercast `templates/<format>/`, show `templates/`, papercast
`templates/` (a show overrides a template with a file of the same name, adds a format with a
folder). Templates write roles: A asks and reacts, B reads; `reader` says which host is B.

Length: each paper has a detail level (0 = title, authors, year, design and finding; up to
`MAX_DETAIL`, which adds caveats, explanations, connections, recaps) and the episode has
an `extent` for the intro, synthesis and outro. The spoken length of a script is estimated
as words of each turn's spoken text / that host's words per minute, plus 350 ms per turn
and 800 ms per section (`estimate_seconds`); for a target length the levels are raised
paper by paper until the estimate is nearest the target. Papers are never dropped.
"""

from __future__ import annotations

import calendar
import copy
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
import jinja2.bccache

from ..config import AudioSettings
from ..errors import PapercastError, TemplateError
from ..model import Paper, Script, Section, Turn
from . import planner, views as v
from .arrangement import Arrangement, Turns, choose, merge_turns, names_a_host, settled, swapped
from .health import needs_disclaimer
from .picker import Picker, sentence_patterns
from .spoken import SpokenForm
from .templating import (
    DEFAULT_FORMAT,
    _FormatLoader,
    parse_dialogue,
    render,
)
from .themes import topic_words

MAX_DETAIL = 8
DEFAULT_LEVEL = 4  # detail and extent when no length is asked for ...
DEFAULT_DETAIL = {"brief": 0}  # ... unless the format has its own
DEFAULT_MINUTES = {"brief": 2.5}  # formats with a length of their own
# The show's pauses and a pace for estimates when no voice was measured; settings say otherwise.
TURN_PAUSE_S = AudioSettings().turn_pause_ms / 1000
SECTION_PAUSE_S = AudioSettings().section_pause_ms / 1000
DEFAULT_WPM = (160.0, 160.0)
LENGTH_TOLERANCE = 0.15
VARIANTS = 8  # arrangements of a paper's segment tried, so no segment shape recurs more than twice


@dataclass(frozen=True)
class EpisodeInfo:
    """What the templates know about the episode being written."""

    id: str
    title: str
    description: str


# --- the data each template sees -----------------------------------------------------------------

def authors_phrase(paper: Paper) -> str:
    """"First Author and colleagues", or both names when there are exactly two."""
    if not paper.authors:
        return "the authors"
    first = paper.authors[0].display
    if paper.team_size == 1:
        return first
    if paper.team_size == 2:
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


_COUNT_TITLE = re.compile(r"\s*(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|\w+ of)\s+papers?\s*",
                          re.IGNORECASE)


def counts_only(title: str) -> bool:
    """A title that only counts the papers ("3 papers", the one-off default): said, it repeats the count."""
    return not title.strip() or bool(_COUNT_TITLE.fullmatch(title))


def paper_context(paper: Paper, index: int, total: int) -> dict[str, Any]:
    """The values a paper template uses, in written form (the names earlier templates used)."""
    key = paper.key
    return {
        "paper": paper,
        "number": index + 1,
        "total": total,
        "is_first": index == 0,
        "is_last": index == total - 1,
        "authors": v.Data(authors_phrase(paper), f"{key}:authors"),
        "first_author": v.Data(paper.authors[0].family if paper.authors else "", f"{key}:authors"),
        "when": v.Data(when_phrase(paper), f"{key}:year"),
        "title": v.Data(sentence(paper.title).rstrip("."), f"{key}:title"),
        "finding": v.Data(sentence(paper.finding), f"{key}:finding"),
    }


def central_question(episode: EpisodeInfo) -> str:
    """The episode's question, if its title or description asks one ("what connects ... to migraine?")."""
    for text in (episode.title, episode.description):
        for candidate in re.split(r"(?<=[.!?])\s+", text):
            if candidate.endswith("?"):
                return candidate.rsplit(": ", 1)[-1].strip()
    return ""


# --- writing ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    """A written script with what made it: marked turn texts, the levels used and the length estimate."""

    script: Script
    marked: tuple[str, ...]
    format: str
    extent: int
    details: tuple[int, ...]
    seconds: float
    target_seconds: float | None

    def patterns(self) -> Counter[str]:
        """How often each sentence pattern occurs (see `sentence_patterns`)."""
        return sentence_patterns(self.marked)

    @property
    def on_target(self) -> bool:
        """True when there was no target, or the estimate is within 15 percent of it."""
        target = self.target_seconds
        return target is None or abs(self.seconds - target) <= LENGTH_TOLERANCE * target

    def length_note(self) -> str:
        """"" when on target; otherwise one line for the build to print (papers are never cut)."""
        if self.on_target:
            return ""
        papers, target = len(self.details), self.target_seconds or 0.0
        if self.seconds < target:  # every move the facts allow is said: the rest would be padding
            return (f"asked for {target / 60:.1f} min; {papers} {'paper' if papers == 1 else 'papers'} give at most "
                    f"{self.seconds / 60:.1f} min of content in the {self.format} format, and nothing is padded")
        return (f"asked for {target / 60:.1f} min; the {self.format} format makes at least "
                f"{self.seconds / 60:.1f} min of {papers} {'paper' if papers == 1 else 'papers'}")


class _Writer:
    """Renders one episode in one format at given detail levels."""

    def __init__(self, show_title: str, host_names: tuple[str, str], episode: EpisodeInfo,
                 papers: Sequence[Paper], env: jinja2.Environment, fmt: str, disclaimer: str = "auto",
                 reader: int = 1) -> None:
        self.env, self.format, self.episode, self.papers = env, fmt, episode, list(papers)
        self.host_names = host_names
        self.roles = (1 - reader, reader)  # who plays A (asks, reacts) and B (reads titles, findings, recaps)
        topic = topic_words(show_title)
        self.ev = v.episode_views(papers, topic)
        self.segments = planner.plan_episode(self.ev, papers, topic)
        planner.compare_within(self.ev, self.segments)
        question = central_question(episode)
        years = sorted({p.year for p in papers if p.year is not None})
        self.base: dict[str, Any] = {
            "show_title": v.Data(show_title, "show:title"),
            "host_a": v.Data(host_names[self.roles[0]], "show:host"),
            "host_b": v.Data(host_names[self.roles[1]], "show:host"),
            "episode": episode,
            "disclaimer": needs_disclaimer(papers, disclaimer),  # "not medical advice": health papers only
            "episode_title": v.Data(episode.title, "episode:title"),
            "titled": not counts_only(episode.title),
            "description": v.Data(episode.description, "episode:description"),
            "question": v.Data(question, "episode:description"),
            "ep": self.ev,
            "relations": [r for s in self.segments.values() for r in s.relations
                          if r["kind"] in (planner.AGREE, planner.DISAGREE, planner.DIFFER)],
            "papers": self.ev.papers,
            "years": [v.Data(y, "episode:year") for y in years],
            "format": fmt,
        }

    def _name(self, part: str) -> str:
        return f"{self.format}/{part}.j2" if isinstance(self.env.loader, _FormatLoader) else f"{part}.j2"

    def render(self, extent: int, details: Sequence[int]) -> tuple[list[tuple[int, str, str]], list[Section]]:
        pick = Picker(f"{self.episode.id}/{self.format}")
        for view, detail in zip(self.ev.papers, details, strict=True):
            v.set_detail(view, detail)
        plan: list[tuple[str, Section, dict[str, Any]]] = [
            ("cold-open", Section("intro", "Introduction"), {}),
            ("intro", Section("intro", "Introduction"), {}),
        ]
        for index, (paper, view) in enumerate(zip(self.papers, self.ev.papers, strict=True)):
            extra = {**paper_context(paper, index, len(self.papers)), "p": view, "detail": view.detail}
            plan.append(("paper", Section(f"paper-{paper.key}", paper.title, paper.link), extra))
        plan.append(("synthesis", Section("synthesis", "What it adds up to"), {}))
        plan.append(("outro", Section("outro", "Wrap-up"), {}))

        turns: list[tuple[int, str, str]] = []
        sections: list[Section] = []
        shapes: Counter[str] = Counter()
        for part, section, extra in plan:
            name = self._name(part)
            if part == "cold-open" and not self._exists(name):
                continue  # a show's own older template set may have no cold open
            pick.section = section.id
            context = {**self.base, **extra, "extent": extent, "pick": pick}
            said = self._segment(name, context, pick, shapes, turns[-1][0] if turns else None) if part == "paper" else \
                merge_turns(parse_dialogue(render(self.env, name, context), name))
            if turns and said and said[0][0] == turns[-1][0]:  # never one host twice across a boundary
                if not names_a_host(said, self.host_names):
                    said = swapped(said)
                else:  # "I'm Maya" cannot change hands: the line joins the turn before it
                    host, text, where = turns[-1]
                    turns[-1], said = (host, f"{text} {said[0][1]}", where), said[1:]
            turns.extend((host, text, section.id) for host, text in said)
            if any(t[2] == section.id for t in turns) and section.id not in {s.id for s in sections}:
                sections.append(section)
        return [(self.roles[role], text, where) for role, text, where in turns], sections  # roles to hosts

    def _segment(self, name: str, context: dict[str, Any], pick: Picker,
                 shapes: Counter[str], last_host: int | None) -> Turns:
        """A paper's segment, in the arrangement `arrangement.choose` prefers among those tried."""
        view = context["p"]
        segment = self.segments.get(view.key)
        saved = copy.deepcopy(pick.__dict__)
        tried: list[Arrangement] = []
        for variant in range(VARIANTS if segment is not None else 1):
            pick.__dict__.update(copy.deepcopy(saved))
            view.moves = planner.arrange(segment, view, variant) if segment is not None else ()
            said = merge_turns(parse_dialogue(render(self.env, name, context), name))
            tried.append(Arrangement(said, view.moves, copy.deepcopy(pick.__dict__)))
            if settled(tried[-1], shapes, last_host):
                break
        best = choose(tried, shapes, last_host)
        view.moves = best.moves
        pick.__dict__.update(best.state)
        shapes[best.shape] += 1
        return best.said

    def _exists(self, name: str) -> bool:
        try:
            self.env.get_template(name)
        except jinja2.TemplateNotFound:
            return False
        except jinja2.TemplateError:
            return True  # it exists but is broken: rendering will report it with its line
        return True


def _to_script(title: str, host_names: tuple[str, str], turns: list[tuple[int, str, str]],
               sections: list[Section], spoken: SpokenForm) -> Script:
    said = []
    for host, marked, section in turns:
        text = v.unmark(marked)
        said.append(Turn(host=host, text=text, spoken=spoken.say_turn(text), section=section))
    return Script(title=title, host_names=host_names, turns=tuple(said), sections=tuple(sections))


def estimate_seconds(script: Script, words_per_minute: tuple[float, float] = DEFAULT_WPM,
                     turn_pause: float = TURN_PAUSE_S, section_pause: float = SECTION_PAUSE_S) -> float:
    """Spoken length: each turn's spoken words at its host's rate, plus a pause per turn and per section."""
    speaking = sum(len(t.spoken.split()) * 60.0 / words_per_minute[t.host] for t in script.turns)
    return speaking + turn_pause * len(script.turns) + section_pause * len(script.sections)


def _ladder(papers: int) -> list[tuple[int, tuple[int, ...]]]:
    """Level settings from shortest to longest: each step raises the episode or one paper by one."""
    extent, details = 0, [0] * papers
    steps = [(extent, tuple(details))]
    for level in range(1, MAX_DETAIL + 1):
        extent = level
        steps.append((extent, tuple(details)))
        for index in range(papers):
            details[index] = level
            steps.append((extent, tuple(details)))
    return steps


def draft_script(
    show_title: str,
    host_names: tuple[str, str],
    episode: EpisodeInfo,
    papers: Sequence[Paper],
    env: jinja2.Environment,
    spoken: SpokenForm | None = None,
    *,
    format: str = DEFAULT_FORMAT,
    minutes: float | None = None,
    words_per_minute: tuple[float, float] = DEFAULT_WPM,
    pauses: tuple[float, float] = (TURN_PAUSE_S, SECTION_PAUSE_S),
    disclaimer: str = "auto",
    reader: int = 1,
) -> Draft:
    """Write the episode's script and say how it was made; host `reader` (the clearer voice) reads titles and recaps."""
    spoken = spoken or SpokenForm()
    if isinstance(env.loader, _FormatLoader) and format not in env.loader.formats():
        raise TemplateError(f"unknown format {format!r} (available: {', '.join(env.loader.formats())})")
    writer = _Writer(show_title, host_names, episode, papers, env, format, disclaimer, reader)
    if minutes is None:
        minutes = DEFAULT_MINUTES.get(format)
    if minutes is not None and minutes <= 0:
        raise PapercastError(f"the target length must be more than 0 minutes, not {minutes}")

    target = None if minutes is None else minutes * 60.0
    if target is None:
        level = DEFAULT_DETAIL.get(format, DEFAULT_LEVEL)
        extent, details = level, (level,) * len(papers)
    else:
        extent, details = _fit(_ladder(len(papers)), target, _Probe(writer, spoken, words_per_minute, pauses))
    turns, sections = writer.render(extent, details)
    script = _to_script(episode.title, host_names, turns, sections, spoken)
    return Draft(script=script, marked=tuple(t[1] for t in turns), format=format, extent=extent,
                 details=tuple(details), seconds=estimate_seconds(script, words_per_minute, *pauses),
                 target_seconds=target)


class _Probe:
    """A quick length estimate for trying level settings while fitting a target length.

    Rendering is cheap but the spoken form is not, so a probe counts the written words of
    the template text and takes each data value's spoken word count from a cache (data
    values, titles and findings, recur from one probe to the next). The final script is
    measured exactly with `estimate_seconds`.
    """

    def __init__(self, writer: _Writer, spoken: SpokenForm, words_per_minute: tuple[float, float],
                 pauses: tuple[float, float]) -> None:
        self.writer, self.wpm, self.pauses = writer, words_per_minute, pauses
        self.spoken = copy.deepcopy(spoken)  # the caller's SpokenForm keeps its state for the real script
        self.cache: dict[str, int] = {}

    def _words(self, marked: str) -> int:
        count = len(v.skeleton(marked, " ").split())
        for _, value in v.spans(marked):
            if value not in self.cache:
                self.cache[value] = len(self.spoken.say(value).split())
            count += self.cache[value]
        return count

    def __call__(self, step: tuple[int, tuple[int, ...]]) -> float:
        turns, sections = self.writer.render(*step)
        speaking = sum(self._words(marked) * 60.0 / self.wpm[host] for host, marked, _ in turns)
        return speaking + self.pauses[0] * len(turns) + self.pauses[1] * len(sections)


def _fit(ladder: list[tuple[int, tuple[int, ...]]], target: float,
         measure: Callable[[tuple[int, tuple[int, ...]]], float]) -> tuple[int, tuple[int, ...]]:
    """The step of the ladder whose estimated length is nearest the target.

    Length grows nearly linearly along the ladder, so the search interpolates between the
    steps known to be too short and too long (a few probes), halving when that stalls.
    """
    cache: dict[int, float] = {}

    def length(i: int) -> float:
        if i not in cache:
            cache[i] = measure(ladder[i])
        return cache[i]

    low, high = 0, len(ladder) - 1
    if length(high) <= target:
        return ladder[high]
    if length(low) >= target:
        return ladder[low]
    while high - low > 1:  # invariant: length(low) < target <= length(high)
        span = length(high) - length(low)
        guess = low + round((target - length(low)) / span * (high - low)) if span > 0 else (low + high) // 2
        guess = min(max(guess, low + 1), high - 1)
        if length(guess) < target:
            low = guess
        else:
            high = guess
    best = min((low, high), key=lambda i: abs(length(i) - target))
    return ladder[best]


def write_script(
    show_title: str,
    host_names: tuple[str, str],
    episode: EpisodeInfo,
    papers: Sequence[Paper],
    env: jinja2.Environment,
    spoken: SpokenForm | None = None,
    *,
    format: str = DEFAULT_FORMAT,
    minutes: float | None = None,
    words_per_minute: tuple[float, float] = DEFAULT_WPM,
    pauses: tuple[float, float] = (TURN_PAUSE_S, SECTION_PAUSE_S),
    disclaimer: str = "auto",
) -> Script:
    """The episode's dialogue: cold open and intro, one segment per paper, synthesis, outro."""
    return draft_script(show_title, host_names, episode, papers, env, spoken, format=format, minutes=minutes,
                        words_per_minute=words_per_minute, pauses=pauses, disclaimer=disclaimer).script


