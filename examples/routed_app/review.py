"""Code review and irreversible account actions: the expensive tiers, each named by task."""

from __future__ import annotations

from examples.routed_app.llm_routes import AsyncRouter, TaskType
from examples.routed_app.tasks import REVIEW


class TicketRouter:
    """Wraps the generated AsyncRouter; `route` is declared in `task-calls` so routecheck checks it."""

    def __init__(self, router: AsyncRouter) -> None:
        self._router = router

    async def route(self, task: TaskType, prompt: str) -> str:
        return await self._router.call(task, prompt)


async def review(diff: str, tickets: TicketRouter) -> str:
    return await tickets.route(REVIEW, f"Review this diff for bugs:\n\n{diff}")


async def plan_refund(account: str, tickets: TicketRouter) -> str:
    return await tickets.route("plan_irreversible_actions", f"Plan the refund and closure of {account}.")
