"""`--fail-on`: the conditions under which a policy diff fails a CI run (exit code 1)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from routecheck.cost.money import cents, money, signed_money
from routecheck.diff.review import PolicyDiff
from routecheck.errors import UsageError


@dataclass(frozen=True, slots=True)
class FailOn:
    """`risk`: any risk flag fails; `cost_increase`: a monthly increase above this many USD fails."""

    risk: bool = False
    cost_increase: Decimal | None = None

    @classmethod
    def parse(cls, values: Iterable[str]) -> FailOn:
        """From `--fail-on risk` and `--fail-on cost-increase=USD` (either, both, repeatable)."""
        risk, limit = False, None
        for value in values:
            if value == "risk":
                risk = True
                continue
            name, _, amount = value.partition("=")
            if name != "cost-increase" or not amount:
                raise UsageError(f"--fail-on {value}: expected 'risk' or 'cost-increase=USD' (e.g. cost-increase=50)")
            try:
                limit = Decimal(amount.lstrip("$"))
            except InvalidOperation:
                raise UsageError(f"--fail-on {value}: '{amount}' is not an amount in USD") from None
            if not limit.is_finite() or limit < 0:
                raise UsageError(f"--fail-on {value}: the amount must be 0 or more")
        return cls(risk, limit)

    def failures(self, diff: PolicyDiff) -> list[str]:
        """Why `diff` fails, one sentence per reason; empty when it passes."""
        out = []
        if self.risk and diff.risks:
            out.append(f"{len(diff.risks)} risk flag{'s' if len(diff.risks) != 1 else ''} (--fail-on risk)")
        rise = cents(diff.new_total) - cents(diff.old_total)  # compared as printed
        if self.cost_increase is not None and rise > self.cost_increase:
            out.append(f"monthly cost rises by {signed_money(rise)}, more than "
                       f"{money(self.cost_increase)} (--fail-on cost-increase)")
        return out
