"""A policy review: the changes between two loaded policies, their risk flags and their monthly cost delta."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from routecheck.cost.book import require_prices
from routecheck.cost.table import CostTable, StalePrices, cost_table
from routecheck.diff.changes import Change, policy_changes
from routecheck.diff.risk import RiskFlag, risk_flags
from routecheck.policy.loader import PolicyFile


@dataclass(frozen=True, slots=True)
class TaskCostDelta:
    """A task's monthly cost before and after; None where it did not exist or has no volume."""

    task: str
    old_tier: str | None
    new_tier: str | None
    old: Decimal | None
    new: Decimal | None

    @property
    def delta(self) -> Decimal:
        """What the change adds to the monthly total (a task without volume adds nothing)."""
        return (self.new or Decimal(0)) - (self.old or Decimal(0))


@dataclass(frozen=True, slots=True)
class PolicyDiff:
    """Everything a reviewer needs about one policy change. Labels say which files or revisions were compared."""

    old_label: str
    new_label: str
    changes: tuple[Change, ...]
    risks: tuple[RiskFlag, ...]
    costs: tuple[TaskCostDelta, ...]
    old_total: Decimal
    new_total: Decimal
    stale_prices: tuple[StalePrices, ...]

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.risks

    @property
    def cost_delta(self) -> Decimal:
        return self.new_total - self.old_total


def diff_policies(old: PolicyFile, new: PolicyFile, *, old_label: str, new_label: str, today: date) -> PolicyDiff:
    """Compare two loaded policies. `today` decides which prices apply and are stale, and feeds the RC108 check.

    Both sides are priced on `today`: a tier without typed prices gets genai-prices' on both sides, so
    the cost delta is the policy change alone, not a price change of the source.
    """
    changes = policy_changes(old.policy, new.policy)
    before = cost_table(old.policy, prices=require_prices(old, today), source=old_label, today=today)
    after = cost_table(new.policy, prices=require_prices(new, today), source=new_label, today=today)
    return PolicyDiff(
        old_label=old_label,
        new_label=new_label,
        changes=changes,
        risks=risk_flags(old, new, changes, today=today),
        costs=_task_costs(before, after),
        old_total=before.total,
        new_total=after.total,
        stale_prices=after.stale_prices,
    )


def _task_costs(before: CostTable, after: CostTable) -> tuple[TaskCostDelta, ...]:
    """Per task, NEW's order first, then the removed tasks in OLD's order."""
    old = {t.task: t for t in before.tasks}
    new = {t.task: t for t in after.tasks}
    out = []
    for name, t in new.items():
        was = old.get(name)
        out.append(TaskCostDelta(name, was.tier if was else None, t.tier, was.monthly if was else None, t.monthly))
    out += [TaskCostDelta(name, t.tier, None, t.monthly, None) for name, t in old.items() if name not in new]
    return tuple(out)


def changed_tasks(diff: PolicyDiff) -> tuple[str, ...]:
    """Tasks with a change of their own or a different monthly cost, in the order of `diff.costs`."""
    touched = {c.task for c in diff.changes}
    return tuple(c.task for c in diff.costs if c.task in touched or c.delta != 0)



