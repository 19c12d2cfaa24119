"""Reading the SQLite ledger the runtime writes, read-only, one time window at a time."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from pathlib import Path

from routecheck.errors import UsageError
from routecheck.paths import display_path
from routecheck.runtime.ledger import LEDGER_SCHEMA_VERSION, CallRecord

_COLUMNS = ", ".join(f.name for f in fields(CallRecord))


def read_ledger(path: Path, *, since: float, until: float) -> list[CallRecord]:
    """The rows with since <= ts < until, oldest first, from a connection that cannot write."""
    shown = display_path(path)
    if not path.is_file():
        raise UsageError(f"ledger {shown} not found")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UsageError(f"ledger {shown}: cannot open it ({exc})") from None
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version != LEDGER_SCHEMA_VERSION:
            raise UsageError(f"ledger {shown}: schema version {version}, this routecheck reads version "
                             f"{LEDGER_SCHEMA_VERSION}")
        rows = connection.execute(
            f"SELECT {_COLUMNS} FROM calls WHERE ts >= ? AND ts < ? ORDER BY ts, id", (since, until)
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"ledger {shown}: not a routecheck ledger ({exc})") from None
    finally:
        connection.close()
    return [CallRecord(*row) for row in rows]
