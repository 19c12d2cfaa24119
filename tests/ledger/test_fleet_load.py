"""The fleet ledger under load and faults: 8 processes x 4 threads x 1,000 routed calls, real SDK, real PostgreSQL.

Every call goes through the real anthropic SDK to the fake Messages server (its own process) and is
recorded to the PostgreSQL ledger through each process's spool and shipper.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pg_cluster import Cluster

from routecheck.cost.book import require_prices
from routecheck.runtime import RuntimePolicy
from routecheck.runtime.spool import status
from routecheck.runtime.usage import UsageCounts
from support import load_policy

TODAY = date(2026, 12, 2)

HERE = Path(__file__).resolve().parent
WORKER = HERE / "load_worker.py"
FAKE = HERE.parent / "fake_anthropic.py"
POLICY = HERE.parent / "fixtures" / "client" / "routing.toml"
PROCESSES, THREADS, CALLS = 8, 4, 1000
TASK_TIER = {"summarize": "haiku", "extract": "haiku", "draft": "sonnet", "classify": "haiku"}

pytestmark = pytest.mark.slow


@pytest.fixture
def api() -> Iterator[str]:
    """The fake Messages server in a process of its own (so that it does not share the test's interpreter)."""
    server = subprocess.Popen([sys.executable, str(FAKE), "--port", "0"], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    url = server.stdout.readline().strip()
    try:
        assert url.startswith("http://127.0.0.1:")
        yield url
    finally:
        server.terminate()
        server.wait(10)


def start(api: str, pg_url: str, spool: Path, results: Path, instance: str, calls: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, ROUTECHECK_LEDGER=pg_url, ROUTECHECK_SPOOL=str(spool), ROUTECHECK_INSTANCE=instance)
    env.pop("ROUTECHECK_OVERRIDE", None)
    return subprocess.Popen([sys.executable, str(WORKER), api, str(THREADS), str(calls), str(results)], env=env)


def returned(results: Path) -> list[list[Any]]:
    """The calls that returned to their caller, as the worker wrote them (complete lines only)."""
    if not results.exists():
        return []
    data = results.read_bytes()
    return [json.loads(line) for line in data[:data.rfind(b"\n") + 1].splitlines()]


def stored(pg_url: str) -> dict[tuple[str, str, int], tuple[Any, ...]]:
    """Every row, by (instance, task, input_tokens); fails on a duplicate row id or call."""
    with psycopg.connect(pg_url) as db:
        rows = db.execute("SELECT instance, task, input_tokens, requested_tier, tier, model, upgrade, output_tokens,"
                          " cost_usd, validation, status, error_type, purpose, policy_sha256, row_id FROM calls"
                          ).fetchall()
    assert len({row[-1] for row in rows}) == len(rows), "a row id is stored twice"
    by_call = {(row[0], row[1], row[2]): row[3:-1] for row in rows}
    assert len(by_call) == len(rows), "a call is stored twice"
    return by_call


def expected_row(policy: RuntimePolicy, sha: str, task: str, model: str, input_tokens: int,
                 output_tokens: int) -> tuple[Any, ...]:
    """The row a call must have left, from what the caller got back."""
    [tier] = [t for t in policy.tiers if t.model == model]
    upgrade = None if tier.name == TASK_TIER[task] else "input_tokens_over"  # classify's size rule, past 50
    cost = tier.cost_usd(UsageCounts(input_tokens, output_tokens))
    return (TASK_TIER[task], tier.name, model, upgrade, output_tokens, cost,
            None, "ok", None, "live", sha)


def check_rows(rows: dict[tuple[str, str, int], tuple[Any, ...]], instance: str, calls: list[list[Any]]) -> None:
    source = load_policy(POLICY)
    policy = RuntimePolicy.from_policy(source.policy, require_prices(source, TODAY), sha256=source.sha256)
    for task, n, model, input_tokens, output_tokens in calls:
        assert input_tokens == n
        assert rows[(instance, task, n)] == expected_row(policy, source.sha256, task, model, input_tokens,
                                                         output_tokens), (instance, task, n)


def test_32000_calls_from_8_processes_land_once_each_with_their_fields(
    api: str, pg_url: str, tmp_path: Path
) -> None:
    workers = [start(api, pg_url, tmp_path / "spool", tmp_path / f"w{p}.jsonl", f"w{p}", CALLS)
               for p in range(PROCESSES)]
    assert [worker.wait(600) for worker in workers] == [0] * PROCESSES
    rows = stored(pg_url)
    assert len(rows) == PROCESSES * THREADS * CALLS == 32_000, status(tmp_path / "spool")
    for p in range(PROCESSES):
        calls = returned(tmp_path / f"w{p}.jsonl")
        assert len(calls) == THREADS * CALLS
        check_rows(rows, f"w{p}", calls)
    assert list((tmp_path / "spool").iterdir()) == []  # every process shipped its rows before it exited


def _wait_for(predicate: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_database_crash_and_a_killed_writer_lose_no_returned_call_and_count_none_twice(
    api: str, cluster: Cluster, pg_url: str, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    results = [tmp_path / f"w{p}.jsonl" for p in range(PROCESSES)]
    workers = [start(api, pg_url, spool, results[p], f"w{p}", CALLS) for p in range(PROCESSES)]

    def total() -> int:
        return sum(len(returned(path)) for path in results)

    _wait_for(lambda: total() >= 6_000, 300)
    cluster.stop("immediate")  # the database crashes: calls go on, rows wait in the spools
    down_from = total()
    _wait_for(lambda: total() >= down_from + 2_000, 300)
    assert status(spool).rows >= 2_000  # the calls made while it was down wait, on this machine's disk
    cluster.start()
    _wait_for(lambda: total() >= 16_000, 300)
    workers[0].send_signal(signal.SIGKILL)  # one replica dies mid-run, its spool segment unshipped
    assert workers[0].wait(60) == -signal.SIGKILL
    assert [worker.wait(600) for worker in workers[1:]] == [0] * (PROCESSES - 1)
    # The next start of the killed replica: its shipper ships what the dead process left in the spool.
    next_start = start(api, pg_url, spool, tmp_path / "next.jsonl", "w0-next", 0)
    assert next_start.wait(120) == 0
    rows = stored(pg_url)
    killed = returned(results[0])
    assert 0 < len(killed) < THREADS * CALLS
    # Expected: the 7 replicas that ran to the end: all 4,000 calls each. The killed one: every call that
    # returned to its caller (a line in its results file), plus at most one call per thread whose row was
    # spooled at the end of the call but which was killed before it could write its results line.
    from_killed = sum(1 for key in rows if key[0] == "w0")
    assert len(killed) <= from_killed <= len(killed) + THREADS
    assert len(rows) == (PROCESSES - 1) * THREADS * CALLS + from_killed
    check_rows(rows, "w0", killed)
    for p in range(1, PROCESSES):
        calls = returned(results[p])
        assert len(calls) == THREADS * CALLS
        check_rows(rows, f"w{p}", calls)
    assert list(spool.iterdir()) == []
