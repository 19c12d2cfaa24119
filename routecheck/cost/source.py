"""Prices from genai-prices (pydantic's offline price data): the only module that imports it.

Imported by the commands that price (`cost`, `diff`, `suggest`, `generate`, `eval`) and by lint rules
only when a tier needs it, so that `routecheck lint` on a policy with typed prices never pays for it.
The price of a model is looked up at the given day (`today`): the data keeps dated price changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from importlib.metadata import version

from genai_prices import data_snapshot
from genai_prices.types import ModelInfo, ModelPrice, TieredPrices

from routecheck.cost.prices import Prices, Rates

__all__ = ["SOURCE", "library_prices"]

SOURCE = f"genai-prices {version('genai-prices')}"
_BATCH = {"processing": "batch"}


def library_prices(model: str, today: date) -> Prices | None:
    """The list prices genai-prices holds for `model` on `today`, or None when it does not know the model."""
    snapshot = data_snapshot.get_snapshot()
    provider_id = "anthropic" if model.startswith("claude") else None
    try:
        _, info = snapshot.find_provider_model(model, None, provider_id, None)
    except LookupError:
        return None
    at = datetime.combine(today, time(12), tzinfo=UTC)
    standard, long_standard, threshold = _rates(info.get_prices(at))
    if standard is None:
        return None
    batch = _rates(info.get_prices(at, _BATCH)) if _has_batch(info, at) else (None, None, None)
    checked = getattr(info, "prices_checked", None)  # newer data releases carry it per model
    return Prices(
        model=model,
        standard=standard,
        source=SOURCE,
        long_context_threshold=threshold,
        long_context=long_standard,
        batch=batch[0],
        batch_long_context=batch[1],
        checked=checked if isinstance(checked, date) else None,
    )


def _has_batch(info: ModelInfo, at: datetime) -> bool:
    return any(v.when == _BATCH and (v.constraint is None or v.constraint.active(at))
               for v in info.price_variants or ())


_KEYS = ("input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok", "cache_write_1h_mtok")


def _rates(price: ModelPrice) -> tuple[Rates | None, Rates | None, int | None]:
    """Base rates, rates above the first long-context tier, and that tier's threshold."""
    values = [getattr(price, key) for key in _KEYS]
    if values[0] is None or values[1] is None:
        return None, None, None
    # A missing cache price means the provider does not cache: those tokens are billed as input.
    present = [v if v is not None else values[0] for v in values]
    base = [_base(v) for v in present]
    threshold = next((v.tiers[0].start for v in present if isinstance(v, TieredPrices) and v.tiers), None)
    if threshold is None:
        return Rates(*base), None, None
    return Rates(*base), Rates(*(_above(v, threshold) for v in present)), threshold


def _base(value: Decimal | TieredPrices) -> Decimal:
    return value.base if isinstance(value, TieredPrices) else value


def _above(value: Decimal | TieredPrices, threshold: int) -> Decimal:
    if isinstance(value, TieredPrices):
        return next((t.price for t in value.tiers if t.start == threshold), value.base)
    return value
