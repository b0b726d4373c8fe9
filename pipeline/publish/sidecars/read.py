"""Reading the sidecar files back (WebVTT, SRT, JSON transcripts and chapters) as a podcast app would.

The check validates published files with these; the show page reads its transcripts and chapters.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..spec import (
    Severity,
    url_problem,
)


@dataclass(frozen=True)
class Cue:
    """One timed line of a transcript; `speaker` is empty when the file names none."""

    start: float
    end: float
    speaker: str
    text: str


@dataclass(frozen=True)
class Chapter:
    """One Podcasting 2.0 chapter."""

    start: float
    title: str
    url: str = ""
    end: float | None = None


@dataclass(frozen=True)
class Issue:
    """A problem inside one file, at a line when the format has lines."""

    severity: Severity
    line: int | None
    what: str


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """Blank-line separated blocks of a cue file, each with its first line's number."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


_VTT_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_VTT_TIMING = re.compile(rf"{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+.*)?")
# Every '<' in cue text must open one of WebVTT's tags: players drop anything else, with its text.
_VTT_TAG = re.compile(r"</?(?:c|i|b|u|v|ruby|rt|lang)(?:\.[^\s.>]+)*(?:[ \t][^>]*)?>"
                      r"|<(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}>")
_VOICE = re.compile(r"<v(?:\.[^\s.>]+)*[ \t]+([^>]*\S)[ \t]*>")


def _cue_order(cues: list[Cue], start: float, end: float, line: int, issues: list[Issue]) -> None:
    if end <= start:
        issues.append(Issue("error", line, f"cue ends at {end:.3f} s, not after its start {start:.3f} s"))
    if cues and start < cues[-1].start:
        issues.append(Issue("error", line, f"cue starts at {start:.3f} s, before the cue above it "
                                           f"({cues[-1].start:.3f} s): cues must be in time order"))


def parse_vtt(text: str) -> tuple[list[Cue], list[Issue]]:
    """WebVTT cues with their `<v Speaker>` names, and whatever breaks the format."""
    cues: list[Cue] = []
    issues: list[Issue] = []
    blocks = list(_blocks(text))
    if not blocks or blocks[0][0] != 1 or not re.fullmatch(r"WEBVTT(?:[ \t].*)?", blocks[0][1][0]):
        return cues, [Issue("error", 1, "does not start with the line WEBVTT")]
    for number, block in blocks[1:]:
        head = block[0]
        if re.match(r"NOTE(?:[ \t]|$)", head):
            continue
        if head in ("STYLE", "REGION"):
            if cues:
                issues.append(Issue("error", number, f"{head} block after the first cue (players ignore it)"))
            continue
        cue = _vtt_cue(number, block, cues, issues)
        if cue is not None:
            cues.append(cue)
    if not cues and not issues:
        issues.append(Issue("error", None, "has no cues"))
    return cues, issues


def _vtt_cue(number: int, block: list[str], cues: list[Cue], issues: list[Issue]) -> Cue | None:
    """One WebVTT cue block (starting at line `number`) after the cues above it; None when it has no timing."""
    at = 0 if "-->" in block[0] else 1  # an optional cue identifier comes first
    timing = _VTT_TIMING.fullmatch(block[at].strip()) if at < len(block) else None
    if timing is None:
        shown = block[at] if at < len(block) else block[0]
        issues.append(Issue("error", number + min(at, len(block) - 1),
                            f"expected a cue timing such as 00:00:01.000 --> 00:00:04.000, found {shown!r}"))
        return None
    start, end = _seconds(*timing.groups()[:4]), _seconds(*timing.groups()[4:])
    _cue_order(cues, start, end, number + at, issues)
    payload = block[at + 1:]
    _vtt_text_issues(payload, number + at + 1, issues)
    joined = "\n".join(payload)
    voice = _VOICE.search(joined)
    if not payload:
        issues.append(Issue("warning", number + at, "cue has no text"))
    elif voice is None:
        issues.append(Issue("warning", number + at, "cue names no speaker (<v Name> ...)"))
    words = html.unescape(re.sub(r"<[^>]*>", "", joined)).strip()
    return Cue(start, end, voice[1].strip() if voice else "", " ".join(words.split()))


def _vtt_text_issues(payload: list[str], first: int, issues: list[Issue]) -> None:
    """A cue's text lines (the first at line `first`): no timing line, and every '<' opening a tag."""
    for offset, line in enumerate(payload, first):
        if "-->" in line:
            issues.append(Issue("error", offset, "a timing line inside a cue's text: "
                                                 "cues must be separated by a blank line"))
        for match in re.finditer("<", line):
            if not _VTT_TAG.match(line, match.start()):
                issues.append(Issue("error", offset, f"'<' that opens no WebVTT tag in {line.strip()!r}: "
                                                     "players drop it and the text after it (write &lt;)"))
                break


_SRT_TIME = r"(\d{2,}):([0-5]\d):([0-5]\d),(\d{3})"
_SRT_TIMING = re.compile(rf"{_SRT_TIME}[ \t]+-->[ \t]+{_SRT_TIME}(?:[ \t]+.*)?")
_SPEAKER = re.compile(r"^([^:\n]{1,60}):\s+(.*)$", re.DOTALL)  # "Name: text", as SRT has no voice tag


def parse_srt(text: str) -> tuple[list[Cue], list[Issue]]:
    """SubRip cues (a speaker from a leading "Name:"), and whatever breaks the format."""
    cues: list[Cue] = []
    issues: list[Issue] = []
    previous = 0
    for number, block in _blocks(text):
        if not block[0].strip().isdigit():
            issues.append(Issue("error", number, f"expected a cue number, found {block[0]!r}"))
            previous += 1  # one broken cue should not make every later number look wrong
            continue
        if int(block[0]) != previous + 1:
            issues.append(Issue("warning", number, f"cue number {int(block[0])} where {previous + 1} was expected"))
        previous = int(block[0])
        timing = _SRT_TIMING.fullmatch(block[1].strip()) if len(block) > 1 else None
        if timing is None:
            issues.append(Issue("error", number + 1, "expected a cue timing such as "
                                                     "00:00:01,000 --> 00:00:04,000 (a comma before milliseconds)"))
            continue
        start, end = _seconds(*timing.groups()[:4]), _seconds(*timing.groups()[4:])
        _cue_order(cues, start, end, number + 1, issues)
        words = " ".join(" ".join(block[2:]).split())
        if not words:
            issues.append(Issue("warning", number, "cue has no text"))
        speaker = _SPEAKER.match(words)
        cues.append(Cue(start, end, *(speaker.groups() if speaker else ("", words))))
    if not cues and not issues:
        issues.append(Issue("error", None, "has no cues"))
    return cues, issues


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _load_json(text: str) -> tuple[Any, list[Issue]]:
    try:
        return json.loads(text, parse_constant=_reject_constant), []
    except json.JSONDecodeError as exc:
        return None, [Issue("error", exc.lineno, f"is not valid JSON ({exc.msg})")]
    except ValueError as exc:
        return None, [Issue("error", None, f"is not valid JSON ({exc})")]


def _number(value: Any) -> float | None:
    """A JSON number that is a time: bools are ints in Python, but not times."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return None
    return float(value)


def _web_url(value: Any) -> bool:
    return isinstance(value, str) and url_problem(value) is None


def _json_object(text: str, key: str) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The parsed file when it is an object with a `key` list; otherwise None and why not."""
    data, issues = _load_json(text)
    if issues:
        return None, issues
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        return None, [Issue("error", None, f'must be an object with a "{key}" list')]
    return data, []


def parse_json_transcript(text: str) -> tuple[list[Cue], list[Issue]]:
    """A Podcasting 2.0 JSON transcript's segments, and whatever breaks its schema."""
    data, issues = _json_object(text, "segments")
    if data is None:
        return [], issues
    if not isinstance(data.get("version"), str):
        issues.append(Issue("error", None, 'has no "version" (Podcasting 2.0 transcripts use "1.0.0")'))
    cues: list[Cue] = []
    unnamed = 0
    for index, segment in enumerate(data["segments"], 1):
        found = _json_segment(index, segment, cues, issues)
        if found is not None:
            cue, anonymous = found
            unnamed += anonymous
            cues.append(cue)
    if not cues and not issues:
        issues.append(Issue("error", None, "has no segments"))
    if unnamed:
        issues.append(Issue("warning", None, f"{unnamed} segment(s) name no speaker"))
    return cues, issues


def _json_segment(index: int, segment: Any, cues: list[Cue], issues: list[Issue]) -> tuple[Cue, bool] | None:
    """Segment `index` after the cues above it, and whether it names no speaker; None when unusable."""
    if not isinstance(segment, dict):
        issues.append(Issue("error", None, f"segment {index} is not an object"))
        return None
    start, end, body = _number(segment.get("startTime")), _number(segment.get("endTime")), segment.get("body")
    if start is None or end is None:
        issues.append(Issue("error", None,
                            f"segment {index} needs startTime and endTime as seconds (numbers >= 0)"))
        return None
    if not isinstance(body, str):
        issues.append(Issue("error", None, f'segment {index} has no "body" text'))
        return None
    if end < start:
        issues.append(Issue("error", None, f"segment {index} ends at {end} s, before its start {start} s"))
    if cues and start < cues[-1].start:
        issues.append(Issue("error", None, f"segment {index} starts at {start} s, before the one above it"))
    speaker = segment.get("speaker")
    if speaker is not None and not isinstance(speaker, str):
        issues.append(Issue("error", None, f'segment {index}: "speaker" must be text'))
    cue = Cue(start, end, speaker if isinstance(speaker, str) else "", " ".join(body.split()))
    return cue, not speaker


def parse_chapters(text: str) -> tuple[list[Chapter], list[Issue]]:
    """Podcasting 2.0 JSON chapters (version 1.2), and whatever breaks the schema or order."""
    data, issues = _json_object(text, "chapters")
    if data is None:
        return [], issues
    version = data.get("version")
    if not isinstance(version, str):
        issues.append(Issue("error", None, 'has no "version" (use "1.2.0")'))
    elif not version.startswith("1."):
        issues.append(Issue("warning", None, f"version {version!r} is not a 1.x chapters format apps know"))
    chapters: list[Chapter] = []
    for index, item in enumerate(data["chapters"], 1):
        chapter = _chapter(index, item, chapters, issues)
        if chapter is not None:
            chapters.append(chapter)
    if not chapters and not issues:
        issues.append(Issue("error", None, "has no chapters"))
    return chapters, issues


def _chapter(index: int, item: Any, chapters: list[Chapter], issues: list[Issue]) -> Chapter | None:
    """Chapter `index` after the chapters above it; None when it has no usable startTime."""
    if not isinstance(item, dict):
        issues.append(Issue("error", None, f"chapter {index} is not an object"))
        return None
    start, title = _number(item.get("startTime")), item.get("title")
    if start is None:
        issues.append(Issue("error", None, f"chapter {index} needs startTime as seconds (a number >= 0)"))
        return None
    if not isinstance(title, str) or not title.strip():
        issues.append(Issue("error", None, f"chapter {index} has no title"))
        title = ""
    _chapter_link_issues(index, item, issues)
    end = _number(item.get("endTime")) if "endTime" in item else None
    if "endTime" in item and (end is None or end <= start):
        issues.append(Issue("error", None, f"chapter {index}: endTime must be a time after its startTime"))
        end = None
    if chapters and start <= chapters[-1].start:
        issues.append(Issue("error", None, f"chapter {index} starts at {start:g} s, not after chapter "
                                           f"{index - 1} ({chapters[-1].start:g} s)"))
    url = item.get("url")
    return Chapter(start, title.strip(), url if isinstance(url, str) and _web_url(url) else "", end)


def _chapter_link_issues(index: int, item: dict[str, Any], issues: list[Issue]) -> None:
    """A chapter's url and img (absent, or ASCII http(s) URLs) and its toc flag (a boolean)."""
    for key in ("url", "img"):
        if item.get(key) == "":
            issues.append(Issue("warning", None, f"chapter {index}: {key} is empty (leave it out instead)"))
        elif key in item and not _web_url(item[key]):
            issues.append(Issue("error", None, f"chapter {index}: {key} {item[key]!r} is not an "
                                               "ASCII http(s) URL"))
    if "toc" in item and not isinstance(item["toc"], bool):
        issues.append(Issue("error", None, f"chapter {index}: toc must be true or false"))
