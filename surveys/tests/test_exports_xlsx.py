"""The responses as a workbook a clerk reads (beside the exchange CSV, unchanged): the question
texts as headers, the answers in the form's words, the channel and the source in Vietnamese,
the month as a date, printable; the same rows and no more columns than the CSV (nothing about
a person); the administrator only, logged."""

import datetime as dt
import io
import os
from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.models import AuditEntry
from surveys import columns
from surveys.tests.helpers import FORM, ITEMS, make

Q1 = {"campaign": "all", "year": 2026, "period": "quarter", "number": 1}


def _sheet(client):
    response = client.get(reverse("surveys:export_xlsx"), Q1)
    assert response.status_code == 200
    data = response.getvalue()
    if folder := os.environ.get("FORMS_PRINT_DIR"):  # kept to look at (procedures/tests/test_forms_print.py)
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "sipas.xlsx").write_bytes(data)
    return response, load_workbook(io.BytesIO(data)).active


def test_the_clerks_workbook_speaks_vietnamese_and_prints(client, org):
    make(org, 4, unit=org.unit_a, e1=3, day=dt.date(2026, 2, 14))
    make(org, 2, q16=5, source="open", day=dt.date(2026, 3, 20))
    make(org, 5, day=dt.date(2026, 6, 1))  # another quarter: not in it
    client.force_login(org.admin)
    response, ws = _sheet(client)
    assert (
        response["Content-Disposition"] == f'attachment; filename="phieu-sipas-{org.agency.code}-2026-quarter-1.xlsx"'
    )
    assert ws.title == _("Responses")
    header_row = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == _("Form number"))
    header = [c.value for c in ws[header_row]]
    q15, e1 = f"{columns.label(FORM, 'q15')}. {FORM.item_text['q15']}", f"{columns.label(FORM, 'e1')}. "
    assert header[1] == q15 and any(h.startswith(e1) for h in header)
    assert "q15" not in header and "response_id" not in header
    rows = [r for r in ws.iter_rows(min_row=header_row + 1, values_only=True) if r[0]]
    assert len(rows) == 2
    by_unit = {r[header.index(_("Unit"))] or "": r for r in rows}
    person = by_unit[org.unit_a.label]
    e1_column = next(i for i, h in enumerate(header) if h.startswith(e1))
    assert person[1] == FORM.scale[4] == "Hài lòng" and person[e1_column] == FORM.expectation_scale[3] == "Rất nhiều"
    assert person[header.index(_("Channel"))] == "trực tuyến"
    other = by_unit[""]
    assert other[1] == "Không hài lòng" and other[2] == "Rất hài lòng"  # q16 answered 5
    months = sorted(r[-1] for r in rows)
    assert months == [dt.datetime(2026, 2, 1), dt.datetime(2026, 3, 1)]  # dated to the month, never the day
    month_cell = ws.cell(row=header_row + 1, column=len(header))
    assert month_cell.number_format == "MM/YYYY"
    setup = ws.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "landscape")
    assert ws.print_title_rows == f"${header_row}:${header_row}" and ws.print_title_cols == "$A:$A"
    assert all(c.border.top.style == "thin" for c in ws[header_row])
    assert AuditEntry.objects.filter(action="sipas.export", actor=org.admin).exists()


def test_the_workbook_has_the_csvs_columns_and_rows(client, org):
    for value in (5, 4, 3):
        make(org, value, unit=org.unit_a)
    client.force_login(org.admin)
    _response, ws = _sheet(client)
    csv = client.get(reverse("surveys:export"), Q1).getvalue().decode("utf-8-sig").splitlines()
    header_row = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == _("Form number"))
    header = [c.value for c in ws[header_row]]
    assert len(header) == len(csv[0].split(","))  # the same columns: nothing more about anyone
    ids = {r[0] for r in ws.iter_rows(min_row=header_row + 1, values_only=True) if r[0]}
    assert ids == {line.split(",")[0] for line in csv[1:]}
    assert len(header) == 1 + len(ITEMS) + len(FORM.questionnaire.expectations) + 5


def test_only_the_administrator_downloads_it_and_the_dashboard_offers_it(client, org):
    client.force_login(org.office)
    assert client.get(reverse("surveys:export_xlsx"), Q1).status_code == 403
    client.force_login(org.admin)
    page = client.get(reverse("surveys:dashboard"), Q1).content.decode()
    assert reverse("surveys:export_xlsx") in page and reverse("surveys:export") in page
