"""What a build reports: progress while it runs, and the final tally of built, cached and failed."""

from __future__ import annotations

from dataclasses import dataclass, field

from .publish.check import Problem, has_errors


class Progress:
    """What a build tells the person waiting; these no-ops suit a library call or a pipe."""

    def begin(self, turns: int, episodes: int) -> None:
        """Work is about to start: this many turns to synthesise and episodes to encode."""

    def turn_done(self) -> None:
        """One more turn is synthesised."""

    def episode_done(self, episode_id: str, outcome: str) -> None:
        """An episode is finished: "built", "unchanged" or "failed"."""

    def note(self, message: str) -> None:
        """Something worth a line of its own (a new episode, a fallback voice)."""


@dataclass
class Report:
    """What a build did: episodes built, reused and failed; turns spoken and taken from the cache."""

    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    turns_synthesized: int = 0
    turns_cached: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or has_errors(self.problems) else 0

    def summary(self) -> str:
        """One line for the end of a build."""
        return (
            f"{len(self.built)} built, {len(self.reused)} unchanged, {len(self.failed)} failed; "
            f"{self.turns_synthesized} turns synthesised, {self.turns_cached} from cache; "
            f"{self.seconds:.1f} s"
        )
