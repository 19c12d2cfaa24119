"""Pure routing decisions: which tier a task runs on, and why. No I/O except one log line per override.

Order of decisions for a routed call: the task's policy tier (or default_tier for an unknown task under
`unknown_tasks = "default"`), then ROUTECHECK_OVERRIDE, then the stakes floor (high: at least default_tier;
irreversible: the top tier; unknown tasks: at least default_tier) which nothing can break, then upgrade
rules at call time, which only ever move a call up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from routecheck.runtime.errors import OverrideError, UnregisteredTaskType
from routecheck.runtime.policy import RuntimePolicy, TaskSpec, TierSpec

log = logging.getLogger("routecheck.runtime")

Upgrade = Literal["input_tokens_over", "validation_failed", "overloaded", "override", "floor", "unknown_task"]
OVERRIDE_ENV = "ROUTECHECK_OVERRIDE"
#: The output cap of a task the policy does not know (the policy format's default max_tokens).
UNKNOWN_TASK_MAX_TOKENS = 1024

# Process-wide on purpose: "logged once per process" is the contract for an incident override.
_announced: set[tuple[str, str]] = set()
_announced_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Route:
    """Where one call of a task goes: the policy's tier, the tier that answers, and the reason they differ."""

    task: str
    requested: TierSpec
    tier: TierSpec
    max_tokens: int
    upgrade: Upgrade | None
    spec: TaskSpec | None

    def moved_to(self, tier: TierSpec, reason: Upgrade) -> Route:
        """This route moved up to `tier` for `reason`; never down (a lower target keeps the current tier)."""
        if tier.rank <= self.tier.rank:
            return self
        return replace(self, tier=tier, upgrade=reason)


def parse_override(text: str, policy: RuntimePolicy) -> dict[str, str]:
    """'classify_intent=sonnet,*=opus' -> {'classify_intent': 'sonnet', '*': 'opus'}; OverrideError if malformed."""
    result: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        task, sep, tier = (s.strip() for s in part.partition("="))
        if not sep or not task or not tier:
            raise OverrideError(f"{OVERRIDE_ENV}: {part!r} is not TASK=TIER (or *=TIER)")
        if task != "*" and task not in policy.task_by_name:
            raise OverrideError(f"{OVERRIDE_ENV}: {task!r} is not a task in the policy")
        if tier not in policy.tier_by_name:
            raise OverrideError(
                f"{OVERRIDE_ENV}: {tier!r} is not a tier (tiers: {', '.join(t.name for t in policy.tiers)})"
            )
        if task in result:
            raise OverrideError(f"{OVERRIDE_ENV}: {task!r} is overridden twice")
        result[task] = tier
    return result


def announce_override(text: str, override: Mapping[str, str], policy_sha256: str) -> None:
    """Log the active override once per process (per override text and policy)."""
    if not override:
        return
    key = (text, policy_sha256)
    with _announced_lock:
        if key in _announced:
            return
        _announced.add(key)
    pairs = ", ".join(f"{task}={tier}" for task, tier in sorted(override.items()))
    log.warning("%s is set: routing %s (the stakes floor still applies)", OVERRIDE_ENV, pairs)


def plan_task(policy: RuntimePolicy, spec: TaskSpec, override: Mapping[str, str]) -> Route:
    """The route of a known task before any call-time upgrade."""
    requested = policy.tier_by_name[spec.tier]
    route = Route(spec.name, requested, requested, spec.max_tokens, None, spec)
    forced = override.get(spec.name, override.get("*"))
    if forced is not None and forced != requested.name:
        route = replace(route, tier=policy.tier_by_name[forced], upgrade="override")
    return _floored(route, policy.floor(spec.stakes))


def plan_unknown(policy: RuntimePolicy, task: str, override: Mapping[str, str]) -> Route:
    """The route of a task the policy does not name: an error, or default_tier (never below it)."""
    if policy.unknown_tasks == "error":
        raise UnregisteredTaskType(task, policy.task_by_name)
    default = policy.tier_by_name[policy.default_tier]
    route = Route(task, default, default, UNKNOWN_TASK_MAX_TOKENS, "unknown_task", None)
    forced = override.get("*")
    if forced is not None and forced != default.name:
        route = replace(route, tier=policy.tier_by_name[forced], upgrade="override")
    return _floored(route, default)


def plan_routes(policy: RuntimePolicy, override: Mapping[str, str]) -> dict[str, Route]:
    """The route of every task in the policy, computed once per Router."""
    return {spec.name: plan_task(policy, spec, override) for spec in policy.tasks}


def _floored(route: Route, floor: TierSpec | None) -> Route:
    if floor is None or route.tier.rank >= floor.rank:
        return route
    if route.upgrade == "override":
        log.warning(
            "%s for task %r would go below its stakes floor: running on %r instead of %r",
            OVERRIDE_ENV, route.task, floor.name, route.tier.name,
        )
    return replace(route, tier=floor, upgrade="floor")
