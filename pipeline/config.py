"""The show's settings (`papercast.toml`) and episode definitions, validated as a whole."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

from .errors import ConfigError
from .publish.spec import COVER_FIX, EMAIL, EPISODE_ID, LANGUAGE, category_problem, cover_findings, url_problem

CONFIG_NAME = "papercast.toml"
STATE_DIR_NAME = ".papercast"

_BITRATES = ("64k", "80k", "96k")



# The engine name that picks the neural voices when installed, else espeak-ng (see speech.auto_cast).
AUTO_ENGINE = "auto"


@dataclass(frozen=True)
class Host:
    """One of the two presenters and the voice that speaks for them."""

    name: str
    engine: str = AUTO_ENGINE
    voice: str = ""
    rate: int = 170
    pitch: float = 0.0  # semitones, for engines that support it


@dataclass(frozen=True)
class AudioSettings:
    """Everything about assembly and encoding that shapes the episode file."""

    bitrate: str = "64k"
    sample_rate: int = 44100
    turn_pause_ms: int = 350
    section_pause_ms: int = 800


@dataclass(frozen=True)
class BuildSettings:
    """Where a build runs: a Dask scheduler's address, or None for worker processes on this machine."""

    cluster: str | None = None


@dataclass(frozen=True)
class PapersSettings:
    """The show's reading list and how papers no episode names are grouped into new episodes."""

    reading_list: tuple[Path, ...] | None = None  # None: every paper file in papers/ (see sources.reading_list)
    max_per_episode: int = 5


@dataclass(frozen=True)
class ShowConfig:
    """A show: its metadata, its hosts and the folders it reads from and writes to."""

    root: Path
    title: str
    description: str
    author: str
    owner_name: str
    owner_email: str
    language: str
    category: str
    subcategory: str
    explicit: bool
    base_url: str
    cover: Path | None
    hosts: tuple[Host, Host]
    audio: AudioSettings
    papers: PapersSettings = PapersSettings()
    build: BuildSettings = BuildSettings()

    @property
    def episodes_dir(self) -> Path:
        return self.root / "episodes"

    @property
    def feed_dir(self) -> Path:
        return self.root / "feed"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def state_dir(self) -> Path:
        """Where builds keep their cache and records; never published."""
        return self.root / STATE_DIR_NAME

    def url_for(self, relative: str) -> str:
        """The public URL of a file under `feed/`."""
        return self.base_url + relative.lstrip("/")


@dataclass(frozen=True)
class EpisodeDef:
    """One episode definition from `episodes/*.toml`: what it is called and which papers it covers."""

    id: str
    path: Path
    title: str
    description: str
    sources: tuple[Path, ...]
    entries: tuple[str, ...] | None
    date: dt.date | None
    format: str | None = None
    minutes: float | None = None


def lock_path(root: Path) -> Path:
    """The file a run holds while it writes to the show in `root` (a build, an `add`)."""
    return Path(root) / STATE_DIR_NAME / "lock"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"not valid TOML ({exc})"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot be read ({exc})"]) from None


class _Fields:
    """Reads typed fields from a TOML table, collecting every problem instead of stopping."""

    def __init__(self, table: dict[str, Any], where: str, problems: list[str]) -> None:
        self.table, self.where, self.problems = table, where, problems

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def text(self, key: str, default: str | None = None) -> str:
        value = self.table.get(key, default)
        if value is None:
            self.problems.append(f"{self._name(key)} is required")
            return ""
        if not isinstance(value, str):
            self.problems.append(f"{self._name(key)} must be a string")
            return ""
        if not value.strip() and default is None:
            self.problems.append(f"{self._name(key)} must not be empty")
        return value.strip()

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.append(f"{self._name(key)} must be a whole number")
            return default
        if not low <= value <= high:
            self.problems.append(f"{self._name(key)} must be between {low} and {high}, not {value}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            self.problems.append(f"{self._name(key)} must be true or false")
            return default
        return value

    def unknown(self, known: set[str]) -> None:
        for key in sorted(set(self.table) - known):
            self.problems.append(f"unknown setting {self._name(key)}")


def load_show(root: str | Path = ".") -> ShowConfig:
    """Read and validate `papercast.toml` in `root`, reporting every problem at once."""
    root = Path(root).resolve()
    path = root / CONFIG_NAME
    data = _read_toml(path)
    problems: list[str] = []
    known_tables = {"show", "hosts", "audio", "papers", "build"}
    for key in sorted(set(data) - known_tables):
        problems.append(f"unknown table or setting {key}")

    show = data.get("show", {})
    if not isinstance(show, dict):
        raise ConfigError(str(path), ["[show] must be a table"])
    f = _Fields(show, "show", problems)
    title = f.text("title")
    description = f.text("description")
    author = f.text("author")
    owner_name = f.text("owner_name", author)
    owner_email = f.text("owner_email")
    if owner_email and not EMAIL.match(owner_email):
        problems.append(f"show.owner_email {owner_email!r} is not an e-mail address")
    language = f.text("language", "en")
    if not LANGUAGE.match(language):
        problems.append(f"show.language {language!r} is not a language code such as en or en-GB")
    category = f.text("category", "Science")
    subcategory = f.text("subcategory", "")
    category_wrong = category_problem(category, subcategory)
    if category_wrong:
        problems.append(f"show.{category_wrong}")
    explicit = f.boolean("explicit", False)
    base_url = f.text("base_url")
    if base_url:
        url_wrong = url_problem(base_url)
        if url_wrong:
            problems.append(f"show.base_url {base_url!r} {url_wrong}")
        base_url = base_url.rstrip("/") + "/"
    cover_name = f.text("cover", "")
    cover = (root / cover_name) if cover_name else None
    if cover is not None and not cover.is_file():
        problems.append(f"show.cover {cover_name!r} does not exist")
    elif cover is not None:
        problems.extend(f"show.cover {cover_name!r} {finding.text} ({COVER_FIX}, or remove show.cover "
                        "to use the generated cover)"
                        for finding in cover_findings(cover)[1] if finding.severity == "error")
    f.unknown({"title", "description", "author", "owner_name", "owner_email", "language",
               "category", "subcategory", "explicit", "base_url", "cover"})

    hosts_data = data.get("hosts", [])
    hosts: list[Host] = []
    if not isinstance(hosts_data, list) or len(hosts_data) != 2:
        problems.append("exactly two [[hosts]] are required")
        hosts_data = hosts_data if isinstance(hosts_data, list) else []
    for index, entry in enumerate(hosts_data[:2], start=1):
        if not isinstance(entry, dict):
            problems.append(f"hosts[{index}] must be a table")
            continue
        hf = _Fields(entry, f"hosts[{index}]", problems)
        engine, voice = hf.text("engine", AUTO_ENGINE), hf.text("voice", "")
        if engine == AUTO_ENGINE and voice:
            problems.append(f'hosts[{index}].voice needs its engine named: with engine = "auto" '
                            "papercast chooses the voice (see `papercast voices`)")
        if voice.endswith(".onnx") and not Path(voice).is_absolute():
            voice = str((root / voice).resolve())  # a local model, relative to the show folder
        pitch = entry.get("pitch", 0.0)
        if isinstance(pitch, bool) or not isinstance(pitch, (int, float)) or not -12 <= pitch <= 12:
            problems.append(f"hosts[{index}].pitch must be a number of semitones between -12 and 12")
            pitch = 0.0
        hosts.append(Host(name=hf.text("name"), engine=engine, voice=voice,
                          rate=hf.integer("rate", 170, 80, 400), pitch=float(pitch)))
        hf.unknown({"name", "engine", "voice", "rate", "pitch"})
    if len(hosts) == 2 and hosts[0].name.casefold() == hosts[1].name.casefold():
        problems.append("the two hosts need different names")

    audio_data = data.get("audio", {})
    af = _Fields(audio_data if isinstance(audio_data, dict) else {}, "audio", problems)
    bitrate = af.text("bitrate", "64k")
    if bitrate not in _BITRATES:
        problems.append(f"audio.bitrate must be one of {', '.join(_BITRATES)}")
    audio = AudioSettings(
        bitrate=bitrate,
        turn_pause_ms=af.integer("turn_pause_ms", 350, 0, 3000),
        section_pause_ms=af.integer("section_pause_ms", 800, 0, 5000),
    )
    af.unknown({"bitrate", "turn_pause_ms", "section_pause_ms"})

    papers_data = data.get("papers", {})
    pf = _Fields(papers_data if isinstance(papers_data, dict) else {}, "papers", problems)
    listed = papers_data.get("reading_list") if isinstance(papers_data, dict) else None
    reading_list: tuple[Path, ...] | None = None
    if listed is None:
        pass  # every paper file in papers/: which files those are is the sources stage's knowledge
    elif isinstance(listed, list) and all(isinstance(x, str) for x in listed):
        reading_list = tuple((root / x).resolve() for x in listed)
        for name, path in zip(listed, reading_list):
            if not path.is_file():
                problems.append(f"papers.reading_list: {name!r} does not exist")
    else:
        problems.append("papers.reading_list must be a list of paper files")
        reading_list = ()
    papers = PapersSettings(reading_list=reading_list, max_per_episode=pf.integer("max_per_episode", 5, 1, 50))
    pf.unknown({"reading_list", "max_per_episode"})

    build = _build_settings(data.get("build", {}), problems)

    if problems:
        raise ConfigError(str(path), problems)
    return ShowConfig(
        root=root, title=title, description=description, author=author,
        owner_name=owner_name, owner_email=owner_email, language=language,
        category=category, subcategory=subcategory, explicit=explicit,
        base_url=base_url, cover=cover, hosts=(hosts[0], hosts[1]), audio=audio, papers=papers,
        build=build,
    )


def _build_settings(table: object, problems: list[str]) -> BuildSettings:
    """`[build]`: `cluster = "tcp://HOST:PORT"`, a Dask scheduler to build on."""
    bf = _Fields(table if isinstance(table, dict) else {}, "build", problems)
    cluster = bf.text("cluster", "") or None
    if cluster is not None:
        from .cluster import address_problem  # imports no Dask: only the address's form is checked

        wrong = address_problem(cluster)
        if wrong:
            problems.append(f"build.cluster {wrong}")
    bf.unknown({"cluster"})
    return BuildSettings(cluster=cluster)




def load_episode(path: Path, show_root: Path) -> EpisodeDef:
    """Read one episode definition; paper files are relative to the show folder."""
    data = _read_toml(path)
    problems: list[str] = []
    f = _Fields(data, "", problems)
    title = f.text("title")
    description = f.text("description", "")
    raw_sources = data.get("papers")
    sources: list[Path] = []
    if isinstance(raw_sources, str):
        raw_sources = [raw_sources]
    if not isinstance(raw_sources, list) or not raw_sources or not all(isinstance(s, str) for s in raw_sources):
        problems.append("papers must name one or more paper files (BibTeX or YAML)")
    else:
        for name in raw_sources:
            source = (show_root / name).resolve()
            if not source.is_file():
                problems.append(f"paper file {name!r} does not exist")
            sources.append(source)
    raw_entries = data.get("entries")
    entries: tuple[str, ...] | None = None
    if raw_entries is not None:
        if not isinstance(raw_entries, list) or not all(isinstance(e, str) for e in raw_entries) or not raw_entries:
            problems.append("entries must be a list of entry keys")
        else:
            entries = tuple(raw_entries)
    date = data.get("date")
    if isinstance(date, dt.datetime):
        date = date.date()
    if date is not None and not isinstance(date, dt.date):
        problems.append("date must be a TOML date such as 2026-11-20")
        date = None
    format_name = data.get("format")
    if format_name is not None and (not isinstance(format_name, str) or not format_name.strip()):
        problems.append('format must name a script format such as "deep-dive", "brief" or "critique"')
        format_name = None
    minutes = data.get("minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, (int, float))
                                or not 1 <= minutes <= 180):
        problems.append("minutes must be a number of minutes between 1 and 180")
        minutes = None
    if not EPISODE_ID.match(path.stem):
        problems.append("the file name must use only letters, digits, '.', '_' and '-' (it becomes a URL)")
    f.unknown({"title", "description", "papers", "entries", "date", "format", "minutes"})
    if problems:
        raise ConfigError(str(path), problems)
    return EpisodeDef(id=path.stem, path=path, title=title, description=description,
                      sources=tuple(sources), entries=entries, date=date, format=format_name,
                      minutes=float(minutes) if minutes is not None else None)


def episode_paths(show: ShowConfig) -> list[Path]:
    """The show's episode definitions, in file-name order."""
    return sorted(show.episodes_dir.glob("*.toml"))


def show_settings(root: str | Path = ".") -> ShowConfig:
    """The show in `root` if it has a `papercast.toml`, else defaults for one-off episodes."""
    root = Path(root).resolve()
    if (root / CONFIG_NAME).is_file():
        return load_show(root)
    return ShowConfig(
        root=root, title="papercast", description="Research papers, talked through.",
        author="papercast", owner_name="papercast", owner_email="papercast@example.invalid",
        language="en", category="Science", subcategory="", explicit=False,
        base_url="http://127.0.0.1:8000/", cover=None,
        hosts=(Host(name="Alex"), Host(name="Sam")), audio=AudioSettings(),
    )
