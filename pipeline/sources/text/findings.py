"""Lines that give a paper's finding the way people mark them under a citation.

- a mark: "-> ...", "=> ...", "→ ...", "– ..." (a dash that is not a list bullet);
- a lead phrase: "TL;DR ...", "Main result: ...", "Bottom line - ...", "In short, ...", "Take-home: ...";
- a verb of reporting: "Found that ...", "They show ...", "The authors report that ...";
- a quoted abstract: a whole line in double quotes;
- an indented or sub-bulleted line of prose (tokens.py decides it is prose: no field, no names).

("Key finding:", "Summary:", "Abstract:" and other labels with a colon are read in tokens.py.)
A marked line is only a finding under a paper (the assembler checks that a title came first); a
verb or a quote only right under it, with no blank line between, since a post's own paragraph
may start the same way; an indented line only under a title with more (a date, authors, a DOI),
since a long title wraps onto an indented line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARK = re.compile(r"^(?:-+>|=+>|~>|[→⇒⟶⟹➔➜]|[–—](?=\s))\s*")
# Phrases that say a finding follows whatever comes after them, and phrases that need a colon or dash.
_LEAD = re.compile(r"^(?:TL;?\s?DR|Bottom line|In short|In a nutshell|Take-?home(?: messages?)?)\b[\s:=\-–—,]*",
                   re.IGNORECASE)
_LEAD_WITH_STOP = re.compile(r"^(?:(?:Main|Key) (?:results?|findings?|points?|messages?|takeaways?)|Results?|"
                             r"Findings?|Conclusions?|Summary|Takeaways?|Gist|Upshot)\s*(?:[:=\-–—]\s*|(?-i:(?=[A-Z])))",
                             re.IGNORECASE)
_VERB = re.compile(
    r"^(?:(?:They|The authors|Authors|This (?:paper|study|work|review|trial)|The (?:paper|study|review|trial)|"
    r"Study)\s+)?"
    r"(?:found|finds?|shows?|showed|shown|demonstrates?|demonstrated|reports?|reported|suggests?|suggested|"
    r"concludes?|concluded|observes?|observed|estimates?|estimated)\b\s*(?:that\b\s*)?", re.IGNORECASE)
_QUOTED = re.compile(r"^[\"“](?P<text>[^\"“”]{20,})[\"”]\.?$")


@dataclass(frozen=True)
class MarkedFinding:
    """A finding's text without its mark, whether the mark is explicit (an arrow, "TL;DR"), and
    whether it is only an indented line (a finding only under a citation, not under a bare title)."""

    text: str
    explicit: bool
    indented: bool = False


def _sentence(text: str) -> str:
    """The finding as a sentence: its first letter a capital ("that daytime..." -> "Daytime...")."""
    text = text.strip()
    return text[:1].upper() + text[1:] if text[:1].islower() and not text[1:2].isupper() else text


def indented_finding(line: str) -> MarkedFinding:
    """An indented or sub-bulleted line of prose under a citation, taken as its finding."""
    return MarkedFinding(_sentence(line), explicit=False, indented=True)


def marked_finding(line: str) -> MarkedFinding | None:
    """The finding a line gives by a mark, a lead phrase, a verb of reporting or quotes, else None."""
    text = line.strip()
    for pattern, explicit in ((_MARK, True), (_LEAD, True), (_LEAD_WITH_STOP, True), (_VERB, False)):
        match = pattern.match(text)
        rest = text[match.end():] if match else ""
        if match and len(rest.split()) >= 3:
            return MarkedFinding(_sentence(rest), explicit)
    quoted = _QUOTED.match(text)
    if quoted and len(quoted.group("text").split()) >= 6:
        return MarkedFinding(_sentence(quoted.group("text")), False)
    return None
