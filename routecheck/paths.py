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


def inside(path: Path | str, folder: Path | str) -> bool:
    """Whether `path`, symlinks resolved (a dangling one too), lies in `folder` (resolved) or is it."""
    try:
        real, base = os.path.realpath(path), os.path.realpath(folder)
    except ValueError:  # a NUL in the name: no OS call can open it either, and the reader says why
        return True
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)
