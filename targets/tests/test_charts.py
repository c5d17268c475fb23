"""The charts of a target (targets/charts.py): drawn by matplotlib from plain data, the same
chart as SVG for the page and PNG for the report, Vietnamese numbers and dd/mm dates."""

import datetime as dt
import re
from decimal import Decimal

from targets import charts

POINTS = [(dt.date(2026, month, 28), Decimal(1200 + month * 10) + Decimal("0.5")) for month in range(1, 7)]


def _labels(axis_labels) -> list[str]:
    return [label.get_text() for label in axis_labels if label.get_text()]


def test_the_trend_axes_read_in_vietnamese_numbers_and_dd_mm_dates():
    figure = charts._trend_figure(POINTS, target=Decimal(1300), baseline=Decimal(1150), unit="hồ sơ", title="")
    figure.canvas.draw()
    ax = figure.axes[0]
    numbers = _labels(ax.get_yticklabels())
    assert numbers and all(re.fullmatch(r"\d{1,3}(\.\d{3})*(,\d+)?", n) for n in numbers), numbers
    assert any(n.startswith("1.") for n in numbers)  # thousands separated by "." (1.250, not 1250 or 1,250)
    dates = _labels(ax.get_xticklabels())
    assert dates and all(len(d) == 5 and d[2] == "/" for d in dates)


def test_short_figures_drop_trailing_zeros_and_use_a_decimal_comma():
    assert charts.short(Decimal("90.00")) == "90"
    assert charts.short(Decimal("1234.50")) == "1.234,5"
    assert charts.short(None) == "—"


def test_the_trend_svg_is_self_contained_and_the_same_for_the_same_data():
    svg = charts.trend_svg(POINTS, target=Decimal(1300), baseline=None, unit="hồ sơ", title="Tỷ lệ")
    assert svg.startswith("<svg") and "<script" not in svg and "<?xml" not in svg
    assert "xtick_1" in svg  # a real axis with ticks
    assert svg == charts.trend_svg(POINTS, target=Decimal(1300), baseline=None, unit="hồ sơ", title="Tỷ lệ")
    assert svg != charts.trend_svg(POINTS[:-1], target=Decimal(1300), baseline=None, unit="hồ sơ", title="Tỷ lệ")


def test_the_png_for_the_report_is_an_image():
    png = charts.trend_png(POINTS, target=Decimal(1300), baseline=Decimal(1150), unit="%")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000


def test_a_chart_without_data_still_draws():
    assert charts.trend_svg([], target=Decimal(90), baseline=None, unit="%").startswith("<svg")
    assert charts.sparkline_svg([], target=None).startswith("<svg")


def test_the_sparkline_is_small_and_has_no_axes():
    spark = charts.sparkline_svg(POINTS, target=Decimal(1300))
    trend = charts.trend_svg(POINTS, target=Decimal(1300), baseline=None, unit="%")
    assert "xtick" not in spark and "ytick" not in spark
    assert len(spark) < len(trend) / 4
    assert 'width="86.4pt"' in spark  # 1.2 inch wide


def test_the_points_hash_changes_with_a_value_or_the_target():
    base = charts.points_hash(POINTS, Decimal(90))
    assert base == charts.points_hash(list(POINTS), Decimal(90))
    assert base != charts.points_hash([*POINTS[:-1], (POINTS[-1][0], Decimal(1))], Decimal(90))
    assert base != charts.points_hash(POINTS, Decimal(91))


def test_a_dollar_sign_is_text_not_mathematics():
    """Found by the independent review: "$x^$" in a title made matplotlib fail (a 500 page)."""
    points = [(dt.date(2026, 1, 31), Decimal(10)), (dt.date(2026, 2, 28), Decimal(20))]
    svg = charts.trend_svg(points, target=Decimal(50), baseline=None, unit="$", title="Tỷ lệ $x^$ toàn trình")
    assert svg.startswith("<?xml") or "<svg" in svg
    assert charts.trend_png(points, target=Decimal(50), baseline=None, unit="$^", title="$a_$")[:4] == b"\x89PNG"
