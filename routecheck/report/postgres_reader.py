"""The PostgreSQL side of the ledger reader: a read-only connection, one line for any failure, no password."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from routecheck.errors import UsageError
from routecheck.runtime.ledger import LedgerError
from routecheck.runtime.ledger_schema import Dialect, check_version
from routecheck.runtime.ledger_url import redact

#: How long `report` waits for the server before saying it cannot connect, in seconds.
CONNECT_TIMEOUT = 10


class PostgresBackend:
    dialect: Dialect = "postgresql"

    def __init__(self, connection: Any, name: str, url: str) -> None:
        self._connection = connection
        self.name = name
        self._url = url

    def rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        from routecheck.runtime.fleet import error_text  # lazy: the fleet module only once a connection exists

        psycopg = _psycopg(self.name)
        try:
            found: list[tuple[Any, ...]] = self._connection.execute(sql.replace("?", "%s"), params).fetchall()
        except psycopg.Error as exc:
            raise UsageError(f"ledger {self.name}: {error_text(exc, self._url)}") from None
        return found


def _psycopg(name: str) -> Any:
    from routecheck.runtime.fleet import import_psycopg  # lazy: the fleet module only once a connection exists

    try:
        return import_psycopg()
    except LedgerError as exc:
        raise UsageError(f"ledger {name}: {exc}") from None


@contextmanager
def connect(url: str, *, read_only: bool = True) -> Iterator[Any]:
    """A connection, read-only unless asked (UsageError naming the ledger without its password when there is none)."""
    from routecheck.runtime.fleet import error_text  # lazy: the fleet module only once a connection exists

    shown = redact(url)
    psycopg = _psycopg(shown)
    try:
        connection = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True,
                                     application_name="routecheck",
                                     options=f"-c default_transaction_read_only={'on' if read_only else 'off'}")
    except (psycopg.Error, ValueError) as exc:
        raise UsageError(f"ledger {shown}: cannot connect ({error_text(exc, url)})") from None
    try:
        yield connection
    finally:
        connection.close()


@contextmanager
def open_postgres(url: str) -> Iterator[PostgresBackend]:
    """The ledger at `url`, its schema version checked, read-only."""
    shown = redact(url)
    psycopg = _psycopg(shown)
    with connect(url) as connection:
        try:
            row = connection.execute("SELECT max(version) FROM routecheck_schema").fetchone()
        except psycopg.errors.UndefinedTable:
            raise UsageError(f"ledger {shown}: not a routecheck ledger (no routecheck_schema table)") from None
        check_version(shown, int(row[0]) if row and row[0] is not None else 0)
        yield PostgresBackend(connection, shown, url)
