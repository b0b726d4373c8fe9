"""Small file-system helpers: nothing papercast writes is ever left half-written."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: runs are not locked against each other
    fcntl = None  # type: ignore[assignment]

from .errors import PapercastError


def atomic_write(path: Path, data: bytes | str, error: type[PapercastError] = PapercastError) -> None:
    """Write `data` to `path` through a temporary file in the same folder, fsync and rename.

    An OSError becomes `error` with a one-line message; the old file stays as it was.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # 0o666 lets the umask decide the mode, as for any plain file (mkstemp would give 0600,
        # which a web server running as another user cannot read).
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise error(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        temp.unlink(missing_ok=True)


def write_if_changed(path: Path, data: bytes | str, error: type[PapercastError] = PapercastError) -> bool:
    """Atomically write `data` unless `path` already holds exactly it; True if written."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.read_bytes() == payload:
            return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror or exc}") from None
    atomic_write(path, payload, error)
    return True


# The hidden names of temporary files: atomic_write's ".name.<hex>.tmp" and the encoders'
# ".stem.<hex>.<n>.mp3" (a try of an encoding), each beside the file it will replace.
_TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{12}\.(tmp|\d+\.\w+)$")


def remove_temporary(folder: Path) -> int:
    """Delete the temporary files that writes killed midway left in `folder`, at any depth; how many.

    Call it only while holding the show's lock, so no running write owns them.
    """
    removed = 0
    for path in folder.rglob(".*"):
        if _TEMPORARY.match(path.name) and path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


@contextmanager
def exclusive(lock_path: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` for the block, waiting while another run holds it.

    `waiting` is called once before waiting, so the person running it knows why nothing happens.

    The lock goes with the process, so one that is killed never leaves a show locked.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting is not None:
                    waiting()
                fcntl.flock(handle, fcntl.LOCK_EX)
        yield
