"""Facts a paper's finding states, extracted by rules, each with the span of text it came from.

The hosts may only say what the reading list says, so every fact keeps `start`/`end` into
the text it was read from: a spoken number, direction or negation can be traced back to
its words. The rules read the sentences and clauses of a finding (or abstract) and find:

- `sample` (a number of people or animals: "84 adults", "n = 1,204", "7,959 participants"),
  `organism` ("in mice"), `duration` ("for 8 weeks", "median follow-up of 6.2 years"),
- `intervention` and `comparator` ("randomised to melatonin or placebo", "versus sham"),
- `direction` (an outcome raised, lowered, or not changed: `value` up/down/none, `detail` the
  outcome's words), `effect` (OR, HR, RR, SMD, MD, g, d, β, r with its interval), `percent`,
  `p_value`, `studies` (how many were pooled), `i2` (heterogeneity),
- `amount` (how far an outcome moved: "by 12 minutes", "by 23%"),
- `null` (a negation of an effect or association), `hedge` (only in the paper's own
  claims, not in "previous research suggests ..."), `priority` ("the first", "the largest").

Clauses about earlier or future work are set aside for directions, nulls, hedges and
priority claims: they are not what this paper found.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Paper

KINDS = ("sample", "organism", "duration", "intervention", "comparator", "direction", "amount", "effect", "percent",
         "p_value", "studies", "i2", "null", "hedge", "priority")

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_WORD_NUMBER = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_INT = r"\d{1,3}(?:[,\u2009\u202f ]\d{3})+(?!\d)|\d+"
_NUM = r"[-−–]?\d+(?:\.\d+)?|[-−]?\.\d+"


@dataclass(frozen=True)
class Fact:
    """One fact: its kind, the exact words (`text` = source[start:end]) and its normalised value."""

    kind: str
    text: str
    start: int
    end: int
    value: str = ""           # "84", "up", "OR", "placebo", "the first" ...
    detail: str = ""          # a direction's outcome; a sample's population; an effect's interval text
    number: float | None = None
    low: float | None = None
    high: float | None = None

    @property
    def crosses_null(self) -> bool:
        """An interval that includes no effect (1 for ratios, 0 for differences)."""
        if self.low is None or self.high is None:
            return False
        null = 1.0 if self.value in _RATIOS else 0.0
        return self.low <= null <= self.high

    @property
    def width(self) -> float | None:
        """How wide the interval is (ratios on a log-like relative scale), None without one."""
        if self.low is None or self.high is None:
            return None
        if self.value in _RATIOS and self.low > 0:
            return self.high / self.low
        return self.high - self.low


@dataclass(frozen=True)
class Facts:
    """Every fact found in one text, in order of position."""

    source: str
    text: str
    items: tuple[Fact, ...] = ()

    def all(self, kind: str) -> tuple[Fact, ...]:
        """The facts of one kind, in text order."""
        return tuple(f for f in self.items if f.kind == kind)

    def first(self, kind: str) -> Fact | None:
        """The first fact of one kind, or None."""
        return next((f for f in self.items if f.kind == kind), None)

    @property
    def sample(self) -> int | None:
        """The largest number of people or animals stated (the whole sample, not a subgroup)."""
        numbers = [int(f.number) for f in self.all("sample") if f.number is not None]
        return max(numbers) if numbers else None

    @property
    def studies(self) -> int | None:
        """How many studies were pooled or reviewed, when stated."""
        numbers = [int(f.number) for f in self.all("studies") if f.number is not None]
        return max(numbers) if numbers else None

    @property
    def i2(self) -> float | None:
        """The largest heterogeneity (I², percent) stated."""
        numbers = [f.number for f in self.all("i2") if f.number is not None]
        return max(numbers) if numbers else None

    @property
    def positive(self) -> bool:
        """Some outcome moved (a direction up or down), or an interval excludes no effect."""
        return any(f.value in ("up", "down") for f in self.all("direction")) or any(
            not f.crosses_null and f.low is not None for f in self.all("effect"))

    @property
    def null(self) -> bool:
        """The paper's own result is null: a negation and nothing that moved."""
        effects = [f for f in self.all("effect") if f.low is not None]
        none_moved = not any(f.value in ("up", "down") for f in self.all("direction"))
        all_cross = bool(effects) and all(f.crosses_null for f in effects)
        return none_moved and (bool(self.all("null")) or all_cross)

    @property
    def mixed(self) -> bool:
        """Something moved and something else explicitly did not."""
        return self.positive and bool(self.all("null"))

    def kinds(self) -> set[str]:
        """The kinds of fact found."""
        return {f.kind for f in self.items}


# --- clauses ------------------------------------------------------------------------------

_ABBREV_END = re.compile(r"(?:\b(?:e\.g|i\.e|et al|vs|approx|cf|fig|ca|no|incl)\.|\b[A-Z]\.|\d\.)$", re.IGNORECASE)
_BACKGROUND = re.compile(
    r"\b(previous(ly)?|prior|earlier|past work|has been|have been|had been|is known|are known|well[- ]established|"
    r"literature|(?:studies|research|evidence|work) (?:has |have )?(?:shown|suggested|suggests?|shows?|reported|"
    r"linked|implicated)|it is (?:thought|believed|unclear)|remains? (?:unclear|unknown)|is (?:uncertain|unclear|"
    r"unknown|common|undertreated)|^\s*whether)\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(future|further (?:studies|research|trials|work)|warrant\w*|are needed|is needed|"
                     r"need for|remains? to be)\b", re.IGNORECASE)


def clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or semicolon clause, never split inside brackets or after initials."""
    bounds: list[tuple[int, int]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ".;!?" and (i + 1 == len(text) or text[i + 1].isspace()):
            if ch == "." and _ABBREV_END.search(text[start:i + 1]) and not _next_is_capital_sentence(text, i):
                continue
            bounds.append((start, i + 1))
            start = i + 1
    if text[start:].strip():
        bounds.append((start, len(text)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in bounds if text[s:e].strip()]


def _next_is_capital_sentence(text: str, i: int) -> bool:
    """After a decimal-looking end ("in 2020."), a capitalised word starts a new sentence."""
    before = text[max(0, i - 6):i]
    if not re.search(r"\d$", before):
        return False
    rest = text[i + 1:].lstrip()
    return bool(rest[:1].isupper())


def own(text: str, start: int, end: int) -> bool:
    """A clause about this paper's own work (not earlier findings, not what is needed next)."""
    clause = text[start:end]
    return not _BACKGROUND.search(clause) and not _FUTURE.search(clause)


# --- the rules ------------------------------------------------------------------------------

def _rx(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


_PEOPLE = (r"adults|participants|patients|children|adolescents|women|men|individuals|people|subjects|volunteers|"
           r"infants|students|workers|employees|veterans|nurses|athletes|residents|twins|pairs|families|"
           r"cases|controls|respondents|survivors|smokers|users|pregnancies|births|mothers|neonates|"
           r"mice|rats|animals|dogs|pigs|piglets|monkeys|macaques|zebrafish|flies")
_SAMPLE = _rx(rf"(?<![\w.,])(?P<n>{_INT}|{_WORD_NUMBER})\s+(?P<mods>(?:(?!(?:{_PEOPLE})\b)[A-Za-z][\w'-]*\s+){{0,3}}?)"
              rf"(?P<noun>{_PEOPLE})\b(?P<tail>\s+(?:with|without|aged|who had|undergoing|from)\s+"
              r"(?:(?!(?:and|who|were|was|in|at|over|for|to|randomi[sz]ed|followed|\w+ed|had|has|have|showed)\b)[\w'’-]+\s?){1,4})?")
_N_EQUALS = _rx(rf"\b[nN]\s*=\s*(?P<n>{_INT})")
_ORGANISM = _rx(r"\b(?P<o>mice|rats|zebrafish|piglets|macaques|primates|rodents|drosophila)\b|\b(?P<m>mouse|murine|rat|rodent) models?\b")
_DURATION = _rx(rf"(?:\b(?P<lead>for|over|during|after|across|within|of|lasting|given|at)\s+(?:a\s+|the\s+)?)?"
                rf"(?:(?P<fu>(?:median|mean)\s+follow-up\s+of|followed(?:\s+up)?\s+for)\s+)?"
                rf"(?P<n>\d+(?:\.\d+)?|{_WORD_NUMBER})(?:\s+|-)(?P<unit>hours?|days?|nights?|weeks?|months?|years?)\b"
                r"(?!\s+(?:old|of age|earlier|later|ago|before))")
_AGE = _rx(r"\b(aged|age[sd]?|older than|younger than|over the age of|under)\s*(?:\w+\s+)?$")
_COMPARATOR = _rx(r"\b(?:versus|vs\.?|compared (?:with|to)|relative to)\s+(?P<c>(?:an?\s+|the\s+)?"
                  r"[\w'’-]+(?:\s[\w'’-]+){0,3}?)(?=\s*[,;.()]|\s+(?:in|for|over|on|at|after|among|was|were|with|groups?|arms?|"
                  r"participants|patients|and|or|on)\b|$)")
_CONTROLLED = _rx(r"\b(?P<c>placebo|sham|vehicle|waitlist|wait-list)[- ]controlled\b")
_ALLOCATED = _rx(r"\b(?:randomi[sz]ed|randomly (?:assigned|allocated)|allocated|assigned)\s+(?:\([^)]*\)\s+)?"
                 r"(?:\w+\s+){0,2}?to\s+(?:receive\s+)?(?P<i>[^,;()]+?)\s+(?:or|versus|vs\.?)\s+"
                 r"(?P<c>[^,;.()]+?)(?=[,;.()]|\s+(?:for|over|during|daily|nightly|twice|once|each|and)\b|$)")
_GIVEN = _rx(r"\b(?:received|were given|treated with|supplementation with|treatment with|administration of|"
             r"exposure to)\s+(?P<i>[\w'’-]+(?:\s[\w'’-]+){0,4}?)(?=[,;.()]|\s+(?:for|over|during|or|versus|vs|and|daily|"
             r"nightly|compared|reduced|lowered|increased|improved|had|showed|was|were)\b|$)")
_RATIOS = {"OR", "aOR", "HR", "aHR", "RR", "aRR", "IRR", "odds ratio", "hazard ratio", "risk ratio",
           "relative risk", "rate ratio"}
_MEASURES = (r"aOR|aHR|aRR|IRR|OR|HR|RR|SMD|WMD|MD|RD|odds ratio|hazard ratio|risk ratio|relative risk|"
             r"rate ratio|(?:standardi[sz]ed )?mean difference|Hedges'?\s*g|Cohen'?s\s*d|β|beta|\bg\b|\bd\b|\br\b")
_EFFECT = _rx(rf"(?P<m>(?<![\w])(?:{_MEASURES}))(?:\s*\(\w+\))?\s*(?:[=:,]|of|was|were)?\s*(?P<v>{_NUM})(?:\s*(?:mmol/L|mg/dL|mmHg|mm Hg|kg|min|minutes|hours|h|ms|points?|%))?"
              r"(?:\s+per\s+(?:standard deviation|SD|unit|\d+\s*\w+|[\w-]+))?"
              rf"(?P<ci>[;,]?\s*\(?\s*(?:95\s*%\s*(?:CI|confidence interval|CrI)[\s:,=]*)?"
              rf"(?P<lo>{_NUM})\s*(?:to|–|—|-|,)\s*(?P<hi>{_NUM})\)?)?", 0)
_EFFECT_CI = _rx(rf"95\s*%\s*(?:CI|confidence interval|CrI)")
_PVALUE = _rx(r"(?<![\w])[pP]\s*(?:-?\s*value\s*|\s*for\s+trend\s*|\s*for\s+interaction\s*)?"
              r"(?P<op>[<>=≤≥]|less than)\s*(?P<v>0?\.\d+(?:\s*[×x]\s*10\s*[-−]\s*\d+)?|\d(?:\.\d+)?"
              r"(?:\s*[×x]\s*10\s*[-−⁻]\s*\d+|e-\d+)?)", 0)
_I2 = _rx(r"\bI\s*(?:²|\^?2)\s*(?:=|:|of|was)?\s*(?P<v>\d+(?:\.\d+)?)\s*%", 0)
_STUDY_WORDS = r"(?:randomi[sz]ed|controlled|clinical|observational|prospective|cohort|case-control|eligible|" \
               r"independent|published|primary|placebo-controlled|included|small|large|additional|trials?,?|and|with|studies)"
_STUDIES = _rx(rf"(?<![\w.,])(?P<n>{_INT}|{_WORD_NUMBER})\s+(?:{_STUDY_WORDS}\s+){{0,3}}?"
               r"(?P<noun>RCTs|trials|studies|cohorts|datasets|articles|reports)\b|\bk\s*=\s*(?P<k>\d+)")
_PERCENT = _rx(r"(?<![\w.])(?P<v>\d+(?:\.\d+)?)\s?%(?!\s*(?:CI|confidence|CrI))")
_AMOUNT = _rx(rf"\bby\s+(?:a\s+(?:mean|median|average)\s+of\s+|about\s+|approximately\s+|nearly\s+|almost\s+)?"
              r"(?P<v>\d+(?:\.\d+)?)\s*(?P<u>%|percentage points?|minutes?|min\b|hours?|mm ?Hg|points?|kg|bpm|"
              r"beats per minute|days?|nights?|mg/dL|mmol/L|ms\b)")
_UP = r"increas\w*|rais\w*|elevat\w*|higher|greater|more|worsen\w*|enhanc\w*|exacerbat\w*|prolong\w*|" \
      r"improv\w*|lengthen\w*|boost\w*|doubl\w*|tripl\w*|rose|accelerat\w*"
_DOWN = r"reduc\w*|lower\w*|decreas\w*|fewer|less|shorten\w*|attenuat\w*|diminish\w*|declin\w*|" \
        r"prevent\w*|suppress\w*|halv\w*|fell|impair\w*|slow\w*"
_NEUTRAL = r"chang\w*|alter\w*|affect\w*|modif\w*|differ\w*|influenc\w*"
_STOP = r"by|in|to|than|from|at|of|over|with|and|or|significantly|compared|versus|vs|after|during|for|per|when|between"
_SUBJECT = re.compile(r"((?:[\w'’α-ω-]+\s+){0,3}[\w'’α-ω-]+)\s+$")
_NOT_SUBJECT = re.compile(rf"^(?:the|a|an|and|or|but|was|were|which|that|this|it|{_STOP})$", re.IGNORECASE)
_INTRANSITIVE = r"declin\w*|fell|rose|increas\w*|decreas\w*|doubl\w*|halv\w*|improv\w*|worsen\w*|differ\w*|" \
                r"chang\w*|drop\w*"
_NOUN_OBJECT = re.compile(r"\s+(?:in|of)\s+((?:(?!(?:and|or|in|of|by|with|among|than)\b)[\w'’α-ω-]+\s?){1,4})")
_DIRECTION = _rx(rf"\b(?P<neg>(?:did|does|do|was|were|is|are) not\s+(?:significantly\s+)?|failed to\s+|"
                 rf"not\s+)?(?:significantly\s+|markedly\s+|substantially\s+|modestly\s+|slightly\s+)?"
                 rf"(?P<verb>{_UP}|{_DOWN}|reversed?|revers\w+|{_NEUTRAL})(?![\w-])(?:\s+(?:the\s+|a\s+|an\s+|their\s+)?"
                 rf"(?P<obj>(?!(?:{_STOP}|{_UP}|{_DOWN})(?![\w-]))(?:risk|odds|incidence|rates?|levels?|frequency|severity|number|duration|abundance|"
                 r"[\w'’-]+)(?:\s+(?!(?:by|in|among|from|at|over|compared|versus|vs|relative|than|after|during|for|"
                 rf"with|and|but|while|whereas|was|were|when|which|who|across|\w+ed|rose|fell)(?![\w-]))[\w'’α-ω-]+){{0,4}}))?")
_NULL = _rx(r"\bno (?:statistically |clinically )?(?:significant |clear |meaningful |causal |detectable |consistent |"
            r"overall |reliable )?(?:difference|differences|effect|effects|association|associations|evidence|"
            r"benefit|change|changes|improvement|reduction|increase|link|relationship|impact)\b|"
            r"\b(?:did|does|do|was|were|is|are) not (?:significantly |statistically |materially )?"
            r"(?:differ|reduce|improve|increase|change|affect|alter|predict|associated|related|linked|lower|raise|"
            r"modify|significant|worsen|prevent)\w*|\bnot (?:statistically )?significant(?:ly)?\b|"
            r"\bnon-?significant\b|\bfailed to\b|\bneither\b|\bnull (?:effect|result|association)s?\b|"
            r"\bsimilar (?:between|in both|across)\b|\bdid not\b")
_NULL_TARGET = _rx(r"\s+(?:of\s+[\w'’ -]+?\s+)?(?:on|in|with|for|between)\s+(?P<o>(?:(?!(?:in|among|at|over|and|or|"
                   r"compared|versus|vs|after|during|between)\b)[\w'’α-ω-]+\s?){1,5})")
_HEDGE = _rx(r"\b(may|might|could|possibly|potentially|suggests?|suggested|suggesting|suggestive|appears? to|appeared to|"
             r"likely|preliminary|pilot|tentative|exploratory|hypothesis-generating|approach(?:es|ed)? significance|"
             r"limited (?:trials|evidence|data|studies))\b")
_PRIORITY = _rx(r"\bfor the first time\b|\bto (?:our|the authors') knowledge\b|\b(?:the|is the|are the|our|this is the)\s+"
                r"(?P<w>first|largest|only|longest|biggest|earliest)(?=\s+(?:[\w-]+\s+){0,3}?(?:study|studies|trial|"
                r"report|evidence|analysis|meta-analysis|cohort|investigation|demonstration|to|randomi[sz]ed|"
                r"prospective|genome-wide|description|systematic))")


def _int(text: str) -> int:
    """An integer written with digits (thousands separated by commas or spaces) or as a word."""
    word = text.lower()
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    return int(re.sub(r"[,\u2009\u202f ]", "", text))


def _float(text: str) -> float:
    return float(text.replace("−", "-").replace("–", "-"))


def _fact(kind: str, match: re.Match[str], group: int | str = 0, **values: object) -> Fact:
    start, end = match.span(group)
    return Fact(kind, match.string[start:end], start, end, **values)  # type: ignore[arg-type]


def _samples(text: str) -> Iterator[Fact]:
    seen: set[int] = set()
    for m in _SAMPLE.finditer(text):
        n = _int(m.group("n"))
        if re.match(r"(?:19|20)\d\d$", m.group("n")) and not m.group("mods"):
            continue  # "in 2019 patients were ..." is a year, rarely a sample
        end = m.start() + len(text[m.start():m.end()].rstrip())
        seen.add(n)
        yield Fact("sample", text[m.start():end], m.start(), end, value=str(n),
                   detail=" ".join(text[m.start():end].split()), number=float(n))
    for m in _N_EQUALS.finditer(text):
        n = _int(m.group("n"))
        if n not in seen:
            yield _fact("sample", m, value=str(n), number=float(n))


def _durations(text: str) -> Iterator[Fact]:
    for m in _DURATION.finditer(text):
        before = text[max(0, m.start() - 30):m.start("n")]
        if _AGE.search(before) or (not m.group("lead") and not m.group("fu") and "-" not in m.group()):
            continue  # an age, or a bare "3 years" that may be anything
        unit = m.group("unit").lower()
        n = m.group("n")
        value = f"{n} {unit if not unit.endswith('s') or n in ('1', 'one') else unit}"
        start = m.start("fu") if m.group("fu") else m.start("n")
        yield Fact("duration", text[start:m.end()], start, m.end(), value=value,
                   detail="follow-up" if m.group("fu") else "",
                   number=float(_int(n)) if n.isalpha() else float(n))


def _arms(text: str) -> Iterator[Fact]:
    found: set[str] = set()
    for m in _ALLOCATED.finditer(text):
        yield _fact("intervention", m, "i", value=m.group("i").strip())
        yield _fact("comparator", m, "c", value=m.group("c").strip())
        found.add(m.group("c").strip().lower())
    for m in _GIVEN.finditer(text):
        if not _ALLOCATED.search(text):
            yield _fact("intervention", m, "i", value=m.group("i").strip())
    for m in _COMPARATOR.finditer(text):
        value = re.sub(r"^(?:an?|the)\s+", "", m.group("c").strip(), flags=re.IGNORECASE)
        if value.lower() not in found and not re.fullmatch(r"[\d.,]+", value) and text[m.end("c"):m.end("c") + 1] != "%":
            found.add(value.lower())
            yield _fact("comparator", m, "c", value=value)
    for m in _CONTROLLED.finditer(text):
        value = m.group("c").lower()
        if value not in found:
            found.add(value)
            yield _fact("comparator", m, "c", value=value)


def _effects(text: str) -> Iterator[Fact]:
    for m in _EFFECT.finditer(text):
        label = " ".join(m.group("m").split())
        if label in ("g", "d", "r") and not re.search(r"[=:]\s*$", text[m.end("m"):m.start("v")]):
            continue  # a bare letter counts only as "g = 0.4"
        if label.lower().startswith("hedges"):
            label = "g"
        elif label.lower().startswith("cohen"):
            label = "d"
        elif label.lower() == "beta":
            label = "β"
        ci = m.group("ci") and (_EFFECT_CI.search(m.group("ci")) or m.group("ci").lstrip(" ;,").startswith("("))
        low = _float(m.group("lo")) if ci else None
        high = _float(m.group("hi")) if ci else None
        end = m.end("ci") if ci else m.end("v")
        if ci and text[end - 1] == ")" and "(" not in m.group("ci"):
            end -= 1  # the bracket closes an aside the interval sits in, not the interval
        yield Fact("effect", text[m.start():end], m.start(), end, value=label,
                   detail=text[m.start("ci"):m.end("ci")].strip(" ;,()") if ci else "",
                   number=_float(m.group("v")), low=low, high=high)


def _counts(text: str) -> Iterator[Fact]:
    for m in _STUDIES.finditer(text):
        if m.group("k"):
            yield _fact("studies", m, value=m.group("k"), number=float(m.group("k")))
        else:
            n = _int(m.group("n"))
            yield _fact("studies", m, value=str(n), detail=m.group("noun"), number=float(n))
    for m in _AMOUNT.finditer(text):
        yield _fact("amount", m, value=f"{m.group('v')} {m.group('u')}".replace(" %", "%"), number=float(m.group("v")))
    for m in _I2.finditer(text):
        yield _fact("i2", m, value=m.group("v"), number=float(m.group("v")))
    for m in _PVALUE.finditer(text):
        yield _fact("p_value", m, value=f"{m.group('op')} {m.group('v')}", detail=m.group("op"))
    taken = [(f.start, f.end) for f in (*_effects(text),) if f.detail] + [m.span() for m in _I2.finditer(text)]
    for m in _PERCENT.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            yield _fact("percent", m, value=m.group("v"), number=float(m.group("v")))


def _direction(clause: str, m: re.Match[str]) -> tuple[str, str, int, int] | None:
    """(up/down/none/reversed, the outcome's words, where the fact starts and ends) for one verb, or None."""
    verb = m.group("verb").lower()
    after, before = clause[m.end("verb"):], clause[:m.start()]
    if verb in ("more", "less") and not re.match(r"\s*(?:likely|frequent|common|often|severe)", after):
        return None  # "more than", "less than": a comparison of numbers, not an outcome moving
    if verb in ("higher", "lower", "greater") and re.search(r"(?:predicted|liability to|genetically)\s+$", before):
        return None  # "genetically predicted higher LDL": the exposure, not an outcome
    neutral = re.fullmatch(_NEUTRAL, verb) is not None
    if neutral and not m.group("neg"):
        return None  # "altered", "affected": no direction to say
    negated = m.group("neg") or re.search(r"\bneither\b|(?:non-?significant|not (?:statistically )?significant)\b"
                                          r"[^,;]*$|\btrend (?:towards?|to)\s+$", before, re.IGNORECASE)
    value = "none" if negated else "down" if re.fullmatch(_DOWN, verb) else \
        "reversed" if verb.startswith("revers") else "up"
    if m.group("obj"):
        return value, m.group("obj").strip(), m.start(), m.end()
    noun = _NOUN_OBJECT.match(after) if verb.endswith(("ion", "ment", "ase", "ine")) else None
    if noun is not None:  # "a reduction in anti-inflammatory genera"
        return value, noun.group(1).strip(), m.start(), m.end() + len(noun.group().rstrip())
    if not re.fullmatch(_INTRANSITIVE, verb):
        return None  # "which losartan prevented": without an object the words before are the agent
    subject = _SUBJECT.search(before)  # "dementia incidence declined by 13%": the outcome comes first
    if subject is None:
        return None
    words = subject.group(1).split()
    while words and _NOT_SUBJECT.match(words[0]):
        words.pop(0)
    cut = [i for i, w in enumerate(words) if _NOT_SUBJECT.match(w)]
    words = words[cut[-1] + 1:] if cut else words
    if not words:
        return None
    outcome = " ".join(words)
    return value, outcome, before.rfind(outcome), m.end()


def _claims(text: str, start: int, end: int) -> Iterator[Fact]:
    """Directions, nulls, hedges and priority claims of one clause of the paper's own work."""
    clause = text[start:end]
    for m in _DIRECTION.finditer(clause):
        found = _direction(clause, m)
        if found is not None:
            value, outcome, s, e = found
            yield Fact("direction", text[start + s:start + e], start + s, start + e, value=value, detail=outcome)
    for m in _NULL.finditer(clause):
        s, e = start + m.start(), start + m.end()
        target = _NULL_TARGET.match(clause, m.end())  # "no causal effect of X on Y": Y is the outcome
        yield Fact("null", text[s:e], s, e, value="none", detail=target.group("o").strip() if target else "")
    for m in _HEDGE.finditer(clause):
        s, e = start + m.start(), start + m.end()
        yield Fact("hedge", text[s:e], s, e, value=m.group().lower())
    for m in _PRIORITY.finditer(clause):
        s, e = start + m.start(), start + m.end()
        word = m.group("w") or ("first" if "first" in m.group().lower() else "knowledge")
        yield Fact("priority", text[s:e], s, e, value=word.lower())


def extract(text: str, source: str = "finding") -> Facts:
    """Every fact in a text (a finding or an abstract), in order of position."""
    items: list[Fact] = [*_samples(text), *_durations(text), *_arms(text), *_effects(text), *_counts(text)]
    organisms = [_organism(m) for m in _ORGANISM.finditer(text)]
    items.extend(f for i, f in enumerate(organisms) if f.value not in {o.value for o in organisms[:i]})
    for start, end in clauses(text):
        if own(text, start, end):
            items.extend(_claims(text, start, end))
    items.sort(key=lambda f: (f.start, KINDS.index(f.kind), f.end))
    return Facts(source, text, tuple(items))


def _organism(m: re.Match[str]) -> Fact:
    name = (m.group("o") or m.group("m")).lower()
    value = {"mouse": "mice", "murine": "mice", "rat": "rats", "rodent": "rodents"}.get(name, name)
    return _fact("organism", m, value=value)


@functools.lru_cache(maxsize=1024)
def paper_facts(paper: Paper) -> Facts:
    """The facts of a paper's finding (papers are immutable, so this is cached)."""
    return extract(paper.finding, f"{paper.key}:finding")
