"""Groups of the policy format's values that rules reason about (kept free of pydantic: rules import it)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from routecheck.policy.model import Policy, Task

#: Touches that must never run below default_tier (RC107).
SENSITIVE_TOUCHES: frozenset[str] = frozenset({"payment", "auth", "data_integrity", "deletion"})
#: Outputs too open-ended for the cheapest tier (RC105).
OPEN_OUTPUTS: frozenset[str] = frozenset({"long_text", "code"})
#: Outputs short and schema-constrained enough to verify cheaply (RC111).
SCHEMA_OUTPUTS: frozenset[str] = frozenset({"label", "json"})
#: How old a tier's prices may be before RC113 (and the cost table) call them stale.
STALE_PRICES_AFTER = timedelta(days=90)
#: The most categories a classification may have on the cheapest tier (RC106, RC111).
MAX_CHEAP_CATEGORIES = 15


def is_savings_candidate(policy: Policy, task: Task) -> bool:
    """RC111's question: a task above the cheapest tier whose output is short and schema-constrained, whose
    wrong answer is cheap (low stakes, touches nothing) and that needs no multi-step reasoning."""
    return (
        policy.rank(task.tier) > policy.rank(policy.cheapest_tier)
        and task.output in SCHEMA_OUTPUTS
        and task.stakes == "low"
        and not task.multi_step
        and not task.touches
        and (task.categories or 0) <= MAX_CHEAP_CATEGORIES
    )
