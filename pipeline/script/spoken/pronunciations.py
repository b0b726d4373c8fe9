"""A show's pronunciation file: word = how to say it (TOML or YAML)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

import yaml

from ...errors import ConfigError


def read_pronunciation_file(path: Path) -> dict[Any, Any]:
    """A pronunciation file's mapping (TOML or YAML, optionally all under one [pronunciations] table)."""
    path = Path(path)
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        elif path.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        else:
            raise ConfigError(str(path), ["pronunciations must be a .toml or .yaml file"])
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"]) from None
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(str(path), [f"not valid {path.suffix[1:].upper()} ({exc})"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot be read ({exc})"]) from None
    if isinstance(data, dict) and set(data) == {"pronunciations"}:
        data = data["pronunciations"]  # also accept everything under one [pronunciations] table
    if not isinstance(data, dict):
        raise ConfigError(str(path), ["must be a mapping of word = how to say it"])
    return data


def load_pronunciations(path: Path) -> dict[str, str]:
    """Read a show's pronunciation file of plain respellings (word -> how to say it)."""
    data = read_pronunciation_file(path)
    problems = [f"{key!r} must map to a non-empty string" for key, value in data.items()
                if not isinstance(key, str) or not key.strip() or not isinstance(value, str) or not value.strip()]
    if problems:
        raise ConfigError(str(path), problems)
    return {key.strip(): value.strip() for key, value in data.items()}
