"""A citizen looking up a dossier (D16): the code matches however it is typed (case, spaces,
dashes), and a wrong code gets a helpful public page: the code, what a code looks like, the form
again and the way on; the same page for every unknown code."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.deadlines import LOCAL
from procedures import services
from procedures.models import Procedure
from procedures.selectors import normalize_code


@pytest.fixture
def dossier(org, cal):
    procedure = Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp giấy chứng nhận", limit=10)
    return services.receive(
        actor=org.office,
        agency=org.agency,
        procedure=procedure,
        received_at=dt.datetime(2026, 3, 9, 9, tzinfo=LOCAL),
        cal=cal,
        unit=org.unit_a,
        applicant_name="Nguyễn Văn An",
    )


@pytest.mark.parametrize(
    "typed",
    [
        "h38.15-260309-0001",
        " H38.15 - 260309 - 0001 ",
        "H38.15–260309—0001",
        "H38.15\u2212260309-0001",
        "h38.15 260309 0001",  # spaces for the hyphens, as a phone keyboard makes it easy
    ],
)
def test_a_code_typed_loosely_is_the_code(typed):
    assert normalize_code(typed) == "H38.15-260309-0001"


def test_lookup_redirects_to_the_code_in_the_register_form_and_finds_it(anon, dossier):
    response = anon.get(reverse("dossier_lookup"), {"ma": f"  {dossier.code.lower().replace('-', ' – ')} "})
    assert response.status_code == 302 and response["Location"] == reverse("dossier_status", args=[dossier.code])
    found = anon.get(reverse("dossier_status", args=[dossier.code.lower()]))
    assert found.status_code == 200 and found.context["d"] == dossier


def test_a_lowercase_code_stored_finds_the_dossier(anon, dossier):
    type(dossier).objects.filter(pk=dossier.pk).update(code="imp-42")  # an imported code in lower case
    assert anon.get(reverse("dossier_status", args=["IMP-42"])).context["d"] == dossier


def test_a_wrong_code_gets_a_helpful_public_page(anon, dossier):
    response = anon.get(reverse("dossier_status", args=["x99-000000-9999"]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "X99-000000-9999" in page  # the code as looked up
    assert "H38.15-261207-0001" in page  # what a code looks like (as on the receipt)
    assert f'action="{reverse("dossier_lookup")}"' in page and 'name="ma"' in page  # the form again
    assert reverse("portal_home") in page and reverse("feedback_submit") in page  # the way on
    assert [t.name for t in response.templates][:2] == ["procedures/public_status.html", "portal/_base.html"]
    assert _("Log out") not in page  # the public layout, not the staff one


def test_every_unknown_code_gets_the_same_page(anon, dossier):
    close = anon.get(reverse("dossier_status", args=[dossier.code[:-1] + "9"])).content.decode()
    far = anon.get(reverse("dossier_status", args=["ZZ-1"])).content.decode()
    assert close.replace(dossier.code[:-1] + "9", "…") == far.replace("ZZ-1", "…")


def test_a_lookup_from_the_agency_page_names_its_one_stop_desk_phone_when_the_code_is_wrong(anon, org):
    org.agency.phone = "0205 3 851 666"
    org.agency.save()
    agency_page = anon.get(reverse("portal_agency", args=[org.agency.code])).content.decode()
    assert "0205 3 851 666" in agency_page and f"?co-quan={org.agency.code}" in agency_page
    sent = anon.get(reverse("dossier_lookup"), {"ma": "h38.15-999999-0001", "co-quan": org.agency.code})
    assert sent.status_code == 302 and sent["Location"].endswith(f"?co-quan={org.agency.code}")
    wrong = anon.get(sent["Location"])
    assert wrong.status_code == 404
    page = wrong.content.decode()
    assert "0205 3 851 666" in page and 'href="tel:02053851666"' in page
    assert f'name="co-quan" value="{org.agency.code}"' in page  # the form again, still from that agency
    assert 'value="H38.15-999999-0001"' in page  # with the code typed, to correct a typo
    plain = anon.get(reverse("dossier_status", args=["H38.15-999999-0001"])).content.decode()
    assert "0205 3 851 666" not in plain  # no agency asked: no phone guessed from the code
