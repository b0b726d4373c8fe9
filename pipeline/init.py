"""`papercast init`: a new show folder that builds as it is, with nothing to edit by hand.

The folder gets a commented `papercast.toml`, `papers/` (with a README on what goes there),
`episodes/` and a `.gitignore` for the cache. An existing show is never overwritten, and files
already in the folder (a README, a .gitignore) are kept as they are. With papers to start
from, they are added to the reading list and the first episodes are planned, as a build would.
"""

from __future__ import annotations

import getpass
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import AUTO_ENGINE, CONFIG_NAME, load_show
from .errors import ConfigError, PapercastError
from .fsutil import atomic_write
from .plan import add_new_episodes
from .publish.spec import EMAIL, LANGUAGE, category_problem, url_problem
from .sources.readinglist import AddReport, add_papers

DEFAULT_BASE_URL = "http://127.0.0.1:8000/"

_PAPERS_README = """\
# papers/

Put the show's reading list here: BibTeX (.bib), RIS (.ris), CSL-JSON (.json), papercast's
YAML (.yaml) or a plain-text list of papers (.txt). Every paper file in this folder is read.

- `papercast add FILE...` merges papers from any of those formats into `reading-list.yaml`.
- `papercast build` groups papers that no episode covers yet into new files in `episodes/`.
- A file kept elsewhere (such as a Zotero Better BibTeX auto-export) can be named in
  papercast.toml instead: `[papers] reading_list = ["/path/to/My Library.bib"]`;
  `papercast watch` then rebuilds whenever it changes.
"""

_GITIGNORE = """\
# papercast: the turn cache is disposable and the lock is per run;
# keep .papercast/published.json (episode GUIDs and dates) under version control.
/.papercast/cache/
/.papercast/lock
# The built feed can be rebuilt from the show; uncomment to keep it out of git.
# /feed/
"""


@dataclass(frozen=True)
class ShowInit:
    """What a new show's papercast.toml says about it (everything else has a working default)."""

    title: str
    author: str
    email: str
    language: str = "en"
    category: str = "Science"
    subcategory: str = ""
    base_url: str = DEFAULT_BASE_URL
    engine: str = AUTO_ENGINE


@dataclass(frozen=True)
class InitReport:
    """What `init_show` did: files written, files kept, papers added and episodes planned."""

    root: Path
    written: tuple[Path, ...]
    kept: tuple[Path, ...]
    added: AddReport | None = None
    episodes: tuple[Path, ...] = field(default_factory=tuple)

    @property
    def exit_code(self) -> int:
        return self.added.exit_code if self.added is not None else 0

    def next_commands(self, shown_root: str) -> list[str]:
        """The three commands to run next, as a person would type them."""
        cd = f"cd {shown_root}" if shown_root not in ("", ".") else "papercast check"
        if self.episodes:
            return [cd, "papercast build", "papercast serve"]
        return [cd, "papercast add refs.bib", "papercast build"]


def default_settings(root: Path) -> ShowInit:
    """Defaults for a show in `root`: a title from the folder's name, the login name as author."""
    name = Path(root).resolve().name or "papercast"
    title = re.sub(r"[-_]+", " ", name).strip().title() or "My Research Podcast"
    user = _login()
    return ShowInit(title=title, author=user, email=f"{_mailbox(user)}@example.invalid")


def _login() -> str:
    try:
        return getpass.getuser() or "papercast"
    except (KeyError, OSError):  # no passwd entry (containers): any name will do
        return "papercast"


def _mailbox(user: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "", user) or "podcast"


def problems(settings: ShowInit) -> list[str]:
    """Every problem with the settings, worded as `papercast init`'s options."""
    found = []
    if not settings.title.strip():
        found.append("--title must not be empty")
    if not settings.author.strip():
        found.append("--author must not be empty")
    if not EMAIL.match(settings.email):
        found.append(f"--email {settings.email!r} is not an e-mail address")
    if not LANGUAGE.match(settings.language):
        found.append(f"--language {settings.language!r} is not a language code such as en or en-GB")
    wrong = category_problem(settings.category, settings.subcategory)
    if wrong:
        found.append(f"--{wrong}")
    url_wrong = url_problem(settings.base_url)
    if url_wrong:
        found.append(f"--base-url {settings.base_url!r} {url_wrong}")
    return found


def _toml(value: str) -> str:
    # JSON strings are valid TOML basic strings (the same escapes).
    return json.dumps(value, ensure_ascii=False)


def render_config(settings: ShowInit) -> str:
    """The commented papercast.toml of a new show."""
    engine = _toml(settings.engine)
    subcategory = (f"subcategory = {_toml(settings.subcategory)}" if settings.subcategory
                   else '# subcategory = "Life Sciences"   # optional, one of the category\'s own')
    return f"""\
# A papercast show. Every setting is explained in papercast's README ("A show").
# After editing, run `papercast build` (or leave `papercast watch` running).

[show]
title = {_toml(settings.title)}
description = {_toml(f"{settings.title}: research papers, talked through by two hosts. "
                     "A summary of research generated offline by papercast.")}
author = {_toml(settings.author)}
owner_email = {_toml(settings.email)}   # Apple Podcasts shows it to the directory, not to listeners
language = {_toml(settings.language)}                     # a language code: en, en-GB, de ...
category = {_toml(settings.category)}                # an Apple Podcasts category
{subcategory}
explicit = false
# Where feed/ is served: podcast apps fetch episodes from here. For a phone on your network
# use this machine's address (http://192.168.1.20:8000/); for a static host, its public URL.
base_url = {_toml(settings.base_url)}
# cover = "cover.png"   # 1400-3000 px square JPEG or PNG; one is generated when absent

# The two hosts. engine = "auto": neural voices when installed, else espeak-ng.
# `papercast voices` lists every engine and voice with the setting to use it.
[[hosts]]
name = "Theo"
engine = {engine}
rate = 165

[[hosts]]
name = "Maya"
engine = {engine}
rate = 160

# [papers]
# reading_list = ["papers/reading-list.yaml", "~/Zotero/My Library.bib"]   # default: every file in papers/
# max_per_episode = 5          # new papers are grouped into episodes of at most this many

# [publish]                    # for `papercast publish DEST`; credentials never go in this file
# destination = "sftp://me@example.org/var/www/podcast"   # or a folder, or s3://bucket/prefix
# url = "https://example.org/podcast/"                    # must equal base_url above
# endpoint = "https://s3.example.org"                     # S3-compatible services other than AWS
"""


def _write_new(path: Path, text: str, written: list[Path], kept: list[Path]) -> None:
    if path.exists():
        kept.append(path)  # the user's own file (a README, a .gitignore) stays as it is
        return
    atomic_write(path, text)
    written.append(path)


def init_show(root: str | Path, settings: ShowInit, sources: Sequence[Path] = ()) -> InitReport:
    """Create a show in `root` (made if missing); with `sources`, add their papers and plan episodes."""
    root = Path(root)
    found = problems(settings)
    if found:
        raise ConfigError("papercast init", found)
    if (root / CONFIG_NAME).exists():
        raise PapercastError(f"{root / CONFIG_NAME}: a show already exists here; nothing was changed")
    missing = [str(source) for source in sources if not Path(source).is_file()]
    if missing:  # checked before anything is written, so a typo leaves no half-made show
        raise PapercastError(f"{', '.join(missing)}: no such file; nothing was created")
    if root.exists() and not root.is_dir():
        raise PapercastError(f"{root}: exists and is not a folder")
    written: list[Path] = []
    kept: list[Path] = []
    for folder in (root / "papers", root / "episodes"):
        folder.mkdir(parents=True, exist_ok=True)
    _write_new(root / "papers" / "README.md", _PAPERS_README, written, kept)
    _write_new(root / ".gitignore", _GITIGNORE, written, kept)
    # papercast.toml last: a folder that has one is a show, so it must not appear before the rest.
    _write_new(root / CONFIG_NAME, render_config(settings), written, kept)
    load_show(root)  # the file just written must load; a failure here is papercast's bug, reported plainly
    if not sources:
        return InitReport(root=root, written=tuple(written), kept=tuple(kept))
    added = add_papers(root, list(sources))
    show = load_show(root)
    # Named as the caller named the folder (load_show resolves it), for the lines printed.
    episodes = tuple(root / path.relative_to(show.root) for path in add_new_episodes(show, []))
    return InitReport(root=root, written=tuple(written), kept=tuple(kept), added=added, episodes=episodes)
