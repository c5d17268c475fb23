"""The import template (surveys.views.import_template): the columns the import reads under their
Vietnamese headers, an example row the import refuses until it is deleted, and a guide sheet."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from surveys import columns
from surveys.importing import workbook_rows
from surveys.models import Response
from surveys.tests.helpers import FORM


def template(client, org):
    client.force_login(org.office)
    response = client.get(reverse("surveys:import_template"))
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-phieu-sipas.xlsx"'
    return response.getvalue()


def test_the_template_has_vietnamese_headers_an_example_row_and_a_guide(client, org):
    data = template(client, org)
    book = load_workbook(io.BytesIO(data))
    assert len(book.sheetnames) == 2
    header, example = workbook_rows(data)
    wanted = columns.file_columns(FORM)
    assert header == [c.header for c in wanted]
    assert header[:2] == [_("Form number"), columns.item_label("q15")] and "q15" not in header
    assert example[0] == columns.EXAMPLE_ID and example[header.index(_("Date on the form"))] == "2026-03-15"
    assert book.worksheets[0]["B2"].value == 4  # an answer typed as a number
    guide = [[cell for cell in row] for row in book.worksheets[1].iter_rows(values_only=True)]
    described = {row[0]: row[2] for row in guide if row and row[0] in header}
    assert set(described) == set(header) and FORM.item_text["q15"] in described[header[1]]
    rules = book.worksheets[0].data_validations.dataValidation
    assert {(r.formula1, r.formula2) for r in rules} == {("1", "5"), ("1", "3")}  # items, expectations


def test_a_filled_template_is_imported_once_its_example_row_is_deleted(client, org):
    book = load_workbook(io.BytesIO(template(client, org)))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    filled = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    filled.update({_("Form number"): "P-01", _("Date on the form"): dt.date(2026, 3, 10)})
    sheet.append([filled[h] for h in header])
    out = io.BytesIO()
    book.save(out)
    refused = client.post(reverse("surveys:import"), {"file": SimpleUploadedFile("phieu.xlsx", out.getvalue())})
    (problem,) = refused.context["problems"]
    assert (problem.row, problem.column, problem.value) == (2, _("Form number"), columns.EXAMPLE_ID)
    assert not Response.objects.exists()
    sheet.delete_rows(2)
    out = io.BytesIO()
    book.save(out)
    done = client.post(reverse("surveys:import"), {"file": SimpleUploadedFile("phieu.xlsx", out.getvalue())})
    assert done.status_code == 302
    response = Response.objects.get()
    assert (response.external_id, response.channel, response.answers["q15"], response.answered_on) == (
        "P-01",
        "paper",
        4,
        dt.date(2026, 3, 10),
    )
