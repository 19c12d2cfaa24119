"""How paths are shown: relative to the current directory where possible, always with '/', and safe on a
terminal, valid in UTF-8 and on one line in every format."""

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


# A file name is any bytes but "/" and NUL: bytes that are not UTF-8 (decoded by Python as lone
# surrogates), newlines (which could forge a finding line), ANSI escapes (which could rewrite the
# terminal). Every format shows them as Python-style escapes (`\xff`, `\n`, `\x1b`).


def shown_path(path: str) -> str:
    """`path` with undecodable bytes and non-printable characters escaped."""
    if path.isprintable():  # the common case; a lone surrogate or a control character is not printable
        return path
    return "".join(_escaped(c) for c in path)


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(c: str) -> str:
    code = ord(c)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape: the byte it stands for
        return f"\\x{code - 0xDC00:02x}"
    if c.isprintable():
        return c
    if c in _SHORT:
        return _SHORT[c]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
