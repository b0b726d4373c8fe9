"""The rule machinery: named rules classify spans of text into tokens, each rendered once.

A rule is a regular expression for one kind of token (a quantity, a statistic, an identifier...)
and a function that says it. All rules are tried together, left to right, in one pass: at each
place the first rule (in priority order) that matches takes the span, and its spoken text is final.
No rule ever sees another rule's output, so nothing is converted twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

KINDS = ("override", "said", "shorthand", "date", "statistic", "identifier", "quantity", "number",
         "abbreviation", "word", "name", "symbol", "script")


@dataclass(frozen=True)
class Hit:
    """One token: the rule that classified it, its span in the (cleaned) text, and its named parts."""

    rule: str
    kind: str
    text: str
    start: int
    end: int
    groups: Mapping[str, str | None]
    source: str

    def get(self, name: str) -> str | None:
        """The text of a named part, or None when the part did not take part in the match."""
        return self.groups.get(name)

    def before(self) -> str:
        """The text before this token."""
        return self.source[: self.start]

    def after(self) -> str:
        """The text after this token."""
        return self.source[self.end:]


@dataclass
class State:
    """What rendering needs besides the token: the episode's first uses and how to say a fragment."""

    introduced: set[str] = field(default_factory=set)
    shouting: bool = False
    fragment: Callable[[str], str] = str


Render = Callable[[Hit, State], str]


@dataclass(frozen=True)
class Rule:
    """A named pattern for one kind of token and the function that says it."""

    name: str
    kind: str
    pattern: str
    render: Render
    flags: int = 0

    def match(self, text: str) -> Hit | None:
        """This rule alone on a whole text (for tests): the token it finds at the start, if any."""
        m = re.compile(self.pattern, self.flags).match(text)
        return None if m is None else Hit(self.name, self.kind, m.group(), 0, m.end(), m.groupdict(), text)


_NAMED = re.compile(r"\(\?P<(\w+)>|\(\?P=(\w+)\)|\(\?\((\w+)\)")


def _prefixed(pattern: str, prefix: str) -> str:
    """The pattern with its group names prefixed, so rules can share one alternation."""
    def rename(m: re.Match[str]) -> str:
        if m.group(1):
            return f"(?P<{prefix}{m.group(1)}>"
        return f"(?P={prefix}{m.group(2)})" if m.group(2) else f"(?({prefix}{m.group(3)})"
    return _NAMED.sub(rename, pattern)


class Tokeniser:
    """All rules as one alternation, in priority order; text no rule claims is a gap."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        parts = []
        for i, rule in enumerate(self.rules):
            inner = _prefixed(rule.pattern, f"r{i}_")
            parts.append(f"(?P<r{i}>(?{_flag_letters(rule.flags)}:{inner}))" if rule.flags
                         else f"(?P<r{i}>{inner})")
        self.regex = re.compile("|".join(parts))

    def tokens(self, text: str) -> list[Hit]:
        """The text as tokens; a gap (spaces, punctuation) is a token of rule "gap"."""
        out: list[Hit] = []
        pos = 0
        for m in self.regex.finditer(text):
            if m.start() > pos:
                out.append(Hit("gap", "symbol", text[pos:m.start()], pos, m.start(), {}, text))
            if m.end() == m.start():
                continue  # an empty match would loop; rules are written to consume
            index = int(str(m.lastgroup)[1:])
            prefix = f"r{index}_"
            groups = {k[len(prefix):]: v for k, v in m.groupdict().items() if k.startswith(prefix)}
            rule = self.rules[index]
            out.append(Hit(rule.name, rule.kind, m.group(), m.start(), m.end(), groups, text))
            pos = m.end()
        if pos < len(text):
            out.append(Hit("gap", "symbol", text[pos:], pos, len(text), {}, text))
        return out


def _flag_letters(flags: int) -> str:
    return ("i" if flags & re.IGNORECASE else "") + ("s" if flags & re.DOTALL else "")
