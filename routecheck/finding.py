"""Findings: the one result type every check returns and every format renders."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Severity(enum.Enum):
    """How much a finding matters; errors fail a run, warnings fail it under --strict, infos never do."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One complete, immutable result of a check. Paths are display paths (POSIX, relative to cwd).

    In a notebook, `cell` is the 1-based number of the cell among all the notebook's cells, and line and
    column are within the cell (as ruff counts them); elsewhere it is None.
    """

    code: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    task: str | None = None
    model: str | None = None
    cell: int | None = None

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.code, self.message)


@dataclass(frozen=True, slots=True)
class Note:
    """Something a run could not do (a file it skipped and why); reported, never silent, never failing."""

    path: str
    line: int
    column: int
    message: str
    cell: int | None = None

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.message)


@dataclass(frozen=True, slots=True)
class Summary:
    files_scanned: int
    errors: int
    warnings: int
    infos: int

    def fails(self, *, strict: bool) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's identity and documentation page; what a format may know of it (nothing to run)."""

    code: str
    name: str
    severity: Severity
    doc: str

    @property
    def summary(self) -> str:
        """The page's first line: what the rule checks."""
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a format renders: sorted findings, notes, the file count and the rules that fired."""

    findings: tuple[Finding, ...]
    notes: tuple[Note, ...]
    files_scanned: int
    rules: tuple[Rule, ...]

    @classmethod
    def build(
        cls,
        findings: Iterable[Finding],
        *,
        files_scanned: int,
        rules: Iterable[Rule],
        notes: Iterable[Note] = (),
    ) -> Report:
        ordered = tuple(sorted(set(findings), key=Finding.sort_key))
        fired = {f.code for f in ordered}
        return cls(
            findings=ordered,
            notes=tuple(sorted(set(notes), key=Note.sort_key)),
            files_scanned=files_scanned,
            rules=tuple(r for r in rules if r.code in fired),
        )

    @property
    def summary(self) -> Summary:
        def count(severity: Severity) -> int:
            return sum(1 for f in self.findings if f.severity is severity)

        return Summary(self.files_scanned, count(Severity.ERROR), count(Severity.WARNING), count(Severity.INFO))
