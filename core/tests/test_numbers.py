"""core.numbers.vi_number, the one number formatter: Vietnamese separators, decimals half-up when
asked, the empty value each caller wants, text that is no number left as it is."""

from decimal import Decimal

from core.numbers import vi_number


def test_separators_and_decimals_half_up():
    assert vi_number(1234567) == "1.234.567" and vi_number(Decimal("1234.5")) == "1.234,5"
    assert vi_number(Decimal("85.055"), 2) == "85,06" and vi_number(Decimal("84.994"), 2) == "84,99"
    assert vi_number("10.00") == "10,00" and vi_number(0.5) == "0,5" and vi_number(-1234.567, 2) == "-1.234,57"
    assert vi_number(Decimal("-0.001"), 2) == "0,00" and vi_number(Decimal("1E+2")) == "100"


def test_empty_values_and_text():
    assert (vi_number(None), vi_number(""), vi_number(None, 2, empty="—")) == ("-", "-", "—")
    assert (vi_number("na"), vi_number(True)) == ("na", "True")
