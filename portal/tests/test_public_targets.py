"""The targets an agency publishes (Target.public) on its portal page of results: the published
ones only, plain figures, nothing personal."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from core.models import Agency
from plans.models import Plan
from targets.models import Target, TargetReading


def _target(plan, code, *, public, **fields):
    values = {"name": f"Chỉ tiêu {code}", "due_date": dt.date(plan.year, 12, 31), "target_value": 95}
    return Target.objects.create(plan=plan, agency=plan.agency, code=code, public=public, **(values | fields))


def test_only_the_published_targets_appear_with_their_result(anon, org, today):
    plan = Plan.objects.create(agency=org.agency, year=today.year, title="Kế hoạch CCHC", status="issued")
    shown = _target(plan, "CT01", public=True, measure="manual", name="Tỷ lệ hồ sơ giải quyết đúng hạn")
    TargetReading.objects.create(target=shown, as_of=today, value=97, entered_by=org.officer, note="Ghi chú nội bộ")
    _target(plan, "CT02", public=False, name="Chỉ tiêu chưa công khai")
    other = Plan.objects.create(agency=org.other, year=today.year, title="KH khác", status="issued")
    _target(other, "CT09", public=True, name="Chỉ tiêu của cơ quan khác")
    response = anon.get(reverse("portal_indices", args=[org.agency.code]))
    assert response.status_code == 200
    assert [t.code for t in response.context["targets"]] == ["CT01"]
    (line,) = response.context["targets"]
    assert line.actual == "97,00 %" and line.goal == "≥ 95 %" and line.as_of == today
    page = response.content.decode()
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" in page and f"{today:%d/%m/%Y}" in page
    assert "Chỉ tiêu chưa công khai" not in page and "Chỉ tiêu của cơ quan khác" not in page
    # nothing personal: who entered the value and their note stay inside
    assert org.officer.full_name not in page and "Ghi chú nội bộ" not in page
    assert reverse("targets:detail", args=[shown.pk]) not in page


def test_an_agency_publishing_no_target_shows_no_section(anon, org, today):
    plan = Plan.objects.create(agency=org.agency, year=today.year, title="Kế hoạch CCHC", status="issued")
    _target(plan, "CT02", public=False, name="Chỉ tiêu chưa công khai")
    response = anon.get(reverse("portal_indices", args=[org.agency.code]))
    assert response.context["targets"] == [] and 'id="chi-tieu"' not in response.content.decode()
    assert Agency.objects.filter(code=org.agency.code).exists()


def test_a_target_still_to_be_confirmed_is_not_published(client, org, db):
    """A placeholder value ("to be confirmed by the agency") is not the agency's commitment: the
    portal leaves it out even when ticked public (found by the independent review)."""
    from django.utils import timezone

    plan = Plan.objects.create(agency=org.agency, year=timezone.localdate().year, title="Kế hoạch", status="issued")
    common = {"plan": plan, "agency": org.agency, "due_date": dt.date(plan.year, 12, 31), "public": True}
    Target.objects.create(code="XN1", name="Đã xác nhận", target_value=Decimal(100), **common)
    Target.objects.create(code="CXN", name="Chờ xác nhận", target_value=Decimal(50), to_be_confirmed=True, **common)
    html = client.get(f"/cong-khai/{org.agency.code}/chi-so/").content.decode()
    assert "Đã xác nhận" in html and "Chờ xác nhận" not in html
