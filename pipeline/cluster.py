"""Builds on a Dask cluster: a `distributed` client's executor runs the jobs; the turn cache stays here.

Dask is an optional extra (`papercast[cluster]`), imported only when a build names a scheduler.
"""

from __future__ import annotations

import socket
import time
import warnings
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .audio.episode import TurnFeed
from .config import scheduler_address_problem, scheduler_host_port
from .errors import ClusterError
from .feeds import TurnSupply
from .jobs import SpokenTurn
from .speech.cache import TurnCache

CLUSTER_INSTALL = "pip install 'papercast[cluster]'"
# Long enough for a scheduler across a network, short enough that a wrong address fails at once.
CONNECT_SECONDS = 10
# How long an episode's job waits for the scheduler to say where a turn is (it is in memory by then).
_FETCH_SECONDS = 300
# How long a build waits for the first worker to join a scheduler that has none.
WORKERS_SECONDS = 60


def _probe(address: str) -> None:
    """Open and close a TCP connection to the scheduler, so a wrong address fails now with one line."""
    # Dask's own connect retries a refused connection until its timeout; a plain socket says at once.
    host, port = scheduler_host_port(address)
    try:
        with socket.create_connection((host, port), timeout=CONNECT_SECONDS):
            pass
    except OSError as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc.strerror or exc}") from None


def _window(client: object) -> Callable[[], int]:
    """How many turns to keep in flight: twice the threads of the workers connected (workers may join).

    The count is asked of the scheduler at most once a second: it is consulted after every finished job.
    """
    known = {"at": -1.0, "threads": 0}

    def window() -> int:
        if time.monotonic() - known["at"] >= 1.0:
            known["threads"] = sum(client.nthreads().values())  # type: ignore[attr-defined]
            known["at"] = time.monotonic()
        return max(4, 2 * int(known["threads"]))
    return window


def _carry(turn: SpokenTurn) -> SpokenTurn:
    """A cached turn put on the cluster as a task's result: if the worker holding it is lost, it is sent again."""
    return turn


@dataclass(frozen=True)
class ClusterTurns(TurnFeed):
    """An episode's turns held on the cluster, fetched by its job one at a time.

    Each turn is a Dask key and a Dask Variable that names it: a future the job makes from a
    bare key would never hear from the scheduler, one it gets from a Variable does.
    """

    keys: tuple[tuple[str, str], ...]  # (Dask key, Variable name) per turn

    def turns(self) -> Iterator[tuple[bytes, bytes]]:
        """Each turn's FLAC and figures, from whichever worker holds it, when the join reaches it."""
        import distributed

        worker = distributed.get_worker()
        # Out of the worker's thread pool while it joins: a turn it waits for may have to be spoken again
        # (its worker was lost) or sent from the cache first, and that needs a thread of some worker.
        with distributed.worker_client() as client:
            for key, name in self.keys:
                # A turn this worker holds is read from its memory, not sent to itself over a socket.
                held: Any = worker.data.get(key) if key in worker.data else None
                if held is None:
                    held = distributed.Variable(name, client=client).get(timeout=_FETCH_SECONDS).result()
                turn: SpokenTurn = held
                yield turn.flac, turn.meter


class ClusterSupply(TurnSupply):
    """Turns for episodes' jobs on a cluster: a turn spoken in this build is fetched from the worker that
    spoke it (not sent back out from here); a cached one is sent from here as a small task of its own."""

    def __init__(self, client: Any, cache: TurnCache, rate: int) -> None:
        self.client, self.cache, self.rate = client, cache, rate
        self.dask_futures: weakref.WeakKeyDictionary[Future[Any], Any] = weakref.WeakKeyDictionary()
        self.held: dict[str, Any] = {}  # turn key -> the Dask future that holds it on a worker
        self.named: dict[str, Any] = {}  # turn key -> the Dask Variable that names its future for jobs
        self.spoken_here: set[str] = set()  # held turns as their worker spoke them (not from the cache)
        self.users: dict[str, int] = {}  # turn key -> episodes in flight that read it

    def spoken(self, key: str, future: Future[Any]) -> None:
        """Keep the turn where it was spoken, for the episodes that need it."""
        if future in self.dask_futures:
            self.held[key] = self.dask_futures[future]
            self.spoken_here.add(key)

    def feed(self, keys: Sequence[str]) -> TurnFeed:
        """The turns on the cluster, a cached one sent there now (one turn in this process's memory at a time)."""
        import distributed

        fed = []
        for key in keys:
            if key not in self.held:
                flac = self.cache.turn(key, self.rate) or b""
                turn = SpokenTurn(key, flac, 0.0, self.cache.turn_meter(key, self.rate))
                self.held[key] = self.client.submit(_carry, turn, pure=False)
                self._forget_name(key)
            if key not in self.named:
                self.named[key] = distributed.Variable(f"papercast-{self.held[key].key}", client=self.client)
                self.named[key].set(self.held[key])
            self.users[key] = self.users.get(key, 0) + 1
            fed.append((self.held[key].key, self.named[key].name))
        return ClusterTurns(tuple(fed))

    def retry(self, keys: Sequence[str]) -> bool:
        """Once more from the cache when some turns came from their workers: one lost was spoken again there."""
        again = [key for key in keys if key in self.spoken_here]
        for key in again:
            self.spoken_here.discard(key)
            self.held.pop(key, None)
            self._forget_name(key)
        return bool(again)

    def done(self, keys: Sequence[str]) -> None:
        """Let the cluster drop turns no episode in flight reads (a later one gets them from the cache)."""
        for key in keys:
            self.users[key] = self.users.get(key, 1) - 1
            if self.users[key] <= 0:
                self.users.pop(key)
                self.held.pop(key, None)
                self.spoken_here.discard(key)
                self._forget_name(key)

    def _forget_name(self, key: str) -> None:
        variable = self.named.pop(key, None)
        if variable is not None:
            variable.delete()

    def close(self) -> None:
        """Release every turn still held."""
        for key in list(self.named):
            self._forget_name(key)
        self.held.clear()


def _executor(client: Any, supply: ClusterSupply) -> Executor:
    """The client's executor, which tells `supply` which Dask future is behind each future it returns."""
    from distributed.cfexecutor import ClientExecutor

    class KeyedExecutor(ClientExecutor):  # type: ignore[misc]
        def submit(self, fn: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            # pure=False: no hashing of every job's arguments to name its task (each is run once anyway).
            dask_future = self._client.submit(fn, *args, pure=False, **kwargs)
            self._futures.add(dask_future)
            future: Future[Any] = self._wrap_future(dask_future)
            supply.dask_futures[future] = dask_future
            return future

    return KeyedExecutor(client)


@contextmanager
def cluster_executor(address: str, cache: TurnCache,
                     rate: int) -> Iterator[tuple[Executor, Callable[[], int], TurnSupply]]:
    """A Dask client's executor for the scheduler at `address`, the number of turns to keep in flight,
    and the supply of turns (held in `cache` at `rate` Hz) to episodes' jobs."""
    problem = scheduler_address_problem(address)
    if problem:
        raise ClusterError(problem)
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"building on a cluster needs Dask; install it with: {CLUSTER_INSTALL}") from None
    _probe(address)
    try:
        client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKERS_SECONDS)
        except TimeoutError:
            raise ClusterError(f"the Dask scheduler at {address} has had no workers for {WORKERS_SECONDS} s; "
                               f"start some with: dask worker {address} --nthreads 1") from None
        supply = ClusterSupply(client, cache, rate)
        try:
            with warnings.catch_warnings():
                # A cached turn sent to the cluster is its task's argument: a minute of speech is 2.6 MB.
                warnings.filterwarnings("ignore", message=".*[Ll]arge graph.*")
                yield _executor(client, supply), _window(client), supply
        finally:
            supply.close()
    finally:
        client.close()
