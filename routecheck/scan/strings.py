"""RC201's facts: model ids in the string literals of Python code, each at a position a reader can find.

Strings come from the lexer, joined where Python joins them (implicit concatenation), and only those
holding one of the matcher's needle words are looked at; documentation (a docstring, or any string
standing alone as a statement) is skipped. A finding points at the literal (the piece of a
concatenation) holding the id, or, in a literal that spans lines, at the id itself.
"""

from __future__ import annotations

import ast
import bisect
import sys
import warnings
from collections.abc import Callable, Iterator

from routecheck.model_ids import ModelMatcher
from routecheck.scan.facts import ModelHit
from routecheck.scan.lexer import LineIndex, StringToken, adjacent, string_token

Run = list[StringToken]


def candidate_runs(text: str, spans: list[tuple[int, int]], needles: list[int]) -> list[Run]:
    """The runs of adjacent string tokens (implicit concatenations) holding one of the `needles` offsets."""
    chosen: list[int] = []
    for offset in needles:
        index = bisect.bisect_right(spans, (offset, sys.maxsize)) - 1
        inside = index >= 0 and offset < spans[index][1] and text[spans[index][0]] != "#"
        if inside and (not chosen or chosen[-1] != index):
            chosen.append(index)
    runs: list[Run] = []
    last = -1  # the last token index already in a run
    for index in chosen:
        if index <= last:
            continue
        first = index
        while first > 0 and first - 1 > last and adjacent(text, spans[first - 1], spans[first]) \
                and text[spans[first - 1][0]] != "#":
            first -= 1
        end = index
        while end + 1 < len(spans) and adjacent(text, spans[end], spans[end + 1]):
            end += 1
        runs.append([string_token(text, *spans[i]) for i in range(first, end + 1)])
        last = end
    return runs


def _value(text: str, token: StringToken) -> tuple[str, bool]:
    """A token's text to match ids in, and whether its offsets are the source's (no escapes evaluated).

    f-strings are matched as written: their fields hold no id unless a nested string does, and then the
    id sits where it is written.
    """
    body = text[token.body_start:token.body_end]
    prefix = text[token.start:token.body_start].lower()
    if "\\" not in body or "r" in prefix or "f" in prefix:
        return body, True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences warn; they are the code's business
        try:
            value = ast.literal_eval(text[token.start:token.end])
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return body, True
    return (value.decode("latin-1") if isinstance(value, bytes) else str(value)), False


def _nested_string(text: str, start: int, at: int) -> int | None:
    """Where the string nested in an f-string's replacement field around offset `at` starts, if it is in one."""
    depth, quote, i = 0, -1, start
    while i < at:
        char = text[i]
        if depth == 0 and char in "{}" and text.startswith(char * 2, i):
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth and char in "'\"":
            quote = i
        i += 1
    return quote if depth and quote >= 0 else None


def run_hits(text: str, run: Run, matcher: ModelMatcher) -> Iterator[tuple[int, str]]:
    """(source offset, model) of every model id in one run of string tokens."""
    values = [_value(text, token) for token in run]
    joined = "".join(value for value, _ in values)
    starts, offset = [], 0
    for value, _ in values:
        starts.append(offset)
        offset += len(value)
    for match in matcher.finditer(joined):
        index = bisect.bisect_right(starts, match.start) - 1
        token, (_, aligned) = run[index], values[index]
        where = token.start
        if aligned and "f" in text[token.start:token.body_start].lower():
            nested = _nested_string(text, token.body_start, token.body_start + match.start - starts[index])
            where = token.start if nested is None else nested
        if "\n" in text[token.start:token.end] or "\r" in text[token.start:token.end]:
            if aligned:
                where = token.body_start + match.start - starts[index]
            else:
                found = text.find(match.model, token.body_start, token.body_end)
                where = found if found >= 0 else token.start
        yield where, match.model


def model_hits(text: str, runs: list[Run], matcher: ModelMatcher, lines: LineIndex,
               documentation: Callable[[Run], bool]) -> list[ModelHit]:
    """Every model id in `runs` but those in documentation."""
    hits = []
    for run in runs:
        found = list(run_hits(text, run, matcher))
        if found and not documentation(run):
            hits += [ModelHit(*lines.position(where), model) for where, model in found]
    return hits


def documentation_starts(tree: ast.Module) -> Iterator[tuple[int, int]]:
    """(line, UTF-8 byte column) of every string that stands alone as a statement, from statement lists only."""
    bodies: list[list[ast.stmt]] = [tree.body]
    while bodies:
        for stmt in bodies.pop():
            if isinstance(stmt, ast.Expr):
                value = stmt.value
                if isinstance(value, ast.JoinedStr) or (
                        isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes))):
                    yield value.lineno, value.col_offset
                continue
            for name in ("body", "orelse", "finalbody"):
                block = getattr(stmt, name, None)
                if isinstance(block, list):
                    bodies.append(block)
            for handler in getattr(stmt, "handlers", ()):
                bodies.append(handler.body)
            for case in getattr(stmt, "cases", ()):
                bodies.append(case.body)
