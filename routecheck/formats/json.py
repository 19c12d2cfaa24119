"""The stable, versioned JSON report (DESIGN.md §4)."""

from __future__ import annotations

import json
from typing import Any

from routecheck.finding import Finding, Note, Report

VERSION = 1


def finding_to_json(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "message": finding.message,
    }
    if finding.model is not None:
        out["model"] = finding.model
    if finding.task is not None:
        out["task"] = finding.task
    if finding.cell is not None:
        out["cell"] = finding.cell
    return out


def note_to_json(note: Note) -> dict[str, Any]:
    out: dict[str, Any] = {"path": note.path, "line": note.line, "column": note.column, "message": note.message}
    if note.cell is not None:
        out["cell"] = note.cell
    return out


def render(report: Report) -> str:
    s = report.summary
    document = {
        "version": VERSION,
        "findings": [finding_to_json(f) for f in report.findings],
        "notes": [note_to_json(n) for n in report.notes],
        "summary": {"files_scanned": s.files_scanned, "errors": s.errors, "warnings": s.warnings, "infos": s.infos},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
