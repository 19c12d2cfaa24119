"""Savings candidates (RC111), ranked by monthly saving, with the article's three questions answered."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from routecheck.cost.model import monthly_cost
from routecheck.cost.money import amount_text, money
from routecheck.cost.table import MONTHS_PER_YEAR
from routecheck.policy.loader import PolicyFile
from routecheck.policy.model import Task

JSON_VERSION = 1


@dataclass(frozen=True, slots=True)
class Answer:
    """One of the article's three questions, answered from the task's fields."""

    question: str
    answer: str  # "yes" | "no"
    because: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A task that could move to the cheapest tier, what that would save, and how to verify it first."""

    task: str
    tier: str
    to_tier: str
    monthly_now: Decimal | None
    monthly_after: Decimal | None
    answers: tuple[Answer, ...]
    eval_command: str
    min_samples: int
    max_error_rate: float

    @property
    def saving(self) -> Decimal | None:
        """USD per month saved by the move; None when the policy gives the task no volume."""
        if self.monthly_now is None or self.monthly_after is None:
            return None
        return self.monthly_now - self.monthly_after


def suggestions(source: PolicyFile, *, today: date) -> tuple[Suggestion, ...]:
    """The RC111 candidates of `source` (as lint reports them, task ignores included), largest saving first."""
    from routecheck.cost.book import require_prices
    from routecheck.lint import lint_policy

    policy = source.policy
    prices = require_prices(source, today)
    cheapest = policy.cheapest_tier
    names = [f.task for f in lint_policy(source, today=today) if f.code == "RC111" and f.task is not None]
    out = [
        Suggestion(
            task=name,
            tier=(task := policy.tasks[name]).tier,
            to_tier=cheapest,
            monthly_now=monthly_cost(task, prices[task.tier]),
            monthly_after=monthly_cost(task, prices[cheapest]),
            answers=three_questions(task),
            eval_command=f"routecheck eval {name} --samples FILE --write",
            min_samples=policy.gate.min_samples,
            max_error_rate=policy.gate.max_error_rate,
        )
        for name in names
    ]
    # Largest saving first; tasks without volume last (their saving is unknown, not zero); then by name.
    return tuple(sorted(out, key=lambda s: (s.saving is None, -(s.saving or 0), s.task)))


def three_questions(task: Task) -> tuple[Answer, ...]:
    """The article's test: all three answered the cheap way means the cheap tier is likely enough."""
    short = task.output in ("label", "json")
    output = f"output = {task.output}" + (f", {task.categories} categories" if task.categories else "")
    cheap = task.stakes == "low" and not task.touches
    touches = f"touches {', '.join(task.touches)}" if task.touches else "touches nothing"
    return (
        Answer("Is the output short and schema-constrained?", "yes" if short else "no", output),
        Answer("Is a wrong answer cheap to recover from?", "yes" if cheap else "no",
               f"stakes = {task.stakes}, {touches}"),
        Answer("Does the task require multi-step reasoning?", "yes" if task.multi_step else "no",
               f"multi_step = {'true' if task.multi_step else 'false'}"),
    )


def _saving(s: Suggestion) -> str:
    saving = s.saving
    if saving is None:
        return "saving unknown: the policy gives it no volume"
    return f"saves {money(saving)}/month ({money(saving * MONTHS_PER_YEAR)}/year)"


def render_text(items: tuple[Suggestion, ...], source: str) -> str:
    if not items:
        return (f"No savings candidates in {source} (RC111): every task above the cheapest tier has a reason "
                "to stay where it is.\n")
    lines = [f"Savings candidates in {source} (RC111), largest monthly saving first:"]
    width = max(len(a.question) for a in items[0].answers)
    for rank, s in enumerate(items, 1):
        lines += ["", f"{rank}. {s.task}: {s.tier} \u2192 {s.to_tier}, {_saving(s)}"]
        lines += [f"   {a.question.ljust(width)}  {a.answer}: {a.because}" for a in s.answers]
        lines += [f"   Evidence it needs: {s.eval_command}",
                  f"     on at least {s.min_samples} real inputs with an error rate of at most {s.max_error_rate:.1%};",
                  f"     then set tier = \"{s.to_tier}\" and evidence = the file it writes."]
    known = [s.saving for s in items if s.saving is not None]
    if known:
        total = sum(known, Decimal(0))
        yearly = money(total * MONTHS_PER_YEAR)
        lines += ["", f"If every candidate passes, the saving is {money(total)}/month, {yearly}/year."]
    return "\n".join(lines) + "\n"


def render_json(items: tuple[Suggestion, ...], source: str) -> str:
    data = {
        "version": JSON_VERSION,
        "policy": source,
        "suggestions": [
            {
                "task": s.task,
                "tier": s.tier,
                "to_tier": s.to_tier,
                "monthly_usd": None if s.monthly_now is None else amount_text(s.monthly_now),
                "monthly_usd_after": None if s.monthly_after is None else amount_text(s.monthly_after),
                "saving_monthly_usd": None if s.saving is None else amount_text(s.saving),
                "questions": [{"question": a.question, "answer": a.answer, "because": a.because} for a in s.answers],
                "eval_command": s.eval_command,
                "gate": {"min_samples": s.min_samples, "max_error_rate": s.max_error_rate},
            }
            for s in items
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
