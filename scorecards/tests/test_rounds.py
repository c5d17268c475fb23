"""Rounds: phases that lock when they close and reopen with a reason, a new round pre-filled from
last year, what participants see of the ranking before and after publication."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import AuditEntry
from scorecards import services
from scorecards.errors import ScoreError
from scorecards.files import read_yaml
from scorecards.loader import DEMO_SET
from scorecards.models import NodeScore, Phase, Scorecard
from scorecards.tests.helpers import score_of, submit


def test_other_agencies_do_not_see_results_before_publication(par, org, login):
    round_, card = par
    page = login(org.outsider).get(reverse("scorecards:round_detail", args=[round_.pk])).content.decode()
    assert org.agency.name not in page


def test_phase_locks_when_it_closes_and_reopening_needs_a_reason(par, org, today):
    round_, card = par
    later = round_.self_closes_on + dt.timedelta(days=1)
    with pytest.raises(ScoreError, match=f"{round_.self_closes_on:%d/%m/%Y}"):
        services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note=None, today=later)
    with pytest.raises(ScoreError):
        services.reopen_phase(actor=org.appraiser, round_=round_, phase="self", closes_on=later, reason=" ")
    services.reopen_phase(actor=org.appraiser, round_=round_, phase="self", closes_on=later, reason="Gia hạn theo CV 5")
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note=None, today=later)
    assert AuditEntry.objects.filter(action="round.reopened", note="Gia hạn theo CV 5").exists()


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


def test_participants_see_no_rank_before_publication(par, org, login, today):
    round_, card = par
    other = Scorecard.objects.get(round=round_, agency=org.other)
    services.save_declared(actor=org.admin, score=score_of(other, "1.1.1"), raw=True, note="kh", today=today)
    submit(other, org, today)
    page = login(org.outsider).get(reverse("scorecards:results", args=[other.pk]))
    assert all(c["rank"] is None for c in page.context["columns"])
    page = login(org.outsider).get(reverse("scorecards:round_detail", args=[round_.pk]))
    assert [r["rank"] for r in page.context["rows"]] == [None]
    page = login(org.appraiser).get(reverse("scorecards:round_detail", args=[round_.pk]))
    assert [r["rank"] for r in page.context["rows"] if r["agency"] == org.other] == [1]


def test_round_steps_are_one_url_each(par, org, login):
    round_, card = par
    appraiser = login(org.appraiser)
    url = {step: reverse(f"scorecards:round_{step}", args=[round_.pk]) for step in ("advance", "reopen", "publish")}
    page = appraiser.get(reverse("scorecards:round_detail", args=[round_.pk])).content.decode()
    assert f'action="{url["advance"]}"' in page and f'action="{url["reopen"]}"' in page
    response = appraiser.post(url["reopen"], {"phase": "self"}, follow=True)  # no reason
    assert "Vui lòng chọn giai đoạn và nêu lý do mở lại." in response.content.decode()
    response = appraiser.post(url["publish"], {}, follow=True)
    round_.refresh_from_db()
    assert round_.phase == Phase.SELF and not round_.decision_number
    response = appraiser.post(url["advance"], follow=True)
    round_.refresh_from_db()
    assert round_.phase == Phase.APPRAISAL1 and "Đợt đánh giá đã chuyển sang giai đoạn" in response.content.decode()
    appraiser.post(url["reopen"], {"phase": "self", "reason": "Cơ quan nộp muộn", "closes_on": "2026-12-31"})
    round_.refresh_from_db()
    assert round_.phase == Phase.SELF and round_.self_closes_on == dt.date(2026, 12, 31)
    assert AuditEntry.objects.filter(action="round.reopened", note="Cơ quan nộp muộn").exists()
    for step in url:  # participants see the round but do not run it
        assert login(org.office).post(url[step], {"reason": "x"}).status_code == 403
    round_.refresh_from_db()
    assert round_.phase == Phase.SELF
