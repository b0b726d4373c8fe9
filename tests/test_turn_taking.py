"""Hosts take turns: no host speaks twice in a row, across paper boundaries as well as inside them.

A segment that ends on one host's reaction used to be followed by a segment that host opens
("Perplexity went down, then." / "Now for something else. ..." both Alex's). The writer now picks
an arrangement that starts with the other host, swaps the two hosts' parts for that paper when
none does, and joins a line that names its speaker ("I'm Maya") to the turn before.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline.script import EpisodeInfo, draft_script, template_environment
from pipeline.script.arrangement import Arrangement, choose, names_a_host
from pipeline.sources import load_papers

from .test_listener_stumbles import FORMATS, LISTS, TITLES, _demo_episodes

FIELDS = Path(__file__).parent / "fixtures" / "fields"
MORE = [FIELDS / "synthetic-ml.ris", FIELDS / "synthetic-urban-heat.txt"]
HOSTS = ("Alex", "Sam")


def _scripts():
    env = template_environment(None)
    for info, papers in _demo_episodes():
        for fmt in FORMATS:
            yield info.id, draft_script("Gut Feelings", HOSTS, info, papers, env, format=fmt).script
    for path in [*LISTS, *MORE]:
        papers = load_papers([path], None, strict=False)
        for title in TITLES:
            for fmt in FORMATS:
                for minutes in (None, 4.0, 12.0):
                    info = EpisodeInfo("e", title, "")
                    draft = draft_script("Field Notes", HOSTS, info, papers, env, format=fmt, minutes=minutes)
                    yield f"{path.name} {fmt} {title!r} {minutes}", draft.script


@pytest.mark.parametrize(("name", "script"), list(_scripts()), ids=lambda x: x if isinstance(x, str) else "")
def test_no_host_speaks_twice_in_a_row(name: str, script) -> None:
    hosts = [t.host for t in script.turns]
    twice = [(i, script.turns[i].text[:60]) for i in range(1, len(hosts)) if hosts[i] == hosts[i - 1]]
    assert not twice, f"{name}: {twice}"


def test_a_segment_every_arrangement_of_which_repeats_the_last_host_is_swapped() -> None:
    tried = [Arrangement([(0, "Now for something else."), (1, "The title: X.")], (), {}),
             Arrangement([(0, "Next up."), (1, "By Y.")], (), {})]
    best = choose(tried, Counter(), last_host=0)
    assert [h for h, _ in best.said] == [1, 0] and best.said[0][1] == "Now for something else."
    apart = Arrangement([(1, "Right, that's Y's paper."), (0, "Go on.")], (), {})
    assert choose([*tried, apart], Counter(), last_host=0) is apart  # one that starts apart wins


def test_lines_that_name_a_host_are_never_swapped() -> None:
    assert names_a_host([(1, "And from me, Sam, a reminder.")], HOSTS)
    assert not names_a_host([(0, "That's our look at two papers.")], HOSTS)
