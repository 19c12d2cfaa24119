"""The routing policy file, format version 1 (DESIGN.md §2), as strict pydantic models.

These models check the shape of each value. What needs the whole policy (tier references, unique
ranks, keys that only make sense together) is checked by `references.reference_problems`.
"""

from __future__ import annotations

import keyword
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from routecheck.patterns import GRADER_PATTERN, MODEL_ID_PATTERN, NAME_PATTERN, RULE_CODE_PATTERN, SHA256_PATTERN

Kind = Literal[
    "classification",
    "extraction",
    "summarization",
    "synthesis",
    "codegen",
    "code_review",
    "drafting",
    "planning",
    "other",
]
Output = Literal["label", "json", "short_text", "long_text", "code"]
Stakes = Literal["low", "high", "irreversible"]
Touch = Literal["payment", "auth", "data_integrity", "customer_message", "deletion"]
UpgradeWhen = Literal["validation_failed", "input_tokens_over", "overloaded"]



def _not_keyword(name: str) -> str:
    # soft keywords (match, case, type, _) are valid identifiers; only hard keywords cannot be names
    if keyword.iskeyword(name):
        raise ValueError(f"'{name}' is a Python keyword (names become identifiers in generated code)")
    return name


Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN), AfterValidator(_not_keyword)]
ModelId = Annotated[str, StringConstraints(pattern=MODEL_ID_PATTERN, max_length=200)]
RuleCode = Annotated[str, StringConstraints(pattern=RULE_CODE_PATTERN)]
Grader = Annotated[str, StringConstraints(pattern=GRADER_PATTERN)]
Sha256 = Annotated[str, StringConstraints(pattern=SHA256_PATTERN)]
#: Bounds that keep every money figure (price x tokens x calls x 30 days) far below what Decimal shows
#: to the cent, so lint, cost and diff accept exactly what the loader accepts.
MAX_USD_PER_MTOK = 1_000_000
MAX_VOLUME = 1_000_000_000
Usd = Annotated[float, Field(ge=0, le=MAX_USD_PER_MTOK, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Tier(_Strict):
    """A model tier: which model, its capability rank and its list prices."""

    model: ModelId = Field(description="The model id sent to the API.")
    rank: int = Field(ge=1, description="Capability order; higher is more capable. Unique per policy.")
    input_usd_per_mtok: Usd | None = Field(
        default=None, description="USD per million input tokens; omit both prices to use genai-prices' list prices.",
    )
    output_usd_per_mtok: Usd | None = Field(
        default=None, description="USD per million output tokens; omit both prices to use genai-prices' list prices.",
    )
    prices_as_of: date | None = Field(default=None, description="When the prices were read.")
    price_source: str | None = Field(default=None, description="Where the prices were read.")
    batch_discount: float | None = Field(
        default=None, gt=0, le=1, allow_inf_nan=False,
        description="Factor batch calls are billed at (0.5 for the Message Batches API); replaces the source's "
        "batch rates.",
    )


class Upgrade(_Strict):
    """A rule that moves one call of a task to a more capable tier."""

    when: UpgradeWhen
    to: Name = Field(description="The tier to move to.")
    threshold: int | None = Field(default=None, ge=1, description="input_tokens_over only: the token limit.")
    count: Literal["estimate", "exact"] | None = Field(
        default=None,
        description="input_tokens_over only: estimate tokens locally (default) or ask the token-counting endpoint.",
    )


class Task(_Strict):
    """A task type: what it is, how much rides on it, and which tier it runs on."""

    tier: Name
    kind: Kind
    output: Output
    stakes: Stakes
    multi_step: bool = False
    categories: int | None = Field(default=None, ge=1, description="classification only: number of labels.")
    touches: list[Touch] = Field(default_factory=list)
    max_tokens: int = Field(default=1024, ge=1, description="Cap on output tokens per call.")
    latency: Literal["interactive", "batch"] = "interactive"
    calls_per_day: int | None = Field(default=None, ge=0, le=MAX_VOLUME, description="Volume for the cost model.")
    input_tokens: int | None = Field(default=None, ge=0, le=MAX_VOLUME, description="Average input tokens per call.")
    output_tokens: int | None = Field(default=None, ge=0, le=MAX_VOLUME, description="Average output tokens per call.")
    batch: bool = Field(default=False, description="Sent through the Message Batches API (billed at batch rates).")
    cache_read_ratio: float = Field(
        default=0.0, ge=0, le=1, allow_inf_nan=False,
        description="Share of input tokens read from the prompt cache (billed at the cache-read rate, 0.1x input).",
    )
    cache_write_ratio: float = Field(
        default=0.0, ge=0, le=1, allow_inf_nan=False,
        description="Share of input tokens written to the prompt cache (billed at the cache-write rate of cache_ttl).",
    )
    cache_ttl: Literal["5m", "1h"] = Field(
        default="5m", description="Lifetime of the cache entries written: 5m (1.25x input) or 1h (2x input).",
    )
    evidence: str | None = Field(default=None, description="Evidence file, relative to the policy file.")
    owner: str | None = None
    upgrade: list[Upgrade] = Field(default_factory=list)
    ignore: list[RuleCode] = Field(default_factory=list, description="Lint rule codes silenced for this task.")

    @property
    def has_volume(self) -> bool:
        return self.calls_per_day is not None and self.input_tokens is not None and self.output_tokens is not None


class Gate(_Strict):
    """What a task must show before it may sit below default_tier."""

    max_error_rate: float = Field(default=0.05, ge=0, le=1, allow_inf_nan=False)
    min_samples: int = Field(default=100, ge=1)
    max_regression: float | None = Field(
        default=None, ge=0, le=1, allow_inf_nan=False,
        description="The paired gate: how far the candidate's error rate may exceed the reference's on the same "
                    "samples (the upper 95% bound of the difference must be at most this). When set, it decides "
                    "instead of max_error_rate.",
    )


class Policy(_Strict):
    """A routing policy: tiers, the safe default, the evidence gate and every task type."""

    model_config = ConfigDict(title="routecheck routing policy (version 1)")

    version: Literal[1]
    default_tier: Name
    unknown_tasks: Literal["error", "default"] = Field(
        default="error",
        description="error: unregistered task types raise; default: they run on default_tier with a warning.",
    )
    tiers: dict[Name, Tier] = Field(min_length=1)
    gate: Gate = Gate()
    tasks: dict[Name, Task] = Field(default_factory=dict)

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_an_integer(cls, value: object) -> object:
        # Literal[1] alone takes `true` and `1.0` (they equal 1); the format's integers are integers
        if isinstance(value, bool | float):
            raise PydanticCustomError("int_type", "Input should be a valid integer")
        return value

    def rank(self, tier: str) -> int:
        return self.tiers[tier].rank

    @property
    def cheapest_tier(self) -> str:
        """The lowest-ranked tier."""
        return min(self.tiers, key=self.rank)

    @property
    def top_tier(self) -> str:
        """The highest-ranked tier."""
        return max(self.tiers, key=self.rank)
