"""Planning: what each episode will be (papers, script, turns, file names).

Also the fingerprints that say when an episode must be planned again, and new episodes for new papers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
import tomli_w

from . import __version__
from .audio import (
    ENCODING_VERSION,
    Tags,
)
from .config import (
    CONFIG_NAME,
    EpisodeDef,
    Host,
    ShowConfig,
)
from .errors import PapercastError
from .fsutil import atomic_write
from .model import Paper, Script
from .publish.records import FeedEpisode, Identity
from .publish.sidecars import (
    EpisodeFiles,
    episode_files,
    sidecar_inputs,
)
from .script import (
    DEFAULT_FORMAT,
    Draft,
    EpisodeInfo,
    draft_script,
    template_environment,
)
from .script.spoken import VOCABULARY_FILE, SpokenForm, latin_only, show_vocabulary
from .script.writer import DEFAULT_WPM
from .sources.registry import load_papers, read_papers, reading_list
from .speech.cache import TurnCache, turn_key, voice_version
from .speech.casting import reading_host, words_per_minute
from .speech.pronounce import PRONUNCIATION_FILES, Pronunciation, apply_pronunciations
from .speech.registry import cast_can_say

# --- context: what each episode will be -----------------------------------------------------

@dataclass(frozen=True)
class EpisodePlan:
    """One episode, fully described before any audio is made."""

    definition: EpisodeDef
    papers: tuple[Paper, ...]
    script: Script
    keys: tuple[str, ...]
    tags: Tags
    published: dt.datetime
    stem: str
    texts: tuple[str, ...] = ()  # what each turn's engine is given (pronunciation markup applied)
    length_note: str = ""

    @property
    def files(self) -> EpisodeFiles:
        """The episode's published files: MP3, transcripts and chapters."""
        return episode_files(self.stem)

    @property
    def audio(self) -> str:
        return self.files.audio


def show_templates(show: ShowConfig) -> jinja2.Environment:
    """The show's template environment, compiled templates cached with the build's other caches."""
    return template_environment(show.templates_dir, show.state_dir / "cache" / "templates")


def episode_draft(show: ShowConfig, definition: EpisodeDef, papers: Sequence[Paper],
                  pronunciations: dict[str, Pronunciation], wpm: tuple[float, float] = DEFAULT_WPM,
                  env: jinja2.Environment | None = None, can_say: Callable[[str], bool] = latin_only,
                  reader: int = 1) -> Draft:
    """The dialogue for one episode of the show, in its format and, if it has one, to its length.

    The spoken form uses the show's vocabulary and keeps from the engines what `can_say` refuses;
    host `reader` (the cast's clearer voice) says the titles, findings and recaps.
    """
    info = EpisodeInfo(id=definition.id, title=definition.title, description=definition.description)
    env = env or template_environment(show.templates_dir)
    names = (show.hosts[0].name, show.hosts[1].name)
    respellings = {word: entry.say for word, entry in pronunciations.items()}
    spoken = SpokenForm(respellings, vocabulary=show_vocabulary(show.root), can_say=can_say)
    return draft_script(show.title, names, info, papers, env, spoken,
                        format=definition.format or DEFAULT_FORMAT, minutes=definition.minutes,
                        words_per_minute=wpm,
                        pauses=(show.audio.turn_pause_ms / 1000, show.audio.section_pause_ms / 1000),
                        disclaimer=show.disclaimer, reader=reader)


def now() -> dt.datetime:
    """The current time in UTC, to the second (publication and update times)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)



def plan_episode(show: ShowConfig, definition: EpisodeDef, hosts: tuple[Host, Host], cover: Path | None,
                 previous: FeedEpisode | None, pronunciations: dict[str, Pronunciation],
                 cache: TurnCache | None = None, env: jinja2.Environment | None = None,
                 papers: list[Paper] | None = None, shown: Identity | None = None) -> EpisodePlan:
    """Read an episode's papers (unless given) and write its script; name its file by a hash of its content.

    An undated episode keeps the date it was first published with: from its record, else
    from the feed that showed it (`shown`), else it is published now.
    """
    papers = load_papers(definition.sources, definition.entries) if papers is None else papers
    # Pace is measured only when a length is asked for, so ordinary rebuilds stay cheap.
    wpm = words_per_minute(hosts, cache) if definition.minutes and cache else (160.0, 160.0)
    draft = episode_draft(show, definition, papers, pronunciations, wpm, env,
                          can_say=cast_can_say(host.engine for host in hosts), reader=reading_host(hosts))
    script = draft.script
    texts = tuple(apply_pronunciations(turn.spoken, pronunciations, hosts[turn.host].engine)
                  for turn in script.turns)
    keys = tuple(turn_key(text, hosts[turn.host]) for text, turn in zip(texts, script.turns, strict=True))
    published = (
        dt.datetime.combine(definition.date, dt.time(6, 0), dt.timezone.utc) if definition.date
        else previous.published if previous else shown.published if shown else now()
    )
    tags = Tags(title=definition.title, artist=show.author, album=show.title,
                year=str(published.year), comment=definition.description, cover=cover)
    fingerprint = {
        "turns": [[turn.section, key] for turn, key in zip(script.turns, keys, strict=True)],
        "audio": dataclasses.asdict(show.audio),
        "tags": [tags.title, tags.artist, tags.album, tags.year, tags.comment],
        "cover": hashlib.sha256(cover.read_bytes()).hexdigest() if cover else "",
        "encoding": ENCODING_VERSION,
        # Transcripts and chapters are written with the audio, so what they say is part of its identity.
        "sidecars": sidecar_inputs(script),
        "papercast": __version__,
    }
    digest = _digest(fingerprint)
    # The hash is in the file name: changed audio gets a new URL, so apps fetch it again.
    return EpisodePlan(definition=definition, papers=tuple(papers), script=script, keys=keys,
                       tags=tags, published=published, stem=f"{definition.id}-{digest[:10]}", texts=texts,
                       length_note=draft.length_note() or "")


def _digest(fingerprint: object) -> str:
    """A hash of a JSON-able fingerprint (paths and dates as text), the same for equal content."""
    return hashlib.sha256(json.dumps(fingerprint, sort_keys=True, default=str).encode()).hexdigest()


def _files_digest(paths: Iterable[Path]) -> str:
    """A hash of these files' names and bytes (a missing file counts as missing, not as an error)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(f"{path}\0".encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing")
        digest.update(b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """A hash of papercast's own code and templates: a change to either may change any episode."""
    package = Path(__file__).parent
    # .toml: the shipped vocabulary (script/vocabulary.toml) decides what the hosts say.
    return _files_digest(path for path in package.rglob("*") if path.suffix in (".py", ".j2", ".toml"))


def show_inputs(show: ShowConfig, hosts: tuple[Host, Host], cover: Path | None) -> str:
    """A hash of what every episode's plan is made from.

    That is papercast's code, the show's settings, voices, templates, vocabulary, pronunciations and cover.
    """
    files = [show.root / CONFIG_NAME, show.root / VOCABULARY_FILE,
             *(show.root / name for name in PRONUNCIATION_FILES)]
    if show.templates_dir.is_dir():
        files += [path for path in show.templates_dir.rglob("*") if path.is_file()]
    if cover is not None:
        files.append(cover)
    voices = [[dataclasses.asdict(host), voice_version(host.engine, host.voice)] for host in hosts]
    return _digest({"code": _code_digest(), "files": _files_digest(files), "voices": voices, "papercast": __version__})


def episode_inputs(shared: str, definition: EpisodeDef) -> str:
    """A hash of what one episode's plan is made from: the show's inputs, its definition and its papers' files.

    The hosts' measured pace (for an episode with a length) needs no place of its own: it is
    measured from the hosts' voices, which the show's inputs name with their versions.
    """
    image = {definition.image} if definition.image else set()  # its own cover art is published with it
    return _digest({"show": shared, "definition": dataclasses.asdict(definition),
                    "files": _files_digest({definition.path, *definition.sources, *image})})


# --- new papers: episodes for what no episode covers yet ------------------------------------

_STOPWORDS = frozenset("""a an and are as at be between by for from in into is its of on or the their
this to via with without study review analysis role evidence effect effects association new""".split())


def _topic(papers: Sequence[Paper]) -> str:
    """The one or two words the papers' titles share most, for a new episode's title."""
    counts: Counter[str] = Counter()
    for paper in papers:
        counts.update({w for w in re.findall(r"[a-z][a-z-]{3,}", paper.title.lower()) if w not in _STOPWORDS})
    shared = [word for word, n in counts.most_common() if n > 1][:2] or [w for w, _ in counts.most_common(2)]
    return " and ".join(shared) if shared else "recent research"


def covered_keys(definitions: Sequence[EpisodeDef]) -> set[str]:
    """Keys of the papers that some episode definition covers."""
    covered: set[str] = set()
    for definition in definitions:
        if definition.entries is not None:
            covered.update(definition.entries)
        else:
            covered.update(p.key for source in definition.sources for p in read_papers(source))
    return covered


def add_new_episodes(show: ShowConfig, definitions: Sequence[EpisodeDef],
                     unreadable: list[str] | None = None) -> list[Path]:
    """Write episode definitions for reading-list papers that no episode covers yet.

    A reading-list file that cannot be read is skipped (its error added to `unreadable`), so
    one bad file does not hold back the others; an episode's own papers that cannot be read
    stop it all, since without them papers it covers would look new.
    """
    covered = covered_keys(definitions)
    waiting: list[tuple[Path, Paper]] = []
    for source in reading_list(show.root, show.papers.reading_list):
        try:
            waiting.extend((source, p) for p in read_papers(source) if p.key not in covered)
        except PapercastError as exc:
            if unreadable is None:
                raise
            unreadable.append(str(exc))
    numbers = [int(m.group(1)) for d in definitions if (m := re.match(r"(\d+)", d.id))]
    number = max(numbers, default=0)
    created = []
    size = show.papers.max_per_episode
    for start in range(0, len(waiting), size):
        group = waiting[start:start + size]
        number += 1
        topic = _topic([p for _, p in group])
        slug = re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-")
        path = show.episodes_dir / f"{number:02d}-new-{slug}.toml"
        # A reading list outside the show (a Zotero auto-export) is named by its absolute path.
        sources = sorted({str(s.relative_to(show.root)) if s.is_relative_to(show.root) else str(s) for s, _ in group})
        definition = {"title": f"New papers on {topic}",
                      "description": f"{len(group)} new papers from the reading list.",
                      "date": dt.date.today(), "papers": sources, "entries": [p.key for _, p in group]}
        header = f"# Written by papercast build on {dt.date.today().isoformat()} for papers no episode covered.\n"
        # A TOML writer: any key (an emoji included) comes out as valid TOML that reads back the same.
        atomic_write(path, header + tomli_w.dumps(definition))
        created.append(path)
    return created
