"""The PAR INDEX round through the web: self-scoring, approval, appraisal, explanation, council,
publication, ranking, points lost, forecast, locks and access."""

import datetime as dt
import io
import re
from decimal import Decimal
from html import unescape as html_unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Agency, AuditEntry, Document
from core.services import create_document
from scorecards import services
from scorecards.excel import export_workbook
from scorecards.files import read_yaml
from scorecards.loader import DEMO_SET, load_criteria_file
from scorecards.models import Assignment, CriteriaSet, NodeScore, Phase, Round, Scorecard, TaskLink


@pytest.fixture
def par(org, today):
    snv = Agency.objects.get(code="SNV")
    stored, _ = load_criteria_file(DEMO_SET, province=snv.province, publish=True)
    round_ = services.create_round(
        actor=org.appraiser,
        organizer=snv,
        criteria_set=stored,
        agencies=[org.agency, org.other],
        name="Chỉ số CCHC 2026",
        year=2026,
        today=today,
        deadlines={"self_closes_on": today + dt.timedelta(days=10)},
    )
    services.advance_phase(actor=org.appraiser, round_=round_)
    round_.refresh_from_db()
    card = Scorecard.objects.get(round=round_, agency=org.agency)
    return round_, card


@pytest.fixture
def login(db):
    """A separate browser per person (several people act in one test)."""

    def as_user(user):
        client = Client()
        client.force_login(user)
        return client

    return as_user


def score_of(card, code, block=""):
    return NodeScore.objects.get(scorecard=card, code=code, block=block)


def post_row(client, card, code, data, block=""):
    row = score_of(card, code, block)
    return client.post(
        reverse("scorecards:save_row", args=[card.pk, row.pk]), {"action": "declare", **data}, HTTP_HX_REQUEST="true"
    )


def alert(response) -> str:
    """The error shown in the row (empty when none)."""
    found = re.search(r'role="alert">(.*?)</div>', response.content.decode(), re.S)
    return html_unescape(found.group(1)) if found else ""


def pdf():
    return io.BytesIO(b"%PDF-1.4\n% test\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")


def test_declared_values_are_scored_live_and_audited(par, org, login):
    round_, card = par
    client = login(org.office)
    response = post_row(client, card, "1.1.1", {"value": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="card-summary"' in html and 'hx-swap-oob="true"' in html
    # the parents 1.1 and 1 come back out of band with their new sums; 2 does not change
    assert 'id="group-1_1"' in html and 'id="group-1"' in html and 'id="group-2"' not in html
    assert score_of(card, "1.1.1").declared is True
    response = post_row(client, card, "1.2", {"violations": "1"})
    card.refresh_from_db()
    # 1.1.1 binary (1 point) + 1.2 deduction 2 - 0.5
    assert card.results["self"]["total"] == "2.50"
    entry = AuditEntry.objects.filter(action="score.declared", object_id=str(score_of(card, "1.2").pk)).get()
    assert entry.actor == org.office
    assert entry.changes["declared"] == [None, {"violations": "1"}]


def test_bad_value_gets_a_specific_error_and_keeps_the_input(par, org, login):
    round_, card = par
    client = login(org.office)
    response = post_row(client, card, "1.1.2", {"numerator": "12", "denominator": "10"})
    html = response.content.decode()
    assert alert(response) == "Số đạt (12) lớn hơn tổng số (10)." and 'value="12"' in html
    assert score_of(card, "1.1.2").declared is None
    response = post_row(client, card, "1.1.2", {"numerator": "8"})
    assert alert(response) == "Nhập cả số đạt và tổng số (hoặc tỷ lệ phần trăm)."
    response = post_row(client, card, "1.3", {"value": "Không có mức này"})
    assert alert(response).startswith("“Không có mức này” không phải là mức của tiêu chí này; chọn một trong: Đủ")
    response = post_row(client, card, "1.1.2", {"percent": "120"})
    assert alert(response) == "Ô “tỷ lệ phần trăm” không được lớn hơn 100."
    response = post_row(client, card, "1.2", {"violations": "1,5"})
    assert alert(response) == "Ô “số vi phạm” phải là số nguyên."


def test_external_criterion_takes_the_plan_metric_and_override_needs_a_reason(par, org, login, make_task, today):
    round_, card = par
    make_task(deadline=today - dt.timedelta(days=3), status="done", plan=org.agency.plans.get())
    make_task(deadline=today - dt.timedelta(days=2), plan=org.agency.plans.get())
    services.refresh_metrics(actor=None, scorecard=card, today=today)
    row = score_of(card, "1.5")
    assert row.declared == {"numerator": 1, "denominator": 2}
    assert row.metric["key"] == "task_completion_rate"
    client = login(org.office)
    response = post_row(client, card, "1.5", {"numerator": "2", "denominator": "2"})
    assert "dữ liệu hệ thống" in alert(response)
    response = post_row(client, card, "1.5", {"override": "1", "numerator": "2", "denominator": "2", "reason": ""})
    assert "lý do thay thế" in alert(response)
    post_row(client, card, "1.5", {"override": "1", "numerator": "2", "denominator": "2", "reason": "Số liệu tỉnh"})
    row.refresh_from_db()
    assert row.metric_overridden and row.declared == {"numerator": "2", "denominator": "2"}
    assert services.refresh_metrics(actor=None, scorecard=card, today=today) == 0


def test_officer_edits_only_the_assigned_block(par, org, login):
    round_, card = par
    services.assign_block(actor=org.office, scorecard=card, code="3", unit=org.unit_a)
    client = login(org.officer)
    assert post_row(client, card, "3.2", {"value": "true"}).status_code == 200
    assert score_of(card, "3.2").declared is True
    assert post_row(client, card, "1.1.1", {"value": "true"}).status_code == 403
    assignment = Assignment.objects.get(scorecard=card, code="3")
    client.post(reverse("scorecards:assignment_step", args=[assignment.pk, "submit"]))
    assignment.refresh_from_db()
    assert assignment.status == "submitted"
    # once submitted the unit can no longer change its block
    assert post_row(client, card, "3.2", {"value": "false"}).status_code == 403
    office = login(org.office)
    office.post(reverse("scorecards:assignment_step", args=[assignment.pk, "request_changes"]), {"note": "Bổ sung"})
    assignment.refresh_from_db()
    assert assignment.status == "changes_requested"


def test_submission_needs_evidence_or_explanation_and_the_leader(par, org, login, today):
    round_, card = par
    office = login(org.office)
    post_row(office, card, "1.1.1", {"value": "true"})
    office.post(reverse("scorecards:card_step", args=[card.pk, "send"]))
    card.refresh_from_db()
    assert card.status == "draft"
    doc = create_document(
        actor=org.office, agency=org.agency, unit=None, fileobj=pdf(), filename="kh.pdf", abstract="KH"
    )
    row = score_of(card, "1.1.1")
    office.post(reverse("scorecards:row_evidence", args=[card.pk, row.pk]), {"document": doc.pk})
    assert row.evidence.count() == 1
    office.post(reverse("scorecards:card_step", args=[card.pk, "send"]))
    card.refresh_from_db()
    assert card.status == "awaiting_approval"
    # the Office cannot approve; the leader can
    office.post(reverse("scorecards:card_step", args=[card.pk, "approve"]))
    card.refresh_from_db()
    assert card.status == "awaiting_approval"
    login(org.leader).post(reverse("scorecards:card_step", args=[card.pk, "approve"]))
    card.refresh_from_db()
    assert card.status == "submitted" and card.submitted_by == org.leader


def _submit(card, org, today):
    services.send_for_approval(actor=org.office, scorecard=card, today=today)
    services.approve_and_submit(actor=org.leader, scorecard=card, today=today)


def test_full_round_appraisal_explanation_council_publication(par, org, login, today):
    round_, card = par
    office = login(org.office)
    post_row(office, card, "1.1.1", {"value": "true"})
    post_row(office, card, "1.2", {"violations": "0", "note": "Đủ 4 báo cáo quý"})
    score_of(card, "1.1.1").note = "x"
    NodeScore.objects.filter(pk=score_of(card, "1.1.1").pk).update(note="Kế hoạch số 12")
    _submit(card, org, today)
    other = Scorecard.objects.get(round=round_, agency=org.other)
    services.save_declared(actor=org.admin, score=score_of(other, "1.1.1"), raw=True, note="kh", today=today)
    _submit(other, org, today)
    services.advance_phase(actor=org.appraiser, round_=round_)  # -> appraisal 1

    appraiser = login(org.appraiser)
    row = score_of(card, "1.2")
    url = reverse("scorecards:save_row", args=[card.pk, row.pk])
    response = appraiser.post(url, {"action": "a1", "points": "1.5", "reason": ""}, HTTP_HX_REQUEST="true")
    assert "Nêu lý do chấm 1.50 điểm thay vì 2.00 điểm" in alert(response)
    assert score_of(card, "1.2").a1_points is None
    appraiser.post(
        url, {"action": "a1", "points": "1.5", "reason": "Thiếu báo cáo quý II", "explain": "1"}, HTTP_HX_REQUEST="true"
    )
    row.refresh_from_db()
    assert row.a1_points == Decimal("1.50") and row.explanation_requested
    card.refresh_from_db()
    assert card.results["a1"]["total"] == "2.50" and card.results["self"]["total"] == "3.00"
    # an agency member cannot appraise
    assert office.post(url, {"action": "a1", "points": "2", "reason": "x"}).status_code == 403

    services.advance_phase(actor=org.appraiser, round_=round_)  # -> explanation
    office.post(url, {"action": "explain", "explanation": "Báo cáo quý II gửi ngày 15/6"}, HTTP_HX_REQUEST="true")
    doc = create_document(
        actor=org.office, agency=org.agency, unit=None, fileobj=pdf(), filename="bc.pdf", abstract="BC"
    )
    office.post(reverse("scorecards:row_evidence", args=[card.pk, row.pk]), {"document": doc.pk})
    assert row.evidence_links.get().stage == "supplementary"
    # only criteria asked to explain take supplementary evidence
    other_row = score_of(card, "1.1.1")
    office.post(reverse("scorecards:row_evidence", args=[card.pk, other_row.pk]), {"document": doc.pk})
    assert not other_row.evidence_links.filter(document=doc).exists()
    office.post(reverse("scorecards:card_step", args=[card.pk, "explanations"]))
    card.refresh_from_db()
    assert card.explanation_submitted_at

    services.advance_phase(actor=org.appraiser, round_=round_)  # -> appraisal 2
    # the appraiser sees the supplementary evidence file of the agency
    assert login(org.appraiser).get(reverse("evidence_detail", args=[doc.pk])).status_code == 200
    appraiser.post(url, {"action": "a2", "points": "2", "reason": "Đã giải trình đủ"}, HTTP_HX_REQUEST="true")
    unflagged = score_of(card, "1.1.1")
    response = appraiser.post(
        reverse("scorecards:save_row", args=[card.pk, unflagged.pk]),
        {"action": "a2", "points": "0", "reason": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert "yêu cầu giải trình" in alert(response)
    assert score_of(card, "1.1.1").a2_points is None
    services.advance_phase(actor=org.appraiser, round_=round_)  # -> council
    sipas = score_of(card, "8.2")
    page = appraiser.get(reverse("scorecards:scorecard", args=[card.pk])).content.decode()
    survey_row = re.search(rf'<tr id="row-{sipas.pk}".*?</tr>', page, re.S).group(0)
    assert re.findall(r'name="action" value="(\w+)"', survey_row) == ["survey"]
    appraiser.post(
        reverse("scorecards:save_row", args=[card.pk, sipas.pk]),
        {"action": "survey", "percent": "80"},
        HTTP_HX_REQUEST="true",
    )
    card.refresh_from_db()
    assert card.results["a2"]["total"] == "3.00"
    assert Decimal(card.results["final"]["total"]) == Decimal("3.00") + Decimal("12.00")  # 8.2: 15 x 80%
    appraiser.post(
        reverse("scorecards:round_step", args=[round_.pk, "publish"]),
        {"decision_number": "123/QĐ-UBND", "decision_date": "2027-03-15"},
    )
    round_.refresh_from_db()
    assert round_.phase == Phase.PUBLISHED
    card.refresh_from_db()
    assert card.published_results["total"] == "15.00"

    # published results are immutable
    with pytest.raises(services.ScoreError):
        services.appraise(actor=org.appraiser, score=row, column="final", points=Decimal(0), reason="x", today=today)
    with pytest.raises(services.ScoreError):
        services.reopen_phase(actor=org.appraiser, round_=round_, phase="council", closes_on=None, reason="x")

    # the ranking shows both agencies, visible to the other participant too
    ranking = services.ranking(round_, "final")
    assert [r["agency"] for r in ranking] == [org.agency, org.other]
    assert ranking[0]["rank"] == 1
    page = login(org.outsider).get(reverse("scorecards:round_detail", args=[round_.pk])).content.decode()
    assert org.agency.name in page and "15,00" in page
    # ...but not the other agency's scorecard
    assert login(org.outsider).get(reverse("scorecards:scorecard", args=[card.pk])).status_code == 404

    results = office.get(reverse("scorecards:results", args=[card.pk])).content.decode()
    assert "15,00" in results
    assert AuditEntry.objects.filter(action="score.a1", object_id=str(row.pk)).get().note == "Thiếu báo cáo quý II"


def test_other_agencies_do_not_see_results_before_publication(par, org, login):
    round_, card = par
    page = login(org.outsider).get(reverse("scorecards:round_detail", args=[round_.pk])).content.decode()
    assert org.agency.name not in page


def test_phase_locks_when_it_closes_and_reopening_needs_a_reason(par, org, today):
    round_, card = par
    later = round_.self_closes_on + dt.timedelta(days=1)
    with pytest.raises(services.ScoreError, match=f"{round_.self_closes_on:%d/%m/%Y}"):
        services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note=None, today=later)
    with pytest.raises(services.ScoreError):
        services.reopen_phase(actor=org.appraiser, round_=round_, phase="self", closes_on=later, reason=" ")
    services.reopen_phase(actor=org.appraiser, round_=round_, phase="self", closes_on=later, reason="Gia hạn theo CV 5")
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note=None, today=later)
    assert AuditEntry.objects.filter(action="round.reopened", note="Gia hạn theo CV 5").exists()


def test_points_lost_lists_linked_tasks_and_creates_an_improvement_task(par, org, login, task, today):
    round_, card = par
    TaskLink.objects.create(task=task, set_code=round_.criteria_set.code, code="1.2")
    rows = services.points_lost(card, "self")
    assert rows[0].lost >= rows[-1].lost
    lost_12 = next(r for r in rows if r.code == "1.2")
    assert task in lost_12.tasks
    client = login(org.office)
    page = client.get(reverse("scorecards:points_lost", args=[card.pk])).content.decode()
    assert task.code in page
    response = client.post(
        reverse("scorecards:improvement_task", args=[card.pk, "3.3"]),
        {"plan": task.plan.pk, "lead_unit": org.unit_b.pk, "deadline": (today + dt.timedelta(days=60)).isoformat()},
    )
    assert response.status_code == 302
    created = TaskLink.objects.get(code="3.3").task
    assert created.lead_unit == org.unit_b and "3.3" in created.title
    assert login(org.officer).post(reverse("scorecards:improvement_task", args=[card.pk, "3.4"]), {}).status_code == 403


def test_forecast_counts_points_of_criteria_with_late_tasks(par, org, login, make_task, today, cal):
    round_, card = par
    late = make_task(deadline=today - dt.timedelta(days=5))
    fine = make_task(start_date=today, deadline=today + dt.timedelta(days=60))
    TaskLink.objects.create(task=late, set_code=round_.criteria_set.code, code="1.3")
    TaskLink.objects.create(task=fine, set_code=round_.criteria_set.code, code="1.4")
    TaskLink.objects.create(task=fine, set_code=round_.criteria_set.code, code="1.6")
    TaskLink.objects.create(task=late, set_code=round_.criteria_set.code, code="1.6")
    data = services.forecast(agency=org.agency, criteria_set=round_.criteria_set, scorecard=card, today=today, cal=cal)
    # 1.3 (2 points) hangs on the late task alone; 1.6 (1 point) on it and a task on track
    assert [(r.code, r.at_risk) for r in data["rows"]] == [("1.3", Decimal("2.00")), ("1.6", Decimal("0.50"))]
    assert data["points_at_risk"] == Decimal("2.50")
    assert data["forecast"].total == data["if_delivered"].total - Decimal("2.50")
    page = login(org.office).get(reverse("scorecards:forecast")).content.decode()
    assert late.code in page


def test_new_round_is_prefilled_from_last_year_and_flags_changed_maxima(par, org, today):
    round_, card = par
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note="KH 10", today=today)
    services.save_declared(actor=org.office, score=score_of(card, "1.2"), raw={"violations": 1}, note="", today=today)
    data = read_yaml(DEMO_SET)
    data["code"] = "LS-DEPT-2027"
    data["year"] = 2027
    # 1.2 is worth 2.5 next year
    data["nodes"][0]["children"][1]["max"] = 2.5
    data["carry_over"] = {"1.6": "1.6"}
    stored, _ = services.load_criteria_set(province=round_.organizer.province, data=data, publish=True)
    new = services.create_round(
        actor=org.appraiser,
        organizer=round_.organizer,
        criteria_set=stored,
        agencies=[org.agency],
        name="2027",
        year=2027,
        today=today,
        previous=round_,
    )
    new_card = new.scorecards.get()
    assert score_of(new_card, "1.1.1").declared is True and score_of(new_card, "1.1.1").note == "KH 10"
    carried = score_of(new_card, "1.2").carried_from
    assert carried["max_changed"] is True and carried["max"] == "2"
    assert score_of(new_card, "1.1.1").carried_from["max_changed"] is False


def test_criteria_upload_previews_then_saves_all_or_nothing(org, login):
    client = login(org.appraiser)
    text = DEMO_SET.read_text(encoding="utf-8")
    upload = io.BytesIO(text.replace("max: 12", "max: twelve", 1).encode())
    upload.name = "bad.yaml"
    response = client.post(reverse("scorecards:criteria_upload"), {"file": upload})
    html = response.content.decode()
    assert "bad.yaml" in html and "node 1" in html
    assert not CriteriaSet.objects.exists()
    good = io.BytesIO(text.encode())
    good.name = "good.yaml"
    response = client.post(reverse("scorecards:criteria_upload"), {"file": good, "publish": "on"})
    token = response.context["token"]
    assert not CriteriaSet.objects.exists()
    response = client.post(reverse("scorecards:criteria_upload"), {"token": token})
    stored = CriteriaSet.objects.get()
    assert stored.status == "published" and stored.version == 1
    # an Excel export loads back as the same definition (no new version)
    xlsx = io.BytesIO(export_workbook(stored.definition))
    xlsx.name = "set.xlsx"
    response = client.post(reverse("scorecards:criteria_upload"), {"file": xlsx})
    client.post(reverse("scorecards:criteria_upload"), {"token": response.context["token"]})
    assert CriteriaSet.objects.count() in (1, 2)
    assert login(org.office).get(reverse("scorecards:criteria_upload")).status_code == 403


def test_periodic_series_feeds_criteria_and_reminds_owner(org, login, today):
    from core.models import Notification
    from scorecards.models import MetricSeries
    from scorecards.reminders import metric_reminders

    series = MetricSeries.objects.create(
        agency=org.agency,
        key="disbursement_rate",
        name="Giải ngân",
        kind="percent",
        frequency="quarterly",
        owner_unit=org.unit_a,
    )
    day = dt.date(2026, 11, 28)
    metric_reminders(today=day, cal=None)
    titles = set(Notification.objects.filter(user=org.officer).values_list("title", flat=True))
    assert any("Quý 3/2026" in t for t in titles)
    client = login(org.officer)
    doc = create_document(
        actor=org.officer, agency=org.agency, unit=org.unit_a, fileobj=pdf(), filename="g.pdf", abstract="G"
    )
    client.post(
        reverse("scorecards:series_detail", args=[series.pk]),
        {"period_end": "2026-09-30", "value": "67", "document": doc.pk},
    )
    value = services.metric_for("disbursement_rate", agency=org.agency, year=2026, today=day)
    assert value.data == {"percent": "67.00"}
    assert series.entries.get().evidence.get() == doc
    assert (
        login(org.other_officer)
        .post(reverse("scorecards:series_detail", args=[series.pk]), {"period_end": "2026-06-30", "value": "5"})
        .status_code
        == 403
    )
    assert not Document.objects.filter(agency=org.other).exists()


def test_scoring_screen_renders_every_column_for_each_role(par, org, login):
    round_, card = par
    for user in (org.office, org.officer, org.leader, org.auditor):
        response = login(user).get(reverse("scorecards:scorecard", args=[card.pk]))
        assert response.status_code == 200
        assert "1.1.1" in response.content.decode()
    assert login(org.outsider).get(reverse("scorecards:scorecard", args=[card.pk])).status_code == 404
    # the Sở Nội vụ sees a draft only once it is submitted
    url = reverse("scorecards:scorecard", args=[card.pk])
    assert login(org.appraiser).get(url).status_code == 404
    _submit(card, org, timezone.localdate())
    assert login(org.appraiser).get(url).status_code == 200
    # read-only roles get no inputs
    html = login(org.auditor).get(reverse("scorecards:scorecard", args=[card.pk])).content.decode()
    assert "hx-post" not in html
    assert Round.objects.count() == 1


def test_api_gives_results_and_ranking_with_the_same_access(par, org, client, today):
    from io import StringIO

    from django.core.management import call_command

    round_, card = par
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note="KH", today=today)

    def token(user):
        out = StringIO()
        call_command("create_api_token", user.username, stdout=out)
        return {"HTTP_AUTHORIZATION": f"Bearer {out.getvalue().strip()}"}

    data = client.get(f"/api/v1/par/scorecards/{card.pk}", **token(org.officer)).json()
    assert data["columns"]["self"]["nodes"]["1.1.1"] == {
        "name": "Ban hành kế hoạch đúng thời hạn",
        "points": "1.00",
        "max": "1.00",
        "nominal_max": "1.00",
        "status": "scored",
    }
    assert client.get(f"/api/v1/par/scorecards/{card.pk}", **token(org.outsider)).status_code == 404
    ranking = client.get(f"/api/v1/par/rounds/{round_.pk}/ranking?column=self", **token(org.outsider)).json()
    assert [r["agency"] for r in ranking] == [org.other.code]  # before publication: its own row only
    ranking = client.get(f"/api/v1/par/rounds/{round_.pk}/ranking?column=self", **token(org.appraiser)).json()
    assert {r["agency"] for r in ranking} == {org.agency.code, org.other.code}
    assert client.get(f"/api/v1/par/rounds/{round_.pk}/ranking?column=x", **token(org.appraiser)).status_code == 422


def test_replaced_system_figure_needs_a_document_and_evidence_is_checked(par, org, login, make_task, today):
    round_, card = par
    make_task(deadline=today - dt.timedelta(days=3), status="done", plan=org.agency.plans.get())
    services.refresh_metrics(actor=None, scorecard=card, today=today)
    row = score_of(card, "1.5")
    services.override_metric(
        actor=org.office, score=row, raw={"percent": "100"}, reason="Số liệu của Văn phòng UBND tỉnh", today=today
    )
    with pytest.raises(services.ScoreError, match="1.5"):
        services.send_for_approval(actor=org.office, scorecard=card, today=today)
    old = create_document(
        actor=org.office,
        agency=org.agency,
        unit=None,
        fileobj=pdf(),
        filename="cu.pdf",
        abstract="Báo cáo cũ",
        issued_on=dt.date(2024, 5, 2),
    )
    services.link_evidence(actor=org.office, score=row, document=old, today=today)
    services.send_for_approval(actor=org.office, scorecard=card, today=today)
    page = login(org.office).get(reverse("scorecards:scorecard", args=[card.pk])).content.decode()
    assert "Báo cáo cũ" in page and "2026" in page  # dated outside the year, and no number
    flags = login(org.office).get(reverse("scorecards:row_evidence", args=[card.pk, row.pk])).context["flags"]
    assert len(flags) == 2


def test_scoring_table_exports_to_excel(par, org, login, today):
    from openpyxl import load_workbook

    round_, card = par
    services.save_declared(
        actor=org.office, score=score_of(card, "1.2"), raw={"violations": 1}, note="Thiếu 1", today=today
    )
    response = login(org.office).get(reverse("scorecards:scorecard", args=[card.pk]) + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows["1.2"][3].startswith("1 (")
    assert rows["1.2"][4] == 1.5 and rows["1.2"][8] == "Thiếu 1"
    assert rows["1"][2] == 12


def test_review_rules_sub_blocks_survey_override_and_bonus_evidence(par, org, login, make_task, today):
    round_, card = par
    # a sub-block given to another unit is that unit's alone
    services.assign_block(actor=org.office, scorecard=card, code="1", unit=org.unit_a)
    services.assign_block(actor=org.office, scorecard=card, code="1.2", unit=org.unit_b)
    assert post_row(login(org.officer), card, "1.2", {"violations": "0"}).status_code == 403
    assert post_row(login(org.officer), card, "1.3", {"value": "Không kiểm tra"}).status_code == 200
    assert post_row(login(org.other_officer), card, "1.2", {"violations": "0"}).status_code == 200
    # a survey result cannot be "replaced" by the agency
    response = post_row(login(org.office), card, "8.2", {"override": "1", "percent": "100", "reason": "x"})
    assert alert(response) and score_of(card, "8.2").declared is None
    # bonus points need evidence or an explanation like any other points
    services.save_declared(
        actor=org.office, score=score_of(card, "B1", "bonus"), raw={"points": "1"}, note="", today=today
    )
    with pytest.raises(services.ScoreError, match=r"\+B1"):
        services.send_for_approval(actor=org.office, scorecard=card, today=today)


def test_replaced_figure_keeps_the_explanation_and_can_be_restored(par, org, make_task, today):
    round_, card = par
    make_task(deadline=today - dt.timedelta(days=3), status="done", plan=org.agency.plans.get())
    services.refresh_metrics(actor=None, scorecard=card, today=today)
    row = score_of(card, "1.5")
    services.override_metric(
        actor=org.office, score=row, raw={"percent": "50"}, reason="Số liệu tỉnh", note="CV 12", today=today
    )
    row.refresh_from_db()
    assert row.note == "CV 12" and row.declared == {"percent": "50"}
    services.restore_metric(actor=org.office, score=row, today=today)
    row.refresh_from_db()
    assert not row.metric_overridden and row.declared == row.metric["data"]
    entry = AuditEntry.objects.filter(action="score.metric_restored").get()
    assert entry.changes["self_points"] == ["0.00", "2.50"]  # 50 % is below every band; 1/1 task on time


def test_submitted_self_assessment_keeps_its_figures_and_only_submitted_cards_rank(par, org, make_task, today):
    round_, card = par
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note="KH", today=today)
    _submit(card, org, today)
    make_task(deadline=today - dt.timedelta(days=3), status="done", plan=org.agency.plans.get())
    assert services.refresh_metrics(actor=None, scorecard=card, today=today) == 0
    assert score_of(card, "1.5").declared is None
    rows = services.ranking(round_, "self")
    assert [(r["agency"], r["rank"]) for r in rows] == [(org.agency, 1), (org.other, None)]


def test_participants_see_no_rank_before_publication(par, org, login, today):
    round_, card = par
    other = Scorecard.objects.get(round=round_, agency=org.other)
    services.save_declared(actor=org.admin, score=score_of(other, "1.1.1"), raw=True, note="kh", today=today)
    _submit(other, org, today)
    page = login(org.outsider).get(reverse("scorecards:results", args=[other.pk]))
    assert all(c["rank"] is None for c in page.context["columns"])
    page = login(org.outsider).get(reverse("scorecards:round_detail", args=[round_.pk]))
    assert [r["rank"] for r in page.context["rows"]] == [None]
    page = login(org.appraiser).get(reverse("scorecards:round_detail", args=[round_.pk]))
    assert [r["rank"] for r in page.context["rows"] if r["agency"] == org.other] == [1]


def test_rejecting_a_not_applicable_needs_a_reason(par, org, today):
    round_, card = par
    services.save_declared(actor=org.office, score=score_of(card, "2.1"), raw="na", note="Không được giao", today=today)
    _submit(card, org, today)
    services.advance_phase(actor=org.appraiser, round_=round_)
    with pytest.raises(services.ScoreError):
        services.appraise(
            actor=org.appraiser, score=score_of(card, "2.1"), column="a1", points=Decimal(0), reason="", today=today
        )
    services.appraise(
        actor=org.appraiser,
        score=score_of(card, "2.1"),
        column="a1",
        points=Decimal(0),
        reason="Có giao 2 văn bản",
        today=today,
    )
    card.refresh_from_db()
    assert Decimal(card.results["a1"]["max"]) == Decimal(card.results["self"]["max"]) + 3


def test_reopening_the_explanation_phase_lets_the_unit_explain_again(par, org, today):
    round_, card = par
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note="KH", today=today)
    _submit(card, org, today)
    services.advance_phase(actor=org.appraiser, round_=round_)
    services.appraise(
        actor=org.appraiser,
        score=score_of(card, "1.1.1"),
        column="a1",
        points=Decimal(0),
        reason="Trễ hạn",
        request_explanation=True,
        today=today,
    )
    services.advance_phase(actor=org.appraiser, round_=round_)
    services.explain(actor=org.office, score=score_of(card, "1.1.1"), text="Đúng hạn", today=today)
    services.submit_explanations(actor=org.office, scorecard=card, today=today)
    with pytest.raises(services.ScoreError):
        services.explain(actor=org.office, score=score_of(card, "1.1.1"), text="Bổ sung", today=today)
    services.advance_phase(actor=org.appraiser, round_=round_)
    services.reopen_phase(actor=org.appraiser, round_=round_, phase="explanation", closes_on=None, reason="Bổ sung")
    services.explain(actor=org.office, score=score_of(card, "1.1.1"), text="Bổ sung", today=today)
    assert score_of(card, "1.1.1").explanation == "Bổ sung"


def test_new_round_does_not_carry_last_years_survey(par, org, today):
    round_, card = par
    NodeScore.objects.filter(pk=score_of(card, "8.2").pk).update(declared={"percent": "90"})
    stored, _ = services.load_criteria_set(
        province=round_.organizer.province, data={**read_yaml(DEMO_SET), "code": "NEXT", "year": 2027}, publish=True
    )
    new = services.create_round(
        actor=None,
        organizer=round_.organizer,
        criteria_set=stored,
        agencies=[org.agency],
        name="2027",
        year=2027,
        today=today,
        previous=round_,
    )
    assert score_of(new.scorecards.get(), "8.2").declared is None


def test_yearly_figure_is_asked_for_in_january(org):
    from scorecards.models import MetricSeries

    series = MetricSeries.objects.create(
        agency=org.agency, key="trained", name="Đào tạo", kind="count", frequency="yearly", owner_unit=org.unit_a
    )
    labels = [label for _start, _end, label in services.missing_periods(series, dt.date(2027, 1, 10))]
    assert labels == ["Năm 2026"]
    services.enter_metric(actor=None, series=series, period_end=dt.date(2026, 12, 31), value=Decimal(12))
    assert services.missing_periods(series, dt.date(2027, 1, 10)) == []


def test_leader_appraisers_and_the_office_are_told_when_it_is_their_turn(par, org, today):
    from core.models import Notification

    round_, card = par
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note="KH", today=today)
    services.send_for_approval(actor=org.office, scorecard=card, today=today)
    assert Notification.objects.filter(user=org.leader, kind="par").count() == 1
    services.approve_and_submit(actor=org.leader, scorecard=card, today=today)
    assert Notification.objects.filter(user=org.appraiser, kind="par").count() == 1
    services.advance_phase(actor=org.appraiser, round_=round_)
    services.appraise(
        actor=org.appraiser,
        score=score_of(card, "1.1.1"),
        column="a1",
        points=Decimal(0),
        reason="Trễ",
        request_explanation=True,
        today=today,
    )
    services.advance_phase(actor=org.appraiser, round_=round_)
    assert Notification.objects.filter(user=org.office, kind="par").count() == 1
    assert not Notification.objects.filter(user=org.outsider).exists()


def test_large_ids_are_not_written_with_thousand_separators(par, org, login, today):
    """Vietnamese formats 5000 as 5.000: ids in forms and element ids must stay plain."""
    round_, card = par
    Document.objects.create(pk=5000, agency=org.agency, abstract="Kế hoạch CCHC", created_by=org.office)
    row = score_of(card, "1.1.1")
    client = login(org.office)
    page = client.get(reverse("scorecards:row_evidence", args=[card.pk, row.pk])).content.decode()
    assert 'value="5000"' in page and "5.000" not in page
    client.post(reverse("scorecards:row_evidence", args=[card.pk, row.pk]), {"document": "5000"})
    assert row.evidence.get().pk == 5000
    # the scoring table's row ids and inputs too
    NodeScore.objects.filter(pk=row.pk).delete()
    row = NodeScore.objects.create(pk=7000, scorecard=card, code="1.1.1")
    page = client.get(reverse("scorecards:scorecard", args=[card.pk])).content.decode()
    assert 'id="row-7000"' in page and 'id="value-7000"' in page
