"""Classify a paper's study design from its title and key finding, without ever guessing.

The hosts say what kind of study a paper is and give the caveat that fits, so a wrong label
would be a wrong fact. The rules therefore only fire on explicit wording ("systematic review",
"in mice", "Mendelian randomisation", "randomised, placebo-controlled trial", "case-control",
"crossover study", "case report", "semi-structured interviews", "agent-based model",
"proposes", "correlate with" in a finding about people...), and anything else is OTHER, which
the templates say once, in neutral terms, and never count.

How it decides, in order (the first match wins):

1. Clauses of the finding that describe earlier work ("previous studies in mice showed ...")
   or future work ("a meta-analysis is needed") are set aside: they are not this paper's design.
   The title is always kept. A title naming a protocol makes the paper OTHER.
2. Syntheses outrank what they synthesise: meta-analysis, then systematic review, then any
   other review ("a review of randomised trials" is a review, not a trial).
3. Then Mendelian randomisation, then a single randomised trial ("randomised trials", plural,
   describes a synthesis and is not a trial label).
4. Then designs named in so many words: a case report or series, a qualitative study
   (interviews, focus groups), a modelling study, an experiment that is not said to be
   randomised ("crossover study", "semi-field", "field experiment", "open-label", "single-arm",
   "placebo-controlled trial"; in animals it is animal research), a perspective or commentary
   named in the title by a paper that counts nothing of its own.
5. Then animal studies, when an organism is named and people are not also studied (a study
   of both is OTHER: it has no single fitting caveat); lab studies in cells.
6. Then observational studies in people: an explicit cohort / case-control / cross-sectional,
   or people measured without an intervention, or associations reported ("correlate with")
   by a paper that is not arguing or proposing something. A paper that argues, proposes or
   calls for something and counts nothing of its own (no "120 patients", no "31 studies") is a
   perspective; with data of its own it stays OTHER.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Paper

ANIMAL = "animal"
RCT = "rct"
META_ANALYSIS = "meta-analysis"
SYSTEMATIC_REVIEW = "systematic-review"
MENDELIAN = "mendelian-randomisation"
OBSERVATIONAL = "observational"
NARRATIVE_REVIEW = "narrative-review"
EXPERIMENT = "experiment"        # an intervention without stated randomisation: crossover, field, single-arm
LAB = "lab"                      # cells or tissue in the lab
CASE_REPORT = "case-report"      # one patient or a short series, no comparison group
QUALITATIVE = "qualitative"      # interviews, focus groups
MODELLING = "modelling"          # a model or simulation
PERSPECTIVE = "perspective"      # a paper that argues or proposes: no data of its own
OTHER = "other"
KINDS = (ANIMAL, RCT, META_ANALYSIS, SYSTEMATIC_REVIEW, MENDELIAN, OBSERVATIONAL, NARRATIVE_REVIEW, EXPERIMENT,
         LAB, CASE_REPORT, QUALITATIVE, MODELLING, PERSPECTIVE, OTHER)

# A rough, conventional hierarchy of evidence used only for the critique format's ranking;
# 0 means "not rated" (the design is unknown).
TIERS = {META_ANALYSIS: 5, SYSTEMATIC_REVIEW: 5, RCT: 4, MENDELIAN: 3, EXPERIMENT: 3, OBSERVATIONAL: 2,
         QUALITATIVE: 2, MODELLING: 2, ANIMAL: 1, LAB: 1, CASE_REPORT: 1, NARRATIVE_REVIEW: 1, PERSPECTIVE: 1,
         OTHER: 0}


@dataclass(frozen=True)
class Design:
    """A paper's study design: its kind, a qualifier (organism, subtype) and the words that show it."""

    kind: str
    detail: str = ""      # "mice", "case-control", "narrative", "scoping", "protocol", ... or ""
    evidence: str = ""    # the exact words of the title or finding the label rests on
    in_people: bool = False  # an observational study that explicitly studies people

    @property
    def tier(self) -> int:
        """Conventional evidence tier for ranking (5 = synthesis of studies, 0 = unknown)."""
        return TIERS[self.kind]

    @property
    def is_review(self) -> bool:
        """True for designs that bring no new data of their own."""
        return self.kind in (META_ANALYSIS, SYSTEMATIC_REVIEW, NARRATIVE_REVIEW)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_CLAUSE_SPLIT = re.compile(r"(?<=[.;!?])\s+(?=\S)")
# A full stop after these does not end a clause ("e.g. probiotics", "Smith et al. 2020", "L. reuteri").
_NOT_AN_END = re.compile(r"(?:\b(?:e\.g|i\.e|et al|vs|approx|cf|fig|ca|no)\.|\b(?-i:[A-Z])\.)$", re.IGNORECASE)
# Clauses about other work: earlier findings, or what should happen next.
_BACKGROUND = _rx(r"\b(previous(ly)?|prior|earlier|past work|has been|have been|had been|is known|are known|"
                  r"well[- ]established|it is established|literature|studies (have )?(show|suggest|report|highlight)"
                  r"|research (has )?(show|suggest)|\b(have|has) (shown|suggested|reported|demonstrated|linked))")
_FUTURE = _rx(r"\b(future|further|warrant\w*|needed|need for|should|remains? to be|would|could)\b")

_PROTOCOL = _rx(r"\b(study|trial|review) protocol\b|\bprotocol for\b|\bprotocol of\b")
_META = _rx(r"\bmeta[- ]?analys[ie]s\b|\bmeta[- ]?regression\b|\bpooled analysis of\b")
_SYSTEMATIC = _rx(r"\bsystematic(al)?\s+(literature\s+)?review\b|\bumbrella review\b")
# "review" as a kind of paper; not "peer review", "review board", "under review".
_REVIEW = _rx(r"\b(?P<q>narrative|scoping|literature|clinical|critical|comprehensive|mini-?|integrative)?"
              r"\s*(?<!peer )(?<!peer-)review\b(?!\s+board)(?!ed\b)")
_REVIEW_VERB = _rx(r"^\s*(we\s+)?review(s)?\s+(the|recent|current|what)\b")
_MENDELIAN = _rx(r"\bmendelian randomi[sz]ation\b|\btwo-sample MR\b")
# One trial (singular). "randomised trials" is a body of evidence, not this paper's design.
_RCT = _rx(r"\brandomi[sz]ed(?:,)?(?:\s+(?:double|single|triple)-blind(?:ed)?,?|\s+placebo-controlled,?|"
           r"\s+controlled,?|\s+crossover,?|\s+clinical,?|\s+pilot,?|\s+parallel-group,?|\s+field,?)*\s+"
           r"(?:trial|experiment)\b(?!s)"
           r"|\b(?:were|was)\s+randomly\s+(?:assigned|allocated)\b|\bwe\s+randomi[sz]ed\b|\ban?\s+RCT\b")
_ANIMAL = _rx(r"\b(?P<o>mice|mouse|murine|rats?|rodents?|zebrafish|piglets?|primates?|macaques?|"
              r"animal models?|drosophila)\b")
_IN_VITRO = _rx(r"\bin vitro\b(?! fertili[sz])|\bcell lines?\b|\bcultured cells\b")
_HUMAN = _rx(r"\b(patients?|participants?|adults?|children|adolescents?|women|men|volunteers?|sufferers|\w{4,}eurs|"
             r"individuals|people|humans?|healthy controls?)\b")
_SUBTYPE = _rx(r"\b(?P<s>cohort|case[- ]control|cross[- ]sectional|observational)\b")
_INTERVENTION = _rx(r"\b(open-label|single-arm|non-randomi[sz]ed|supplementation|treated with|were given|"
                    r"received|administered|intervention (group|study)|trial|placebo|efficacy|effective)\b")
_MEASURED = _rx(r"\b(levels?|elevated|raised|higher|lower|increased|decreased|reduced|compared|markers?|"
                r"evidence|more|less|fewer|frequent|common|prevalen\w*|differ\w*)\b")
_ASSOCIATION = _rx(r"\b(correlat\w*|associated with|associations? (with|between)|predict\w*)\b")
# A paper that argues, proposes or surveys is not reporting a study of its own.
_ARGUES = _rx(r"\b(argues?|proposes?|advocates?|emphasi[sz]\w*|highlights?|discuss\w*|summari[sz]\w*|"
              r"places?|call for|calls for|overview|perspective|hypothesis|hypothesi[sz]e\w*)\b")

# Designs named in so many words, each with the phrase the hosts say for it.
_EXPERIMENT = _rx(r"\b(?:(?P<cross>cross-?over)\s+(?:study|trial|design|experiment)|(?:double|single)-blind(?:ed)?,?\s+"
                  r"(?:placebo-controlled,?\s+)?(?P<cross2>cross-?over)|(?P<semi>semi-field)|(?P<field>field "
                  r"(?:experiment|trial))|(?P<open>open-label)|(?P<arm>single-arm)|(?P<nonrand>non-?randomi[sz]ed "
                  r"(?:controlled\s+)?(?:trial|study|intervention))|(?P<quasi>quasi-experiment\w*)|(?P<prepost>before-"
                  r"and-after|pre-post)\s+(?:study|design)|(?P<pilot>pilot\s+trial)|(?P<ctrl>controlled "
                  r"experiment)|(?P<placebo>placebo-controlled\s+(?:study|trial)))")
_EXPERIMENT_SAID = {"cross": "crossover study", "cross2": "crossover study", "semi": "semi-field experiment",
                    "field": "field experiment", "open": "open-label study", "arm": "single-arm trial",
                    "nonrand": "non-randomised trial", "quasi": "quasi-experiment", "prepost": "before-and-after study",
                    "pilot": "pilot trial", "ctrl": "controlled experiment",
                    "placebo": "placebo-controlled trial"}
_CASE = _rx(r"\bcase\s+(?P<c>report|series)\b")
_QUALITATIVE = _rx(r"\bqualitative (?:study|research|interviews?|analysis|approach|methods?|design|"
                   r"investigation|exploration|evaluation)\b|\bsemi-structured interviews?\b|\bfocus groups?\b|"
                   r"\binterview study\b|\bthematic analysis\b")
_MODELLING = _rx(r"\b(?:modelling|modeling|simulation) study\b|\b(?:mathematical|computational|agent-based|"
                 r"compartmental|decision-analytic) model\w*|\bmicrosimulation\b|"
                 r"\bcost-effectiveness (?:analysis|model)")
# A paper that says of itself what kind of argument it makes.
_PERSPECTIVE = _rx(r"\b(?P<p>perspective|viewpoint|commentary|editorial|opinion (?:piece|paper)|position (?:paper|"
                   r"statement)|hypothesis paper)\b")
_OVERVIEW = _rx(r"\b(?:an|this)\s+overview\b|^overview\b|\bsummari[sz]es (?:the|current|recent) (?:evidence|literature|"
                r"research)")
# Data of the paper's own: a count of participants, animals, units or studies.
_OWN_DATA = _rx(r"\b\d[\d,.]*\s+(?:[\w-]+\s+){0,3}(?:participants|patients|adults|children|people|individuals|"
                r"volunteers|women|men|mice|rats|animals|colonies|farms|sites|fields|cities|studies|trials|cohorts)\b")

_ORGANISM = {"mouse": "mice", "murine": "mice", "rat": "rats", "rodent": "rodents", "piglet": "piglets",
             "primate": "primates", "macaque": "macaques", "animal model": "animal models",
             "animal models": "animal models"}


def clauses(finding: str) -> list[str]:
    """A finding split into its sentences and semicolon clauses."""
    out: list[str] = []
    for piece in _CLAUSE_SPLIT.split(finding.strip()):
        if out and _NOT_AN_END.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        elif piece.strip():
            out.append(piece.strip())
    return out


def own_clauses(finding: str) -> list[str]:
    """The clauses of a finding that describe this paper, not earlier or future work."""
    return [c for c in clauses(finding) if not _BACKGROUND.search(c) and not _FUTURE.search(c)]


def _first(pattern: re.Pattern[str], texts: list[str]) -> re.Match[str] | None:
    for text in texts:
        match = pattern.search(text)
        if match:
            return match
    return None


def classify(paper: Paper) -> Design:
    """The design of a paper, from explicit wording in its title and finding (OTHER when unclear)."""
    return classify_text(paper.title, paper.finding)


def classify_text(title: str, finding: str) -> Design:
    """The design shown by a title and a key finding (see the module docstring for the rules)."""
    title = " ".join(title.split())
    texts = [title, *own_clauses(finding)]
    if m := _PROTOCOL.search(title):
        return Design(OTHER, "protocol", m.group())
    found = _synthesis(texts)
    if found is None and (m := _first(_MENDELIAN, texts)):
        found = Design(MENDELIAN, "", m.group())
    if found is None and (m := _first(_RCT, texts)):
        found = Design(RCT, "", m.group())
    return found or _named(texts) or _study(title, finding, texts)


def _named(texts: list[str]) -> Design | None:
    """A design the title or finding names outright: case report, qualitative, modelling, experiment."""
    if m := _first(_CASE, texts):
        return Design(CASE_REPORT, f"case {m.group('c').lower()}", m.group())
    if m := _first(_QUALITATIVE, texts):
        return Design(QUALITATIVE, "", m.group())
    if m := _first(_MODELLING, texts):
        return Design(MODELLING, "", m.group())
    if (m := _first(_EXPERIMENT, texts)) and not _first(_ANIMAL, texts):  # an animal experiment is animal research
        said = next(_EXPERIMENT_SAID[k] for k, v in m.groupdict().items() if v)
        return Design(EXPERIMENT, said, m.group())
    # The title names the genre ("A Commentary"), and the paper counts nothing of its own (a cohort
    # study "from a life-course perspective" is a cohort study).
    if (m := _first(_PERSPECTIVE, texts[:1])) and not _first(_OWN_DATA, texts) and not _first(_SUBTYPE, texts):
        return Design(PERSPECTIVE, m.group("p").lower(), m.group())
    return None


def _synthesis(texts: list[str]) -> Design | None:
    """A meta-analysis, systematic review or other review: syntheses outrank what they synthesise."""
    if m := _first(_META, texts):
        return Design(META_ANALYSIS, "", m.group())
    if m := _first(_SYSTEMATIC, texts):
        return Design(SYSTEMATIC_REVIEW, "", m.group())
    if m := _first(_REVIEW, texts):
        qualifier = (m.group("q") or "").lower().rstrip("-")
        detail = qualifier if qualifier in ("narrative", "scoping") else ""
        return Design(NARRATIVE_REVIEW, detail, m.group().strip())
    if m := _first(_REVIEW_VERB, texts) or _first(_OVERVIEW, texts):
        return Design(NARRATIVE_REVIEW, "", m.group().strip())
    return None


def _study(title: str, finding: str, texts: list[str]) -> Design:
    """An animal or observational study of the paper's own, else OTHER."""
    human = _first(_HUMAN, texts)
    if (m := _first(_ANIMAL, texts)) is not None:
        if human is not None or _first(_IN_VITRO, texts):
            return Design(OTHER)  # people and animals (or cells) in one paper: no single caveat fits
        organism = m.group("o").lower()
        return Design(ANIMAL, _ORGANISM.get(organism, organism), m.group())
    if (m := _first(_IN_VITRO, texts)) is not None:
        return Design(LAB, "cells", m.group()) if human is None else Design(OTHER)
    if _first(_INTERVENTION, texts):
        return Design(OTHER)  # an intervention that is neither a randomised trial nor a named experiment
    if m := _first(_SUBTYPE, texts):
        subtype = m.group("s").lower().replace(" ", "-")
        return Design(OBSERVATIONAL, "" if subtype == "observational" else subtype, m.group(),
                      in_people=human is not None)
    # The weak rules below rest on how a finding is worded, so a paper that argues or proposes
    # anywhere (even in a set-aside clause) is not taken for a study of its own.
    if m := _first(_ARGUES, [title, finding]):
        # It argues, proposes or calls for something and counts nothing of its own: a perspective.
        return Design(OTHER) if _first(_OWN_DATA, texts) else Design(PERSPECTIVE, "", m.group())
    if human is not None and (_first(_MEASURED, texts) or _first(_ASSOCIATION, texts)):
        return Design(OBSERVATIONAL, "", human.group(), in_people=True)
    # Associations count only in the finding: a title's "Disease Associated with Dysbiosis"
    # describes the topic, not a study.
    if m := _first(_ASSOCIATION, texts[1:]):
        return Design(OBSERVATIONAL, "", m.group())
    return Design(OTHER)
