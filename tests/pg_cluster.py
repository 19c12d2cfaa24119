"""A throwaway PostgreSQL cluster for tests: initdb in a temp folder, pg_ctl start and stop, a loopback port.

PostgreSQL refuses to run as root, so as root (CI) the cluster's files belong to the `postgres` user and
every server command runs through `runuser -u postgres --`. The test role logs in over TCP with a
password (scram-sha-256); the superuser connects over the cluster's own Unix socket (trust).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

#: Set (CI does) to turn "PostgreSQL is not here" from a skip into a failure.
REQUIRE_ENV = "ROUTECHECK_REQUIRE_POSTGRES"
USER = "routecheck"
PASSWORD = "pw-Secret-7f3a"
DATABASE = "routecheck"
BINARIES = ("initdb", "pg_ctl", "postgres")


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = [shutil.which(name) for name in BINARIES]
    if all(found):
        return Path(str(found[0])).resolve().parent if _same_dir(found) else Path(str(found[1])).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all((Path(folder) / name).exists() for name in BINARIES):
            return Path(folder)
    return None


def _same_dir(paths: list[str | None]) -> bool:
    return len({Path(str(p)).resolve().parent for p in paths}) == 1


def missing() -> str | None:
    """Why the cluster cannot run here, or None."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        return "psycopg and psycopg-pool are not installed (pip install -e '.[postgres]')"
    if find_bindir() is None:
        return "the PostgreSQL server binaries (initdb, pg_ctl, postgres) are not on PATH or in /usr/lib/postgresql"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser, so PostgreSQL cannot be started as another user"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """One cluster: `start()`, `stop(mode)`, `url()`, `admin()`; `remove()` deletes its files."""

    def __init__(self) -> None:
        bindir = find_bindir()
        assert bindir is not None
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="routecheck-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.sockets.mkdir()
        pwfile = self.root / "superuser-password"
        pwfile.write_text("unused-superuser-password\n")
        if os.geteuid() == 0:
            for path in (self.root, self.sockets, pwfile):
                shutil.chown(path, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-E", "UTF8", "--no-sync", "--auth-local=trust",
                  "--auth-host=scram-sha-256", f"--pwfile={pwfile}")

    def _command(self, name: str, *args: str) -> list[str]:
        command = [str(self.bindir / name), *args]
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def _run(self, name: str, *args: str) -> None:
        subprocess.run(self._command(name, *args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=self.root)

    def start(self) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.sockets} "
                   "-c fsync=off -c full_page_writes=off -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, *, password: str = PASSWORD, database: str = DATABASE) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> Any:
        """A superuser connection over the Unix socket, autocommit."""
        import psycopg

        return psycopg.connect(host=str(self.sockets), port=self.port, user="postgres", dbname="postgres",
                               autocommit=True)

    def create_role_and_database(self) -> None:
        with self.admin() as db:
            db.execute(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'")
            db.execute(f"CREATE DATABASE {DATABASE} OWNER {USER}")

    def reset(self) -> None:
        """Drop the ledger's tables, so that a test starts from an empty database."""
        import psycopg

        with psycopg.connect(host=str(self.sockets), port=self.port, user="postgres", dbname=DATABASE,
                             autocommit=True) as db:
            db.execute("DROP TABLE IF EXISTS calls, routecheck_schema, ledger_drops")

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
