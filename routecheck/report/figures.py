"""Per-task figures of a ledger window, and the revert advice. Data only; `render` formats it.

The revert test: the live validation failure rate of the calls the evidence's candidate model
answered on the task's policy tier is *clearly above* the evidence's error rate when the Wilson 95%
lower bound of the live rate exceeds the Wilson 95% upper bound the evidence file records
(`error_rate_upper_95`). Both measurements are uncertain; advising a revert only when the two
intervals do not overlap keeps a handful of unlucky calls from paging anyone, and needs nothing but
figures both sides already have. It is conservative (roughly a test at well under 5% one-sided).

In paired terms (the policy's gate sets `max_regression` and the evidence holds the paired figures):
what the gate accepted is not the candidate's own measured rate but "the reference's error rate, plus
at most max_regression". The live rate is then compared with that ceiling, the reference's rate in
the evidence plus max_regression: REVERT when the live Wilson lower bound is above it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

from routecheck.cost.book import price_book
from routecheck.cost.model import DAYS_PER_MONTH, monthly_cost
from routecheck.cost.prices import Prices
from routecheck.evaluate.stats import Interval, wilson
from routecheck.policy.loader import PolicyFile
from routecheck.report.ledger_reader import NANO, CallGroup, LedgerSummary

OVERRIDE_ENV = "ROUTECHECK_OVERRIDE"


@dataclass(frozen=True)
class Advice:
    """REVERT (or keep) for a task that runs on evidence."""

    revert: bool
    live: Interval
    evidence_rate: float
    evidence_upper: float
    evidence_path: str
    #: "absolute": the bound is the evidence's error_rate_upper_95; "paired": the reference's rate in the
    #: evidence plus gate.max_regression (`reference_rate`).
    test: str = "absolute"
    bound: float = 0.0
    reference_rate: float | None = None
    max_regression: float | None = None
    to_tier: str | None = None
    override: str | None = None
    policy_change: str | None = None


@dataclass(frozen=True)
class TaskFigures:
    task: str
    policy_tier: str | None
    calls: int
    errors: int
    tiers: tuple[tuple[str, int], ...]
    cost_usd: Decimal
    estimated_usd: Decimal | None
    upgrades: tuple[tuple[str, int], ...]
    validation: Interval | None
    p50_ms: float | None
    p95_ms: float | None
    advice: Advice | None

    @property
    def upgraded(self) -> int:
        return sum(n for _, n in self.upgrades)

    @property
    def upgrade_rate(self) -> float:
        return self.upgraded / self.calls if self.calls else 0.0


@dataclass(frozen=True)
class LedgerReport:
    ledger: str
    since: float
    until: float
    tasks: tuple[TaskFigures, ...]
    eval_calls: int
    skipped_rows: int = 0

    @property
    def days(self) -> Decimal:
        return Decimal(repr(self.until - self.since)) / 86400


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (the value below which p% of the values lie); None for no values.

    The ledger readers pick the same rank in the database (see `ledger_reader`).
    """
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def build_report(summary: LedgerSummary, source: PolicyFile, *, ledger: str, since: float,
                 until: float) -> LedgerReport:
    """Figures for every task with live calls in the window (eval calls are counted apart)."""
    by_task: dict[str, list[CallGroup]] = {}
    for group in summary.groups:
        by_task.setdefault(group.task, []).append(group)
    days = Decimal(repr(until - since)) / 86400
    # The estimate uses the prices of the window's last day (a tier without typed prices: genai-prices').
    prices = price_book(source.policy, datetime.fromtimestamp(until, UTC).date())
    figures = tuple(_task(name, by_task[name], summary.latency.get(name, (None, None)), source, days, prices)
                    for name in sorted(by_task))
    return LedgerReport(ledger, since, until, figures, summary.eval_calls, summary.skipped_rows)


def _task(name: str, groups: list[CallGroup], latency: tuple[float | None, float | None], source: PolicyFile,
          days: Decimal, prices: Mapping[str, Prices | None]) -> TaskFigures:
    policy = source.policy
    task = policy.tasks.get(name)
    tiers: Counter[str] = Counter()
    upgrades: Counter[str] = Counter()
    for g in groups:
        tiers[g.tier] += g.calls
        if g.upgrade is not None:
            upgrades[g.upgrade] += g.calls
    cost = Decimal(sum(g.cost_nano for g in groups)) / NANO
    estimate = None
    tier_prices = None if task is None else prices[task.tier]
    if task is not None and tier_prices is not None:
        monthly = monthly_cost(task, tier_prices)
        estimate = None if monthly is None else monthly * days / DAYS_PER_MONTH
    validation, advice = None, None
    if task is not None:
        evidence = source.evidence.get(name)
        model = evidence.evidence.candidate_model if evidence else policy.tiers[task.tier].model
        checked = [g for g in groups if g.tier == g.requested_tier == task.tier and g.model == model
                   and g.validation is not None]
        if checked:
            validation = wilson(sum(g.calls for g in checked if g.validation == "failed"),
                                sum(g.calls for g in checked))
        if evidence is not None and validation is not None:
            advice = _advice(name, validation, source)
    return TaskFigures(
        name, task.tier if task else None, sum(g.calls for g in groups),
        sum(g.calls for g in groups if g.status == "error"),
        tuple(sorted(tiers.items(), key=lambda kv: (-kv[1], kv[0]))), cost, estimate,
        tuple(sorted(upgrades.items(), key=lambda kv: (-kv[1], kv[0]))), validation,
        latency[0], latency[1], advice,
    )


def _advice(name: str, live: Interval, source: PolicyFile) -> Advice:
    policy = source.policy
    task = policy.tasks[name]
    loaded = source.evidence[name]
    ev = loaded.evidence
    ref = task.evidence or ""
    margin = policy.gate.max_regression
    reference_rate = None
    if margin is not None and ev.has_paired and ev.paired_samples and ev.reference_errors is not None:
        reference_rate = ev.reference_errors / ev.paired_samples
    paired = reference_rate is not None and margin is not None
    bound = reference_rate + margin if reference_rate is not None and margin is not None else ev.error_rate_upper_95
    keep = Advice(False, live, ev.error_rate, ev.error_rate_upper_95, ref, "paired" if paired else "absolute", bound,
                  reference_rate, margin if paired else None)
    if live.low <= bound:
        return keep
    by_model = {tier.model: tier_name for tier_name, tier in policy.tiers.items()}
    back = by_model.get(ev.reference_model, policy.default_tier)
    if policy.rank(back) <= policy.rank(task.tier):
        back = policy.default_tier
    line, _ = source.locate(("tasks", name, "tier"))
    change = f'{source.display}:{line}: in [tasks.{name}] change tier = "{task.tier}" to tier = "{back}"'
    return replace(keep, revert=True, to_tier=back, override=f"{OVERRIDE_ENV}={name}={back}", policy_change=change)
