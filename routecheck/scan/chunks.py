"""Which top-level statements of an admitted file libcst must parse.

libcst parses ~20k lines/s; Python's own `ast` parses the same file in a fraction of that time. So
`ast` checks the syntax and gives each top-level statement's line span, and libcst parses only the
statements that hold a candidate (a string with a model id, something shaped like an SDK or routing
call) plus, when the file may hold a routing call or another module imports from it, the small ones
that define names a task argument may use (imports, constants, Enum and Literal definitions). A
top-level statement is complete Python on its own, so each selected run of lines parses alone and
keeps its line numbers by an offset.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterable

from routecheck.model_ids import ModelMatcher
from routecheck.scan.lexer import LineIndex, StringToken, adjacent_token_runs

_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split where Python splits them (not at form feeds and the like)."""
    out, start = [], 0
    for match in _NEWLINE.finditer(text):
        out.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        out.append(text[start:])
    return out


def candidate_lines(text: str, tokens: list[StringToken], matcher: ModelMatcher, calls: re.Pattern[str]) -> set[int]:
    """Lines (1-based) of strings holding a model id and of what may be an SDK or routing call."""
    lines: set[int] = set()
    index = LineIndex(text)
    for run, members in adjacent_token_runs(text, tokens):
        if matcher.first(run) is not None:
            first, last = index.position(members[0].start)[0], index.position(members[-1].end - 1)[0]
            lines.update(range(first, last + 1))
    lines.update(index.position(match.start())[0] for match in calls.finditer(text))
    return lines


def _defines_names(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return isinstance(stmt.value, (ast.Constant, ast.Subscript, ast.BinOp)) or stmt.value is None
    if isinstance(stmt, ast.ClassDef):  # an Enum or a namespace of string constants
        return any(isinstance(s, (ast.Assign, ast.AnnAssign)) and isinstance(s.value, ast.Constant)
                   and isinstance(s.value.value, str) for s in stmt.body)
    return False


def select_spans(tree: ast.Module, wanted: Iterable[int], *, definitions: bool) -> list[tuple[int, int]]:
    """Merged (first, last) line spans of the top-level statements to parse: those holding a wanted line
    and, with `definitions`, those defining names (what a routing call's task argument may name)."""
    marks = sorted(set(wanted))
    spans: list[tuple[int, int]] = []
    for stmt in tree.body:
        decorators = getattr(stmt, "decorator_list", [])
        first = min([stmt.lineno, *(d.lineno for d in decorators)])
        last = stmt.end_lineno or stmt.lineno
        hit = bisect.bisect_left(marks, first)
        if (hit < len(marks) and marks[hit] <= last) or (definitions and _defines_names(stmt)):
            if spans and first <= spans[-1][1] + 1:
                spans[-1] = (spans[-1][0], max(last, spans[-1][1]))
            else:
                spans.append((first, last))
    return spans
