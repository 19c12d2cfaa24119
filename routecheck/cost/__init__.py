"""The cost model: what a task costs per month on a tier, in exact decimal USD, and the policy's cost table."""

from routecheck.cost.model import CACHE_READ_FACTOR, DAYS_PER_MONTH, cost_per_call, monthly_cost, usd
from routecheck.cost.prices import Prices, Rates

__all__ = ["CACHE_READ_FACTOR", "DAYS_PER_MONTH", "Prices", "Rates", "cost_per_call", "monthly_cost", "usd"]
