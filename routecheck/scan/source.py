"""Turning the bytes of a file into text: PEP 263 coding cookies, BOMs, binary and undecodable files."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BOM = codecs.BOM_UTF8


@dataclass(frozen=True, slots=True)
class Undecodable:
    """Why a file has no text: a message and where (1-based line and column)."""

    line: int
    column: int
    message: str


def _position(data: bytes, offset: int) -> tuple[int, int]:
    return data.count(b"\n", 0, offset) + 1, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def is_binary(data: bytes) -> bool:
    """A NUL byte in the first 8 KiB: what git and grep call a binary file."""
    return b"\0" in data[:8192]


def python_encoding(data: bytes) -> tuple[str, int]:
    """The encoding PEP 263 gives `data` and the line of its cookie (0: none, the UTF-8 default)."""
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    head = data if second < 0 else data[:second]
    if b"coding" not in head:  # nearly every file: no cookie to look for
        return "utf-8", 0
    lines = head.split(b"\n")[:2]
    for number, line in enumerate(lines, start=1):
        match = _COOKIE.match(line)
        if match:
            return match.group(1).decode("ascii", "replace"), number
        if line.strip() and not line.lstrip().startswith(b"#"):
            break  # a cookie only counts on the first two lines, and only before any code
    return "utf-8", 0


def decode_python(data: bytes) -> str | Undecodable:
    """The text of a Python source file, or why it has none."""
    if is_binary(data):
        return Undecodable(1, 1, "binary file (NUL bytes); skipped")
    encoding, cookie_line = python_encoding(data.removeprefix(_BOM))
    if data.startswith(_BOM):
        if cookie_line and _tokenizer_name(encoding) != "utf-8":
            return Undecodable(cookie_line, 1, f"UTF-8 byte order mark but coding cookie '{encoding}' (Python "
                               "accepts only 'utf-8' beside one); skipped")
        data = data[len(_BOM):]
    try:
        if cookie_line:
            codecs.lookup(encoding)
    except LookupError:
        return Undecodable(cookie_line, 1, f"unknown encoding '{encoding}' in the coding cookie; skipped")
    return decode_text(data, encoding)


def _tokenizer_name(encoding: str) -> str:
    """The name CPython's tokenizer gives a cookie's encoding before it checks it against a BOM: only the
    spellings of 'utf-8' count ('utf8' is a fine codec name, yet Python rejects it after a BOM)."""
    name = encoding.lower().replace("_", "-")
    return "utf-8" if name == "utf-8" or name.startswith("utf-8-") else name


def decode_text(data: bytes, encoding: str = "utf-8") -> str | Undecodable:
    """`data` decoded, or a note pointing at the first byte that is not valid in `encoding`."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        return Undecodable(line, column, f"byte 0x{data[exc.start]:02x} is not valid {encoding}; skipped")
    except (LookupError, ValueError) as exc:  # codecs that cannot decode at all (e.g. 'hex' needs bytes-like input)
        return Undecodable(1, 1, f"cannot decode as '{encoding}': {exc}; skipped")
