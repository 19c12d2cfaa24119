"""File names as every format shows them: safe on a terminal, valid in UTF-8, one line.

A name is any bytes but "/" and NUL: bytes that are not UTF-8 (decoded by Python as lone surrogates),
newlines (which could forge a finding line), ANSI escapes (which could rewrite the terminal). Those
are written as Python-style escapes (`\\xff`, `\\n`, `\\x1b`); every other character is kept.
"""

from __future__ import annotations


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
