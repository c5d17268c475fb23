"""The charts of a target (issue 22): its trend with the target line and the baseline, and the
small sparkline of the leaders' one page, drawn with matplotlib (a `Figure` without pyplot: no
display, no global state, safe in threads) from plain data, so that the page (SVG) and the
periodic report (PNG for python-docx) show the same chart.

Numbers on the axes are written as Vietnamese write them (core.numbers.vi_number: 1.234,5), dates
as dd/mm; the font is DejaVu Sans, bundled with matplotlib, which has the Vietnamese letters."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import matplotlib
from django.utils.translation import gettext as _
from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from matplotlib.typing import RcKeyType

from core.numbers import vi_number

Points = Sequence[tuple[dt.date, Decimal]]

LINE = "#1f5f99"
TARGET = "#2e8b57"
BASELINE = "#8a8f98"
FONT: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.fonttype": "path",
    "svg.hashsalt": "targets",
    "text.parse_math": False,  # a "$" in a name or a unit is text, not TeX (a 500 otherwise)
}


def points_hash(points: Points, target: Decimal | None = None) -> str:
    """A short fingerprint of the points and the target: the sparkline's cache key and the `v`
    of its URL (a new value gives a new URL, so browsers never keep an old picture)."""
    text = ";".join(f"{day.isoformat()}={value}" for day, value in points) + f"|{target}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def short(value: Decimal | None) -> str:
    """A figure without trailing zeros, as Vietnamese write it (90; 1.234,5); "—" for none."""
    if value is None:
        return "—"
    number = value.normalize()
    if int(number.as_tuple().exponent) > 0:  # 9E+1 after normalize: write it as 90
        number = number.quantize(Decimal(1))
    return vi_number(number)


def _axis_number(value: float, _position: object) -> str:
    return short(Decimal(str(round(value, 2))))


def _trend_figure(points: Points, *, target: Decimal | None, baseline: Decimal | None, unit: str, title: str) -> Figure:
    figure = Figure(figsize=(7.2, 3.0), dpi=100, layout="constrained")
    ax = figure.add_subplot()
    if points:
        days = mdates.date2num([day for day, _ in points])  # type: ignore[no-untyped-call]  # untyped in matplotlib
        values = [float(value) for _, value in points]
        ax.plot(days, values, color=LINE, marker="o", linewidth=2, markersize=4, label=title or None)
        last_value = points[-1][1]
        ax.annotate(
            short(last_value),
            (days[-1], float(last_value)),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            color=LINE,
        )
    else:
        ax.text(0.5, 0.5, _("No data yet"), transform=ax.transAxes, ha="center", va="center", color=BASELINE)
    if target is not None:
        ax.axhline(float(target), color=TARGET, linestyle="--", linewidth=1.2)
        ax.annotate(
            _("Target %(value)s") % {"value": (short(target) + " " + unit).strip()},
            (1, float(target)),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 3),
            textcoords="offset points",
            ha="right",
            color=TARGET,
        )
    if baseline is not None:
        ax.axhline(float(baseline), color=BASELINE, linestyle=":", linewidth=1.2)
        ax.annotate(
            _("Baseline %(value)s") % {"value": short(baseline)},
            (0, float(baseline)),
            xycoords=("axes fraction", "data"),
            xytext=(4, 3),
            textcoords="offset points",
            ha="left",
            color=BASELINE,
        )
    ax.yaxis.set_major_formatter(FuncFormatter(_axis_number))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d/%m"))  # type: ignore[no-untyped-call]  # matplotlib leaves it untyped
    if unit:
        ax.set_ylabel(unit)
    if title:
        ax.set_title(title, loc="left", fontsize=10)
    ax.grid(axis="y", color="#e3e6ea", linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return figure


def _svg(figure: Figure) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    return text[text.index("<svg") :]  # without the XML prolog and doctype: ready to be inlined


def trend_svg(points: Points, *, target: Decimal | None, baseline: Decimal | None, unit: str, title: str = "") -> str:
    """The trend of a target as an SVG document (the target's page)."""
    with matplotlib.rc_context(FONT):
        return _svg(_trend_figure(points, target=target, baseline=baseline, unit=unit, title=title))


def trend_png(points: Points, *, target: Decimal | None, baseline: Decimal | None, unit: str, title: str = "") -> bytes:
    """The same chart as `trend_svg`, as PNG bytes (the periodic report's Word document)."""
    with matplotlib.rc_context(FONT):
        figure = _trend_figure(points, target=target, baseline=baseline, unit=unit, title=title)
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=150, metadata={"Software": None})
        return out.getvalue()


def sparkline_svg(points: Points, *, target: Decimal | None) -> str:
    """A small line without axes (the one page), the target as a dotted line, the last point marked."""
    with matplotlib.rc_context(FONT):
        figure = Figure(figsize=(1.2, 0.35), dpi=100)
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        if target is not None:
            ax.axhline(float(target), color=TARGET, linestyle=":", linewidth=0.8)
        if points:
            days = mdates.date2num([day for day, _ in points])  # type: ignore[no-untyped-call]  # untyped in matplotlib
            values = [float(value) for _, value in points]
            ax.plot(days, values, color=LINE, linewidth=1.2)
            ax.plot([days[-1]], [values[-1]], marker="o", markersize=2.5, color=LINE)
        ax.margins(x=0.04, y=0.2)
        return re.sub(r"\s+<metadata>.*?</metadata>", "", _svg(figure), flags=re.DOTALL)
