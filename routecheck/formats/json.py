"""The stable, versioned JSON report (DESIGN.md §4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from routecheck.finding import Finding, Note, Report
from routecheck.paths import shown_path

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
        # paths shown as every format shows them: a name that is not UTF-8 would make the document invalid
        "findings": [{**finding_to_json(f), "path": shown_path(f.path)} for f in report.findings],
        "notes": [{**note_to_json(n), "path": shown_path(n.path)} for n in report.notes],
        "summary": {"files_scanned": s.files_scanned, "errors": s.errors, "warnings": s.warnings, "infos": s.infos},
    }
    return dumps(document) + "\n"


def dumps(document: dict[str, Any]) -> str:
    """`json.dumps(document, indent=2, ensure_ascii=False)`, byte for byte, for a document whose values are
    scalars, flat objects or lists of flat objects (a report): `json` indents in pure Python, which on tens
    of thousands of findings costs more than the scan that found them; this encodes scalars in C. Anything
    deeper goes to `json.dumps` itself."""
    try:
        parts = ["{"]
        for index, (key, value) in enumerate(document.items()):
            parts.append(("\n  " if index == 0 else ",\n  ") + _ENCODE(key) + ": ")
            if isinstance(value, dict):
                parts.append(_flat(value, "  "))
            elif isinstance(value, list) and value:
                parts.append("[\n    " + ",\n    ".join(_flat(item, "    ") for item in value) + "\n  ]")
            else:
                parts.append(_scalar(value) if not isinstance(value, list) else "[]")
        parts.append("\n}" if document else "}")
    except (_Deeper, TypeError):  # TypeError: a key that is not a string
        return json.dumps(document, indent=2, ensure_ascii=False)
    return "".join(parts)


class _Deeper(Exception):
    """A value nested deeper than this encoder's shapes."""


def _flat(mapping: object, pad: str) -> str:
    if not isinstance(mapping, dict):
        raise _Deeper
    if not mapping:
        return "{}"
    inner = pad + "  "
    return ("{\n" + ",\n".join(f"{inner}{_ENCODE(k)}: {_scalar(v)}" for k, v in mapping.items())
            + f"\n{pad}}}")


def _scalar(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _ENCODE(value)
    if kind is int:
        return int.__repr__(value)
    if value is None or kind is bool or kind is float:
        return json.dumps(value)
    raise _Deeper


_ENCODE: Callable[[str], str] = json.encoder.encode_basestring  # the C encoder when available, as json uses
