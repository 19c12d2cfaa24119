"""The per-call cost the runtime records (ledger and spans): cache reads and writes, long context."""

from __future__ import annotations

import importlib.util
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from fake_anthropic import FakeAnthropic, Reply
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from router_drivers import Driver

from routecheck.codegen import render_client
from routecheck.cost.source import library_prices
from routecheck.runtime import RuntimePolicy, TaskSpec
from routecheck.runtime.policy import tier_spec
from routecheck.runtime.usage import UsageCounts

HAIKU = "claude-haiku-4-5-20251001"
TODAY = date(2026, 12, 2)


def test_cache_tokens_are_priced_in_the_ledger_and_on_both_spans(
    driver: Driver, server: FakeAnthropic, tmp_path: Path
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    ledger = tmp_path / "ledger.sqlite"
    server.script(HAIKU, Reply.text("billing", cache=(1000, 200, 100)))
    client = driver.client(server, open_telemetry={"tracer_provider": provider})
    router = driver.router(client, tracer_provider=provider, environ={"ROUTECHECK_LEDGER": str(ledger)})
    assert router.call("classify", "hello") == "billing"
    # haiku typed at $1 in / $5 out: 2 input tokens $1, 2 output $5, 1,000 cache reads at 0.1 x $1,
    # 200 five-minute writes at 1.25 x $1, 100 one-hour writes at 2 x $1 (USD per million tokens).
    expected = (2 * 1 + 2 * 5 + 1000 * 0.1 + 200 * 1.25 + 100 * 2) / 1_000_000
    with sqlite3.connect(ledger) as db:
        [(tokens_in, tokens_out, cost)] = db.execute("SELECT input_tokens, output_tokens, cost_usd FROM calls")
    assert (tokens_in, tokens_out) == (2, 2)
    assert cost == pytest.approx(expected, rel=1e-12) and round(cost, 9) == 0.000562
    for span in exporter.get_finished_spans():
        attributes = span.attributes or {}
        assert (attributes["gen_ai.usage.cache_read.input_tokens"],
                attributes["gen_ai.usage.cache_creation.input_tokens"]) == (1000, 300), span.name
        assert attributes["routecheck.cost_usd"] == pytest.approx(expected, rel=1e-12), span.name


def test_a_long_context_call_is_priced_at_the_long_context_rates() -> None:
    prices = library_prices("claude-sonnet-4-5", TODAY)
    assert prices is not None
    tier = tier_spec("sonnet", "claude-sonnet-4-5", 1, prices)
    # 300,000 input tokens, 250,000 of them cache reads: over the 200k threshold, so $6 in, $0.60 per
    # cache read, $22.50 out (genai-prices' claude-sonnet-4-5 long-context tier) for the whole call.
    long = UsageCounts(input_tokens=50_000, output_tokens=2_000, cache_read_tokens=250_000)
    assert round(tier.cost_usd(long), 9) == round((50_000 * 6 + 250_000 * 0.6 + 2_000 * 22.5) / 1e6, 9) == 0.495
    short = UsageCounts(input_tokens=50_000, output_tokens=2_000, cache_read_tokens=150_000)
    assert round(tier.cost_usd(short), 9) == round((50_000 * 3 + 150_000 * 0.3 + 2_000 * 15) / 1e6, 9) == 0.225


def test_the_generated_client_carries_the_sources_long_context_rates(tmp_path: Path) -> None:
    prices = library_prices("claude-sonnet-4-5", TODAY)
    assert prices is not None
    policy = RuntimePolicy("sonnet", "error", (tier_spec("sonnet", "claude-sonnet-4-5", 1, prices),),
                           (TaskSpec("t", "sonnet", "low", 100),))
    text = render_client(policy, source="routing.toml")
    assert ("        TierSpec('sonnet', 'claude-sonnet-4-5', 1, 3.0, 15.0,\n"
            "                 cache_read_usd_per_mtok=0.3,\n"
            "                 cache_write_usd_per_mtok=3.75,\n"
            "                 cache_write_1h_usd_per_mtok=6.0,\n"
            "                 long_context_threshold=200000,\n"
            "                 long_context=Rates(6.0, 22.5, 0.6, 7.5, 12.0),\n"
            "        ),\n") in text
    assert "from routecheck.runtime import Rates, RuntimePolicy, TaskSpec, TierSpec, UpgradeRule\n" in text
    path = tmp_path / "llm_routes.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("generated_long_context", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.POLICY.tier_by_name["sonnet"] == policy.tier_by_name["sonnet"]
