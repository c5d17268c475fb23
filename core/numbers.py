"""Points, rates and percentages: Decimal, reported to 2 decimals half-up (pure)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def q2(value: Decimal) -> Decimal:
    """2 decimals, half-up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def vi_number(value: int | Decimal | str | None) -> str:
    """A number as Vietnamese documents write it: '.' between thousands, ',' before decimals
    (1.234; 84,30); an empty value as '-'."""
    if value is None or value == "":
        return "-"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    text = f"{Decimal(value):,}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")
