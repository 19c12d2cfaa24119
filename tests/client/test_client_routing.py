"""The generated client through the real anthropic SDK against the fake API server: routing rules."""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from enum import StrEnum
from pathlib import Path
from typing import Any

import anthropic
import pydantic
import pytest
from fake_anthropic import FakeAnthropic, Reply
from router_drivers import Driver

from routecheck.runtime import (
    Ledger,
    ModelNotAllowed,
    OverrideError,
    RoutingError,
    RuntimePolicy,
    UnregisteredTaskType,
    ValidationFailed,
)

HAIKU = "claude-haiku-4-5-20251001"
SONNET = "claude-sonnet-4-6"
OPUS = "claude-opus-4-6"
MESSAGES = "/v1/messages"
KNOWN = "classify, count_exact, draft, extract, refund, summarize"

Row = tuple[Any, ...]


def sent(server: FakeAnthropic) -> list[tuple[str, str | None, int | None]]:
    """(path, model, max_tokens) of every request the server received, in order."""
    return [(r.path, r.model, r.body.get("max_tokens")) for r in server.requests()]


def rows(path: Path) -> list[Row]:
    """The ledger rows, without id, ts and latency (which vary run to run)."""
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT task, requested_tier, tier, model, upgrade, input_tokens, output_tokens, cost_usd,"
            " validation, status, error_type, purpose FROM calls ORDER BY id"
        ).fetchall()


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite"


@pytest.fixture
def router(driver: Driver, server: FakeAnthropic, ledger_path: Path) -> Any:
    return driver.router(driver.client(server), environ={"ROUTECHECK_LEDGER": str(ledger_path)})


# -- model per task, max_tokens cap ------------------------------------------------------------------


def test_each_task_runs_on_its_tier_model_with_the_max_tokens_cap(router: Any, server: FakeAnthropic) -> None:
    assert router.call("summarize", "hello") == "ok"
    router.create("draft", messages=[{"role": "user", "content": "hi"}], max_tokens=100_000)
    router.create("draft", messages=[{"role": "user", "content": "hi"}], max_tokens=20)
    router.create("refund", messages=[{"role": "user", "content": "hi"}])
    assert sent(server) == [
        (MESSAGES, HAIKU, 100), (MESSAGES, SONNET, 512), (MESSAGES, SONNET, 20), (MESSAGES, OPUS, 1024),
    ]


def test_call_sends_the_prompt_and_system(router: Any, server: FakeAnthropic) -> None:
    router.call("summarize", "the prompt", system="be brief")
    body = server.requests()[0].body
    assert body["messages"] == [{"role": "user", "content": "the prompt"}]
    assert body["system"] == "be brief"
    router.call("summarize", "no system")
    assert "system" not in server.requests()[1].body


def test_a_caller_passed_model_is_refused(router: Any, server: FakeAnthropic) -> None:
    with pytest.raises(ModelNotAllowed) as caught:
        router.create("summarize", messages=[{"role": "user", "content": "x"}], model=OPUS)
    assert str(caught.value) == (
        "task 'summarize': model= is not accepted; the routing policy picks the model (tier 'haiku')"
    )
    assert server.requests() == []


def test_the_client_defaults_to_the_environment(driver: Driver, server: FakeAnthropic, monkeypatch: Any) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    assert driver.router(None, environ={}).call("summarize", "hi") == "ok"
    assert sent(server) == [(MESSAGES, HAIKU, 100)]


# -- unknown tasks -----------------------------------------------------------------------------------


def test_an_unknown_task_raises_under_unknown_tasks_error(router: Any, server: FakeAnthropic) -> None:
    with pytest.raises(UnregisteredTaskType) as caught:
        router.call("not_a_task", "x")
    assert str(caught.value) == f"task type 'not_a_task' is not in the routing policy (known: {KNOWN})"
    assert server.requests() == []


def test_an_unknown_task_runs_on_default_tier_under_unknown_tasks_default(
    driver: Driver, runtime_policy: RuntimePolicy, server: FakeAnthropic, ledger_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    policy = dataclasses.replace(runtime_policy, unknown_tasks="default")
    router = driver.router(driver.client(server), policy=policy, ledger=Ledger(ledger_path), environ={})
    with caplog.at_level(logging.WARNING, logger="routecheck.runtime"):
        router.call("new_task", "hello")
        router.call("new_task", "hello")
    assert sent(server) == [(MESSAGES, SONNET, 1024), (MESSAGES, SONNET, 1024)]
    assert [r.getMessage() for r in caplog.records] == [
        "task type 'new_task' is not in the routing policy: running it on 'sonnet'"
    ]
    assert rows(ledger_path)[0] == (
        "new_task", "sonnet", "sonnet", SONNET, "unknown_task", 2, 1, 2.1e-05, None, "ok", None, "live",
    )


# -- upgrade rules -----------------------------------------------------------------------------------


def test_input_tokens_over_upgrades_before_the_call_on_the_estimate(
    router: Any, server: FakeAnthropic, ledger_path: Path
) -> None:
    router.call("classify", "x" * 200)  # 50 estimated tokens: at the threshold, not over it
    router.call("classify", "x" * 201)  # 51
    assert sent(server) == [(MESSAGES, HAIKU, 16), (MESSAGES, SONNET, 16)]
    assert [row[:5] for row in rows(ledger_path)] == [
        ("classify", "haiku", "haiku", HAIKU, None),
        ("classify", "haiku", "sonnet", SONNET, "input_tokens_over"),
    ]


def test_input_tokens_over_asks_the_counting_endpoint_when_the_rule_says_exact(
    router: Any, server: FakeAnthropic
) -> None:
    router.call("count_exact", "x" * 200, system="y" * 4)  # 50 + 1 counted tokens
    router.call("count_exact", "x" * 196, system="y" * 4)  # 49 + 1
    assert sent(server) == [
        ("/v1/messages/count_tokens", HAIKU, None),
        (MESSAGES, SONNET, 16),
        ("/v1/messages/count_tokens", HAIKU, None),
        (MESSAGES, HAIKU, 16),
    ]
    assert server.requests()[0].body == {
        "model": HAIKU, "messages": [{"role": "user", "content": "x" * 200}], "system": "yyyy",
    }


class Label(pydantic.BaseModel):
    label: str


def test_validation_failure_retries_exactly_once_on_the_rule_tier(
    router: Any, server: FakeAnthropic, ledger_path: Path
) -> None:
    server.script(HAIKU, Reply.malformed_json())
    server.script(SONNET, '{"label": "refund"}')
    assert router.call("extract", "text", validate=Label) == '{"label": "refund"}'
    assert sent(server) == [(MESSAGES, HAIKU, 256), (MESSAGES, SONNET, 256)]
    assert [row[:5] + row[8:10] for row in rows(ledger_path)] == [
        ("extract", "haiku", "haiku", HAIKU, None, "failed", "ok"),
        ("extract", "haiku", "sonnet", SONNET, "validation_failed", "passed", "ok"),
    ]


def test_a_retry_that_fails_validation_too_raises_after_two_calls(router: Any, server: FakeAnthropic) -> None:
    server.script(HAIKU, "nope")
    server.script(SONNET, "still not")
    with pytest.raises(ValidationFailed) as caught:
        router.call("classify", "text", validate=lambda text: text in {"billing", "refund"})
    assert str(caught.value) == "task 'classify': output failed validation on tier 'sonnet' after 2 attempt(s)"
    assert sent(server) == [(MESSAGES, HAIKU, 16), (MESSAGES, SONNET, 16)]


def test_validation_failure_without_a_rule_raises_without_retrying(router: Any, server: FakeAnthropic) -> None:
    with pytest.raises(ValidationFailed) as caught:
        router.call("summarize", "text", validate=lambda text: False)
    assert str(caught.value) == "task 'summarize': output failed validation on tier 'haiku' after 1 attempt(s)"
    assert sent(server) == [(MESSAGES, HAIKU, 100)]


@pytest.mark.parametrize(("status", "error"), [(529, "OverloadedError"), (429, "RateLimitError")])
def test_overloaded_after_the_sdk_retries_goes_to_the_rule_tier(
    driver: Driver, server: FakeAnthropic, ledger_path: Path, status: int, error: str
) -> None:
    router = driver.router(driver.client(server, max_retries=2), environ={"ROUTECHECK_LEDGER": str(ledger_path)})
    server.script(HAIKU, *[Reply.error(status)] * 3)
    assert router.call("classify", "hello") == "ok"
    assert sent(server) == [(MESSAGES, HAIKU, 16)] * 3 + [(MESSAGES, SONNET, 16)]
    assert rows(ledger_path) == [
        ("classify", "haiku", "haiku", HAIKU, None, 0, 0, 0.0, None, "error", error, "live"),
        ("classify", "haiku", "sonnet", SONNET, "overloaded", 2, 1, 2.1e-05, None, "ok", None, "live"),
    ]


def test_overloaded_without_a_rule_raises_the_sdk_error(router: Any, server: FakeAnthropic) -> None:
    server.script(HAIKU, Reply.error(529))
    with pytest.raises(anthropic.InternalServerError):
        router.call("summarize", "hello")
    assert sent(server) == [(MESSAGES, HAIKU, 100)]


# -- stakes floor and override -----------------------------------------------------------------------


def test_override_rolls_a_task_back_to_another_tier(
    driver: Driver, server: FakeAnthropic, ledger_path: Path
) -> None:
    env = {"ROUTECHECK_OVERRIDE": "classify=sonnet", "ROUTECHECK_LEDGER": str(ledger_path)}
    router = driver.router(driver.client(server), environ=env)
    assert [router.tier_of(task) for task in ("classify", "summarize")] == ["sonnet", "haiku"]
    router.call("classify", "hello")
    router.call("summarize", "hello")
    assert sent(server) == [(MESSAGES, SONNET, 16), (MESSAGES, HAIKU, 100)]
    assert [row[:5] for row in rows(ledger_path)] == [
        ("classify", "haiku", "sonnet", SONNET, "override"),
        ("summarize", "haiku", "haiku", HAIKU, None),
    ]


def test_no_override_breaks_the_stakes_floor(driver: Driver, server: FakeAnthropic, ledger_path: Path) -> None:
    env = {"ROUTECHECK_OVERRIDE": "*=haiku, refund=sonnet", "ROUTECHECK_LEDGER": str(ledger_path)}
    router = driver.router(driver.client(server), environ=env)
    for task in ("draft", "refund", "summarize"):
        router.create(task, messages=[{"role": "user", "content": "x"}])
    assert [r.model for r in server.requests()] == [SONNET, OPUS, HAIKU]
    assert [row[:5] for row in rows(ledger_path)] == [
        ("draft", "sonnet", "sonnet", SONNET, "floor"),
        ("refund", "opus", "opus", OPUS, "floor"),
        ("summarize", "haiku", "haiku", HAIKU, None),
    ]


def test_the_override_is_logged_once_per_process(
    driver: Driver, server: FakeAnthropic, caplog: pytest.LogCaptureFixture
) -> None:
    # Once per process and override text: each driver's run spells the same override its own way.
    env = {"ROUTECHECK_OVERRIDE": "extract=opus" if driver.kind == "sync" else "extract = opus"}
    with caplog.at_level(logging.WARNING, logger="routecheck.runtime"):
        driver.router(driver.client(server), environ=env).call("extract", "x")
        driver.router(driver.client(server), environ=env).call("extract", "x")
    assert [r.getMessage() for r in caplog.records] == [
        "ROUTECHECK_OVERRIDE is set: routing extract=opus (the stakes floor still applies)"
    ]
    assert [r.model for r in server.requests()] == [OPUS, OPUS]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("classify", "ROUTECHECK_OVERRIDE: 'classify' is not TASK=TIER (or *=TIER)"),
        ("nope=sonnet", "ROUTECHECK_OVERRIDE: 'nope' is not a task in the policy"),
        ("classify=gpt", "ROUTECHECK_OVERRIDE: 'gpt' is not a tier (tiers: haiku, sonnet, opus)"),
        ("*=opus,*=haiku", "ROUTECHECK_OVERRIDE: '*' is overridden twice"),
    ],
)
def test_a_malformed_override_fails_loudly(
    driver: Driver, server: FakeAnthropic, override: str, message: str
) -> None:
    with pytest.raises(OverrideError) as caught:
        driver.router(driver.client(server), environ={"ROUTECHECK_OVERRIDE": override})
    assert str(caught.value) == message


# -- evaluation path ---------------------------------------------------------------------------------


def test_create_on_tier_runs_exactly_that_tier_and_records_eval(
    driver: Driver, server: FakeAnthropic, ledger_path: Path
) -> None:
    env = {"ROUTECHECK_OVERRIDE": "classify=opus", "ROUTECHECK_LEDGER": str(ledger_path)}
    router = driver.router(driver.client(server), environ=env)
    router.create_on_tier("refund", "haiku", messages=[{"role": "user", "content": "x"}], max_tokens=5000)
    router.create_on_tier("classify", "haiku", messages=[{"role": "user", "content": "x" * 400}])
    server.script(HAIKU, Reply.error(529))
    with pytest.raises(anthropic.InternalServerError):
        router.create_on_tier("classify", "haiku", messages=[{"role": "user", "content": "x"}])
    assert sent(server) == [(MESSAGES, HAIKU, 1024), (MESSAGES, HAIKU, 16), (MESSAGES, HAIKU, 16)]
    assert rows(ledger_path) == [
        ("refund", "opus", "haiku", HAIKU, None, 1, 1, 6e-06, None, "ok", None, "eval"),
        ("classify", "haiku", "haiku", HAIKU, None, 100, 1, 0.000105, None, "ok", None, "eval"),
        ("classify", "haiku", "haiku", HAIKU, None, 0, 0, 0.0, None, "error", "OverloadedError", "eval"),
    ]


def test_create_on_tier_rejects_unknown_tasks_and_tiers(router: Any) -> None:
    with pytest.raises(UnregisteredTaskType):
        router.create_on_tier("nope", "haiku", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(Exception, match=r"^'gpt' is not a tier \(tiers: haiku, sonnet, opus\)$"):
        router.create_on_tier("classify", "gpt", messages=[{"role": "user", "content": "x"}])


def test_a_failed_token_count_falls_back_to_the_estimate(
    driver: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeAnthropic(known_models=[SONNET]) as server:  # haiku's count_tokens answers 404
        router = driver.router(driver.client(server), environ={})
        with caplog.at_level(logging.WARNING, logger="routecheck.runtime"):
            assert router.call("count_exact", "x" * 204) == "ok"  # estimated 51 tokens: over 50
        assert [(r.path, r.model, r.status) for r in server.requests()] == [
            ("/v1/messages/count_tokens", HAIKU, 404), (MESSAGES, SONNET, 200),
        ]
    assert [r.getMessage() for r in caplog.records] == [
        "task 'count_exact': token counting failed (NotFoundError); using the local estimate for input_tokens_over"
    ]


def test_stream_is_refused_in_create(router: Any, server: FakeAnthropic) -> None:
    with pytest.raises(RoutingError) as caught:
        router.create("summarize", messages=[{"role": "user", "content": "x"}], stream=True)
    assert str(caught.value) == "task 'summarize': stream= is not accepted; use router.stream(...)"
    assert server.requests() == []


class Named(StrEnum):
    SUMMARIZE = "summarize"


def test_a_str_enum_member_routes_like_its_value(router: Any, server: FakeAnthropic, ledger_path: Path) -> None:
    assert router.call(Named.SUMMARIZE, "hello") == "ok"
    assert sent(server) == [(MESSAGES, HAIKU, 100)]
    assert [(type(row[0]), row[0]) for row in rows(ledger_path)] == [(str, "summarize")]
