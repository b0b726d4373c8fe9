"""Rewrites a finding for the hosts' voice: the authors' "we" is "they" when someone else reads it."""

from __future__ import annotations

import re

_PERSON = {"we": "they", "our": "their", "ours": "theirs", "us": "them", "ourselves": "themselves",
           "we've": "they've", "we're": "they're", "we'd": "they'd", "we'll": "they'll"}
_PRONOUN = re.compile(r"\b(?:" + "|".join(sorted(_PERSON, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def third_person(finding: str) -> str:
    """A quoted finding in the third person: "We found our cohort..." -> "They found their cohort..."."""
    def swap(m: re.Match[str]) -> str:
        word = _PERSON[m.group().lower()]
        if m.group().isupper() and len(m.group()) > 1:
            return word.upper() if m.group() != "US" else m.group()  # "US" is the country
        return word.capitalize() if m.group()[0].isupper() else word
    return _PRONOUN.sub(swap, finding)
