"""A policy's prices, tier by tier: typed in the policy, or genai-prices' when the tier omits them.

genai-prices is imported only when some tier omits its prices, so a policy that types every price
is priced (and linted) without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING

from routecheck.cost.prices import Prices, typed_prices, with_batch_discount
from routecheck.errors import ConfigError, Problem, RoutecheckError

if TYPE_CHECKING:
    from routecheck.policy.loader import PolicyFile
    from routecheck.policy.model import Policy, Tier

PriceBook = Mapping[str, Prices]


def price_book(policy: Policy, today: date) -> dict[str, Prices | None]:
    """Every tier's prices on `today`; None for a tier that omits them for a model genai-prices does not know."""
    out: dict[str, Prices | None] = {}
    for name, tier in policy.tiers.items():
        try:
            out[name] = prices_of(name, tier, today)
        except RoutecheckError:
            out[name] = None
    return out


def require_prices(source: PolicyFile, today: date) -> PriceBook:
    """`price_book` for a command that must price every tier: a tier without prices is a located error."""
    book = price_book(source.policy, today)
    problems = []
    for name, prices in book.items():
        if prices is None:
            line, column = source.locate(("tiers", name))
            model = source.policy.tiers[name].model
            problems.append(Problem(source.display, line, column, f"tiers.{name}",
                                    f"no prices: genai-prices does not know model '{model}' (expected "
                                    "input_usd_per_mtok and output_usd_per_mtok)"))
    if problems:
        raise ConfigError(problems)
    return MappingProxyType({name: p for name, p in book.items() if p is not None})


def prices_of(tier_name: str, tier: Tier, today: date) -> Prices:
    """One tier's prices, for a command that prices a single tier; no prices at all is a RoutecheckError."""
    typed = typed_prices(tier)
    if typed is not None:
        return typed
    from routecheck.cost.source import library_prices  # lazy: genai-prices only for a tier that omits its prices

    found = library_prices(tier.model, today)
    if found is None:
        raise RoutecheckError(f"tiers.{tier_name}: no prices: genai-prices does not know model '{tier.model}' "
                              "(expected input_usd_per_mtok and output_usd_per_mtok)")
    return with_batch_discount(found, tier.batch_discount)


def policy_prices(policy: Policy, today: date) -> PriceBook:
    """Every tier's prices (`prices_of`), for a policy value without a file to locate errors in."""
    return MappingProxyType({name: prices_of(name, tier, today) for name, tier in policy.tiers.items()})
