"""What changed between two policies, as typed change records: the values themselves, never their display text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from routecheck.policy.model import Gate, Policy, Task, Tier, Upgrade

Direction = Literal["downgrade", "upgrade", "sideways"]
ChangeKind = Literal[
    "task-added", "task-removed", "tier-move", "task-field", "upgrade-rules", "tier-added", "tier-removed",
    "model", "price", "tier-field", "gate", "setting",
]
#: A policy value as the policy holds it (arrays as tuples, `touches` and `ignore` sorted); None where unset.
Value = str | int | float | bool | date | tuple[str, ...] | tuple[Upgrade, ...] | None

#: The task fields compared one by one, in the order changes are listed (tier and upgrade have their own records).
TASK_FIELDS = (
    "stakes", "multi_step", "output", "touches", "kind", "categories", "max_tokens", "latency",
    "calls_per_day", "input_tokens", "output_tokens", "batch", "cache_read_ratio", "cache_write_ratio", "cache_ttl",
    "evidence", "owner", "ignore",
)
PRICE_FIELDS = ("input_usd_per_mtok", "output_usd_per_mtok", "batch_discount")
TIER_FIELDS = ("rank", "prices_as_of", "price_source")
STAKES_ORDER = {"low": 0, "high": 1, "irreversible": 2}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two policies: its kind, the task and/or tier it is about, the field, and the
    typed values before and after (`old` is None for an addition, `new` for a removal).

    A tier added or removed carries its model as the value; a task added or removed, its tier in `tier`;
    a tier move, the two tier names as the values and its `direction`; a gate change, whether it `loosened`.
    """

    kind: ChangeKind
    field: str | None = None
    old: Value = None
    new: Value = None
    task: str | None = None
    tier: str | None = None
    direction: Direction | None = None
    loosened: bool | None = None


def policy_changes(old: Policy, new: Policy) -> tuple[Change, ...]:
    """Every difference between `old` and `new`: settings, gate, tiers, then tasks (in policy order)."""
    return (*_settings(old, new), *_gate(old.gate, new.gate), *_tiers(old, new), *_tasks(old, new))


def direction(old: Policy, old_tier: str, new: Policy, new_tier: str) -> Direction:
    """Which way a move goes, by the rank each policy gives its tier."""
    before, after = old.rank(old_tier), new.rank(new_tier)
    return "downgrade" if after < before else "upgrade" if after > before else "sideways"


def stakes_lowered(change: Change) -> bool:
    """A task's stakes changed to a lower level (low < high < irreversible)."""
    old, new = change.old, change.new
    return (change.kind == "task-field" and change.field == "stakes" and isinstance(old, str)
            and isinstance(new, str) and STAKES_ORDER[new] < STAKES_ORDER[old])


def _value(value: object) -> Value:
    """A field of a policy model as a change holds it: arrays become tuples (sets written as arrays, sorted)."""
    if isinstance(value, list):
        return tuple(sorted(value))
    if value is None or isinstance(value, str | int | float | date):
        return value
    raise TypeError(f"not a policy value: {value!r}")


def _settings(old: Policy, new: Policy) -> Iterator[Change]:
    for field in ("default_tier", "unknown_tasks"):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            yield Change("setting", field, before, after)


def _gate(old: Gate, new: Gate) -> Iterator[Change]:
    if old.max_error_rate != new.max_error_rate:
        yield Change("gate", "max_error_rate", old.max_error_rate, new.max_error_rate,
                     loosened=new.max_error_rate > old.max_error_rate)
    if old.min_samples != new.min_samples:
        yield Change("gate", "min_samples", old.min_samples, new.min_samples,
                     loosened=new.min_samples < old.min_samples)
    if old.max_regression != new.max_regression:
        # setting it lets the paired gate pass what the absolute one alone would fail; raising it, more
        yield Change("gate", "max_regression", old.max_regression, new.max_regression,
                     loosened=new.max_regression is not None
                     and (old.max_regression is None or new.max_regression > old.max_regression))


def _tiers(old: Policy, new: Policy) -> Iterator[Change]:
    for name, tier in new.tiers.items():
        if name not in old.tiers:
            yield Change("tier-added", "model", new=tier.model, tier=name)
    for name, tier in old.tiers.items():
        if name not in new.tiers:
            yield Change("tier-removed", "model", old=tier.model, tier=name)
    for name, after in new.tiers.items():
        if name in old.tiers:
            yield from _tier(name, old.tiers[name], after)


def _tier(name: str, old: Tier, new: Tier) -> Iterator[Change]:
    if old.model != new.model:
        yield Change("model", "model", old.model, new.model, tier=name)
    groups: tuple[tuple[ChangeKind, tuple[str, ...]], ...] = (("price", PRICE_FIELDS), ("tier-field", TIER_FIELDS))
    for kind, fields in groups:
        for field in fields:
            before, after = _value(getattr(old, field)), _value(getattr(new, field))
            if before != after:
                yield Change(kind, field, before, after, tier=name)


def _tasks(old: Policy, new: Policy) -> Iterator[Change]:
    for name, task in new.tasks.items():
        if name not in old.tasks:
            yield Change("task-added", task=name, tier=task.tier)
    for name, task in old.tasks.items():
        if name not in new.tasks:
            yield Change("task-removed", task=name, tier=task.tier)
    for name, after in new.tasks.items():
        if name in old.tasks:
            yield from _task(name, old, old.tasks[name], new, after)


def _task(name: str, old_policy: Policy, old: Task, new_policy: Policy, new: Task) -> Iterator[Change]:
    if old.tier != new.tier:
        yield Change("tier-move", "tier", old.tier, new.tier, task=name,
                     direction=direction(old_policy, old.tier, new_policy, new.tier))
    for field in TASK_FIELDS:
        before, after = _value(getattr(old, field)), _value(getattr(new, field))
        if before != after:
            yield Change("task-field", field, before, after, task=name)
    if old.upgrade != new.upgrade:
        yield Change("upgrade-rules", "upgrade", tuple(old.upgrade), tuple(new.upgrade), task=name)
