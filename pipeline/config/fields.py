"""Reading TOML settings files: every problem collected with the setting's name, none raised early."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

from ..errors import ConfigError


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's tables, or a ConfigError naming the file and what is wrong with it."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"not valid TOML ({exc})"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot be read ({exc})"]) from None


class Fields:
    """Reads typed fields from a TOML table, collecting every problem instead of stopping."""

    def __init__(self, table: dict[str, Any], where: str, problems: list[str]) -> None:
        self.table, self.where, self.problems = table, where, problems

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def text(self, key: str, default: str | None = None) -> str:
        value = self.table.get(key, default)
        if value is None:
            self.problems.append(f"{self._name(key)} is required")
            return ""
        if not isinstance(value, str):
            self.problems.append(f"{self._name(key)} must be a string")
            return ""
        if not value.strip() and default is None:
            self.problems.append(f"{self._name(key)} must not be empty")
        return value.strip()

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.append(f"{self._name(key)} must be a whole number")
            return default
        if not low <= value <= high:
            self.problems.append(f"{self._name(key)} must be between {low} and {high}, not {value}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            self.problems.append(f"{self._name(key)} must be true or false")
            return default
        return value

    def unknown(self, known: set[str]) -> None:
        for key in sorted(set(self.table) - known):
            self.problems.append(f"unknown setting {self._name(key)}")


