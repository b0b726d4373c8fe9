"""How an episode's job gets its turns: one at a time from this process's turn cache, never all in memory.

A job takes no path on this machine's disk: it takes where to ask for its turns. On this machine
(the local pool, threads, inline) that is a small server in the build process that reads each
turn from the cache as the job asks for it; a Dask cluster has its own supply (see cluster.py).
"""

from __future__ import annotations

import secrets
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Client, Connection, Listener
from typing import Any

from .audio.episode import TurnFeed
from .speech.cache import TurnCache


class TurnSupply(ABC):
    """What gives each episode's job its feed of turns, for the length of one render."""

    def spoken(self, key: str, future: Future[Any]) -> None:  # noqa: B027 (most supplies need not know)
        """The turn `key` was synthesised by `future` (and is cached now)."""

    @abstractmethod
    def feed(self, keys: Sequence[str]) -> TurnFeed:
        """Where a job reads the turns `keys` (all cached), in order."""

    def retry(self, keys: Sequence[str]) -> bool:
        """Whether an episode whose job failed should be sent once more (its next feed from the cache)."""
        return False

    def done(self, keys: Sequence[str]) -> None:  # noqa: B027
        """An episode whose turns were `keys` is finished (built or failed)."""

    def close(self) -> None:  # noqa: B027
        """The render is over."""


@dataclass(frozen=True)
class ServedTurns(TurnFeed):
    """Turns asked one at a time of the build's turn server."""

    address: tuple[str, int]
    authkey: bytes
    keys: tuple[str, ...]
    rate: int

    def turns(self) -> Iterator[tuple[bytes, bytes]]:
        """Each turn's FLAC and figures, fetched when the join reaches it."""
        with Client(self.address, authkey=self.authkey) as connection:
            for key in self.keys:
                connection.send((key, self.rate))
                yield connection.recv_bytes(), connection.recv_bytes()


class TurnServer(TurnSupply):
    """Serves cached turns to jobs on this machine over loopback, with a secret only the jobs carry."""

    def __init__(self, cache: TurnCache, rate: int) -> None:
        self.cache, self.rate = cache, rate
        self.authkey = secrets.token_bytes(32)
        self.listener = Listener(("127.0.0.1", 0), authkey=self.authkey)
        self.address: tuple[str, int] = self.listener.address
        self.closing = False
        threading.Thread(target=self._accept, name="papercast-turn-server", daemon=True).start()

    def feed(self, keys: Sequence[str]) -> TurnFeed:
        """The turns `keys`, served from the cache."""
        return ServedTurns(self.address, self.authkey, tuple(keys), self.rate)

    def _accept(self) -> None:
        while not self.closing:
            try:
                connection = self.listener.accept()
            except Exception:  # a caller without the secret, or the listener closed  # noqa: BLE001
                continue
            if self.closing:
                connection.close()
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: Connection) -> None:
        """Answer one job's requests: each turn's FLAC (b"" when it is missing or damaged) and figures."""
        with connection:
            while True:
                try:
                    key, rate = connection.recv()
                    connection.send_bytes(self.cache.turn(key, rate) or b"")
                    connection.send_bytes(self.cache.turn_meter(key, rate))
                except (EOFError, OSError):  # the job has what it needs, or its worker stopped
                    return

    def close(self) -> None:
        """Stop accepting (waking the accepting thread with one last connection)."""
        self.closing = True
        try:
            Client(self.address, authkey=self.authkey).close()
        except OSError:
            pass
        self.listener.close()
