"""The calls of an evaluation, as the runner sees them: through the runtime's Router and the SDK.

Candidate and reference calls go through `Router.create_on_tier`, the evaluation path of the same
runtime the generated client uses (same max_tokens cap, ledger rows with purpose "eval"). The llm
grader's call is not the task's request (its own rubric and output cap), so it goes to the SDK, and
is recorded in the same ledger through its record API: a row with purpose "eval" on the grader's tier.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from routecheck.cost.book import prices_of
from routecheck.cost.model import call_cost
from routecheck.evaluate.graders import GRADER_MAX_TOKENS, RUBRIC, VERDICT_TOOL, VERDICT_TOOL_SPEC, grader_prompt
from routecheck.evaluate.journal import Role
from routecheck.evaluate.plan import EvalPlan
from routecheck.evaluate.runner import Answer, Ask, Judge
from routecheck.evaluate.samples import Sample, input_text
from routecheck.runtime.ledger import CallRecord, instance_name

if TYPE_CHECKING:
    import anthropic
    from anthropic.types import Message

    from routecheck.runtime import Router
    from routecheck.runtime.ledger import LedgerWriter


def answer_of(message: Message) -> Answer:
    """The text, token counts and content blocks of a Message."""
    blocks = tuple(block.model_dump(mode="json") for block in message.content)
    text = "".join(str(b.get("text", "")) for b in blocks if b.get("type") == "text")
    return Answer(text, message.usage.input_tokens, message.usage.output_tokens, blocks)


def request_params(plan: EvalPlan, role: Role, sample: Sample) -> dict[str, Any]:
    """The Messages request of one sample on one tier, as the Router would send it (for batches)."""
    params: dict[str, Any] = {
        "model": plan.model(role),
        "max_tokens": plan.max_tokens,
        "messages": [dict(m) for m in sample.messages],
    }
    if plan.system is not None:
        params["system"] = plan.system
    return params


def router_ask(plan: EvalPlan, router: Router) -> Ask:
    """Candidate and reference calls through the runtime's evaluation path."""
    extra: dict[str, Any] = {"max_tokens": plan.max_tokens}
    if plan.system is not None:
        extra["system"] = plan.system

    def ask(role: Role, sample: Sample) -> Answer:
        messages: list[Any] = [dict(m) for m in sample.messages]  # checked by read_samples
        message = router.create_on_tier(plan.task_name, plan.tier_name(role), messages=messages, **extra)
        return answer_of(message)

    return ask


def client_judge(plan: EvalPlan, client: anthropic.Anthropic, ledger: LedgerWriter | None = None) -> Judge:
    """The llm grader: the fixed rubric, a forced tool call for the verdict; each call a ledger row."""
    model, tier_name, tier = plan.model("grader"), plan.tier_name("grader"), plan.tier("grader")
    rates = prices_of(tier_name, tier, plan.today).standard

    def record(started: float, clock: float, message: Message | None, error: BaseException | None) -> None:
        if ledger is None:
            return
        tokens_in = message.usage.input_tokens if message is not None else 0
        tokens_out = message.usage.output_tokens if message is not None else 0
        cost = float(call_cost(rates, tokens_in, tokens_out))
        row = CallRecord(
            ts=started, task=plan.task_name, requested_tier=tier_name, tier=tier_name, model=model, upgrade=None,
            input_tokens=tokens_in, output_tokens=tokens_out, cost_usd=cost,
            latency_ms=(time.perf_counter() - clock) * 1000, validation=None,
            status="ok" if error is None else "error", error_type=None if error is None else type(error).__name__,
            purpose="eval", instance=instance_name(),
        )
        try:
            ledger.record(row)
        except Exception:  # as in the runtime: the ledger is monitoring, losing a row must not fail the run
            logging.getLogger("routecheck").exception("could not write to the routecheck ledger %s", ledger.name)

    def judge(sample: Sample, reference: str, candidate: str) -> Answer:
        params: dict[str, Any] = {
            "model": model,
            "max_tokens": GRADER_MAX_TOKENS,
            "system": RUBRIC,
            "messages": [{"role": "user", "content": grader_prompt(input_text(sample.messages), reference, candidate)}],
            "tools": [VERDICT_TOOL_SPEC],
            "tool_choice": {"type": "tool", "name": VERDICT_TOOL},
        }
        started, clock = time.time(), time.perf_counter()
        try:
            message: Message = client.messages.create(**params)
        except Exception as exc:
            record(started, clock, None, exc)
            raise
        record(started, clock, message, None)
        return answer_of(message)

    return judge
