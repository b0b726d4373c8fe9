"""What a paper gives the conversation: its finding cut into the parts a host says, in the hosts' voice.

A finding or abstract is split into clauses (never inside brackets or after initials), and
each clause of the paper's own work gets a role from the facts inside it: a *result* (an
outcome moved or did not, an effect, an amount), a *method* (who and how many, for how
long, which arms) or a *conclusion* (the authors' reading, often hedged). Background clauses
("previous studies suggest ...") are never said as the paper's finding. The lead is the first
result; the second part is the next result (said where it matters, as a twist when it turns
the first around); the conclusion is said on its own.

Every value is a marked `Data` string of the paper's finding, so the faithfulness tests see
where each spoken word came from; "we" and "our" in a finding become the template's "they"
and "their", outside the marks (the hosts did not run the study).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Paper
from .facts import Fact, Facts, clauses, own, paper_facts, without_statistics
from .grammar import article, has_verb
from .views import Data, finalize

_RESULT = frozenset({"direction", "effect", "null", "amount", "percent"})
_METHOD = frozenset({"sample", "intervention", "comparator", "duration", "studies"})
_CONCLUDES = re.compile(r"\b(conclu\w*|these (?:findings|results|data)|this (?:study|trial) (?:shows|suggests)|"
                        r"is an? (?:effective|safe)|we argue|should be|may be)\b", re.IGNORECASE)
_PRONOUNS = re.compile(r"\b(we|our|us|We|Our|Us)\b")
_SAY_PRONOUN = {"we": "they", "our": "their", "us": "them"}
_KIND_PHRASE = re.compile(r"^(?:[A-Za-z-]+\s+){0,2}(?:review|study|trial|meta-analysis|analysis|overview|perspective|"
                          r"commentary|survey)\s+\w+ing\b", re.IGNORECASE)
_LINKING = re.compile(r"^(?:Additionally|Moreover|Furthermore|In addition|However|Overall|Also|Finally),\s*")
# A part that opens like a sentence of its own ("This review weighs ...") is said as it is.
_OWN_SENTENCE = re.compile(r"^(?:This|These|Here|In this|In these)\b")
_REPORTING_VERBS = frozenset("""proposes places highlights emphasises emphasizes argues shows finds suggests
describes reviews reports advocates explores examines outlines discusses summarises summarizes links calls
presents identifies demonstrates provides offers maps traces challenges confirms reveals introduces
considers synthesises synthesizes evaluates assesses compares""".split())


@dataclass(frozen=True)
class Part:
    """One clause of a finding: its words (marked, in the hosts' voice) and what kind of clause it is."""

    text: str            # marked text, a full sentence
    role: str            # "result", "method", "conclusion" or "other"
    subjectless: bool    # starts with a verb ("Proposes ...")
    voiced: bool         # had "we"/"our": already a sentence with its own subject ("They found ...")
    clause: bool         # has a verb of its own ("X lowered Y"), not a note-style noun phrase
    sentence: bool       # opens as a sentence of its own ("This review weighs ...")
    start: int
    end: int
    facts: tuple[Fact, ...]
    kind_phrase: bool = False  # a noun phrase naming the paper's kind ("narrative review emphasising that ...")
    article: str = ""    # what makes it whole: "a" for a note ("a strong call for ..."), "the" for a bare subject


@dataclass(frozen=True)
class Material:
    """The parts of one paper's finding, chosen for the conversation."""

    key: str
    lead: Part | None
    second: Part | None
    rest: tuple[Part, ...]       # further parts of a short finding (said whole)
    conclusion: Part | None
    facts: Facts
    method: Part | None = None   # how the study was done, when the finding says so in a clause of its own
    more: tuple[Part, ...] = ()  # further results of a long abstract

    @property
    def twist(self) -> bool:
        """The second part turns the first around (reversed, or moved where the first did not)."""
        if self.second is None or self.lead is None:
            return False
        first = {f.value for f in self.lead.facts if f.kind == "direction"}
        then = {f.value for f in self.second.facts if f.kind in ("direction", "null")}
        return "reversed" in then or bool(first and then and not first & then)


def voice(text: str, source: str) -> str:
    """Text as marked data, with "we"/"our"/"us" said as "they"/"their"/"them" by the template."""
    out: list[str] = []
    for piece in _PRONOUNS.split(text):
        low = piece.lower()
        if low in _SAY_PRONOUN:
            word = _SAY_PRONOUN[low]
            out.append(word.capitalize() if piece[0].isupper() else word)
        elif piece.strip():
            lead = piece[:len(piece) - len(piece.lstrip())]
            tail = piece[len(piece.rstrip()):]
            out.append(f"{lead}{finalize(Data(piece, source))}{tail}")
        else:
            out.append(piece)
    return "".join(out)


def _role(facts: tuple[Fact, ...], words: str) -> str:
    kinds = {f.kind for f in facts}
    if kinds & _RESULT:
        return "result"
    if _CONCLUDES.search(words) or "hedge" in kinds:
        return "conclusion"
    return "method" if kinds & _METHOD else "other"


def _is_clause(words: str) -> bool:
    """A finite verb before any "that"/"which": "X confirms Y", not "a review emphasising that Y is Z"."""
    return has_verb(words)


def _sentence(text: str) -> str:
    text = text.strip().rstrip(";,:").strip()
    return text if not text or text[-1] in ".!?" else text + "."


def parts(paper: Paper, facts: Facts | None = None, strip_stats: bool = False) -> list[Part]:
    """The paper's own clauses as parts (all clauses when none reads as the paper's own)."""
    facts = facts or paper_facts(paper)
    text = paper.finding
    spans = clauses(text)
    mine = [(s, e) for s, e in spans if own(text, s, e)] or spans
    source = f"{paper.key}:finding"
    found = []
    for start, end in mine:
        inside = tuple(f for f in facts.items if start <= f.start < end)
        words = _sentence(text[start:end])
        if strip_stats:
            words = _sentence(without_statistics(words.rstrip(".")))  # said by the numbers move
        words = _LINKING.sub("", words)  # "Additionally, ..." leans on a sentence the hosts don't say
        first = re.sub(r"^[A-Z][a-z]+ly\s+", "", words).split(" ", 1)[0].lower()
        clause, subjectless = _is_clause(words), first in _REPORTING_VERBS
        kind_phrase = bool(_KIND_PHRASE.match(words)) and not clause
        said_whole = "" if subjectless or kind_phrase else article(words, clause)
        found.append(Part(voice(words, source), _role(inside, words), subjectless,
                          bool(_PRONOUNS.search(words)), clause, bool(_OWN_SENTENCE.match(words)),
                          start, end, inside, kind_phrase, said_whole))
    return found


def material(paper: Paper, strip_stats: bool = False) -> Material:
    """The lead, second part, the rest of a short finding, and the conclusion of one paper."""
    facts = paper_facts(paper)
    found = parts(paper, facts, strip_stats)
    results = [p for p in found if p.role == "result"]
    lead = results[0] if results else next((p for p in found if p.role != "method"), found[0] if found else None)
    after = [p for p in found if p is not lead and p.role != "method"]
    second = next((p for p in after if p.role == "result"), None)
    if second is None and len(found) <= 3:
        second = next(iter(after), None)  # a short finding is said whole
    conclusion = next((p for p in reversed(after) if p.role == "conclusion" and p is not second), None)
    short = len(found) <= 3
    rest = tuple(p for p in after if p not in (second, conclusion) and short)
    more = tuple(p for p in after if p not in (second, conclusion) and not short and p.role == "result")
    method = next((p for p in found if p.role == "method" and p is not lead), None)
    return Material(paper.key, lead, second, rest, conclusion, facts, method, more)
