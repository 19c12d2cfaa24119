"""How money and volumes are shown: rounded to cents once, at the end, half up; the real minus sign."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MINUS = "\u2212"  # U+2212, the typographic minus sign, as in a headline like "-$69.30, -51.3%"


def cents(amount: Decimal) -> Decimal:
    """`amount` rounded to whole cents, half up (1.005 -> 1.01)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def money(amount: Decimal) -> str:
    """`$1,234.56`; a negative amount with MINUS in front of the dollar sign."""
    rounded = cents(amount)
    sign = MINUS if rounded < 0 else ""
    return f"{sign}${abs(rounded):,.2f}"


def signed_money(amount: Decimal) -> str:
    """`+$12.00`, `$0.00`, or MINUS and the amount: a change, with its direction."""
    rounded = cents(amount)
    return f"+{money(rounded)}" if rounded > 0 else money(rounded)


def percent_change(old: Decimal, new: Decimal) -> str | None:
    """`+8.9%`, `0.0%`, or MINUS and `51.3%`: one decimal, half up; None when there is nothing to compare with."""
    if old == 0:
        return None
    change = ((new - old) * 100 / old).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if change > 0:
        return f"+{change}%"
    return f"{MINUS}{abs(change)}%" if change < 0 else "0.0%"


def calls(amount: Decimal) -> str:
    """A daily call volume: `1,000`, or `333.33` when scaling made it fractional (shown, not computed, rounded)."""
    rounded = cents(amount)
    return f"{rounded:,.0f}" if rounded == rounded.to_integral_value() else f"{rounded:,.2f}"


def amount_text(amount: Decimal) -> str:
    """Money for machine-readable output: a plain decimal string with two places (`-69.30`)."""
    return f"{cents(amount):.2f}"


def calls_text(amount: Decimal) -> str:
    """A daily call volume for machine-readable output: `1000`, or `333.33`."""
    return calls(amount).replace(",", "")
