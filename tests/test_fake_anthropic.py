"""Drive `fake_anthropic` with the real anthropic SDK, no mocks: shapes, scripts, retries, batches, logs."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import pytest
from fake_anthropic import (
    FakeAnthropic,
    FakeAnthropicProcess,
    Reply,
    count_input_tokens,
    estimate_tokens,
    read_log,
    serve,
)

HAIKU = "claude-haiku-4-5-20251001"
SONNET = "claude-sonnet-4-6"

server = pytest.fixture(serve, name="server")


def user(text: str) -> list[anthropic.types.MessageParam]:
    return [{"role": "user", "content": text}]


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def raw_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    """POST without the SDK, to see the exact status, headers and error body."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers.items()), json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers.items()), json.loads(err.read())


# -- token formula ----------------------------------------------------------------------------------


def test_token_formula_is_ceil_chars_over_four_per_piece() -> None:
    assert [estimate_tokens(t) for t in ["", "a", "abcd", "abcde", "hello world"]] == [0, 1, 1, 2, 3]
    body = {
        "system": [{"type": "text", "text": "You label."}],  # 10 chars -> 3
        "messages": [
            {"role": "user", "content": "hello world"},  # 11 -> 3
            {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},  # 2 -> 1
        ],
    }
    assert count_input_tokens(body) == 7
    assert count_input_tokens({"messages": [{"role": "user", "content": ""}]}) == 1


# -- /v1/messages -----------------------------------------------------------------------------------


def test_create_returns_model_default_reply_with_exact_usage(server: FakeAnthropic) -> None:
    server.default_reply(HAIKU, "label_a")
    with server.client() as client:
        message = client.messages.create(model=HAIKU, max_tokens=16, messages=user("hello world"))
        other = client.messages.create(model=SONNET, max_tokens=16, messages=user("hello world"))

    assert message.id == "msg_fake00000001"
    assert message.type == "message"
    assert message.role == "assistant"
    assert message.model == HAIKU
    assert [(b.type, getattr(b, "text", None)) for b in message.content] == [("text", "label_a")]
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens == 3
    assert message.usage.output_tokens == 2
    assert message.usage.cache_creation_input_tokens == 0
    assert message.usage.cache_read_input_tokens == 0
    assert message._request_id == "req_fake00000001"
    # A model with no script answers the server-wide default text.
    assert other.model == SONNET
    assert other.content[0].type == "text" and other.content[0].text == "ok"
    assert other.usage.output_tokens == 1


def test_reply_longer_than_max_tokens_is_cut_with_max_tokens_stop(server: FakeAnthropic) -> None:
    server.script(HAIKU, "abcdefghijklmnop")  # 16 chars = 4 tokens
    with server.client() as client:
        message = client.messages.create(model=HAIKU, max_tokens=2, messages=user("hi"))
    assert message.content[0].type == "text" and message.content[0].text == "abcdefgh"
    assert message.stop_reason == "max_tokens"
    assert message.usage.output_tokens == 2


def test_responder_decides_from_the_prompt(server: FakeAnthropic) -> None:
    wrong_on = {"prompt 2", "prompt 4"}

    def candidate(request: dict[str, Any]) -> str:
        prompt = request["messages"][-1]["content"]
        return "label_b" if prompt in wrong_on else "label_a"

    server.default_reply(HAIKU, candidate)
    with server.client() as client:
        answers = [
            client.messages.create(model=HAIKU, max_tokens=8, messages=user(f"prompt {i}")).content[0]
            for i in range(1, 6)
        ]
    assert [getattr(a, "text", None) for a in answers] == [
        "label_a",
        "label_b",
        "label_a",
        "label_b",
        "label_a",
    ]


def test_script_is_consumed_in_order_then_falls_back(server: FakeAnthropic) -> None:
    server.default_reply(HAIKU, "fallback")
    server.script(HAIKU, Reply.text("first"), "second", Reply.malformed_json())
    assert server.pending(HAIKU) == 3
    with server.client() as client:
        texts = [
            getattr(
                client.messages.create(model=HAIKU, max_tokens=64, messages=user("q")).content[0],
                "text",
                None,
            )
            for _ in range(4)
        ]
    assert texts == ["first", "second", '{"label": "unterminated', "fallback"]
    assert server.pending(HAIKU) == 0
    with pytest.raises(json.JSONDecodeError):
        json.loads(texts[2] or "")


def test_invalid_body_is_a_400_and_unknown_model_a_404() -> None:
    with FakeAnthropic(known_models=[HAIKU]) as fake, fake.client() as client:
        with pytest.raises(anthropic.NotFoundError) as missing:
            client.messages.create(model="claude-typo", max_tokens=8, messages=user("q"))
        with pytest.raises(anthropic.BadRequestError) as invalid:
            client.messages.create(model=HAIKU, max_tokens=0, messages=user("q"))
    assert missing.value.type == "not_found_error"
    assert missing.value.api_message == "model: claude-typo"
    assert invalid.value.type == "invalid_request_error"
    assert [r.status for r in fake.requests()] == [404, 400]


# -- streaming --------------------------------------------------------------------------------------


def test_stream_helper_yields_text_and_final_usage(server: FakeAnthropic) -> None:
    server.script(HAIKU, "The answer is label_a.")  # 22 chars -> 6 tokens, 3 deltas of 8/8/6
    with (
        server.client() as client,
        client.messages.stream(model=HAIKU, max_tokens=64, messages=user("hello world")) as stream,
    ):
        chunks = list(stream.text_stream)
        final = stream.get_final_message()
    assert chunks == ["The answ", "er is la", "bel_a."]
    assert final.content[0].type == "text" and final.content[0].text == "The answer is label_a."
    assert final.stop_reason == "end_turn"
    assert final.usage.input_tokens == 3
    assert final.usage.output_tokens == 6
    assert server.requests()[0].body["stream"] is True


def test_create_stream_true_emits_the_api_event_sequence(server: FakeAnthropic) -> None:
    server.script(HAIKU, "abc")
    with server.client() as client:
        events = list(client.messages.create(model=HAIKU, max_tokens=8, messages=user("q"), stream=True))
    assert [e.type for e in events] == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    delta = events[6]
    assert delta.type == "message_delta"
    assert delta.delta.stop_reason == "end_turn"
    assert delta.usage.output_tokens == 1


def test_async_client_create_and_stream(server: FakeAnthropic) -> None:
    server.script(SONNET, "async one", "async two")

    async def run() -> tuple[anthropic.types.Message, str, int]:
        async with server.async_client() as client:
            created = await client.messages.create(model=SONNET, max_tokens=16, messages=user("hello"))
            async with client.messages.stream(model=SONNET, max_tokens=16, messages=user("hello")) as stream:
                streamed = "".join([chunk async for chunk in stream.text_stream])
                final = await stream.get_final_message()
        return created, streamed, final.usage.output_tokens

    created, streamed, output_tokens = asyncio.run(run())
    assert created.content[0].type == "text" and created.content[0].text == "async one"
    assert created.usage.input_tokens == 2
    assert streamed == "async two"
    assert output_tokens == 3
    assert [r.headers["x-stainless-async"].startswith("async") for r in server.requests()] == [True, True]


# -- count_tokens -----------------------------------------------------------------------------------


def test_count_tokens_uses_the_documented_formula(server: FakeAnthropic) -> None:
    with server.client() as client:
        counted = client.messages.count_tokens(
            model=HAIKU, system="You label.", messages=user("hello world, how are you?")
        )
    assert counted.input_tokens == 3 + 7
    assert server.requests(path="/v1/messages/count_tokens", model=HAIKU)[0].status == 200


# -- errors and SDK retries -------------------------------------------------------------------------


def test_529_then_success_is_retried_by_the_sdk(server: FakeAnthropic) -> None:
    server.script(HAIKU, Reply.error(529), "recovered")
    started = time.monotonic()
    with server.client(max_retries=1) as client:
        message = client.messages.create(model=HAIKU, max_tokens=16, messages=user("q"))
    assert time.monotonic() - started < 0.5  # retry-after-ms: 1 made the SDK skip its 0.5 s+ backoff
    assert message.content[0].type == "text" and message.content[0].text == "recovered"
    calls = server.requests(path="/v1/messages", model=HAIKU)
    assert [(c.status, c.headers["x-stainless-retry-count"]) for c in calls] == [(529, "0"), (200, "1")]
    assert calls[0].body == calls[1].body


def test_529_without_retries_raises_overloaded_with_api_error_shape(server: FakeAnthropic) -> None:
    server.script(HAIKU, Reply.error(529, message="Overloaded"))
    with server.client(max_retries=0) as client, pytest.raises(anthropic.OverloadedError) as caught:
        client.messages.create(model=HAIKU, max_tokens=16, messages=user("q"))
    assert caught.value.status_code == 529
    assert caught.value.request_id == "req_fake00000001"
    assert caught.value.body == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"},
        "request_id": "req_fake00000001",
    }


def test_429_with_no_retries_raises_rate_limit_error(server: FakeAnthropic) -> None:
    server.script(HAIKU, Reply.error(429))
    with server.client(max_retries=0) as client, pytest.raises(anthropic.RateLimitError) as caught:
        client.messages.create(model=HAIKU, max_tokens=16, messages=user("q"))
    assert caught.value.type == "rate_limit_error"
    assert caught.value.response.headers["retry-after"] == "0"
    assert caught.value.response.headers["retry-after-ms"] == "1"
    assert len(server.requests()) == 1


def test_500_exhausts_retries_and_disconnect_is_retried(server: FakeAnthropic) -> None:
    server.script(HAIKU, Reply.error(500), Reply.error(500), Reply.error(500))
    server.script(SONNET, Reply.disconnect(), "after reconnect")
    with server.client(max_retries=2) as client:
        with pytest.raises(anthropic.InternalServerError) as caught:
            client.messages.create(model=HAIKU, max_tokens=16, messages=user("q"))
        message = client.messages.create(model=SONNET, max_tokens=16, messages=user("q"))
    assert caught.value.type == "api_error"
    assert [r.status for r in server.requests(model=HAIKU)] == [500, 500, 500]
    assert message.content[0].type == "text" and message.content[0].text == "after reconnect"
    assert [r.status for r in server.requests(model=SONNET)] == [0, 200]


def test_x_should_retry_false_stops_sdk_retries(server: FakeAnthropic) -> None:
    server.script(HAIKU, Reply.error(529, should_retry=False), "unused")
    with server.client(max_retries=3) as client, pytest.raises(anthropic.OverloadedError):
        client.messages.create(model=HAIKU, max_tokens=16, messages=user("q"))
    assert len(server.requests()) == 1
    assert server.pending(HAIKU) == 1


def test_error_body_and_headers_on_the_wire(server: FakeAnthropic) -> None:
    server.script(HAIKU, Reply.error(529))
    body = json.dumps({"model": HAIKU, "max_tokens": 4, "messages": user("q")}).encode()
    headers = {"content-type": "application/json", "x-api-key": "test-key"}
    status, response_headers, payload = raw_post(f"{server.url}/v1/messages", body, headers)
    assert status == 529
    assert response_headers["request-id"] == "req_fake00000001"
    assert response_headers["Content-Type"] == "application/json"
    assert payload == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Fake overloaded_error (529)"},
        "request_id": "req_fake00000001",
    }
    status, _, payload = raw_post(f"{server.url}/v1/messages", body, {"content-type": "application/json"})
    assert (status, payload["error"]["type"]) == (401, "authentication_error")
    assert server.requests()[0].headers.get("x-api-key") is None


# -- batches ----------------------------------------------------------------------------------------


def test_batch_create_poll_results(server: FakeAnthropic) -> None:
    server.script(HAIKU, "label_a", Reply.error(529, message="busy"))
    requests: list[Any] = [
        {"custom_id": f"row-{i}", "params": {"model": model, "max_tokens": 8, "messages": user(f"row {i}")}}
        for i, model in enumerate([HAIKU, SONNET, HAIKU])
    ]
    with server.client() as client:
        created = client.messages.batches.create(requests=requests)
        polled = client.messages.batches.retrieve(created.id)
        ended = client.messages.batches.retrieve(created.id)
        results = list(client.messages.batches.results(created.id))

    assert created.id == "msgbatch_fake0001"
    assert (created.processing_status, created.request_counts.processing, created.results_url) == (
        "in_progress",
        3,
        None,
    )
    assert polled.processing_status == "in_progress"
    assert ended.processing_status == "ended"
    assert ended.ended_at is not None
    counts = ended.request_counts
    assert (counts.processing, counts.succeeded, counts.errored, counts.canceled) == (0, 2, 1, 0)
    assert ended.results_url == f"{server.url}/v1/messages/batches/msgbatch_fake0001/results"

    assert [(r.custom_id, r.result.type) for r in results] == [
        ("row-0", "succeeded"),
        ("row-1", "succeeded"),
        ("row-2", "errored"),
    ]
    first, second, third = (r.result for r in results)
    assert first.type == "succeeded" and second.type == "succeeded" and third.type == "errored"
    assert first.message.content[0].type == "text" and first.message.content[0].text == "label_a"
    assert first.message.model == HAIKU
    assert (first.message.usage.input_tokens, first.message.usage.output_tokens) == (2, 2)
    assert second.message.content[0].type == "text" and second.message.content[0].text == "ok"
    assert third.error.error.type == "overloaded_error"
    assert third.error.error.message == "busy"
    # results() retrieves the batch once more before downloading.
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in server.requests()] == [
        ("POST", "batches"),
        ("GET", "msgbatch_fake0001"),
        ("GET", "msgbatch_fake0001"),
        ("GET", "msgbatch_fake0001"),
        ("GET", "results"),
    ]


def test_batch_cancel_and_results_before_end() -> None:
    params: Any = {"model": HAIKU, "max_tokens": 8, "messages": user("q")}
    with FakeAnthropic(batch_polls=5) as fake, fake.client() as client:
        batch = client.messages.batches.create(requests=[{"custom_id": "a", "params": params}])
        with pytest.raises(anthropic.AnthropicError, match="No `results_url`"):
            client.messages.batches.results(batch.id)
        canceling = client.messages.batches.cancel(batch.id)
        ended = client.messages.batches.retrieve(batch.id)
        results = list(client.messages.batches.results(batch.id))
        with pytest.raises(anthropic.NotFoundError):
            client.messages.batches.retrieve("msgbatch_missing")
    assert canceling.processing_status == "canceling"
    assert canceling.cancel_initiated_at is not None
    assert ended.processing_status == "ended"
    assert ended.request_counts.canceled == 1
    assert [(r.custom_id, r.result.type) for r in results] == [("a", "canceled")]


# -- request log ------------------------------------------------------------------------------------


def test_request_log_records_bodies_headers_and_filters(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with FakeAnthropic(log_path=log) as fake, fake.client() as client:
        client.messages.create(model=HAIKU, max_tokens=8, system="sys", messages=user("one"))
        client.messages.create(model=SONNET, max_tokens=8, messages=user("two"))
        client.messages.count_tokens(model=HAIKU, messages=user("three"))
        recorded = fake.requests()

    assert [(r.seq, r.method, r.path, r.model, r.status) for r in recorded] == [
        (1, "POST", "/v1/messages", HAIKU, 200),
        (2, "POST", "/v1/messages", SONNET, 200),
        (3, "POST", "/v1/messages/count_tokens", HAIKU, 200),
    ]
    assert recorded[0].body == {"model": HAIKU, "max_tokens": 8, "system": "sys", "messages": user("one")}
    assert recorded[0].timestamp <= recorded[1].timestamp <= recorded[2].timestamp
    assert "authorization" not in recorded[0].headers
    assert recorded[0].headers["anthropic-version"] == anthropic._constants.ANTHROPIC_API_VERSION
    assert [r.seq for r in fake.requests(model=HAIKU)] == [1, 3]
    assert [r.seq for r in fake.requests(path="/v1/messages", model=HAIKU)] == [1]
    assert fake.requests(method="get") == []
    assert read_log(log) == recorded
    assert "test-key" not in log.read_text()
    fake.clear_requests()
    assert fake.requests() == []


def test_stop_interrupts_a_delayed_reply_and_is_bounded() -> None:
    fake = FakeAnthropic().start()
    fake.script(HAIKU, Reply.text("late", delay=30))
    errors: list[anthropic.APIConnectionError] = []

    def call() -> None:
        try:
            with fake.client(max_retries=0) as client:
                client.messages.create(model=HAIKU, max_tokens=8, messages=user("q"))
        except anthropic.APIConnectionError as err:
            errors.append(err)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    wait_for(lambda: len(fake.requests()) == 1)
    started = time.monotonic()
    fake.stop()
    caller.join(timeout=5)
    assert time.monotonic() - started < 2
    assert not caller.is_alive()
    assert len(errors) == 1


# -- separate process -------------------------------------------------------------------------------

# The killed client speaks plain urllib: importing the SDK in a child would cost ~2 s of the suite's budget.
CLIENT_SCRIPT = textwrap.dedent(
    """
    import json, sys, urllib.request

    for model, prompt in [("fast", "q1"), ("fast", "q2"), ("slow", "q3"), ("fast", "never sent")]:
        body = {"model": model, "max_tokens": 8, "messages": [{"role": "user", "content": prompt}]}
        request = urllib.request.Request(
            sys.argv[1] + "/v1/messages",
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json", "x-api-key": "test-key"},
        )
        urllib.request.urlopen(request, timeout=60).read()
        print("done", prompt, flush=True)
    """
)


def test_process_mode_log_survives_a_sigkilled_client(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    args = ["--reply", "fast=quick", "--delay", "slow=30"]
    with FakeAnthropicProcess(log_path=log, args=args) as proc:
        assert proc.url.startswith("http://127.0.0.1:")
        # The test process is a client too.
        with anthropic.Anthropic(base_url=proc.url, api_key="test-key", max_retries=0) as client:
            reply = client.messages.create(model="fast", max_tokens=8, messages=user("q0"))
        assert reply.content[0].type == "text" and reply.content[0].text == "quick"

        client_proc = subprocess.Popen(
            [sys.executable, "-c", CLIENT_SCRIPT, proc.url], stdout=subprocess.PIPE
        )
        try:
            wait_for(lambda: log.exists() and len(log.read_text().splitlines()) == 4)
            os.kill(client_proc.pid, signal.SIGKILL)
            client_proc.wait(timeout=5)
        finally:
            if client_proc.poll() is None:
                client_proc.kill()
                client_proc.wait(timeout=5)
        assert client_proc.returncode == -signal.SIGKILL
        assert client_proc.stdout is not None
        assert client_proc.stdout.read().decode().split("\n") == ["done q1", "done q2", ""]
        client_proc.stdout.close()
        time.sleep(0.1)  # nothing more may arrive after the kill
        os.kill(proc.pid, 0)  # raises if the server died with its client
        stopped_at = time.monotonic()

    assert time.monotonic() - stopped_at < 3  # SIGTERM ends the server despite the pending 30 s delay
    calls = read_log(log)
    assert [(c.seq, c.model, c.body["messages"][0]["content"]) for c in calls] == [
        (1, "fast", "q0"),
        (2, "fast", "q1"),
        (3, "fast", "q2"),
        (4, "slow", "q3"),
    ]
    assert [c.status for c in calls] == [200, 200, 200, 200]
    assert calls[0].headers["x-stainless-retry-count"] == "0"
    agents = [c.headers["user-agent"].split("/")[0] for c in calls]
    assert agents == ["Anthropic", "Python-urllib", "Python-urllib", "Python-urllib"]


@pytest.fixture
def two_servers() -> Iterator[tuple[FakeAnthropic, FakeAnthropic]]:
    with FakeAnthropic(default_text="a") as first, FakeAnthropic(default_text="b") as second:
        yield first, second


def test_servers_are_independent(two_servers: tuple[FakeAnthropic, FakeAnthropic]) -> None:
    first, second = two_servers
    assert first.url != second.url
    with first.client() as a, second.client() as b:
        texts = [
            getattr(c.messages.create(model=HAIKU, max_tokens=8, messages=user("q")).content[0], "text", None)
            for c in (a, b)
        ]
    assert texts == ["a", "b"]
    assert (len(first.requests()), len(second.requests())) == (1, 1)
