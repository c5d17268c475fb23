"""Creating a plan (plans:new_plan, manage.py new_plan): an agency's first plan, the plan it
carries out (a plan of the province's Sở Nội vụ or a citation), audited as "plan.created"."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.models import Agency, AuditEntry
from plans.models import Plan, PlanStatus
from plans.navigation import no_plan_panel

URL = reverse("plans:new_plan")


@pytest.fixture
def province_plan(org):
    snv = Agency.objects.get(code="SNV")
    return Plan.objects.create(agency=snv, year=2027, number="05/KH-SNV", title="Kế hoạch CCHC tỉnh 2027")


def _data(**extra):
    return {"year": "2027", "number": "12/KH-BQLKKTCK", "title": "Kế hoạch CCHC năm 2027", "issuer": "", **extra}


def test_office_creates_the_agency_plan_carrying_out_the_province_plan(login, org, province_plan):
    client = login(org.office)
    response = client.post(URL, _data(issued_on="15/11/2026", parent=province_plan.pk, signer="Nguyễn Văn B"))
    plan = Plan.objects.get(agency=org.agency, year=2027)
    assert response.status_code == 302 and response["Location"] == reverse("plans:plan_detail", args=[plan.pk])
    assert plan.parent == province_plan and plan.issued_on == dt.date(2026, 11, 15)
    assert plan.issuer == org.agency.name  # left empty: the agency's name
    assert plan.status == PlanStatus.ISSUED
    entry = AuditEntry.objects.get(action="plan.created", object_id=str(plan.pk))
    assert entry.actor == org.office and entry.agency == org.agency
    assert entry.changes["title"][1] == "Kế hoạch CCHC năm 2027" and "parent" in entry.changes
    page = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    assert "05/KH-SNV" in page.content.decode() and "Kế hoạch CCHC tỉnh 2027" in page.content.decode()


def test_a_citation_stands_for_a_plan_outside_the_system_and_no_date_is_a_draft(login, org):
    cited = "Kế hoạch số 20/KH-UBND ngày 10/01/2027 của UBND tỉnh"
    response = login(org.leader).post(URL, _data(parent_reference=cited))
    plan = Plan.objects.get(agency=org.agency, year=2027)
    assert response.status_code == 302 and plan.parent is None and plan.parent_reference == cited
    assert plan.status == PlanStatus.DRAFT
    assert cited in login(org.leader).get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()


def test_the_form_offers_the_province_plans_and_the_agency_name(login, org, province_plan):
    Plan.objects.create(agency=org.other, year=2027, number="1/KH-SCT", title="Kế hoạch của Sở Công Thương")
    form = login(org.office).get(URL).context["form"]
    assert list(form.fields["parent"].queryset) == [province_plan]  # another agency's plan is not a parent
    assert form.fields["issuer"].initial == org.agency.name


def test_bad_input_is_kept_and_refused_with_status_400(login, org, province_plan):
    client = login(org.office)
    foreign = Plan.objects.create(agency=org.other, year=2027, title="Kế hoạch của Sở Công Thương")
    response = client.post(URL, _data(title="  ", year="1990", issued_on="32/01/2027", parent=foreign.pk))
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert {"title", "year", "issued_on", "parent"} <= set(errors)
    assert not Plan.objects.filter(agency=org.agency, year__in=[1990, 2027]).exists()
    assert "12/KH-BQLKKTCK" in response.content.decode()  # what was typed stays


def test_a_second_plan_with_the_same_number_and_year_is_refused(login, org):
    client = login(org.office)
    assert client.post(URL, _data()).status_code == 302
    again = client.post(URL, _data(title="Bản khác"))
    assert again.status_code == 400 and "number" in again.context["form"].errors
    assert Plan.objects.filter(agency=org.agency, year=2027).count() == 1


@pytest.mark.parametrize("who", ["officer", "head", "auditor", "appraiser"])
def test_only_the_agency_managers_create_a_plan(login, org, who):
    response = login(getattr(org, who)).post(URL, _data())
    assert response.status_code in (403, 404)
    assert not Plan.objects.filter(year=2027).exists()


def test_the_no_plan_panel_leads_the_managers_to_the_new_plan_page(org, today):
    Plan.objects.filter(agency=org.agency).delete()
    for_office = no_plan_panel(org.office, org.agency, today)
    assert for_office is not None and (for_office.links[0][1] == URL)
    for_officer = no_plan_panel(org.officer, org.agency, today)
    assert for_officer is not None and not for_officer.links


def test_the_command_creates_a_plan_with_the_same_checks(org, province_plan):
    out = io.StringIO()
    call_command(
        "new_plan",
        "--agency=BQLKKTCK",
        "--year=2027",
        "--title=Kế hoạch CCHC năm 2027",
        "--number=12/KH-BQLKKTCK",
        "--issued-on=20/11/2026",
        f"--parent-plan={province_plan.pk}",
        stdout=out,
        stderr=io.StringIO(),
    )
    plan = Plan.objects.get(pk=int(out.getvalue()))
    assert plan.parent == province_plan and plan.issued_on == dt.date(2026, 11, 20) and plan.agency == org.agency
    assert AuditEntry.objects.filter(action="plan.created", object_id=str(plan.pk), actor=None).exists()
    with pytest.raises(CommandError, match="12/KH-BQLKKTCK"):
        call_command("new_plan", "--agency=BQLKKTCK", "--year=2027", "--title=X", "--number=12/KH-BQLKKTCK")
    with pytest.raises(CommandError, match="issued-on"):
        call_command("new_plan", "--agency=BQLKKTCK", "--year=2027", "--title=X", "--issued-on=2027-01-20")
    with pytest.raises(CommandError, match="NOPE"):
        call_command("new_plan", "--agency=NOPE", "--year=2027", "--title=X")


def test_a_plan_dated_after_today_is_refused_as_issued(client, org):
    """Found by the new user's walk: a date issued next week was saved as "issued"."""
    from django.utils import timezone

    client.force_login(org.office)
    later = timezone.localdate() + dt.timedelta(days=7)
    page = client.post(
        reverse("plans:new_plan"),
        {"year": later.year, "title": "Kế hoạch chuyển đổi số", "issued_on": later.strftime("%d/%m/%Y")},
    )
    assert page.status_code == 400
    assert not Plan.objects.filter(title="Kế hoạch chuyển đổi số").exists()
