"""Finding the project's `[tool.routecheck]` table, unvalidated (no pydantic: the snapshot needs it cheap)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routecheck.documents import TomlDocument, read_toml

DEFAULT_POLICY = "policies/routing.toml"


@dataclass(frozen=True)
class ConfigTable:
    """The project root (the pyproject's folder, else the start folder) and its raw config table."""

    root: Path
    document: TomlDocument | None
    table: Any

    @property
    def pyproject(self) -> Path | None:
        return self.document.path if self.document is not None else None


def find_config_table(start: Path) -> ConfigTable:
    """Walk up from `start` to the nearest pyproject.toml with a [tool.routecheck] table."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        doc = read_toml(candidate, what="pyproject.toml", echo_strings=False)
        tool = doc.data.get("tool")
        table = tool.get("routecheck") if isinstance(tool, dict) else None
        if table is not None:
            return ConfigTable(folder, doc, table)
    return ConfigTable(start, None, None)
