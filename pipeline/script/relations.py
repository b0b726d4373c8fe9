"""True links between two papers of an episode, from their facts rather than shared words.

Two papers are said to agree only when they report the same outcome moving the same way (a
shared content word, and the same head noun or one outcome's words inside the other's);
they disagree when it moves opposite ways, and they "don't line up" when one reports an
effect and the other none. An outcome is matched on its folded content words, without the
words every outcome has ("risk", "levels") and without the show's topic. Other links: an
animal study and a study in people on the same specific term ("from mice to people"), and a
review that covers the same specific ground as a primary study of the episode.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Paper
from . import design as designs
from .facts import Fact, paper_facts
from .themes import ORGANISM, TREATMENT, _kind, fold, said_form, terms_of, topical

AGREE = "agree"
DISAGREE = "disagree"
DIFFER = "differ"            # one reports an effect, the other none
MOUSE_HUMAN = "mouse-human"
REVIEW_COVERS = "review-covers"

# Words every outcome can have: matching on them would link anything to anything.
_GENERIC = frozenset("""risk rate rates level levels odds incidence number the of a an and in on with total overall
mean score scores all cause all-cause disease diseases effect effects outcome outcomes symptom symptoms event events
change changes major new their its""".split())
_HUMAN_DESIGNS = (designs.RCT, designs.OBSERVATIONAL, designs.MENDELIAN, designs.META_ANALYSIS)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True)
class Outcome:
    """An outcome a paper reports, which way it went, and the fact that says so."""

    key: frozenset[str]
    polarity: str          # "up", "down" or "none"
    fact: Fact

    @property
    def words(self) -> str:
        """The outcome in the paper's own words."""
        return self.fact.detail


@dataclass(frozen=True)
class Relation:
    """A link from an earlier paper of the episode to a later one."""

    kind: str
    earlier: str            # paper keys
    later: str
    earlier_outcome: Outcome | None = None
    later_outcome: Outcome | None = None
    term: str = ""          # the shared term, in the later paper's words (mouse-human, review-covers)


def _key(words: str, topic: frozenset[str]) -> frozenset[str]:
    folded = {fold(w) for w in _WORD.findall(words)}
    return frozenset(w for w in folded if len(w) > 2 and w not in _GENERIC and not topical(w, topic))


def outcomes(paper: Paper, topic: frozenset[str] = frozenset()) -> list[Outcome]:
    """The outcomes a paper reports as moving or not moving, in text order."""
    found = []
    for fact in paper_facts(paper).items:
        if (fact.kind == "direction" and fact.value in ("up", "down", "none")) or (
                fact.kind == "null" and fact.detail):
            key = _key(fact.detail, topic)
            if key:
                found.append(Outcome(key, fact.value if fact.kind == "direction" else "none", fact))
    return found


def _head(words: str) -> str:
    """The last word of an outcome, its head noun ("time" in "total sleep time")."""
    found = _WORD.findall(words)
    return fold(found[-1]) if found else ""


def _compare(a: Outcome, b: Outcome) -> str | None:
    # One outcome, said two ways: a shared word, and the same head or one inside the other.
    # "NREM sleep" and "total sleep time" share "sleep" but are two outcomes.
    if not a.key & b.key or not (a.key <= b.key or b.key <= a.key or _head(a.words) == _head(b.words)):
        return None
    if a.polarity == b.polarity:
        return AGREE
    if "none" in (a.polarity, b.polarity):
        return DIFFER
    return DISAGREE


def _shared_term(a: Paper, b: Paper, topic: frozenset[str], common: frozenset[str]) -> str:
    """The longest specific term both papers use, in the later paper's words ("" if none)."""
    mine, theirs = terms_of(a), terms_of(b)
    keys = [k for k in mine if k in theirs and k not in common and not any(topical(w, topic) for w in k.split())
            and not set(k.split()) & _GENERIC and _specific(k, theirs[k].surface)
            and mine[k].ends_run and theirs[k].ends_run]  # a noun phrase, not a modifier ("field-realistic")
    if not keys:
        return ""
    best = max(keys, key=lambda k: (len(k.split()), len(k), k))
    return said_form(theirs[best])


def _specific(key: str, surface: str) -> bool:
    """A term particular enough to link two papers: a phrase, a treatment or an organism."""
    return " " in key or _kind(key, surface) in (TREATMENT, ORGANISM)


def relate(earlier: Paper, later: Paper, topic: frozenset[str] = frozenset(),
           common: frozenset[str] = frozenset()) -> Relation | None:
    """The most telling true link from an earlier paper to a later one, or None."""
    for a in outcomes(earlier, topic):
        for b in outcomes(later, topic):
            kind = _compare(a, b)
            if kind is not None:
                return Relation(kind, earlier.key, later.key, a, b)
    first, second = designs.classify(earlier), designs.classify(later)
    kinds = {first.kind, second.kind}
    if designs.ANIMAL in kinds and kinds & set(_HUMAN_DESIGNS) and len(kinds) == 2:
        term = _shared_term(earlier, later, topic, common)
        if term:
            return Relation(MOUSE_HUMAN, earlier.key, later.key, term=term)
    if first.is_review != second.is_review:
        term = _shared_term(earlier, later, topic, common)
        if term:
            return Relation(REVIEW_COVERS, earlier.key, later.key, term=term)
    return None


def common_terms(papers: Sequence[Paper]) -> frozenset[str]:
    """Term keys used by more than half the papers (of three or more): too common to link two."""
    if len(papers) < 3:
        return frozenset()
    counts: dict[str, int] = {}
    for paper in papers:
        for key in terms_of(paper):
            counts[key] = counts.get(key, 0) + 1
    return frozenset(k for k, n in counts.items() if n * 2 > len(papers))


def episode_relations(papers: Sequence[Paper], topic: frozenset[str] = frozenset()) -> dict[str, list[Relation]]:
    """For each paper, its links to the papers before it (nearest first, one per earlier paper)."""
    common = common_terms(papers)
    found: dict[str, list[Relation]] = {p.key: [] for p in papers}
    for index, later in enumerate(papers):
        for earlier in reversed(papers[:index]):
            relation = relate(earlier, later, topic, common)
            if relation is not None:
                found[later.key].append(relation)
    return found
