"""Jupyter notebooks (`.ipynb`): their code cells as one Python text, IPython syntax masked.

Cells are numbered from 1 among all the notebook's cells (markdown ones too), as ruff and Jupyter
number them. The code cells are joined in order so that names defined in one cell resolve in a
later one; each masked line (a `%magic`, a `!shell` escape, `x = !cmd`, `obj?` help) becomes `pass`
at its indentation, so lines and columns stay those of the cell; `%time stmt` keeps its statement, in
place. A cell behind a cell magic that is not Python (`%%bash`, `%%html`, ...) is left out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from routecheck.scan.facts import FileNote

#: Cell magics whose body is still Python, and line magics whose argument is a Python statement.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit"})
PYTHON_LINE_MAGICS = frozenset({"time", "timeit", "prun", "memit"})
_LINE_MAGIC = re.compile(r"^([ \t]*)%(\w+)([ \t]+)(?=\S)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # where Python breaks lines (str.splitlines breaks at more)
_MAGIC = re.compile(r"^([ \t]*)(?:[%!?]|[\w.]+\?\??[ \t]*$|[\w.]+(?:[ \t]*,[ \t]*[\w.]+)*[ \t]*=[ \t]*[%!])")


@dataclass(frozen=True)
class NotebookCode:
    """A notebook's code cells: each one's number and its text, IPython syntax masked."""

    cells: tuple[tuple[int, str], ...]

    @property
    def text(self) -> str:
        """The cells joined in order."""
        return "".join(text for _, text in self.cells)

    @property
    def starts(self) -> tuple[tuple[int, int], ...]:
        """Each cell's (first line in `text`, cell number)."""
        out, line = [], 1
        for number, text in self.cells:
            out.append((line, number))
            line += text.count("\n")
        return tuple(out)


def _source(cell: object) -> str | None:
    source = cell.get("source", "") if isinstance(cell, dict) else None
    if isinstance(source, list) and all(isinstance(piece, str) for piece in source):
        return "".join(source)
    return source if isinstance(source, str) else None


def _masked(source: str) -> list[str] | None:
    """The cell's lines with IPython syntax turned into `pass`; None for a cell that is not Python."""
    lines = _LINE_BREAK.split(source)
    if lines and lines[-1] == "":
        lines.pop()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in PYTHON_CELL_MAGICS:
            return None
        lines[0] = "pass"
    out = []
    for line in lines:
        timed = _LINE_MAGIC.match(line)
        if timed and timed.group(2) in PYTHON_LINE_MAGICS:  # `%time f(x)` -> `_=    f(x)`: same columns
            indent, width = timed.group(1), timed.end() - len(timed.group(1))
            out.append(indent + "_=".ljust(width) + line[timed.end():])
            continue
        match = _MAGIC.match(line)
        out.append(f"{match.group(1)}pass" if match else line)
    return out


def read_notebook(data: bytes) -> NotebookCode | FileNote:
    """The code of a notebook, or a note saying why it has none."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        line, column = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (1, 1)
        return FileNote(line, column, f"not a valid notebook (invalid JSON: {reason}); skipped")
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        return FileNote(1, 1, "not a valid notebook (no 'cells' list); skipped")
    metadata = document.get("metadata")
    language = _language(metadata) if isinstance(metadata, dict) else None
    if language is not None and language.lower() != "python":
        return FileNote(1, 1, f"notebook language {language!r}, not Python; skipped")
    code: list[tuple[int, str]] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        if source is None:
            return FileNote(1, 1, f"not a valid notebook (cell {number}'s source is not text); skipped")
        lines = _masked(source)
        if lines is None:
            continue
        code.append((number, "".join(f"{text}\n" for text in lines)))
    return NotebookCode(tuple(code))


def _language(metadata: dict[str, object]) -> str | None:
    for key, field in (("language_info", "name"), ("kernelspec", "language")):
        section = metadata.get(key)
        if isinstance(section, dict) and isinstance(section.get(field), str):
            return str(section[field])
    return None


def cell_source(data: bytes, number: int) -> str:
    """The source of cell `number` (1-based) of a notebook as written, or "" if there is none."""
    try:
        cells = json.loads(data).get("cells")
        return _source(cells[number - 1]) or ""
    except (ValueError, RecursionError, AttributeError, TypeError, IndexError):
        return ""
