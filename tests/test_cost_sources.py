"""Prices from genai-prices: cache reads and writes, batch rates, the long-context tier, to the cent.

Every expected figure is worked out by hand in the test from genai-prices' list prices (quoted in the
comments, as the installed data holds them on TODAY), not computed by the code under test.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from routecheck.cli import main
from routecheck.cost.book import policy_prices
from routecheck.cost.model import cost_per_call, monthly_cost
from routecheck.cost.render import render_json, render_text
from routecheck.cost.source import SOURCE, library_prices
from routecheck.cost.table import cost_table
from routecheck.errors import ConfigError
from support import load_policy

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "tests" / "fixtures" / "cost" / "source-prices.toml"
TODAY = date(2026, 12, 2)
MILLION = Decimal(1_000_000)


def priced(task: str) -> tuple[Decimal | None, Decimal | None]:
    policy = load_policy(POLICY).policy
    prices = policy_prices(policy, TODAY)[policy.tasks[task].tier]
    return cost_per_call(policy.tasks[task], prices), monthly_cost(policy.tasks[task], prices)


def test_the_library_rates_the_tests_rest_on() -> None:
    sonnet = library_prices("claude-sonnet-4-5", TODAY)
    assert sonnet is not None and sonnet.source == SOURCE
    s = sonnet.standard
    assert (s.input, s.output, s.cache_read, s.cache_write_5m, s.cache_write_1h) == (
        Decimal("3"), Decimal("15"), Decimal("0.3"), Decimal("3.75"), Decimal("6"))
    long = sonnet.long_context
    assert sonnet.long_context_threshold == 200_000 and long is not None
    assert (long.input, long.output) == (Decimal("6"), Decimal("22.5"))
    haiku = library_prices("claude-haiku-4-5-20251001", TODAY)
    assert haiku is not None and haiku.batch is not None
    assert (haiku.batch.input, haiku.batch.output) == (Decimal("0.5"), Decimal("2.5"))
    assert library_prices("claude-nonexistent-9", TODAY) is None


def test_a_cache_heavy_task() -> None:
    # claude-sonnet-4-5: input $3, 1-hour cache write $6, cache read $0.30, output $15 per MTok.
    # 20,000 input tokens: 70% read (14,000), 10% written with a 1h TTL (2,000), 20% plain (4,000).
    per_call = (4_000 * Decimal("3") + 14_000 * Decimal("0.3") + 2_000 * Decimal("6") + 500 * Decimal("15")) / MILLION
    assert per_call == Decimal("0.0357")
    assert priced("answer_with_manual") == (per_call, Decimal("1071.0000"))  # x 1,000 calls x 30 days


def test_a_batch_task_uses_the_sources_batch_rates() -> None:
    # claude-haiku-4-5 through the Message Batches API: input $0.50, output $2.50 per MTok.
    per_call = (3_000 * Decimal("0.5") + 400 * Decimal("2.5")) / MILLION
    assert per_call == Decimal("0.0025")
    assert priced("nightly_tags") == (per_call, Decimal("150.0000"))  # x 2,000 calls x 30 days


def test_a_300k_token_task_is_billed_at_the_long_context_rates() -> None:
    # Over 200k input tokens claude-sonnet-4-5 bills every token at $6 in / $22.50 out (not $3 / $15).
    per_call = (300_000 * Decimal("6") + 2_000 * Decimal("22.5")) / MILLION
    assert per_call == Decimal("1.845")
    assert priced("review_contract") == (per_call, Decimal("553.500"))  # x 10 calls x 30 days


def test_the_cost_output_says_where_the_prices_come_from() -> None:
    policy = load_policy(POLICY).policy
    table = cost_table(policy, prices=policy_prices(policy, TODAY), source="source-prices.toml", today=TODAY)
    text = render_text(table)
    assert "answer_with_manual  sonnet  claude-sonnet-4-5              1,000   20,000      500  $1,071.00  " \
           "cache 70%, cache write 10% (1h)\n" in text
    assert "nightly_tags        haiku   claude-haiku-4-5-20251001      2,000    3,000      400    $150.00  batch\n" \
           in text
    assert "review_contract     sonnet  claude-sonnet-4-5                 10  300,000    2,000    $553.50  " \
           "long context\n" in text
    assert "total       3      3,010  $1,774.50\n" in text
    assert text.splitlines()[-8:-4] == [
        "",
        f"Prices: tier 'haiku' (claude-haiku-4-5-20251001) is priced from {SOURCE} (no prices_checked date in "
        "this release).",
        f"Prices: tier 'sonnet' (claude-sonnet-4-5) is priced from {SOURCE} (no prices_checked date in this "
        "release).",
        f"Prices: tier 'opus' (claude-opus-4-6) is priced from {SOURCE} (no prices_checked date in this release).",
    ]
    data = json.loads(render_json(table))
    assert data["price_sources"][0] == {"tier": "haiku", "model": "claude-haiku-4-5-20251001", "source": SOURCE,
                                        "prices_checked": None}
    assert data["tasks"][2]["long_context"] is True


def test_a_tier_the_source_does_not_know_needs_typed_prices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "routing.toml"
    path.write_text('version = 1\ndefault_tier = "x"\n\n[tiers.x]\nmodel = "claude-nonexistent-9"\nrank = 1\n',
                    encoding="utf-8")
    assert main(["cost", "--policy", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"{path}:4:1: tiers.x: no prices: genai-prices does not know model 'claude-nonexistent-9' (expected "
        "input_usd_per_mtok and output_usd_per_mtok)\n")
    with pytest.raises(ConfigError):
        from routecheck.cost.book import require_prices
        require_prices(load_policy(path), TODAY)


def test_typed_prices_with_cache_writes_use_anthropics_multipliers(tmp_path: Path) -> None:
    path = tmp_path / "routing.toml"
    path.write_text(
        'version = 1\ndefault_tier = "s"\n\n[tiers.s]\nmodel = "claude-sonnet-4-6"\nrank = 1\n'
        'input_usd_per_mtok = 3.0\noutput_usd_per_mtok = 15.0\n\n'
        '[tasks.t]\ntier = "s"\nkind = "other"\noutput = "short_text"\nstakes = "low"\n'
        'calls_per_day = 100\ninput_tokens = 10000\noutput_tokens = 100\ncache_read_ratio = 0.5\n'
        'cache_write_ratio = 0.5\n', encoding="utf-8")
    policy = load_policy(path).policy
    prices = policy_prices(policy, TODAY)["s"]
    # 5,000 read at 0.1 x $3 = $0.30, 5,000 written (5-minute TTL) at 1.25 x $3 = $3.75, 100 out at $15.
    per_call = (5_000 * Decimal("0.3") + 5_000 * Decimal("3.75") + 100 * Decimal("15")) / MILLION
    assert cost_per_call(policy.tasks["t"], prices) == per_call == Decimal("0.02175")


def test_cache_shares_cannot_add_up_past_all_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "routing.toml"
    path.write_text(
        'version = 1\ndefault_tier = "s"\n\n[tiers.s]\nmodel = "claude-sonnet-4-6"\nrank = 1\n\n'
        '[tasks.t]\ntier = "s"\nkind = "other"\noutput = "short_text"\nstakes = "low"\n'
        'cache_read_ratio = 0.7\ncache_write_ratio = 0.4\n', encoding="utf-8")
    assert main(["lint", "--policy", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"{path}:14:1: tasks.t.cache_write_ratio: cache_read_ratio + cache_write_ratio is 1.1 (expected at most 1: "
        "they are shares of the same input tokens)\n")


def test_one_price_without_the_other_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "routing.toml"
    path.write_text('version = 1\ndefault_tier = "s"\n\n[tiers.s]\nmodel = "claude-sonnet-4-6"\nrank = 1\n'
                    'input_usd_per_mtok = 3.0\n', encoding="utf-8")
    assert main(["lint", "--policy", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"{path}:4:1: tiers.s: input_usd_per_mtok and output_usd_per_mtok go together: type both, or omit both "
        "to use genai-prices' (missing: output_usd_per_mtok)\n")


def test_stale_prices_use_the_sources_checked_date_where_the_policy_has_none() -> None:
    from dataclasses import replace

    from routecheck.cost.table import StalePrices, stale_prices

    policy = load_policy(POLICY).policy
    book = dict(policy_prices(policy, TODAY))
    # genai-prices 0.2.3 carries no prices_checked date; a release that does is read the same way.
    book["sonnet"] = replace(book["sonnet"], checked=date(2026, 8, 1))
    assert stale_prices(policy, TODAY, book) == (StalePrices("sonnet", date(2026, 8, 1), 123),)
    assert stale_prices(policy, date(2026, 10, 30), book) == ()
