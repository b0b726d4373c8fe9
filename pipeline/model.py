"""Plain, immutable records passed between the stages of the pipeline."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# Han, kana and Hangul: names written family name first, without a space.
_FAMILY_FIRST = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass(frozen=True)
class Author:
    """One author; a group author ("... Consortium") has only a family name."""

    family: str
    given: str = ""
    is_group: bool = False

    @property
    def display(self) -> str:
        """The name as written in show notes: "Given Family", or "FamilyGiven" in Chinese, Japanese or Korean script."""
        if _FAMILY_FIRST.search(self.family + self.given):
            return f"{self.family}{self.given}"  # 王伟, not 伟 王
        return f"{self.given} {self.family}".strip()


@dataclass(frozen=True)
class Paper:
    """One paper of a reading list, its fields already decoded to plain Unicode."""

    key: str
    title: str
    authors: tuple[Author, ...] = ()
    journal: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    doi: str = ""
    url: str = ""
    finding: str = ""
    source: str = ""
    # The list ended in "et al." or "and others": more people wrote it than `authors` names.
    more_authors: bool = False

    @property
    def link(self) -> str:
        """The best link to the paper: its DOI resolver URL, else its URL."""
        return f"https://doi.org/{self.doi}" if self.doi else self.url

    @property
    def team_size(self) -> int:
        """How many wrote it, as a listener counts: "et al." after one or two names makes three or more."""
        named = len(self.authors)
        return max(named + 1, 3) if named and self.more_authors else named

    @property
    def date(self) -> dt.date | None:
        """Publication date at the precision known (missing month/day become 1)."""
        if self.year is None:
            return None
        return dt.date(self.year, self.month or 1, self.day or 1)


@dataclass(frozen=True)
class Turn:
    """One host's line of dialogue: `text` is written form, `spoken` what the engine says."""

    host: int
    text: str
    spoken: str
    section: str


@dataclass(frozen=True)
class Section:
    """A stretch of the script that becomes one chapter (intro, a paper, outro)."""

    id: str
    title: str
    url: str = ""


@dataclass(frozen=True)
class Script:
    """The whole dialogue of one episode, with the sections its turns belong to."""

    title: str
    host_names: tuple[str, str]
    turns: tuple[Turn, ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def transcript(self) -> str:
        """Readable text, one paragraph per turn, each led by the speaker's name."""
        return "\n\n".join(f"{self.host_names[t.host]}: {t.text}" for t in self.turns) + "\n"
