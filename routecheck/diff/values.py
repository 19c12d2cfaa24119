"""Policy values as a reviewer reads them in TOML, for the diff's output and its risk messages."""

from __future__ import annotations

from datetime import date

from routecheck.policy.model import Upgrade


def shown(value: object) -> str:
    """A policy value as a reviewer reads it in TOML: `true`, `0.8`, `[payment, auth]`, `(unset)`."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Upgrade):
        return upgrade_rule(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    return str(value)


def upgrade_rule(rule: Upgrade) -> str:
    """`input_tokens_over 4000 -> sonnet`."""
    threshold = f" {rule.threshold}" if rule.threshold is not None else ""
    count = f" ({rule.count} count)" if rule.count is not None else ""
    return f"{rule.when}{threshold}{count} -> {rule.to}"
