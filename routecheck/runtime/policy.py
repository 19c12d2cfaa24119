"""The policy as the runtime needs it: plain frozen dataclasses, built from literals by generated code.

No pydantic here: a generated client imports this module on every process start, so it must be cheap.
`RuntimePolicy.from_policy` converts a loaded (pydantic) `Policy` for tools such as `routecheck eval`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from routecheck.policy.model import Policy

Stakes = Literal["low", "high", "irreversible"]
UnknownTasks = Literal["error", "default"]
UpgradeWhen = Literal["validation_failed", "input_tokens_over", "overloaded"]
TokenCount = Literal["estimate", "exact"]


@dataclass(frozen=True, slots=True)
class TierSpec:
    """A tier: its model, capability rank and list prices (USD per million tokens)."""

    name: str
    model: str
    rank: int
    input_usd_per_mtok: float
    output_usd_per_mtok: float

    def cost_usd(self, input_tokens: int, output_tokens: int) -> float:
        """What a call with these token counts costs at this tier's list prices."""
        return (input_tokens * self.input_usd_per_mtok + output_tokens * self.output_usd_per_mtok) / 1_000_000


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

    @classmethod
    def from_policy(cls, policy: Policy, *, sha256: str = "") -> RuntimePolicy:
        """The runtime view of a loaded, validated policy."""
        tiers = tuple(
            TierSpec(name, tier.model, tier.rank, tier.input_usd_per_mtok, tier.output_usd_per_mtok)
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
        return cls(policy.default_tier, policy.unknown_tasks, tiers, tasks, sha256)
