"""Reading a ledger for `report`, read-only, aggregated in the database: SQLite file or PostgreSQL URL.

The database groups the window's rows (GROUP BY) and picks the latency percentiles (PostgreSQL:
`percentile_disc`; SQLite, which has none: the one row at the nearest rank, found by ORDER BY ... LIMIT 1
OFFSET k). Python only sees a few rows per task and tier, so memory does not grow with the ledger. Both
backends get the same figures from the same rows: costs are summed as whole nanodollars, each row's
cost rounded the same way in both, and the percentile rank is the same formula, ceil(p * n).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from routecheck.errors import UsageError
from routecheck.paths import display_path
from routecheck.runtime.ledger_schema import Dialect, check_version
from routecheck.runtime.ledger_url import is_postgres, redact

#: The percentiles `report` shows, as fractions.
PERCENTILES = (0.5, 0.95)
NANO = 10**9
_WINDOW = "ts >= ? AND ts < ?"
_NANO_COST: dict[Dialect, str] = {
    "sqlite": "CAST(cost_usd * 1000000000.0 + 0.5 AS INTEGER)",  # costs are >= 0: truncation is floor
    "postgresql": "CAST(floor(cost_usd * CAST(1000000000.0 AS double precision) + 0.5) AS bigint)",
}
#: A call costs less than this: a row above it (or NaN, infinite, negative) is corrupt, and summing it
#: as nanodollars could overflow a 64-bit integer.
MAX_CALL_USD = 10_000
_NUMBER = "IN ('integer', 'real')"
#: The rows `report` can count. SQLite keeps any value in any column (a BLOB task, a text cost);
#: PostgreSQL's columns are typed, so only the cost's range is left to check.
_VALID: dict[Dialect, str] = {
    "sqlite": (
        f"typeof(ts) {_NUMBER} AND typeof(task) = 'text' AND typeof(requested_tier) = 'text' "
        "AND typeof(tier) = 'text' AND typeof(model) = 'text' AND typeof(upgrade) IN ('text', 'null') "
        "AND typeof(validation) IN ('text', 'null') AND typeof(status) = 'text' AND typeof(purpose) = 'text' "
        f"AND typeof(latency_ms) {_NUMBER} AND typeof(cost_usd) {_NUMBER} "
        f"AND typeof(instance) = 'text' AND typeof(policy_sha256) = 'text' "
        f"AND cost_usd >= 0 AND cost_usd < {MAX_CALL_USD}"
    ),
    "postgresql": f"cost_usd >= 0 AND cost_usd < {MAX_CALL_USD}",
}


@dataclass(frozen=True, slots=True)
class CallGroup:
    """The live calls of a window that share every field `report` counts by."""

    task: str
    requested_tier: str
    tier: str
    model: str
    upgrade: str | None
    status: str
    validation: str | None
    calls: int
    cost_nano: int  # the sum of the calls' costs, in whole nanodollars


@dataclass(frozen=True, slots=True)
class InstanceGroup:
    """The live calls of a window that share a replica, policy version, tier, upgrade and status."""

    instance: str
    policy_sha256: str
    tier: str
    upgrade: str | None
    status: str
    calls: int
    cost_nano: int


@dataclass(frozen=True)
class LedgerSummary:
    """What `report` needs from a window of the ledger."""

    groups: tuple[CallGroup, ...]
    latency: Mapping[str, tuple[float | None, float | None]]  # task -> (p50, p95) of its successful calls
    eval_calls: int
    skipped_rows: int = 0  # rows of the window (or without a usable time) whose values cannot be counted


class Backend(Protocol):
    dialect: Dialect
    name: str

    def rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]: ...


def display(target: str) -> str:
    """The ledger as `report` shows it: a path relative to here, or the URL without its password."""
    return redact(target) if is_postgres(target) else display_path(Path(target))


@contextmanager
def open_backend(target: str) -> Iterator[Backend]:
    """A read-only connection to the ledger `target` names; UsageError (one line, no password) otherwise."""
    if is_postgres(target):
        from routecheck.report.postgres_reader import open_postgres  # lazy: psycopg only for a postgresql:// URL

        with open_postgres(target) as backend:
            yield backend
    else:
        with _open_sqlite(Path(target)) as sqlite_backend:
            yield sqlite_backend


def read_summary(backend: Backend, *, since: float, until: float) -> LedgerSummary:
    """The window's live calls grouped, their latency percentiles per task, and the count of eval calls."""
    valid = _VALID[backend.dialect]
    found = _live_groups(backend, "task, requested_tier, tier, model, upgrade, status, validation", since, until)
    groups = tuple(sorted((_call_group(row) for row in found), key=_group_key))
    [(eval_calls,)] = backend.rows(f"SELECT COUNT(*) FROM calls WHERE {_WINDOW} AND purpose <> 'live' AND {valid}",
                                   (since, until))
    # a time that is not a number never falls in a window: such a row is counted as skipped wherever it is
    untimed = f"typeof(ts) NOT {_NUMBER} OR " if backend.dialect == "sqlite" else ""
    [(skipped,)] = backend.rows(f"SELECT COUNT(*) FROM calls WHERE NOT ({valid}) AND ({untimed}{_WINDOW})",
                                (since, until))
    return LedgerSummary(groups, _latency(backend, groups, since, until), int(eval_calls), int(skipped))


def _live_groups(backend: Backend, keys: str, since: float, until: float) -> list[tuple[Any, ...]]:
    """The window's sound live rows grouped by the columns `keys`: each group's values, count and nanodollars."""
    nano, valid = _NANO_COST[backend.dialect], _VALID[backend.dialect]
    return backend.rows(f"SELECT {keys}, COUNT(*), SUM({nano}) FROM calls WHERE {_WINDOW} AND "
                        f"purpose = 'live' AND {valid} GROUP BY {keys}", (since, until))


def read_instances(backend: Backend, *, since: float, until: float) -> tuple[InstanceGroup, ...]:
    """The window's live calls grouped by replica and policy version."""
    found = _live_groups(backend, "instance, policy_sha256, tier, upgrade, status", since, until)
    groups = (InstanceGroup(row[0], row[1], row[2], row[3], row[4], int(row[5]), int(row[6])) for row in found)
    return tuple(sorted(groups, key=lambda g: (g.instance, g.policy_sha256, g.tier, g.upgrade or "", g.status)))


def _call_group(row: tuple[Any, ...]) -> CallGroup:
    return CallGroup(row[0], row[1], row[2], row[3], row[4], row[5], row[6], int(row[7]), int(row[8]))


def _group_key(g: CallGroup) -> tuple[str, ...]:
    return (g.task, g.requested_tier, g.tier, g.model, g.upgrade or "", g.status, g.validation or "")


def _latency(backend: Backend, groups: Sequence[CallGroup], since: float,
             until: float) -> dict[str, tuple[float | None, float | None]]:
    tasks: dict[str, tuple[float | None, float | None]] = {g.task: (None, None) for g in groups}
    if backend.dialect == "postgresql":
        ordered = " ".join("percentile_disc(?) WITHIN GROUP (ORDER BY latency_ms)," for _ in PERCENTILES)
        found = backend.rows(
            f"SELECT task, {ordered} COUNT(*) FROM calls WHERE {_WINDOW} AND purpose = 'live' AND status = 'ok' "
            f"AND {_VALID['postgresql']} GROUP BY task", (*PERCENTILES, since, until),
        )
        return tasks | {row[0]: (row[1], row[2]) for row in found}
    ok: dict[str, int] = {}
    for g in groups:
        if g.status == "ok":
            ok[g.task] = ok.get(g.task, 0) + g.calls
    wanted = {(task, max(1, math.ceil(p * n))) for task, n in ok.items() for p in PERCENTILES}
    if not wanted:
        return tasks
    # nearest rank, as percentile_disc: the ceil(p * n)-th value in order; one sort for every task
    pairs = ", ".join("(?, ?)" for _ in wanted)
    found = backend.rows(
        f"WITH ranked AS (SELECT task, latency_ms, ROW_NUMBER() OVER (PARTITION BY task ORDER BY latency_ms) AS rank "
        f"FROM calls WHERE {_WINDOW} AND purpose = 'live' AND status = 'ok' AND {_VALID['sqlite']}) "
        f"SELECT task, rank, latency_ms FROM ranked WHERE (task, rank) IN (VALUES {pairs})",
        (since, until, *(value for pair in sorted(wanted) for value in pair)),
    )
    at = {(task, rank): value for task, rank, value in found}
    for task, n in ok.items():
        p50, p95 = (at[(task, max(1, math.ceil(p * n)))] for p in PERCENTILES)
        tasks[task] = (p50, p95)
    return tasks


class _SQLite:
    dialect: Dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection, name: str, version: int) -> None:
        self._connection = connection
        self.name = name
        self._version = version

    def rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        if self._version < 2:  # a version 1 file has no replica or policy columns
            sql = sql.replace("SELECT instance, policy_sha256,", "SELECT '', '',")
            sql = sql.replace("GROUP BY instance, policy_sha256,", "GROUP BY")
            sql = sql.replace("AND typeof(instance) = 'text' AND typeof(policy_sha256) = 'text' ", "")
        try:
            return self._connection.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"ledger {self.name}: not a routecheck ledger ({exc})") from None


@contextmanager
def _open_sqlite(path: Path) -> Iterator[_SQLite]:
    shown = display_path(path)
    if not path.is_file():
        raise UsageError(f"ledger {shown} not found")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UsageError(f"ledger {shown}: cannot open it ({exc})") from None
    try:
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"ledger {shown}: not a routecheck ledger ({exc})") from None
        check_version(shown, version)
        yield _SQLite(connection, shown, version)
    finally:
        connection.close()
