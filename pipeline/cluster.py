"""Builds on a Dask cluster: a `distributed` client's executor runs the jobs; the turn cache stays here.

Dask is an optional extra (`papercast[cluster]`), imported only when a build names a scheduler.
"""

from __future__ import annotations

import socket
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from .config import scheduler_address_problem, scheduler_host_port
from .errors import ClusterError

CLUSTER_INSTALL = "pip install 'papercast[cluster]'"
# Long enough for a scheduler across a network, short enough that a wrong address fails at once.
CONNECT_SECONDS = 10
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


@contextmanager
def cluster_executor(address: str) -> Iterator[tuple[Executor, Callable[[], int]]]:
    """A Dask client's executor for the scheduler at `address`, and the number of turns to keep in flight."""
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
        with warnings.catch_warnings():
            # An episode's job carries its turns (a few MB of FLAC a minute): large by design.
            warnings.filterwarnings("ignore", message=".*[Ll]arge graph.*")
            yield client.get_executor(), _window(client)
    finally:
        client.close()
