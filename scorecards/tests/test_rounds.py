"""Rounds: phases that lock when they close and reopen with a reason, a new round pre-filled from
last year, what participants see of the ranking before and after publication."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

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


def test_round_steps_are_one_url_each_and_ask_first(par, org, login):
    round_, card = par
    appraiser = login(org.appraiser)
    url = {step: reverse(f"scorecards:round_{step}", args=[round_.pk]) for step in ("advance", "reopen", "publish")}
    page = appraiser.get(reverse("scorecards:round_detail", args=[round_.pk])).content.decode()
    # the close button leads to a page that asks; reopening is a page of its own, away from it
    assert f'href="{url["advance"]}"' in page and f'href="{url["reopen"]}"' in page
    assert 'method="post" action="/par/' not in page  # no step runs from a single click here
    assert page.index('id="phase-panel"') < page.index('id="ranking"') < page.index('id="reopen-panel"')
    response = appraiser.post(url["reopen"], {"phase": "self", "confirm": "1", "reason": ""})  # no reason
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    response = appraiser.post(url["reopen"], {"phase": "self", "reason": "Cơ quan nộp muộn"})  # not confirmed
    assert response.status_code == 400 and "Cơ quan nộp muộn" in response.content.decode()  # the reason is kept
    response = appraiser.post(url["publish"], {"decision_number": "12/QĐ", "confirm": "1"}, follow=True)
    round_.refresh_from_db()
    assert round_.phase == Phase.SELF and not round_.decision_number  # refused: not the council's phase yet
    response = appraiser.post(url["advance"], follow=True)  # not confirmed: asked again, nothing done
    round_.refresh_from_db()
    assert round_.phase == Phase.SELF and response.redirect_chain[-1][0] == url["advance"]
    response = appraiser.post(url["advance"], {"confirm": "1"}, follow=True)
    round_.refresh_from_db()
    assert round_.phase == Phase.APPRAISAL1 and "Đợt đánh giá đã chuyển sang giai đoạn" in response.content.decode()
    data = {"phase": "self", "reason": "Cơ quan nộp muộn", "closes_on": "31/12/2026", "confirm": "1"}
    assert appraiser.post(url["reopen"], data).status_code == 302
    round_.refresh_from_db()
    assert round_.phase == Phase.SELF and round_.self_closes_on == dt.date(2026, 12, 31)
    assert AuditEntry.objects.filter(action="round.reopened", note="Cơ quan nộp muộn").exists()
    for step in url:  # participants see the round but do not run it
        assert login(org.office).get(url[step]).status_code == 403
        assert login(org.office).post(url[step], {"reason": "x", "confirm": "1"}).status_code == 403
    round_.refresh_from_db()
    assert round_.phase == Phase.SELF


def test_closing_a_phase_warns_of_the_agencies_that_have_not_submitted(par, org, login, today):
    round_, card = par
    submit(card, org, today)
    appraiser = login(org.appraiser)
    page = appraiser.get(reverse("scorecards:round_advance", args=[round_.pk]))
    assert [p.agency for p in page.context["pending"]] == [org.other]  # submitted agencies are not listed
    html = page.content.decode()
    other = Scorecard.objects.get(round=round_, agency=org.other)
    assert f"{org.other.name}: {other.get_status_display()} — {_('not submitted')}" in html
    assert 'name="confirm"' in html and org.agency.name not in html.split('id="pending"')[1].split("</section>")[0]
    detail = appraiser.get(reverse("scorecards:round_detail", args=[round_.pk])).content.decode()
    assert org.other.name in detail.split('id="phase-panel"')[1].split("</section>")[0]


def test_the_council_closes_by_publishing_with_a_confirmation(par, org, login):
    round_, card = par
    while round_.phase != Phase.COUNCIL:
        round_ = services.advance_phase(actor=org.appraiser, round_=round_)
    appraiser = login(org.appraiser)
    advance = appraiser.get(reverse("scorecards:round_advance", args=[round_.pk]))
    publish = reverse("scorecards:round_publish", args=[round_.pk])
    assert advance.status_code == 302 and advance["Location"] == publish
    page = appraiser.get(publish).content.decode()
    assert 'data-datepicker="date"' in page and 'name="confirm"' in page
    unconfirmed = appraiser.post(publish, {"decision_number": "123/QĐ-UBND", "decision_date": "15/03/2027"})
    assert unconfirmed.status_code == 400 and "123/QĐ-UBND" in unconfirmed.content.decode()
    round_.refresh_from_db()
    assert round_.phase == Phase.COUNCIL
    data = {"decision_number": "123/QĐ-UBND", "decision_date": "15/03/2027", "confirm": "1"}
    assert appraiser.post(publish, data).status_code == 302
    round_.refresh_from_db()
    assert round_.phase == Phase.PUBLISHED and round_.decision_date == dt.date(2027, 3, 15)
