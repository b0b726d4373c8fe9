"""Rules for statistics: estimates with their names said in full, confidence intervals, p-values.

Style, kept everywhere: the statistic's name is said in full before its figure, never wedged
inside it ("HR 1.30" -> "hazard ratio one point three"); an interval is "from X to Y" after the
estimate; a p-value is "a p-value of / below / above X", read as a presenter does, without the
leading zero ("p < .001" and "p < 0.001" -> "a p-value below point zero zero one").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .numbers import say_decimal, say_scientific, words
from .patterns import NUM, SIGN, UNIT_CHAIN, say_signed, say_units
from .tokens import Hit, Rule, State

# How a relation between a statistic and its value is said; "=" is said by saying nothing.
_RELATIONS = {None: "", "=": "", ":": "", "of": " of", "<": " below", ">": " above", "≤": " at most",
              "≥": " at least"}
_P_RELATIONS = {"=": " of", "<": " below", ">": " above", "≤": " of at most", "≥": " of at least"}
_VALUE = (rf"(?P<sign>{SIGN})?(?P<v>{NUM})(?P<pct>\s?%)?"
          rf"(?:\s?[–-]\s?(?P<sign2>{SIGN})?(?P<v2>{NUM})(?P<pct2>\s?%)?)?(?![\w])")


def _key_pattern(key: str) -> str:
    return re.escape(key).replace(r"\ ", r"\s?").replace("'", "'?")


def _said_alone(key: str) -> bool:
    """Names of two or more capitals ("HR", "aOR") are statistics before a bare figure too."""
    return re.fullmatch(r"a?[A-Z]{2,}", key) is not None


def statistic_rules(statistics: Mapping[str, str]) -> tuple[Rule, ...]:
    """The estimate rules for a vocabulary's statistics: "HR 1.30", "β = −0.01", "χ²(2) = 9.1"."""
    keys = sorted(statistics, key=len, reverse=True)

    def render(hit: Hit, state: State) -> str:
        name = str(hit.get("name"))
        said = statistics.get(name) or _find(statistics, name)
        if hit.get("df"):
            df = [words(int(d)) for d in re.findall(r"\d+", str(hit.get("df")))]
            said += f" with {' and '.join(df)} degrees of freedom"
        said += _RELATIONS.get(hit.get("rel"), "") + " " + say_signed(str(hit.get("v")), hit.get("sign"))
        if hit.get("v2"):
            said += (" percent" if hit.get("pct") and hit.get("pct2") is None else "")
            said += " to " + say_signed(str(hit.get("v2")), hit.get("sign2"))
        said += " percent" if hit.get("pct2") or (hit.get("pct") and not hit.get("v2")) else ""
        said += say_units(hit.get("unit"), hit.get("per"), True)
        if hit.get("lo"):  # "RR 0.80 (0.70, 0.91)": an interval with no label
            said += f", from {say_signed(str(hit.get('lo')), hit.get('slo'))}"
            said += f" to {say_signed(str(hit.get('hi')), hit.get('shi'))},"
        return said

    df = r"(?:\s?\((?P<df>\d+(?:,\s?\d+)?)\))?"
    bare = (rf"(?:\s?[(\[](?P<slo>{SIGN})?(?P<lo>{NUM})\s?(?:[,;–]|to)\s?(?P<shi>{SIGN})?(?P<hi>{NUM})[)\]]"
            rf"(?![\w]))?")
    alone = "|".join(_key_pattern(k) for k in keys if _said_alone(k))
    related = "|".join(_key_pattern(k) for k in keys if not _said_alone(k))
    rules = []
    if alone:
        rules.append(Rule("statistic", "statistic", rf"(?<![\w'])(?P<name>{alone}){df}"
                          rf"(?:\s?(?P<rel>[=<>≤≥:]|of)\s?|\s){_VALUE}{UNIT_CHAIN}{bare}", render))
    if related:
        rules.append(Rule("statistic-letter", "statistic", rf"(?<![\w'])(?P<name>{related}){df}"
                          rf"\s?(?P<rel>[=<>≤≥])\s?{_VALUE}{UNIT_CHAIN}{bare}", render))
    return tuple(rules)


def _find(statistics: Mapping[str, str], written: str) -> str:
    """The entry for a name written with other spacing or apostrophes ("Hedges g", "Cohen’s d")."""
    folded = re.sub(r"[\s']", "", written)
    return next((v for k, v in statistics.items() if re.sub(r"[\s']", "", k) == folded), written)


def say_p_value(value: str) -> str:
    """A p-value's figure without the leading zero: "0.008" and ".008" -> "point zero zero eight"."""
    return say_decimal(value, leading_zero=False)


def _p_value(hit: Hit, state: State) -> str:
    said = "a p-value" + (f" for {hit.get('what')}" if hit.get("what") else "")
    said += _P_RELATIONS[str(hit.get("rel"))] + " "
    power = hit.get("e") if hit.get("e") is not None else hit.get("e2")  # "4.1 × 10^-12" or "4.1e-12"
    if power is not None:
        exponent = int(str(power).replace("−", "-").replace("+", ""))
        return said + say_scientific(hit.get("m") if hit.get("e") is not None else hit.get("m2"), exponent)
    return said + say_p_value(str(hit.get("v")))


def _interval(hit: Hit, state: State) -> str:
    level = hit.get("level")
    kind = "credible interval" if str(hit.get("kind")).lower().startswith("cr") else "confidence interval"
    said = (say_decimal(level) + " percent " if level else "") + kind
    low = say_signed(str(hit.get("lo")), hit.get("slo"))
    high = say_signed(str(hit.get("hi")), hit.get("shi"))
    both = hit.get("plo") or hit.get("phi")
    return f"{said} from {low}{' percent' if hit.get('plo') and hit.get('phi') else ''} to {high}" + (
        " percent" if both else "")


_P = (rf"(?<![\w'])[pP](?:[\s-]?values?)?(?:\s(?:for|of)\s(?P<what>trend|interaction|heterogeneity|difference))?"
      rf"\s?(?P<rel>[=<>≤≥])\s?(?:(?:(?P<m>{NUM})\s?[×x*]\s?)?10\s?\^\s?\(?(?P<e>[-−+]?\d{{1,3}})\)?"
      rf"|(?P<m2>\d(?:\.\d+)?)[eE](?P<e2>[-−+]?\d{{1,3}})|(?P<v>{NUM}))(?![\w])")
_CI = (rf"(?<![\w.])(?:(?P<level>\d{{2}}(?:\.\d+)?)\s?%\s?)?(?P<kind>CI|CrI|confidence interval|credible interval)s?"
       rf"\s?[:=,]?\s?(?P<open>[\[(])?\s?(?P<slo>{SIGN})?(?P<lo>{NUM})(?P<plo>\s?%)?"
       rf"\s?(?:[–—-]|to|,|;)\s?(?P<shi>{SIGN})?(?P<hi>{NUM})(?P<phi>\s?%)?\s?(?(open)[\])])(?![\w])")

RULES = (
    Rule("p-value", "statistic", _P, _p_value),
    Rule("interval", "statistic", _CI, _interval),
)
