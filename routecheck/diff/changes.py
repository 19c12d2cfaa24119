"""What changed between two policies, as typed change records, one class per kind of change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Literal

from routecheck.policy.model import Gate, Policy, Task, Tier, Upgrade

Direction = Literal["downgrade", "upgrade", "sideways"]

#: The task fields compared one by one, in the order changes are listed (tier and upgrade have their own records).
TASK_FIELDS = (
    "stakes", "multi_step", "output", "touches", "kind", "categories", "max_tokens", "latency",
    "calls_per_day", "input_tokens", "output_tokens", "batch", "cache_read_ratio", "cache_write_ratio", "cache_ttl",
    "evidence", "owner", "ignore",
)
PRICE_FIELDS = ("input_usd_per_mtok", "output_usd_per_mtok", "batch_discount")
TIER_FIELDS = ("rank", "prices_as_of", "price_source")
STAKES_ORDER = {"low": 0, "high": 1, "irreversible": 2}


def shown(value: object) -> str:
    """A policy value as a reviewer reads it in TOML: `true`, `0.8`, `[payment, auth]`, `(unset)`."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    return str(value)


def _price_shown(field: str, value: object) -> str:
    """A price as a reviewer reads it; an omitted input or output price is the price source's."""
    if value is None and field != "batch_discount":
        return "(genai-prices)"
    return shown(value)


def upgrade_rule(rule: Upgrade) -> str:
    """`input_tokens_over 4000 -> sonnet`."""
    threshold = f" {rule.threshold}" if rule.threshold is not None else ""
    count = f" ({rule.count} count)" if rule.count is not None else ""
    return f"{rule.when}{threshold}{count} -> {rule.to}"


@dataclass(frozen=True, slots=True)
class TaskAdded:
    category: ClassVar[str] = "task-added"
    task: str
    tier: str

    @property
    def message(self) -> str:
        return f"task '{self.task}' added on '{self.tier}'"


@dataclass(frozen=True, slots=True)
class TaskRemoved:
    category: ClassVar[str] = "task-removed"
    task: str
    tier: str

    @property
    def message(self) -> str:
        return f"task '{self.task}' removed (was on '{self.tier}')"


@dataclass(frozen=True, slots=True)
class TierMove:
    category: ClassVar[str] = "tier-move"
    task: str
    old_tier: str
    new_tier: str
    direction: Direction

    @property
    def message(self) -> str:
        return f"task '{self.task}' moved from '{self.old_tier}' to '{self.new_tier}' ({self.direction})"


@dataclass(frozen=True, slots=True)
class TaskFieldChange:
    category: ClassVar[str] = "task-field"
    task: str
    field: str
    old: str
    new: str

    @property
    def message(self) -> str:
        return f"task '{self.task}' {self.field}: {self.old} \u2192 {self.new}"


@dataclass(frozen=True, slots=True)
class UpgradeRulesChange:
    category: ClassVar[str] = "upgrade-rules"
    task: str
    old: tuple[str, ...]
    new: tuple[str, ...]

    @property
    def message(self) -> str:
        return f"task '{self.task}' upgrade rules: {shown(self.old)} \u2192 {shown(self.new)}"


@dataclass(frozen=True, slots=True)
class TierAdded:
    category: ClassVar[str] = "tier-added"
    tier: str
    model: str

    @property
    def message(self) -> str:
        return f"tier '{self.tier}' added ({self.model})"


@dataclass(frozen=True, slots=True)
class TierRemoved:
    category: ClassVar[str] = "tier-removed"
    tier: str
    model: str

    @property
    def message(self) -> str:
        return f"tier '{self.tier}' removed (was {self.model})"


@dataclass(frozen=True, slots=True)
class ModelChange:
    category: ClassVar[str] = "model"
    tier: str
    old_model: str
    new_model: str

    @property
    def message(self) -> str:
        return f"tier '{self.tier}' model: {self.old_model} \u2192 {self.new_model}"


@dataclass(frozen=True, slots=True)
class PriceChange:
    category: ClassVar[str] = "price"
    tier: str
    field: str
    old: str
    new: str

    @property
    def message(self) -> str:
        return f"tier '{self.tier}' {self.field}: {self.old} \u2192 {self.new}"


@dataclass(frozen=True, slots=True)
class TierFieldChange:
    category: ClassVar[str] = "tier-field"
    tier: str
    field: str
    old: str
    new: str

    @property
    def message(self) -> str:
        return f"tier '{self.tier}' {self.field}: {self.old} \u2192 {self.new}"


@dataclass(frozen=True, slots=True)
class GateChange:
    category: ClassVar[str] = "gate"
    field: str
    old: str
    new: str
    loosened: bool

    @property
    def message(self) -> str:
        how = " (loosened)" if self.loosened else " (tightened)"
        return f"gate.{self.field}: {self.old} \u2192 {self.new}{how}"


@dataclass(frozen=True, slots=True)
class SettingChange:
    category: ClassVar[str] = "setting"
    field: str
    old: str
    new: str

    @property
    def message(self) -> str:
        return f"{self.field}: {self.old} \u2192 {self.new}"


Change = (
    TaskAdded | TaskRemoved | TierMove | TaskFieldChange | UpgradeRulesChange | TierAdded | TierRemoved
    | ModelChange | PriceChange | TierFieldChange | GateChange | SettingChange
)


def policy_changes(old: Policy, new: Policy) -> tuple[Change, ...]:
    """Every difference between `old` and `new`: settings, gate, tiers, then tasks (in policy order)."""
    return (*_settings(old, new), *_gate(old.gate, new.gate), *_tiers(old, new), *_tasks(old, new))


def direction(old: Policy, old_tier: str, new: Policy, new_tier: str) -> Direction:
    """Which way a move goes, by the rank each policy gives its tier."""
    before, after = old.rank(old_tier), new.rank(new_tier)
    return "downgrade" if after < before else "upgrade" if after > before else "sideways"


def _settings(old: Policy, new: Policy) -> Iterator[Change]:
    for field in ("default_tier", "unknown_tasks"):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            yield SettingChange(field, before, after)


def _gate(old: Gate, new: Gate) -> Iterator[Change]:
    if old.max_error_rate != new.max_error_rate:
        yield GateChange("max_error_rate", shown(old.max_error_rate), shown(new.max_error_rate),
                         loosened=new.max_error_rate > old.max_error_rate)
    if old.min_samples != new.min_samples:
        yield GateChange("min_samples", shown(old.min_samples), shown(new.min_samples),
                         loosened=new.min_samples < old.min_samples)
    if old.max_regression != new.max_regression:
        # setting it lets the paired gate pass what the absolute one alone would fail; raising it, more
        yield GateChange("max_regression", shown(old.max_regression), shown(new.max_regression),
                         loosened=new.max_regression is not None
                         and (old.max_regression is None or new.max_regression > old.max_regression))


def _tiers(old: Policy, new: Policy) -> Iterator[Change]:
    for name, tier in new.tiers.items():
        if name not in old.tiers:
            yield TierAdded(name, tier.model)
    for name, tier in old.tiers.items():
        if name not in new.tiers:
            yield TierRemoved(name, tier.model)
    for name, after in new.tiers.items():
        if name in old.tiers:
            yield from _tier(name, old.tiers[name], after)


def _tier(name: str, old: Tier, new: Tier) -> Iterator[Change]:
    if old.model != new.model:
        yield ModelChange(name, old.model, new.model)
    for field in PRICE_FIELDS:
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            yield PriceChange(name, field, _price_shown(field, before), _price_shown(field, after))
    for field in TIER_FIELDS:
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            yield TierFieldChange(name, field, shown(before), shown(after))


def _tasks(old: Policy, new: Policy) -> Iterator[Change]:
    for name, task in new.tasks.items():
        if name not in old.tasks:
            yield TaskAdded(name, task.tier)
    for name, task in old.tasks.items():
        if name not in new.tasks:
            yield TaskRemoved(name, task.tier)
    for name, after in new.tasks.items():
        if name in old.tasks:
            yield from _task(name, old, old.tasks[name], new, after)


def _task(name: str, old_policy: Policy, old: Task, new_policy: Policy, new: Task) -> Iterator[Change]:
    if old.tier != new.tier:
        yield TierMove(name, old.tier, new.tier, direction(old_policy, old.tier, new_policy, new.tier))
    for field in TASK_FIELDS:
        before, after = getattr(old, field), getattr(new, field)
        if isinstance(before, list) and isinstance(after, list):  # touches, ignore: sets written as arrays
            before, after = sorted(before), sorted(after)
        if before != after:
            yield TaskFieldChange(name, field, shown(before), shown(after))
    if old.upgrade != new.upgrade:
        yield UpgradeRulesChange(name, tuple(map(upgrade_rule, old.upgrade)), tuple(map(upgrade_rule, new.upgrade)))
