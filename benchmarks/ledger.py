"""The fleet ledger: what a PostgreSQL ledger adds to a call, shipping throughput, `report` over many rows.

    python benchmarks/ledger.py [--calls N] [--ship N] [--rows N ...]

Needs the PostgreSQL server binaries (initdb, pg_ctl): it starts a throwaway cluster like the tests do.

1. overhead: the fake Anthropic server in a child process on 127.0.0.1; three routers alternate call by
   call (no ledger; ROUTECHECK_LEDGER=postgresql://..., with its spool and shipper thread; a SQLite
   file for reference). The ratio is median over median, same run.
2. shipping: N rows spooled, then one flush; rows per second (segment read, executemany, commit, delete).
3. report: N generated rows in each backend; `routecheck report` over a 30-day window that holds them
   all, in a fresh process: wall time and peak RSS (ru_maxrss), per backend and row count.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import psycopg  # noqa: E402
from fake_anthropic import FakeAnthropicProcess  # noqa: E402
from pg_cluster import Cluster  # noqa: E402

from routecheck.policy.loader import load_policy  # noqa: E402
from routecheck.rules import known_codes  # noqa: E402
from routecheck.runtime import CallRecord, Ledger, Router, RuntimePolicy  # noqa: E402
from routecheck.runtime.fleet import FleetLedger  # noqa: E402
from routecheck.runtime.ledger_schema import steps  # noqa: E402

REPORT_FIXTURE = ROOT / "tests" / "fixtures" / "report"
UNTIL = 1_764_000_000.0  # 2025-11-24 16:00 UTC
WINDOW = 30 * 86400


def overhead(cluster: Cluster, work: Path, calls: int) -> None:
    source = load_policy(ROOT / "policies" / "routing.toml", known_codes=known_codes())
    policy = RuntimePolicy.from_policy(source.policy, sha256=source.sha256)
    with FakeAnthropicProcess(log_path=work / "api.log") as api:
        import anthropic

        def router(env: dict[str, str]) -> Router:
            return Router(policy, anthropic.Anthropic(base_url=api.url, api_key="bench"), environ=env)

        routers = {
            "none": router({}),
            "postgresql": router({"ROUTECHECK_LEDGER": cluster.url(), "ROUTECHECK_SPOOL": str(work / "spool"),
                                  "ROUTECHECK_INSTANCE": "bench"}),
            "sqlite": router({"ROUTECHECK_LEDGER": str(work / "bench.sqlite")}),
        }
        times: dict[str, list[float]] = {name: [] for name in routers}
        for r in routers.values():  # warm up: connections, the ledger's schema, the SDK's lazy imports
            for _ in range(50):
                r.call("classify_intent", "warm up")
        for _ in range(calls):
            for name, r in routers.items():
                start = time.perf_counter()
                r.call("classify_intent", "I was charged twice this month, please help.")
                times[name].append(time.perf_counter() - start)
        for r in routers.values():
            if r._core.ledger is not None:
                r._core.ledger.close()
    base = statistics.median(times["none"])
    print(f"overhead ({calls} calls each, alternating, loopback fake server):")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  ledger {name:<10}: median {median * 1e6:8.1f} µs  ratio {median / base:.3f}  "
              f"(+{(median - base) * 1e6:.1f} µs)")
    with psycopg.connect(cluster.url()) as db:
        [(shipped,)] = db.execute("SELECT COUNT(*) FROM calls").fetchall()
    print(f"  rows in PostgreSQL after close: {shipped} (expected {calls + 50})")


def shipping(cluster: Cluster, work: Path, rows: int) -> None:
    cluster.reset()
    ledger = FleetLedger(cluster.url(), spool=work / "ship-spool", start=False)
    ledger.flush(10)  # connect and migrate outside the measurement
    record = CallRecord(UNTIL, "classify_intent", "haiku", "haiku", "claude-haiku-4-5-20251001", None, 500, 4,
                        0.00052, 240.5, "passed", "ok", None, "live", "", "bench", "ab" * 32)
    start = time.perf_counter()
    for n in range(rows):
        ledger.record(CallRecord(*(UNTIL - n, *astuple_tail(record))))
    spooled = time.perf_counter() - start
    start = time.perf_counter()
    shipped = ledger.flush(600)
    elapsed = time.perf_counter() - start
    ledger.close()
    print(f"shipping: {rows:,} rows spooled in {spooled:.2f} s ({spooled / rows * 1e6:.1f} µs per record()); "
          f"{shipped:,} shipped in {elapsed:.2f} s = {shipped / elapsed:,.0f} rows/s")


def astuple_tail(record: CallRecord) -> tuple[object, ...]:
    from dataclasses import astuple

    values = astuple(record)
    return (*values[1:14], _row_id(), *values[15:])


_counter = iter(range(1 << 60))


def _row_id() -> str:
    return f"00000000-0000-7000-8000-{next(_counter):012d}"


GENERATE = """
SELECT {until} - (i % {window}) - 0.5,
       CASE i % 8 WHEN 0 THEN 'draft_email' WHEN 1 THEN 'extract_fields' WHEN 2 THEN 'extract_fields'
                  ELSE 'classify_intent' END,
       CASE i % 8 WHEN 0 THEN 'sonnet' ELSE 'haiku' END,
       CASE WHEN i % 8 = 0 OR i % 17 = 0 THEN 'sonnet' ELSE 'haiku' END,
       CASE WHEN i % 8 = 0 OR i % 17 = 0 THEN 'claude-sonnet-4-6' ELSE 'claude-haiku-4-5-20251001' END,
       CASE WHEN i % 8 <> 0 AND i % 17 = 0 THEN 'validation_failed' END,
       500 + i % 300, 4 + i % 20, (500 + i % 300) * 1e-6 + (4 + i % 20) * 5e-6, 100 + (i * 7919) % 900,
       CASE WHEN i % 8 = 0 THEN NULL WHEN i % 29 = 0 THEN 'failed' ELSE 'passed' END,
       CASE WHEN i % 101 = 0 THEN 'error' ELSE 'ok' END, CASE WHEN i % 101 = 0 THEN 'APIStatusError' END,
       'live', 'g-' || i, 'pod-' || (i % 16), 'sha'
"""
COLUMNS = ("ts, task, requested_tier, tier, model, upgrade, input_tokens, output_tokens, cost_usd, latency_ms, "
           "validation, status, error_type, purpose, row_id, instance, policy_sha256")


def fill_postgres(cluster: Cluster, rows: int) -> str:
    cluster.reset()
    url = cluster.url()
    with psycopg.connect(url, autocommit=True) as db:
        for statement in steps("postgresql", 0):
            db.execute(statement)  # type: ignore[arg-type]
        db.execute("CREATE TABLE routecheck_schema (version integer NOT NULL)")
        db.execute("INSERT INTO routecheck_schema VALUES (2)")
        select = GENERATE.format(until=UNTIL, window=WINDOW)
        db.execute(f"INSERT INTO calls ({COLUMNS}) {select} FROM generate_series(CAST(1 AS bigint), {rows}) AS i")  # type: ignore[arg-type]
        db.execute("VACUUM ANALYZE calls")
    return url


def fill_sqlite(path: Path, rows: int) -> str:
    path.unlink(missing_ok=True)
    Ledger(path).close()
    db = sqlite3.connect(path)
    for statement in steps("sqlite", 0):
        db.execute(statement)
    db.execute("PRAGMA user_version = 2")
    select = GENERATE.format(until=UNTIL, window=WINDOW)
    db.execute(f"INSERT INTO calls ({COLUMNS}) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s "
               f"WHERE i < {rows}) {select} FROM s")
    db.commit()
    db.execute("ANALYZE")
    db.close()
    return str(path)


def timed_report(target: str, cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB (the child's own ru_maxrss), and the report's `calls:` lines."""
    until = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(UNTIL))
    command = [sys.executable, "-m", "routecheck", "report", "--ledger", target, "--since", "30d", "--until", until]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)  # the report is a few lines: the pipe buffer holds them
    elapsed = time.perf_counter() - start
    assert process.stdout is not None and process.stderr is not None
    text, err = process.stdout.read().decode(), process.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(err)
    calls = [line.strip() for line in text.splitlines() if line.strip().startswith("calls:")]
    return elapsed, usage.ru_maxrss / 1024, "; ".join(calls)


def report_scaling(cluster: Cluster, work: Path, sizes: list[int], backends: list[str]) -> None:
    project = work / "project"
    shutil.copytree(REPORT_FIXTURE, project / "policies")
    print("report over a 30-day window holding every row (fresh process each; peak RSS is ru_maxrss):")
    for backend in backends:
        for rows in sizes:
            start = time.perf_counter()
            target = fill_postgres(cluster, rows) if backend == "postgresql" else fill_sqlite(work / "r.sqlite", rows)
            filled = time.perf_counter() - start
            elapsed, peak, calls = timed_report(target, project)
            print(f"  {backend:<10} {rows:>11,} rows: report {elapsed:6.2f} s, peak RSS {peak:6.1f} MiB "
                  f"(generated in {filled:.0f} s) [{calls}]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--ship", type=int, default=100_000)
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--only", choices=("overhead", "shipping", "report"))
    parser.add_argument("--backends", nargs="*", default=["postgresql", "sqlite"], choices=("postgresql", "sqlite"))
    args = parser.parse_args()
    cluster = Cluster()
    work = Path(tempfile.mkdtemp(prefix="routecheck-ledger-bench-"))
    try:
        cluster.start()
        cluster.create_role_and_database()
        if args.only in (None, "overhead"):
            overhead(cluster, work, args.calls)
        if args.only in (None, "shipping"):
            shipping(cluster, work, args.ship)
        if args.only in (None, "report"):
            report_scaling(cluster, work, args.rows, args.backends)
    finally:
        cluster.stop("fast")
        cluster.remove()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
