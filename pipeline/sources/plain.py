"""Plain text from what exports hold: one line of NFC text, markup and entities removed, shortening."""

from __future__ import annotations

import html
import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def clean(text: str, limit: int = 0) -> str:
    """One line of NFC text: whitespace runs become one space, control characters go."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(ch for ch in text if ch in "\t\n\r" or unicodedata.category(ch) != "Cc")
    text = " ".join(text.split())
    return text[:limit - 1].rstrip() + "…" if 0 < limit < len(text) else text


# Only these element names are markup: a bare "<" in "p < 0.05" or "<5 mm" stays text.
_TAG_NAMES = (r"p|i|b|u|em|strong|sup|sub|sc|span|div|br|hr|a|font|small|big|tt|code|italic|bold|"
              r"underline|title|sec|list|list-item|label|abstract|inline-formula|disp-formula|math|"
              r"mi|mo|mn|ms|mtext|mrow|msub|msup|msubsup|mfrac|msqrt|ext-link|styled-content|"
              r"named-content|xref|break|monospace|overline|roman|sans-serif|strike|caption")
_NAMESPACE = r"(?:[a-z][\w.-]*:)?"
_SECTION_TITLE = re.compile(rf"<{_NAMESPACE}title\b[^<>]*>(.*?)</{_NAMESPACE}title\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(rf"</?{_NAMESPACE}(?:p|div|br|hr|sec|list|list-item|title|abstract|caption)\b[^<>]*/?>",
                        re.IGNORECASE)
_INLINE_TAG = re.compile(rf"</?{_NAMESPACE}(?:{_TAG_NAMES})\b[^<>]*/?>", re.IGNORECASE)


def _section_heading(match: re.Match[str]) -> str:
    heading = clean(_INLINE_TAG.sub("", match.group(1)))
    # Crossref abstracts open with <jats:title>Abstract</jats:title>: a label, not content.
    if heading.rstrip(":").lower() in ("", "abstract", "summary", "graphical abstract"):
        return " "
    return f" {heading.rstrip(':')}: "


def strip_markup(text: str) -> str:
    """Plain text from HTML/JATS/MathML markup and entities, e.g. Crossref's `<jats:p>` abstracts."""
    if "<" in text:
        text = _SECTION_TITLE.sub(_section_heading, text)
        text = _INLINE_TAG.sub("", _BLOCK_TAG.sub(" ", text))
    return clean(html.unescape(text) if "&" in text else text)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a sentence end if one is near, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)", cut)]
    if ends and ends[-1] > limit // 2:
        return cut[:ends[-1]] + " …"
    return cut.rsplit(" ", 1)[0].rstrip(",;:") + "…"
