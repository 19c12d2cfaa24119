"""The runtime's exceptions. They are the caller's to handle; none carries prompt or completion text."""

from __future__ import annotations

from collections.abc import Iterable


class RoutingError(Exception):
    """Root of the errors the routing runtime raises itself (SDK errors pass through unchanged)."""


class UnregisteredTaskType(RoutingError):
    """A task type the policy does not name, under `unknown_tasks = "error"`."""

    def __init__(self, task: str, known: Iterable[str]) -> None:
        self.task = task
        super().__init__(f"task type {task!r} is not in the routing policy (known: {', '.join(sorted(known))})")


class ModelNotAllowed(RoutingError, TypeError):
    """The caller passed `model=`: the policy picks the model."""


class OverrideError(RoutingError, ValueError):
    """ROUTECHECK_OVERRIDE is malformed or names an unknown task or tier."""


class ValidationFailed(RoutingError):
    """The output failed the caller's validator, and no retry was left (or allowed) to fix it."""

    def __init__(self, task: str, tier: str, attempts: int) -> None:
        self.task = task
        self.tier = tier
        self.attempts = attempts
        super().__init__(f"task {task!r}: output failed validation on tier {tier!r} after {attempts} attempt(s)")
