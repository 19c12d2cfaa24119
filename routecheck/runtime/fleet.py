"""The fleet ledger: rows spooled on local disk, shipped by a background thread to a shared PostgreSQL.

`record` never touches the network: it appends the row to this process's spool segment (one write) and
returns. A daemon thread wakes every `interval` seconds, and when the database answers it rotates the
segment out, ships every unlocked segment in batched, idempotent inserts (`ON CONFLICT DO NOTHING`
on the unique row id) and deletes a segment only after its rows are committed. While the database is unreachable
rows wait in the spool; a warning is logged once the oldest has waited past `lag_warning` seconds. A
process that exits normally ships what it can within `exit_timeout`; the rest waits for the next start.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import astuple
from pathlib import Path
from typing import TYPE_CHECKING, Any

from routecheck.runtime.ledger_schema import SCHEMA_VERSION, insert_sql, steps
from routecheck.runtime.ledger_url import redact, scrub
from routecheck.runtime.record import CallRecord, LedgerError, instance_name, newer_schema
from routecheck.runtime.spool import DEFAULT_MAX_BYTES, Spool, oldest

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

log = logging.getLogger("routecheck.runtime")

SPOOL_ENV = "ROUTECHECK_SPOOL"
SPOOL_MAX_ENV = "ROUTECHECK_SPOOL_MAX_MB"
EXTRA_HINT = "pip install 'routecheck[postgres]'"
#: Taken by a migration so that replicas starting together migrate one at a time.
MIGRATION_LOCK = 0x726F757465636B  # "routeck"
_INSERT = insert_sql("postgresql")


def spool_folder(url: str, environ: Mapping[str, str] | None = None) -> Path:
    """Where rows for `url` wait: ROUTECHECK_SPOOL, else a folder per database under the user's state home."""
    env = os.environ if environ is None else environ
    if env.get(SPOOL_ENV):
        return Path(env[SPOOL_ENV])
    state = Path(env["XDG_STATE_HOME"]) if env.get("XDG_STATE_HOME") else Path.home() / ".local" / "state"
    return state / "routecheck" / "spool" / hashlib.sha256(redact(url).encode()).hexdigest()[:16]


def import_psycopg() -> Any:
    """The psycopg module; LedgerError naming the extra when it is not installed."""
    try:
        import psycopg  # lazy: an optional extra (routecheck[postgres])
        import psycopg_pool  # noqa: F401  (checked here so that the missing piece is named once)
    except ImportError:
        raise LedgerError(f"a postgresql:// ledger needs psycopg and psycopg-pool: {EXTRA_HINT}") from None
    return psycopg


def error_text(exc: BaseException, url: str) -> str:
    """A driver error as one line, without the URL's password."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return scrub(text, url)


def migrate_postgres(connection: psycopg.Connection[Any], shown: str) -> None:
    """Bring the database's schema to SCHEMA_VERSION in one transaction; LedgerError for a newer one."""
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        connection.execute("CREATE TABLE IF NOT EXISTS routecheck_schema (version integer NOT NULL)")
        row = connection.execute("SELECT max(version) FROM routecheck_schema").fetchone()
        version = int(row[0]) if row is not None and row[0] is not None else 0
        if version > SCHEMA_VERSION:
            raise LedgerError(newer_schema(shown, version))
        if version == SCHEMA_VERSION:
            return
        for statement in steps("postgresql", version):
            connection.execute(statement)  # type: ignore[arg-type,unused-ignore]  # our own DDL
        connection.execute("DELETE FROM routecheck_schema")
        connection.execute("INSERT INTO routecheck_schema (version) VALUES (%s)", (SCHEMA_VERSION,))


def _close_at_exit(ref: weakref.ref[FleetLedger]) -> None:
    ledger = ref()
    if ledger is not None:
        ledger.close()


class FleetLedger:
    """A LedgerWriter for a `postgresql://` URL: spool first, ship in the background. Never raises in `record`."""

    def __init__(
        self,
        url: str,
        *,
        environ: Mapping[str, str] | None = None,
        spool: Path | None = None,
        interval: float = 0.5,
        lag_warning: float = 60.0,
        batch: int = 1000,
        exit_timeout: float = 5.0,
        start: bool = True,
    ) -> None:
        """`start=False`: no background shipper (the caller calls `flush`)."""
        env = os.environ if environ is None else environ
        self._url = url
        self.name = redact(url)
        self.instance = instance_name(env)
        max_mb = env.get(SPOOL_MAX_ENV)
        max_bytes = int(float(max_mb) * (1 << 20)) if max_mb else DEFAULT_MAX_BYTES
        self.spool = Spool(spool or spool_folder(url, env), max_bytes=max_bytes)
        self.interval, self.lag_warning, self.batch, self.exit_timeout = interval, lag_warning, batch, exit_timeout
        self.shipped = 0
        self.last_error: str | None = None
        self._reported_drops = 0
        self._lagging = False
        self._migrated = False
        self._quiet: set[str] = set()
        self._ship_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._pool: ConnectionPool[Any] | None = None
        self._pid = 0
        self._thread: threading.Thread | None = None
        self._closed = False
        self._pid = os.getpid()
        if start:
            self._start()
        atexit.register(_close_at_exit, weakref.ref(self))

    def record(self, row: CallRecord) -> None:
        """Spool the row (durable before this returns); shipping happens in the background."""
        if self._pid != os.getpid():
            self._start()
        self.spool.append(row)

    def flush(self, timeout: float = 10.0) -> int:
        """Ship what waits now (this process's segment included); the number of rows shipped."""
        deadline = time.monotonic() + timeout
        shipped = 0
        while True:
            done = self._ship_once(max(0.1, deadline - time.monotonic()))
            shipped += done
            if not done or time.monotonic() >= deadline:
                return shipped

    def close(self) -> None:
        """Stop the shipper, ship what can be shipped within exit_timeout, leave the rest spooled."""
        if self._pid != os.getpid() or self._closed:
            return
        self._closed = True
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(self.exit_timeout)
        if oldest(self.spool.folder) is not None:  # nothing waits: no reason to hold up the exit
            self.flush(self.exit_timeout)
        self.spool.close()
        if self._pool is not None:
            self._pool.close(timeout=1.0)
            self._pool = None

    # -- the shipper ------------------------------------------------------------------------------

    def _start(self) -> None:
        self._pid = os.getpid()
        # in a forked child the parent's shipper thread is gone, and its locks may have been held
        self._ship_lock, self._wake, self._stop = threading.Lock(), threading.Event(), threading.Event()
        self._pool = None  # a pool's threads and sockets do not cross a fork
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="routecheck-ledger-shipper", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._ship_once(timeout=min(5.0, max(1.0, self.interval * 4)))
            except Exception:  # a bug here must not kill the thread: rows would wait forever
                log.exception("routecheck ledger: the shipper failed; rows wait in %s", self.spool.folder)
            self._wake.wait(self.interval)

    def _ship_once(self, timeout: float) -> int:
        with self._ship_lock:
            try:
                shipped = self._ship(timeout)
            except LedgerError as exc:
                shipped = 0
                self._note(str(exc))
            except Exception as exc:  # unreachable, wrong password, a dropped connection: rows stay spooled
                shipped = 0
                self._note(self._reason(exc))
            else:
                self.last_error = None
            self._check_lag(time.time())
            return shipped

    def _ship(self, timeout: float) -> int:
        pool = self._connect()
        shipped = 0
        with pool.connection(timeout=timeout) as connection:
            if not self._migrated:
                migrate_postgres(connection, self.name)
                self._migrated = True
            self.spool.rotate()
            psycopg = import_psycopg()
            for segment in self.spool.claim():
                rows, torn = segment.rows()
                try:
                    for start in range(0, len(rows), self.batch):
                        with connection.transaction(), connection.cursor() as cursor:
                            cursor.executemany(_INSERT, [astuple(row) for row in rows[start:start + self.batch]])
                except (psycopg.DataError, psycopg.IntegrityError) as exc:
                    # the database will never take these rows: set them aside, or they would block every later one
                    kept = segment.set_aside()
                    log.error("routecheck ledger %s: rows the database refuses (%s) set aside in %s",
                              self.name, error_text(exc, self._url), kept)
                    self.spool.dropped += len(rows)
                    continue
                if torn:
                    log.error("routecheck ledger: %d unreadable lines in %s (a writer crashed mid-line); dropped",
                              torn, segment.path.name)
                    self.spool.dropped += torn
                segment.delete()
                shipped += len(rows)
            drops = self.spool.dropped - self._reported_drops
            if drops:
                with connection.transaction():
                    connection.execute("INSERT INTO ledger_drops (instance, ts, rows) VALUES (%s, %s, %s)",
                                       (self.instance, time.time(), drops))
                self._reported_drops += drops
        self.shipped += shipped
        return shipped

    def _connect(self) -> ConnectionPool[Any]:
        if self._pool is None:
            import_psycopg()
            from psycopg_pool import ConnectionPool  # lazy: an optional extra (routecheck[postgres])

            self._pool = ConnectionPool(
                self._url, min_size=1, max_size=1, open=False, name="routecheck-ledger", reconnect_timeout=30.0,
                kwargs={"autocommit": True, "connect_timeout": 5, "application_name": "routecheck"},
                check=ConnectionPool.check_connection,
            )
            self._pool.open(wait=False)
        return self._pool

    def _reason(self, exc: Exception) -> str:
        """Why shipping failed, in the driver's words (the pool only says it timed out)."""
        from psycopg_pool import PoolTimeout  # lazy: an optional extra (routecheck[postgres])

        if isinstance(exc, PoolTimeout):
            psycopg = import_psycopg()
            try:
                psycopg.connect(self._url, connect_timeout=2).close()
            except Exception as direct:
                exc = direct
        return error_text(exc, self._url)

    def _note(self, message: str) -> None:
        self.last_error = message
        if message not in self._quiet:  # each distinct failure once, not every half second
            self._quiet.add(message)
            log.warning("routecheck ledger %s: %s; rows wait in the spool %s", self.name, message, self.spool.folder)

    def _check_lag(self, now: float) -> None:
        since = oldest(self.spool.folder)
        lag = 0.0 if since is None else now - since
        if lag > self.lag_warning and not self._lagging:
            self._lagging = True
            log.warning("routecheck ledger %s: rows have waited %.0f s in the spool %s (bound %.0f s)%s",
                        self.name, lag, self.spool.folder, self.lag_warning,
                        f": {self.last_error}" if self.last_error else "")
        elif self._lagging and lag <= self.lag_warning:
            self._lagging = False
            self._quiet.clear()
            log.info("routecheck ledger %s: the spool has caught up", self.name)
