"""`report` and `ledger status|prune` on PostgreSQL: the same rows give the same bytes as from SQLite."""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from eval.test_report import FIXTURE, known_rows
from pg_cluster import PASSWORD, Cluster, free_port

from routecheck.cli import main
from routecheck.runtime import CallRecord, Ledger
from routecheck.runtime.fleet import FleetLedger

UNTIL = "2026-11-24T00:00:00Z"
CURRENT = "policies/routing.toml"


def when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def routing_sha(policy: Path) -> str:
    """What a client generated from `policy` records: the sha256 of what it routes, not of the file."""
    from routecheck.cost.book import require_prices
    from routecheck.runtime.policy import RuntimePolicy
    from support import load_policy

    source = load_policy(policy)
    return RuntimePolicy.from_policy(source.policy, require_prices(source, datetime.now(UTC).date())).sha256


def fleet_rows(current_sha: str) -> list[CallRecord]:
    """The report test's rows spread over three replicas: one with a stray override, one on an old policy."""
    rows = []
    for n, row in enumerate(known_rows()):
        instance = ("web-1", "web-2", "web-3")[n % 3]
        sha = "0ld" + "0" * 61 if instance == "web-3" and n % 2 else current_sha
        upgrade = "override" if instance == "web-2" and row.upgrade is None and n % 4 == 1 else row.upgrade
        rows.append(replace(row, instance=instance, policy_sha256=sha, upgrade=upgrade))
    return rows


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "policies")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROUTECHECK_LEDGER", raising=False)
    return tmp_path


def both_ledgers(project: Path, pg_url: str, rows: list[CallRecord]) -> tuple[str, str]:
    """The rows written to a SQLite file and shipped to PostgreSQL; the two --ledger values."""
    sqlite = Ledger(project / "ledger.db")
    for row in rows:
        sqlite.record(row)
    sqlite.close()
    fleet = FleetLedger(pg_url, spool=project / "spool", start=False)
    for row in rows:
        fleet.record(row)
    assert fleet.flush(20) == len(rows)
    fleet.close()
    return "ledger.db", pg_url


def report(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["report", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("by", ["task", "instance"])
@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_the_same_rows_give_a_byte_identical_report_from_either_backend(
    project: Path, pg_url: str, capsys: pytest.CaptureFixture[str], fmt: str, by: str
) -> None:
    sha = routing_sha(project / CURRENT)
    sqlite, postgres = both_ledgers(project, pg_url, fleet_rows(sha))
    code, from_sqlite, err = report(capsys, "--ledger", sqlite, "--until", UNTIL, "--format", fmt, "--by", by)
    assert err == ""
    pg_code, from_postgres, pg_err = report(capsys, "--ledger", postgres, "--until", UNTIL, "--format", fmt,
                                            "--by", by)
    shown = postgres.replace(PASSWORD, "***")
    assert (pg_code, pg_err) == (code, "")
    assert from_postgres.replace(shown, "ledger.db") == from_sqlite
    assert PASSWORD not in from_postgres


def test_report_by_instance_shows_the_stray_override_and_the_old_policy(
    project: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = routing_sha(project / CURRENT)
    _, postgres = both_ledgers(project, pg_url, fleet_rows(sha))
    code, out, _ = report(capsys, "--ledger", postgres, "--until", UNTIL, "--by", "instance")
    S = sha[:12]
    shown = postgres.replace(PASSWORD, "***")
    assert code == 0
    assert out == f"""\
routecheck report by instance: {shown}, 2026-11-17 00:00 UTC to 2026-11-24 00:00 UTC (7 days)
the policy file's sha256: {S}

instance  calls  failed  policy                      tier mix               upgrades                                                 cost
web-1        55       1  {S}                haiku 89%, sonnet 11%  9.1% (validation_failed 4, unknown_task 1)              $0.06
web-2        53       0  {S}                haiku 87%, sonnet 13%  34.0% (override 13, validation_failed 4, overloaded 1)  $0.07
web-3        53       0  0ld000000000, {S}  haiku 87%, sonnet 13%  9.4% (validation_failed 4, overloaded 1)                $0.07

stands out:
  web-2: ROUTECHECK_OVERRIDE on 25% of its calls
  web-3: policy 0ld000000000 is not the policy file's (27 calls)
"""


def test_report_bad_input_is_one_line_exit_2_and_never_shows_the_password(
    cluster: Cluster, pg_url: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    unreachable = f"postgresql://routecheck:{PASSWORD}@127.0.0.1:{port}/routecheck"
    wrong = cluster.url(password="wrong-Password-1")
    at = f"127.0.0.1:{cluster.port}"
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("CREATE TABLE newer (x int)")
    newer_url = cluster.url()
    cases = [
        (unreachable, f"routecheck: error: ledger postgresql://routecheck:***@127.0.0.1:{port}/routecheck: cannot "
                      f"connect (connection failed: connection to server at \"127.0.0.1\", port {port} failed: "
                      "Connection refused Is the server running on that host and accepting TCP/IP connections?)\n"),
        (wrong, f"routecheck: error: ledger postgresql://routecheck:***@{at}/routecheck: cannot connect (connection "
                f"failed: connection to server at \"127.0.0.1\", port {cluster.port} failed: FATAL: password "
                "authentication failed for user \"routecheck\")\n"),
        (newer_url, f"routecheck: error: ledger postgresql://routecheck:***@{at}/routecheck: not a routecheck "
                    "ledger (no routecheck_schema table)\n"),
    ]
    for url, message in cases:
        code, out, err = report(capsys, "--ledger", url)
        assert (code, out, err) == (2, "", message)
        assert PASSWORD not in err and "wrong-Password-1" not in err
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("CREATE TABLE routecheck_schema (version integer NOT NULL)")
        db.execute("INSERT INTO routecheck_schema VALUES (3)")
    assert report(capsys, "--ledger", pg_url) == (2, "", (
        f"routecheck: error: ledger postgresql://routecheck:***@{at}/routecheck: schema version 3 is newer than "
        "this routecheck's (2); upgrade routecheck\n"))


def test_ledger_status_shows_rows_and_the_spool_then_prune_keeps_the_recent_rows(
    pg_url: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = time.time()
    fleet = FleetLedger(pg_url, spool=project / "spool", start=False)
    old = [CallRecord(now - 100 * 86400 + n, "t", "haiku", "haiku", "m", None, 1, 1, 0.0, 1.0, None, "ok", None)
           for n in range(3)]
    recent = [CallRecord(now - 60 + n, "t", "haiku", "haiku", "m", None, 1, 1, 0.0, 1.0, None, "ok", None)
              for n in range(2)]
    for row in old + recent:
        fleet.record(row)
    fleet.flush(10)
    fleet.record(recent[0])  # waits in the spool
    fleet.spool.close()
    shown = pg_url.replace(PASSWORD, "***")
    assert main(["ledger", "status", "--ledger", pg_url, "--spool", "spool"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:-1] == [
        f"ledger:  {shown}", "  schema version 2", f"  5 rows, {when(old[0].ts)} to {when(recent[1].ts)}",
        "  0 rows dropped by replicas (spool full or unwritable)", "spool:   spool",
    ]
    assert out[-1].startswith("  1 rows waiting in 1 segments (")
    assert main(["ledger", "prune", "--ledger", pg_url, "--older-than", "90d"]) == 0
    assert capsys.readouterr().out.startswith(f"{shown}: deleted 3 rows older than ")
    with psycopg.connect(pg_url) as db:
        assert db.execute("SELECT COUNT(*) FROM calls").fetchone() == (2,)
    assert main(["ledger", "flush", "--ledger", pg_url, "--spool", "spool"]) == 0
    assert capsys.readouterr().out == f"{shown}: shipped 1 rows; 0 wait in spool\n"
    with psycopg.connect(pg_url) as db:  # the row shipped again is the same row: still 2
        assert db.execute("SELECT COUNT(*) FROM calls").fetchone() == (2,)
    fleet.close()
    down = f"postgresql://routecheck:{PASSWORD}@127.0.0.1:{free_port()}/routecheck"
    assert main(["ledger", "status", "--ledger", down, "--spool", "spool"]) == 1
    out = capsys.readouterr().out
    assert PASSWORD not in out
    assert out.splitlines()[1].startswith("  cannot be read: cannot connect (connection failed: ")


def test_prune_on_sqlite(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    now = time.time()
    ledger = Ledger(project / "ledger.db")
    for ts in (now - 91 * 86400, now - 89 * 86400):
        ledger.record(CallRecord(ts, "t", "haiku", "haiku", "m", None, 1, 1, 0.0, 1.0, None, "ok", None))
    ledger.close()
    assert main(["ledger", "prune", "--ledger", "ledger.db", "--older-than", "90d"]) == 0
    assert capsys.readouterr().out.startswith("ledger.db: deleted 1 rows older than ")
    assert main(["ledger", "prune", "--ledger", "ledger.db", "--older-than", "soon"]) == 2
    assert capsys.readouterr().err == (
        "routecheck: error: --older-than soon: expected a positive age like 90m, 24h, 7d or 2w\n")


def test_report_by_instance_as_json(project: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    sha = routing_sha(project / CURRENT)
    old = "0ld" + "0" * 61
    _, postgres = both_ledgers(project, pg_url, fleet_rows(sha))
    code, out, _ = report(capsys, "--ledger", postgres, "--until", UNTIL, "--by", "instance", "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "version": 1, "ledger": postgres.replace(PASSWORD, "***"), "since": "2026-11-17T00:00:00Z",
        "until": "2026-11-24T00:00:00Z", "policy_sha256": sha,
        "instances": [
            {"instance": "web-1", "calls": 55, "errors": 1, "policies": {sha: 55}, "tiers": {"haiku": 49, "sonnet": 6},
             "upgrades": {"validation_failed": 4, "unknown_task": 1}, "cost_usd": 0.059, "stands_out": []},
            {"instance": "web-2", "calls": 53, "errors": 0, "policies": {sha: 53}, "tiers": {"haiku": 46, "sonnet": 7},
             "upgrades": {"override": 13, "validation_failed": 4, "overloaded": 1}, "cost_usd": 0.067,
             "stands_out": ["ROUTECHECK_OVERRIDE on 25% of its calls"]},
            {"instance": "web-3", "calls": 53, "errors": 0, "policies": {old: 27, sha: 26},
             "tiers": {"haiku": 46, "sonnet": 7}, "upgrades": {"validation_failed": 4, "overloaded": 1},
             "cost_usd": 0.067, "stands_out": ["policy 0ld000000000 is not the policy file's (27 calls)"]},
        ],
    }
