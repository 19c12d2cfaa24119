"""The PostgreSQL ledger against a real cluster: shipping, idempotence, the spool, migration, bad input."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import astuple, replace
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fake_anthropic import FakeAnthropic
from pg_cluster import PASSWORD, Cluster, free_port

from routecheck.cost.book import require_prices
from routecheck.runtime import CallRecord, Ledger, Router, RuntimePolicy
from routecheck.runtime.fleet import FleetLedger
from routecheck.runtime.ledger_schema import COLUMNS, MIGRATIONS
from routecheck.runtime.spool import HEADER, status
from support import load_policy

TODAY = date(2026, 12, 2)

HAIKU = "claude-haiku-4-5-20251001"
SONNET = "claude-sonnet-4-6"
POLICY = Path(__file__).resolve().parents[1] / "fixtures" / "client" / "routing.toml"


def stored(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as db:
        return db.execute(f"SELECT {', '.join(COLUMNS)} FROM calls ORDER BY ts").fetchall()


def record(n: int, **changes: Any) -> CallRecord:
    row = CallRecord(1_000_000.0 + n, "classify", "haiku", "haiku", HAIKU, None, 10 + n, 2, 2e-05, 12.5, "passed",
                     "ok", None, "live", f"00000000-0000-7000-8000-{n:012d}", "web-1", "ab" * 32)
    return replace(row, **changes)


def test_rows_ship_field_for_field_and_leave_the_spool_empty(pg_url: str, tmp_path: Path) -> None:
    ledger = FleetLedger(pg_url, spool=tmp_path / "spool", start=False)
    rows = [record(1), record(2, tier="sonnet", model=SONNET, upgrade="validation_failed", validation=None),
            record(3, status="error", error_type="APIStatusError", purpose="eval", instance="worker 7")]
    for row in rows:
        ledger.record(row)
    assert status(tmp_path / "spool").rows == 3
    assert ledger.flush(10) == 3
    ledger.close()
    assert stored(pg_url) == [astuple(row) for row in rows]
    assert status(tmp_path / "spool").rows == 0
    assert ledger.last_error is None


def test_a_segment_shipped_twice_is_stored_once(pg_url: str, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    ledger = FleetLedger(pg_url, spool=spool, start=False)
    for n in range(5):
        ledger.record(record(n))
    ledger.spool.rotate()
    [segment] = list(spool.iterdir())
    kept = segment.read_bytes()
    assert ledger.flush(10) == 5
    # as if the shipper had died between the commit and the delete: the same segment again
    segment.write_bytes(kept)
    assert ledger.flush(10) == 5
    ledger.close()
    assert [row[-3] for row in stored(pg_url)] == [f"00000000-0000-7000-8000-{n:012d}" for n in range(5)]


def test_rows_wait_while_the_database_is_unreachable_and_the_next_start_ships_them(
    pg_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spool = tmp_path / "spool"
    down = f"postgresql://routecheck:{PASSWORD}@127.0.0.1:{free_port()}/routecheck"
    with caplog.at_level(logging.WARNING, logger="routecheck.runtime"):
        ledger = FleetLedger(down, spool=spool, start=False, exit_timeout=1.0, lag_warning=0.0)
        for n in range(3):
            ledger.record(record(n))
        assert ledger.flush(1.0) == 0
        ledger.close()  # a normal exit: what cannot be shipped stays
    assert status(spool).rows == 3
    messages = [r.getMessage() for r in caplog.records if r.name == "routecheck.runtime"]
    assert messages and all(PASSWORD not in m for m in messages)
    assert messages[0].startswith("routecheck ledger postgresql://routecheck:***@127.0.0.1:")
    assert "Connection refused" in messages[0]
    lag = [m for m in messages if "rows have waited" in m]  # the lag passed its bound (0 s here): said once
    assert len(lag) == 1 and f"in the spool {spool} (bound 0 s): connection failed: " in lag[0]
    # the next start, pointed at a database that answers, ships what the last one left
    again = FleetLedger(pg_url, spool=spool, start=False)
    assert again.flush(10) == 3
    again.close()
    assert len(stored(pg_url)) == 3
    assert status(spool).rows == 0


def test_a_routed_call_with_a_wrong_password_returns_and_its_row_waits_in_the_spool(
    cluster: Cluster, pg_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = cluster.url(password="not-the-password-42")
    policy = RuntimePolicy.from_policy(load_policy(POLICY).policy, require_prices(load_policy(POLICY), TODAY),
                                       sha256="cd" * 32)
    env = {"ROUTECHECK_LEDGER": wrong, "ROUTECHECK_SPOOL": str(tmp_path / "spool"), "ROUTECHECK_INSTANCE": "pod-a"}
    with FakeAnthropic() as server, caplog.at_level(logging.WARNING):
        router = Router(policy, server.client(), environ=env)
        assert router.call("summarize", "hello") == "ok"
        assert router._core.ledger is not None
        ledger = router._core.ledger
        assert isinstance(ledger, FleetLedger)
        ledger.flush(2.0)
        ledger.close()
    assert status(tmp_path / "spool").rows == 1
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "not-the-password-42" not in text
    assert 'password authentication failed for user "routecheck"' in text
    assert "postgresql://routecheck:***@127.0.0.1:" in text
    # fixed: the right URL ships the row, with its replica and policy version
    fixed = FleetLedger(pg_url, spool=tmp_path / "spool", start=False)
    assert fixed.flush(10) == 1
    fixed.close()
    [row] = stored(pg_url)
    assert row[1:9] + row[11:14] + row[15:] == ("summarize", "haiku", "haiku", HAIKU, None, 2, 1, 7e-06, "ok",
                                                None, "live", "pod-a", "cd" * 32)


def test_an_older_schema_is_migrated_forward_in_one_transaction(cluster: Cluster, pg_url: str,
                                                                tmp_path: Path) -> None:
    with psycopg.connect(pg_url, autocommit=True) as db:  # a version 1 ledger, with one row
        for statement in MIGRATIONS[0]("postgresql"):
            db.execute(statement)  # type: ignore[arg-type]
        db.execute("CREATE TABLE routecheck_schema (version integer NOT NULL)")
        db.execute("INSERT INTO routecheck_schema VALUES (1)")
        db.execute("INSERT INTO calls (ts, task, requested_tier, tier, model, input_tokens, output_tokens, cost_usd,"
                   " latency_ms, status) VALUES (5.0, 'old', 'haiku', 'haiku', 'm', 1, 1, 0.0, 1.0, 'ok')")
    ledger = FleetLedger(pg_url, spool=tmp_path / "spool", start=False)
    ledger.record(record(1))
    assert ledger.flush(10) == 1
    ledger.close()
    with psycopg.connect(pg_url) as db:
        assert db.execute("SELECT version FROM routecheck_schema").fetchall() == [(2,)]
        assert db.execute("SELECT task, row_id, instance FROM calls ORDER BY ts").fetchall() == [
            ("old", "v1-1", ""), ("classify", "00000000-0000-7000-8000-000000000001", "web-1"),
        ]


def test_a_newer_schema_is_refused_and_rows_wait(pg_url: str, tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("CREATE TABLE routecheck_schema (version integer NOT NULL)")
        db.execute("INSERT INTO routecheck_schema VALUES (3)")
    ledger = FleetLedger(pg_url, spool=tmp_path / "spool", start=False)
    ledger.record(record(1))
    with caplog.at_level(logging.WARNING, logger="routecheck.runtime"):
        assert ledger.flush(5) == 0
    ledger.close()
    assert ledger.last_error == ("postgresql://routecheck:***@127.0.0.1:" + pg_url.split("@127.0.0.1:")[1]
                                 + ": ledger schema version 3 is newer than this routecheck's (2); upgrade routecheck")
    assert status(tmp_path / "spool").rows == 1


def test_the_sqlite_ledger_is_migrated_from_version_1(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with sqlite3.connect(path) as db:
        for statement in MIGRATIONS[0]("sqlite"):
            db.execute(statement)
        db.execute("INSERT INTO calls (ts, task, requested_tier, tier, model, input_tokens, output_tokens, cost_usd,"
                   " latency_ms, status) VALUES (5.0, 'old', 'haiku', 'haiku', 'm', 1, 1, 0.0, 1.0, 'ok')")
        db.execute("PRAGMA user_version = 1")
    ledger = Ledger(path)
    ledger.record(record(1))
    ledger.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (2,)
        assert db.execute("SELECT task, row_id, instance FROM calls ORDER BY ts").fetchall() == [
            ("old", "v1-1", ""), ("classify", "00000000-0000-7000-8000-000000000001", "web-1"),
        ]


def test_a_missing_extra_is_named(tmp_path: Path) -> None:
    # psycopg blocked from importing, as where the extra is not installed
    code = ("import sys; sys.modules['psycopg'] = None; from routecheck.cli import main; "
            "sys.exit(main(['report', '--ledger', 'postgresql://u:hunter2@127.0.0.1:1/db']))")
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "report", tmp_path / "policies")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", (
        "routecheck: error: ledger postgresql://u:***@127.0.0.1:1/db: a postgresql:// ledger needs psycopg and "
        "psycopg-pool: pip install 'routecheck[postgres]'\n"))


def test_the_monthly_partitions_of_the_docs_take_rows_once_and_drop_a_month(pg_url: str, tmp_path: Path) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "fleet.md").read_text(encoding="utf-8")
    sql = docs.split("```sql\n", 1)[1].split("```", 1)[0]
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute(sql)  # type: ignore[arg-type]
    november, december = 1793491200.0 + 60, 1796083200.0 + 60
    rows = [record(1, ts=november), record(2, ts=december), record(3, ts=1.0)]
    ledger = FleetLedger(pg_url, spool=tmp_path / "spool", start=False)
    for row in rows + rows:  # every row twice, as a retried batch would send it
        ledger.record(row)
    assert ledger.flush(10) == 6
    ledger.close()
    with psycopg.connect(pg_url, autocommit=True) as db:
        placed = db.execute("SELECT tableoid::regclass::text, row_id FROM calls ORDER BY ts").fetchall()
        assert placed == [("calls_later", rows[2].row_id), ("calls_2026_11", rows[0].row_id),
                          ("calls_2026_12", rows[1].row_id)]
        db.execute("DROP TABLE calls_2026_11")
        assert db.execute("SELECT COUNT(*) FROM calls").fetchone() == (2,)


def test_a_full_spool_drops_rows_counts_them_and_reports_them(
    pg_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    from routecheck.cli import main

    line = len(json.dumps(astuple(record(0)), separators=(",", ":"))) + 1
    room = len(HEADER) + 2 * line + 10  # the segment header and two rows
    env = {"ROUTECHECK_SPOOL_MAX_MB": str(room / (1 << 20)), "ROUTECHECK_INSTANCE": "tiny-disk"}
    ledger = FleetLedger(pg_url, spool=tmp_path / "spool", environ=env, start=False)
    with caplog.at_level(logging.ERROR, logger="routecheck.runtime"):
        for n in range(5):
            ledger.record(record(n))
    assert ledger.spool.dropped == 3
    assert [r.getMessage() for r in caplog.records] == [
        f"routecheck ledger: the spool is full ({tmp_path / 'spool'}); 1 rows dropped so far"]
    assert ledger.flush(10) == 2
    ledger.close()
    with psycopg.connect(pg_url) as db:
        assert db.execute("SELECT instance, rows FROM ledger_drops").fetchall() == [("tiny-disk", 3)]
    assert main(["ledger", "status", "--ledger", pg_url, "--spool", str(tmp_path / "spool")]) == 0
    assert "  3 rows dropped by replicas (spool full or unwritable)\n" in capsys.readouterr().out


def test_rows_the_database_refuses_are_set_aside_and_do_not_block_the_rest(
    pg_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spool = tmp_path / "spool"
    ledger = FleetLedger(pg_url, spool=spool, start=False)
    ledger.record(record(1, input_tokens=10**20))  # out of bigint's range: PostgreSQL will never take it
    ledger.spool.rotate()
    ledger.record(record(2))
    with caplog.at_level(logging.ERROR, logger="routecheck.runtime"):
        assert ledger.flush(10) == 1
    ledger.close()
    assert [row[-3] for row in stored(pg_url)] == [record(2).row_id]
    [kept] = [p for p in spool.iterdir() if p.suffix == ".rejected"]
    assert b"100000000000000000000" in kept.read_bytes()
    assert ledger.spool.dropped == 1
    [message] = [r.getMessage() for r in caplog.records]
    assert message.startswith(f"routecheck ledger {pg_url.replace(PASSWORD, '***')}: rows the database refuses (")
    assert message.endswith(f") set aside in {kept}")
