"""GitHub Actions workflow commands: one `::error file=…,line=…::message` annotation per finding.

In a notebook the annotation points at the .ipynb file, with the line and column within the cell and the
cell named first in the message (`cell 3: RC201 …`), as ruff annotates notebooks.
"""

from __future__ import annotations

from routecheck.finding import Report, Severity
from routecheck.paths import shown_path

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _cell(cell: int | None) -> str:
    return "" if cell is None else f"cell {cell}: "


def render(report: Report) -> str:
    lines = []
    for f in report.findings:
        title = _property(f"{f.code} {f.name}")
        props = f"file={_property(shown_path(f.path))},line={f.line},col={f.column},title={title}"
        lines.append(f"::{_LEVEL[f.severity]} {props}::{_data(f'{_cell(f.cell)}{f.code} {f.message}')}")
    for n in report.notes:
        text = _data(_cell(n.cell) + n.message)
        lines.append(f"::notice file={_property(shown_path(n.path))},line={n.line},col={n.column}::{text}")
    return "".join(line + "\n" for line in lines)
