"""The fill-in template of the plan import (plans:import_template)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.web import XLSX

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_template_downloads_with_headers(login, org, plan):
    response = login(org.office).get(reverse("plans:import_template", args=[plan.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    assert ws["A1"].value.startswith("Mã nhiệm vụ") and ws["H1"].value.startswith("Đơn vị chủ trì")


def test_the_downloaded_template_imports_as_it_is(login, org, plan):
    client = login(org.office)
    template = client.get(reverse("plans:import_template", args=[plan.pk])).getvalue()
    response = client.post(
        reverse("plans:import", args=[plan.pk]), {"file": SimpleUploadedFile("mau.xlsx", template, content_type=XLSX)}
    )
    parsed = response.context["parsed"]
    assert parsed.errors == [] and [r["code"] for r in parsed.rows] == ["PL1.01"]


def test_the_template_has_a_guide_sheet_naming_every_column(login, org, plan):
    from plans.excel import COLUMNS

    response = login(org.office).get(reverse("plans:import_template", args=[plan.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    assert book.sheetnames[0] != "Hướng dẫn" and book.sheetnames[-1] == "Hướng dẫn"  # the import reads sheet 1
    guide = [row for row in book["Hướng dẫn"].iter_rows(values_only=True) if row and row[0]]
    described = {row[0]: row for row in guide}
    for _key, label, required, _width in COLUMNS:
        assert label in described, label
        assert described[label][1] == ("Có" if required else "Không") and described[label][2] and described[label][3]
