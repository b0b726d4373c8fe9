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
from . import factrules as r

KINDS = ("sample", "organism", "duration", "intervention", "comparator", "direction", "amount", "effect", "percent",
         "p_value", "studies", "i2", "null", "hedge", "priority")



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
        null = 1.0 if self.value in r.RATIOS else 0.0
        return self.low < null < self.high  # an end exactly at no effect only touches it

    @property
    def width(self) -> float | None:
        """How wide the interval is (ratios on a log-like relative scale), None without one."""
        if self.low is None or self.high is None:
            return None
        if self.value in r.RATIOS and self.low > 0:
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
    r"linked|implicated)|it is (?:thought|believed|unclear)|"
    r"(?:is|are|was|were) (?:widely |often |commonly |generally |long |usually )?"
    r"(?:thought|believed|assumed|considered)\b|remains? (?:unclear|unknown)|is (?:uncertain|unclear|"
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


# --- extraction ---------------------------------------------------------------------------

def _int(text: str) -> int:
    """An integer written with digits (thousands separated by commas or spaces) or as a word."""
    word = text.lower()
    if word in r.NUMBER_WORDS:
        return r.NUMBER_WORDS[word]
    return int(re.sub(r"[,\u2009\u202f ]", "", text))


def _float(text: str) -> float:
    return float(text.replace("−", "-").replace("–", "-"))


def _fact(kind: str, match: re.Match[str], group: int | str = 0, **values: object) -> Fact:
    start, end = match.span(group)
    return Fact(kind, match.string[start:end], start, end, **values)  # type: ignore[arg-type]


def _samples(text: str) -> Iterator[Fact]:
    seen: set[int] = set()
    for m in r.SAMPLE.finditer(text):
        n = _int(m.group("n"))
        if re.match(r"(?:19|20)\d\d$", m.group("n")) and not m.group("mods"):
            continue  # "in 2019 patients were ..." is a year, rarely a sample
        end = m.start() + len(text[m.start():m.end()].rstrip())
        seen.add(n)
        yield Fact("sample", text[m.start():end], m.start(), end, value=str(n),
                   detail=" ".join(text[m.start():end].split()), number=float(n))
    for m in r.N_EQUALS.finditer(text):
        n = _int(m.group("n"))
        if n not in seen:
            yield _fact("sample", m, value=str(n), number=float(n))


def _durations(text: str) -> Iterator[Fact]:
    for m in r.DURATION.finditer(text):
        before = text[max(0, m.start() - 30):m.start("n")]
        if r.AGE.search(before) or (not m.group("lead") and not m.group("fu") and "-" not in m.group()):
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
    for m in r.ALLOCATED.finditer(text):
        yield _fact("intervention", m, "i", value=m.group("i").strip())
        yield _fact("comparator", m, "c", value=m.group("c").strip())
        found.add(m.group("c").strip().lower())
    for m in r.GIVEN.finditer(text):
        if not r.ALLOCATED.search(text):
            yield _fact("intervention", m, "i", value=m.group("i").strip())
    for m in r.COMPARATOR.finditer(text):
        value = re.sub(r"^(?:an?|the)\s+", "", m.group("c").strip(), flags=re.IGNORECASE)
        number = re.fullmatch(r"[\d.,]+", value) or text[m.end("c"):m.end("c") + 1] == "%"
        if value.lower() not in found and not number:
            found.add(value.lower())
            yield _fact("comparator", m, "c", value=value)
    for m in r.CONTROLLED.finditer(text):
        value = m.group("c").lower()
        if value not in found:
            found.add(value)
            yield _fact("comparator", m, "c", value=value)


def _effects(text: str) -> Iterator[Fact]:
    for m in r.EFFECT.finditer(text):
        label = " ".join(m.group("m").split())
        if label in ("g", "d", "r") and not re.search(r"[=:]\s*$", text[m.end("m"):m.start("v")]):
            continue  # a bare letter counts only as "g = 0.4"
        if label.lower().startswith("hedges"):
            label = "g"
        elif label.lower().startswith("cohen"):
            label = "d"
        elif label.lower() == "beta":
            label = "β"
        ci = m.group("ci") and (r.EFFECT_CI.search(m.group("ci")) or m.group("ci").lstrip(" ;,").startswith("("))
        late = None if ci else r.LATE_CI.match(text, m.end("v"))
        if late:  # said with its qualifier, so the interval is never reported missing
            yield Fact("effect", text[m.start():late.end()], m.start(), late.end(), value=label,
                       detail=text[late.start("lo"):late.end()].strip(), number=_float(m.group("v")),
                       low=_float(late.group("lo")), high=_float(late.group("hi")))
            continue
        low = _float(m.group("lo")) if ci else None
        high = _float(m.group("hi")) if ci else None
        end = m.end("ci") if ci else m.end("v")
        if ci and text[end - 1] == ")" and "(" not in m.group("ci"):
            end -= 1  # the bracket closes an aside the interval sits in, not the interval
        yield Fact("effect", text[m.start():end], m.start(), end, value=label,
                   detail=text[m.start("ci"):m.end("ci")].strip(" ;,()") if ci else "",
                   number=_float(m.group("v")), low=low, high=high)


def _counts(text: str) -> Iterator[Fact]:
    for m in r.STUDIES.finditer(text):
        if m.group("k"):
            yield _fact("studies", m, value=m.group("k"), number=float(m.group("k")))
        else:
            n = _int(m.group("n"))
            yield _fact("studies", m, value=str(n), detail=m.group("noun"), number=float(n))
    for m in r.AMOUNT.finditer(text):
        yield _fact("amount", m, value=f"{m.group('v')} {m.group('u')}".replace(" %", "%"), number=float(m.group("v")))
    for m in r.I2.finditer(text):
        yield _fact("i2", m, value=m.group("v"), number=float(m.group("v")))
    for m in r.PVALUE.finditer(text):
        yield _fact("p_value", m, value=f"{m.group('op')} {m.group('v')}", detail=m.group("op"))
    taken = [(f.start, f.end) for f in (*_effects(text),) if f.detail] + [m.span() for m in r.I2.finditer(text)]
    for m in r.PERCENT.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            yield _fact("percent", m, value=m.group("v"), number=float(m.group("v")))


_COUNTED = re.compile(r"\s+(?:the\s+|an?\s+)?[\d.,]+%?\s+((?:(?!(?:in|of|by|among|than|and|or|from|at|over|during|for|"
                      r"with|per)\b)[A-Za-z'’-]+\s?){1,4})", re.IGNORECASE)
_EXPOSURE_THEN_VERB = re.compile(rf"(?:\([^()]{{1,8}}\))?\s+(?:{r.UP}|{r.DOWN})\b", re.IGNORECASE)


def _not_an_outcome(verb: str, clause: str, m: re.Match[str], before: str, after: str) -> bool:
    """True when the verb's words are a comparison or an exposure, not an outcome that moved."""
    if verb in ("more", "less") and not re.match(r"\s*(?:likely|frequent|common|often|severe)", after):
        return True  # "more than", "less than": a comparison of numbers, not an outcome moving
    if verb in ("higher", "lower", "greater") and re.search(r"(?:predicted|liability to|genetically)\s+$", before):
        return True  # "genetically predicted higher LDL": the exposure, not an outcome
    if verb in ("higher", "lower", "greater") and m.group("obj") and _EXPOSURE_THEN_VERB.match(clause, m.end()):
        return True  # "each 50 nmol/L higher Lp(a) raised CAD risk": the exposure, the subject of a verb
    # "Increasing tree cover to 30% could have prevented...": what was done, not what moved
    return verb.endswith("ing") and re.search(r"(?:^|\bthat|\bby|\bwith|[;:])\s*$", before, re.IGNORECASE) is not None


def _direction(clause: str, m: re.Match[str]) -> tuple[str, str, int, int] | None:
    """(up/down/none/reversed, the outcome's words, where the fact starts and ends) for one verb, or None."""
    verb = m.group("verb").lower()
    after, before = clause[m.end("verb"):], clause[:m.start()]
    if _not_an_outcome(verb, clause, m, before, after):
        return None
    neutral = re.fullmatch(r.NEUTRAL, verb) is not None
    if neutral and not m.group("neg"):
        return None  # "altered", "affected": no direction to say
    negated = m.group("neg") or re.search(r"\bneither\b|(?:non-?significant|not (?:statistically )?significant)\b"
                                          r"[^,;]*$|\btrend (?:towards?|to)\s+$", before, re.IGNORECASE)
    value = "none" if negated else "down" if re.fullmatch(r.DOWN, verb) else \
        "reversed" if verb.startswith("revers") else "up"
    if m.group("obj") and re.fullmatch(r"[\d.,]+", m.group("obj")):  # "prevented 2,644 premature deaths"
        counted = _COUNTED.match(after)
        if counted is None:
            return None
        return value, counted.group(1).strip(), m.start(), m.end("verb") + len(counted.group().rstrip())
    if m.group("obj"):
        return value, m.group("obj").strip(), m.start(), m.end()
    noun = r.NOUN_OBJECT.match(after) if verb.endswith(("ion", "ment", "ase", "ine")) else None
    if noun is not None:  # "a reduction in anti-inflammatory genera"
        return value, noun.group(1).strip(), m.start(), m.end() + len(noun.group().rstrip())
    if not re.fullmatch(r.INTRANSITIVE, verb):
        return None  # "which losartan prevented": without an object the words before are the agent
    subject = r.SUBJECT.search(before)  # "dementia incidence declined by 13%": the outcome comes first
    if subject is None:
        return None
    words = subject.group(1).split()
    while words and r.NOT_SUBJECT.match(words[0]):
        words.pop(0)
    cut = [i for i, w in enumerate(words) if r.NOT_SUBJECT.match(w)]
    words = words[cut[-1] + 1:] if cut else words
    if not words:
        return None
    outcome = " ".join(words)
    return value, outcome, before.rfind(outcome), m.end()


def _claims(text: str, start: int, end: int) -> Iterator[Fact]:
    """Directions, nulls, hedges and priority claims of one clause of the paper's own work."""
    clause = text[start:end]
    for m in r.DIRECTION.finditer(clause):
        found = _direction(clause, m)
        if found is not None:
            value, outcome, s, e = found
            yield Fact("direction", text[start + s:start + e], start + s, start + e, value=value, detail=outcome)
    for m in r.NULL.finditer(clause):
        s, e = start + m.start(), start + m.end()
        target = r.NULL_TARGET.match(clause, m.end())  # "no causal effect of X on Y": Y is the outcome
        yield Fact("null", text[s:e], s, e, value="none", detail=target.group("o").strip() if target else "")
    for m in r.HEDGE.finditer(clause):
        s, e = start + m.start(), start + m.end()
        yield Fact("hedge", text[s:e], s, e, value=m.group().lower())
    for m in r.PRIORITY.finditer(clause):
        s, e = start + m.start(), start + m.end()
        word = m.group("w") or ("first" if "first" in m.group().lower() else "knowledge")
        yield Fact("priority", text[s:e], s, e, value=word.lower())


def extract(text: str, source: str = "finding") -> Facts:
    """Every fact in a text (a finding or an abstract), in order of position."""
    items: list[Fact] = [*_samples(text), *_durations(text), *_arms(text), *_effects(text), *_counts(text)]
    organisms = [_organism(m) for m in r.ORGANISM.finditer(text)]
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


def without_statistics(text: str) -> str:
    """The text without its bracketed statistics ("(HR 1.30, 95% CI 1.00–1.69; p = .04)", "[0.80, 0.97]").

    A presenter says a paper's main estimate and its interval once, in a turn of its own when a
    host asks how big (the effect move), and leaves the secondary figures (a chi-squared, an SD,
    an IQR) to the paper: read out mid-sentence, a pile of brackets loses the listener.
    """
    out, depth, start, opener = [], 0, 0, ""
    close = {"(": ")", "[": "]"}
    kept_to = 0
    for i, char in enumerate(text):
        if depth == 0 and char in close:
            depth, start, opener = 1, i, char
        elif depth and char == opener:
            depth += 1
        elif depth and char == close[opener]:
            depth -= 1
            if depth == 0 and r.STATISTIC.search(text[start + 1:i]):
                out.append(text[kept_to:start].rstrip())
                kept_to = i + 1
    out.append(text[kept_to:])
    return "".join(out)
