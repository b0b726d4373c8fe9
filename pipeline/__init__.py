"""papercast: research papers in, a two-host podcast feed out, entirely offline.

The stages, in order, each a sub-package that imports only the ones before it:
`sources` (reading lists → papers), `script` (papers → dialogue), `speech` (turns → audio),
`audio` (turns → an encoded episode), `publish` (episodes → feed, page, checks, server);
`build` runs them top to bottom. Library use::

    from pipeline import build_show
    report = build_show("path/to/show")
    print(report.summary())
"""

from __future__ import annotations

__version__ = "0.1.0"

# offline first: onnxruntime must find its telemetry turned off before it loads.
from . import offline  # noqa: E402,F401
from .build import build_show  # noqa: E402  (the stages read __version__ while they load)
from .config import load_show  # noqa: E402
from .errors import PapercastError  # noqa: E402
from .init import ShowInit, init_show  # noqa: E402
from .oneoff import OneOff, make_episode  # noqa: E402
from .publish.check import check_feed  # noqa: E402
from .publish.upload import publish_show  # noqa: E402
from .report import Progress, Report  # noqa: E402
from .sources import add_papers  # noqa: E402
from .watch import watch_show  # noqa: E402

__all__ = ["OneOff", "PapercastError", "Progress", "Report", "ShowInit", "__version__", "add_papers", "build_show",
           "check_feed", "init_show", "load_show", "make_episode", "publish_show", "watch_show"]
