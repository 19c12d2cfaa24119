"""Streaming, async, OpenTelemetry attributes and the SQLite ledger, through the real SDK and fake server."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import re
import socket
import sqlite3
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fake_anthropic import FakeAnthropic, Reply
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from router_drivers import Driver

from routecheck.runtime import LEDGER_SCHEMA_VERSION, CallRecord, Ledger
from routecheck.runtime.ledger import LedgerError

HAIKU = "claude-haiku-4-5-20251001"
SONNET = "claude-sonnet-4-6"
MESSAGES = "/v1/messages"


def rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT task, requested_tier, tier, model, upgrade, input_tokens, output_tokens, cost_usd,"
            " validation, status, error_type, purpose FROM calls ORDER BY id"
        ).fetchall()


# -- streaming ---------------------------------------------------------------------------------------


def test_stream_routes_and_records_on_completion(driver: Driver, server: FakeAnthropic, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    server.script(HAIKU, "a streamed reply")
    router = driver.router(driver.client(server), environ={"ROUTECHECK_LEDGER": str(ledger)})
    with router.stream("summarize", messages=[{"role": "user", "content": "hello"}], max_tokens=500) as stream:
        assert "".join(stream.text_stream) == "a streamed reply"
    request = server.requests()[0]
    assert (request.model, request.body["max_tokens"], request.body["stream"]) == (HAIKU, 100, True)
    assert rows(ledger) == [("summarize", "haiku", "haiku", HAIKU, None, 2, 4, 2.2e-05, None, "ok", None, "live")]


def test_stream_goes_to_the_overloaded_tier(driver: Driver, server: FakeAnthropic, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    server.script(HAIKU, Reply.error(529))
    router = driver.router(driver.client(server), environ={"ROUTECHECK_LEDGER": str(ledger)})
    with router.stream("classify", messages=[{"role": "user", "content": "hello"}]) as stream:
        assert stream.get_final_text() == "ok"
    assert [(r.model, r.body["stream"]) for r in server.requests()] == [(HAIKU, True), (SONNET, True)]
    assert [row[2:5] + row[9:11] for row in rows(ledger)] == [
        ("haiku", HAIKU, None, "error", "OverloadedError"),
        ("sonnet", SONNET, "overloaded", "ok", None),
    ]


def test_an_error_inside_the_stream_block_is_recorded(
    driver: Driver, server: FakeAnthropic, tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    router = driver.router(driver.client(server), environ={"ROUTECHECK_LEDGER": str(ledger)})
    with pytest.raises(KeyError), router.stream("summarize", messages=[{"role": "user", "content": "x"}]):
        raise KeyError("the caller's bug")
    assert [row[9:11] for row in rows(ledger)] == [("error", "KeyError")]


# -- async -------------------------------------------------------------------------------------------


def test_async_router_applies_the_same_rules(routes: ModuleType, server: FakeAnthropic, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    server.script(HAIKU, Reply.error(529), "not json")
    server.script(SONNET, "ok", '{"label": "x"}')

    async def main() -> list[str]:
        router = routes.AsyncRouter(server.async_client(), environ={"ROUTECHECK_LEDGER": str(ledger)})
        first = await router.call("classify", "hello")  # overloaded on haiku: sonnet answers
        second = await router.call("extract", "hello", validate=lambda text: text.startswith("{"))
        message = await router.create("draft", messages=[{"role": "user", "content": "hi"}], max_tokens=9999)
        async with router.stream("summarize", messages=[{"role": "user", "content": "hi"}]) as stream:
            streamed = await stream.get_final_text()
        evaluated = await router.create_on_tier("draft", "haiku", messages=[{"role": "user", "content": "hi"}])
        return [first, second, message.model, streamed, evaluated.model]

    assert asyncio.run(main()) == ["ok", '{"label": "x"}', SONNET, "ok", HAIKU]
    assert [(r.model, r.body["max_tokens"]) for r in server.requests()] == [
        (HAIKU, 16), (SONNET, 16), (HAIKU, 256), (SONNET, 256), (SONNET, 512), (HAIKU, 100), (HAIKU, 512),
    ]
    assert [row[:5] + row[8:10] + row[11:] for row in rows(ledger)] == [
        ("classify", "haiku", "haiku", HAIKU, None, None, "error", "live"),
        ("classify", "haiku", "sonnet", SONNET, "overloaded", None, "ok", "live"),
        ("extract", "haiku", "haiku", HAIKU, None, "failed", "ok", "live"),
        ("extract", "haiku", "sonnet", SONNET, "validation_failed", "passed", "ok", "live"),
        ("draft", "sonnet", "sonnet", SONNET, None, None, "ok", "live"),
        ("summarize", "haiku", "haiku", HAIKU, None, None, "ok", "live"),
        ("draft", "sonnet", "haiku", HAIKU, None, None, "ok", "eval"),
    ]


# -- OpenTelemetry -----------------------------------------------------------------------------------


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def by_name(spans: tuple[ReadableSpan, ...], name: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name == name]


#: The attributes that vary run to run or host to host (checked in test_routing_attributes_land_on_...).
VARYING = ("routecheck.latency_ms", "routecheck.row_id", "routecheck.instance", "routecheck.policy_sha256")


def routing_attributes(span: ReadableSpan) -> dict[str, Any]:
    items = (span.attributes or {}).items()
    return {k: v for k, v in items if k.startswith("routecheck.") and k not in VARYING}


def test_routing_attributes_land_on_the_sdk_span_and_its_routecheck_parent(
    driver: Driver, server: FakeAnthropic, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    client = driver.client(server, open_telemetry={"tracer_provider": provider})
    router = driver.router(client, tracer_provider=provider, environ={})
    router.call("classify", "hello")
    spans = exporter.get_finished_spans()
    assert sorted(span.name for span in spans) == ["anthropic.messages.create", "routecheck classify"]
    [sdk] = by_name(spans, "anthropic.messages.create")
    [ours] = by_name(spans, "routecheck classify")
    assert sdk.parent is not None and sdk.parent.span_id == ours.context.span_id
    assert routing_attributes(sdk) == {
        "routecheck.task": "classify",
        "routecheck.requested_tier": "haiku",
        "routecheck.tier": "haiku",
        "routecheck.purpose": "live",
        "routecheck.cost_usd": 7e-06,
    }
    assert (sdk.attributes or {})["gen_ai.request.model"] == HAIKU
    assert (sdk.attributes or {})["gen_ai.usage.output_tokens"] == 1
    attributes = dict(ours.attributes or {})
    assert attributes.pop("routecheck.latency_ms") > 0
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        str(attributes.pop("routecheck.row_id")))
    assert attributes.pop("routecheck.instance") == f"{socket.gethostname()}:{os.getpid()}"
    assert attributes.pop("routecheck.policy_sha256") == router.policy.sha256 != ""
    assert attributes == {
        "routecheck.task": "classify",
        "routecheck.requested_tier": "haiku",
        "routecheck.tier": "haiku",
        "routecheck.purpose": "live",
        "gen_ai.request.model": HAIKU,
        "gen_ai.usage.input_tokens": 2,
        "gen_ai.usage.output_tokens": 1,
        "gen_ai.usage.cache_read.input_tokens": 0,
        "gen_ai.usage.cache_creation.input_tokens": 0,
        "routecheck.cost_usd": 7e-06,
        "routecheck.status": "ok",
    }


def test_upgrade_and_validation_outcome_are_span_attributes(
    driver: Driver, server: FakeAnthropic, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    client = driver.client(server, open_telemetry={"tracer_provider": provider})
    router = driver.router(client, tracer_provider=provider, environ={})
    server.script(HAIKU, "bad")
    server.script(SONNET, "good")
    router.call("classify", "hello", validate=lambda text: text == "good")
    ours = by_name(exporter.get_finished_spans(), "routecheck classify")
    assert [routing_attributes(span) for span in ours] == [
        {
            "routecheck.task": "classify", "routecheck.requested_tier": "haiku", "routecheck.tier": "haiku",
            "routecheck.purpose": "live", "routecheck.cost_usd": 7e-06, "routecheck.status": "ok",
            "routecheck.validation": "failed",
        },
        {
            "routecheck.task": "classify", "routecheck.requested_tier": "haiku", "routecheck.tier": "sonnet",
            "routecheck.purpose": "live", "routecheck.upgrade": "validation_failed", "routecheck.cost_usd": 2.1e-05,
            "routecheck.status": "ok", "routecheck.validation": "passed",
        },
    ]
    sdk = by_name(exporter.get_finished_spans(), "anthropic.messages.create")
    assert [routing_attributes(span).get("routecheck.upgrade") for span in sdk] == [None, "validation_failed"]


def test_a_client_without_spans_leaves_only_the_routecheck_span(
    driver: Driver, server: FakeAnthropic, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    router = driver.router(driver.client(server, open_telemetry=False), tracer_provider=provider, environ={})
    router.call("summarize", "hello")
    [span] = exporter.get_finished_spans()
    assert span.name == "routecheck summarize"
    assert routing_attributes(span)["routecheck.cost_usd"] == 7e-06


def test_streamed_calls_are_traced_on_completion(
    driver: Driver, server: FakeAnthropic, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    client = driver.client(server, open_telemetry={"tracer_provider": provider})
    router = driver.router(client, tracer_provider=provider, environ={})
    with router.stream("summarize", messages=[{"role": "user", "content": "hello"}]) as stream:
        stream.until_done()
    [ours] = by_name(exporter.get_finished_spans(), "routecheck summarize")
    [sdk] = by_name(exporter.get_finished_spans(), "anthropic.messages.create")
    assert routing_attributes(ours)["routecheck.cost_usd"] == 7e-06
    assert routing_attributes(sdk)["routecheck.tier"] == "haiku"


# -- the ledger --------------------------------------------------------------------------------------

PROMPT = "PROMPT-TEXT-7f3a the customer's words"
SYSTEM = "SYSTEM-TEXT-91bc"
REPLY = "COMPLETION-TEXT-c0de"


def test_eight_workers_of_200_calls_lose_no_row_and_store_no_text(
    driver: Driver, server: FakeAnthropic, tmp_path: Path
) -> None:
    """Eight threads on one Router, or eight tasks on one loop sharing one AsyncRouter."""
    ledger = tmp_path / "ledger.sqlite"
    server.default_reply(HAIKU, REPLY)
    server.default_reply(SONNET, REPLY)
    router = driver.router(driver.client(server), environ={"ROUTECHECK_LEDGER": str(ledger)})
    tasks = ("classify", "summarize", "extract", "draft") * 2
    errors: list[BaseException] = []

    def work(task: str) -> None:
        try:
            for _ in range(200):
                router.call(task, PROMPT, system=SYSTEM)
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    async def work_async(task: str) -> None:
        for _ in range(200):
            await router.router.call(task, PROMPT, system=SYSTEM)

    async def all_async() -> None:
        await asyncio.gather(*(work_async(task) for task in tasks))

    if driver.kind == "async":
        driver.run(all_async())
    else:
        threads = [threading.Thread(target=work, args=(task,)) for task in tasks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    with sqlite3.connect(ledger) as db:
        query = "SELECT task, tier, status, COUNT(*) FROM calls GROUP BY task, tier ORDER BY task"
        counts = db.execute(query).fetchall()
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("PRAGMA user_version").fetchone() == (LEDGER_SCHEMA_VERSION,)
    assert counts == [
        ("classify", "haiku", "ok", 400), ("draft", "sonnet", "ok", 400),
        ("extract", "haiku", "ok", 400), ("summarize", "haiku", "ok", 400),
    ]
    assert len(server.requests()) == 1600
    stored = b"".join(path.read_bytes() for path in tmp_path.iterdir() if path.name.startswith("ledger.sqlite"))
    for text in (PROMPT, SYSTEM, REPLY, "test-key"):
        assert text.encode() not in stored


def _append(path: str, worker: int) -> None:
    ledger = Ledger(path)
    for n in range(100):
        ledger.record(CallRecord(float(n), f"task{worker}", "haiku", "haiku", HAIKU, None, 1, 1, 6e-06, 1.0,
                                 None, "ok", None))


def test_processes_append_to_one_ledger_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "ledger.sqlite")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append, args=(path, n)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT task, COUNT(*) FROM calls GROUP BY task ORDER BY task").fetchall() == [
            ("task0", 100), ("task1", 100), ("task2", 100), ("task3", 100),
        ]


def test_a_ledger_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 3")
    with pytest.raises(LedgerError) as caught:
        Ledger(path).record(CallRecord(0.0, "t", "haiku", "haiku", HAIKU, None, 0, 0, 0.0, 0.0, None, "ok", None))
    assert str(caught.value) == (
        "ledger.sqlite: ledger schema version 3 is newer than this routecheck's (2); upgrade routecheck"
    )


ROW_ID = "019ae0b2-7c4d-7e3a-9b1c-0d2e3f405162"


def test_the_ledger_schema_is_the_contract(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    Ledger(path).record(CallRecord(1.5, "t", "haiku", "sonnet", SONNET, "override", 3, 4, 0.5, 2.5, "passed", "ok",
                                   None, "eval", ROW_ID, "web-1", "ab" * 32))
    with sqlite3.connect(path) as db:
        columns = [(row[1], row[2], row[3], row[4]) for row in db.execute("PRAGMA table_info(calls)")]
        indexes = db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls'").fetchall()
        stored = db.execute("SELECT * FROM calls").fetchall()
    assert columns == [
        ("id", "INTEGER", 0, None), ("ts", "REAL", 1, None), ("task", "TEXT", 1, None),
        ("requested_tier", "TEXT", 1, None), ("tier", "TEXT", 1, None), ("model", "TEXT", 1, None),
        ("upgrade", "TEXT", 0, None), ("input_tokens", "INTEGER", 1, None), ("output_tokens", "INTEGER", 1, None),
        ("cost_usd", "REAL", 1, None), ("latency_ms", "REAL", 1, None), ("validation", "TEXT", 0, None),
        ("status", "TEXT", 1, None), ("error_type", "TEXT", 0, None), ("purpose", "TEXT", 1, "'live'"),
        ("row_id", "TEXT", 0, None), ("instance", "TEXT", 1, "''"), ("policy_sha256", "TEXT", 1, "''"),
    ]
    assert indexes == [("calls_task_ts",), ("calls_row_id",), ("calls_ts",)]
    assert stored == [
        (1, 1.5, "t", "haiku", "sonnet", SONNET, "override", 3, 4, 0.5, 2.5, "passed", "ok", None, "eval", ROW_ID,
         "web-1", "ab" * 32),
    ]


def test_the_applications_own_span_is_never_stamped(
    driver: Driver, server: FakeAnthropic, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    # No spans of its own or the SDK's.
    router = driver.router(driver.client(server, open_telemetry=False), environ={})
    with provider.get_tracer("app").start_as_current_span("handle request"):
        router.call("summarize", "hello")
    [span] = exporter.get_finished_spans()
    assert (span.name, dict(span.attributes or {})) == ("handle request", {})


def test_a_ledger_that_cannot_be_written_never_fails_the_call(
    driver: Driver, server: FakeAnthropic, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "no such folder" / "ledger.sqlite"
    router = driver.router(driver.client(server), environ={"ROUTECHECK_LEDGER": str(missing)})
    with caplog.at_level(logging.ERROR, logger="routecheck.runtime"):
        assert router.call("summarize", "hello") == "ok"
    assert [r.getMessage() for r in caplog.records] == [f"could not write to the routecheck ledger {missing}"]


def test_a_router_that_builds_its_client_gives_it_the_tracer_provider(
    driver: Driver, server: FakeAnthropic, provider: TracerProvider, exporter: InMemorySpanExporter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    driver.router(None, tracer_provider=provider, environ={}).call("draft", "hello")
    [sdk] = by_name(exporter.get_finished_spans(), "anthropic.messages.create")
    assert routing_attributes(sdk) == {
        "routecheck.task": "draft", "routecheck.requested_tier": "sonnet", "routecheck.tier": "sonnet",
        "routecheck.purpose": "live", "routecheck.cost_usd": 2.1e-05,
    }
