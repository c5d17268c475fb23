"""File import (surveys.views.import_file, surveys.importing): all or nothing, every problem
located by row and column."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from surveys import columns
from surveys.models import Response
from surveys.tests.helpers import FORM, row, workbook

NAMES = {c.key: c.header for c in columns.file_columns(FORM)}


def test_import_is_all_or_nothing_with_located_problems(client, org, procedure):
    client.force_login(org.office)
    bad = workbook([row("P1"), row("P2", value=7), row("P3", unit="Phòng ma"), row("P4", code="9.9"), row("P1")])
    page = client.post(reverse("surveys:import"), {"file": SimpleUploadedFile("phieu.xlsx", bad)})
    problems = {(p.row, p.column) for p in page.context["problems"]}
    expected = {(3, "q15"), (4, "unit"), (5, "procedure_code"), (6, "response_id")}
    assert {(r, NAMES[key]) for r, key in expected} <= problems
    assert not Response.objects.exists()
    good = workbook([row("P1", comment="Gọi 0912 345 678"), row("P2", value=2, gender="male")])
    done = client.post(reverse("surveys:import"), {"file": SimpleUploadedFile("phieu.xlsx", good)})
    assert done.status_code == 302
    p1 = Response.objects.get(external_id="P1")
    assert (p1.source, p1.channel, p1.unit, p1.procedure, p1.profile) == (
        "import",
        "paper",
        org.unit_a,
        procedure,
        {"gender": "female"},
    )
    assert "0912" not in p1.comment_shown and p1.comment_state == "pending"
    again = client.post(reverse("surveys:import"), {"file": SimpleUploadedFile("phieu.xlsx", good)})
    assert {p.reason for p in again.context["problems"]} == {_("already imported for this agency")}
    assert Response.objects.count() == 2
    junk = client.post(reverse("surveys:import"), {"file": SimpleUploadedFile("phieu.xlsx", b"not a workbook")})
    reason = _("the file is not an Excel workbook (.xlsx): open it in Excel and save it as .xlsx or as CSV UTF-8")
    assert junk.context["problems"][0].reason == reason


def test_import_reports_every_problem_of_a_row(client, org, procedure):
    client.force_login(org.office)
    bad = workbook([row("P1", value=7, unit="Phòng ma", gender="Ngoài hành tinh")])
    page = client.post(reverse("surveys:import"), {"file": SimpleUploadedFile("phieu.xlsx", bad)})
    named = {p.column for p in page.context["problems"]}
    assert {NAMES["q15"], NAMES["unit"], NAMES["gender"]} <= named and "" not in named  # no "nothing answered"


def test_the_page_explains_each_column_in_vietnamese(client, org):
    client.force_login(org.office)
    page = client.get(reverse("surveys:import")).content.decode()
    assert reverse("surveys:import_template") in page
    assert FORM.item_text["q15"] in page and NAMES["q15"] in page  # the item's text, not "q15" alone
    assert "response_id" not in page and "procedure_code" not in page
