"""Web-page chatter in a copied forum thread, found line by line so that papers never absorb it.

Chatter is what a page puts around posts: post headers with a name and a relative or absolute
time ("Posted Tuesday at 08:38 AM", "Post by drsleep » Mon Mar 04, 2024 9:12 pm", "3 days ago"),
the poster's name and rank beside them, buttons ("Quote", "Reply", "Share"), vote and post
counts, attachment names and sizes, signatures ("Sent from my iPhone", a "____" rule and what
follows), quoted-post headers ("kmorris wrote:"), and the footer ("Recommended Posts", "Join the
conversation", "Powered by ..."), after which nothing is a post. Chatter lines become blank lines,
so the posts on either side of them stay apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun"
_UNITS = r"s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mo|months?|y|yrs?|years?"
# A time as forums print it: "47 minutes ago", "Tuesday at 08:38 AM", "Mon Mar 04, 2024 9:12 pm".
TIME = (rf"(?i:(?:\d+|an?|one)\s*(?:{_UNITS})\.?\s+ago|just\s+now|yesterday|today|"
        rf"(?:(?:{_DAYS}),?\s+)?(?:at\s+)?(?:[A-Za-z]{{3,9}}\.?\s+\d{{1,2}},?\s+\d{{4}},?\s+)?\d{{1,2}}:\d{{2}}\s*(?:[ap]\.?m\.?)?|"
        r"(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)")  # not "Sun" alone: it is a family name too
_TIME_RE = re.compile(TIME, re.IGNORECASE)
# Lines that head a post or describe its author: what the names beside them belong to.
_HEADER = re.compile(
    rf"^(?:(?:posted|post|edited|last\s+edited|posted\s+by|post\s+by|replied|by)\b.{{0,80}}(?:{TIME}|»).*"
    rf"|[·•\s]*{TIME}[·•\s]*(?:\(edited\))?"
    r"|(?:[\w.@'’-]{2,32}\s+)?(?:(?:new\s+|advanced\s+)?members?|moderators?|administrators?)(?:\s+\d+\s+posts?)?"
    r"|(?:admin|op|"
    r"\d+\s+(?:posts?|replies|reply|likes?|upvotes?|points?|comments?|followers?|reactions?)|"
    r"posts?:\s*\d+|joined:?.*|location:.*|reputation:?.*|level\s+\d+|u/\S+|\[deleted\]|[·•|])"
    r")$", re.IGNORECASE)
_BUTTONS = re.compile(
    r"^(?:quote|reply|share|save|report|follow|unfollow|top|back\s+to\s+top|like|likes?|vote|upvote|downvote|"
    r"permalink|edit|delete|award|more\s+replies|\d+\s+more\s+repl(?:y|ies)|add\s+a\s+comment|sort\s+by:?.*|best|"
    r"skip\s+to\s+(?:main\s+)?content|log\s*in|sign\s*in|sign\s*up|register|post\s+reply|reply\s+to\s+this\s+topic.*|"
    r"search\s+(?:this\s+topic|in\s+\S+).*|sign\s+in\s+to\s+follow\s+this|followers\s+\d+|jump\s+to|all\s+activity|"
    r"home|forums?|board\s+index.*|\d+\s+posts?\s*[•·]\s*page\s+\d+\s+of\s+\d+|page\s+\d+\s+of\s+\d+|"
    r"attachments?|r/\S+|\d+|typo|share\s+this\s+post|link\s+to\s+(?:comment|post)|\S+\s+wrote:.*|"
    r"on\s+.{0,60}\bwrote:|\S+\s+said:|.{0,40}\bwrote:\s*↑.*|theme|contact\s+us|"
    r"created|last\s+reply|replies|views|users|likes|links|\d+(?:\.\d+)?k|topic\s+replies\s+views\s+activity|"
    r"[a-z]{3}\s+'\d{2})$", re.IGNORECASE)
_FILE = r"\.(?:m4a|mp3|wav|ogg|flac|pdf|docx?|xlsx?|pptx?|png|jpe?g|gif|webp|heic|zip|mp4|mov|avi)\b"
_SIZE = r"\(?\d+(?:[.,]\d+)?\s*(?:[KMG]i?B|bytes)\)?"
_ATTACHMENT = re.compile(
    rf"^(?:[^.!?]{{1,160}}{_FILE}|{_SIZE}(?:\s*[·•,]?\s*(?:downloaded\s+)?\d+\s+(?:downloads?|times?)(?:\s+times)?)?"
    r"|downloaded\s+\d+\s+times?)$", re.IGNORECASE)
_SIGNATURE = re.compile(r"^(?:[_~]{4,}|--\s?|sent\s+from\s+my\s+.*|get\s+outlook\s+for\s+.*)$", re.IGNORECASE)
_RULE = re.compile(r"^(?:[_~]{4,}|--\s?)$")
# What a paper line has and a signature line does not.
_EVIDENCE = re.compile(r"10\.\d{4,9}/|https?://|\bPublished\b|\b(?:Key finding|Summary|Abstract)s?:", re.IGNORECASE)
_FOOTER = re.compile(
    r"^(?:recommended\s+posts|join\s+the\s+conversation|more\s+posts\s+you\s+may\s+like|who\s+is\s+online|"
    r"powered\s+by\b.*|display\s+posts\s+from\s+previous.*|return\s+to\b.*|similar\s+topics|related\s+posts|"
    r"go\s+to\s+topic\s+listing|you\s+can\s+post\s+now\s+and\s+register\s+later.*|related\s+topics|"
    r"suggested\s+topics)$", re.IGNORECASE)
_CLOSING = re.compile(r"^(?:cheers|thanks|thank\s+you|best|best\s+wishes|regards|kind\s+regards|all\s+the\s+best),?$",
                      re.IGNORECASE)
# Inline post headers, when the copy lost the line break before them.
# Chatter glued to the text around it, when the copy lost the line breaks: a post header
# ("Posted 47 minutes ago"), an attachment's name after a sentence, its size, the poster's name
# and rank ("MarkT Members 12 posts"), and "Quote".
_INLINE = re.compile(
    rf"(?:Posted|Edited)\s+(?:on\s+)?{TIME}(?:\s+\(edited\))?(?:\s+by\s+[\w.@'’-]+)?"
    rf"|(?:(?<=[.!?]\s)|(?<=\.\w\w\w\s)|(?<=\.\w\w\w\w\s)|^)[^.!?]{{1,160}}{_FILE}"
    rf"|{_SIZE}\s*[·•,]?\s*(?:downloaded\s+)?\d+\s+(?:downloads?|times)"
    r"|(?:[\w.@'’-]{2,32}\s+)?(?:Members?|Moderators?|Administrators?)\s+\d+\s+posts?\b"
    r"|\bQuote\b(?=\s+[A-Z]|\s*$)")
_NAME = re.compile(r"^[\w.@'’-]{2,32}$")
# A user name as forums show them ("anna_k", "MarkT", "drsleep"), unlike a one-word title ("Sleep").
_HANDLE = re.compile(r"^(?:(?=\S*(?:[_\d@]|[a-z][A-Z]))[\w.@'’-]{2,32}|[a-z][\w.-]{1,31})$")
# The date beside a poster's name ("Mar 2024", "Mar '24", "2d", "5h").
_POST_DATE = re.compile(r"^(?:[A-Z][a-z]{2,8}\.?\s+(?:'\d{2}|\d{4})|[A-Z][a-z]{2}\s+\d{1,2}|\d{1,2}[smhdwy])$")


@dataclass(frozen=True)
class Cleaned:
    """The lines left with their line numbers in the file (chatter became blank lines, and text
    on either side of chatter inside a line became two lines), and the chatter taken out."""

    lines: tuple[str, ...]
    numbers: tuple[int, ...]
    dropped: tuple[tuple[int, str], ...]


def _pieces(line: str, depth: int = 0) -> list[str]:
    """`line` cut before and after each stretch of inline chatter, so each is judged by itself
    (again within each piece: an attachment name may start where a post header ended)."""
    cuts = sorted({edge for match in _INLINE.finditer(line) for edge in match.span()} - {0, len(line)})
    if not cuts or depth > 8:
        return [line]
    edges = [0, *cuts, len(line)]
    pieces = [line[a:b].strip() for a, b in zip(edges, edges[1:], strict=False) if line[a:b].strip()]
    return [part for piece in pieces for part in _pieces(piece, depth + 1)]


def _kind(line: str) -> str:
    """'header', 'footer', 'signature', 'closing', 'other' (chatter) or '' (not chatter)."""
    if _SIGNATURE.match(line.strip()):
        return "signature"
    text = line.strip().strip("*_").strip()
    if _FOOTER.match(text):
        return "footer"
    if len(text) <= 120 and _HEADER.match(text):  # a header is short; a long line is a post
        return "header"
    if _CLOSING.match(text):
        return "closing"
    return "other" if _BUTTONS.match(text) or _ATTACHMENT.match(text) else ""


def _names(lines: list[str], kinds: list[str]) -> None:
    """Mark a one-word line next to a post header (the poster's name, rank or edit reason) as chatter."""
    changed = True
    while changed:
        changed = False
        for index, line in enumerate(lines):
            if kinds[index] or not _NAME.match(line.strip()):
                continue
            near = [kinds[i] for i in (index - 1, index + 1) if 0 <= i < len(lines)]
            if "header" in near:
                kinds[index] = "header"
                changed = True


def _posters(lines: list[str], kinds: list[str]) -> None:
    """A user name followed by a date (Discourse: "anna_k" then "Mar 2024") heads a post."""
    for index in range(len(lines) - 1):
        name, date = lines[index].strip(), lines[index + 1].strip()
        if not kinds[index] and _HANDLE.match(name) and _POST_DATE.match(date):
            kinds[index] = kinds[index + 1] = "header"


def _spans(lines: list[str], kinds: list[str]) -> None:
    """A footer ends the posts; a signature runs to a blank line or post header; a closing takes the name after it."""
    index = 0
    while index < len(lines):
        kind = kinds[index]
        if kind == "footer":
            for rest in range(index, len(lines)):
                kinds[rest] = kinds[rest] or "footer"
            return
        if kind in ("signature", "closing"):
            # A rule starts a signature of a few short lines; "Sent from my ..." is one by itself.
            span = 4 if kind == "signature" and _RULE.match(lines[index].strip()) else int(kind == "closing")
            limit = min(index + 1 + span, len(lines))
            follow = index + 1
            while (follow < limit and kinds[follow] != "header" and lines[follow].strip()
                   and not _EVIDENCE.search(lines[follow]) and len(lines[follow].split()) <= 12):
                kinds[follow] = kinds[follow] or kind
                follow += 1
            index = follow
            continue
        index += 1


def strip_chatter(text: str) -> Cleaned:
    """`text` with every chatter line blanked, and those lines with their numbers."""
    lines: list[str] = []
    numbers: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        for piece in _pieces(raw):
            lines.append(piece)
            numbers.append(number)
    kinds = [_kind(line) if line.strip() else "" for line in lines]
    _posters(lines, kinds)
    _names(lines, kinds)
    _spans(lines, kinds)
    return _assemble(numbers, lines, kinds)


def _assemble(numbers: list[int], pieces: list[str], kinds: list[str]) -> Cleaned:
    """Kept pieces of a line joined again; where chatter was, a blank line (a break between posts)."""
    out: list[str] = []
    where: list[int] = []
    dropped: list[tuple[int, str]] = []
    previous = 0
    for number, piece, kind in zip(numbers, pieces, kinds, strict=True):
        chatter = bool(kind and piece.strip())
        if chatter:
            dropped.append((number, piece.strip()))
        if number != previous or chatter or not out or not out[-1]:
            out.append("" if chatter else piece)
            where.append(number)
        else:
            out[-1] = f"{out[-1]} {piece}".strip()
        previous = number
    return Cleaned(tuple(out), tuple(where), tuple(dropped))
