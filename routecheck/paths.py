"""How paths are shown: relative to the current directory where possible, always with '/'."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path, start: Path | None = None) -> str:
    """`path` relative to `start` (default: the current directory) when it lies below it, POSIX-style."""
    base = start if start is not None else Path.cwd()
    try:
        absolute = path if path.is_absolute() else base / path
        return Path(os.path.normpath(absolute)).relative_to(os.path.normpath(base)).as_posix()
    except ValueError:
        return Path(os.path.normpath(path)).as_posix()
