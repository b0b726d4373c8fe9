"""Text the voices cannot say: letters outside the cast's script never reach the engine raw.

An engine declares what it can say with a `can_say(text) -> bool` callable (the default: Latin
letters, which every English voice reads; Greek letters are named by the word rules). A run of
other letters becomes its romanisation when the source gives one beside it ("王伟 (Wang Wei)"),
is dropped when it only repeats a romanised name ("Wang Wei (王伟)"), and is otherwise replaced by
words the hosts can say: "a co-author" for a name, "a phrase in Chinese" for longer text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from .tokens import Hit, Rule, State

CanSay = Callable[[str], bool]
# Letters of the Latin and Greek scripts (Greek letters are said by name: "TNFα" -> "T N F alpha").
_SAYABLE = "A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0370-\u03ff\u1f00-\u1fff"
_OTHER = rf"(?:(?![{_SAYABLE}])[^\W\d_])"
_RUN = rf"{_OTHER}+(?:[\s·・]?{_OTHER}+)*"
_ROMANISED = r"[A-Z][A-Za-z\u00c0-\u024f'’.-]*(?:\s[A-Za-z\u00c0-\u024f'’.-]+){0,3}"
_LANGUAGES = {"CJK": "Chinese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean",
              "CYRILLIC": "Russian", "ARABIC": "Arabic", "HEBREW": "Hebrew", "DEVANAGARI": "Hindi",
              "THAI": "Thai", "ARMENIAN": "Armenian", "GEORGIAN": "Georgian", "BENGALI": "Bengali"}


def latin_only(text: str) -> bool:
    """The default voice's reach: every letter is Latin (or Greek, which the word rules name)."""
    return all(not c.isalpha() or _script(c) in ("LATIN", "GREEK") for c in text)


def _script(char: str) -> str:
    return unicodedata.name(char, "UNKNOWN").split()[0]


def language_of(text: str) -> str:
    """The language a run of letters is most likely in, named for the listener ("Chinese")."""
    scripts = [_script(c) for c in text if c.isalpha()]
    return _LANGUAGES.get(scripts[0], "another script") if scripts else "another script"


def fallback(text: str) -> str:
    """What the hosts say in place of text they cannot read: a name is "a co-author"."""
    letters = [c for c in text if c.isalpha()]
    east_asian = _script(letters[0]) in ("CJK", "HANGUL", "HIRAGANA", "KATAKANA") if letters else False
    words = text.split()
    name_like = (len(letters) <= 4 and len(words) <= 2) if east_asian else (
        len(words) <= 3 and all(w[0].isupper() for w in words))
    return "a co-author" if name_like else f"a phrase in {language_of(text)}"


def script_rule(can_say: CanSay) -> Rule:
    """Runs of letters outside the Latin and Greek scripts, with a romanisation beside them if any."""
    def render(hit: Hit, state: State) -> str:
        run = str(hit.get("run") or hit.get("inner"))
        if can_say(run):
            return run
        if hit.get("inner") is not None:  # "Wang Wei (王伟)": the name was already said
            return ""
        if hit.get("roman"):
            return str(hit.get("roman"))
        said = fallback(run)
        starts = not hit.before().strip() or hit.before().rstrip()[-1] in ".!?:"
        return said[0].upper() + said[1:] if starts else said
    return Rule("script", "script",
                rf"\(\s?(?P<inner>{_RUN})\s?\)|(?P<run>{_RUN})(?:\s?\((?P<roman>{_ROMANISED})\))?", render)
