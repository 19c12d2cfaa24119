"""A policy's cost table: every task priced on its tier, per-tier subtotals, the total and the what-ifs.

All figures are exact Decimals (see `model.MONEY_CONTEXT`); nothing is rounded until it is shown.
Tasks without volume are listed as such and left out of every sum, never counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, localcontext

from routecheck.cost.book import PriceBook
from routecheck.cost.model import DAYS_PER_MONTH, MONEY_CONTEXT, cost_per_call, usd
from routecheck.cost.prices import Prices
from routecheck.errors import UsageError
from routecheck.policy.model import Policy, Task
from routecheck.policy.vocabulary import STALE_PRICES_AFTER

MONTHS_PER_YEAR = 12
#: Scaled volumes that do not divide evenly are carried to this many digits (far below a cent).
_SCALE_CONTEXT = Context(prec=60)


@dataclass(frozen=True, slots=True)
class TaskCost:
    """One task on its tier. `calls_per_day` and `monthly` are None when the policy gives no volume."""

    task: str
    tier: str
    model: str
    calls_per_day: Decimal | None
    input_tokens: int | None
    output_tokens: int | None
    monthly: Decimal | None
    batch: bool  # billed at its tier's batch rates
    batch_discount: Decimal | None  # the tier's typed batch_discount, when those rates come from it
    cache_read_ratio: Decimal
    cache_write_ratio: Decimal
    cache_ttl: str
    long_context: bool  # its average input is above the tier's long-context threshold

    @property
    def has_volume(self) -> bool:
        return self.monthly is not None


@dataclass(frozen=True, slots=True)
class TierCost:
    """The priced tasks of one tier."""

    tier: str
    model: str
    tasks: int
    calls_per_day: Decimal
    monthly: Decimal


@dataclass(frozen=True, slots=True)
class WhatIf:
    """What the priced tasks would cost per month if every one of them ran on `tier`."""

    tier: str
    monthly: Decimal


@dataclass(frozen=True, slots=True)
class StalePrices:
    """A tier whose `prices_as_of` is older than the RC113 limit on the day the table was made."""

    tier: str
    as_of: date
    age_days: int


@dataclass(frozen=True, slots=True)
class PriceOrigin:
    """Where one tier's prices come from: the policy, or the price source and the date it checked them."""

    tier: str
    model: str
    source: str
    checked: date | None


@dataclass(frozen=True, slots=True)
class CostTable:
    """What a policy costs per month. Tiers and what-ifs are in rank order, tasks in policy order."""

    source: str
    tasks: tuple[TaskCost, ...]
    tiers: tuple[TierCost, ...]
    what_ifs: tuple[WhatIf, ...]
    default_tier: str
    total: Decimal
    calls_per_day: Decimal
    scaled_to: int | None
    stale_prices: tuple[StalePrices, ...]
    assumptions: tuple[str, ...]
    price_origins: tuple[PriceOrigin, ...] = ()

    @property
    def no_volume(self) -> tuple[str, ...]:
        """The tasks left out of every sum because the policy gives them no volume."""
        return tuple(t.task for t in self.tasks if not t.has_volume)

    @property
    def all_on_default(self) -> Decimal:
        return next(w.monthly for w in self.what_ifs if w.tier == self.default_tier)

    @property
    def saving_per_month(self) -> Decimal:
        """What this routing saves against running everything on default_tier (negative: it costs more)."""
        return self.all_on_default - self.total

    @property
    def saving_per_year(self) -> Decimal:
        return self.saving_per_month * MONTHS_PER_YEAR


def cost_table(
    policy: Policy, *, prices: PriceBook, source: str, today: date, calls_per_day: int | None = None
) -> CostTable:
    """The cost table of `policy`; with `calls_per_day`, every task's volume scaled so they sum to it.

    Scaling keeps the mix: each task's share of the calls stays the same, and the scaled volumes are
    exact (333.33... calls a day stay a third of a thousand, they are not rounded to whole calls).
    """
    scale = _scale(policy, calls_per_day)
    with localcontext(MONEY_CONTEXT):
        tasks = tuple(_task_cost(policy, prices, name, task, scale) for name, task in policy.tasks.items())
        priced = [t for t in tasks if t.monthly is not None and t.calls_per_day is not None]
        ranked = sorted(policy.tiers, key=policy.rank)
        tiers = tuple(_tier_cost(policy, name, [t for t in priced if t.tier == name]) for name in ranked)
        what_ifs = tuple(WhatIf(name, _all_on(policy, prices[name], scale)) for name in ranked)
        total = sum((t.monthly or Decimal(0) for t in priced), Decimal(0))
        volume = sum((t.calls_per_day or Decimal(0) for t in priced), Decimal(0))
    return CostTable(
        source=source,
        tasks=tasks,
        tiers=tiers,
        what_ifs=what_ifs,
        default_tier=policy.default_tier,
        total=total,
        calls_per_day=volume,
        scaled_to=calls_per_day,
        stale_prices=stale_prices(policy, today, prices),
        assumptions=_assumptions(policy, prices),
        price_origins=tuple(PriceOrigin(name, prices[name].model, prices[name].source, prices[name].checked)
                            for name in ranked if not prices[name].from_policy),
    )


def stale_prices(policy: Policy, today: date, prices: PriceBook | None = None) -> tuple[StalePrices, ...]:
    """The tiers whose prices RC113 calls stale on `today`, in rank order.

    A tier's date is its `prices_as_of`, or else the date its price source says it checked them.
    """
    out = []
    for name, tier in sorted(policy.tiers.items(), key=lambda item: item[1].rank):
        known = None if prices is None else prices.get(name)
        as_of = tier.prices_as_of or (None if known is None else known.checked)
        if as_of is not None and today - as_of > STALE_PRICES_AFTER:
            out.append(StalePrices(name, as_of, (today - as_of).days))
    return tuple(out)


def _scale(policy: Policy, calls_per_day: int | None) -> Decimal | None:
    """The factor that takes the policy's total daily calls to `calls_per_day`."""
    if calls_per_day is None:
        return None
    if calls_per_day < 0:
        raise UsageError(f"--calls-per-day must be 0 or more, got {calls_per_day}")
    current = sum(t.calls_per_day or 0 for t in policy.tasks.values() if t.has_volume)
    if current == 0:
        raise UsageError("cannot scale to --calls-per-day: no task in the policy has a call volume to scale")
    return _SCALE_CONTEXT.divide(Decimal(calls_per_day), Decimal(current))


def _calls(task: Task, scale: Decimal | None) -> Decimal | None:
    if not task.has_volume or task.calls_per_day is None:
        return None
    return Decimal(task.calls_per_day) if scale is None else task.calls_per_day * scale


def _monthly(task: Task, prices: Prices, scale: Decimal | None) -> Decimal | None:
    per_call, calls = cost_per_call(task, prices), _calls(task, scale)
    if per_call is None or calls is None:
        return None
    return per_call * calls * DAYS_PER_MONTH


def _task_cost(policy: Policy, book: PriceBook, name: str, task: Task, scale: Decimal | None) -> TaskCost:
    tier, prices = policy.tiers[task.tier], book[task.tier]
    threshold = prices.long_context_threshold
    return TaskCost(
        task=name,
        tier=task.tier,
        model=tier.model,
        calls_per_day=_calls(task, scale),
        input_tokens=task.input_tokens,
        output_tokens=task.output_tokens,
        monthly=_monthly(task, prices, scale),
        batch=task.batch and prices.batch is not None,
        batch_discount=usd(tier.batch_discount) if task.batch and tier.batch_discount is not None else None,
        cache_read_ratio=usd(task.cache_read_ratio),
        cache_write_ratio=usd(task.cache_write_ratio),
        cache_ttl=task.cache_ttl,
        long_context=threshold is not None and task.input_tokens is not None and task.input_tokens > threshold,
    )


def _tier_cost(policy: Policy, name: str, on_tier: list[TaskCost]) -> TierCost:
    calls = sum((t.calls_per_day or Decimal(0) for t in on_tier), Decimal(0))
    monthly = sum((t.monthly or Decimal(0) for t in on_tier), Decimal(0))
    return TierCost(name, policy.tiers[name].model, len(on_tier), calls, monthly)


def _all_on(policy: Policy, prices: Prices, scale: Decimal | None) -> Decimal:
    return sum(
        (m for task in policy.tasks.values() if (m := _monthly(task, prices, scale)) is not None), Decimal(0)
    )


def _assumptions(policy: Policy, prices: PriceBook) -> tuple[str, ...]:
    """What the figures rest on, beyond the policy's own numbers; shown with every table."""
    out = [f"a month is {DAYS_PER_MONTH} days; volumes and token counts are the policy's averages"]
    tasks = policy.tasks.values()
    if any(t.cache_read_ratio > 0 or t.cache_write_ratio > 0 for t in tasks):
        typed = any(p.from_policy for p in prices.values())
        factors = " (typed prices: reads 0.1x input, 5m writes 1.25x, 1h writes 2x)" if typed else ""
        out.append("prompt cache: cache_read_ratio of input tokens billed at the cache-read rate and "
                   f"cache_write_ratio at the cache-write rate of cache_ttl{factors}")
    if any(t.batch and prices[t.tier].batch is not None for t in tasks):
        out.append("batch = true tasks are billed at their tier's batch rates (the what-ifs apply them too)")
    if any(p.long_context_threshold is not None for p in prices.values()):
        out.append("long context: every call is taken to be the average call, so a task whose average input "
                   "is above a tier's threshold is billed at that tier's long-context rates for all its calls")
    return tuple(out)
