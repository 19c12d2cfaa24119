"""`routecheck ledger status|prune|flush`: what a ledger holds and waits to ship, retention, shipping now."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from routecheck.errors import UsageError
from routecheck.report.ledger_reader import Backend, display, open_backend
from routecheck.runtime.ledger_url import is_postgres
from routecheck.runtime.spool import SpoolStatus, status


@dataclass(frozen=True)
class LedgerStatus:
    """A ledger's rows, and for PostgreSQL what this machine's spool still holds."""

    ledger: str
    version: int | None  # None: the database could not be reached
    rows: int
    oldest: float | None
    newest: float | None
    dropped: int  # rows replicas reported dropped (a full spool)
    error: str | None  # why the database could not be reached
    spool: SpoolStatus | None


def ledger_status(target: str, *, spool: Path | None, environ: Mapping[str, str]) -> LedgerStatus:
    """The status of the ledger `target`; a database that cannot be reached is reported, not raised."""
    waiting = None
    if is_postgres(target):
        from routecheck.runtime.fleet import spool_folder  # lazy: the fleet ledger only for a postgresql:// URL

        waiting = status(spool or spool_folder(target, environ))
    try:
        with open_backend(target) as backend:
            [(rows, oldest, newest)] = backend.rows("SELECT COUNT(*), MIN(ts), MAX(ts) FROM calls", ())
            version = _version(backend)
            dropped = 0
            if version >= 2:
                [(total,)] = backend.rows("SELECT COALESCE(SUM(rows), 0) FROM ledger_drops", ())
                dropped = int(total)
    except UsageError as exc:
        if waiting is None:
            raise
        why = str(exc).removeprefix(f"ledger {display(target)}: ")
        return LedgerStatus(display(target), None, 0, None, None, 0, why, waiting)
    return LedgerStatus(display(target), version, int(rows), oldest, newest, dropped, None, waiting)


def _version(backend: Backend) -> int:
    query = "PRAGMA user_version" if backend.dialect == "sqlite" else "SELECT max(version) FROM routecheck_schema"
    [(version,)] = backend.rows(query, ())
    return int(version)


def prune(target: str, *, before: float) -> int:
    """Delete the rows older than `before` (epoch seconds); the number deleted."""
    if is_postgres(target):
        from routecheck.report.postgres_reader import (  # lazy: psycopg only for a postgresql:// URL
            connect,
            open_postgres,
        )

        with open_postgres(target):  # checks that it is a ledger this routecheck knows
            pass
        with connect(target, read_only=False) as connection:
            cursor = connection.execute("DELETE FROM calls WHERE ts < %s", (before,))
            return int(cursor.rowcount)
    with open_backend(target):  # exists, and is a ledger of a version this routecheck knows
        pass
    connection = sqlite3.connect(target, timeout=30)
    try:
        with connection:
            deleted = connection.execute("DELETE FROM calls WHERE ts < ?", (before,)).rowcount
    finally:
        connection.close()
    return int(deleted)


def flush(target: str, *, spool: Path | None, environ: Mapping[str, str], timeout: float) -> tuple[int, SpoolStatus]:
    """Ship this machine's spool for `target` now; rows shipped, and what still waits."""
    if not is_postgres(target):
        raise UsageError(f"ledger {display(target)}: a SQLite ledger has no spool to flush")
    from routecheck.runtime.fleet import (  # lazy: the fleet ledger only for a postgresql:// URL
        FleetLedger,
        spool_folder,
    )

    folder = spool or spool_folder(target, environ)
    ledger = FleetLedger(target, environ=environ, spool=folder, start=False)
    shipped = ledger.flush(timeout)
    ledger.close()
    if ledger.last_error is not None:
        raise UsageError(f"ledger {display(target)}: {ledger.last_error}; {status(folder).rows} rows wait in {folder}")
    return shipped, status(folder)

