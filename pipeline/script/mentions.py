"""How the hosts refer to a paper after it has been introduced: by what it is, not by its authors' names.

A paper is named in full once, when it is introduced. After that a listener follows "the
meta-analysis" or "the animal study" more easily than a surname heard once (and a speech
recogniser, standing in for a listener, misses most surnames). So each paper gets the shortest
description that no other paper of the episode could also answer to: its design ("the
review"), then its design in full ("the observational study in patients"), then that with its
year ("the 2025 observational study"). Only when none of these is unambiguous, or the design is
unknown and another paper shares its year, is it "the Cho study". A list of papers is said by
design too ("the two observational studies"), so recaps and questions name no teams.

Python chooses the style (`PaperView.called_as`); designs.j2's `called` macro says it, so the
design words are the templates' and only the detail, evidence and year are the paper's data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import design as designs

if TYPE_CHECKING:
    from .views import PaperView

SHORT, FULL, DATED, NAMED = "short", "full", "dated", "named"

# The short noun of each design (designs.j2 `called` and `this` say it, through `short_noun`).
_SHORT = {designs.ANIMAL: "animal study", designs.RCT: "trial", designs.META_ANALYSIS: "meta-analysis",
          designs.SYSTEMATIC_REVIEW: "review", designs.MENDELIAN: "Mendelian randomisation study",
          designs.OBSERVATIONAL: "observational study", designs.NARRATIVE_REVIEW: "review",
          designs.EXPERIMENT: "experiment", designs.LAB: "lab study", designs.CASE_REPORT: "case report",
          designs.QUALITATIVE: "qualitative study", designs.MODELLING: "modelling study",
          designs.PERSPECTIVE: "perspective"}


def short_noun(kind: str) -> str:
    """"review", "animal study": a design said in a word or two ("paper" when it is unknown)."""
    return _SHORT.get(kind, "paper")


def full_noun(kind: str, detail: str, evidence: str, in_people: bool) -> str:
    """The design in full without its article, as designs.j2's `noun` says it ("study in mice"); "" if unknown."""
    if kind == designs.ANIMAL:
        return f"study in {detail}"
    if kind == designs.OBSERVATIONAL and detail:
        return f"{detail} study"
    if kind == designs.OBSERVATIONAL and in_people:
        return f"observational study in {evidence[:1].lower()}{evidence[1:]}"
    if kind == designs.NARRATIVE_REVIEW:
        return f"{detail} review" if detail else "review"
    if kind in (designs.EXPERIMENT, designs.CASE_REPORT, designs.PERSPECTIVE) and detail:
        return detail
    return {designs.RCT: "randomised controlled trial", designs.SYSTEMATIC_REVIEW: "systematic review",
            designs.LAB: "lab study in cells"}.get(kind, _SHORT.get(kind, ""))


def candidates(kind: str, detail: str, evidence: str, in_people: bool, year: str) -> list[tuple[str, str]]:
    """(style, words) descriptions of a paper by its design, shortest first; for an unknown design, its year."""
    full = full_noun(kind, detail, evidence, in_people)
    found = [(SHORT, _SHORT[kind])] if kind in _SHORT else []
    if full and full != _SHORT.get(kind):
        # "the cohort study" before "the observational study": as short, and it says more.
        found.insert(0 if kind == designs.OBSERVATIONAL and detail else len(found), (FULL, full))
    if year:
        found.append((DATED, f"{year} {full or 'paper'}"))
    return found


def _choices(view: PaperView) -> list[tuple[str, str]]:
    d = view.design
    return candidates(d.kind, str(d.detail), str(d.evidence), d.in_people, str(view.year))


def assign(views: Sequence[PaperView]) -> None:
    """Set each paper view's `called_as` (how designs.j2 `called` refers to it) and `kin` (papers of its design)."""
    choices = {v.key: _choices(v) for v in views}
    for view in views:
        others = [other for other in views if other.key != view.key]
        # Every paper is "a paper": "the 2023 paper" is unambiguous only if no other is from 2023.
        taken = {words for other in others for _, words in choices[other.key]} | {
            f"{other.year} paper" for other in others}
        view.called_as = next((style for style, words in choices[view.key] if words not in taken), NAMED)
        view.kin = sum(other.design.kind == view.design.kind for other in views)


@dataclass(frozen=True)
class Mention:
    """One item of a list of papers read out: a paper, or all the episode's papers of one design."""

    paper: PaperView
    count: int = 1  # more than one: "the two observational studies" (paper is the first of them)


def grouped(papers: Iterable[PaperView]) -> list[Mention]:
    """Papers to read out as a list: those of one design that are all the episode has of it go together."""
    listed = list(papers)
    out: list[Mention] = []
    done: set[str] = set()
    for view in listed:
        kind = view.design.kind
        same = [p for p in listed if p.design.kind == kind]
        if kind != designs.OTHER and len(same) > 1 and len(same) == view.kin:
            if kind not in done:
                done.add(kind)
                out.append(Mention(view, len(same)))
        else:
            out.append(Mention(view))
    return out
