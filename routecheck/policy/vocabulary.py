"""Groups of the policy format's values that rules reason about (kept free of pydantic: rules import it)."""

from __future__ import annotations

#: Touches that must never run below default_tier (RC107).
SENSITIVE_TOUCHES: frozenset[str] = frozenset({"payment", "auth", "data_integrity", "deletion"})
#: Outputs too open-ended for the cheapest tier (RC105).
OPEN_OUTPUTS: frozenset[str] = frozenset({"long_text", "code"})
#: Outputs short and schema-constrained enough to verify cheaply (RC111).
SCHEMA_OUTPUTS: frozenset[str] = frozenset({"label", "json"})
