"""The show's settings (`papercast.toml`) and episode definitions, validated as a whole."""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

from .errors import ConfigError
from .publish.spec import (
    APPLE_SAMPLE_RATES,
    CHANNEL_NAMES,
    COVER_FIX,
    EMAIL,
    EPISODE_ID,
    LANGUAGE,
    LOUDNESS_RANGE,
    LOUDNESS_TARGET,
    MP3_BITRATES,
    category_problem,
    cover_findings,
    default_bitrate,
    url_problem,
)

CONFIG_NAME = "papercast.toml"
STATE_DIR_NAME = ".papercast"

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
    href: str = ""  # a page about the host (podcast:person href)
    img: str = ""  # a picture of the host (podcast:person img)


@dataclass(frozen=True)
class AudioSettings:
    """Everything about assembly and encoding that shapes the episode file."""

    # Mono: two voices that are both in the centre gain nothing from a second channel, and the
    # same quality costs half the bits. The bit rate is the lowest Apple recommends for them.
    channels: int = 1
    bitrate: str = default_bitrate(1)
    # Integrated loudness as played (a mono file metered as dual mono), LUFS.
    loudness: float = LOUDNESS_TARGET
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
class PublishSettings:
    """Where `papercast publish` uploads feed/ (no credentials: those come from each backend's usual places)."""

    destination: str = ""  # a folder, sftp://user@host/path or s3://bucket/prefix; "" = give DEST
    url: str = ""  # the destination's public URL; base_url must equal it
    endpoint: str = ""  # an S3-compatible service's endpoint; "" = AWS (or AWS_ENDPOINT_URL)


@dataclass(frozen=True, kw_only=True)
class ShowConfig:
    """A show: its metadata, its hosts and the folders it reads from and writes to."""

    root: Path
    title: str
    description: str
    author: str
    owner_name: str
    owner_email: str
    base_url: str
    hosts: tuple[Host, Host]
    language: str = "en"
    category: str = "Science"
    subcategory: str = ""
    explicit: bool = False
    cover: Path | None = None
    audio: AudioSettings = AudioSettings()
    papers: PapersSettings = PapersSettings()
    build: BuildSettings = BuildSettings()
    publish: PublishSettings = PublishSettings()
    copyright: str = ""  # the channel's <copyright>, e.g. "© 2026 Jane Doe"
    license: str = ""  # podcast:license: an SPDX identifier such as CC-BY-4.0, or a name with license_url
    license_url: str = ""
    # psc:chapters in each item, the only chapters gPodder reads; the W3C feed validator does not
    # know the Podlove namespace and warns about it (the one warning it gives papercast's feed).
    simple_chapters: bool = True

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
    number: int | None = None  # itunes:episode; None: its place in publication order
    season: int | None = None
    image: Path | None = None  # its own cover art; None: the show's


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
    known_tables = {"show", "hosts", "audio", "papers", "publish", "build"}
    for key in sorted(set(data) - known_tables):
        problems.append(f"unknown table or setting {key}")
    show = data.get("show", {})
    if not isinstance(show, dict):
        raise ConfigError(str(path), ["[show] must be a table"])
    metadata = _show_table(root, _Fields(show, "show", problems))
    hosts = _hosts(root, data.get("hosts", []), problems)
    audio = _audio(_Fields(_table(data, "audio"), "audio", problems))
    papers = _papers(root, _Fields(_table(data, "papers"), "papers", problems))
    publish = _publish(data.get("publish", {}), problems)
    build = _build_settings(data.get("build", {}), problems)
    if problems:
        raise ConfigError(str(path), problems)
    return ShowConfig(root=root, hosts=(hosts[0], hosts[1]), audio=audio, papers=papers, publish=publish,
                      build=build, **metadata)


_SHOW = ShowConfig(root=Path("."), title="", description="", author="", owner_name="", owner_email="",
                   base_url="", hosts=(Host(""), Host("")))  # the defaults, read from the dataclasses
_HOST = Host("")
_AUDIO = AudioSettings()
_PAPERS = PapersSettings()


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    return value if isinstance(value, dict) else {}


def _show_table(root: Path, f: _Fields) -> dict[str, Any]:
    """The [show] table's settings, checked against what podcast directories accept."""
    values: dict[str, Any] = {name: f.text(name) for name in ("title", "description", "author", "owner_email")}
    values["owner_name"] = f.text("owner_name", values["author"])
    values["language"] = f.text("language", _SHOW.language)
    values["category"] = f.text("category", _SHOW.category)
    values["subcategory"] = f.text("subcategory", _SHOW.subcategory)
    values["explicit"] = f.boolean("explicit", _SHOW.explicit)
    values["base_url"] = f.text("base_url")
    if values["owner_email"] and not EMAIL.match(values["owner_email"]):
        f.problems.append(f"show.owner_email {values['owner_email']!r} is not an e-mail address")
    if not LANGUAGE.match(values["language"]):
        f.problems.append(f"show.language {values['language']!r} is not a language code such as en or en-GB")
    category_wrong = category_problem(values["category"], values["subcategory"])
    if category_wrong:
        f.problems.append(f"show.{category_wrong}")
    if values["base_url"]:
        url_wrong = url_problem(values["base_url"])
        if url_wrong:
            f.problems.append(f"show.base_url {values['base_url']!r} {url_wrong}")
        values["base_url"] = values["base_url"].rstrip("/") + "/"
    values["cover"] = _cover(root, f.text("cover", ""), f.problems)
    values.update(_rights(f))
    values["simple_chapters"] = f.boolean("simple_chapters", _SHOW.simple_chapters)
    f.unknown({"title", "description", "author", "owner_name", "owner_email", "language", "category", "subcategory",
               "explicit", "base_url", "cover", "copyright", "license", "license_url", "simple_chapters"})
    return values


def _rights(f: _Fields) -> dict[str, str]:
    """[show] copyright, license and license_url (podcast:license needs the URL unless it is an SPDX id)."""
    rights = {key: f.text(key, "") for key in ("copyright", "license", "license_url")}
    if rights["license_url"]:
        wrong = url_problem(rights["license_url"])
        if wrong:
            f.problems.append(f"show.license_url {rights['license_url']!r} {wrong}")
        if not rights["license"]:
            f.problems.append("show.license_url needs show.license: the licence's name or SPDX identifier")
    if len(rights["license"]) > 128:
        f.problems.append("show.license must be at most 128 characters (an SPDX identifier such as CC-BY-4.0)")
    return rights


def _cover(root: Path, name: str, problems: list[str]) -> Path | None:
    """The show's own cover art, checked now so a bad image stops the build before any synthesis."""
    if not name:
        return None
    cover = root / name
    if not cover.is_file():
        problems.append(f"show.cover {name!r} does not exist")
    else:
        problems.extend(f"show.cover {name!r} {finding.text} ({COVER_FIX}, or remove show.cover "
                        "to use the generated cover)"
                        for finding in cover_findings(cover)[1] if finding.severity == "error")
    return cover


def _hosts(root: Path, hosts_data: Any, problems: list[str]) -> list[Host]:
    """The two [[hosts]]: names, engines, voices, pace and pitch."""
    hosts: list[Host] = []
    if not isinstance(hosts_data, list) or len(hosts_data) != 2:
        problems.append("exactly two [[hosts]] are required")
        hosts_data = hosts_data if isinstance(hosts_data, list) else []
    for index, entry in enumerate(hosts_data[:2], start=1):
        if not isinstance(entry, dict):
            problems.append(f"hosts[{index}] must be a table")
            continue
        hf = _Fields(entry, f"hosts[{index}]", problems)
        engine, voice = hf.text("engine", _HOST.engine), hf.text("voice", _HOST.voice)
        if engine == AUTO_ENGINE and voice:
            problems.append(f'hosts[{index}].voice needs its engine named: with engine = "auto" '
                            "papercast chooses the voice (see `papercast voices`)")
        if voice.endswith(".onnx") and not Path(voice).is_absolute():
            voice = str((root / voice).resolve())  # a local model, relative to the show folder
        pitch = entry.get("pitch", _HOST.pitch)
        if isinstance(pitch, bool) or not isinstance(pitch, (int, float)) or not -12 <= pitch <= 12:
            problems.append(f"hosts[{index}].pitch must be a number of semitones between -12 and 12")
            pitch = _HOST.pitch
        hosts.append(Host(name=hf.text("name"), engine=engine, voice=voice,
                          rate=hf.integer("rate", _HOST.rate, 80, 400), pitch=float(pitch), **_links(hf)))
        hf.unknown({"name", "engine", "voice", "rate", "pitch", "href", "img"})
    if len(hosts) == 2 and hosts[0].name.casefold() == hosts[1].name.casefold():
        problems.append("the two hosts need different names")
    return hosts


def _links(hf: _Fields) -> dict[str, str]:
    """A host's href and img (podcast:person), absolute URLs when given."""
    links = {key: hf.text(key, "") for key in ("href", "img")}
    for key, link in links.items():
        wrong = url_problem(link) if link else None
        if wrong:
            hf.problems.append(f"{hf.where}.{key} {link!r} {wrong}")
    return links


def _audio(af: _Fields) -> AudioSettings:
    """The [audio] table: channels, bit rate (by default the one Apple recommends for them), loudness, pauses."""
    channels = af.integer("channels", _AUDIO.channels, 1, 2)
    channels = channels if channels in CHANNEL_NAMES else _AUDIO.channels
    bitrate = af.text("bitrate", default_bitrate(channels))
    allowed = [f"{kbps}k" for kbps in MP3_BITRATES]
    if bitrate not in allowed:
        af.problems.append(f"audio.bitrate must be one of {', '.join(allowed)} (LAME's constant bit rates)")
    loudness = af.table.get("loudness", _AUDIO.loudness)
    low, high = LOUDNESS_RANGE
    if isinstance(loudness, bool) or not isinstance(loudness, (int, float)) or not low <= loudness <= high:
        af.problems.append(f"audio.loudness must be a number of LUFS between {low:g} and {high:g} "
                           f"(Apple asks for {LOUDNESS_TARGET:g})")
        loudness = _AUDIO.loudness
    sample_rate = af.integer("sample_rate", _AUDIO.sample_rate, 8000, 48000)
    if sample_rate not in APPLE_SAMPLE_RATES:
        af.problems.append(f"audio.sample_rate must be one of {', '.join(map(str, APPLE_SAMPLE_RATES))} (what "
                           "Apple accepts for MP3)")
    af.unknown({"channels", "bitrate", "loudness", "sample_rate", "turn_pause_ms", "section_pause_ms"})
    return AudioSettings(
        channels=channels, bitrate=bitrate, loudness=float(loudness), sample_rate=sample_rate,
        turn_pause_ms=af.integer("turn_pause_ms", _AUDIO.turn_pause_ms, 0, 3000),
        section_pause_ms=af.integer("section_pause_ms", _AUDIO.section_pause_ms, 0, 5000),
    )


def _papers(root: Path, pf: _Fields) -> PapersSettings:
    """The [papers] table: which paper files are the reading list, and how new episodes are grouped."""
    listed = pf.table.get("reading_list")
    reading_list: tuple[Path, ...] | None = None  # every paper file in papers/ (the sources stage knows which)
    if isinstance(listed, list) and all(isinstance(x, str) for x in listed):
        # "~/Zotero/My Library.bib": a Better BibTeX auto-export kept outside the show
        reading_list = tuple((root / Path(x).expanduser()).resolve() for x in listed)
        for name, path in zip(listed, reading_list, strict=True):
            if not path.is_file():
                pf.problems.append(f"papers.reading_list: {name!r} does not exist")
    elif listed is not None:
        pf.problems.append("papers.reading_list must be a list of paper files")
        reading_list = ()
    pf.unknown({"reading_list", "max_per_episode"})
    return PapersSettings(reading_list=reading_list,
                          max_per_episode=pf.integer("max_per_episode", _PAPERS.max_per_episode, 1, 50))


_CREDENTIALS = {"password", "key", "secret", "access_key", "secret_key", "token"}


def _publish(table: object, problems: list[str]) -> PublishSettings:
    """The [publish] table; credentials are refused (they belong to ssh's and AWS's own files)."""
    f = _Fields(table if isinstance(table, dict) else {}, "publish", problems)
    destination, url, endpoint = f.text("destination", ""), f.text("url", ""), f.text("endpoint", "")
    if "://" in destination and not destination.startswith(("sftp://", "s3://", "file://")):
        problems.append(f"publish.destination {destination!r} must be a folder, sftp://user@host/path or s3://bucket/prefix")
    if url and url_problem(url):
        problems.append(f"publish.url {url!r} {url_problem(url)}")
    if endpoint and not endpoint.startswith(("https://", "http://")):
        problems.append(f"publish.endpoint {endpoint!r} must be an http:// or https:// URL")
    secrets = sorted(set(f.table) & _CREDENTIALS)
    problems.extend(f"publish.{key}: credentials do not belong in papercast.toml (use ssh's agent and ~/.ssh/config, "
                    "or the AWS profile and environment)" for key in secrets)
    f.unknown({"destination", "url", "endpoint", *secrets})
    return PublishSettings(destination=destination, url=url.rstrip("/") + "/" if url else "", endpoint=endpoint)


# A Dask scheduler's address as `dask scheduler` prints it: tcp://HOST:PORT (tls:// with certificates).
_SCHEDULER = re.compile(r"^(?:tcp|tls)://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(?P<port>\d{1,5})$")


def scheduler_address_problem(address: str) -> str | None:
    """What is wrong with a Dask scheduler's address, or None if it has the form tcp://HOST:PORT."""
    match = _SCHEDULER.match(address)
    if match is None:
        return f"{address!r} is not a Dask scheduler address such as tcp://10.0.0.5:8786"
    if not 0 < int(match["port"]) < 65536:
        return f"{address!r} has no valid port"
    return None


def scheduler_host_port(address: str) -> tuple[str, int]:
    """The host and port of a scheduler address that `scheduler_address_problem` accepts."""
    match = _SCHEDULER.match(address)
    if match is None:
        raise ValueError(address)
    return match["host"].strip("[]"), int(match["port"])


def _build_settings(table: object, problems: list[str]) -> BuildSettings:
    """`[build]`: `cluster = "tcp://HOST:PORT"`, a Dask scheduler to build on."""
    bf = _Fields(table if isinstance(table, dict) else {}, "build", problems)
    cluster = bf.text("cluster", "") or None
    if cluster is not None:
        wrong = scheduler_address_problem(cluster)
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
    sources = _episode_sources(data.get("papers"), show_root, problems)
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
    number, season = (_optional_count(data, key, problems) for key in ("episode", "season"))
    image = _episode_image(f.text("image", ""), show_root, problems)
    f.unknown({"title", "description", "papers", "entries", "date", "format", "minutes", "episode", "season",
               "image"})
    if problems:
        raise ConfigError(str(path), problems)
    return EpisodeDef(id=path.stem, path=path, title=title, description=description,
                      sources=tuple(sources), entries=entries, date=date, format=format_name,
                      minutes=float(minutes) if minutes is not None else None,
                      number=number, season=season, image=image)


def _optional_count(data: dict[str, Any], key: str, problems: list[str]) -> int | None:
    """An optional episode or season number: a whole number from 1."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(f"{key} must be a whole number from 1 (or left out: episodes are numbered in order)")
        return None
    return value


def _episode_image(name: str, show_root: Path, problems: list[str]) -> Path | None:
    """An episode's own cover art, checked by the rules the show's cover follows."""
    if not name:
        return None
    image = (show_root / name).resolve()
    if not image.is_file():
        problems.append(f"image {name!r} does not exist")
        return None
    wrong = [finding.text for finding in cover_findings(image)[1] if finding.severity == "error"]
    problems.extend(f"image {name!r} {text} ({COVER_FIX})" for text in wrong)
    return None if wrong else image


def _episode_sources(raw: Any, show_root: Path, problems: list[str]) -> list[Path]:
    """The paper files an episode names (one name or a list), relative to the show folder."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(name, str) for name in raw):
        problems.append("papers must name one or more paper files (BibTeX or YAML)")
        return []
    sources = []
    for name in raw:
        source = (show_root / name).resolve()
        if not source.is_file():
            problems.append(f"paper file {name!r} does not exist")
        sources.append(source)
    return sources


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
        base_url="http://127.0.0.1:8000/", hosts=(Host(name="Alex"), Host(name="Sam")),
    )
