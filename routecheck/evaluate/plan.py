"""What one evaluation run does: the task, the two tiers, the grader, the request, the samples."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from routecheck.cost.book import prices_of
from routecheck.cost.model import HALF, call_cost
from routecheck.evaluate.graders import GRADER_MAX_TOKENS, RUBRIC, Comparison, GraderSpec
from routecheck.evaluate.journal import Journal, Role
from routecheck.evaluate.samples import SampleSet, input_text
from routecheck.policy.model import Policy, Task, Tier


@dataclass(frozen=True)
class EvalPlan:
    """Everything that decides the calls of a run (and so the fingerprint of its results file)."""

    policy: Policy
    task_name: str
    candidate: str
    reference: str
    grader: GraderSpec
    comparison: Comparison
    system: str | None
    max_tokens: int
    samples: SampleSet
    #: The date the run is on: the prices of its estimate, tally and projected saving (not in the fingerprint).
    today: date
    batch: bool = False
    #: Runs per sample and tier (--repeat): a sample is an error when any of its runs is (pass^N).
    repeat: int = 1

    @property
    def task(self) -> Task:
        return self.policy.tasks[self.task_name]

    def tier(self, role: Role) -> Tier:
        return self.policy.tiers[self.tier_name(role)]

    def tier_name(self, role: Role) -> str:
        if role == "grader":
            return self.grader.tier or self.policy.top_tier
        return self.candidate if role == "candidate" else self.reference

    def model(self, role: Role) -> str:
        return self.tier(role).model

    @property
    def grader_label(self) -> str:
        """As evidence files spell it: expected | agreement | llm:<model>."""
        return f"llm:{self.model('grader')}" if self.grader.kind == "llm" else self.grader.kind

    def fingerprint(self) -> dict[str, Any]:
        """What must match for stored results to be reused."""
        system = hashlib.sha256(self.system.encode("utf-8")).hexdigest() if self.system is not None else None
        return {
            "task": self.task_name,
            "candidate_model": self.model("candidate"),
            "reference_model": self.model("reference"),
            "grader": self.grader_label,
            "comparison": self.comparison,
            "system_sha256": system,
            "max_tokens": self.max_tokens,
        }


@dataclass(frozen=True)
class RoleEstimate:
    role: Role
    tier: str
    model: str
    calls: int
    input_tokens: int
    output_tokens: int
    usd: Decimal


@dataclass(frozen=True)
class Estimate:
    """What a run will send and roughly cost, before anything is sent."""

    roles: tuple[RoleEstimate, ...]
    already_done: int
    output_basis: str

    @property
    def calls(self) -> int:
        return sum(r.calls for r in self.roles)

    @property
    def usd(self) -> Decimal:
        return sum((r.usd for r in self.roles), Decimal(0))


def estimate_tokens(text: str) -> int:
    """A rough count, 4 characters a token: good enough to price a run before it is sent."""
    return (len(text) + 3) // 4


def estimate(plan: EvalPlan, journal: Journal | None) -> Estimate:
    """Calls still to send and their cost at the policy's prices (batch discount with --batch)."""
    task = plan.task
    output = task.output_tokens if task.output_tokens is not None else plan.max_tokens
    output = min(output, plan.max_tokens)
    basis = ("the policy's output_tokens" if task.output_tokens is not None
             else f"at most max_tokens = {plan.max_tokens}")
    system = estimate_tokens(plan.system) if plan.system else 0
    roles: list[RoleEstimate] = []
    done = 0
    runs = range(plan.repeat)
    for role in ("reference", "candidate"):
        todo = [s for s in plan.samples.samples for k in runs if journal is None or not journal.done(role, s.sha256, k)]
        done += len(plan.samples.samples) * plan.repeat - len(todo)
        tokens_in = sum(system + estimate_tokens(input_text(s.messages)) for s in todo)
        roles.append(_priced(plan, role, len(todo), tokens_in, output * len(todo)))
    if plan.grader.kind == "llm":
        todo = [s for s in plan.samples.samples for k in runs
                if journal is None or not journal.done("grader", s.sha256, k)]
        per_call = estimate_tokens(RUBRIC) + 2 * output + 60  # the rubric, both answers, the tool definition
        tokens_in = sum(per_call + estimate_tokens(input_text(s.messages)) for s in todo)
        roles.append(_priced(plan, "grader", len(todo), tokens_in, GRADER_MAX_TOKENS * len(todo), batch=False))
    return Estimate(tuple(roles), done, basis)


def _priced(
    plan: EvalPlan, role: Role, calls: int, tokens_in: int, tokens_out: int, *, batch: bool = True
) -> RoleEstimate:
    tier = plan.tier(role)
    prices = prices_of(plan.tier_name(role), tier, plan.today)
    batched = plan.batch and batch
    if batched and prices.batch is None:
        cost = call_cost(prices.standard, tokens_in, tokens_out) * HALF
    else:
        cost = call_cost(prices.batch if batched and prices.batch else prices.standard, tokens_in, tokens_out)
    return RoleEstimate(role, plan.tier_name(role), tier.model, calls, tokens_in, tokens_out, cost)
