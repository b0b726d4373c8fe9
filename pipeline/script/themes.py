"""What papers share: recurring terms, treatments and organisms, and the link between two papers.

A term is a run of one to three content words from a paper's title or finding ("gut
microbiota", "dysbiosis", "fecal microbiota transplantation"). Terms are matched on a
normalised key (lower case, simple plurals and British/American spellings folded, hyphens
as spaces), and spoken in the surface form one of the papers used (title case undone), so
every term the hosts name occurs in the reading list. Adjectives and modifiers ("dietary",
"gut-brain") are kind WORD: a coincidence of wording, never said as a theme or a link.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..model import Paper
from .design import OTHER, classify

TERM = "term"
TREATMENT = "treatment"
ORGANISM = "organism"
WORD = "word"  # an adjective or modifier ("dietary", "gut–brain"): never a theme or a link

# Function words, reporting verbs and research boilerplate: never a theme on their own, and
# they split runs of content words ("reduction in anti-inflammatory genera" -> two runs).
_STOP = frozenset("""
a an the of in on for to with and or but nor by from as at via through than then more most even less least
into onto its it their there this that these those is are was were be been being has have had do does did
not no both between among within without despite including such other others which who whose what when
where how while also very much many several some any all each one two three four five first second third
overall new high low higher lower about across after before against over under up down out per can may
might will would could should must shall our we they them he she his her i you your us
study studies evidence effect effects role review reviews systematic narrative analysis analyses
meta-analysis meta association associations relationship relationships link links linking picture option
options basis status approach approaches factor factors research data result results finding findings paper
papers trial trials randomised randomized clinical possible potential consistent strong specific multiple
significant significance accuracy development complex vital novel innovative future direction directions
perspective perspectives concern concerns way ways part parts kind kinds number level levels type types
patient patients participant participants people person individual individuals human humans subject
subjects adult adults women men children sufferer sufferers case cases control controls group groups
enhance enhances worsen worsens reverse reverses reduce reduces reduction lower lowers raise raises elevate
elevates confirm confirms predict predicts correlate correlates propose proposes place places advocate
advocates highlight highlights emphasise emphasises emphasising emphasize emphasizing require requires
restore restores implicate implicates implicating show shows suggest suggests influence influences make
makes making unravel unravelling unraveling call calls play plays lead leads affect affects impact impacts
impacting noting worth understanding managing approaching approach approaches helps help focus
discuss discusses well like vs versus
six seven eight nine ten eleven twelve hour hours day days week weeks month months year years night nights
minute minutes time times
ratio ratios interval intervals confidence odds hazard difference differences
""".split())
# Single words too general to be a theme in research writing ("disease", "brain", "axis").
_GENERIC = frozenset("""disease disorder condition health system function mechanism pathway process change
brain axis body connection interaction therapy treatment management outcome symptom risk lever term
signature role frequency severity duration rate incidence prevalence marker markers status target targets
event events measure measures score scores value values variant variants sample samples""".split())
# Words that describe who took part, with no adjective suffix: never a theme on their own.
_DESCRIBERS = frozenset("""healthy elderly older younger early late daily nightly weekly monthly yearly likely
normal average typical usual chronic acute""".split())
_NOT_ADJECTIVES = frozenset({"signal", "animal", "journal", "interval", "proposal", "arrival", "removal"})
_TREATMENT_STEMS = ("probiotic", "prebiotic", "synbiotic", "antibiotic", "diet", "dietary", "transplant",
                    "supplement", "vitamin", "omega", "fibre", "fiber", "ketogenic", "analgesic", "drug", "medication",
                    "vaccin", "exercise")
# Words with two names in research writing, said as one theme.
_SYNONYMS = {"microbiome": "microbiota", "tumour": "tumor", "behaviour": "behavior"}
_ORGANISM_WORDS = frozenset({"mouse", "rat", "rodent", "zebrafish", "piglet", "primate", "macaque"})
_TAXON = re.compile(r"^[A-Z][a-z]+(?:ium|ella|aceae|bacter|coccus|bacillus|ales|etes|ides|onas)$")
_TOKEN = re.compile(r"[^\W\d_][\w']*", re.UNICODE)
# Between two tokens of one run: only spaces or a hyphen/dash (no comma, colon, bracket...).
_JOINER = re.compile(r"^(?:\s+|\s*[-‐‑–—]\s*)$")


@dataclass(frozen=True)
class Term:
    """A term and the papers (keys, in reading-list order) that use it."""

    key: str
    text: str
    papers: tuple[str, ...]
    kind: str = TERM

    @property
    def words(self) -> int:
        """How many words the term has."""
        return len(self.key.split())


@dataclass(frozen=True)
class Link:
    """What two consecutive papers share, for the transition between them."""

    kind: str       # "treatment", "organism", "term", "design", "journal", "year" or "author"
    value: str      # the shared thing, as written in the reading list (or the design kind)


def fold(word: str) -> str:
    """A matching key for one word: lower case, singular, one spelling."""
    w = word.lower().replace("’", "'").removesuffix("'s")
    w = w.replace("faec", "fec").replace("oes", "es").replace("haem", "hem")
    w = re.sub(r"is(ation|ing|ed|e|es)$", r"iz\1", w)
    if w == "mice":
        return "mouse"
    if w in _SYNONYMS:
        return _SYNONYMS[w]
    if w.endswith("s") and w[:-1] in _SYNONYMS:
        return _SYNONYMS[w[:-1]]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "ys")):
        return w[:-1]
    return w


def _is_content(word: str) -> bool:
    low = word.lower()
    if low in _STOP or fold(word) in _STOP or len(low) < 3:
        return False
    # Adverbs and participles ("markedly", "reduced", "induced") are descriptions, not themes.
    return not (low.endswith("ly") or (low.endswith("ed") and len(low) > 4))


@dataclass(frozen=True)
class _Seen:
    surface: str      # as written at its first occurrence
    in_title: bool    # that occurrence is in the title (title case needs lowering)
    ends_run: bool    # some occurrence ends its run of content words: a noun phrase, not a modifier
    alone: bool = False  # some occurrence is a run of its own ("events", not only "vascular events")
    proper: frozenset[str] = frozenset()  # words capitalised mid-sentence outside the title: "European"


def _proper(text: str, part: list[re.Match[str]], title_chars: int) -> frozenset[str]:
    """The words of a run written with a capital where a sentence does not start ("293 European cities")."""
    return frozenset(m.group() for m in part if m.start() >= title_chars and re.fullmatch(r"[A-Z][a-z]+", m.group())
                     and not re.search(r"(?:^|[.!?:\"“])\s*$", text[title_chars:m.start()]))


def paper_terms(text: str, title_chars: int = 0) -> dict[str, _Seen]:
    """Every term (key -> how it was seen) in a text: 1-3 word runs of content words.

    The first `title_chars` characters are the title, whose capitals are not the words' own.
    """
    runs: list[list[re.Match[str]]] = []
    previous: re.Match[str] | None = None
    for match in _TOKEN.finditer(text):
        if not _is_content(match.group()):
            previous = None
            continue
        joined = previous is not None and _JOINER.match(text[previous.end():match.start()])
        if joined and runs:
            runs[-1].append(match)
        else:
            runs.append([match])
        previous = match
    terms: dict[str, _Seen] = {}
    for run in runs:
        for size in (1, 2, 3):
            for start in range(len(run) - size + 1):
                part = run[start:start + size]
                key = " ".join(fold(m.group()) for m in part)
                ends = start + size == len(run)
                alone = size == len(run)
                seen = terms.get(key)
                if seen is not None:
                    seen = replace(seen, proper=seen.proper | _proper(text, part, title_chars))
                    terms[key] = seen
                if seen is None:
                    terms[key] = _Seen(text[part[0].start():part[-1].end()], part[0].start() < title_chars, ends,
                                       alone, _proper(text, part, title_chars))
                elif ends and (not seen.ends_run or _unhyphenated(seen.surface, text[part[0].start():part[-1].end()])):
                    # keep the wording of its use as a noun phrase ("low blood pressure", not "blood-pressure control")
                    terms[key] = _Seen(text[part[0].start():part[-1].end()], part[0].start() < title_chars, True,
                                       alone or seen.alone, seen.proper)
                elif alone and not seen.alone:
                    terms[key] = replace(seen, alone=True)
    return terms


def _display(seen: _Seen) -> str:
    """The surface form, with title case undone ("Gut Microbiota" -> "gut microbiota")."""
    if not seen.in_title:
        return seen.surface
    return re.sub(r"[^\W\d_]+", lambda m: m.group().lower() if re.fullmatch(r"[A-Z][a-z]+", m.group())
                  and not _TAXON.match(m.group()) and m.group() not in seen.proper else m.group(), seen.surface)


def _unhyphenated(before: str, now: str) -> bool:
    """The same term written with spaces where it was hyphenated as a modifier before."""
    return "-" in before and "-" not in now and before.replace("-", " ").lower() == now.lower()


def said_form(seen: _Seen) -> str:
    """A term as said mid-sentence: title case undone, and a capital that only began a sentence lowered."""
    text = _display(seen)
    if re.fullmatch(r"[A-Z][a-z]+(?: [a-z][\w-]*)*", text) and not _TAXON.match(text.split()[0]) \
            and text.split()[0] not in seen.proper:
        text = text[0].lower() + text[1:]  # "Sensitivity analyses" began a sentence
    return text


def _adjective(key: str, seen: list[_Seen]) -> bool:
    """A single word that reads as an adjective ("dietary", "therapeutic") and is never seen as a plural."""
    if key in _DESCRIBERS:
        return True
    if key in _NOT_ADJECTIVES or any(s.surface.lower().endswith("s") and s.surface.lower() != key for s in seen):
        return False
    return key.endswith(("al", "ary", "ory", "ive", "ous", "ic", "ful", "less", "able", "ible"))


def _kind(key: str, surface: str) -> str:
    if any(stem in key for stem in _TREATMENT_STEMS):
        return TREATMENT
    if key in _ORGANISM_WORDS or (" " not in surface and _TAXON.match(surface)):
        return ORGANISM
    return TERM


@functools.lru_cache(maxsize=1024)
def terms_of(paper: Paper) -> dict[str, _Seen]:
    """The terms of one paper's title and finding (cached: papers are immutable; don't mutate the result)."""
    return paper_terms(f"{paper.title}. {paper.finding}", title_chars=len(paper.title))


def topical(word: str, topic: frozenset[str]) -> bool:
    """A topic word or one built on it ("sleeper" in a show about sleep)."""
    return any(word == t or (len(t) >= 5 and word.startswith(t)) for t in topic)


def topic_words(*texts: str) -> frozenset[str]:
    """Folded words of a show's title: the topic itself, too general to be a theme on their own."""
    return frozenset(fold(m.group()) for text in texts for m in _TOKEN.finditer(text))


def shared_terms(papers: Sequence[Paper], min_papers: int = 2, topic: frozenset[str] = frozenset()) -> list[Term]:
    """Terms used by at least `min_papers` papers, most widely shared and most specific first.

    Left out: a term used by every paper of a list of four or more (that is the topic, not a
    theme); single words of the topic or too general to say anything (`_GENERIC`); and a term
    inside a longer one used by the same papers ("microbiota" when each says "gut microbiota").
    Adjectives and modifiers never used as a noun phrase ("gut-brain" only ever before "axis")
    are kept as kind WORD, so callers can leave them out (the script never says them as themes).
    """
    per_paper = [terms_of(p) for p in papers]
    where: dict[str, list[int]] = {}
    for index, terms in enumerate(per_paper):
        for key in terms:
            where.setdefault(key, []).append(index)
    found = []
    for key, indexes in where.items():
        if len(indexes) < min_papers or (len(papers) >= 3 and len(indexes) * 3 > len(papers) * 2):
            continue  # most of the papers use it: that is the subject, not a theme
        seen = [per_paper[i][key] for i in indexes]
        if " " not in key and (key in _GENERIC or topical(key, topic)):
            continue
        # A finding's wording reads more naturally than a title's, and a noun use than a modifier.
        best = min(seen, key=lambda s: (not s.ends_run, s.in_title, s.surface[:1].isupper()))
        text = said_form(best)
        kind = WORD if not best.ends_run or (" " not in key and _adjective(key, seen)) else _kind(key, text)
        if kind == TERM and " " not in key and sum(s.alone for s in seen) < 2:
            continue  # only the tail of different phrases ("vascular events", "adverse events"): a coincidence
        found.append(Term(key, text, tuple(papers[i].key for i in indexes), kind))
    by_papers: dict[tuple[str, ...], list[Term]] = {}
    for term in found:
        by_papers.setdefault(term.papers, []).append(term)
    kept = [t for t in found if not any(
        o.words > t.words and f" {t.key} " in f" {o.key} " for o in by_papers[t.papers])]
    order = {p.key: i for i, p in enumerate(papers)}
    kept.sort(key=lambda t: (-len(t.papers), t.kind == WORD, -t.words, min(order[k] for k in t.papers), t.key))
    return kept


def link(previous: Paper, current: Paper, episode: Sequence[Paper], topic: frozenset[str] = frozenset(),
         counts: dict[str, int] | None = None) -> Link | None:
    """The most telling thing two consecutive papers share, or None.

    Order of preference: a treatment, an organism, another term (the longest, then the one
    fewest papers of the episode use, so the link is specific), the same design, the same
    journal, the same year, an author. Terms are in the papers' wording; a shared adjective
    is never a link (it would be said as 'the word "X"', a coincidence of wording).
    """
    if counts is None:
        counts = term_counts(episode, topic)
    candidates = [t for t in shared_terms([previous, current], 2, topic) if t.key in counts]  # not the topic
    for kind in (TREATMENT, ORGANISM, TERM):
        # One plain word links two papers only when both titles use it: what each is about.
        of_kind = [t for t in candidates if t.kind == kind and (
            kind != TERM or t.words > 1 or all(t.key in _title_keys(p) for p in (previous, current)))]
        if of_kind:
            best = min(of_kind, key=lambda t: (-t.words, counts.get(t.key, 0), t.key))
            return Link(kind, best.text)
    design_prev, design_cur = classify(previous), classify(current)
    if design_prev.kind == design_cur.kind and design_cur.kind != OTHER:
        return Link("design", design_cur.kind)
    if previous.journal and previous.journal == current.journal:
        return Link("journal", current.journal)
    if previous.year is not None and previous.year == current.year:
        return Link("year", str(current.year))
    families = {a.family for a in previous.authors if not a.is_group}
    shared = [a.family for a in current.authors if a.family in families and not a.is_group]
    if shared:
        return Link("author", shared[0])
    return None


def _title_keys(paper: Paper) -> set[str]:
    return {fold(m.group()) for m in _TOKEN.finditer(paper.title)}


def term_counts(papers: Sequence[Paper], topic: frozenset[str] = frozenset()) -> dict[str, int]:
    """How many papers use each term, for terms that are not the topic (see `shared_terms`)."""
    return {t.key: len(t.papers) for t in shared_terms(papers, 1, topic)}
