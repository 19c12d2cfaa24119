"""Monthly cost of one task on one tier. Money is Decimal: printed cents never drift."""

from __future__ import annotations

from decimal import Context, Decimal, localcontext

from routecheck.policy.model import Task, Tier

DAYS_PER_MONTH = 30
CACHE_READ_FACTOR = Decimal("0.1")
#: Cache writes cost 1.25x input; the model assumes a warm cache and does not price them.
CACHE_WRITE_FACTOR = Decimal("1.25")
_MILLION = Decimal(1_000_000)
#: Products and sums of prices written with a few digits are exact at this precision; rounding
#: happens once, to cents, when a figure is shown.
MONEY_CONTEXT = Context(prec=400)


def usd(value: float) -> Decimal:
    """A price read from TOML as the decimal it was written as (0.8, not 0.8000000000000000444)."""
    return Decimal(repr(value))


def cost_per_call(task: Task, tier: Tier) -> Decimal | None:
    """USD of one average call of `task` on `tier`, or None when the policy gives no token counts.

    Cached input tokens (`cache_read_ratio`) are billed at 0.1x; a `batch` task at the tier's
    `batch_discount`. Cache writes are not priced: the model assumes a warm cache.
    """
    if task.input_tokens is None or task.output_tokens is None:
        return None
    with localcontext(MONEY_CONTEXT):
        cached = usd(task.cache_read_ratio)
        input_price = usd(tier.input_usd_per_mtok) * ((1 - cached) + cached * CACHE_READ_FACTOR)
        per_call = (task.input_tokens * input_price + task.output_tokens * usd(tier.output_usd_per_mtok)) / _MILLION
        if task.batch and tier.batch_discount is not None:
            per_call *= usd(tier.batch_discount)
        return +per_call


def monthly_cost(task: Task, tier: Tier) -> Decimal | None:
    """USD per month of `task` on `tier`, or None when the policy gives the task no volume."""
    per_call = cost_per_call(task, tier)
    if per_call is None or task.calls_per_day is None:
        return None
    with localcontext(MONEY_CONTEXT):
        return per_call * task.calls_per_day * DAYS_PER_MONTH
