"""Support inbox: classify a ticket, pull out its entities, draft the reply."""

from __future__ import annotations

import json

from examples.routed_app.llm_routes import Router, TaskType, call_ai
from examples.routed_app.tasks import CLASSIFY, DRAFT_REPLY, EXTRACT

LABELS = ("billing", "bug", "feature_request", "account", "how_to", "other")


def classify(ticket: str) -> str:
    label = call_ai(CLASSIFY, ticket, system=f"Answer with one label of: {', '.join(LABELS)}.")
    return label if label in LABELS else "other"


def entities(ticket: str, router: Router) -> dict[str, str]:
    reply = router.call(EXTRACT, ticket, system="Return the customer, product and order id as JSON.")
    parsed = json.loads(reply)
    return {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}


def run(task: TaskType, text: str) -> str:
    """Any task by name: TaskType lets the type checker (and routecheck) verify the name."""
    return call_ai(task, text)


def draft_reply(ticket: str, router: Router) -> str:
    message = router.create(
        DRAFT_REPLY,
        messages=[{"role": "user", "content": f"Draft a short, friendly reply to:\n\n{ticket}"}],
    )
    return "".join(block.text for block in message.content if block.type == "text")
