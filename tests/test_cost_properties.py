"""Properties over random policies: a policy's diff with itself is empty; costs add up however they are grouped."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from routecheck.cost.book import policy_prices
from routecheck.cost.model import MONEY_CONTEXT, monthly_cost
from routecheck.cost.table import cost_table
from routecheck.diff import diff_policies, policy_changes
from routecheck.policy.model import Policy
from support import load_policy

TODAY = date(2026, 11, 24)
TIER_NAMES = ("haiku", "sonnet", "opus", "mini")
KINDS = ("classification", "extraction", "summarization", "synthesis", "codegen", "planning", "other")
# Prices as people write them: dollars and cents per million tokens.
PRICES = st.integers(0, 10_000).map(lambda cents: cents / 100)


@st.composite
def policy_data(draw: st.DrawFn) -> dict[str, Any]:
    names = TIER_NAMES[: draw(st.integers(1, len(TIER_NAMES)))]
    ranks = draw(st.permutations(range(1, len(names) + 1)))
    tiers: dict[str, Any] = {}
    for name, rank in zip(names, ranks, strict=True):
        tier: dict[str, Any] = {"model": f"claude-{name}-1", "rank": rank, "input_usd_per_mtok": draw(PRICES),
                                "output_usd_per_mtok": draw(PRICES)}
        if draw(st.booleans()):
            tier["batch_discount"] = draw(st.sampled_from([0.5, 0.25, 1.0]))
        if draw(st.booleans()):
            tier["prices_as_of"] = draw(st.dates(date(2025, 1, 1), TODAY))
        tiers[name] = tier
    tasks: dict[str, Any] = {}
    for index in range(draw(st.integers(0, 8))):
        on = draw(st.sampled_from(names))
        task: dict[str, Any] = {
            "tier": on, "kind": draw(st.sampled_from(KINDS)),
            "output": draw(st.sampled_from(["label", "json", "short_text", "long_text", "code"])),
            "stakes": draw(st.sampled_from(["low", "high", "irreversible"])), "multi_step": draw(st.booleans()),
            "touches": draw(st.lists(st.sampled_from(["payment", "auth", "customer_message"]), unique=True)),
            "cache_read_ratio": draw(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0])),
        }
        if draw(st.booleans()):
            task.update(calls_per_day=draw(st.integers(0, 100_000)), input_tokens=draw(st.integers(0, 200_000)),
                        output_tokens=draw(st.integers(0, 20_000)))
        if "batch_discount" in tiers[on] and draw(st.booleans()):
            task["batch"] = True
        if draw(st.booleans()):
            task["upgrade"] = [{"when": draw(st.sampled_from(["validation_failed", "overloaded"])),
                                "to": draw(st.sampled_from(names))}]
        tasks[f"task_{index}"] = task
    return {"version": 1, "default_tier": draw(st.sampled_from(names)),
            "unknown_tasks": draw(st.sampled_from(["error", "default"])),
            "gate": {"max_error_rate": draw(st.sampled_from([0.05, 0.08])), "min_samples": draw(st.integers(1, 300))},
            "tiers": tiers, "tasks": tasks}


@settings(max_examples=30, deadline=None)
@given(policy_data())
def test_diff_of_a_policy_with_itself_is_empty(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "routing.toml"
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        source = load_policy(path)
        diff = diff_policies(source, load_policy(path), old_label="a", new_label="a", today=TODAY)
    assert policy_changes(source.policy, source.policy) == ()
    assert (diff.changes, diff.risks, diff.is_empty, diff.cost_delta) == ((), (), True, 0)
    assert all(cost.delta == 0 for cost in diff.costs)


@settings(max_examples=100, deadline=None)
@given(policy_data(), st.none() | st.integers(1, 1_000_000))
def test_costs_are_additive(data: dict[str, Any], calls_per_day: int | None) -> None:
    policy = Policy.model_validate(data)
    if calls_per_day is not None and not any(t.has_volume and t.calls_per_day for t in policy.tasks.values()):
        calls_per_day = None  # nothing to scale
    prices = policy_prices(policy, TODAY)
    table = cost_table(policy, prices=prices, source="p", today=TODAY, calls_per_day=calls_per_day)
    with localcontext(MONEY_CONTEXT):
        priced = [t for t in table.tasks if t.monthly is not None]
        assert sum((t.monthly for t in priced if t.monthly is not None), Decimal(0)) == table.total
        assert sum((s.monthly for s in table.tiers), Decimal(0)) == table.total
        by_kind: dict[str, Decimal] = defaultdict(Decimal)
        for t in priced:
            by_kind[policy.tasks[t.task].kind] += t.monthly or Decimal(0)
        assert sum(by_kind.values(), Decimal(0)) == table.total
        assert {t.task for t in table.tasks if t.monthly is None} == {
            name for name, task in policy.tasks.items() if not task.has_volume
        }
        if calls_per_day is None:
            for what_if in table.what_ifs:
                each = [monthly_cost(task, prices[what_if.tier]) for task in policy.tasks.values()]
                assert sum((m for m in each if m is not None), Decimal(0)) == what_if.monthly
