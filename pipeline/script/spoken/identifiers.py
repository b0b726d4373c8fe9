"""Rules for identifiers read as people say them: SNPs, variants, microRNAs, strains, Roman numerals."""

from __future__ import annotations

from .numbers import digit_by_digit, say_digits, words
from .tokens import Hit, Rule, State

_AMINO = ("Ala|Arg|Asn|Asp|Cys|Gln|Glu|Gly|His|Ile|Leu|Lys|Met|Phe|Pro|Ser|Thr|Trp|Tyr|Val")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
          "XI": 11, "XII": 12}
_ROMAN_RE = "XII|XI|IX|X|VIII|VII|VI|V|IV|III|II|I"
_MULTI_ROMAN = "XII|XI|IX|VIII|VII|VI|III|II"  # not IV: after a word it is "intravenous"
# Words after which even "I", "V" and "X" are numerals ("phase I", "type V", "class X").
_KEYWORDS = ("phase", "type", "class", "grade", "stage", "part", "complex", "group", "wave", "study",
             "trial", "level", "cycle", "tier", "criterion", "factor")
_AFTER_KEYWORD = "|".join(f"(?<={w} )|(?<={w.capitalize()} )" for w in _KEYWORDS)
_COLLECTIONS = "DSMZ|DSM|ATCC|NCIMB|CECT|LMG|JCM|KCTC|CGMCC|NRRL|NBRC|BCRC|MTCC|NCTC|NCDO|NCFB|CNCM I-|CNCM"


def _spelled(letters: str) -> str:
    return " ".join(letters.replace("-", "").replace(" ", "").upper())


def _rs(hit: Hit, state: State) -> str:
    return "r s " + digit_by_digit(str(hit.get("d")))


def _nucleotide(hit: Hit, state: State) -> str:
    position = digit_by_digit(str(hit.get("d")))
    if hit.get("t"):  # "c.677C>T": "c dot six seven seven C to T"
        return f"{hit.get('t')} dot {position} {hit.get('a')} to {hit.get('b')}"
    return f"{hit.get('a')} {position} {hit.get('b')}"


def _amino(hit: Hit, state: State) -> str:
    prefix = "p dot " if hit.get("t") else ""
    after = str(hit.get("b"))
    after = "stop" if after in ("*", "Ter", "X") else after.lower()
    return f"{prefix}{str(hit.get('a')).lower()} {say_digits(str(hit.get('d')))} {after}"


def _protein(hit: Hit, state: State) -> str:
    after = "stop" if hit.get("b") == "*" else str(hit.get("b"))
    return f"{hit.get('a')} {say_digits(str(hit.get('d')))} {after}"


def _microrna(hit: Hit, state: State) -> str:
    said = "micro R N A " + digit_by_digit(str(hit.get("d")))
    if hit.get("l"):
        said += " " + str(hit.get("l")).upper()
    arm = hit.get("arm")
    return said + (f" {words(int(arm[0]))} p" if arm else "")


def _strain(hit: Hit, state: State) -> str:
    return f"{_spelled(str(hit.get('c')))} {digit_by_digit(str(hit.get('d')))}"


def _tau(hit: Hit, state: State) -> str:
    return "p tau " + digit_by_digit(str(hit.get("d")))


def _amyloid(hit: Hit, state: State) -> str:
    said = "A beta " + say_digits(str(hit.get("d")))
    return said + (" to " + say_digits(str(hit.get("d2"))) if hit.get("d2") else "")


def _roman(hit: Hit, state: State) -> str:
    said = words(_ROMAN[str(hit.get("r"))])
    return said + (" and " + words(_ROMAN[str(hit.get("r2"))]) if hit.get("r2") else "")


def _serotype(hit: Hit, state: State) -> str:
    return f"O {digit_by_digit(str(hit.get('o')))} H {digit_by_digit(str(hit.get('h')))}"


RULES = (
    Rule("serotype", "identifier", r"(?<![\w])O(?P<o>\d{1,3}):H(?P<h>\d{1,2})(?![\w])", _serotype),
    Rule("rs-number", "identifier", r"(?<![\w])rs(?P<d>\d+)(?![\w])", _rs),
    Rule("hgvs", "identifier", r"(?<![\w])(?P<t>[cgm])\.(?P<d>\d+)(?P<a>[ACGT])>(?P<b>[ACGT])(?![\w])",
         _nucleotide),
    Rule("nucleotide-variant", "identifier", r"(?<![\w.])(?P<a>[ACGTU])(?P<d>\d{2,6})(?P<b>[ACGTU])(?![\w])",
         _nucleotide),
    Rule("amino-acid-variant", "identifier",
         rf"(?<![\w])(?P<t>p\.)?(?P<a>{_AMINO})(?P<d>\d{{1,5}})(?P<b>{_AMINO}|Ter|\*|X)(?![\w])", _amino),
    Rule("protein-variant", "identifier",
         r"(?<![\w.])(?P<a>[ACDEFGHIKLMNPQRSTVWY])(?P<d>\d{2,5})(?P<b>[ACDEFGHIKLMNPQRSTVWY*])(?![\w])", _protein),
    Rule("microrna", "identifier",
         r"(?<![\w-])(?:hsa-|mmu-)?(?:mi[Rr]|microRNA)-?(?P<d>\d+)(?P<l>[a-z])?(?:-(?P<arm>[35]p))?(?![\w])",
         _microrna),
    Rule("strain", "identifier", rf"(?<![\w])(?P<c>{_COLLECTIONS})\s?(?P<d>\d+)(?![\w])", _strain),
    Rule("tau", "identifier", r"(?<![\w])[pP]-?[tT]au(?P<d>\d{3})(?![\w])", _tau),
    Rule("amyloid", "identifier", r"(?<![\w])Aβ(?P<d>\d{1,2})(?:-(?P<d2>\d{1,2}))?(?![\w])", _amyloid),
    Rule("roman-after-keyword", "number",
         rf"(?:{_AFTER_KEYWORD})(?P<r>{_ROMAN_RE})(?:/(?P<r2>{_ROMAN_RE}))?(?![\w-])", _roman),
    Rule("roman-after-name", "number",
         rf"(?<=[A-Za-z] )(?P<r>{_MULTI_ROMAN})(?:/(?P<r2>{_ROMAN_RE}))?(?![\w-])", _roman),
)
