"""A small static file server for `feed/` that podcast apps and web players accept.

Choices worth knowing:
- Only what a podcast app or the show page needs is served: files of the types below (audio,
  feed, transcripts, chapters, the page and its images); anything else (a README.md) is 404.
- Only exact paths: a file asked for with a trailing slash (`/feed.xml/`) or an empty segment is 404.
- `/` and any directory serve their `index.html`, else 404; there are no directory listings.
  A directory asked for without its trailing slash is redirected (301) to it.
- Text (the feed, transcripts, chapters, the page) is sent gzip-compressed to clients that
  accept it, unless they ask for a byte range; audio and images are already compressed.
- A request's body is read and thrown away (a GET body is never taken for the next request);
  a chunked or oversized one closes the connection. Idle connections close after a timeout,
  and the listen backlog holds a burst of apps refreshing at once.
- Range requests serve one range. Several ranges, bad syntax and ranges on empty files are
  ignored (RFC 9110 allows it) and answered 200 with the whole file; there is no multipart.
- HEAD answers exactly as GET would, Range included, only without the body.
- Every response allows any origin (CORS): the feed is public and web players fetch it,
  its audio, transcripts and chapters cross-origin.
- Dotfiles and dot-folders (`.papercast/`) and anything resolving outside the root are 404.
"""

from __future__ import annotations

import email.utils
import errno
import gzip
import os
import re
import socket
import socketserver
import sys
from datetime import timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote

from ..errors import PapercastError
from .spec import CONTENT_TYPES, content_type

# Compressed on the fly when the client accepts gzip: text, which shrinks to a fraction.
_COMPRESSIBLE = (".xml", ".rss", ".json", ".vtt", ".srt", ".txt", ".html", ".htm", ".svg", ".css", ".js")
_GZIP_MAX_BYTES = 16 * 1024 * 1024  # larger text is sent as it is rather than held in memory
_GZIP = re.compile(r"(?:^|,)\s*(?:gzip|\*)\s*(?:;\s*q=([0-9.]+))?\s*(?=,|$)", re.IGNORECASE)
_MAX_BODY = 64 * 1024  # no request here needs a body: a bigger one is not worth reading
IDLE_TIMEOUT = 15.0  # seconds a kept-alive connection may wait for its next request
BACKLOG = 1024  # connections the kernel queues while every thread is busy (socketserver's default is 5)
# 18 digits exceed any file; longer numbers make the header ignored, never a crash in int().
_RANGE = re.compile(r"bytes=([0-9]{0,18})-([0-9]{0,18})", re.IGNORECASE)
_ETAG = re.compile(r'\*|(?:W/)?"[^"]*"')
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(32), 127]}


class _Unsatisfiable(Exception):
    """The Range header asks only for bytes the file does not have."""


def _accepts_gzip(value: str | None) -> bool:
    """Whether an Accept-Encoding header accepts gzip (named, or as *, with a q-value above 0)."""
    for match in _GZIP.finditer(value or ""):
        try:
            if match[1] is None or float(match[1]) > 0:
                return True
        except ValueError:
            continue
    return False


def _parse_range(value: str, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) bytes a Range header asks for, or None to ignore it."""
    match = _RANGE.fullmatch(value.strip())
    if not match or size == 0 or match[1] == match[2] == "":
        return None
    if not match[1]:  # suffix range: the final N bytes
        if int(match[2]) == 0:
            raise _Unsatisfiable
        return max(size - int(match[2]), 0), size - 1
    first, last = int(match[1]), int(match[2] or size - 1)
    if last < first and match[2]:
        return None
    if first >= size:
        raise _Unsatisfiable
    return first, min(last, size - 1)


def _http_date(value: str) -> int | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
        if parsed.tzinfo is None:  # "-0000": HTTP dates are always GMT
            parsed = parsed.replace(tzinfo=timezone.utc)
        return int(parsed.timestamp())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _inside(root: Path, path: Path) -> Path | None:
    """`path` with symlinks resolved, or None if it is missing, hidden or outside `root`."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not real.is_relative_to(root):
        return None
    if any(part.startswith(".") for part in real.relative_to(root).parts):
        return None
    return real


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive: players make many small range requests
    server_version = "papercast"
    timeout = IDLE_TIMEOUT  # the socket's; setup() applies the server's own idle_timeout
    disable_nagle_algorithm = True  # headers and body go out in separate writes

    def setup(self) -> None:
        super().setup()
        # A read that waits longer than this ends the connection (handle_one_request closes it).
        self.connection.settimeout(self.server.idle_timeout)

    def do_GET(self) -> None:
        if self._discard_body():
            self._send_file()

    do_HEAD = do_GET  # _send_file and _send_plain leave the body out for HEAD

    def _discard_body(self) -> bool:
        """Read and drop the request's body so the next request starts where it should; False if refused."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True  # no chunked bodies: the framing cannot be trusted
            self._send_plain(HTTPStatus.LENGTH_REQUIRED)
            return False
        length = (self.headers.get("Content-Length") or "0").strip()
        if not length.isdigit() or int(length) > _MAX_BODY:
            self.close_connection = True
            self._send_plain(HTTPStatus.BAD_REQUEST if not length.isdigit() else HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return False
        remaining = int(length)
        while remaining:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                self.close_connection = True
                return False
            remaining -= len(chunk)
        return True

    def do_OPTIONS(self) -> None:
        if not self._discard_body():
            return
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers",
                         "Range, If-Range, If-None-Match, If-Modified-Since")
        self.send_header("Access-Control-Max-Age", "86400")
        self.end_headers()

    def version_string(self) -> str:
        return self.server_version  # without the Python version

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers",
                         "Accept-Ranges, Content-Length, Content-Range, ETag")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            line = (format % args).translate(_CONTROL)
            sys.stderr.write(f"{self.address_string()} {line}\n")

    def _locate(self) -> Path | str | None:
        """The file to send, where to redirect a directory asked for without its slash, or None."""
        raw = self.path.split("?", 1)[0].split("#", 1)[0]
        if not raw.startswith("/") or "\\" in raw or "//" in raw:
            return None
        # Decode each segment on its own so %2F can never create a new path separator.
        parts = [unquote(segment) for segment in raw.split("/") if segment]
        if any(p.startswith(".") or any(c in p for c in "/\\\0") for p in parts):
            return None
        root = self.server.root
        target = _inside(root, root.joinpath(*parts))
        if target is not None and target.is_dir():
            if not raw.endswith("/"):
                return "/" + "".join(quote(p) + "/" for p in parts)
            target = _inside(root, target / "index.html")
        elif raw.endswith("/"):
            return None  # a file is only its exact path: /feed.xml/ is not /feed.xml
        if target is None or not target.is_file() or Path(target.name.lower()).suffix not in CONTENT_TYPES:
            return None  # only what apps and the page need: not feed/README.md
        return target

    def _send_file(self) -> None:
        found = self._locate()
        if isinstance(found, str):
            return self._send_plain(HTTPStatus.MOVED_PERMANENTLY, {"Location": found})
        if found is None:
            return self._send_plain(HTTPStatus.NOT_FOUND)
        try:
            file = found.open("rb")
        except OSError:
            return self._send_plain(HTTPStatus.NOT_FOUND)
        with file:
            self._answer(file, found.name)

    def _answer(self, file: BinaryIO, name: str) -> None:
        """Answer with the open file: compressed, as a range, or whole, honouring the conditionals."""
        stat = os.fstat(file.fileno())
        size, mtime = stat.st_size, int(stat.st_mtime)
        etag = f'"{size:x}-{stat.st_mtime_ns:x}"'
        headers = {"ETag": etag, "Cache-Control": "no-cache",
                   "Last-Modified": email.utils.formatdate(mtime, usegmt=True)}
        compressible = Path(name.lower()).suffix in _COMPRESSIBLE
        if compressible:
            headers["Vary"] = "Accept-Encoding"  # caches must not hand gzip to a client that did not ask
        asked = self.headers.get("Range")
        if (compressible and asked is None and 0 < size <= _GZIP_MAX_BYTES
                and _accepts_gzip(self.headers.get("Accept-Encoding"))):
            # Each representation has its own tag, or a cache could revalidate one with the other.
            headers["ETag"] = etag = f'"{size:x}-{stat.st_mtime_ns:x}-gzip"'
            if self._not_modified(etag, mtime):
                return self._send_plain(HTTPStatus.NOT_MODIFIED, headers)
            return self._send_gzip(file.read(), name, headers)
        if self._not_modified(etag, mtime):
            return self._send_plain(HTTPStatus.NOT_MODIFIED, headers)
        self._send_range(file, name, size, headers, asked if asked is not None and self._if_range_holds(etag, mtime)
                         else None)

    def _send_range(self, file: BinaryIO, name: str, size: int, headers: dict[str, str], asked: str | None) -> None:
        """The file, or the one range `asked` names (206), or 416 when it names no byte of it."""
        status, first, last = HTTPStatus.OK, 0, size - 1
        if asked is not None:
            try:
                wanted = _parse_range(asked, size)
            except _Unsatisfiable:
                return self._send_plain(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                                        {"Content-Range": f"bytes */{size}"})
            if wanted is not None:
                status, (first, last) = HTTPStatus.PARTIAL_CONTENT, wanted
                headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        length = last - first + 1
        self.send_response(status)
        self.send_header("Content-Type", content_type(name))
        self.send_header("Content-Length", str(length))
        for header, value in headers.items():
            self.send_header(header, value)
        self.end_headers()
        if self.command != "HEAD" and length > 0:
            # sendfile streams from the kernel (or in small chunks), never the whole file.
            if self.connection.sendfile(file, first, length) < length:
                self.close_connection = True  # the file shrank; the framing is broken

    def _send_gzip(self, data: bytes, name: str, headers: dict[str, str]) -> None:
        """The whole file, gzip-compressed (mtime 0: the same file always gives the same bytes)."""
        body = gzip.compress(data, compresslevel=6, mtime=0)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type(name))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        for header, value in headers.items():
            self.send_header(header, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        tags = self.headers.get("If-None-Match")
        if tags is not None:  # takes precedence over If-Modified-Since (RFC 9110 13.2.2)
            return any(t == "*" or t.removeprefix("W/") == etag for t in _ETAG.findall(tags))
        since = self.headers.get("If-Modified-Since")
        date = _http_date(since) if since else None
        return date is not None and mtime <= date

    def _if_range_holds(self, etag: str, mtime: int) -> bool:
        value = (self.headers.get("If-Range") or "").strip()
        if not value:
            return True
        if value.startswith(('"', "W/")):
            return value == etag  # strong comparison: a weak tag never matches
        return _http_date(value) == mtime

    def _send_plain(self, status: HTTPStatus, headers: dict[str, str] | None = None) -> None:
        has_body = status != HTTPStatus.NOT_MODIFIED
        body = f"{status.value} {status.phrase}\n".encode() if has_body else b""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if has_body:
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    allow_reuse_address = os.name != "nt"  # on Windows it lets a second server share the port
    request_queue_size = min(BACKLOG, socket.SOMAXCONN)  # the kernel caps it at somaxconn anyway

    def __init__(self, address: tuple[str, int], root: Path, quiet: bool, idle_timeout: float = IDLE_TIMEOUT) -> None:
        self.root, self.quiet, self.idle_timeout = root, quiet, idle_timeout
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup that can stall for seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # players hang up mid-file
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000,
                quiet: bool = False, idle_timeout: float = IDLE_TIMEOUT) -> ThreadingHTTPServer:
    """Bind a server for `root` (port 0 picks a free one); the caller runs serve_forever()."""
    root = Path(root)
    if not root.is_dir():
        raise PapercastError(f"{root}: no such folder to serve")
    server_class = _Server6 if ":" in host else _Server
    try:
        return server_class((host, port), root.resolve(), quiet, idle_timeout)
    except OverflowError:
        raise PapercastError(f"port {port} is not between 0 and 65535") from None
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", None)):
            raise PapercastError(f"port {port} on {host} is already in use; "
                                 "stop the other server or choose another port") from None
        raise PapercastError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


def serve(root: Path, host: str, port: int, quiet: bool = False) -> None:
    """Serve `root` until Ctrl+C, after printing the address to open."""
    server = make_server(root, host, port, quiet)
    shown = f"[{host}]" if ":" in host else host or "0.0.0.0"
    print(f"Serving {root} at http://{shown}:{server.server_address[1]}/ (Ctrl+C to stop)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
