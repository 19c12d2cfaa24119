"""`path:line:col: CODE [severity] message`, one per line, then notes and a one-line summary."""

from __future__ import annotations

from routecheck.finding import Report
from routecheck.paths import shown_path


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def location(path: str, cell: int | None, line: int, column: int) -> str:
    """`path:line:col`, or in a notebook `path:cell N:line:col` (as ruff prints it)."""
    path = shown_path(path)
    return f"{path}:{line}:{column}" if cell is None else f"{path}:cell {cell}:{line}:{column}"


def render_findings(report: Report) -> str:
    """Only the finding lines (--quiet)."""
    return "".join(
        f"{location(f.path, f.cell, f.line, f.column)}: {f.code} [{f.severity.value}] {f.message}\n"
        for f in report.findings
    )


def render(report: Report) -> str:
    lines = [render_findings(report).rstrip("\n")] if report.findings else []
    lines += [f"{location(n.path, n.cell, n.line, n.column)}: note: {n.message}" for n in report.notes]
    s = report.summary
    files = _plural(s.files_scanned, "file")
    if s.errors or s.warnings or s.infos:
        counts = ", ".join([_plural(s.errors, "error"), _plural(s.warnings, "warning"), _plural(s.infos, "info")])
        lines.append(f"Found {counts} in {files}.")
    else:
        lines.append(f"All checks passed ({files}).")
    return "\n".join(lines) + "\n"
