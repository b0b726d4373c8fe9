"""What a listener hears, measured: how much of a script is paper data, repetition, shapes, honesty.

These are the measures issue 12 names, computed from the written script alone (so a script
from any version of the templates can be measured the same way): `scripts/script-metrics`
prints them for the demo show and the fixture reading lists, and the tests hold them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Paper, Script
from . import design, mentions

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"”’')\]]*|$)")
# Words too general to show that a turn carries a paper's data.
_GENERAL = frozenset("""
about after also among and are been being between both but can could did does each even first from have
here into its more most much not now one only other over same some such than that their them then there
these they this those through very was were what when where which while who will with would your paper
papers study studies review reviews trial trials research evidence result results finding findings effect
effects people patients participants authors data analysis years year group groups compared using based
health disease role link links linked associated association model models suggest suggests showed shows
found find new two three four five six seven eight nine ten first second higher lower less more
""".split())
# Answers that admit the script has nothing to say.
NOTES_DONT_SAY = re.compile(
    r"our notes don'?t|notes don'?t (?:say|give|state)|doesn'?t (?:name|tell us|give) (?:a |the )?"
    r"(?:study )?design|design (?:isn'?t|is not|not) stated|reading list doesn'?t|summary we have doesn'?t|"
    r"our notes have no|don'?t have a summary|without (?:knowing|the design)", re.IGNORECASE)
# The sentences that explain how a design works (old and new wording), by design.
EXPLANATIONS = {
    "animal": r"lab work rather than|experiments were done in|it's lab research|control almost everything in a "
              r"lab animal|change one thing in the animals",
    "rct": r"assigned to the treatment or a comparison at random|the design built to test cause|split at random|"
           r"coin toss",
    "meta-analysis": r"pooled the numbers from several|combines the results of earlier|find every study that "
                     r"answers|adding up studies",
    "systematic-review": r"searched the published ones|structured look at the studies|methodical gathering|"
                         r"set their rules in advance|search with a written method",
    "mendelian-randomisation": r"genetic variants as a kind of natural experiment|genetic approach to the "
                               r"question|genes are handed out|nature's lottery",
    "observational": r"measured and compared|they observed; they didn't intervene|take people as they find "
                     r"them|you measure, you compare",
    "narrative-review": r"bring together earlier research and give|survey of what's been published|experts read "
                        r"the literature|no fixed search method",
}
CAUSE_WORDS = re.compile(r"points? towards cause|pointer towards cause|suggestive of cause|causal role|"
                         r"test of cause and effect", re.IGNORECASE)


def content_words(papers: Sequence[Paper]) -> set[str]:
    """The words of the papers' titles and findings that say something particular."""
    words = {w.lower() for p in papers for w in _WORD.findall(f"{p.title} {p.finding}")}
    return {w for w in words if len(w) >= 4 and w not in _GENERAL}


def design_references(papers: Sequence[Paper]) -> set[str]:
    """How the script names these papers' designs ("the review", "this animal study", "next, a cohort study")."""
    found: set[str] = set()
    for paper in papers:
        d = design.classify(paper)
        for _, words in mentions.candidates(d.kind, d.detail, d.evidence, d.in_people, ""):
            found.update(f"{article} {words.lower()}" for article in ("the", "this", "a", "an", "another"))
    return found


def carries_data(text: str, papers: Sequence[Paper], words: set[str] | None = None) -> bool:
    """A turn that names a paper (by an author, or by its design once introduced), says a number
    from a paper, or uses two of the papers' content words."""
    words = content_words(papers) if words is None else words
    names = {a.family.lower() for p in papers for a in p.authors if not a.is_group}
    said = {re.sub(r"['’]s$", "", w.lower()) for w in _WORD.findall(text)}
    if any(re.search(rf"\b{re.escape(name)}\b", text.lower()) for name in names if name):
        return True  # a surname, of one word or more ("Di Lauro")
    if any(re.search(rf"\b{re.escape(ref)}\b", text.lower()) for ref in design_references(papers)):
        return True  # a paper referred to by what it is ("the meta-analysis"): mentions.py
    numbers = {n for p in papers for n in _NUMBER.findall(p.finding)} - {str(p.year) for p in papers}
    if any(n in numbers for n in _NUMBER.findall(text) if len(n) > 1 or n != "1"):
        return True
    return len(said & words) >= 2


def data_share(script: Script, papers: Sequence[Paper]) -> float:
    """The fraction of turns that carry paper data."""
    words = content_words(papers)
    turns = script.turns
    return sum(carries_data(t.text, papers, words) for t in turns) / len(turns) if turns else 0.0


def sentences(text: str) -> list[str]:
    """Normalised sentences of a text (lower case, spaces collapsed)."""
    return [" ".join(s.lower().split()) for s in _SENTENCE.findall(text) if re.search(r"\w", s)]


def repeated_sentences(scripts: Sequence[Script]) -> list[str]:
    """Sentences said in two or more of the scripts."""
    seen: Counter[str] = Counter()
    for script in scripts:
        seen.update(set(sentences(" ".join(t.text for t in script.turns))))
    return sorted(s for s, n in seen.items() if n >= 2)


def segment_shapes(script: Script) -> Counter[str]:
    """Each paper segment's shape: who speaks and whether each turn asks or tells ("A?B.A.B.")."""
    shapes: Counter[str] = Counter()
    for section in script.sections:
        if section.id.startswith("paper-"):
            turns = [t for t in script.turns if t.section == section.id]
            shapes["".join("AB"[t.host] + ("?" if t.text.rstrip().endswith("?") else ".") for t in turns)] += 1
    return shapes


def notes_dont_say(script: Script) -> list[str]:
    """Turns that answer with "our notes don't say"."""
    return [t.text for t in script.turns if NOTES_DONT_SAY.search(t.text)]


def explanations(script: Script) -> Counter[str]:
    """In how many sections of a script each design is explained."""
    counts: Counter[str] = Counter()
    for section in script.sections:
        text = " ".join(t.text for t in script.turns if t.section == section.id).lower()
        for kind, pattern in EXPLANATIONS.items():
            counts[kind] += bool(re.search(pattern, text))
    return counts


def cause_for_null(script: Script, null_keys: Sequence[str]) -> list[str]:
    """Turns describing a null-result paper as pointing towards cause."""
    return [t.text for t in script.turns if t.section in {f"paper-{k}" for k in null_keys}
            and CAUSE_WORDS.search(t.text)]


def quoted_words(script: Script) -> list[str]:
    """Links or themes said as 'the word "X"'."""
    return [m.group() for t in script.turns for m in re.finditer(r"the words? \"[^\"]+\"", t.text)]


@dataclass(frozen=True)
class Measures:
    """The measures of one script."""

    turns: int
    data_share: float
    max_shape: int
    notes_dont_say: int
    max_explained: int
    quoted_words: int
    cause_for_null: int
    minutes: float

    def row(self) -> str:
        """One line for a table."""
        return (f"{self.turns:5d} {self.data_share:6.0%} {self.max_shape:6d} {self.notes_dont_say:6d} "
                f"{self.max_explained:6d} {self.quoted_words:6d} {self.cause_for_null:6d} {self.minutes:6.1f}")


HEADER = "turns   data  shape  notes  expl.  word\"  cause    min"


def measure(script: Script, papers: Sequence[Paper], null_keys: Sequence[str], seconds: float) -> Measures:
    """Every per-script measure."""
    return Measures(
        turns=len(script.turns), data_share=data_share(script, papers),
        max_shape=max(segment_shapes(script).values(), default=0), notes_dont_say=len(notes_dont_say(script)),
        max_explained=max(explanations(script).values(), default=0), quoted_words=len(quoted_words(script)),
        cause_for_null=len(cause_for_null(script, null_keys)), minutes=seconds / 60)
