"""Checks that need the whole policy: references between tables and keys that only go together."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from decimal import Decimal

from routecheck.policy.model import Policy
from routecheck.toml_locate import KeyPath


def reference_problems(policy: Policy, known_codes: Collection[str]) -> Iterator[tuple[KeyPath, str]]:
    """Every cross-reference problem of `policy`, as (key path, message)."""
    tiers = sorted(policy.tiers)

    def unknown_tier(name: str) -> str:
        return f"unknown tier '{name}' (expected one of: {', '.join(tiers)})"

    if policy.default_tier not in policy.tiers:
        yield ("default_tier",), unknown_tier(policy.default_tier)

    first_with_rank: dict[int, str] = {}
    for name, tier in policy.tiers.items():
        if tier.rank in first_with_rank:
            other = first_with_rank[tier.rank]
            yield ("tiers", name, "rank"), f"rank {tier.rank} is already used by tier '{other}' (ranks must be unique)"
        else:
            first_with_rank[tier.rank] = name
        if (tier.input_usd_per_mtok is None) != (tier.output_usd_per_mtok is None):
            lacking = "input_usd_per_mtok" if tier.input_usd_per_mtok is None else "output_usd_per_mtok"
            yield ("tiers", name), ("input_usd_per_mtok and output_usd_per_mtok go together: type both, or omit "
                                    f"both to use genai-prices' (missing: {lacking})")

    for name, task in policy.tasks.items():
        at: KeyPath = ("tasks", name)
        if task.tier not in policy.tiers:
            yield (*at, "tier"), unknown_tier(task.tier)
        if task.categories is not None and task.kind != "classification":
            yield (*at, "categories"), f"only for kind 'classification' (this task's kind is '{task.kind}')"
        volume = {"calls_per_day": task.calls_per_day, "input_tokens": task.input_tokens,
                  "output_tokens": task.output_tokens}
        missing = [key for key, value in volume.items() if value is None]
        if 0 < len(missing) < len(volume):
            yield at, f"calls_per_day, input_tokens and output_tokens go together (missing: {', '.join(missing)})"
        on = policy.tiers.get(task.tier)
        if task.batch and on is not None and on.batch_discount is None and on.input_usd_per_mtok is not None:
            yield (*at, "batch"), (f"batch = true needs tiers.{task.tier}.batch_discount (or omit the tier's prices "
                                   "to use genai-prices' batch rates)")
        cached = Decimal(repr(task.cache_read_ratio)) + Decimal(repr(task.cache_write_ratio))
        if cached > 1:
            yield (*at, "cache_write_ratio"), (f"cache_read_ratio + cache_write_ratio is {cached} "
                                               "(expected at most 1: they are shares of the same input tokens)")
        for index, code in enumerate(task.ignore):
            if code not in known_codes:
                yield (*at, "ignore", index), f"unknown rule code '{code}'"
        for index, rule in enumerate(task.upgrade):
            rule_at: KeyPath = (*at, "upgrade", index)
            if rule.to not in policy.tiers:
                yield (*rule_at, "to"), unknown_tier(rule.to)
            if rule.when == "input_tokens_over":
                if rule.threshold is None:
                    yield rule_at, "when = 'input_tokens_over' needs a threshold"
            else:
                if rule.threshold is not None:
                    yield (*rule_at, "threshold"), "threshold is only for when = 'input_tokens_over'"
                if rule.count is not None:
                    yield (*rule_at, "count"), "count is only for when = 'input_tokens_over'"
