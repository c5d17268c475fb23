"""Year-end results (plans:year_end): a year picker and an Excel export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Plan, TaskStatus

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_year_end_per_year_and_exported_to_excel(login, org, plan, make_task, today):
    make_task(status=TaskStatus.DONE, completed_on=today)
    make_task(status=TaskStatus.DONE_LATE, completed_on=today).assignees.set([org.officer])
    older = Plan.objects.create(agency=org.agency, year=2025, number="9/KH", title="Kế hoạch 2025", status="issued")
    make_task(plan=older, code="X1", lead_unit=org.unit_b)
    client = login(org.office)
    page = client.get(reverse("plans:year_end"), {"year": 2026})
    assert page.context["year"] == 2026 and page.context["years"] == [2026, 2025]
    [row] = page.context["by_unit"]
    assert (row["unit"], row["total"], row["on_time"], row["late"]) == (org.unit_a, 2, 1, 1)
    assert 'name="year"' in page.content.decode()
    assert [r["unit"] for r in client.get(reverse("plans:year_end"), {"year": 2025}).context["by_unit"]] == [org.unit_b]
    export = client.get(reverse("plans:year_end"), {"year": 2026, "export": "xlsx"})
    assert export.status_code == 200 and "ket-qua-cuoi-nam-2026.xlsx" in export["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    units, people = workbook.worksheets
    rows = [[c for c in r] for r in units.iter_rows(values_only=True) if any(r)]
    assert "2026" in rows[0][0]
    assert rows[-2][:4] == [org.unit_a.name, 2, 1, 1] and rows[-1][:4] == ["Tổng cộng", 2, 1, 1]
    assert [r[:2] for r in people.iter_rows(values_only=True) if r[0] == org.officer.display_name] == [
        (org.officer.display_name, 1)
    ]
