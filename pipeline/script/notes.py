"""Derived texts: the shortened transcript for show notes."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Paper, Script, Turn


def notes_transcript(script: Script, papers: Sequence[Paper], max_words: int = 350) -> str:
    """A shortened transcript for show notes: the opening line, then each paper's title and finding turns."""
    def said(turn: Turn) -> str:
        return f"{script.host_names[turn.host]}: {turn.text}"

    keep: list[Turn] = []
    intro = [t for t in script.turns if t.section == "intro"]
    keep.extend(intro[:1])
    for paper in papers:
        section = [t for t in script.turns if t.section == f"paper-{paper.key}"]
        probe = [" ".join(paper.title.split())[:40], " ".join(paper.finding.split())[:30]]
        keep.extend(t for t in section if any(p and p in t.text for p in probe))
    lines: list[str] = []
    words = 0
    for turn in keep:
        line = said(turn)
        if lines and words + len(line.split()) > max_words:
            lines.append("…")
            break
        lines.append(line)
        words += len(line.split())
    return "\n\n".join(lines) + "\n"
