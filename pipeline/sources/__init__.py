"""Stage 1, sources: reading lists in the formats people keep them in → `Paper` records."""

from .readinglist import add_papers, list_papers
from .registry import (
           FORMATS,
           REGISTRY,
           Format,
           SourceRead,
           load_papers,
           read_papers,
           read_source,
)

__all__ = ["FORMATS", "REGISTRY", "Format", "SourceRead", "add_papers", "list_papers", "load_papers",
           "read_papers", "read_source"]
