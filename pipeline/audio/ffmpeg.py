"""Running ffmpeg, which decodes, meters, filters and encodes the episode audio."""

from __future__ import annotations

import shutil
import subprocess

from ..errors import AudioError


def ffmpeg_path() -> str:
    """The ffmpeg executable, or an AudioError that says how to install it."""
    found = shutil.which("ffmpeg")
    if found is None:
        raise AudioError("ffmpeg is not installed; install it with: apt-get install ffmpeg")
    return found


def run(arguments: list[str], what: str) -> str:
    """Run ffmpeg; return what it logged (its reports go to stderr) or raise naming `what`."""
    command = [ffmpeg_path(), "-nostdin", "-hide_banner", "-nostats", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        message = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise AudioError(f"ffmpeg could not {what}: {message}")
    return result.stderr
