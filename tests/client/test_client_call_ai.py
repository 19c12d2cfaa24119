"""The generated `call_ai` takes what the seed's callers pass: `system`, and `max_tokens` up to the cap."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from fake_anthropic import FakeAnthropic

from routecheck.codegen import render_client
from routecheck.runtime import RuntimePolicy

HAIKU = "claude-haiku-4-5-20251001"
SONNET = "claude-sonnet-4-6"


@pytest.fixture
def generated(tmp_path: Path, runtime_policy: RuntimePolicy, server: FakeAnthropic,
              monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A fresh generated module (its default Router not built yet), its SDK client on the fake server."""
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    for name in ("ROUTECHECK_LEDGER", "ROUTECHECK_OVERRIDE"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "llm_routes.py"
    path.write_text(render_client(runtime_policy, source="routing.toml"), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("call_ai_routes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sent(server: FakeAnthropic) -> list[tuple[str | None, int, str | None]]:
    return [(r.model, r.body["max_tokens"], r.body.get("system")) for r in server.requests(path="/v1/messages")]


def test_call_ai_passes_system_and_max_tokens_up_to_the_cap(generated: ModuleType, server: FakeAnthropic) -> None:
    # summarize: haiku, max_tokens = 100; draft: sonnet, max_tokens = 512
    assert generated.call_ai("summarize", "the ticket") == "ok"
    assert generated.call_ai("summarize", "the ticket", "Be brief.") == "ok"  # positional, as the seed's
    assert generated.call_ai("summarize", "the ticket", system="Be brief.", max_tokens=40) == "ok"
    assert generated.call_ai("summarize", "the ticket", max_tokens=1024) == "ok"  # the seed's 1024: capped
    assert generated.call_ai("draft", "the reply", max_tokens=512) == "ok"
    assert sent(server) == [
        (HAIKU, 100, None), (HAIKU, 100, "Be brief."), (HAIKU, 40, "Be brief."), (HAIKU, 100, None),
        (SONNET, 512, None),
    ]
    assert server.requests(path="/v1/messages")[0].body["messages"] == [{"role": "user", "content": "the ticket"}]


def test_the_async_router_call_takes_max_tokens_too(generated: ModuleType, server: FakeAnthropic) -> None:
    async def ask() -> list[str]:
        router = generated.AsyncRouter(server.async_client())
        return [await router.call("draft", "a", max_tokens=20), await router.call("draft", "b", max_tokens=9999)]

    assert asyncio.run(ask()) == ["ok", "ok"]
    assert sent(server) == [(SONNET, 20, None), (SONNET, 512, None)]
