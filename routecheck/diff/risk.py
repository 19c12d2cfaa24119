"""Risk flags: the changes in a policy diff that a reviewer must see before anything else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from routecheck.diff.changes import STAKES_ORDER, Change, GateChange, ModelChange, TaskAdded, TaskFieldChange, TierMove
from routecheck.lint.rules import LintContext, unverified_downgrade
from routecheck.policy.loader import PolicyFile

RiskKind = Literal[
    "unverified-downgrade", "stakes-lowered", "default-tier-lowered", "gate-loosened", "evidence-for-old-model"
]


@dataclass(frozen=True, slots=True)
class RiskFlag:
    """One risky change, with the task or tier it is about."""

    kind: RiskKind
    message: str
    task: str | None = None
    tier: str | None = None


def risk_flags(old: PolicyFile, new: PolicyFile, changes: tuple[Change, ...], *, today: date) -> tuple[RiskFlag, ...]:
    """The risk flags of going from `old` to `new`, in the order of `changes`."""
    return tuple(_flags(old, new, changes, today))


def _flags(old: PolicyFile, new: PolicyFile, changes: tuple[Change, ...], today: date) -> Iterator[RiskFlag]:
    # RC108 itself, not lint's findings: a task's own `ignore = ["RC108"]` must not hide the risk from review.
    unverified = {hit.task for hit in unverified_downgrade(LintContext(new, today))}
    before, after = old.policy, new.policy
    if after.rank(after.default_tier) < before.rank(before.default_tier):
        yield RiskFlag("default-tier-lowered", f"default_tier lowered from '{before.default_tier}' to "
                       f"'{after.default_tier}': every task without its own evidence now defaults to a cheaper tier",
                       tier=after.default_tier)
    for change in changes:
        if isinstance(change, GateChange) and change.loosened:
            what = "lowered" if change.field == "min_samples" else "raised"
            yield RiskFlag("gate-loosened", f"gate.{change.field} {what} from {change.old} to {change.new}: "
                           "weaker evidence now lets a task run below default_tier")
        elif (
            isinstance(change, TaskFieldChange)
            and change.field == "stakes"
            and STAKES_ORDER[change.new] < STAKES_ORDER[change.old]
        ):
            yield RiskFlag("stakes-lowered", f"task '{change.task}' stakes lowered from {change.old} to "
                           f"{change.new}", task=change.task)
        elif isinstance(change, ModelChange):
            yield from _stale_evidence(new, change)
        elif isinstance(change, TierMove) and change.direction == "downgrade" and change.task in unverified:
            yield RiskFlag("unverified-downgrade", f"task '{change.task}' moves down from '{change.old_tier}' to "
                           f"'{change.new_tier}' without evidence that passes the gate (RC108)", task=change.task)
        elif isinstance(change, TaskAdded) and change.task in unverified:
            yield RiskFlag("unverified-downgrade", f"new task '{change.task}' runs on '{change.tier}', below "
                           f"default_tier '{after.default_tier}', without evidence that passes the gate (RC108)",
                           task=change.task)


def _stale_evidence(new: PolicyFile, change: ModelChange) -> Iterator[RiskFlag]:
    for name, task in new.policy.tasks.items():
        loaded = new.evidence.get(name)
        if task.tier == change.tier and loaded is not None and loaded.evidence.candidate_model == change.old_model:
            yield RiskFlag("evidence-for-old-model", f"tier '{change.tier}' now runs {change.new_model}, but the "
                           f"evidence of task '{name}' ({task.evidence}) was measured on {change.old_model}",
                           task=name, tier=change.tier)
