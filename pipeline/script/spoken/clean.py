"""Written text made plain before it is tokenised: markup, links, LaTeX and bibliographic noise out."""

from __future__ import annotations

import html
import re
import unicodedata

GREEK_NAMES = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
               "omicron pi rho sigma tau upsilon phi chi psi omega").split()
GREEK = {chr(0x3B1 + i + (i > 16)): name for i, name in enumerate(GREEK_NAMES)}  # skips final sigma
GREEK |= {c.upper(): name for c, name in GREEK.items()} | {"ς": "sigma"}
_LATEX_GREEK = {name: c for c, name in GREEK.items() if c.islower()} | {
    name.capitalize(): c for c, name in GREEK.items() if c.isupper()}
_URLS = re.compile(r"(?:https?://|www\.|(?:dx\.)?doi\.org/|\bdoi\s*:?\s*(?=10\.)|\b10\.\d{4,9}/)\S*?"
                   r"(?=[.,;:!?)\]]*(?:\s|$))", re.IGNORECASE)
_TAGS = re.compile(r"</?(?:[a-z]+:)?([a-z][a-z0-9-]*)\b[^<>]*>", re.IGNORECASE)
# Only known tag names, so "x<y and y>z" in a finding is not mistaken for markup.
_INLINE_TAGS = {"i", "b", "em", "strong", "span", "u", "small", "sc", "italic", "bold", "a"}
_BLOCK_TAGS = {"p", "br", "div", "sup", "sub", "li", "ul", "ol", "title", "sec", "list", "list-item",
               "abstract", "h1", "h2", "h3", "h4", "table", "tr", "td"}
# Superscripts carry meaning ("10⁹", "R²") that NFKC would erase ("109", "R2"): they become "^9" first.
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
# Bibliographic labels that are about the record, not the research.
_NOISE = re.compile(r"\s*[(\[](?:synthetic )?test record[)\]]|\s*\[(?:epub ahead of print|in press)\]"
                    r"|\s*\((?:preprint|in press)\)", re.IGNORECASE)


def _latex(text: str) -> str:
    # \alpha -> α, \% -> %, other commands vanish (\textit{x} -> x once braces go).
    text = re.sub(r"\\(?:([A-Za-z]+)\*?|(.|$))", lambda m: _LATEX_GREEK.get(m[1], "") if m[1] else
                  m[2] if m[2] in "%&$#_" else " ", text.replace("---", "—").replace("--", "–"), flags=re.DOTALL)
    text = re.sub(r"\^\{([^{}]*)\}", r"^\1", text)  # 10^{9} -> 10^9
    text = re.sub(r"[{}]|\$(?!\d)", "", text)
    return re.sub(r"(?<=[^\W\d_])~(?=[^\W\d_])", " ", text)  # LaTeX tie, not "about"


# Vulgar fractions are said as words before NFKC turns "½" into "1⁄2" ("one out of two").
_FRACTIONS = {"½": "a half", "¼": "a quarter", "¾": "three quarters", "⅓": "a third", "⅔": "two thirds",
              "⅛": "an eighth"}
_FRACTION = re.compile(r"(\d)?\s?([½¼¾⅓⅔⅛])")


def clean(text: str) -> tuple[str, bool]:
    """Markup and links out, Unicode normalised; also says whether a link was removed."""
    text = html.unescape(text)
    text = _FRACTION.sub(lambda m: (f"{m[1]} and " if m[1] else " ") + _FRACTIONS[m[2]], text)
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPTS), text)
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = _TAGS.sub(lambda m: "" if m.group(1).lower() in _INLINE_TAGS else
                     " " if m.group(1).lower() in _BLOCK_TAGS else m.group(), text)
    text, links = _URLS.subn("", text)
    text = _NOISE.sub("", _latex(text))
    text = re.sub(r"\[\d+(?:\s*[,–-]\s*\d+)*\]|\(\s*\)|\[\s*\]", "", text)  # citation markers
    text = re.sub(r"[‐‑‒]", "-", text).replace("⁄", "/").replace("―", "—")
    text = "".join(c if c.isprintable() else " " for c in text)  # also drops private-use input
    return re.sub(r"\s+", " ", text).strip(), links > 0
