"""The policy as the runtime needs it: plain frozen dataclasses, built from literals by generated code.

No pydantic here: a generated client imports this module on every process start, so it must be cheap.
`RuntimePolicy.from_policy` converts a loaded (pydantic) `Policy` for tools such as `routecheck eval`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from routecheck.runtime.usage import UsageCounts

if TYPE_CHECKING:
    from routecheck.cost.book import PriceBook
    from routecheck.cost.prices import Prices
    from routecheck.policy.model import Policy

Stakes = Literal["low", "high", "irreversible"]
UnknownTasks = Literal["error", "default"]
UpgradeWhen = Literal["validation_failed", "input_tokens_over", "overloaded"]
TokenCount = Literal["estimate", "exact"]


@dataclass(frozen=True, slots=True)
class Rates:
    """USD per million tokens of each kind: input, output, cache read, 5-minute and 1-hour cache write."""

    input: float
    output: float
    cache_read: float
    cache_write_5m: float
    cache_write_1h: float

    def cost_usd(self, usage: UsageCounts) -> float:
        return (
            usage.input_tokens * self.input
            + usage.output_tokens * self.output
            + usage.cache_read_tokens * self.cache_read
            + usage.cache_write_5m_tokens * self.cache_write_5m
            + usage.cache_write_1h_tokens * self.cache_write_1h
        ) / 1_000_000


@dataclass(frozen=True, slots=True)
class TierSpec:
    """A tier: its model, capability rank and list prices (USD per million tokens).

    Cache prices default to Anthropic's multipliers of the input price (reads 0.1x, 5-minute writes
    1.25x, 1-hour writes 2x); `long_context` rates apply to a whole call whose input, cached or not,
    is above `long_context_threshold`.
    """

    name: str
    model: str
    rank: int
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    cache_read_usd_per_mtok: float | None = None
    cache_write_usd_per_mtok: float | None = None
    cache_write_1h_usd_per_mtok: float | None = None
    long_context_threshold: int | None = None
    long_context: Rates | None = None
    standard: Rates = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        base = self.input_usd_per_mtok
        rates = Rates(
            base,
            self.output_usd_per_mtok,
            base * 0.1 if self.cache_read_usd_per_mtok is None else self.cache_read_usd_per_mtok,
            base * 1.25 if self.cache_write_usd_per_mtok is None else self.cache_write_usd_per_mtok,
            base * 2 if self.cache_write_1h_usd_per_mtok is None else self.cache_write_1h_usd_per_mtok,
        )
        object.__setattr__(self, "standard", rates)

    def rates(self, usage: UsageCounts) -> Rates:
        """The rates this call is billed at: long-context ones above the threshold."""
        threshold = self.long_context_threshold
        if threshold is not None and self.long_context is not None and usage.total_input_tokens > threshold:
            return self.long_context
        return self.standard

    def cost_usd(self, usage: UsageCounts) -> float:
        """What a call with these token counts costs at this tier's list prices."""
        return self.rates(usage).cost_usd(usage)


@dataclass(frozen=True, slots=True)
class UpgradeRule:
    """Move one call to tier `to` when `when` happens (`threshold`/`count`: input_tokens_over only)."""

    when: UpgradeWhen
    to: str
    threshold: int | None = None
    count: TokenCount = "estimate"


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """A task type as routed: its tier, stakes, output cap and upgrade rules."""

    name: str
    tier: str
    stakes: Stakes
    max_tokens: int
    upgrades: tuple[UpgradeRule, ...] = ()

    def rule(self, when: UpgradeWhen) -> UpgradeRule | None:
        """The task's first upgrade rule for `when`, if any."""
        for rule in self.upgrades:
            if rule.when == when:
                return rule
        return None


@dataclass(frozen=True)
class RuntimePolicy:
    """Everything the runtime enforces, checked for consistency when built."""

    default_tier: str
    unknown_tasks: UnknownTasks
    tiers: tuple[TierSpec, ...]
    tasks: tuple[TaskSpec, ...]
    sha256: str = ""
    tier_by_name: Mapping[str, TierSpec] = field(init=False, repr=False, compare=False)
    task_by_name: Mapping[str, TaskSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tiers = {tier.name: tier for tier in self.tiers}
        tasks = {task.name: task for task in self.tasks}
        problems = [f"default_tier '{self.default_tier}' is not a tier"] if self.default_tier not in tiers else []
        if len(tiers) != len(self.tiers) or len(tasks) != len(self.tasks):
            problems.append("tier and task names must be unique")
        if len({tier.rank for tier in self.tiers}) != len(self.tiers):
            problems.append("tier ranks must be unique")
        for task in self.tasks:
            refs = [("tier", task.tier)] + [(f"upgrade '{rule.when}'", rule.to) for rule in task.upgrades]
            problems.extend(
                f"task '{task.name}': {what} names unknown tier '{to}'" for what, to in refs if to not in tiers
            )
        if problems:
            raise ValueError("inconsistent RuntimePolicy: " + "; ".join(problems))
        object.__setattr__(self, "tier_by_name", MappingProxyType(tiers))
        object.__setattr__(self, "task_by_name", MappingProxyType(tasks))

    @property
    def top_tier(self) -> TierSpec:
        """The most capable tier."""
        return max(self.tiers, key=lambda tier: tier.rank)

    def floor(self, stakes: Stakes) -> TierSpec | None:
        """The least capable tier a task with `stakes` may run on (None: no floor)."""
        if stakes == "irreversible":
            return self.top_tier
        if stakes == "high":
            return self.tier_by_name[self.default_tier]
        return None

    def routing_sha256(self) -> str:
        """The sha256 of what the runtime enforces (tiers, models, prices, tasks, caps, stakes, upgrades,
        default and unknown-task handling): a policy's comments, volumes or owners do not change it."""
        data = (self.default_tier, self.unknown_tasks, self.tiers, self.tasks)
        return hashlib.sha256(repr(data).encode("utf-8")).hexdigest()

    @classmethod
    def from_policy(cls, policy: Policy, prices: PriceBook, *, sha256: str | None = None) -> RuntimePolicy:
        """The runtime view of a loaded, validated policy, with every tier's prices (`cost.book`); its
        `sha256` is `routing_sha256()` unless given."""
        tiers = tuple(
            tier_spec(name, tier.model, tier.rank, prices[name])
            for name, tier in sorted(policy.tiers.items(), key=lambda item: item[1].rank)
        )
        tasks = tuple(
            TaskSpec(
                name,
                task.tier,
                task.stakes,
                task.max_tokens,
                tuple(UpgradeRule(u.when, u.to, u.threshold, u.count or "estimate") for u in task.upgrade),
            )
            for name, task in sorted(policy.tasks.items())
        )
        built = cls(policy.default_tier, policy.unknown_tasks, tiers, tasks, sha256 or "")
        return built if sha256 is not None else replace(built, sha256=built.routing_sha256())


def tier_spec(name: str, model: str, rank: int, prices: Prices) -> TierSpec:
    """A TierSpec at `prices` (standard rates; batch rates do not apply to the router's calls).

    Typed prices keep the default cache multipliers, so their generated client reads as before.
    """
    base = prices.standard
    long = prices.long_context
    if prices.from_policy and long is None:
        return TierSpec(name, model, rank, float(base.input), float(base.output))
    return TierSpec(
        name, model, rank, float(base.input), float(base.output),
        cache_read_usd_per_mtok=float(base.cache_read),
        cache_write_usd_per_mtok=float(base.cache_write_5m),
        cache_write_1h_usd_per_mtok=float(base.cache_write_1h),
        long_context_threshold=prices.long_context_threshold if long is not None else None,
        long_context=None if long is None else Rates(
            float(long.input), float(long.output), float(long.cache_read), float(long.cache_write_5m),
            float(long.cache_write_1h)),
    )
