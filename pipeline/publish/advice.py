"""Advice in `papercast check`: what apps accept but a directory or the spec asks otherwise.

Each is a warning, never an error (the feed works as it is), and each says how to do better:
a base URL only this machine or network can reach, chapter and transcript links that are not
https (the Podcasting 2.0 namespace requires https for them), and audio below what Apple's
audio requirements recommend (bit rate and sample rate, read from the files; the loudness
target, from the show's settings, since measuring every episode would slow every build).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree
from mutagen import MutagenError
from mutagen.mp3 import MP3

from .spec import (
    APPLE_SAMPLE_RATES,
    CHANNEL_NAMES,
    FEED_NAME,
    LOUDNESS_TARGET,
    LOUDNESS_TOLERANCE,
    PODCAST_NS,
    PRIVATE_HOST_FIX,
    bitrate_advice,
    default_bitrate,
    private_host,
)

Warn = Callable[[str, str, str], None]  # (where, what, fix)

HTTPS_FIX = ("serve feed/ over https (for example a reverse proxy such as Caddy or nginx in front of "
             "`papercast serve`), set show.base_url to that https:// address, then rebuild")


def base_url_advice(base_url: str | None, warn: Warn) -> None:
    """Warn when the feed is served from an address other devices cannot reach."""
    kind = private_host(base_url) if base_url else None
    if kind:
        warn(f"{FEED_NAME}: channel", f"base URL {base_url} is a {kind} address: podcast apps on other devices "
                                      "and directories such as Apple Podcasts cannot fetch the feed from it",
             PRIVATE_HOST_FIX)


def https_advice(channel: etree._Element, warn: Warn) -> None:
    """Warn (once for the feed) about podcast:chapters and podcast:transcript URLs that are not https."""
    urls = [tag.get("url") or "" for item in channel.findall("item")
            for tag in (*item.findall(f"{{{PODCAST_NS}}}chapters"), *item.findall(f"{{{PODCAST_NS}}}transcript"))]
    plain = [url for url in urls if urlsplit(url).scheme == "http"]
    if plain:
        warn(FEED_NAME, f"{len(plain)} chapter and transcript URL(s) are http:// (such as {plain[0]}); the "
                        "Podcasting 2.0 namespace requires https for them, and apps may not fetch them", HTTPS_FIX)


def _mb_per_hour(kbps: int) -> float:
    return kbps * 1000 / 8 * 3600 / 1e6


def audio_advice(paths: Iterable[Path], warn: Warn) -> None:
    """Warn about episodes encoded below Apple's recommendation: bit rate for their channels, sample rate."""
    low: Counter[tuple[int, int]] = Counter()
    rates: Counter[int] = Counter()
    for path in paths:
        try:
            info = MP3(path).info
        except (MutagenError, OSError):
            continue  # the enclosure check reports unreadable files
        if info is None:
            continue
        kbps, channels = round(info.bitrate / 1000), int(info.channels)
        if bitrate_advice(kbps, channels):
            low[(kbps, channels)] += 1
        if info.sample_rate not in APPLE_SAMPLE_RATES:
            rates[int(info.sample_rate)] += 1
    for (kbps, channels), count in sorted(low.items()):
        wanted = default_bitrate(channels if channels in CHANNEL_NAMES else 2)
        extra = _mb_per_hour(int(wanted[:-1])) - _mb_per_hour(kbps)
        warn("feed/episodes", f"{count} episode(s): {bitrate_advice(kbps, channels)}",
             f'set [audio] bitrate = "{wanted}" in papercast.toml (the default for {channels} channel(s)) and '
             f"rebuild; it adds about {extra:.0f} MB per hour of audio")
    for rate, count in sorted(rates.items()):
        warn("feed/episodes", f"{count} episode(s) are sampled at {rate} Hz; Apple asks for 44100 or 48000 Hz",
             "set [audio] sample_rate = 44100 in papercast.toml and rebuild")


def loudness_advice(target: float | None, warn: Warn) -> None:
    """Warn when the show's loudness target is outside Apple's -16 LUFS (within 1 LU)."""
    if target is not None and abs(target - LOUDNESS_TARGET) > LOUDNESS_TOLERANCE:
        warn("papercast.toml", f"[audio] loudness = {target:g} LUFS is outside the {LOUDNESS_TARGET:g} LUFS "
                               f"(within {LOUDNESS_TOLERANCE:g} LU) Apple asks for: episodes will sound "
                               f"{'quieter' if target < LOUDNESS_TARGET else 'louder'} than other shows",
             f"set [audio] loudness = {LOUDNESS_TARGET:g} (or remove it: that is the default) and rebuild")
