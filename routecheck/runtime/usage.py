"""Token counts of one reply as the API bills them, read from the SDK's `usage` object.

The Messages API reports uncached input (`input_tokens`), cache reads (`cache_read_input_tokens`),
cache writes (`cache_creation_input_tokens`, split by lifetime in `cache_creation.ephemeral_5m/1h_*`)
and output separately; each kind has its own price. No pydantic, no Decimal: this runs per call.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UsageCounts:
    """One reply's billed tokens, by kind."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0

    @property
    def cache_write_tokens(self) -> int:
        return self.cache_write_5m_tokens + self.cache_write_1h_tokens

    @property
    def total_input_tokens(self) -> int:
        """Every input token of the call, cached or not: what the long-context threshold is compared with."""
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens


def _count(obj: object, name: str) -> int:
    return int(getattr(obj, name, 0) or 0)


def usage_counts(message: object) -> UsageCounts:
    """The billed token counts of `message` (zeros where the reply, or a fake, reports none)."""
    usage = getattr(message, "usage", None)
    if usage is None:
        return UsageCounts()
    written = _count(usage, "cache_creation_input_tokens")
    split = getattr(usage, "cache_creation", None)
    one_hour = _count(split, "ephemeral_1h_input_tokens") if split is not None else 0
    # Without the split (older API versions) every write is taken as a 5-minute one, the default TTL.
    return UsageCounts(
        input_tokens=_count(usage, "input_tokens"),
        output_tokens=_count(usage, "output_tokens"),
        cache_read_tokens=_count(usage, "cache_read_input_tokens"),
        cache_write_5m_tokens=max(written - one_hour, 0),
        cache_write_1h_tokens=min(one_hour, written) if written else one_hour,
    )
