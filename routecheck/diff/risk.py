"""Risk flags: the changes in a policy diff that a reviewer must see before anything else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from routecheck.diff.changes import Change, stakes_lowered
from routecheck.diff.values import shown
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
        if change.kind == "gate" and change.loosened:
            what = "lowered" if change.field == "min_samples" else "raised"
            yield RiskFlag("gate-loosened", f"gate.{change.field} {what} from {shown(change.old)} to "
                           f"{shown(change.new)}: weaker evidence now lets a task run below default_tier")
        elif stakes_lowered(change):
            yield RiskFlag("stakes-lowered", f"task '{change.task}' stakes lowered from {shown(change.old)} to "
                           f"{shown(change.new)}", task=change.task)
        elif change.kind == "model":
            yield from _stale_evidence(new, change)
        elif change.kind == "tier-move" and change.direction == "downgrade" and change.task in unverified:
            yield RiskFlag("unverified-downgrade", f"task '{change.task}' moves down from '{change.old}' to "
                           f"'{change.new}' without evidence that passes the gate (RC108)", task=change.task)
        elif change.kind == "task-added" and change.task in unverified:
            yield RiskFlag("unverified-downgrade", f"new task '{change.task}' runs on '{change.tier}', below "
                           f"default_tier '{after.default_tier}', without evidence that passes the gate (RC108)",
                           task=change.task)


def _stale_evidence(new: PolicyFile, change: Change) -> Iterator[RiskFlag]:
    """A tier's model changed: the evidence its tasks measured on the old model no longer holds."""
    for name, task in new.policy.tasks.items():
        loaded = new.evidence.get(name)
        if task.tier == change.tier and loaded is not None and loaded.evidence.candidate_model == change.old:
            yield RiskFlag("evidence-for-old-model", f"tier '{change.tier}' now runs {change.new}, but the "
                           f"evidence of task '{name}' ({task.evidence}) was measured on {change.old}",
                           task=name, tier=change.tier)
