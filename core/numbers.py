"""Points, rates and percentages: Decimal, reported to 2 decimals half-up (pure)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def q2(value: Decimal) -> Decimal:
    """2 decimals, half-up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
