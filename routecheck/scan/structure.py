"""Logical lines of Python source without parsing it: bracket depth from the code between the lexer's tokens.

A logical line ends at a newline outside brackets that no backslash continues. Knowing where the one
around a candidate begins and ends is what the scanner needs to parse only that statement (`ast` on a
few lines instead of the whole file), and to tell a string standing alone as a statement (a docstring)
from one inside an expression. Brackets inside strings and comments never count: the code between the
tokens is joined (each token kept only as its line breaks) and counted with C-speed string work, then
one short loop per line.
"""

from __future__ import annotations

import bisect
import itertools
import re
import sys

from routecheck.scan.lexer import LineIndex

_BREAKS = re.compile(r"\r\n|\r|\n")
_JOINED = re.compile(r"\\(?:\r\n|\r|\n)")  # a backslash joining two lines: no code of its own
_COMPOUND = re.compile(r"(?:async\s+)?(?:if|elif|else|for|while|with|try|except|finally|def|class|match|case)\b")
_KEEP = frozenset(b"()[]{}\\\n")
_TABLE = bytes.maketrans(b"[{]}", b"(())")
_DROP = bytes(b for b in range(256) if b not in _KEEP)


class LogicalLines:
    """The logical-line structure of one text, given its string and comment token spans and line index."""

    def __init__(self, text: str, spans: list[tuple[int, int]], lines: LineIndex) -> None:
        self._text = text
        self._spans = spans
        self._lines = lines
        pieces, previous = [], 0
        inside: set[int] = set()  # lines that begin inside a multi-line string token
        breaks = "\n" if "\r" not in text else None  # with \r anywhere, count every kind of line break
        for start, end in spans:
            pieces.append(text[previous:start])
            previous = end
            count = text.count(breaks, start, end) if breaks else len(_BREAKS.findall(text, start, end))
            if count:
                pieces.append("\n" * count)
                first = lines.position(start)[0]
                inside.update(range(first + 1, first + count + 1))
        pieces.append(text[previous:])
        code = "".join(pieces).replace("\r\n", "\n").replace("\r", "\n")
        compact = code.encode("utf-8", "surrogatepass").translate(_TABLE, _DROP).split(b"\n")
        deltas = [line.count(b"(") - line.count(b")") for line in compact]
        self._depth = [0, *itertools.accumulate(deltas)]  # at the start of each line (index 0: line 1)
        self._continued = [b"\\" in line for line in compact]
        self._inside = inside
        self._count = len(compact)

    def _starts_logical(self, line: int) -> bool:
        return (self._depth[line - 1] <= 0 and line not in self._inside
                and (line == 1 or not self._continued[line - 2]))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """(first line, last line) of the logical line(s) holding the offsets `start` to `end`."""
        first = self._lines.position(start)[0]
        while first > 1 and not self._starts_logical(first):
            first -= 1
        last = self._lines.position(max(end - 1, start))[0]
        while last < self._count and not self._starts_logical(last + 1):
            last += 1
        return first, last

    def offsets(self, first: int, last: int) -> tuple[int, int]:
        """Text offsets of the start of line `first` and of the end of line `last`."""
        return self._lines.line_start(first), self._lines.line_start(last + 1)

    def code(self, begin: int, end: int) -> str:
        """The text from `begin` to `end` with every string as `s` and every comment as a blank."""
        return blank(self._text, self._spans, begin, end)

    def standalone(self, start: int, end: int) -> bool:
        """Is the string run from `start` to `end` a statement of its own (a docstring, or any string that
        stands alone), as `ast` would say? Decided from the code around it on its logical line."""
        first, last = self.span(start, end)
        begin, finish = self.offsets(first, last)
        before, after = (_JOINED.sub(" ", self.code(a, b)).strip() for a, b in ((begin, start), (end, finish)))
        opened = 0
        while before.endswith("(") and after.startswith(")"):  # ("a parenthesised statement")
            before, after, opened = before[:-1].rstrip(), after[1:].lstrip(), opened + 1
        if after and not after.startswith(";"):
            return False
        if not before:
            return True
        if before.endswith(";"):
            return self._net_brackets(before) == 0
        # `if x: "..."` (a compound statement's one-line body), not `f = lambda: "..."` nor `{1:\n "..."}`
        return (before.endswith(":") and self._net_brackets(before) == 0 and _COMPOUND.match(before) is not None
                and "lambda" not in before)

    @staticmethod
    def _net_brackets(code: str) -> int:
        return sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")


def local_standalone(text: str, lines: LineIndex, start: int, end: int) -> bool | None:
    """Whether the string run from `start` to `end` stands alone as a statement, when the code on its own
    line says so; None when only the logical line can tell (`LogicalLines.standalone`).

    Code before it on its line (`x = `, `"key": `, `return `) or after it (`,`, `.format(`, `)`) makes it
    part of an expression. Alone on its line, it is a statement when that line is the file's first or
    follows a one-line compound header (`def f(x) -> str:`): the docstrings of real code.
    """
    line = lines.position(start)[0]
    head = text[lines.line_start(line):start].strip()
    last = lines.position(max(end - 1, start))[0]
    tail = text[end:lines.line_start(last + 1)].strip()
    if head and head[-1] not in "(;:":
        return False
    if tail and tail[0] not in ";#)\\":
        return False
    if head.endswith(":") and _COMPOUND.match(head) is None:
        return False  # a dict value or an annotation, not a compound statement's one-line body
    if head or (tail and tail[0] != "#"):
        return None
    previous = line - 1
    while previous >= 1:
        code = text[lines.line_start(previous):lines.line_start(previous + 1)].strip()
        if code and not code.startswith("#"):
            break
        previous -= 1
    if previous < 1:
        return True  # the first statement of the file
    if code.endswith(":") and _COMPOUND.match(code) is not None and code.count("(") == code.count(")") \
            and "lambda" not in code and "{" not in code:
        return True
    return None


def blank(text: str, spans: list[tuple[int, int]], begin: int, end: int) -> str:
    """The text from `begin` to `end` with every string as `s` and every comment as a blank."""
    out, at = [], begin
    index = max(bisect.bisect_right(spans, (begin, sys.maxsize)) - 1, 0)
    for start, stop in itertools.islice(spans, index, None):
        if start >= end:
            break
        if stop <= at:
            continue
        out.append(text[at:max(start, at)])
        out.append(("s" if text[start] != "#" else " ") * (min(stop, end) - max(start, at)))
        at = min(stop, end)
    out.append(text[at:end])
    return "".join(out)


_MAX_WINDOW = 60  # lines: a statement longer than this around a call is left to the logical-line index


def statement_window(text: str, spans: list[tuple[int, int]], lines: LineIndex, offset: int) -> tuple[int, int] | None:
    """(first, last) lines of the smallest window around `offset` whose brackets balance, never closing
    more than it opened, and not continued by a backslash: the statement holding a call, found by
    reading a few lines (None if it spans more than a few dozen)."""
    first = last = lines.position(offset)[0]
    count = lines.position(len(text))[0]

    def code(a: int, b: int) -> str:
        return blank(text, spans, lines.line_start(a), lines.line_start(b + 1))

    while last - first < _MAX_WINDOW:
        window = code(first, last)
        depth, lowest = 0, 0
        for char in window:
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
                lowest = min(lowest, depth)
        if (lowest < 0 or (first > 1 and code(first - 1, first - 1).rstrip().endswith("\\"))) and first > 1:
            first -= 1
        elif (depth > 0 or window.rstrip().endswith("\\")) and last < count:
            last += 1
        else:
            return first, last
    return None
