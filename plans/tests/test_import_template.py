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
