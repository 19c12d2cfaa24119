"""Constants and types the tests share (fixtures that use them live in conftest.py).

A module of its own, so tests can import it by a unique name: `conftest` is not unique in a tree
where sub-folders have their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
POLICIES = FIXTURES / "policies"
REPO = Path(__file__).parent.parent
#: The date the tests run "on": the shipped prices (2026-11-01) are fresh, nothing is stale by accident.
TODAY = date(2026, 11, 24)


@dataclass(frozen=True)
class Run:
    """What one in-process `routecheck` run did."""

    code: int
    out: str
    err: str


WritePolicy = Callable[..., Path]
RunCli = Callable[..., Run]
