"""Stage 2, script: papers → a two-host dialogue written from Jinja2 templates, with its spoken form."""

from .notes import notes_transcript
from .picker import Picker, sentence_patterns
from .spoken import SpokenForm
from .templating import (
           DEFAULT_FORMAT,
           PACKAGE_TEMPLATES,
           available_formats,
           template_environment,
)
from .writer import Draft, EpisodeInfo, draft_script, estimate_seconds, write_script

__all__ = ["DEFAULT_FORMAT", "PACKAGE_TEMPLATES", "Draft", "EpisodeInfo", "Picker", "SpokenForm", "available_formats",
           "draft_script", "estimate_seconds", "notes_transcript", "sentence_patterns", "template_environment",
           "write_script"]
