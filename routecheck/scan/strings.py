"""RC201's facts: model ids in the string literals of Python code, each at a position a reader can find.

Strings come from the lexer, joined where Python joins them (implicit concatenation); documentation
(a docstring, or any string standing alone as a statement) is skipped, as `ast` says which those are.
A finding points at the literal (the piece of a concatenation) holding the id, or, in a literal that
spans lines, at the id itself.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Collection, Iterator

from routecheck.model_ids import ModelMatcher
from routecheck.scan.facts import ModelHit
from routecheck.scan.lexer import LineIndex, StringToken, adjacent_token_runs


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


def model_hits(text: str, tokens: list[StringToken], matcher: ModelMatcher, lines: LineIndex,
               documentation: Collection[int]) -> list[ModelHit]:
    """Every model id in the strings of `text` but those starting at a `documentation` offset."""
    hits = []
    for _, run in adjacent_token_runs(text, tokens):
        if run[0].start in documentation:
            continue
        values = [_value(text, token) for token in run]
        joined = "".join(value for value, _ in values)
        starts, offset = [], 0
        for value, _ in values:
            starts.append(offset)
            offset += len(value)
        for match in matcher.finditer(joined):
            index = max(i for i, start in enumerate(starts) if start <= match.start)
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
            hits.append(ModelHit(*lines.position(where), match.model))
    return hits
