"""The call ledger: one row per routed API call, for `routecheck report`.

ROUTECHECK_LEDGER names it: a SQLite file (the embedded default), or a `postgresql://` URL that every
replica shares (see `routecheck.runtime.fleet`: rows are spooled locally, then shipped). For SQLite, WAL
mode lets many threads and processes append at once (SQLite serialises the writers; a busy timeout makes
them wait instead of failing). Rows hold numbers and names only: never prompts, completions or keys.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import astuple
from pathlib import Path
from typing import Protocol

from routecheck.runtime.ledger_schema import SCHEMA_VERSION, insert_sql, steps
from routecheck.runtime.ledger_url import is_postgres
from routecheck.runtime.record import INSTANCE_ENV, CallRecord, LedgerError, instance_name, new_row_id, newer_schema

# The record's names stay importable from here, where the ledger's users have always found them.
__all__ = [
    "BUSY_TIMEOUT_MS", "INSTANCE_ENV", "LEDGER_ENV", "LEDGER_SCHEMA_VERSION", "CallRecord", "Ledger", "LedgerError",
    "LedgerWriter", "instance_name", "migrate_sqlite", "new_row_id", "newer_schema", "open_ledger",
]

LEDGER_SCHEMA_VERSION = SCHEMA_VERSION
LEDGER_ENV = "ROUTECHECK_LEDGER"
#: How long a writer waits for another writer's lock before giving up, in milliseconds.
BUSY_TIMEOUT_MS = 30_000


class LedgerWriter(Protocol):
    """What a router writes its rows to."""

    @property
    def name(self) -> str:
        """The ledger as it may be shown (a PostgreSQL URL without its password)."""
        ...

    def record(self, row: CallRecord) -> None: ...

    def close(self) -> None: ...


def open_ledger(target: str, environ: Mapping[str, str] | None = None) -> LedgerWriter:
    """The writer for ROUTECHECK_LEDGER's value: a SQLite file, or a PostgreSQL URL (spooled, shipped)."""
    if is_postgres(target):
        # lazy: the fleet writer (a shipper thread, psycopg) only for a postgresql:// URL
        from routecheck.runtime.fleet import FleetLedger

        return FleetLedger(target, environ=environ)
    return Ledger(target)


class Ledger:
    """Appends CallRecords to the SQLite file at `path`; safe to share between threads.

    The connection opens on the first record (and again in a forked child: SQLite connections
    must not cross a fork).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    @property
    def name(self) -> str:
        return str(self.path)

    def record(self, row: CallRecord) -> None:
        """Append one row (committed before returning)."""
        self.record_many((row,))

    def record_many(self, rows: tuple[CallRecord, ...] | list[CallRecord]) -> None:
        """Append rows in one transaction (a row id already stored is skipped)."""
        values = [astuple(row) for row in rows]
        with self._lock:
            connection = self._connect()
            with connection:
                connection.executemany(_INSERT, values)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None and self._pid == os.getpid():
                self._connection.close()
            self._connection = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            migrate_sqlite(connection, self.path.name)
        except BaseException:
            connection.close()
            raise
        # Back to the default isolation so `with connection:` wraps each insert in a transaction.
        connection.isolation_level = "DEFERRED"
        self._connection, self._pid = connection, os.getpid()
        return connection


_INSERT = insert_sql("sqlite")


def migrate_sqlite(connection: sqlite3.Connection, shown: str) -> None:
    """Bring the file's schema to SCHEMA_VERSION in one transaction; LedgerError for a newer one."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise LedgerError(newer_schema(shown, version))
        for statement in steps("sqlite", version):
            connection.execute(statement)
        if version != SCHEMA_VERSION:
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
