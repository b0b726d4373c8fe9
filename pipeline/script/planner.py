"""Plan each paper's segment as a sequence of moves chosen from the facts it has.

A move is a short exchange with a job: the way in (who wrote it, or a headline result, a
"which way did it go?" question, or a number), the design (explained the first time it
comes up in an episode, a callback after that, an unknown design said once), the finding
and its second part, a host's paraphrase of a real result, the numbers and how sure they
are, the sceptic's challenge to a small sample, a true link to an earlier paper, the caveat
that fits the design (a null-result branch for each), "how would you test that", the
authors' own conclusion. A move is planned only when its facts exist, so no question is
ever answered with "we don't know".

Each move has a rank: a paper's segment at detail level d says the moves of rank <= d, so
a longer episode says more *content* first; the generic blocks (how to read a paper, what
would settle it, what a listener can do) come last and at most once per episode.
The `variant` reorders and re-phrases a segment, so the writer can keep any one segment
shape from recurring more than twice in an episode.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Paper
from . import design as designs
from .facts import Fact, Facts
from .material import Material, Part, material
from .relations import AGREE, DIFFER, DISAGREE, Relation, episode_relations
from .views import Data, EpisodeView, PaperView, unmark

__all__ = ["AGREE", "DIFFER", "DISAGREE", "Move", "Segment", "arrange", "compare_within", "plan_episode"]
OPENINGS = ("who", "title", "headline", "quiz", "number")
GENERIC = ("reading", "stronger", "act")
GENERIC_RANK = {"reading": 6, "stronger": 7, "act": 8}
SMALL_SAMPLE = 50
_METHOD_WORDS = re.compile(r"\b(study|trial|analysis|review|survey|cohort|crossover|experiment|interviews?)\b",
                           re.IGNORECASE)
_SMALL_HEDGES = ("preliminary", "pilot", "exploratory", "tentative")
LARGE_SAMPLE = 1000
_TESTABLE = (designs.ANIMAL, designs.OBSERVATIONAL, designs.MENDELIAN)


@dataclass(frozen=True)
class Move:
    """One exchange of a segment: its name, the detail level it needs, and its values."""

    name: str
    rank: int
    d: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Segment:
    """What a paper's segment can draw on (the moves are arranged from it per variant)."""

    key: str
    material: Material
    design_role: str                 # "explain", "callback", "unknown" or "none"
    prior: PaperView | None          # the earlier paper of the same design (callback)
    relations: tuple[dict[str, Any], ...]
    hook: bool                       # its finding opened the episode
    generic: tuple[str, ...]         # generic blocks this paper carries (each once per episode)
    values: dict[str, Any]           # facts as template data: sample, duration, effect, ...


def _data(fact: Fact | None, key: str, detail: bool = False) -> Data | None:
    if fact is None:
        return None
    return Data(fact.detail if detail else fact.text, f"{key}:finding")


def _best_effect(facts: Sequence[Fact]) -> Fact | None:
    """The first effect with an interval, else the first effect."""
    with_interval = [f for f in facts if f.low is not None]
    found = with_interval or list(facts)
    return found[0] if found else None


def _clause_of(m: Material, fact: Fact) -> Part | None:
    """The part of the finding a fact sits in."""
    parts = [p for p in (m.lead, m.second, *m.rest, m.conclusion, m.method, *m.more) if p is not None]
    return next((p for p in parts if p.start <= fact.start < p.end), None)


def _duration(m: Material, sample: Fact | None) -> Fact | None:
    """How long, said with the sample only from the sample's own clause ("NNT 39 over 5 years" is not it)."""
    if sample is None:
        return m.facts.first("duration")
    clause = _clause_of(m, sample)
    return next((f for f in m.facts.all("duration") if clause and clause.start <= f.start < clause.end), None)


def _effect_outcome(m: Material, effect: Fact | None) -> Fact | None:
    """The outcome an effect measures: the last direction or null before it in its own clause, else None."""
    if effect is None:
        return None
    clause = _clause_of(m, effect)
    if clause is None:
        return None
    before = [f for f in m.facts.all("direction") if clause.start <= f.start < effect.start
              and f.value in ("up", "down", "none") and f.detail and len(f.detail.split()) <= 6]
    return before[-1] if before else None


def _effect_p(facts: Facts, effect: Fact | None) -> Fact | None:
    """The p-value said with an effect: the first one after it, before any other effect."""
    if effect is None:
        return None
    later = [f.start for f in facts.all("effect") if f.start > effect.start]
    limit = min(later, default=effect.end + 80)
    return next((f for f in facts.all("p_value") if effect.start < f.start < limit), None)


def _interval(effect: Fact | None) -> str:
    """How the interval sits against no effect: "clear", "edge", "crosses" or "" (no interval)."""
    if effect is None or effect.low is None or effect.high is None:
        return ""
    if effect.crosses_null:
        return "crosses"
    null = 1.0 if effect.value in ("OR", "aOR", "HR", "aHR", "RR", "aRR", "IRR", "odds ratio", "hazard ratio",
                                   "risk ratio", "relative risk", "rate ratio") else 0.0
    near = min(abs(effect.low - null), abs(effect.high - null))
    return "edge" if near <= 0.02 * max(1.0, null) else "clear"


def _values(m: Material, key: str, kind: str) -> dict[str, Any]:
    """The facts a segment's moves speak, as data for the templates."""
    facts = m.facts
    sample = next((f for f in facts.all("sample") if f.detail), facts.first("sample"))
    direction = next((f for f in facts.all("direction") if f.value in ("up", "down", "none")
                      and f.detail and len(f.detail.split()) <= 6), None)
    nulls = [f for f in facts.all("null") if f.detail]
    effect = _best_effect(facts.all("effect"))
    own_hedges = [f for f in facts.all("hedge") if m.conclusion and m.conclusion.start <= f.start < m.conclusion.end]
    small = [f for f in facts.all("hedge") if f.value in _SMALL_HEDGES]
    animals = kind == designs.ANIMAL or (sample is not None and facts.first("organism") is not None)
    return {
        "sample": _data(sample, key, bool(sample and sample.detail)), "n": int(sample.number or 0) if sample else 0,
        "animals": animals, "duration": _data(_duration(m, sample), key),
        "studies": _data(facts.first("studies"), key), "effect": _data(effect, key),
        "interval": _interval(effect), "p": _data(_effect_p(facts, effect), key),
        "effect_outcome": _data(_effect_outcome(m, effect), key, True),
        "i2": _data(facts.first("i2"), key), "i2_value": facts.i2 or 0.0,
        "direction": direction.value if direction else "", "outcome": _data(direction, key, True),
        "null": facts.null, "null_outcome": _data(nulls[0], key, True) if nulls else None,
        "hedge": _data(own_hedges[0], key) if own_hedges else None,
        "small_hedge": _data(small[0], key) if small else None,
        "organism": _data(facts.first("organism"), key), "kind": kind,
    }


def _relation_data(relation: Relation, views: dict[str, PaperView]) -> dict[str, Any]:
    earlier, later = views[relation.earlier], views[relation.later]
    a, b = relation.earlier_outcome, relation.later_outcome
    return {
        "kind": relation.kind, "other": earlier, "paper": later,
        "same_design": earlier.design.kind == later.design.kind,
        "other_outcome": Data(a.words, f"{earlier.key}:finding") if a else None,
        "other_direction": a.polarity if a else "",
        "outcome": Data(b.words, f"{later.key}:finding") if b else None,
        "direction": b.polarity if b else "",
        "term": Data(relation.term, f"{later.key}:term") if relation.term else None,
    }


def plan_episode(ev: EpisodeView, papers: Sequence[Paper], topic: frozenset[str] = frozenset(),
                 strip_stats: bool = True) -> dict[str, Segment]:
    """Every paper's segment material: design roles, callbacks, relations and the generic blocks."""
    views = {v.key: v for v in ev.papers}
    relations = episode_relations(papers, topic)
    found = {p.key: material(p, strip_stats) for p in papers}
    ev.hook, ev.hook_paper = _hook(ev.papers, found)
    first_of: dict[str, PaperView] = {}
    unknown_said = False
    generic = _allocate_generic(ev.papers)
    segments: dict[str, Segment] = {}
    said: dict[str, int] = {}
    for paper, view in zip(papers, ev.papers, strict=True):
        kind = view.design.kind
        prior = first_of.get(kind)
        if kind == designs.OTHER:
            # Said once, and only when the finding doesn't itself say how it was done.
            role = "none" if unknown_said or _METHOD_WORDS.search(paper.finding) else "unknown"
            unknown_said = unknown_said or role == "unknown"
        else:
            role = "callback" if prior is not None else "explain"
            first_of.setdefault(kind, view)
        m = found[paper.key]
        view.said = m
        segments[paper.key] = Segment(
            key=paper.key, material=m, design_role=role, prior=prior,
            relations=tuple(_relation_data(r, views) for r in _capped(relations[paper.key], said)),
            hook=ev.hook_paper is not None and ev.hook_paper.key == paper.key,
            generic=generic.get(paper.key, ()), values=_values(m, paper.key, kind))
    return segments


def _hook(views: Sequence[PaperView], found: dict[str, Material]) -> tuple[Part | None, PaperView | None]:
    """The cold open's line: a short lead result in the paper's own words (no "we" to rewrite)."""
    candidates = []
    for view in views:
        lead = found[view.key].lead
        words = len(unmark(lead.text).split()) if lead else 0
        if lead is not None and not lead.subjectless and not lead.voiced and 6 <= words <= 24:
            candidates.append((lead.role != "result", not view.claims, words, view.number, lead, view))
    if not candidates:
        return None, None
    *_, lead, view = min(candidates, key=lambda c: c[:4])
    return lead, view


def _capped(found: Sequence[Relation], said: dict[str, int]) -> list[Relation]:
    """Relations still worth saying: agreements and clashes always, a weaker kind at most twice an episode."""
    kept: list[Relation] = []
    for relation in found:
        if len(kept) == 2:
            break
        if relation.kind in (AGREE, DISAGREE, DIFFER) or said.get(relation.kind, 0) < 2:
            said[relation.kind] = said.get(relation.kind, 0) + 1
            kept.append(relation)
    return kept


def _allocate_generic(views: Sequence[PaperView]) -> dict[str, tuple[str, ...]]:
    """Each generic block to one paper (known designs first), so none is said twice in an episode."""
    known = [v for v in views if v.design.kind != designs.OTHER] or list(views)
    found: dict[str, tuple[str, ...]] = {}
    for index, name in enumerate(GENERIC):
        if known:
            view = known[index % len(known)]
            found[view.key] = found.get(view.key, ()) + (name,)
    return found


def openings(segment: Segment) -> list[str]:
    """The ways into this segment its facts allow."""
    values = segment.values
    found = ["who", "title"]
    if values["outcome"] is not None and values["direction"] in ("up", "down"):
        found.append("headline")
    if values["outcome"] is not None:
        found.append("quiz")
    if values["sample"] is not None and values["n"] >= 2:
        found.append("number")
    return found


def arrange(segment: Segment, view: PaperView, variant: int) -> tuple[Move, ...]:
    """The segment's moves in the order they are said, for one variant (0, 1, 2, ...)."""
    values = segment.values
    ways = openings(segment) if view.detail >= 1 else ["who", "title"]  # the shortest ways in at level 0
    opening = ways[(view.number + variant) % len(ways)]
    ask = variant % 4 in (1, 2) and view.detail >= 2  # the curious host asks for the finding / design
    design_first = variant % 2 == 0
    moves = [Move("open", 0, {"style": opening, **values})]
    if segment.hook:
        moves.append(Move("callback", 0))
    design = _design_move(segment, ask)
    lead = segment.material.lead
    finding = _finding_move(lead, ask and not design_first and lead is not None)  # never ask what we can't answer
    moves.extend([m for m in ((design, finding) if design_first else (finding, design)) if m is not None])
    moves.extend(_content_moves(segment, opening))
    moves.extend(Move(name, GENERIC_RANK[name]) for name in segment.generic)
    return tuple(moves)


def _design_move(segment: Segment, ask: bool) -> Move | None:
    if segment.design_role == "none":
        return None
    return Move("design", 1, {"role": segment.design_role, "prior": segment.prior, "ask": ask})


def _finding_move(lead: Part | None, ask: bool) -> Move:
    return Move("finding", 0, {"part": lead, "ask": ask})


def _content_moves(segment: Segment, opening: str) -> list[Move]:
    """The moves after the finding, by rank: content first, in conversational order."""
    m, values = segment.material, segment.values
    moves: list[Move] = []
    if m.second is not None:
        moves.append(Move("second", 1, {"part": m.second, "twist": m.twist, "rest": m.rest}))
    if m.method is not None:
        moves.append(Move("method", 2, {"part": m.method}))
    told = {f.kind for f in m.method.facts} if m.method is not None else set()
    moves.extend(_number_moves(values, opening, told))
    moves.extend(Move("link", 3 if i == 0 else 5, r) for i, r in enumerate(segment.relations))
    if segment.design_role in ("explain", "callback") and not values["null"]:  # a null's caveat came with it
        moves.append(Move("caveat", 3 if segment.design_role != "callback" else 5,
                          {"role": segment.design_role, "null": values["null"], "prior": segment.prior}))
    if segment.design_role == "explain":
        moves.append(Move("how", 5))
    if m.conclusion is not None:
        moves.append(Move("conclusion", 4, {"part": m.conclusion, "hedge": values["hedge"]}))
    moves.extend(Move("more", 4, {"part": part}) for part in m.more)
    if values["outcome"] is not None and not values["null"] and values["kind"] in _TESTABLE:
        moves.append(Move("test", 5, values))
    return moves


def _number_moves(values: dict[str, Any], opening: str, told: set[str] | None = None) -> list[Move]:
    """A result said back (or a null said as one), the sample, pooled studies, the effect and its spread.

    `told`: fact kinds the method move already says ("They pooled 31 studies"), not asked about again.
    """
    moves: list[Move] = []
    if values["null"]:
        moves.append(Move("null", 2, values))
    elif values["outcome"] is not None and opening not in ("headline", "quiz"):
        moves.append(Move("echo", 2, values))
    if values["sample"] is not None and opening != "number":
        moves.append(Move("number", 2, values))
    if values["studies"] is not None and "studies" not in (told or set()):
        moves.append(Move("studies", 2, values))
    if values["effect"] is not None:
        moves.append(Move("effect", 3, values))
    if values["i2"] is not None and values["kind"] in (designs.META_ANALYSIS, designs.SYSTEMATIC_REVIEW):
        moves.append(Move("spread", 3, values))  # "did the studies agree?" asks of a synthesis only
    return moves


def _measures(segment: Segment) -> dict[str, tuple[float, Data]]:
    """What can be compared between two papers of one design: (value, what to say)."""
    facts, key = segment.material.facts, segment.key
    found: dict[str, tuple[float, Data]] = {}
    sample = next((f for f in facts.all("sample") if f.number == facts.sample), None)
    if sample is not None and sample.number is not None:
        found["sample"] = (sample.number, Data(sample.text, f"{key}:finding"))
    studies = facts.first("studies")
    if studies is not None and studies.number is not None:
        found["studies"] = (studies.number, Data(studies.text, f"{key}:finding"))
    effect = _best_effect(facts.all("effect"))
    if effect is not None and effect.width is not None:
        found["interval"] = (effect.width, Data(effect.text, f"{key}:finding"))
    i2 = facts.first("i2")
    if i2 is not None and i2.number is not None:
        found["i2"] = (i2.number, Data(i2.text, f"{key}:finding"))
    return found


def compare_within(ev: EpisodeView, segments: dict[str, Segment]) -> None:
    """Each paper's comparison with another paper of the same design: size, studies, precision, agreement."""
    views = [v for v in ev.papers if v.design.kind != designs.OTHER and v.key in segments]
    for view in views:
        mine = _measures(segments[view.key])
        peers = []
        for other in views:
            if other is view or other.design.kind != view.design.kind:
                continue
            theirs = _measures(segments[other.key])
            for what in ("sample", "studies", "interval", "i2"):
                if what in mine and what in theirs:
                    a, b = mine[what][0], theirs[what][0]
                    verdict = "same" if a == b else "more" if a > b else "less"
                    peers.append({"other": other, "what": what, "mine": mine[what][1], "theirs": theirs[what][1],
                                  "verdict": verdict})
                    break
        view.peers = tuple(peers[:1])
