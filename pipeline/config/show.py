"""`papercast.toml`: each table read by its own function, checked against publish/spec.py, all problems at once."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover - exercised only on Python 3.10
    pass

from ..errors import ConfigError
from ..publish.spec import (
    APPLE_SAMPLE_RATES,
    CHANNEL_NAMES,
    COVER_FIX,
    EMAIL,
    LANGUAGE,
    LOUDNESS_RANGE,
    LOUDNESS_TARGET,
    MP3_BITRATES,
    category_problem,
    cover_findings,
    default_bitrate,
    url_problem,
)
from .fields import Fields, read_toml
from .settings import (
    AUTO_ENGINE,
    CONFIG_NAME,
    AudioSettings,
    BuildSettings,
    Host,
    PapersSettings,
    PublishSettings,
    ShowConfig,
)


def load_show(root: str | Path = ".") -> ShowConfig:
    """Read and validate `papercast.toml` in `root`, reporting every problem at once."""
    root = Path(root).resolve()
    path = root / CONFIG_NAME
    data = read_toml(path)
    problems: list[str] = []
    known_tables = {"show", "hosts", "audio", "papers", "publish", "build"}
    for key in sorted(set(data) - known_tables):
        problems.append(f"unknown table or setting {key}")
    show = data.get("show", {})
    if not isinstance(show, dict):
        raise ConfigError(str(path), ["[show] must be a table"])
    metadata = _show_table(root, Fields(show, "show", problems))
    hosts = _hosts(root, data.get("hosts", []), problems)
    audio = _audio(Fields(_table(data, "audio"), "audio", problems))
    papers = _papers(root, Fields(_table(data, "papers"), "papers", problems))
    publish = _publish(data.get("publish", {}), problems)
    build = _build_settings(data.get("build", {}), problems)
    if problems:
        raise ConfigError(str(path), problems)
    return ShowConfig(root=root, hosts=(hosts[0], hosts[1]), audio=audio, papers=papers, publish=publish,
                      build=build, **metadata)


_SHOW = ShowConfig(root=Path("."), title="", description="", author="", owner_name="", owner_email="",
                   base_url="", hosts=(Host(""), Host("")))  # the defaults, read from the dataclasses
_HOST = Host("")
DISCLAIMERS = ("auto", "always", "never")
_AUDIO = AudioSettings()
_PAPERS = PapersSettings()


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    return value if isinstance(value, dict) else {}


def _show_table(root: Path, f: Fields) -> dict[str, Any]:
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
    values["disclaimer"] = f.text("disclaimer", _SHOW.disclaimer)
    if values["disclaimer"] not in DISCLAIMERS:
        f.problems.append(f"show.disclaimer {values['disclaimer']!r} is not one of {', '.join(DISCLAIMERS)}")
    f.unknown({"title", "description", "author", "owner_name", "owner_email", "language", "category", "subcategory",
               "explicit", "base_url", "cover", "copyright", "license", "license_url", "simple_chapters", "disclaimer"})
    return values


def _rights(f: Fields) -> dict[str, str]:
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
        hf = Fields(entry, f"hosts[{index}]", problems)
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


def _links(hf: Fields) -> dict[str, str]:
    """A host's href and img (podcast:person), absolute URLs when given."""
    links = {key: hf.text(key, "") for key in ("href", "img")}
    for key, link in links.items():
        wrong = url_problem(link) if link else None
        if wrong:
            hf.problems.append(f"{hf.where}.{key} {link!r} {wrong}")
    return links


def _audio(af: Fields) -> AudioSettings:
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


def _papers(root: Path, pf: Fields) -> PapersSettings:
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
    f = Fields(table if isinstance(table, dict) else {}, "publish", problems)
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
    bf = Fields(table if isinstance(table, dict) else {}, "build", problems)
    cluster = bf.text("cluster", "") or None
    if cluster is not None:
        wrong = scheduler_address_problem(cluster)
        if wrong:
            problems.append(f"build.cluster {wrong}")
    bf.unknown({"cluster"})
    return BuildSettings(cluster=cluster)


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
