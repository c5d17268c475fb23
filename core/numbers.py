"""Points, rates and percentages: Decimal, reported to 2 decimals half-up (pure)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def q2(value: Decimal) -> Decimal:
    """2 decimals, half-up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def vi_number(value: float | Decimal | str | None, places: int | None = None, *, empty: str = "-") -> str:
    """A number as Vietnamese write it: '.' between thousands, ',' before decimals (1.234; 84,30;
    0,5), whether an int, a Decimal, a float or the text of one stored in JSON ("10.00"); `places`
    decimals rounded half-up when given, else as many as the value has. No value (None, "") reads
    `empty`; what is not a number (True, "na") reads as it is. The one number formatter of the
    house: templates (par_ui, sipas), documents and messages all write numbers through it."""
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if places is not None and number.is_finite():
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        number = number.copy_abs() if number == 0 else number  # never "-0,00"
    text = f"{number:,f}" if number.is_finite() else str(number)
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")
