"""Running ffmpeg, which decodes, meters, filters and encodes the episode audio."""

from __future__ import annotations

import re
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
        raise AudioError(f"ffmpeg could not {what}: {failure_cause(result.stderr)}")
    return result.stderr


# What the system said, when ffmpeg's last line ("Conversion failed!") does not.
_SYSTEM_CAUSES = re.compile(r"No space left on device|Disk quota exceeded|Permission denied|Read-only file system|"
                            r"Input/output error|Cannot allocate memory")


def failure_cause(log: str) -> str:
    """The line of ffmpeg's log that says why it failed, the system's reason first."""
    lines = log.strip().splitlines() or ["unknown error"]
    system = _SYSTEM_CAUSES.search(log)
    if system is not None:
        return f"{system.group(0).lower()} ({lines[-1]})"
    return lines[-1]
