"""The facts a script may speak, prepared in Python for the templates: papers, designs, themes.

Every value is a marked `Data` string (see marks.py, whose names this module also exports), so
the tests can prove that every fact spoken comes from the right paper.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Paper
from . import design as designs, mentions, themes
from .facts import clauses as fact_clauses, own, paper_facts
from .marks import (
    FILTERS,
    MARK_CLOSE,
    MARK_OPEN,
    MARK_SEP,
    Data,
    DataInt,
    as_words,
    capfirst,
    finalize,
    join_and,
    lowerfirst,
    period,
    skeleton,
    spans,
    unmark,
)

__all__ = ["FILTERS", "MARK_CLOSE", "MARK_OPEN", "MARK_SEP", "Data", "DataInt", "EpisodeView", "PaperView",
           "as_words", "capfirst", "episode_views", "finalize", "join_and", "lowerfirst", "paper_view", "period",
           "set_detail", "skeleton", "spans", "unmark"]


# --- views ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    """One clause or sentence of a finding; `subjectless` when it starts with a verb ("Proposes ...")."""

    text: Data
    subjectless: bool = False


@dataclass(frozen=True)
class DesignView:
    """A paper's design for the templates: `kind` for logic, `detail` and `evidence` to speak."""

    kind: str
    detail: Data
    evidence: Data
    in_title: bool
    in_people: bool
    tier: int
    is_review: bool


@dataclass(frozen=True)
class LinkView:
    """What this paper shares with the previous one."""

    kind: str
    value: Data
    previous: PaperView


@dataclass(frozen=True)
class Connection:
    """A term this paper shares with other papers of the episode (not only the previous one)."""

    term: Data
    kind: str
    papers: tuple[PaperView, ...]
    count: DataInt  # how many other papers


@dataclass
class PaperView:
    """One paper as the templates see it: spoken values as Data, logic values plain."""

    paper: Paper
    key: str
    number: int
    total: int
    title: Data
    first_author: Data
    first_author_full: Data
    second_author: Data
    second_author_full: Data
    team: DataInt
    year: Data
    month_name: Data
    journal: Data
    journal_the: bool
    short_title: Data
    finding: Data
    parts: tuple[Part, ...]
    design: DesignView
    hedges: tuple[Data, ...]
    claims: tuple[Data, ...]
    proposes: bool
    detail: int = 0
    lead: Part | None = None
    more: tuple[tuple[Part, ...], ...] = ()
    link: LinkView | None = None
    connections: tuple[Connection, ...] = ()
    beat: bool = False
    rank: int = 0
    strongest: bool = False
    weakest: bool = False
    moves: tuple[Any, ...] = ()      # the segment's planned moves (planner.arrange), in speaking order
    peers: tuple[Any, ...] = ()      # comparisons with papers of the same design (critique)
    said: Any = None                 # the finding's parts chosen for the conversation (material.Material)
    called_as: str = "named"         # how the hosts refer to it once introduced (mentions.assign)
    kin: int = 1                     # how many papers of the episode share its design

    @property
    def is_first(self) -> bool:
        """The first paper of the episode."""
        return self.number == 1

    @property
    def is_last(self) -> bool:
        """The last paper of the episode."""
        return self.number == self.total


# A finding that starts with one of these verbs has no subject ("Proposes FMT as ..."), so the
# templates can say "The paper proposes FMT as ...".
_REPORTING_VERBS = frozenset("""proposes places highlights emphasises emphasizes argues shows finds suggests
describes reviews reports advocates explores examines outlines discusses summarises summarizes links calls
presents identifies demonstrates provides offers maps traces challenges confirms reveals introduces
considers synthesises synthesizes evaluates assesses compares""".split())
# Words that claim certainty or cause: the critique format quotes them back.
_CLAIMS = re.compile(r"\bcausal\b|(?<!-)\bcauses?\b|\bconfirms?\b|\bproves?\b|\bdirectly\b|\bfirst\b|\brequired\b"
                     r"|\bestablish\w*|\bdemonstrat\w*", re.IGNORECASE)
_PROPOSES = re.compile(r"\b(propos\w*|calls? for|advocat\w*|possible therapy|future therapeutic)\b", re.IGNORECASE)
# Finding length (words) said in full at detail 0; each level adds this many more.
FINDING_WORDS = 45
FINDING_WORDS_PER_LEVEL = 30
# Words per turn when a long finding is shared out between follow-up questions.
CHUNK_WORDS = 70


def _sentence(text: str) -> str:
    text = text.strip().rstrip(";,:")
    return text if not text or text[-1] in ".!?" else text + "."


def _parts(paper: Paper) -> tuple[Part, ...]:
    out = []
    for clause in designs.clauses(paper.finding):
        text = _sentence(clause)
        first = re.sub(r"^[A-Z][a-z]+ly\s+", "", text).split(" ", 1)[0].lower()
        out.append(Part(Data(text, f"{paper.key}:finding"), first in _REPORTING_VERBS))
    return tuple(out)


_THE = re.compile(r"^(?:(?:American|British|European|International|Canadian|Scandinavian|Australian|Chinese|"
                  r"Indian|Korean|Japanese|New England|Asian)\s+)*(?:Journal|Annals|Proceedings|Archives|Bulletin|"
                  r"Lancet|BMJ|Review)\b|\bJournal$|\bJournal of\b")
# How strong a claim word is: the critique quotes the strongest of the paper's own words.
_CLAIM_ORDER = ("prove", "confirm", "directly", "establish", "demonstrat", "causal", "cause", "required", "first")


def needs_the(journal: str) -> bool:
    """True for journal names said with "the" ("the Journal of Sleep Research", "the Lancet")."""
    return bool(journal) and not journal.lower().startswith("the ") and bool(_THE.search(journal))


def short_title(title: str) -> str:
    """A title cut at its colon when the part before it is a title of its own (three words or more)."""
    head = title.split(":", 1)[0].strip()
    return head if ":" in title and len(head.split()) >= 3 else title


def _claims(paper: Paper, kind: str) -> tuple[Data, ...]:
    """Strong words of the paper's own conclusions, strongest first ("causal" is what MR is for)."""
    text = paper.finding
    found = [m for start, end in fact_clauses(text) if own(text, start, end)
             for m in _CLAIMS.finditer(text, start, end)]
    if kind == designs.MENDELIAN:
        found = [m for m in found if not m.group().lower().startswith("caus")]
    if paper_facts(paper).null:
        return ()  # a null result claims nothing to be wary of
    rank = {m.group(): next((i for i, w in enumerate(_CLAIM_ORDER) if m.group().lower().startswith(w)), 99)
            for m in found}
    return tuple(Data(m.group(), f"{paper.key}:finding") for m in sorted(found, key=lambda m: rank[m.group()]))


def paper_view(paper: Paper, number: int, total: int) -> PaperView:
    """A paper's values for the templates (links, ranks and detail are filled in by `episode_views`)."""
    key = paper.key
    design = designs.classify(paper)
    people = list(paper.authors)
    first = people[0] if people else None
    second = people[1] if len(people) > 1 else None
    title = " ".join(paper.title.split()).rstrip(".")
    return PaperView(
        paper=paper, key=key, number=number, total=total,
        title=Data(title, f"{key}:title"),
        first_author=Data(first.family if first else "", f"{key}:authors"),
        first_author_full=Data(first.display if first else "", f"{key}:authors"),
        second_author=Data(second.family if second else "", f"{key}:authors"),
        second_author_full=Data(second.display if second else "", f"{key}:authors"),
        team=DataInt(paper.team_size, f"{key}:authors"),
        year=Data(paper.year if paper.year is not None else "", f"{key}:year"),
        month_name=Data(calendar.month_name[paper.month] if paper.month else "", f"{key}:month"),
        journal=Data(re.sub(r"^The ", "the ", paper.journal), f"{key}:journal"),  # "in the Journal of ..."
        journal_the=needs_the(paper.journal),
        short_title=Data(short_title(title), f"{key}:title"),
        finding=Data(_sentence(paper.finding), f"{key}:finding"),
        parts=_parts(paper),
        design=DesignView(
            kind=design.kind, detail=Data(design.detail, f"{key}:design"),
            evidence=Data(design.evidence, f"{key}:design"),
            in_title=bool(design.evidence) and design.evidence.lower() in paper.title.lower(),
            in_people=design.in_people, tier=design.tier, is_review=design.is_review),
        hedges=tuple(Data(f.text, f"{key}:finding") for f in paper_facts(paper).all("hedge")),
        claims=_claims(paper, design.kind),
        proposes=bool(_PROPOSES.search(paper.finding) or _PROPOSES.search(paper.title)),
    )


def _finding_at(view: PaperView, detail: int) -> tuple[Part | None, tuple[tuple[Part, ...], ...]]:
    """The finding's first part, and the rest that fits the detail level, in chunks for the dialogue."""
    if not view.parts:
        return None, ()
    budget = FINDING_WORDS + FINDING_WORDS_PER_LEVEL * detail
    total = sum(len(p.text.split()) for p in view.parts)
    said, rest = len(view.parts[0].text.split()), []
    for part in view.parts[1:]:
        words = len(part.text.split())
        if total > FINDING_WORDS and said + words > budget:
            break  # a long finding is told in part; a short one is always told whole
        rest.append(part)
        said += words
    chunks: list[list[Part]] = []
    for part in rest:
        if chunks and sum(len(p.text.split()) for p in chunks[-1]) + len(part.text.split()) <= CHUNK_WORDS:
            chunks[-1].append(part)
        else:
            chunks.append([part])
    return view.parts[0], tuple(tuple(c) for c in chunks)


@dataclass(frozen=True)
class DesignCount:
    """How many papers of the episode have one design."""

    kind: str
    count: DataInt
    papers: tuple[PaperView, ...]


@dataclass(frozen=True)
class Theme:
    """A term several papers of the episode share."""

    term: Data
    kind: str
    count: DataInt
    papers: tuple[PaperView, ...]


@dataclass(frozen=True)
class ThemeGroup:
    """Themes used by exactly the same papers, said together ("the words a, b and c")."""

    themes: tuple[Theme, ...]
    count: DataInt
    papers: tuple[PaperView, ...]


@dataclass(frozen=True)
class YearGroup:
    """The papers of one year."""

    year: Data
    papers: tuple[PaperView, ...]


@dataclass
class EpisodeView:
    """Everything episode-wide the templates may speak about."""

    papers: list[PaperView]
    count: DataInt
    first_year: Data
    last_year: Data
    designs: list[DesignCount]
    themes: list[Theme]
    theme_groups: list[ThemeGroup]
    timeline: list[YearGroup]
    trend: str            # always "": an average of design ranks over the years says nothing about evidence
    questions: list[str]  # open-question keys, in the order the synthesis should raise them
    proposals: list[PaperView]
    unknown: list[PaperView]
    unknown_count: DataInt
    review_count: DataInt
    ladder: list[PaperView]  # strongest design first (critique)
    hook: Any              # a part of a finding (planner: material.Part; it has `.text`)
    hook_paper: PaperView | None


def _link(views: list[PaperView], papers: Sequence[Paper], topic: frozenset[str]) -> None:
    """Each paper's link to the one before it (what the transition between them names)."""
    counts = themes.term_counts(papers, topic)
    for previous, current in zip(views, views[1:], strict=False):
        found = themes.link(previous.paper, current.paper, papers, topic, counts)
        if found is not None:
            value = current.design.evidence or found.value if found.kind == "design" else found.value
            value = re.sub(r"^The ", "the ", value) if found.kind == "journal" else value
            current.link = LinkView(found.kind, Data(value, f"{current.key}:{found.kind}"), previous)


def _connect(views: list[PaperView], shared: list[themes.Term]) -> None:
    """Each paper's terms shared with others: nouns before adjectives, the most specific first."""
    by_key = {v.key: v for v in views}
    for view in views:
        mine = sorted((t for t in shared if view.key in t.papers),
                      key=lambda t: (t.kind == themes.WORD, len(t.papers), -t.words))
        chosen = _without_overlaps(mine)[:2]
        view.connections = tuple(
            Connection(Data(t.text, f"{view.key}:term"), t.kind,
                       tuple(by_key[k] for k in t.papers if k != view.key),
                       DataInt(len(t.papers) - 1, f"{view.key}:term"))
            for t in chosen)


def _without_overlaps(terms: Sequence[themes.Term]) -> list[themes.Term]:
    """Terms in order, skipping any inside or around one already kept ("microbiota", "gut microbiota")."""
    kept: list[themes.Term] = []
    for term in terms:
        if not any(f" {term.key} " in f" {k.key} " or f" {k.key} " in f" {term.key} " for k in kept):
            kept.append(term)
    return kept


def _rank(views: list[PaperView]) -> None:
    """Each paper's place among the episode's designs (critique), and where backchannels may go."""
    tiers = sorted({v.design.tier for v in views if v.design.tier}, reverse=True)
    for index, view in enumerate(views):
        view.rank = tiers.index(view.design.tier) + 1 if view.design.tier else 0
        view.strongest = len(tiers) > 1 and view.rank == 1
        view.weakest = len(tiers) > 1 and view.rank == len(tiers)
        view.beat = index % 3 == 1  # a backchannel at most every third paper: sparingly


def _questions(views: list[PaperView], kinds: set[str]) -> list[str]:
    """The open questions the episode's designs raise, as keys the synthesis template words."""
    reviews = sum(v.design.kind in (designs.NARRATIVE_REVIEW, designs.SYSTEMATIC_REVIEW) for v in views)
    return [key for key, raised in (
        ("animal", designs.ANIMAL in kinds),
        ("causation", designs.OBSERVATIONAL in kinds),
        ("mendelian", designs.MENDELIAN in kinds),
        ("trials", bool(kinds & {designs.META_ANALYSIS, designs.RCT})
         or any(h.lower().startswith("limited") for v in views for h in v.hedges)),
        ("reviews", len(views) > 1 and reviews * 2 >= len(views)),
        ("proposals", any(v.proposes for v in views)),
        ("unknown", designs.OTHER in kinds),
    ) if raised]


def episode_views(papers: Sequence[Paper], topic: frozenset[str] = frozenset()) -> EpisodeView:
    """The papers' views, linked to each other, and the episode-wide facts (themes, designs, years)."""
    views = [paper_view(p, i + 1, len(papers)) for i, p in enumerate(papers)]
    by_key = {v.key: v for v in views}
    # Modifiers never used as a noun ("gut-brain", "total") are no theme: never 'the word "X"'.
    shared = [t for t in themes.shared_terms(papers, 2, topic) if t.kind != themes.WORD]
    _link(views, papers, topic)
    _connect(views, shared)
    _rank(views)
    mentions.assign(views)

    by_design: dict[str, list[PaperView]] = {}
    for view in views:
        by_design.setdefault(view.design.kind, []).append(view)
    design_counts = sorted(
        (DesignCount(kind, DataInt(len(vs), "episode:designs"), tuple(vs)) for kind, vs in by_design.items()),
        key=lambda d: (d.kind == designs.OTHER, -d.count, -designs.TIERS[d.kind], d.kind))
    theme_list = [Theme(Data(t.text, "episode:term"), t.kind, DataInt(len(t.papers), "episode:term"),
                        tuple(by_key[k] for k in t.papers)) for t in _without_overlaps(shared)]
    groups: dict[tuple[str, ...], list[Theme]] = {}
    for theme in theme_list:
        groups.setdefault(tuple(p.key for p in theme.papers), []).append(theme)
    years = sorted({v.paper.year for v in views if v.paper.year is not None})
    hook, hook_paper = _hook(views)
    unknown = by_design.get(designs.OTHER, [])
    return EpisodeView(
        papers=views, count=DataInt(len(views), "episode:count"),
        first_year=Data(years[0] if years else "", "episode:year"),
        last_year=Data(years[-1] if years else "", "episode:year"),
        designs=design_counts, themes=theme_list,
        theme_groups=[ThemeGroup(tuple(ts), ts[0].count, ts[0].papers) for ts in groups.values()],
        timeline=[YearGroup(Data(y, "episode:year"), tuple(v for v in views if v.paper.year == y)) for y in years],
        trend="", questions=_questions(views, set(by_design)),
        proposals=[v for v in views if v.proposes], unknown=unknown,
        unknown_count=DataInt(len(unknown), "episode:designs"),
        review_count=DataInt(sum(v.design.is_review for v in views), "episode:designs"),
        ladder=sorted((v for v in views if v.design.tier), key=lambda v: (-v.design.tier, v.number)),
        hook=hook, hook_paper=hook_paper)


def _hook(views: Sequence[PaperView]) -> tuple[Part | None, PaperView | None]:
    """A finding's opening clause for the cold open: the shortest, preferring one that claims something strongly."""
    candidates = [(not v.claims, len(v.parts[0].text.split()), v.number, v) for v in views
                  if v.parts and not v.parts[0].subjectless and 6 <= len(v.parts[0].text.split()) <= 24]
    if not candidates:
        return None, None
    *_, view = min(candidates, key=lambda c: c[:3])
    return view.parts[0], view


def set_detail(view: PaperView, detail: int) -> None:
    """Choose how much a paper's segment says (0 = the essentials; higher adds optional blocks)."""
    view.detail = detail
    view.lead, view.more = _finding_at(view, detail)
