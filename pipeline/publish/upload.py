"""`papercast publish`: feed/ uploaded to a static host, incrementally and in an order apps never notice.

Podcast apps fetch `feed.xml` at any moment, so the destination must always hold a feed whose
every file is there: new and changed files (enclosures, transcripts, chapters, cover) go up
first, `feed.xml` and `index.html` last, and files the new feed no longer names are removed
only after it is up. Each file is written under a temporary name and renamed into place where
the backend can rename (a folder, SFTP); object stores (S3) replace an object whole anyway.

What is already there is known from a manifest papercast keeps at the destination
(`.papercast-manifest.json`: each file's SHA-256 and size), checked against a listing, so only
files whose content changed are sent, and only files papercast put there are ever removed. The
manifest is rewritten as each file arrives, so a publish that was interrupted (a dropped
connection, Ctrl-C, a kill), run again, sends only what had not arrived yet.

Backends come from fsspec (`pip install 'papercast[publish]'`): a folder (local or mounted),
`sftp://user@host/path` (sshfs, which reads ~/.ssh/config, the agent and known_hosts, like
ssh), `s3://bucket/prefix` (s3fs: the AWS profile and environment; `[publish] endpoint` for
other S3-compatible services). Credentials never come from papercast.toml.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..config import ShowConfig, lock_path
from ..errors import PapercastError
from ..fsutil import exclusive
from .check import Problem, check_feed, has_errors
from .spec import FEED_NAME, content_type

MANIFEST = ".papercast-manifest.json"
LAST = (FEED_NAME, "index.html")  # what apps and browsers read first: replaced only when the rest is up
_PARTIAL = re.compile(r"^\..+\.partial-[0-9a-f]{12}$")  # a temporary name left by an interrupted upload
_OBJECT_STORES = ("s3",)


class PublishError(PapercastError):
    """The feed cannot be published: a destination that cannot be reached, or a feed that is not ready."""


@dataclass(frozen=True)
class Destination:
    """Where feed/ goes: a backend (file, sftp, s3) and a root path in it."""

    protocol: str
    root: str
    host: str = ""
    port: int | None = None
    user: str = ""

    @property
    def renames(self) -> bool:
        """Whether files can be written under a temporary name and renamed into place."""
        return self.protocol not in _OBJECT_STORES


@dataclass(frozen=True)
class FileState:
    """One published file: its content hash and size."""

    sha256: str
    size: int


@dataclass(frozen=True)
class UploadPlan:
    """What a publish does, in order: files to upload (feed last), to remove, and left as they are."""

    upload: tuple[str, ...]
    remove: tuple[str, ...]
    unchanged: tuple[str, ...]


@dataclass(frozen=True)
class PublishReport:
    """What `publish_show` did (or, with dry_run, would do)."""

    destination: str
    plan: UploadPlan
    dry_run: bool
    problems: tuple[Problem, ...] = ()

    def lines(self) -> list[str]:
        """One line per file uploaded or removed."""
        verb = ("would upload", "would remove") if self.dry_run else ("uploaded", "removed")
        return ([f"{verb[0]} {name}" for name in self.plan.upload]
                + [f"{verb[1]} {name}" for name in self.plan.remove])

    def summary(self) -> str:
        """One line for the end of a publish."""
        plan = self.plan
        done = ("to upload", "to remove") if self.dry_run else ("uploaded", "removed")
        return (f"{'dry run: ' if self.dry_run else ''}{len(plan.upload)} {done[0]}, {len(plan.remove)} {done[1]}, "
                f"{len(plan.unchanged)} unchanged; {self.destination}")


def parse_destination(dest: str) -> Destination:
    """A folder, `file://`, `sftp://[user@]host[:port]/path` or `s3://bucket/prefix` → Destination."""
    parts = urlsplit(dest)
    if parts.scheme in ("", "file") or (len(parts.scheme) == 1 and dest[1:3] == ":\\"):
        path = unquote(parts.path) if parts.scheme == "file" else dest
        return Destination("file", str(Path(path).expanduser().resolve()))
    if parts.scheme == "sftp":
        if not parts.hostname:
            raise PublishError(f"{dest}: an SFTP destination needs a host: sftp://user@host/path")
        path = unquote(parts.path) or "/"
        # sftp://host/~/site is relative to the login folder, as curl has it; otherwise absolute.
        root = path[3:] if path.startswith("/~/") else path
        return Destination("sftp", root.rstrip("/") or "/", parts.hostname, parts.port, unquote(parts.username or ""))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise PublishError(f"{dest}: an S3 destination needs a bucket: s3://bucket/prefix")
        return Destination("s3", f"{parts.netloc}{parts.path}".rstrip("/"))
    raise PublishError(f"{dest}: publish to a folder, sftp://user@host/path or s3://bucket/prefix")


def open_filesystem(dest: Destination, endpoint: str = "") -> Any:
    """The fsspec file system for `dest`; credentials are left to the backend's usual sources."""
    try:
        if dest.protocol == "file":
            from fsspec.implementations.local import LocalFileSystem

            return LocalFileSystem()
        if dest.protocol == "sftp":
            from sshfs import SSHFileSystem

            # Only what the URL says: ~/.ssh/config supplies the rest (user, port, key), as for ssh.
            options: dict[str, Any] = {"port": dest.port} if dest.port else {}
            if dest.user:
                options["username"] = dest.user
            return SSHFileSystem(dest.host, **options)
        from s3fs import S3FileSystem

        return S3FileSystem(endpoint_url=endpoint or None)
    except ImportError as exc:
        raise PublishError(f"publishing to {dest.protocol} needs {exc.name}: "
                           "pip install 'papercast[publish]'") from None
    except _backend_errors() as exc:  # refused connections, unknown hosts, rejected keys
        raise PublishError(f"cannot connect to {dest.host or dest.root}: {_reason(exc)}") from None


def _backend_errors() -> tuple[type[BaseException], ...]:
    """OSError, plus the backends' own families: a rejected SSH key or missing AWS credentials are not OSErrors."""
    errors: list[type[BaseException]] = [OSError]
    try:
        import asyncssh

        errors.append(asyncssh.Error)
    except ImportError:
        pass
    try:
        from botocore.exceptions import BotoCoreError, ClientError

        errors += [BotoCoreError, ClientError]
    except ImportError:
        pass
    return tuple(errors)


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def local_files(feed_dir: Path) -> dict[str, FileState]:
    """Every file under feed/, by its path relative to it (temporary files of atomic writes aside)."""
    files = {}
    for path in sorted(feed_dir.rglob("*")):
        name = path.relative_to(feed_dir).as_posix()
        if path.is_file() and not (path.name.startswith(".") and path.name.endswith(".tmp")):
            files[name] = FileState(hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_size)
    return files


def plan_upload(local: dict[str, FileState], manifest: dict[str, FileState],
                remote_sizes: dict[str, int]) -> UploadPlan:
    """Upload what is new or changed (the feed and page last); remove what papercast put there before."""
    changed = [name for name, state in local.items()
               if manifest.get(name) != state or remote_sizes.get(name) != state.size]
    first = sorted((n for n in changed if n not in LAST), key=lambda n: (not n.endswith(".mp3"), n))
    upload = first + [name for name in LAST if name in changed]
    remove = sorted({name for name in manifest if name not in local and name in remote_sizes}
                    | {name for name in remote_sizes if _PARTIAL.match(name.rsplit("/", 1)[-1])})
    unchanged = sorted(name for name in local if name not in changed)
    return UploadPlan(tuple(upload), tuple(remove), tuple(unchanged))


def _remote(fs: Any, root: str) -> tuple[dict[str, FileState], dict[str, int]]:
    """The destination's manifest and the sizes of the files there."""
    sizes: dict[str, int] = {}
    fs.invalidate_cache()  # listings cached by an earlier publish in this process may be stale
    if fs.exists(root):
        base = fs._strip_protocol(root).rstrip("/")  # the form find() returns paths in
        for path, info in fs.find(root, detail=True).items():
            if info.get("type") == "file" and path.startswith(base + "/"):
                sizes[path[len(base) + 1:]] = int(info["size"])
    if MANIFEST not in sizes:
        return {}, sizes
    try:
        data = json.loads(fs.cat_file(_join(root, MANIFEST)))
        manifest = {name: FileState(entry["sha256"], int(entry["size"])) for name, entry in data["files"].items()}
    except (ValueError, KeyError, TypeError):
        manifest = {}  # an unreadable manifest: everything is sent again, nothing is removed
    sizes.pop(MANIFEST)
    return manifest, sizes


def _join(root: str, name: str) -> str:
    return f"{root.rstrip('/')}/{name}"


def _put(fs: Any, dest: Destination, source: Path, target: str) -> None:
    """Upload one file so that no reader ever sees it half-written."""
    parent, _, name = target.rpartition("/")
    if not dest.renames:
        # An object store serves the type it was given: the same types `papercast serve` sends;
        # the feed and page must be fetched fresh, while episode files never change under a name.
        cache = "no-cache" if name in LAST else "public, max-age=86400"
        fs.put_file(str(source), target, ContentType=content_type(name), CacheControl=cache)
        return
    fs.makedirs(parent, exist_ok=True)
    temporary = f"{parent}/.{name}.partial-{secrets.token_hex(6)}"
    try:
        fs.put_file(str(source), temporary)
        fs.mv(temporary, target)
    finally:
        if fs.exists(temporary):
            fs.rm_file(temporary)


def _write_manifest(fs: Any, dest: Destination, files: dict[str, FileState]) -> None:
    data = {"files": {name: {"sha256": s.sha256, "size": s.size} for name, s in sorted(files.items())}}
    payload = json.dumps(data, indent=1).encode()
    target = _join(dest.root, MANIFEST)
    if dest.renames:
        temporary = _join(dest.root, f".{MANIFEST}.partial-{secrets.token_hex(6)}")
        fs.pipe_file(temporary, payload)
        fs.mv(temporary, target)
    else:
        fs.pipe_file(target, payload)


def feed_url_problem(show: ShowConfig, public_url: str) -> str | None:
    """Why the built feed must not go to a destination served at `public_url`, or None."""
    if not public_url:
        return None
    if show.base_url != public_url:
        return (f"base_url {show.base_url!r} in papercast.toml is not the destination's URL {public_url!r} "
                "([publish] url): set base_url to it and build again")
    feed = (show.feed_dir / FEED_NAME).read_text(encoding="utf-8", errors="replace")
    if public_url + FEED_NAME not in feed:
        return f"feed/{FEED_NAME} was built for another base_url: run `papercast build` first"
    return None


def publish_show(show: ShowConfig, destination: str = "", dry_run: bool = False,
                 on_file: Callable[[str, str], None] | None = None) -> PublishReport:
    """Upload the show's built feed/ to `destination` (default: [publish] destination), only what changed.

    `on_file(action, name)` is called after each file is uploaded or removed.
    """
    target = destination or show.publish.destination
    if not target:
        raise PublishError("no destination: give DEST or set [publish] destination in papercast.toml")
    dest = parse_destination(target)
    # A build (papercast watch, a scheduled job) must not rewrite feed/ while it is checked and sent.
    with exclusive(lock_path(show.root)):
        problems = _ready(show)
        fs = open_filesystem(dest, show.publish.endpoint)
        local = local_files(show.feed_dir)
        try:
            manifest, sizes = _remote(fs, dest.root)
            plan = plan_upload(local, manifest, sizes)
            if not dry_run:
                _apply(fs, dest, show.feed_dir, plan, local, manifest, on_file or (lambda action, name: None))
        except _backend_errors() as exc:
            raise PublishError(f"{target}: {_reason(exc)}") from None
    return PublishReport(target, plan, dry_run, tuple(problems))


def _ready(show: ShowConfig) -> list[Problem]:
    """The feed's check findings, once it is known to be built, for this URL, and without errors."""
    if not (show.feed_dir / FEED_NAME).is_file():
        raise PublishError(f"{show.feed_dir / FEED_NAME}: no feed yet; run `papercast build` first")
    wrong = feed_url_problem(show, show.publish.url)
    if wrong:
        raise PublishError(f"not published: {wrong}")
    problems = check_feed(show.feed_dir, show.base_url)
    if has_errors(problems):
        first = next(str(p) for p in problems if p.severity == "error")
        raise PublishError(f"not published: the feed has errors (see `papercast check`): {first}")
    return problems


def _apply(fs: Any, dest: Destination, feed_dir: Path, plan: UploadPlan, local: dict[str, FileState],
           manifest: dict[str, FileState], on_file: Callable[[str, str], None]) -> None:
    """Carry out the plan: uploads (feed last), each recorded in the manifest as it arrives, then removals."""
    arrived = dict(manifest)  # what the destination holds, as far as papercast knows
    for number, name in enumerate(plan.upload, start=1):
        _put(fs, dest, feed_dir / name, _join(dest.root, name))
        arrived[name] = local[name]
        if number < len(plan.upload):  # the last is recorded below, with the removals
            # So an interrupted publish, run again, sends only what had not arrived; a small
            # write per file, against sending every file of the interrupted run again.
            _write_manifest(fs, dest, arrived)
        on_file("uploaded", name)
    # Until they are gone, files still to be removed stay in the manifest, so an interrupted
    # publish removes them next time rather than forgetting they are papercast's.
    _write_manifest(fs, dest, {**{n: manifest[n] for n in plan.remove if n in manifest}, **local})
    for name in plan.remove:
        fs.rm_file(_join(dest.root, name))
        on_file("removed", name)
    if plan.remove:
        _write_manifest(fs, dest, local)
