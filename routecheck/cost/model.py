"""Monthly cost of one task on one tier's prices. Money is Decimal: printed cents never drift."""

from __future__ import annotations

from decimal import Context, Decimal, localcontext
from typing import TYPE_CHECKING

from routecheck.cost.prices import CACHE_READ_FACTOR, Prices, Rates, usd

if TYPE_CHECKING:  # routecheck.cost stays free of pydantic (lint prices with it)
    from routecheck.policy.model import Task

__all__ = ["CACHE_READ_FACTOR", "DAYS_PER_MONTH", "MONEY_CONTEXT", "call_cost", "cost_per_call", "monthly_cost", "usd"]

DAYS_PER_MONTH = 30
_MILLION = Decimal(1_000_000)
#: The Message Batches API's rate, for a tier whose prices carry no batch rates of their own.
HALF = Decimal("0.5")
#: Products and sums of prices written with a few digits are exact at this precision; rounding
#: happens once, to cents, when a figure is shown.
MONEY_CONTEXT = Context(prec=400)


def cost_per_call(task: Task, prices: Prices) -> Decimal | None:
    """USD of one average call of `task` at `prices`, or None when the policy gives no token counts.

    Of the input tokens, `cache_read_ratio` are billed at the cache-read rate, `cache_write_ratio` at
    the cache-write rate of `cache_ttl`, the rest at the input rate. A `batch` task is billed at the
    batch rates; an average input above the long-context threshold at the long-context rates (the
    cost model assumes every call is the average call).
    """
    if task.input_tokens is None or task.output_tokens is None:
        return None
    with localcontext(MONEY_CONTEXT):
        rates = prices.rates(task.input_tokens, batch=task.batch)
        read, write = usd(task.cache_read_ratio), usd(task.cache_write_ratio)
        input_price = (
            (1 - read - write) * rates.input + read * rates.cache_read + write * rates.cache_write(task.cache_ttl)
        )
        return (task.input_tokens * input_price + task.output_tokens * rates.output) / _MILLION


def call_cost(rates: Rates, input_tokens: int, output_tokens: int) -> Decimal:
    """USD of uncached input and output tokens at `rates` (of one call, or summed over many)."""
    with localcontext(MONEY_CONTEXT):
        return (input_tokens * rates.input + output_tokens * rates.output) / _MILLION


def monthly_cost(task: Task, prices: Prices) -> Decimal | None:
    """USD per month of `task` at `prices`, or None when the policy gives the task no volume."""
    per_call = cost_per_call(task, prices)
    if per_call is None or task.calls_per_day is None:
        return None
    with localcontext(MONEY_CONTEXT):
        return per_call * task.calls_per_day * DAYS_PER_MONTH
