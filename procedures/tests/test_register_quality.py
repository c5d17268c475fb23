"""Every Decision 766 row reads sensibly (D30): the complaint rate is a part of 5.4 with no points
of its own, 5.4 has no counts of its own, an indicator with nothing to count says "no data" (never
0 / 0 nor 0 %); and the page downloads as a workbook with the same figures."""

import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from procedures.models import OfficialScore
from procedures.quality import Dossier as Record
from procedures.quality import compute
from procedures.tests.helpers import content

Q1 = {"period": "quarter", "year": "2026", "n": "1"}


def test_complaint_and_satisfaction_figures_are_not_counted_twice_nor_scored_alone():
    record = Record(
        code="A", received_at=dt.datetime(2026, 3, 9, 9), due_date=dt.date(2026, 4, 10), status="processing"
    )
    result = compute([record], dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    complaint, satisfaction = result.figures["complaint_rate"], result.figures["tthc_satisfaction"]
    assert complaint.rate == 0 and complaint.points is None and not complaint.scored and not complaint.derived
    assert satisfaction.derived and satisfaction.scored and satisfaction.rate == 100 and satisfaction.points == 6
    empty = compute([], dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert all(f.rate is None and f.points is None and not f.has_data for f in empty.figures.values())


def test_the_page_rows_read_sensibly(client, org, quarter):
    client.force_login(org.office)
    page = client.get(reverse("procedures:quality"), Q1).content.decode()

    def row(key):
        start = page.index(f'data-key="{key}"')
        return page[start : page.index("</tr>", start)]

    assert _("not scored") in row("complaint_rate") and "/ 0" not in row("complaint_rate")
    satisfaction = row("tthc_satisfaction")
    no_counts = '<td class="text-end text-muted">—</td><td class="text-end text-muted">—</td>'
    assert no_counts in satisfaction and "%" in satisfaction  # a rate, without counts of its own
    assert _("No data yet") not in row("on_time_rate")
    nothing = client.get(
        reverse("procedures:quality"), {"period": "quarter", "year": "2024", "n": "1"}
    ).content.decode()
    start = nothing.index('data-key="online_rate"')
    empty_row = nothing[start : nothing.index("</tr>", start)]
    assert _("No data yet") in empty_row and "0,00%" not in empty_row and "0.00%" not in empty_row


def test_the_page_as_a_workbook(client, org, quarter):
    client.force_login(org.auditor)
    page = client.get(reverse("procedures:quality"), Q1)
    assert reverse("procedures:quality_xlsx") in page.content.decode()
    response = client.get(reverse("procedures:quality_xlsx"), Q1)
    assert response["Content-Disposition"] == 'attachment; filename="chi-so-766-20260101-20260331.xlsx"'
    book = load_workbook(io.BytesIO(content(response)))
    rows = {r[0]: r for r in book["Chỉ số 766"].iter_rows(values_only=True) if r and r[0]}
    on_time = rows[str(_("2.1 Dossiers processed early or on time"))]
    shown = {row["key"]: row for row in page.context["rows"]}["on_time_rate"]
    assert on_time[1:4] == (int(shown["figure"].numerator), int(shown["figure"].denominator), shown["rate"])
    satisfaction = rows[str(_("5.4 Satisfaction in receiving and resolving procedures"))]
    assert satisfaction[1] is None and satisfaction[2] is None and satisfaction[3] is not None
    complaint = rows[str(_("Part of 5.4: dossiers with feedback or a dislike"))]
    assert complaint[5] == "không tính điểm" and complaint[6] is None
    assert Decimal(str(rows["Tổng điểm (hệ thống)"][5])) == page.context["total"]
    progress = dict(r for r in book["Tiến độ"].iter_rows(values_only=True) if r and r[0] and isinstance(r[1], int))
    assert progress["Giải quyết trễ hạn"] == page.context["result"].counts["late"]
    empty = client.get(reverse("procedures:quality_xlsx"), {"period": "quarter", "year": "2024", "n": "1"})
    empty_rows = [r for r in load_workbook(io.BytesIO(content(empty)))["Chỉ số 766"].iter_rows(values_only=True)]
    assert any(r[3] == "Chưa có dữ liệu" for r in empty_rows)


def test_outsiders_get_no_workbook(client, org, quarter):
    client.force_login(org.outsider)
    response = client.get(reverse("procedures:quality_xlsx"), Q1)
    rows = [r for r in load_workbook(io.BytesIO(content(response)))["Chỉ số 766"].iter_rows(values_only=True)]
    assert any(r[3] == "Chưa có dữ liệu" for r in rows)  # their agency's register: nothing of the Ban's


def number(cell):
    """A workbook cell's number (written as a float) as the page's Decimal; text and blanks as they are."""
    return Decimal(str(cell)) if isinstance(cell, (int, float)) else cell


def test_the_page_and_its_workbook_show_the_same_numbers(client, org, quarter):
    """One selector (procedures.selectors.quality_report) feeds both: every figure of every row of the
    page is the workbook's, for the same period and unit, portal score and gap included."""
    OfficialScore.objects.create(
        agency=org.agency,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        indicator="on_time_rate",
        points=Decimal("12.50"),
    )
    client.force_login(org.office)
    query = {**Q1, "unit": str(org.unit_a.pk)}
    page = client.get(reverse("procedures:quality"), query).context
    book = load_workbook(io.BytesIO(content(client.get(reverse("procedures:quality_xlsx"), query))))
    sheet = list(book["Chỉ số 766"].iter_rows(values_only=True))
    written = {r[0]: r for r in sheet if r and r[0]}
    assert any(org.unit_a.name in str(r[0]) for r in sheet if r and r[0])
    for shown in page["rows"]:
        row, figure = written[str(shown["label"])], shown["figure"]
        counts = (None, None) if figure.derived else (int(figure.numerator), int(figure.denominator))
        assert row[1:3] == counts
        assert number(row[3]) == (shown["rate"] if shown["rate"] is not None else "Chưa có dữ liệu")
        if figure.scored:
            assert (number(row[5]), number(row[6])) == (shown["points"], figure.max_points)
        official = shown["official"].points if shown["official"] else None
        assert (number(row[7]), number(row[8])) == (official, shown["gap"])
    assert number(written["Tổng điểm (hệ thống)"][5]) == page["total"]
    assert {r["key"]: r for r in page["rows"]}["on_time_rate"]["gap"] is not None
