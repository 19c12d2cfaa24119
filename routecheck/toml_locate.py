"""Where each key of a TOML document stands: key path -> (line, column).

The stdlib's tomllib parses but forgets positions, and every error routecheck reports must point at
a line. This scanner walks a document that tomllib has already accepted and records the position of
every key, table header and array element, so it can stay small: it never has to reject anything.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

KeyPath = tuple[str | int, ...]

_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\", "e": "\x1b"}


class KeyLocator:
    """Positions of the keys of one TOML text; `locate` falls back to the nearest enclosing key."""

    def __init__(self, text: str) -> None:
        self._line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self._offsets: dict[KeyPath, int] = _Scanner(text).scan()

    def locate(self, path: Sequence[str | int]) -> tuple[int, int]:
        """1-based (line, column) of `path`, else of its longest located prefix, else (1, 1)."""
        key = tuple(path)
        while key:
            offset = self._offsets.get(key)
            if offset is not None:
                line = bisect.bisect_right(self._line_starts, offset)
                return line, offset - self._line_starts[line - 1] + 1
            key = key[:-1]
        return 1, 1

    def key_at(self, offset: int) -> KeyPath:
        """The deepest key path that starts last at or before `offset` (the key a value there belongs to)."""
        before = [(start, len(key), key) for key, start in self._offsets.items() if start <= offset]
        return max(before)[2] if before else ()


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.found: dict[KeyPath, int] = {}
        self.table: KeyPath = ()
        self.aot_count: dict[KeyPath, int] = {}

    def scan(self) -> dict[KeyPath, int]:
        while True:
            self.skip_blank()
            if self.i >= len(self.s):
                return self.found
            start = self.i
            if self.s[self.i] == "[":
                self.header()
            else:
                self.key_value(self.table)
            if self.i == start:  # cannot happen on valid TOML; never loop forever on anything else
                return self.found

    # -- lexical helpers ------------------------------------------------------------------------
    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def skip_spaces(self) -> None:
        while self.peek() in (" ", "\t"):
            self.i += 1

    def skip_blank(self) -> None:
        """Spaces, newlines and comments."""
        while True:
            c = self.peek()
            if c in (" ", "\t", "\r", "\n"):
                self.i += 1
            elif c == "#":
                end = self.s.find("\n", self.i)
                self.i = len(self.s) if end < 0 else end
            else:
                return

    def record(self, path: KeyPath, offset: int) -> None:
        self.found.setdefault(path, offset)

    # -- keys -----------------------------------------------------------------------------------
    def key(self) -> list[tuple[str, int]]:
        """A dotted key as (part, offset) pairs."""
        parts: list[tuple[str, int]] = []
        while True:
            self.skip_spaces()
            start = self.i
            c = self.peek()
            if c == '"':
                parts.append((self.basic_string(), start))
            elif c == "'":
                end = self.s.find("'", self.i + 1)
                end = len(self.s) if end < 0 else end
                parts.append((self.s[self.i + 1 : end], start))
                self.i = end + 1
            else:
                while self.peek() in _BARE_KEY and self.peek():
                    self.i += 1
                parts.append((self.s[start : self.i], start))
            self.skip_spaces()
            if self.peek() != ".":
                return parts
            self.i += 1

    def basic_string(self) -> str:
        """A one-line basic string, decoded (keys may use escapes)."""
        self.i += 1
        out: list[str] = []
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == '"':
                self.i += 1
                break
            if c == "\\":
                esc = self.peek(1)
                if esc in ("u", "U"):
                    width = 4 if esc == "u" else 8
                    digits = self.s[self.i + 2 : self.i + 2 + width]
                    try:
                        out.append(chr(int(digits, 16)))
                    except ValueError:
                        out.append(digits)
                    self.i += 2 + width
                    continue
                out.append(_ESCAPES.get(esc, esc))
                self.i += 2
                continue
            out.append(c)
            self.i += 1
        return "".join(out)

    def record_key(self, base: KeyPath, parts: list[tuple[str, int]]) -> KeyPath:
        path = base
        for name, offset in parts:
            path = (*path, name)
            self.record(path, offset)
        return path

    # -- statements -----------------------------------------------------------------------------
    def header(self) -> None:
        start = self.i
        is_array = self.peek(1) == "["
        self.i += 2 if is_array else 1
        parts = self.key()
        self.i += 2 if is_array else 1
        path: KeyPath = ()
        for n, (name, _) in enumerate(parts):
            path = (*path, name)
            self.record(path, start)
            last = n == len(parts) - 1
            if path in self.aot_count and not (last and is_array):
                path = (*path, self.aot_count[path] - 1)
        if is_array:
            index = self.aot_count.get(path, 0)
            self.aot_count[path] = index + 1
            path = (*path, index)
            self.record(path, start)
        self.table = path

    def key_value(self, base: KeyPath) -> None:
        path = self.record_key(base, self.key())
        self.skip_spaces()
        if self.peek() == "=":
            self.i += 1
        self.skip_spaces()
        self.value(path)

    # -- values ---------------------------------------------------------------------------------
    def value(self, path: KeyPath) -> None:
        s = self.s
        if s.startswith('"""', self.i):
            self.multiline_string('"""', escapes=True)
        elif s.startswith("'''", self.i):
            self.multiline_string("'''", escapes=False)
        elif self.peek() == '"':
            self.basic_string()
        elif self.peek() == "'":
            end = s.find("'", self.i + 1)
            self.i = len(s) if end < 0 else end + 1
        elif self.peek() == "[":
            self.array(path)
        elif self.peek() == "{":
            self.inline_table(path)
        else:
            while self.i < len(s) and s[self.i] not in ",]}#\r\n":
                self.i += 1

    def multiline_string(self, quote: str, *, escapes: bool) -> None:
        self.i += 3
        while self.i < len(self.s):
            if escapes and self.s[self.i] == "\\":
                self.i += 2
            elif self.s.startswith(quote, self.i):
                self.i += 3
                # up to two quote characters may stand just before the closing delimiter
                while self.peek() == quote[0]:
                    self.i += 1
                return
            else:
                self.i += 1

    def array(self, path: KeyPath) -> None:
        self.i += 1
        index = 0
        while self.i < len(self.s):
            self.skip_blank()
            if self.peek() == "]":
                self.i += 1
                return
            element = (*path, index)
            self.record(element, self.i)
            start = self.i
            self.value(element)
            index += 1
            self.skip_blank()
            if self.peek() == "," or self.i == start:
                self.i += 1

    def inline_table(self, path: KeyPath) -> None:
        self.i += 1
        while self.i < len(self.s):
            self.skip_blank()
            if self.peek() == "}":
                self.i += 1
                return
            start = self.i
            self.key_value(path)
            self.skip_blank()
            if self.peek() == "," or self.i == start:
                self.i += 1
