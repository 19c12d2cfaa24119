"""SARIF 2.1.0, the format code-scanning services (GitHub code scanning among them) ingest.

A finding in a notebook is located in the .ipynb file, with the line and column within the cell; the
cell is named first in the message and kept as the result's `cell` property.
"""

from __future__ import annotations

import json
import os
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from routecheck import __version__
from routecheck.finding import Report, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _artifact(path: str) -> dict[str, str]:
    """A display path as a SARIF artifactLocation: a URI reference (percent-encoded), relative to the source root.
    The name's bytes are encoded, so a name that is not UTF-8 is a valid URI that names that very file."""
    raw = os.fsencode(path)
    if PurePosixPath(path).is_absolute():
        return {"uri": "file://" + quote(raw)}
    return {"uri": quote(raw), "uriBaseId": "%SRCROOT%"}


def _in_cell(cell: int | None, message: str) -> str:
    return message if cell is None else f"cell {cell}: {message}"


def render(report: Report) -> str:
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.summary},
            "help": {"text": rule.doc, "markdown": rule.doc},
            "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        }
        for rule in report.rules
    ]
    index = {rule.code: i for i, rule in enumerate(report.rules)}
    results: list[dict[str, Any]] = []
    for f in report.findings:
        result: dict[str, Any] = {
            "ruleId": f.code,
            "level": _LEVEL[f.severity],
            "message": {"text": _in_cell(f.cell, f.message)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(f.path),
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.cell is not None:
            result["properties"] = {"cell": f.cell}
        results.append(result)
    notifications = [
        {
            "level": "note",
            "message": {"text": _in_cell(n.cell, n.message)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(n.path),
                        "region": {"startLine": n.line, "startColumn": n.column},
                    }
                }
            ],
        }
        for n in report.notes
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "routecheck",
                "version": __version__,
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",  # routecheck counts columns in characters, not UTF-16 units
        "results": results,
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False) + "\n"
