"""Self-scoring in the scoring table: declared values scored as they are typed, refused values said
in the user's words, system figures replaced with a reason and used again, who may enter what."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.models import AuditEntry
from scorecards import services
from scorecards.errors import ScoreError
from scorecards.tests.helpers import alert, assigned_task, post_row, posts_to, row_html, row_url, score_of


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


def test_external_criterion_takes_the_system_metric_and_override_needs_a_reason(par, org, login, today):
    round_, card = par
    assigned_task(org, today, code="UBND-1")
    assigned_task(org, today, code="UBND-2", done=False, days_ago=2)
    services.refresh_metrics(actor=None, scorecard=card, today=today)
    row = score_of(card, "1.5")
    assert row.declared == {"numerator": 1, "denominator": 2}
    assert row.metric["key"] == "assigned_tasks_on_time_rate"
    client = login(org.office)
    response = post_row(client, card, "1.5", {"numerator": "2", "denominator": "2"})
    assert "dữ liệu hệ thống" in alert(response)
    response = post_row(client, card, "1.5", {"numerator": "2", "denominator": "2", "reason": ""}, step="override")
    assert "lý do thay thế" in alert(response)
    data = {"numerator": "2", "denominator": "2", "reason": "Số liệu tỉnh"}
    post_row(client, card, "1.5", data, step="override")
    row.refresh_from_db()
    assert row.metric_overridden and row.declared == {"numerator": "2", "denominator": "2"}
    assert services.refresh_metrics(actor=None, scorecard=card, today=today) == 0


def test_review_rules_sub_blocks_survey_override_and_bonus_evidence(par, org, login, make_task, today):
    round_, card = par
    # a sub-block given to another unit is that unit's alone
    services.assign_block(actor=org.office, scorecard=card, code="1", unit=org.unit_a)
    services.assign_block(actor=org.office, scorecard=card, code="1.2", unit=org.unit_b)
    assert post_row(login(org.officer), card, "1.2", {"violations": "0"}).status_code == 403
    assert post_row(login(org.officer), card, "1.3", {"value": "Không kiểm tra"}).status_code == 200
    assert post_row(login(org.other_officer), card, "1.2", {"violations": "0"}).status_code == 200
    # a survey result cannot be "replaced" by the agency
    response = post_row(login(org.office), card, "8.2", {"percent": "100", "reason": "x"}, step="override")
    assert alert(response) and score_of(card, "8.2").declared is None
    # bonus points need evidence or an explanation like any other points
    services.save_declared(
        actor=org.office, score=score_of(card, "B1", "bonus"), raw={"points": "1"}, note="", today=today
    )
    with pytest.raises(ScoreError, match=r"\+B1"):
        services.send_for_approval(actor=org.office, scorecard=card, today=today)


def test_replaced_figure_keeps_the_explanation_and_can_be_restored(par, org, today):
    round_, card = par
    assigned_task(org, today)
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
    assert entry.changes["self_points"] == ["0.00", "2.50"]  # 50 % is below every band; 1/1 assigned task on time


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_each_row_posts_to_its_own_step(par, org, login, today):
    round_, card = par
    assigned_task(org, today)
    services.refresh_metrics(actor=None, scorecard=card, today=today)  # 1.5 takes a system figure
    page = login(org.office).get(reverse("scorecards:scorecard", args=[card.pk])).content.decode()
    assert posts_to(row_html(page, score_of(card, "1.1.1"))) == ["declare"]
    assert posts_to(row_html(page, score_of(card, "1.5"))) == ["override"]  # a system figure is only replaced
    assert posts_to(row_html(page, score_of(card, "B1", "bonus"))) == ["declare"]
    assert posts_to(row_html(page, score_of(card, "8.2"))) == []  # the survey is the council's
    assert 'name="action"' not in page


def test_declare_outside_htmx_goes_back_to_the_row_with_the_refusal(par, org, login):
    round_, card = par
    row = score_of(card, "1.1.2")
    response = login(org.office).post(row_url("declare", card, row), {"numerator": "3"})
    assert response.status_code == 302
    assert response["Location"] == reverse("scorecards:scorecard", args=[card.pk]) + f"#row-{row.pk}"
    assert messages_of(response) == ["1.1.2: Nhập cả số đạt và tổng số (hoặc tỷ lệ phần trăm)."]
    assert score_of(card, "1.1.2").declared is None


def test_declare_a_bonus_item(par, org, login):
    round_, card = par
    client = login(org.office)
    response = post_row(client, card, "B2", {"points": "1,5", "note": "QĐ khen thưởng"}, block="bonus")
    assert response.status_code == 200 and not alert(response)
    item = score_of(card, "B2", "bonus")
    assert item.declared == {"points": "1.50"} and item.note == "QĐ khen thưởng"
    response = post_row(client, card, "B1", {"points": "1,5"}, block="bonus")  # B1 is worth 1 point
    assert alert(response) == "Số điểm phải từ 0 đến 1." and score_of(card, "B1", "bonus").declared is None


def test_override_and_restore_a_system_figure_through_their_urls(par, org, login, today):
    round_, card = par
    assigned_task(org, today)
    services.refresh_metrics(actor=None, scorecard=card, today=today)
    client = login(org.office)
    response = post_row(client, card, "1.5", {"percent": "50", "reason": "Số liệu tỉnh"}, step="override")
    assert not alert(response)
    row = score_of(card, "1.5")
    assert row.metric_overridden and row.declared == {"percent": "50"}
    # the replaced figure's row offers the system figure again, through its own step
    assert posts_to(row_html(response.content.decode(), row)) == ["override", "restore"]
    response = post_row(client, card, "1.5", {"restore": "1", "reason": "Số liệu tỉnh"}, step="restore")
    row.refresh_from_db()
    assert not row.metric_overridden and row.declared == row.metric["data"]
    assert AuditEntry.objects.filter(action="score.metric_restored", object_id=str(row.pk)).exists()


def test_only_those_who_enter_the_criterion_take_the_agency_steps(par, org, login):
    round_, card = par
    row = score_of(card, "1.1.1")
    for step in ("declare", "override", "restore", "explain"):
        assert login(org.officer).post(row_url(step, card, row), {"value": "true"}).status_code == 403
        assert login(org.auditor).post(row_url(step, card, row), {"value": "true"}).status_code == 403
        assert login(org.outsider).post(row_url(step, card, row), {"value": "true"}).status_code == 404
    assert login(org.office).get(row_url("declare", card, row)).status_code == 405
    assert score_of(card, "1.1.1").declared is None
