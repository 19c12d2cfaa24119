"""A tiny lexer for what positions need: where each string literal and comment of Python source starts.

libcst's PositionProvider costs more than parsing itself; string literals are by far the most common
thing a finding points at, and a regular expression finds their starts in C. The scanner pairs the
n-th string token found here with the n-th string node libcst visits, and falls back to
PositionProvider when the counts disagree (source this lexer does not understand).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

_PREFIX = r"(?:(?<![A-Za-z0-9_])[rRbBuUfF]{1,2})?"
_STRING_BODY = (
    r"'''(?:[^\\]|\\.)*?'''"
    r'|"""(?:[^\\]|\\.)*?"""'
    r"|'(?:[^'\\\r\n]|\\(?:\r\n|.))*'"
    r'|"(?:[^"\\\r\n]|\\(?:\r\n|.))*"'
)
_TOKEN = re.compile(rf"(?P<comment>#[^\r\n]*)|(?P<string>{_PREFIX}(?:{_STRING_BODY}))", re.DOTALL)
_GAP = re.compile(r"(?:\s|\\\r?\n|[()])*")


@dataclass(frozen=True, slots=True)
class StringToken:
    """One string literal token: its offsets in the text and its body without prefix and quotes."""

    start: int
    end: int
    body_start: int
    body_end: int


def string_tokens(text: str) -> list[StringToken]:
    """Every string literal token of `text`, in source order (comments skipped)."""
    tokens = []
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "string":
            continue
        start, end = match.span()
        quote = start
        while text[quote] not in "'\"":
            quote += 1
        width = 3 if text.startswith(text[quote] * 3, quote) and end - quote >= 6 else 1
        tokens.append(StringToken(start, end, quote + width, end - width))
    return tokens


def comments(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of every comment of `text` (a `#` inside a string literal is no comment)."""
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "comment":
            yield match.start(), match.group()


def adjacent_token_runs(text: str, tokens: list[StringToken]) -> Iterator[tuple[str, list[StringToken]]]:
    """Each run of adjacent string tokens (an implicit concatenation): bodies joined, and the tokens."""
    run: list[StringToken] = []
    for token in tokens:
        if run and not _GAP.fullmatch(text, run[-1].end, token.start):
            yield "".join(text[t.body_start:t.body_end] for t in run), run
            run = []
        run.append(token)
    if run:
        yield "".join(text[t.body_start:t.body_end] for t in run), run


def adjacent_runs(text: str, tokens: list[StringToken]) -> Iterator[str]:
    """The text of each run of adjacent string tokens (an implicit concatenation), bodies joined."""
    for joined, _ in adjacent_token_runs(text, tokens):
        yield joined


class LineIndex:
    """Offset -> (line, column), both 1-based, columns in characters."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1
