"""The task register as Excel (plans:task_list?export=xlsx)."""

import io

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_export_xlsx_has_native_dates_and_numbers(login, org, make_task, today):
    task = make_task(title="Xuất Excel", progress=35)
    response = login(org.office).get(reverse("plans:task_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")

    ws = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[header.index("Tên nhiệm vụ")] == "Xuất Excel"
    assert row[header.index("Tiến độ (%)")] == 35
    assert row[header.index("Hạn")].date() == task.deadline


def test_export_never_turns_a_title_into_a_formula(login, org, make_task):
    make_task(title='=HYPERLINK("http://example.com","Bấm")')
    response = login(org.office).get(reverse("plans:task_list"), {"export": "xlsx"})

    cell = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active["C2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
