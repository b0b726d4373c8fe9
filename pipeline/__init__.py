"""papercast: research papers in, a two-host podcast feed out, entirely offline.

Library use::

    from pipeline import build_show
    report = build_show("path/to/show")
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Report", "build_show", "load_show", "make_episode", "__version__"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so `import pipeline.config` does not load audio and feed libraries.
    if name in ("Report", "build_show", "make_episode"):
        from . import build

        return getattr(build, name)
    if name == "load_show":
        from .config import load_show

        return load_show
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
