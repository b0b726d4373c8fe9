"""Choosing how a paper's segment is arranged: a shape not heard yet, hosts that take turns.

The writer renders a segment in several arrangements of its moves (see planner.arrange); this
module picks one. Two rules, in order: the segment's first line is not said by the host who
spoke last (a host never answers themself across a paper boundary), and its shape, the sequence
of hosts and questions, is one the episode has not heard yet, else one heard only once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import views as v

Turns = list[tuple[int, str]]


@dataclass(frozen=True)
class Arrangement:
    """One way a segment was rendered: its turns, their shape, the moves and the picker's state after."""

    said: Turns
    moves: tuple[Any, ...]
    state: dict[str, Any]

    @property
    def shape(self) -> str:
        """"A?B.A.B." : who speaks, and whether each turn asks."""
        return "".join("AB"[h] + ("?" if v.unmark(t).rstrip().endswith("?") else ".") for h, t in self.said)

    def starts_with(self, host: int | None) -> bool:
        """True when its first turn is `host`'s."""
        return bool(self.said) and self.said[0][0] == host


def merge_turns(turns: Turns) -> Turns:
    """Consecutive lines of one host become one turn (moves may each begin with the same host)."""
    merged: Turns = []
    for host, text in turns:
        if merged and merged[-1][0] == host:
            merged[-1] = (host, f"{merged[-1][1]} {text}")
        else:
            merged.append((host, text))
    return merged


def settled(tried: Arrangement, heard: Counter[str], last_host: int | None) -> bool:
    """An arrangement good enough to stop trying others: a new shape that does not repeat the last host."""
    return heard[tried.shape] == 0 and not tried.starts_with(last_host)


def choose(tried: Sequence[Arrangement], heard: Counter[str], last_host: int | None) -> Arrangement:
    """The best of the arrangements tried, its hosts swapped if every one starts with the last speaker."""
    def rank(a: Arrangement) -> tuple[bool, int]:
        return a.starts_with(last_host), min(heard[a.shape], 2)

    best = min(tried, key=rank)  # min keeps the first of equals: the planner's preferred order
    if best.starts_with(last_host):  # the other host opens, and the two swap parts for this paper
        return Arrangement(swapped(best.said), best.moves, best.state)
    return best


def swapped(said: Turns) -> Turns:
    """The same turns with the hosts' parts exchanged."""
    return [(1 - h, t) for h, t in said]


def names_a_host(said: Turns, host_names: Sequence[str]) -> bool:
    """True when a turn says a host's name ("I'm Maya"): its hosts cannot swap parts."""
    return any(name and name in v.unmark(t) for _, t in said for name in host_names)
