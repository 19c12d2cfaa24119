"""The cost model: what a task costs per month on a tier, in exact decimal USD."""

from routecheck.cost.model import CACHE_READ_FACTOR, DAYS_PER_MONTH, monthly_cost, usd

__all__ = ["CACHE_READ_FACTOR", "DAYS_PER_MONTH", "monthly_cost", "usd"]
