"""Watching a command's network use: strace over every process it starts, inside a network namespace.

The namespace (when this runs as root) has only a loopback device, so a lookup that the
code under test attempts is recorded by strace and goes nowhere; without root the command
runs under strace alone, which still records every attempt.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

# A connect/sendto/sendmsg naming an IPv4 or IPv6 address, or the name-service cache daemon's
# socket (glibc asks it first for every host name lookup).
_ADDRESS = re.compile(r"\b(connect|sendto|sendmsg)\(.*?sa_family=(AF_INET6?|AF_UNIX)(?P<rest>[^}]*)")
_LOOPBACK = re.compile(r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"|"::ffff:127\.')


def strace_available() -> bool:
    """Whether strace is installed and allowed to trace here."""
    if shutil.which("strace") is None:
        return False
    probe = subprocess.run(["strace", "-f", "-e", "trace=network", "-o", os.devnull, "true"],
                           capture_output=True, check=False)
    return probe.returncode == 0


@functools.lru_cache(maxsize=1)
def namespace_prefix() -> tuple[str, ...]:
    """`unshare --net` when this process may make a network namespace, else nothing."""
    if shutil.which("unshare") is None:
        return ()
    probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, check=False)
    return ("unshare", "--net") if probe.returncode == 0 else ()


def traced(args: list[str], log: Path) -> list[str]:
    """`args` run under strace (following every child) in a network namespace where possible."""
    return [*namespace_prefix(), "strace", "-f", "-q", "-e", "trace=network", "-o", str(log), *args]


def network_attempts(log: Path) -> list[str]:
    """The strace log's lines where a process tried to reach something beyond this machine or looked a name up."""
    attempts = []
    for line in log.read_text(errors="replace").splitlines():
        match = _ADDRESS.search(line)
        if match is None:
            continue
        if match["rest"] and "nscd" in match["rest"]:
            attempts.append(line)
        elif match.group(2) != "AF_UNIX" and not _LOOPBACK.search(match["rest"]):
            attempts.append(line)
    return attempts
