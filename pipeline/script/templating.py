"""The Jinja2 side of the script: where templates are found, how they are rendered and parsed into turns."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from jinja2.loaders import split_template_path

from ..errors import TemplateError
from . import views as v
from .mentions import grouped, short_noun

# A rendered template is a dialogue: each turn starts with "A:" or "B:" (the curious host or
# the reader; the writer gives each role to a host); following lines without a role continue it.
_ROLE_LINE = re.compile(r"^\s*([AB])\s*:\s*(.*)$")
ROLES = {"A": 0, "B": 1}

DEFAULT_FORMAT = "deep-dive"
PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
# The parts of an episode, one template each; a folder holding any of them is a format.
PARTS = ("cold-open", "intro", "paper", "synthesis", "outro")


class _FormatLoader(jinja2.BaseLoader):
    """Finds "<format>/<name>" in the show's folder, then papercast's, then falls back to "<name>"."""

    def __init__(self, show_templates: Path | None) -> None:
        roots = [show_templates, PACKAGE_TEMPLATES]
        self.roots = [Path(r) for r in roots if r is not None and Path(r).is_dir()]

    def _paths(self, name: str) -> Iterator[Path]:
        pieces = split_template_path(name)  # refuses ".." and absolute names
        names = [pieces] + ([pieces[1:]] if len(pieces) == 2 else [])
        for candidate in names:
            for root in self.roots:
                yield root.joinpath(*candidate)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        for path in self._paths(template):
            if path.is_file():
                mtime = path.stat().st_mtime
                return (path.read_text(encoding="utf-8"), str(path),
                        lambda path=path, mtime=mtime: path.is_file() and path.stat().st_mtime == mtime)
        raise jinja2.TemplateNotFound(template)

    def formats(self) -> list[str]:
        """Folders holding at least one part of a script: the formats on offer."""
        found = {DEFAULT_FORMAT}
        for root in self.roots:
            for folder in root.iterdir():
                if folder.is_dir() and any((folder / f"{part}.j2").is_file() for part in PARTS):
                    found.add(folder.name)
        return sorted(found)


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, keyed by name and source checksum.

    Compiling the templates takes far longer than rendering them, and a build makes an
    environment per episode; a changed template has a new checksum and is compiled again.
    """

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _MemoryBytecodeCache()


class ScriptEnvironment(jinja2.Environment):
    """An environment where a bare name imported from "<format>/x.j2" means "<format>/<name>" first."""

    def join_path(self, template: str, parent: str) -> str:
        if "/" not in template and "/" in parent:
            return f"{parent.split('/', 1)[0]}/{template}"
        return template


def template_environment(show_templates: Path | None = None, cache_dir: Path | None = None) -> jinja2.Environment:
    """Templates from the show's own folder first, then the ones shipped with papercast.

    With `cache_dir`, compiled templates are kept on disk (checked against their source), so
    a rebuild in a new process does not compile them again.
    """
    bytecode: jinja2.BytecodeCache = _BYTECODE
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(cache_dir))
    env = ScriptEnvironment(
        loader=_FormatLoader(show_templates),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
        finalize=v.finalize,
        bytecode_cache=bytecode,
    )
    env.filters.update(v.FILTERS)
    env.filters["grouped"] = grouped  # a list of papers by design, for designs.j2 `mentioned`
    env.filters["short_noun"] = short_noun  # "review", "animal study": a design kind in a word or two
    return env


def available_formats(env: jinja2.Environment) -> list[str]:
    """The formats this environment can write (papercast's and the show's)."""
    loader = env.loader
    return loader.formats() if isinstance(loader, _FormatLoader) else [DEFAULT_FORMAT]


def _template_frames(exc: BaseException) -> list[str]:
    """"file:line" of each template frame the error passed through, innermost last."""
    frames: list[str] = []
    tb = exc.__traceback__
    while tb is not None:  # jinja2 maps template frames to the template's file and line
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or "/templates/" in filename:
            if frames and frames[-1].rsplit(":", 1)[0] == filename:
                frames.pop()  # a block or macro inside the same file: keep the innermost line
            frames.append(f"{filename}:{tb.tb_lineno}")
        tb = tb.tb_next
    return frames


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template; any failure is a TemplateError naming its file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        missing = f"{exc.name!r}, needed by {name!r}" if exc.name != name else repr(name)
        raise TemplateError(f"template {missing} not found (in the show's templates/ or papercast's)") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or name}:{exc.lineno}: {exc.message}") from None
    except Exception as exc:  # a template can fail in any way its expressions can
        frames = _template_frames(exc)
        where = frames[-1] if frames else name
        called = f" (called from {', '.join(reversed(frames[:-1]))})" if len(frames) > 1 else ""
        message = str(exc) or type(exc).__name__
        raise TemplateError(f"{where}: {message}{called}") from None


def parse_dialogue(rendered: str, template: str) -> list[tuple[int, str]]:
    """Split a rendered template into (host, text) turns."""
    turns: list[tuple[int, str]] = []
    for number, line in enumerate(rendered.splitlines(), start=1):
        if not v.unmark(line).strip():
            continue
        match = _ROLE_LINE.match(line)
        if match:
            turns.append((ROLES[match.group(1)], match.group(2).strip()))
        elif turns:
            host, text = turns[-1]
            turns[-1] = (host, f"{text} {line.strip()}")
        else:
            raise TemplateError(f"{template}: output line {number} does not start with 'A:' or 'B:'")
    return [(host, " ".join(text.split())) for host, text in turns if v.unmark(text).strip()]
