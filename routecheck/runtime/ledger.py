"""The call ledger: one SQLite row per routed API call, for `routecheck report`.

The file is named by ROUTECHECK_LEDGER. WAL mode lets many threads and processes append at once
(SQLite serialises the writers; a busy timeout makes them wait instead of failing). The schema is
versioned with `PRAGMA user_version`. Rows hold numbers and names only: never prompts, completions or keys.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import astuple, dataclass, fields
from pathlib import Path

LEDGER_SCHEMA_VERSION = 1
LEDGER_ENV = "ROUTECHECK_LEDGER"
#: How long a writer waits for another writer's lock before giving up, in milliseconds.
BUSY_TIMEOUT_MS = 30_000

DDL = """\
CREATE TABLE IF NOT EXISTS calls (
  id INTEGER PRIMARY KEY,
  ts REAL NOT NULL,
  task TEXT NOT NULL,
  requested_tier TEXT NOT NULL,
  tier TEXT NOT NULL,
  model TEXT NOT NULL,
  upgrade TEXT,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  latency_ms REAL NOT NULL,
  validation TEXT,
  status TEXT NOT NULL,
  error_type TEXT,
  purpose TEXT NOT NULL DEFAULT 'live'
);
CREATE INDEX IF NOT EXISTS calls_task_ts ON calls(task, ts);
"""


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One API call as the ledger stores it (every column of `calls` but `id`)."""

    ts: float
    task: str
    requested_tier: str
    tier: str
    model: str
    upgrade: str | None
    input_tokens: int
    output_tokens: int
    cost_usd: float
    latency_ms: float
    validation: str | None
    status: str
    error_type: str | None
    purpose: str = "live"


_COLUMNS = tuple(f.name for f in fields(CallRecord))
_INSERT = f"INSERT INTO calls ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"


class LedgerError(Exception):
    """The ledger file exists but has a schema this version cannot write."""


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

    def record(self, row: CallRecord) -> None:
        """Append one row (committed before returning)."""
        values = astuple(row)
        with self._lock:
            connection = self._connect()
            with connection:
                connection.execute(_INSERT, values)

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
            _ensure_schema(connection, self.path)
        except BaseException:
            connection.close()
            raise
        # Back to the default isolation so `with connection:` wraps each insert in a transaction.
        connection.isolation_level = "DEFERRED"
        self._connection, self._pid = connection, os.getpid()
        return connection


def _ensure_schema(connection: sqlite3.Connection, path: Path) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, LEDGER_SCHEMA_VERSION):
            raise LedgerError(
                f"{path.name}: ledger schema version {version}; this routecheck writes version {LEDGER_SCHEMA_VERSION}"
            )
        for statement in DDL.split(";"):
            if statement.strip():
                connection.execute(statement)
        if version == 0:
            connection.execute(f"PRAGMA user_version = {LEDGER_SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
