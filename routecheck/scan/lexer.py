"""A tiny lexer: where each string literal and comment of Python source is, found by a regular expression in C.

Model ids live in string literals, so the scanner finds them here, with their exact positions, and asks
the stdlib `ast` only which strings stand alone as statements (docstrings). `Positions` turns `ast`'s
UTF-8 byte columns into the character columns findings show.
"""

from __future__ import annotations

import bisect
import itertools
import re
import string
from collections.abc import Iterator
from typing import NamedTuple

# Each body is an "unrolled loop" (a run of ordinary characters, then one escape or lone quote, repeated):
# twice as fast in the regex engine as a per-character alternation, and the same tokens.
_STRING_BODY = (
    r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    r'|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    r"|'[^'\\\r\n]*(?:\\(?:\r\n|.)[^'\\\r\n]*)*'"
    r'|"[^"\\\r\n]*(?:\\(?:\r\n|.)[^"\\\r\n]*)*"'
)
# Every alternative starts with `#` or a quote, so the regex engine skips from one of those characters
# to the next in C; a string's prefix (rb, f, ...) is read back from its quote instead of matched, since
# a pattern that may start at any letter is tried at every letter (six times slower on real code).
_TOKEN = re.compile(rf"#[^\r\n]*|{_STRING_BODY}", re.DOTALL)
_PREFIX_LETTERS = frozenset("rRbBuUfF")
_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_")
_GAP = re.compile(r"(?:\s|\\\r?\n|[()])*")


class StringToken(NamedTuple):
    """One string literal token: its offsets in the text and its body without prefix and quotes (a tuple:
    thousands are made per file, and a tuple is made several times faster than a frozen dataclass)."""

    start: int
    end: int
    body_start: int
    body_end: int


def _prefix_start(text: str, quote: int) -> int:
    """Where the string whose opening quote is at `quote` starts: at its prefix letters, if any."""
    start = quote
    while start > quote - 2 and start > 0 and text[start - 1] in _PREFIX_LETTERS:
        start -= 1
    if start < quote and start > 0 and text[start - 1] in _NAME_CHARS:
        return quote  # the letters end a name: no prefix (and no valid Python either)
    return start


def token_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every string literal (from its opening quote) and comment (from its `#`) of `text`."""
    return list(map(re.Match.span, _TOKEN.finditer(text)))


def string_token(text: str, quote: int, end: int) -> StringToken:
    """The string token whose span `token_spans` gave as (quote, end): its prefix and body located."""
    width = 3 if end - quote >= 6 and text.startswith(text[quote] * 3, quote) else 1
    return StringToken(_prefix_start(text, quote), end, quote + width, end - width)


def string_tokens(text: str) -> list[StringToken]:
    """Every string literal token of `text`, in source order (comments skipped)."""
    return [string_token(text, start, end) for start, end in token_spans(text) if text[start] != "#"]


def comments(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of every comment of `text` (a `#` inside a string literal is no comment)."""
    for match in _TOKEN.finditer(text):
        if text[match.start()] == "#":
            yield match.start(), match.group()


def adjacent(text: str, left: tuple[int, ...], right: tuple[int, int]) -> bool:
    """Are two string tokens parts of one implicit concatenation (only blanks, line joins, parentheses between)?"""
    end = left[1]  # a token's end, or a span's
    return text[right[0]] != "#" and _GAP.fullmatch(text, end, _prefix_start(text, right[0])) is not None


class LineIndex:
    """Offset -> (line, column), both 1-based, columns in characters."""

    def __init__(self, text: str) -> None:
        if "\r" in text:
            self._starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        else:  # the common case, with C-speed splitting
            self._starts = [0, *itertools.accumulate(map((1).__add__, map(len, text.split("\n"))))][:-1]
        self._length = len(text)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def line_start(self, line: int) -> int:
        """The offset where 1-based `line` begins (the text's length past the last line)."""
        return self._starts[line - 1] if line <= len(self._starts) else self._length


class Positions(LineIndex):
    """Also `ast`'s (line, UTF-8 byte column) -> a character offset or a 1-based character column."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._text = text

    def _chars(self, line: int, byte_column: int) -> int:
        if byte_column == 0 or line > len(self._starts):
            return byte_column
        start = self._starts[line - 1]
        head = self._text[start:start + byte_column]
        if head.isascii():
            return byte_column
        return len(self._text[start:start + byte_column * 4].encode("utf-8")[:byte_column].decode("utf-8", "replace"))

    def offset(self, line: int, byte_column: int) -> int:
        return self._starts[min(line, len(self._starts)) - 1] + self._chars(line, byte_column)

    def column(self, line: int, byte_column: int) -> int:
        return self._chars(line, byte_column) + 1
