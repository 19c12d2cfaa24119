"""GitHub Actions workflow commands: one `::error file=…,line=…::message` annotation per finding."""

from __future__ import annotations

from routecheck.finding import Report, Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for f in report.findings:
        props = f"file={_property(f.path)},line={f.line},col={f.column},title={_property(f'{f.code} {f.name}')}"
        lines.append(f"::{_LEVEL[f.severity]} {props}::{_data(f'{f.code} {f.message}')}")
    for n in report.notes:
        lines.append(f"::notice file={_property(n.path)},line={n.line},col={n.column}::{_data(n.message)}")
    return "".join(line + "\n" for line in lines)
