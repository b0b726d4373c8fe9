"""The build, top to bottom: read papers, write scripts, speak turns, assemble episodes, publish the feed."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tempfile
import uuid
import wave
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .audio import Segment, Tags, Timeline, assemble, encode_mp3, mp3_duration
from .config import CONFIG_NAME, EpisodeDef, Host, ShowConfig, episode_paths, load_episode, load_show, show_settings
from .errors import PapercastError, SynthesisError
from .feed import FeedEpisode, write_cover, write_feed
from .fsutil import atomic_write
from .model import Author, Paper, Script
from .script import EpisodeInfo, template_environment, write_script
from .sources import load_papers
from .speech import Audio, get_engine, speak
from .spoken import SpokenForm, load_pronunciations

Progress = Callable[[str], None]
PRONUNCIATION_FILES = ("pronunciations.toml", "pronunciations.yaml", "pronunciations.yml")
EPISODE_AUDIO_DIR = "episodes"


@dataclass
class Report:
    """What a build did: episodes built, reused and failed; turns spoken and taken from the cache."""

    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    turns_synthesized: int = 0
    turns_cached: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def summary(self) -> str:
        """One line for the end of a build."""
        return (
            f"{len(self.built)} built, {len(self.reused)} unchanged, {len(self.failed)} failed; "
            f"{self.turns_synthesized} turns synthesised, {self.turns_cached} from cache"
        )


def _quiet(_: str) -> None:
    pass


# --- speaking ---------------------------------------------------------------------------

def resolve_hosts(hosts: tuple[Host, Host]) -> tuple[Host, Host]:
    """Fill in each host's voice from its engine's defaults when the show leaves it empty."""
    resolved = []
    for index, host in enumerate(hosts):
        voice = host.voice or get_engine(host.engine).default_voices()[index]
        resolved.append(Host(name=host.name, engine=host.engine, voice=voice, rate=host.rate))
    return resolved[0], resolved[1]


def turn_key(text: str, host: Host) -> str:
    """A hash of everything that shapes a turn's audio."""
    fingerprint = {
        "text": text, "engine": host.engine, "voice": host.voice, "rate": host.rate,
        "engine_version": get_engine(host.engine).version(),
    }
    return hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()


class TurnCache:
    """Synthesised turns as WAV files named by their key; safe to delete at any time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Audio | None:
        try:
            with wave.open(str(self._path(key)), "rb") as wav:
                return Audio(pcm=wav.readframes(wav.getnframes()), sample_rate=wav.getframerate())
        except (OSError, wave.Error, EOFError):
            return None

    def put(self, key: str, audio: Audio) -> None:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(audio.sample_rate)
            wav.writeframes(audio.pcm)
        atomic_write(self._path(key), buffer.getvalue())


def speak_script(script: Script, hosts: tuple[Host, Host], cache: TurnCache | None,
                 report: Report, progress: Progress = _quiet) -> list[Segment]:
    """Audio for every turn, from the cache where possible; a failure names the turn."""
    segments: list[Segment] = []
    total = len(script.turns)
    for number, turn in enumerate(script.turns, start=1):
        host = hosts[turn.host]
        key = turn_key(turn.spoken, host)
        audio = cache.get(key) if cache else None
        if audio is None:
            try:
                audio = speak(host.engine, turn.spoken, host.voice, host.rate)
            except SynthesisError as exc:
                raise SynthesisError(
                    f"turn {number} ({host.name}, engine {host.engine}, voice {host.voice}, "
                    f"section {turn.section}): {exc}"
                ) from None
            if cache:
                cache.put(key, audio)
            report.turns_synthesized += 1
        else:
            report.turns_cached += 1
        segments.append(Segment(section=turn.section, audio=audio))
        progress(f"{script.title}: turn {number}/{total}")
    return segments


# --- one episode --------------------------------------------------------------------------

def pronunciation_table(show: ShowConfig) -> dict[str, str]:
    """The show's word -> spoken form overrides, if it has a pronunciation file."""
    for name in PRONUNCIATION_FILES:
        path = show.root / name
        if path.is_file():
            return load_pronunciations(path)
    return {}


def episode_script(show: ShowConfig, definition: EpisodeDef, papers: Sequence[Paper],
                   pronunciations: dict[str, str]) -> Script:
    """The dialogue for one episode of the show."""
    info = EpisodeInfo(id=definition.id, title=definition.title, description=definition.description)
    env = template_environment(show.templates_dir)
    names = (show.hosts[0].name, show.hosts[1].name)
    return write_script(show.title, names, info, papers, env, SpokenForm(pronunciations))


def episode_key(script: Script, hosts: tuple[Host, Host], show: ShowConfig, tags: Tags) -> str:
    """A hash of everything that shapes the episode file: turns, voices, assembly, tags."""
    fingerprint = {
        "turns": [[t.section, turn_key(t.spoken, hosts[t.host])] for t in script.turns],
        "audio": asdict(show.audio),
        "tags": [tags.title, tags.artist, tags.album, tags.year, tags.comment],
        "cover": hashlib.sha256(tags.cover.read_bytes()).hexdigest() if tags.cover else "",
        "papercast": __version__,
    }
    return hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()


def produce_audio(script: Script, hosts: tuple[Host, Host], show: ShowConfig, tags: Tags,
                  target: Path, cache: TurnCache | None, report: Report,
                  progress: Progress = _quiet) -> Timeline:
    """Speak, assemble and encode `script` into the MP3 file `target` (written atomically)."""
    segments = speak_script(script, hosts, cache, report, progress)
    # Assembly goes through a temporary WAV outside the show and the package.
    with tempfile.TemporaryDirectory(prefix="papercast-") as scratch:
        wav_path = Path(scratch) / "episode.wav"
        timeline = assemble(segments, show.audio, wav_path)
        encode_mp3(wav_path, target, show.audio, tags)
    return timeline


# --- published records ---------------------------------------------------------------------

def _records_path(show: ShowConfig) -> Path:
    return show.state_dir / "published.json"


def _episode_to_json(episode: FeedEpisode) -> dict:
    data = asdict(episode)
    data["published"] = episode.published.isoformat()
    data["updated"] = episode.updated.isoformat() if episode.updated else None
    return data


def _episode_from_json(data: dict) -> FeedEpisode:
    papers = tuple(
        Paper(**{**p, "authors": tuple(Author(**a) for a in p["authors"])}) for p in data["papers"]
    )
    return FeedEpisode(**{
        **data,
        "papers": papers,
        "published": dt.datetime.fromisoformat(data["published"]),
        "updated": dt.datetime.fromisoformat(data["updated"]) if data["updated"] else None,
    })


def load_records(show: ShowConfig) -> dict[str, FeedEpisode]:
    """Episodes as last published: GUIDs and dates are kept from here, forever."""
    path = _records_path(show)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {key: _episode_from_json(value) for key, value in raw["episodes"].items()}
    except FileNotFoundError:
        return {}
    except (ValueError, KeyError, TypeError) as exc:
        raise PapercastError(f"{path}: damaged record of published episodes ({exc})") from None


def save_records(show: ShowConfig, episodes: dict[str, FeedEpisode]) -> None:
    """Remember what was published, atomically."""
    data = {"episodes": {key: _episode_to_json(ep) for key, ep in sorted(episodes.items())}}
    atomic_write(_records_path(show), json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# --- the whole show ------------------------------------------------------------------------

def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def build_episode(show: ShowConfig, definition: EpisodeDef, hosts: tuple[Host, Host], cover: str,
                  previous: FeedEpisode | None, pronunciations: dict[str, str],
                  cache: TurnCache, report: Report, progress: Progress) -> FeedEpisode:
    """Build one episode unless its file is already up to date; returns its feed record."""
    papers = load_papers(definition.sources, definition.entries)
    script = episode_script(show, definition, papers, pronunciations)
    published = (
        dt.datetime.combine(definition.date, dt.time(6, 0), dt.timezone.utc) if definition.date
        else previous.published if previous else _now()
    )
    tags = Tags(title=definition.title, artist=show.author, album=show.title,
                year=str(published.year), comment=definition.description,
                cover=show.feed_dir / cover)
    key = episode_key(script, hosts, show, tags)
    # The content hash is in the file name: changed audio gets a new URL, so apps fetch it again.
    stem = f"{definition.id}-{key[:10]}"
    audio_rel = f"{EPISODE_AUDIO_DIR}/{stem}.mp3"
    transcript_rel = f"{EPISODE_AUDIO_DIR}/{stem}.txt"
    audio_path = show.feed_dir / audio_rel
    if audio_path.is_file():
        report.reused.append(definition.id)
    else:
        produce_audio(script, hosts, show, tags, audio_path, cache, report, progress)
        report.built.append(definition.id)
    transcript = f"{script.title}\n\n{script.transcript()}"
    transcript_path = show.feed_dir / transcript_rel
    if not transcript_path.is_file() or transcript_path.read_text(encoding="utf-8") != transcript:
        atomic_write(transcript_path, transcript)
    changed = previous is not None and previous.audio != audio_rel
    return FeedEpisode(
        id=definition.id,
        title=definition.title,
        summary=definition.description or f"{show.hosts[0].name} and {show.hosts[1].name} discuss {len(papers)} papers.",
        papers=tuple(papers),
        guid=previous.guid if previous else str(uuid.uuid5(uuid.NAMESPACE_URL, show.url_for(f"{EPISODE_AUDIO_DIR}/{definition.id}"))),
        published=published,
        updated=_now() if changed else (previous.updated if previous else None),
        audio=audio_rel,
        size=audio_path.stat().st_size,
        duration=round(mp3_duration(audio_path)),
        transcript=transcript_rel,
    )


def _remove_stale_files(show: ShowConfig, episodes: Sequence[FeedEpisode]) -> None:
    """Delete episode files that no published episode refers to any more."""
    keep = {ep.audio for ep in episodes} | {ep.transcript for ep in episodes if ep.transcript}
    folder = show.feed_dir / EPISODE_AUDIO_DIR
    for path in folder.glob("*"):
        if path.is_file() and f"{EPISODE_AUDIO_DIR}/{path.name}" not in keep:
            path.unlink()


def build_show(root: str | Path = ".", progress: Progress = _quiet) -> Report:
    """Build every episode of the show in `root` and publish the feed; one bad episode does not stop the rest."""
    show = load_show(root)
    report = Report()
    hosts = resolve_hosts(show.hosts)
    pronunciations = pronunciation_table(show)
    records = load_records(show)
    cache = TurnCache(show.state_dir / "cache" / "turns")
    cover = write_cover(show)

    published: dict[str, FeedEpisode] = {}
    for path in episode_paths(show):
        try:
            definition = load_episode(path, show.root)
            progress(f"{definition.id}: building")
            published[definition.id] = build_episode(
                show, definition, hosts, cover, records.get(definition.id), pronunciations,
                cache, report, progress)
        except PapercastError as exc:
            report.failed.append((path.stem, str(exc)))
            # The previous version stays in the feed until this episode builds again.
            if path.stem in records and (show.feed_dir / records[path.stem].audio).is_file():
                published[path.stem] = records[path.stem]

    episodes = sorted(published.values(), key=lambda ep: (ep.published, ep.id))
    write_feed(show, episodes)
    save_records(show, {**records, **published})
    _remove_stale_files(show, episodes)
    return report


def one_off_script(sources: Sequence[Path], title: str | None = None,
                   entries: Sequence[str] | None = None, show_root: Path | None = None,
                   ) -> tuple[ShowConfig, Script, list[Paper]]:
    """The show (or defaults), script and papers for an episode made straight from paper files."""
    show = show_settings(show_root or Path.cwd())
    papers = load_papers([Path(s).resolve() for s in sources], entries)
    episode_title = title or (papers[0].title if len(papers) == 1 else f"{len(papers)} papers")
    definition = EpisodeDef(id="episode", path=Path(sources[0]), title=episode_title, description="",
                            sources=tuple(Path(s) for s in sources), entries=None, date=None)
    return show, episode_script(show, definition, papers, pronunciation_table(show)), papers


def make_episode(sources: Sequence[Path], output: Path, title: str | None = None,
                 entries: Sequence[str] | None = None, show_root: Path | None = None,
                 progress: Progress = _quiet) -> Report:
    """A one-off episode from paper files, written to `output` (hosts and voices from the show, if any)."""
    show, script, _ = one_off_script(sources, title, entries, show_root)
    report = Report()
    tags = Tags(title=script.title, artist=show.author, album=show.title, year=str(_now().year))
    in_a_show = (show.root / CONFIG_NAME).is_file()
    cache = TurnCache(show.state_dir / "cache" / "turns") if in_a_show else None
    produce_audio(script, resolve_hosts(show.hosts), show, tags, output.resolve(), cache, report, progress)
    report.built.append(str(output))
    return report
