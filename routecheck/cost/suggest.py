"""Savings candidates (RC111), ranked by monthly saving, with the article's three questions answered."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from routecheck.cost.book import price_book, require_prices
from routecheck.cost.model import monthly_cost
from routecheck.cost.money import amount_text, money, signed_money
from routecheck.cost.table import MONTHS_PER_YEAR
from routecheck.deprecations import deprecation_note, successor
from routecheck.policy.loader import PolicyFile
from routecheck.policy.model import Task
from routecheck.policy.vocabulary import is_savings_candidate

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
    policy = source.policy
    prices = require_prices(source, today)
    cheapest = policy.cheapest_tier
    names = [name for name, task in policy.tasks.items()
             if is_savings_candidate(policy, task) and "RC111" not in task.ignore]
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


@dataclass(frozen=True, slots=True)
class Replacement:
    """A tier whose model nears or has passed its end of life (RC115), and the family's newest model.

    Prices are USD per million tokens (input, output) from the tier and from genai-prices; the monthly
    figures are the tier's tasks at each, None where a model or a task cannot be priced.
    """

    tier: str
    model: str
    note: str
    successor: str | None
    prices_now: tuple[Decimal, Decimal] | None
    prices_after: tuple[Decimal, Decimal] | None
    monthly_now: Decimal | None
    monthly_after: Decimal | None


def replacements(source: PolicyFile, *, today: date) -> tuple[Replacement, ...]:
    """The RC115 tiers of `source` on `today`, in rank order, each with the newer model `suggest` names."""
    from routecheck.cost.source import library_prices  # lazy: it imports genai-prices

    policy = source.policy
    book = price_book(policy, today)
    out = []
    for name, tier in sorted(policy.tiers.items(), key=lambda item: item[1].rank):
        note = deprecation_note(tier.model, today)
        if note is None:
            continue
        newer = successor(tier.model, today)
        now, after = book[name], None if newer is None else library_prices(newer, today)
        tasks = [t for t in policy.tasks.values() if t.tier == name]
        out.append(Replacement(
            tier=name, model=tier.model, note=note, successor=newer,
            prices_now=None if now is None else (now.standard.input, now.standard.output),
            prices_after=None if after is None else (after.standard.input, after.standard.output),
            monthly_now=None if now is None else _sum(monthly_cost(t, now) for t in tasks),
            monthly_after=None if after is None else _sum(monthly_cost(t, after) for t in tasks),
        ))
    return tuple(out)


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def _per_mtok(prices: tuple[Decimal, Decimal] | None) -> str:
    return "unpriced" if prices is None else f"{money(prices[0])} in / {money(prices[1])} out per MTok"


def render_replacements(items: tuple[Replacement, ...]) -> str:
    """The text section on models nearing end of life; empty when there are none."""
    if not items:
        return ""
    lines = ["", "Models reaching end of life (RC115):"]
    for r in items:
        if r.successor is None:
            lines.append(f"- tier '{r.tier}': {r.model} {r.note}; the SDK lists no newer model of its family.")
            continue
        lines.append(f"- tier '{r.tier}': {r.model} {r.note}; the newest of its family is {r.successor}.")
        lines.append(f"  {_per_mtok(r.prices_now)} now, {_per_mtok(r.prices_after)} after")
        if r.monthly_now is not None and r.monthly_after is not None:
            lines.append(f"  its tasks: {money(r.monthly_now)}/month now, {money(r.monthly_after)}/month after "
                         f"({signed_money(r.monthly_after - r.monthly_now)}); verify them on it first (RC108).")
    return "\n".join(lines) + "\n"


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


def render_json(items: tuple[Suggestion, ...], source: str, ends: tuple[Replacement, ...] = ()) -> str:
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
        "end_of_life": [
            {"tier": r.tier, "model": r.model, "note": r.note, "successor": r.successor,
             "usd_per_mtok": None if r.prices_now is None else [str(v) for v in r.prices_now],
             "successor_usd_per_mtok": None if r.prices_after is None else [str(v) for v in r.prices_after],
             "monthly_usd": None if r.monthly_now is None else amount_text(r.monthly_now),
             "monthly_usd_after": None if r.monthly_after is None else amount_text(r.monthly_after)}
            for r in ends
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
