"""Adding `[tool.routecheck]` to a pyproject.toml as text: the user's formatting and comments stay as they are.

The table is appended (a TOML table may come after any other); an existing one only gains the
`client` key it lacks, on the line after its header. The result is parsed again before it is written,
so a file this cannot extend safely (an inline `tool = {...}`, say) is an error, never a broken file.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from routecheck.atomic import write_atomically
from routecheck.errors import ConfigError, Problem
from routecheck.paths import display_path

__all__ = ["add_config_table"]

_HEADER = re.compile(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*routecheck[ \t]*\][ \t]*(#.*)?$", re.MULTILINE)


def add_config_table(pyproject: Path, *, policy: str, client: str) -> str | None:
    """Give `pyproject` a `[tool.routecheck]` table naming `policy` and `client` (creating the file if need
    be); what was done, or None when the table already says it all."""
    shown = display_path(pyproject)
    try:
        text = pyproject.read_bytes().decode("utf-8") if pyproject.exists() else ""  # its newlines as they are
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(shown, None, None, "", f"cannot add [tool.routecheck]: {exc}")]) from None
    newline = "\r\n" if "\r\n" in text else "\n"
    data = _parse(text, shown)
    table = data.get("tool", {}).get("routecheck") if isinstance(data.get("tool"), dict) else None
    if table is None:
        block = ["[tool.routecheck]", f"policy = {json.dumps(policy)}", f"client = {json.dumps(client)}"]
        lead = "" if not text else (newline if text.endswith(("\n", "\r")) else newline * 2)
        updated = text + lead + newline.join(block) + newline
        done = f"added [tool.routecheck] to {shown}" if text else f"wrote {shown} with [tool.routecheck]"
    elif isinstance(table, dict) and "client" not in table:
        header = _HEADER.search(text)
        if header is None:
            raise ConfigError([Problem(shown, None, None, "tool.routecheck", "cannot add the client key here "
                                       f"(expected a [tool.routecheck] header; add client = {json.dumps(client)})")])
        end = header.end()
        updated = text[:end] + newline + f"client = {json.dumps(client)}" + text[end:]
        done = f"added client to [tool.routecheck] in {shown}"
    else:
        return None
    parsed = _parse(updated, shown)
    tool = parsed.get("tool")
    config = tool.get("routecheck") if isinstance(tool, dict) else None
    if not isinstance(config, dict) or config.get("client") != client:
        raise ConfigError([Problem(shown, None, None, "tool.routecheck",
                                   "cannot add the table to this file (add it by hand)")])
    write_atomically(pyproject, updated)
    return done


def _parse(text: str, shown: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([Problem(shown, None, None, "", f"cannot add [tool.routecheck]: invalid TOML ({exc})")]) \
            from None
