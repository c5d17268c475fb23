"""The import template (surveys.views.import_template): a workbook with the columns the import reads."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from surveys.importing import workbook_rows
from surveys.tests.helpers import FORM, ITEMS


def test_the_template_has_the_columns_the_import_reads(client, org):
    client.force_login(org.officer)
    response = client.get(reverse("surveys:import_template"))
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-phieu-sipas.xlsx"'
    data = response.getvalue()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Phieu khao sat"]
    header = workbook_rows(data)[0]
    q = FORM.questionnaire
    expected = ["response_id", *ITEMS, *q.expectations, "unit", "procedure_code", "channel", "date", *FORM.profile]
    assert header == [*expected, "comment"]
    assert book.active.max_row == 1  # no data row
