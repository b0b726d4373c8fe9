"""The README's library example runs as written, on a real show."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_library_example_builds_a_show(show_dir: Path) -> None:
    text = README.read_text()
    example = re.search(r"call the library directly:\s*```python\n(.*?)```", text, re.DOTALL)
    assert example, "README lost its library example"
    code = example.group(1)
    assert "path/to/show" in code
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code.replace("path/to/show", str(show_dir)), "README.md", "exec"), {})  # noqa: S102
    assert "2 built" in printed.getvalue()
    assert (show_dir / "feed" / "feed.xml").is_file()


def test_the_library_surface_is_typed_names_not_a_module_getattr() -> None:
    import pipeline

    assert not hasattr(pipeline, "__getattr__")
    for name in ("build_show", "make_episode", "OneOff", "Progress", "Report", "load_show", "add_papers",
                 "check_feed", "PapercastError"):
        assert name in pipeline.__all__ and getattr(pipeline, name) is not None
