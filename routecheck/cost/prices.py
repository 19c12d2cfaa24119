"""What a tier's calls are billed at: per-token rates for plain input, cache reads and writes, output;
above a long-context threshold; through the Message Batches API. Exact Decimals, USD per million tokens.

A tier that types its prices in the policy is priced from them with Anthropic's published cache
multipliers (reads 0.1x input, 5-minute writes 1.25x, 1-hour writes 2x) and its `batch_discount`; a
tier that omits them is priced from genai-prices (`routecheck.cost.source`), which also knows the
long-context tier and the batch rates. Nothing here imports genai-prices.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from routecheck.policy.model import Tier

CacheTtl = Literal["5m", "1h"]
CACHE_READ_FACTOR = Decimal("0.1")
CACHE_WRITE_5M_FACTOR = Decimal("1.25")
CACHE_WRITE_1H_FACTOR = Decimal("2")
POLICY_SOURCE = "policy"


def usd(value: float) -> Decimal:
    """A price read from TOML as the decimal it was written as (0.8, not 0.8000000000000000444)."""
    return Decimal(repr(value))


@dataclass(frozen=True, slots=True)
class Rates:
    """USD per million tokens of each kind a call is billed for."""

    input: Decimal
    output: Decimal
    cache_read: Decimal
    cache_write_5m: Decimal
    cache_write_1h: Decimal

    def cache_write(self, ttl: CacheTtl) -> Decimal:
        return self.cache_write_1h if ttl == "1h" else self.cache_write_5m

    def scaled(self, factor: Decimal) -> Rates:
        return Rates(*(getattr(self, f) * factor for f in self.__slots__))


@dataclass(frozen=True, slots=True)
class Prices:
    """A tier's rates and where they come from (`source`: "policy" or "genai-prices X.Y.Z").

    `long_context` applies to every token of a call whose input (cached or not) exceeds
    `long_context_threshold`, as Anthropic bills it; `batch` and `batch_long_context` to batched calls.
    `checked` is the date the source says the prices were last checked, when it says one.
    """

    model: str
    standard: Rates
    source: str
    long_context_threshold: int | None = None
    long_context: Rates | None = None
    batch: Rates | None = None
    batch_long_context: Rates | None = None
    checked: date | None = None

    @property
    def from_policy(self) -> bool:
        return self.source == POLICY_SOURCE

    def rates(self, input_tokens: int, *, batch: bool) -> Rates:
        """The rates one call with `input_tokens` of input is billed at (batch: when it can be batched)."""
        long = self.long_context_threshold is not None and input_tokens > self.long_context_threshold
        if batch and self.batch is not None:
            return (self.batch_long_context or self.batch) if long else self.batch
        return (self.long_context or self.standard) if long else self.standard


def rates_from_factors(input_usd: Decimal, output_usd: Decimal) -> Rates:
    """Typed input and output prices with Anthropic's prompt-caching multipliers."""
    return Rates(input_usd, output_usd, input_usd * CACHE_READ_FACTOR, input_usd * CACHE_WRITE_5M_FACTOR,
                 input_usd * CACHE_WRITE_1H_FACTOR)


def typed_prices(tier: Tier) -> Prices | None:
    """The prices `tier` types in the policy, or None when it leaves them to the price source."""
    if tier.input_usd_per_mtok is None or tier.output_usd_per_mtok is None:
        return None
    standard = rates_from_factors(usd(tier.input_usd_per_mtok), usd(tier.output_usd_per_mtok))
    batch = None if tier.batch_discount is None else standard.scaled(usd(tier.batch_discount))
    return Prices(tier.model, standard, POLICY_SOURCE, batch=batch, checked=tier.prices_as_of)


def with_batch_discount(prices: Prices, discount: float | None) -> Prices:
    """`prices` with a typed batch_discount taking the place of the source's batch rates."""
    if discount is None:
        return prices
    factor = usd(discount)
    long = None if prices.long_context is None else prices.long_context.scaled(factor)
    return replace(prices, batch=prices.standard.scaled(factor), batch_long_context=long)
