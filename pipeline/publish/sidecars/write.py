"""Chapters and transcripts of an episode, timed by where its turns lie in the assembled audio.

The times are those of `audio.assemble`'s Timeline, which the MP3 keeps: loudnorm does
not shift the audio, and the encoder's delay is declared in the LAME header (see
`audio.write_tags`). Transcripts use each turn's written text, not what the engine said.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ...audio import Chapter, Timeline
from ...errors import AudioError, FeedError
from ...fsutil import write_if_changed
from ...model import Script
from ...script.spoken import sentences
from ..spec import CAPTION_LINES, SRT_LINE_CHARS

EPISODE_DIR = "episodes"
CHAPTERS_VERSION = "1.2.0"
TRANSCRIPT_VERSION = "1.0.0"
# A caption is at most two lines of 32 characters (the Podcast Index guidance for SRT, which the
# WebVTT cues share) and ten seconds.
LINE_CHARS = SRT_LINE_CHARS
CUE_LINES = CAPTION_LINES
CUE_SECONDS = 10.0
# Bumped when the files' format changes, so a build knows to write them again: 2 = captions
# split by the spoken form's sentences; 3 = 32-character lines, never cut inside a name.
FORMAT_VERSION = 3

_CLAUSE_END = re.compile(r"(?<=[,;:—]) +")  # plain spaces: the no-break ones below hold names together
# Within a name nothing may be cut: an initial is bound to the words on either side of it
# (a capitalised word before it, any word after) by a no-break space until the text is laid out.
_INITIAL_AFTER = re.compile(r"(?<=\b[A-Z]\.) (?=\S)")
_INITIAL_BEFORE = re.compile(r"\b([A-Z][\w’'-]*) (?=[A-Z]\.(?:\s|$))")
_BOUND = "\u00a0"


def _bind_names(text: str) -> str:
    """`text` with the spaces around initials made unbreakable ("Noha M. Gamil" is one unit)."""
    text = _INITIAL_AFTER.sub(_BOUND, _INITIAL_BEFORE.sub(lambda m: m[1] + _BOUND, text))
    return text.replace(" et al.", f"{_BOUND}et{_BOUND}al.")  # "Tang et al." is a name too


@dataclass(frozen=True)
class Cue:
    """One caption: who speaks, what they say (written form) and when, in seconds."""

    speaker: str
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class EpisodeFiles:
    """An episode's published files, as paths relative to `feed/` (all named after the MP3)."""

    audio: str
    text: str
    vtt: str
    srt: str
    transcript_json: str
    chapters: str

    def all(self) -> tuple[str, ...]:
        """Every path, audio first."""
        return (self.audio, self.text, self.vtt, self.srt, self.transcript_json, self.chapters)


def episode_files(stem: str) -> EpisodeFiles:
    """The names of the files of the episode whose MP3 is `episodes/<stem>.mp3`."""
    base = f"{EPISODE_DIR}/{stem}"
    return EpisodeFiles(audio=f"{base}.mp3", text=f"{base}.txt", vtt=f"{base}.vtt", srt=f"{base}.srt",
                        transcript_json=f"{base}.transcript.json", chapters=f"{base}.chapters.json")


def _check(script: Script, timeline: Timeline) -> None:
    if len(script.turns) != len(timeline.turns):
        raise AudioError(f"{script.title!r}: the script has {len(script.turns)} turns "
                         f"but the audio has {len(timeline.turns)}")
    for number, (turn, span) in enumerate(zip(script.turns, timeline.turns, strict=True), start=1):
        if turn.section != span.section:
            raise AudioError(f"{script.title!r}: turn {number} is in section {turn.section!r} "
                             f"in the script but {span.section!r} in the audio")


def _link(url: str) -> str:
    # Only web links make sense to a player; DOIs may hold <, > or spaces, which URLs may not.
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~") if url.startswith(("https://", "http://")) else ""


def chapters(script: Script, timeline: Timeline) -> list[Chapter]:
    """One chapter per section of the script (intro, each paper with its link, outro), back to back."""
    _check(script, timeline)
    sections = {section.id: section for section in script.sections}
    result = []
    for span in timeline.sections():
        section = sections.get(span.section)
        # A script made without section records still gets chapters, named by their ids.
        title, url = (section.title, section.url) if section else (span.section, "")
        result.append(Chapter(title=title, start=span.start, end=span.end, url=_link(url)))
    return result


def _words(text: str) -> list[str]:
    # Split at plain spaces only: str.split() would also cut at the no-break spaces binding names.
    return [word for word in text.split(" ") if word]


def _wrap(text: str, width: int = LINE_CHARS) -> list[str]:
    """Greedy word wrap; a word (or bound name) longer than a line gets a line of its own."""
    lines: list[str] = []
    for word in _words(text):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _layout(text: str) -> list[str]:
    """A cue's lines: wrapped with names kept whole, then written with ordinary spaces."""
    return [line.replace(_BOUND, " ") for line in _wrap(_bind_names(text))]


def _pieces(text: str, fits: Callable[[str], bool]) -> list[str]:
    """The text cut at sentence ends, then clause ends, then words, until every piece fits."""
    pieces: list[str] = []
    for sentence in map(_bind_names, sentences(text)):  # not inside brackets, nor after "Noha M."
        if fits(sentence):
            pieces.append(sentence)
            continue
        for clause in _CLAUSE_END.split(sentence):
            pieces.extend([clause] if fits(clause) else _words(clause))
    return [piece for piece in pieces if piece]


def _turn_cues(speaker: str, text: str, start: float, end: float) -> list[Cue]:
    """Captions for one turn: sentences packed into cues, time shared out by characters."""
    text = " ".join(text.split())
    if not text:
        return []
    duration = max(0.0, end - start)
    # The longest cue that takes at most CUE_SECONDS at this turn's pace of speech.
    max_chars = CUE_SECONDS * len(text) / duration if duration > 0 else float("inf")

    def fits(candidate: str) -> bool:
        # Measured with the "Name: " an SRT cue starts with, so every format fits in two lines.
        return len(_wrap(f"{speaker}: {candidate}")) <= CUE_LINES and len(candidate) <= max_chars

    texts: list[str] = []
    for piece in _pieces(text, fits):
        if texts and fits(f"{texts[-1]} {piece}"):
            texts[-1] += f" {piece}"
        else:
            texts.append(piece)
    total = sum(len(t) for t in texts)
    cues, done = [], 0
    for index, cue_text in enumerate(texts):
        cue_start = start + duration * done / total
        done += len(cue_text)
        cue_end = end if index == len(texts) - 1 else start + duration * done / total
        cues.append(Cue(speaker, cue_text.replace(_BOUND, " "), cue_start, cue_end))
    return cues


def cues(script: Script, timeline: Timeline) -> list[Cue]:
    """Every turn's captions, in order, timed within the turn's span of the audio."""
    _check(script, timeline)
    result: list[Cue] = []
    for turn, span in zip(script.turns, timeline.turns, strict=True):
        result.extend(_turn_cues(script.host_names[turn.host], turn.text, span.start, span.end))
    return result


def _timestamp(seconds: float, separator: str) -> str:
    ms = max(0, round(seconds * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    return f"{hours:02d}:{minutes:02d}:{ms // 1000:02d}{separator}{ms % 1000:03d}"


def _escape_vtt(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(all_cues: Sequence[Cue]) -> str:
    """A WebVTT file: each cue's speaker as a `<v Name>` voice span."""
    blocks = ["WEBVTT\n"]
    for cue in all_cues:
        lines = "\n".join(_escape_vtt(line) for line in _layout(cue.text))
        blocks.append(f"{_timestamp(cue.start, '.')} --> {_timestamp(cue.end, '.')}\n"
                      f"<v {_escape_vtt(cue.speaker)}>{lines}\n")
    return "\n".join(blocks)


def srt(all_cues: Sequence[Cue]) -> str:
    """A SubRip file: numbered cues, each led by "Name: "."""
    blocks = []
    for number, cue in enumerate(all_cues, start=1):
        lines = "\n".join(_layout(f"{cue.speaker}: {cue.text}"))
        blocks.append(f"{number}\n{_timestamp(cue.start, ',')} --> {_timestamp(cue.end, ',')}\n{lines}\n")
    return "\n".join(blocks)


def _seconds(value: float) -> float:
    return round(value, 3)


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def transcript_json(all_cues: Sequence[Cue]) -> str:
    """A Podcasting 2.0 JSON transcript: one segment per cue, with speaker and times."""
    segments = [{"speaker": cue.speaker, "startTime": _seconds(cue.start), "endTime": _seconds(cue.end),
                 "body": cue.text} for cue in all_cues]
    return _json({"version": TRANSCRIPT_VERSION, "segments": segments})


def chapters_json(all_chapters: Sequence[Chapter]) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0): start, title, link when known, end."""
    items = []
    for chapter in all_chapters:
        item: dict[str, Any] = {"startTime": _seconds(chapter.start), "title": chapter.title}
        if chapter.url:
            item["url"] = chapter.url
        item["endTime"] = _seconds(chapter.end)
        items.append(item)
    return _json({"version": CHAPTERS_VERSION, "chapters": items})


def write_episode_files(feed_dir: Path, stem: str, script: Script, timeline: Timeline) -> EpisodeFiles:
    """Write the episode's text, VTT, SRT and JSON transcripts and JSON chapters next to its MP3.

    Each file is written atomically and only when its content changed.
    """
    files = episode_files(stem)
    captions = cues(script, timeline)
    contents = {
        files.text: f"{script.title}\n\n{script.transcript()}",
        files.vtt: webvtt(captions),
        files.srt: srt(captions),
        files.transcript_json: transcript_json(captions),
        files.chapters: chapters_json(chapters(script, timeline)),
    }
    for relative, content in contents.items():
        write_if_changed(feed_dir / relative, content, FeedError)
    return files


def sidecar_inputs(script: Script) -> dict[str, Any]:
    """What these files and the MP3's chapter frames depend on beyond the turns' audio (for the file name's hash)."""
    return {
        "format": FORMAT_VERSION,
        "hosts": list(script.host_names),
        "text": [turn.text for turn in script.turns],
        "sections": [[s.id, s.title, s.url] for s in script.sections],
    }
