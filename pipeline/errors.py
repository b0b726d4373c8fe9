"""The one exception family papercast raises for problems a user can fix."""

from __future__ import annotations


class PapercastError(Exception):
    """A problem with the user's input or environment; the CLI prints it as one line."""


class ConfigError(PapercastError):
    """The show's configuration or an episode definition is invalid (lists every problem)."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__(f"{path}: " + "; ".join(self.problems))


class SourceError(PapercastError):
    """A paper file cannot be read, or an entry cannot become a paper."""


class TemplateError(PapercastError):
    """A script template is missing, broken or fails while rendering."""


class SynthesisError(PapercastError):
    """A speech engine failed or produced unusable audio for a turn."""


class AudioError(PapercastError):
    """Assembling or encoding an episode failed."""


class FeedError(PapercastError):
    """The feed or its artwork cannot be written."""


class ClusterError(PapercastError):
    """The Dask scheduler a build was pointed at cannot be used (unreachable, no workers, Dask missing)."""


def failure_reason(exc: BaseException) -> str:
    """One line for what failed (an episode, a turn, a voice): our own message, or a foreign one with its type."""
    if isinstance(exc, PapercastError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror.lower()}: {exc.filename or ''}".rstrip(": ")
    return f"{type(exc).__name__}: {exc}"
