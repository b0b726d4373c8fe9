"""The stage order holds: sources → script → speech → audio → publish, each importing only earlier ones.

Checked over every import in the package, including imports inside functions. The foundation
(errors, model, fsutil, config, offline) comes before every stage; `publish/spec.py` holds specification
facts with no imports of its own, so the configuration may check against it. No stage imports
the orchestration (build, plan, schedule, report, oneoff) or the CLI.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
FOUNDATION = ("errors", "model", "fsutil", "config", "offline")
STAGES = ("sources", "script", "speech", "audio", "publish")
ORCHESTRATION = ("plan", "schedule", "jobs", "cluster", "report", "build", "oneoff", "cli", "__main__", "__init__")
FACTS = "publish.spec"  # a leaf: importable from the foundation


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def _imports(path: Path) -> set[str]:
    """Every pipeline module that `path` imports, as a dotted name relative to the package."""
    name = _module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "pipeline":
                target = node.module.partition(".")[2]
            else:
                continue
            found.update(f"{target}.{alias.name}".strip(".") if _is_module(f"{target}.{alias.name}".strip("."))
                         else target for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name.partition(".")[2] for alias in node.names if alias.name.startswith("pipeline."))
    return {target for target in found if target}


def _is_module(dotted: str) -> bool:
    path = PACKAGE.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _rank(module: str) -> int:
    """0 for the foundation, 1-5 for the stages in order, 6 for the orchestration and the CLI."""
    top = module.split(".")[0]
    if top in FOUNDATION or module == FACTS:
        return 0
    if top in STAGES:
        return 1 + STAGES.index(top)
    return len(STAGES) + 1


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_later_stage(path: Path) -> None:
    module = _module_name(path)
    if module == "":  # pipeline/__init__.py: the library surface may import anything
        return
    wrong = []
    for target in sorted(_imports(path)):
        allowed = _rank(target) <= _rank(module)
        if module == FACTS:
            allowed = False  # the facts import nothing of papercast's
        if _rank(module) == 0 and module != FACTS:
            allowed = _rank(target) == 0  # the foundation: itself and the facts
        if allowed and target.split(".")[0] in ORCHESTRATION and _rank(module) <= len(STAGES):
            allowed = False
        if not allowed:
            wrong.append(target)
    assert not wrong, f"{module} imports {', '.join(wrong)}, which come later in the pipeline"


def test_the_checker_sees_imports_both_ways() -> None:
    # The rule is only worth something if the import scan finds relative and absolute imports.
    assert "speech.engine" in _imports(PACKAGE / "speech" / "registry.py")
    assert "publish.spec" in _imports(PACKAGE / "config" / "show.py")
    assert {"sources.registry", "speech.casting"} <= _imports(PACKAGE / "plan.py")
    assert _rank("publish.feed") > _rank("audio.mp3") > _rank("speech.cache") > _rank("script.writer") > _rank(
        "sources.bibtex") > _rank("config")
