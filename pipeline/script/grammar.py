"""Is a clause of a finding a sentence or a note, and which article does it need to be said whole?

Key findings are often written as notes: a noun phrase with no verb ("Strong call for
personalised dietary interventions", "Overall picture of dysbiosis and reduced diversity")
or a clause whose subject lost its article ("Effect on severity approaches significance").
Read after "They report that" or "The result:" such a note is a fragment. This module tells
the two apart and gives the article that makes a note a noun phrase a host can say.

How a finite verb is found (no tagger is installed or offline-installable with a model, so
the rules rest on English morphology and the shapes of abstracts' findings):

- an auxiliary or modal ("is", "were", "has", "may") is always finite, and so is the word
  after a subject pronoun ("we discuss");
- a past form ("made", "gave", "reduced") is finite unless it opens the clause or follows a
  word that makes it an adjective ("of raised LPS", "and increased Veillonella") or is
  followed by "to", "by" or "with" (a reduced relative: "genera linked to attacks"), but for
  a change by an amount ("declined by 13%") and verbs that take "to" ("failed to slow");
- a present form of a verb findings use ("approaches", "highlight", "predict") is finite
  after a word that can end a subject (not a determiner, preposition or adjective:
  "causal links" is a noun phrase, "severity approaches" a clause); inside a prepositional
  phrase it must also have something after it ("after the policy change." is a noun);
- a complement after "that" is not the note's verb ("review emphasising that X is Y"), and the
  first verb after "who" or "which" is the relative clause's.

Tested on the findings of the demo, the fixture fields and the fact extractor's corpus
(tests/test_listener_stumbles.py).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d.,]*")
_AUX = frozenset("""is are was were be been being has have had did does do can may might could will would shall
should must""".split())
# Irregular past forms of verbs that findings use (a closed class).
_IRREGULAR = frozenset("""made gave met wore took found showed shown rose fell led held grew saw became began brought
kept lost ran said sat set spent stood told thought went won wrote drew sought struck underwent outgrew
overcame withstood cost""".split())
# Verbs of findings, as lemmas: their -s and base forms are verbs after a subject.
_LEMMAS = frozenset("""reduce lower raise increase decrease improve worsen reverse predict correlate differ play remain
persist develop occur approach highlight suggest show indicate support provide reveal demonstrate confirm identify
link affect alter enhance impair prevent promote induce mediate modulate regulate contribute explain exceed
outperform accompany precede drive cause protect attenuate abolish restore shorten lengthen extend delay prolong
double halve benefit harm matter vary depend apply hold lead yield emerge appear seem tend fail need require point
help change rise fall grow decline drop shift return make give meet take cost find become bring keep reach achieve
outweigh match mirror resemble strengthen weaken emphasise emphasize underline underscore imply warrant call
advocate propose argue place offer open add stay reflect relate respond outlast limit lack weigh""".split())
_FUNCTION = frozenset("""a an the this that these those its their our his her no each every any some all both of in
for from to on with by at as than between among across after before during despite including via versus vs into
onto over under within without and or but nor not which who whose whether if when while""".split())
_ADJECTIVES = frozenset("""strong weak high low new first second third overall major minor small large big clear
direct further greater higher lower more less most least key main possible potential consistent significant
marked modest robust little much many few several early late common rare specific general""".split())
_ADJ_SUFFIX = re.compile(r"(?:al|ic|ive|ous|ful|less|able|ible|ary|ar)$")
_PRONOUNS = frozenset("we they it he she".split())
# Past forms followed by "to" and a verb: finite ("failed to slow"), unlike "linked to".
_CATENATIVE = frozenset("failed tended appeared seemed managed continued proved helped needed wanted started".split())

# Nouns said without an article when they head a note: uncountable, or a plural.
_MASS = frozenset("""evidence support research data information knowledge progress insight work proof advice
consensus agreement heterogeneity variation uncertainty harm benefit""".split())
_PREPOSITIONS = frozenset("""of in for from to on with between among across at by after despite including towards
toward versus vs against about within without during over under via""".split())
_DETERMINERS = frozenset("""a an the this these those its their his her no some each every any all both one two three
four five six seven eight nine ten several many few most""".split())
_ORDINAL = re.compile(r"^(?:first|second|third|last|only|same|\w+est)$", re.IGNORECASE)
# Count nouns that a note-style clause uses as its bare subject ("Effect on severity approaches ...").
_COUNT_SUBJECTS = frozenset("""effect association estimate result difference link trend signal correlation
relationship meta-analysis analysis trial study model reduction increase decrease improvement""".split())
_AN_LETTERS = "AEFHILMNORSX"  # acronyms said letter by letter that start with a vowel sound


def _words(text: str) -> list[str]:
    return _WORD.findall(re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", text))


def _past(word: str) -> bool:
    return word in _IRREGULAR or (len(word) > 4 and word.endswith("ed") and not word.endswith("eed"))


def _present(word: str) -> bool:
    if word in _LEMMAS:
        return True
    stems = (word[:-2], word[:-1]) if word.endswith("es") else (word[:-1],) if word.endswith("s") else ()
    return any(stem in _LEMMAS for stem in stems)


def _adjective(word: str) -> bool:
    return word in _ADJECTIVES or bool(_ADJ_SUFFIX.search(word)) or word.endswith("ed")


def has_verb(text: str) -> bool:
    """True when the text has a finite verb of its own: a clause, not a note.

    A complement after "that" or "whether" is not scanned ("a review emphasising that X is Y" is
    a note); in a relative clause after "who" or "which" the first verb is the relative clause's
    ("women who walked ... had lower blood pressure": "had" is the sentence's).
    """
    words = [w.lower() for w in _words(text)]
    relative = False
    for i, word in enumerate(words):
        if word in ("that", "whether"):
            return False
        if word in ("who", "which"):
            relative = True
            continue
        if _finite(words, i):
            if not relative:
                return True
            relative = False
    return False


def _finite(words: list[str], i: int) -> bool:
    """The i-th word is a finite verb, by its form and the words around it."""
    word = words[i]
    if word in _AUX:
        return True
    # the word before, skipping adverbs ("probiotics significantly lower ...")
    before = next((w for w in reversed(words[:i]) if not w.endswith("ly")), "")
    after = words[i + 1] if i + 1 < len(words) else ""
    if before in _PRONOUNS and word not in _FUNCTION:
        return True  # "we discuss", "they surveyed"
    if not before or before in _FUNCTION:
        return False
    if _past(word):
        # "linked to", "measured by", "compared with": a participle, unless a change by an amount
        # ("declined by 13%") or a verb that takes "to" ("failed to slow")
        return (after not in ("to", "by", "with") or word in _CATENATIVE
                or (after == "by" and i + 2 < len(words) and words[i + 2][0].isdigit()))
    return (_present(word) and not before[0].isdigit() and not _adjective(before) and word not in _MASS
            and (not _in_phrase(words, i) or bool(after and after not in _FUNCTION) or after == "that"))


def _in_phrase(words: list[str], i: int) -> bool:
    """The word sits in a prepositional phrase ("after the policy change"): it may be its noun, not a verb."""
    for word in reversed(words[:i]):
        if word in _PREPOSITIONS:
            return True
        if word in _FUNCTION and word not in _DETERMINERS:
            return False
    return False


def _head(words: list[str]) -> str:
    """The head noun of a noun phrase: the last word before its first preposition or number."""
    head = words[0] if words else ""
    for word in words:
        if word.lower() in _PREPOSITIONS or word[0].isdigit() or word.lower() in ("and", "or", "that", "which",
                                                                                   "who", "whether"):
            break
        head = word
    return head


def article(text: str, clause: bool = False) -> str:
    """The article that makes the text whole: a note's ("a", "an", "the") or a clause's bare subject's ("the")."""
    if clause:
        return subject_article(text)
    words = _words(text)
    if not words:
        return ""
    first = words[0]
    if first.lower() in _DETERMINERS or first[0].isdigit():
        return ""
    if _ORDINAL.match(first) and not first.isupper():
        return "the"
    head = _head(words).lower()
    if head in _MASS or (head.endswith("s") and not head.endswith(("ss", "us", "is"))):
        return ""
    if first.isupper() and len(first) > 1:
        return "an" if first[0] in _AN_LETTERS else "a"
    low = first.lower()
    return "an" if low[0] in "aeio" or (low.startswith("un") and not low.startswith("uni")) else "a"


def subject_article(text: str) -> str:
    """"the" for a clause whose subject is a bare count noun ("Effect on severity approaches ..."), else ""."""
    words = _words(text)
    return "the" if words and words[0].lower() in _COUNT_SUBJECTS else ""
