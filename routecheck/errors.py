"""The one exception root: anything raised as a RoutecheckError is the user's to fix (exit code 2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class RoutecheckError(Exception):
    """A user-facing error: reported as its message and exit code 2, never as a traceback."""


class UsageError(RoutecheckError):
    """The command line asks for something that cannot be done."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem in a file: ``FILE:LINE:COL: key.path: what is wrong``."""

    path: str
    line: int | None
    column: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}:{self.column or 1}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ConfigError(RoutecheckError):
    """A file routecheck reads (policy, evidence, pyproject) is missing or invalid; holds every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
