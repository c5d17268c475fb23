"""SIPAS collection and results: single-use receipt links, the open link's guards, paper entry and
file import (all or nothing), invalidation and comment review (logged), breakdowns with hidden
small cells, the sample plan, and the figure fed to the PAR scorecard."""

import datetime as dt
import io
import logging
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document as Docx
from openpyxl import Workbook

from core.metrics import compute_metric
from core.models import AuditEntry
from procedures import services as tthc
from procedures.models import Procedure
from surveys import disclosure, mixing, selectors, services, tokens
from surveys.logs import DropSurveyQuery
from surveys.models import Campaign, Response, SurveyToken
from surveys.services import Answers

ITEMS = [f"q{n}" for n in range(15, 34)]
FORM = selectors.questionnaire(selectors.DEFAULT_QUESTIONNAIRE)


def answers(value=4, **overrides):
    data = dict.fromkeys(ITEMS, value)
    data.update(overrides)
    return data


def post_data(value=4, **extra):
    return {**{code: str(value) for code in ITEMS}, **extra}


@pytest.fixture
def procedure(org):
    return Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp phép", limit=5, field="Đầu tư")


@pytest.fixture
def dossier(org, procedure, cal):
    received = dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC)
    return tthc.receive(
        actor=org.office, agency=org.agency, procedure=procedure, received_at=received, cal=cal, unit=org.unit_a
    )


def survey_link(dossier):
    return reverse("survey_start") + "?t=" + tokens.issue(dossier)


def open_survey(client, dossier) -> str:
    """Scans the receipt's link as a phone would and returns the form's own invitation field."""
    client.get(survey_link(dossier))
    return client.get(reverse("survey_form")).context["invitation"]


# --- the receipt link ---------------------------------------------------------------------------


def test_receipt_carries_a_single_use_survey_link(client, org, dossier):
    client.force_login(org.office)
    docx = Docx(io.BytesIO(client.get(reverse("procedures:receipt", args=[dossier.pk])).content))
    text = "\n".join(p.text for p in docx.paragraphs)
    token = tokens.token_for(dossier)
    assert f"/khao-sat/?t={token}" in text
    assert len(docx.inline_shapes) == 2  # the status QR code and the survey QR code
    # only the keyed hash is stored, with what the response will copy
    row = SurveyToken.objects.get()
    assert row.digest == tokens.digest(token) and token not in row.digest
    assert (row.unit, row.procedure_code, row.used) == (org.unit_a, "1.001", False)
    # a reprint carries the same link and issues nothing new
    client.get(reverse("procedures:receipt", args=[dossier.pk]))
    assert SurveyToken.objects.count() == 1


def test_link_is_swapped_for_a_session_then_spent_once(client, org, dossier):
    start = client.get(survey_link(dossier))
    assert start.status_code == 302 and start["Location"] == reverse("survey_form")
    assert "t=" not in start["Location"]
    page = client.get(reverse("survey_form"))
    assert page.status_code == 200 and "q15" in page.content.decode()
    assert "checked" not in page.content.decode()  # nothing is answered for the person
    assert f'maxlength="{FORM.comment_max_length}"' in page.content.decode()  # not "2.000" (vi)
    invitation = page.context["invitation"]
    assert tokens.token_for(dossier) not in page.content.decode()  # the page holds the hash, signed
    sent = client.post(
        reverse("survey_form"),
        post_data(5, q20="na", e1="3", profile_gender="female", comment="Tốt", invitation=invitation),
    )
    assert sent.status_code == 302 and sent["Location"] == reverse("survey_thanks")
    assert not Response.objects.exists()  # it waits in the mix pool for a batch (or the day's end)
    assert mixing.waiting([org.agency.pk]) == 1
    mixing.flush()
    response = Response.objects.get()
    assert response.answers["q15"] == 5 and response.answers["q20"] is None and response.answers["e1"] == 3
    assert (response.unit, response.procedure_code, response.channel, response.source) == (
        org.unit_a,
        "1.001",
        "online",
        "receipt",
    )
    assert response.profile == {"gender": "female"}
    stored = " ".join(str(v) for v in Response.objects.values().get().values())
    assert dossier.code not in stored and tokens.token_for(dossier) not in stored
    # the same link again: a clear page and no second response
    again = client.get(survey_link(dossier))
    assert again.status_code == 410 and "đã được sử dụng" in again.content.decode()
    # the old page cannot post a second time either, nor a page without its invitation
    assert client.post(reverse("survey_form"), post_data(1, invitation=invitation)).status_code == 410
    assert client.post(reverse("survey_form"), post_data(1)).status_code == 400
    assert Response.objects.count() == 1


def test_two_tabs_of_one_link_give_one_response(client, org, dossier):
    from django.test import Client

    other = Client()
    mine, theirs = open_survey(client, dossier), open_survey(other, dossier)
    assert client.post(reverse("survey_form"), post_data(4, invitation=mine)).status_code == 302
    late = other.post(reverse("survey_form"), post_data(2, invitation=theirs))
    assert late.status_code == 410
    mixing.flush()
    assert Response.objects.count() == 1 and SurveyToken.objects.get().used


def test_two_receipts_in_one_browser_answer_each_for_its_own_dossier(client, org, dossier, procedure, cal):
    second = tthc.receive(
        actor=org.office,
        agency=org.agency,
        procedure=procedure,
        cal=cal,
        received_at=dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC),
        unit=org.unit_b,
    )
    first_page = open_survey(client, dossier)
    open_survey(client, second)  # the cookie now names the second receipt
    forged = "x" + first_page[1:]
    assert client.post(reverse("survey_form"), post_data(4, invitation=forged)).status_code == 400
    assert client.post(reverse("survey_form"), post_data(4, invitation=first_page)).status_code == 302
    mixing.flush()
    assert Response.objects.get().unit == org.unit_a  # the first dossier's unit
    # the spent link forgets its unit (the response holds it); the other still waits for its answer
    used = dict(SurveyToken.objects.values_list("unit_id", "used"))
    assert used == {None: True, org.unit_b.pk: False}


def test_forged_and_malformed_links_are_refused(client, org, dossier):
    tokens.issue(dossier)
    forged = client.get(reverse("survey_start") + "?t=" + "A" * tokens.TOKEN_LENGTH)
    assert forged.status_code == 404 and "không hợp lệ" in forged.content.decode()
    assert client.get(reverse("survey_start") + "?t=../../etc").status_code == 404
    assert client.get(reverse("survey_form")).status_code == 400  # no session: open the link again
    assert not Response.objects.exists()


def test_empty_answers_and_overlong_comment_are_refused(client, org, dossier):
    invitation = open_survey(client, dossier)
    empty = client.post(reverse("survey_form"), {"comment": "x", "invitation": invitation})
    assert empty.status_code == 200 and "ít nhất một câu" in empty.content.decode()
    too_long = "x" * (FORM.comment_max_length + 1)
    long = client.post(reverse("survey_form"), post_data(4, comment=too_long, invitation=invitation))
    assert long.status_code == 200 and long.context["form"].errors["comment"]
    bad = client.post(reverse("survey_form"), post_data(4, q15="9", invitation=invitation))
    assert bad.context["form"].errors["q15"]
    assert not Response.objects.exists() and not SurveyToken.objects.get().used


def test_invitation_follows_the_dossier_to_its_new_unit(org, dossier):
    tokens.issue(dossier)
    tthc.hand_over(dossier, actor=org.office, giver="Một cửa", receiver="KHTH", to_unit=org.unit_b)
    assert SurveyToken.objects.get().unit == org.unit_b


def test_survey_paths_are_logged_without_the_token():
    record = logging.LogRecord(
        "django.server", 20, "", 0, '"%s" %s %s', ("GET /khao-sat/?t=SECRET HTTP/1.1", 302, 0), None
    )
    DropSurveyQuery().filter(record)
    assert "SECRET" not in record.getMessage() and "/khao-sat/ HTTP/1.1" in record.getMessage()
    other = logging.LogRecord("django.server", 20, "", 0, '"%s"', ("GET /tthc/?q=a HTTP/1.1",), None)
    DropSurveyQuery().filter(other)
    assert "q=a" in other.getMessage()


def test_responses_keep_no_time_no_address_no_dossier():
    fields = {f.name: f.get_internal_type() for f in Response._meta.get_fields() if hasattr(f, "get_internal_type")}
    assert "DateTimeField" not in fields.values()
    assert not {"ip", "ip_address", "user_agent", "dossier", "token", "created_at"} & set(fields)
    assert fields["id"] == "UUIDField"


# --- the open link --------------------------------------------------------------------------------


@pytest.fixture
def campaign(org, today):
    return Campaign.objects.create(
        agency=org.agency,
        name="Đợt 1",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
        open_link=True,
    )


def test_open_link_is_flagged_rate_limited_and_has_a_honeypot(client, org, campaign, settings):
    settings.SIPAS_OPEN_LIMIT, settings.SIPAS_COUNTER_LIMIT = 1, 2
    url = reverse("survey_counter", args=[campaign.open_key, org.unit_b.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, post_data(4)).status_code == 302
    bot = client.post(url, post_data(4, website="http://spam"))
    assert bot.status_code == 302  # the bot is thanked and ignored
    assert client.post(url, post_data(4)).status_code == 429
    # the open link counts apart from the counter, with its own (smaller) limit
    plain = reverse("survey_open", args=[campaign.open_key])
    assert client.post(plain, post_data(4)).status_code == 302
    assert client.post(plain, post_data(4)).status_code == 429
    response = Response.objects.get(channel="direct")
    assert (response.source, response.channel, response.unit, response.campaign) == (
        "open",
        "direct",
        org.unit_b,
        campaign,
    )
    # reported apart: not in the default figures
    assert selectors.responses([org.agency.pk]).count() == 0
    assert selectors.responses([org.agency.pk], include_open=True).count() == 2


def test_open_link_closed_unknown_or_switched_off(client, org, campaign, today):
    campaign.ends_on = today - dt.timedelta(days=1)
    campaign.save()
    assert client.get(reverse("survey_open", args=[campaign.open_key])).status_code == 410
    assert client.get(reverse("survey_open", args=["nope"])).status_code == 404
    campaign.open_link = False
    campaign.ends_on = today
    campaign.save()
    assert client.get(reverse("survey_open", args=[campaign.open_key])).status_code == 404
    other_unit = org.other.units.first()
    campaign.open_link = True
    campaign.save()
    assert client.get(reverse("survey_counter", args=[campaign.open_key, other_unit.pk])).status_code == 404


# --- staff entry, import, invalidation, comments ----------------------------------------------------


def test_paper_entry_is_logged_and_joins_the_running_campaign(client, org, procedure, campaign, today):
    client.force_login(org.officer)
    data = post_data(3, answered_on=today.isoformat(), unit=org.unit_a.pk, procedure=procedure.pk)
    assert client.post(reverse("surveys:entry"), data).status_code == 302
    response = Response.objects.get()
    assert (response.channel, response.source, response.campaign, response.entered_by) == (
        "paper",
        "staff",
        campaign,
        org.officer,
    )
    assert AuditEntry.objects.filter(action="sipas.entered", object_id=str(response.pk), actor=org.officer).exists()
    future = client.post(reverse("surveys:entry"), {**data, "answered_on": (today + dt.timedelta(days=1)).isoformat()})
    assert future.context["form"].errors["answered_on"]
    client.force_login(org.auditor)
    assert client.get(reverse("surveys:entry")).status_code == 403


def workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["response_id", *ITEMS, "e1", "unit", "procedure_code", "date", "gender", "comment"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(rid, value=4, unit="QLDN", code="1.001", day=dt.date(2026, 3, 10), gender="Nữ", comment=""):
    return [rid, *([value] * len(ITEMS)), 2, unit, code, day, gender, comment]


def test_import_is_all_or_nothing_with_located_problems(client, org, procedure):
    client.force_login(org.office)
    bad = workbook([row("P1"), row("P2", value=7), row("P3", unit="Phòng ma"), row("P4", code="9.9"), row("P1")])
    page = client.post(reverse("surveys:import"), {"file": SimpleUploadedFile("phieu.xlsx", bad)})
    problems = {(p.row, p.column) for p in page.context["problems"]}
    assert {(3, "q15"), (4, "unit"), (5, "procedure_code"), (6, "response_id")} <= problems
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
    assert {p.reason for p in again.context["problems"]} == {"already imported for this agency"}
    assert Response.objects.count() == 2
    junk = client.post(reverse("surveys:import"), {"file": SimpleUploadedFile("phieu.xlsx", b"not a workbook")})
    assert "not an Excel workbook" in junk.context["problems"][0].reason


def test_invalidation_needs_a_reason_is_logged_and_leaves_the_figures(client, org):
    kept = services.build_response(
        Answers(answers(5), {}),
        agency_id=org.agency.pk,
        unit_id=None,
        procedure_id=None,
        procedure_code="",
        channel="online",
        source="receipt",
        questionnaire=FORM.code,
        day=dt.date(2026, 3, 1),
    )
    kept.save()
    dropped = Response.objects.create(
        agency=org.agency,
        channel="online",
        source="receipt",
        questionnaire=FORM.code,
        answered_on=dt.date(2026, 3, 1),
        answers=answers(1),
    )
    url = reverse("surveys:invalidate", args=[dropped.pk])
    client.force_login(org.office)  # row by row: the administrator only (issue 18 H2)
    assert client.post(url, {"reason": "Phiếu trùng"}).status_code == 403
    client.force_login(org.admin)
    client.post(url, {"reason": "  "})
    assert Response.objects.get(pk=dropped.pk).is_valid
    client.post(url, {"reason": "Phiếu trùng, cùng nét chữ"})
    entry = AuditEntry.objects.get(action="sipas.invalidated")
    assert (entry.actor, entry.note, entry.changes) == (
        org.admin,
        "Phiếu trùng, cùng nét chữ",
        {"invalid_reason": ["", "Phiếu trùng, cùng nét chữ"]},
    )
    index = selectors.summary(selectors.responses([org.agency.pk]), FORM)
    assert index.responses == 1 and index.overall == 100
    client.post(url, {"reason": "Xác minh lại: hợp lệ", "action": "restore"})
    assert selectors.responses([org.agency.pk]).count() == 2
    client.force_login(org.officer)
    assert client.post(url, {"reason": "x"}).status_code == 403


def test_comments_are_redacted_reviewed_and_logged(client, org):
    response = services.build_response(
        Answers(answers(4), {}, "Tôi là Lan, sđt 0912.345.678, email lan@example.vn, CCCD 012345678901"),
        agency_id=org.agency.pk,
        unit_id=None,
        procedure_id=None,
        procedure_code="",
        channel="online",
        source="receipt",
        questionnaire=FORM.code,
        day=dt.date(2026, 3, 1),
    )
    response.save()
    for secret in ("0912", "lan@example.vn", "012345678901"):
        assert secret not in response.comment_shown
    client.force_login(org.office)
    assert response.comment_shown in client.get(reverse("surveys:comments")).content.decode()
    client.post(
        reverse("surveys:moderate", args=[response.pk]), {"state": "shown", "shown": "Tôi là [tên], sđt 0912345678"}
    )
    response.refresh_from_db()
    assert response.comment_state == "shown" and "0912345678" not in response.comment_shown
    assert AuditEntry.objects.filter(action="sipas.comment", object_id=str(response.pk)).exists()
    q1 = {"campaign": "all", "year": 2026, "period": "quarter", "number": 1}
    assert "[tên]" not in client.get(reverse("surveys:dashboard"), q1).content.decode()  # 1 < 5
    for _n in range(4):
        make(org, 4)
    assert "[tên]" in client.get(reverse("surveys:dashboard"), q1).content.decode()


# --- results ---------------------------------------------------------------------------------------


def make(org, value, *, unit=None, day=dt.date(2026, 3, 1), profile=None, source="receipt", **overrides):
    return Response.objects.create(
        agency=org.agency,
        unit=unit,
        channel="online",
        source=source,
        questionnaire=FORM.code,
        answered_on=day,
        answers=answers(value, **overrides),
        profile=profile or {},
    )


def test_breakdown_hides_small_cells_and_flags_small_samples(org):
    for n in range(6):
        make(org, 5 if n < 3 else 3, unit=org.unit_a, profile={"gender": "female"})
    for _n in range(5):
        make(org, 4, unit=org.unit_b, profile={"gender": "male"})
    for _n in range(3):
        make(org, 4, unit=org.units["QHXD"], profile={"gender": "male"})
    results = selectors.Results.of_agency(org.agency.pk, FORM, today=dt.date(2026, 12, 7))
    q1 = disclosure.period("quarter", 2026, 1)
    groups = {g.label: g for g in results.breakdown(q1, "unit")}
    assert groups[org.unit_a.name].overall == 50 and groups[org.unit_a.name].low_precision
    assert groups[org.units["QHXD"].name].suppressed and groups[org.units["QHXD"].name].n is None
    # the total minus the shown units would give the 3 hidden: the next smallest unit is hidden too
    assert groups[org.unit_b.name].suppressed and not results.result(q1).suppressed
    by_gender = {g.label: g for g in results.breakdown(q1, "profile:gender")}
    assert by_gender["Nữ"].n == 6 and by_gender["Nam"].n == 8
    march = results.result(disclosure.period("month", 2026, 3))
    assert march.as_data() | {"period": "", "period_label": ""} == results.result(q1).as_data() | {
        "period": "",
        "period_label": "",
    }


def test_dashboard_shows_the_hand_checked_index(client, org):
    # q15: 8 answers, 6 satisfied -> 75 %; other items all satisfied -> 100 %
    # access = mean(75, 100, 100, 100) = 93.75; overall = mean(93.75, 100, 100, 100, 100) = 98.75
    for value in (5, 4, 4, 2, 5, 4, 4, 2):
        make(org, 4, q15=value)
    make(org, 5, q15=None)
    client.force_login(org.officer)
    q1 = {"campaign": "all", "year": 2026, "period": "quarter", "number": 1}
    page = client.get(reverse("surveys:dashboard"), q1)
    index = page.context["index"]
    assert index.items["q15"].n == 8 and index.items["q15"].rate == 75
    assert index.elements["access"].index == Decimal("93.75") and index.overall == Decimal("98.75")
    assert 'id="overall">98.75%' in page.content.decode()
    data = client.get(reverse("surveys:dashboard"), {**q1, "format": "json"}).json()
    assert data["items"]["q15"]["ci_low"] == "40.93" and data["overall"] == "98.75"
    assert client.get(reverse("surveys:export"), q1).status_code == 403  # row by row: the administrator
    client.force_login(org.office)
    assert client.get(reverse("surveys:export"), q1).status_code == 403
    client.force_login(org.admin)
    exported = client.get(reverse("surveys:export"), q1).content.decode("utf-8-sig").splitlines()
    assert exported[0].startswith("response_id,q15,q16") and len(exported) == 10


def test_other_agencies_see_nothing(client, org):
    make(org, 5)
    campaign = Campaign.objects.create(
        agency=org.agency, name="Đợt", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30)
    )
    client.force_login(org.outsider)
    page = client.get(reverse("surveys:dashboard"), {"campaign": "all"})
    assert page.context["index"].responses == 0
    assert client.get(reverse("surveys:campaign", args=[campaign.pk])).status_code == 404


def test_sample_plan_shares_the_quota_by_unit_and_field(org, procedure, cal):
    campaign = Campaign.objects.create(
        agency=org.agency, name="Đợt", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30)
    )
    for n in range(150):
        d = tthc.receive(
            actor=org.office,
            agency=org.agency,
            procedure=procedure,
            cal=cal,
            received_at=dt.datetime(2026, 2, 2, 9, tzinfo=dt.UTC),
            unit=org.unit_a if n < 100 else org.unit_b,
        )
        tthc.finish(d, actor=org.office, outcome="finished", at=dt.datetime(2026, 2, 5, 9, tzinfo=dt.UTC))
    for _n in range(7):
        make(org, 4, unit=org.unit_a)
    Response.objects.update(campaign=campaign, procedure=procedure)
    plan = selectors.plan(campaign)
    assert (plan.population, plan.target) == (150, 110)  # sipas.md §8 table
    strata = {s.unit: s for s in plan.strata}
    assert (strata[org.unit_a.name].quota, strata[org.unit_b.name].quota) == (73, 37)
    assert strata[org.unit_a.name].responses == 7 and strata[org.unit_a.name].progress == 10


def test_campaign_covers_its_units_and_procedures(org, procedure):
    wide = Campaign.objects.create(
        agency=org.agency, name="Cả Ban", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    narrow = Campaign.objects.create(
        agency=org.agency, name="QLDN", starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 31)
    )
    narrow.units.set([org.unit_a])
    find = services.campaign_for
    assert (
        find(agency_id=org.agency.pk, unit_id=org.unit_a.pk, procedure_id=procedure.pk, day=dt.date(2026, 3, 5))
        == narrow
    )
    assert find(agency_id=org.agency.pk, unit_id=org.unit_b.pk, procedure_id=None, day=dt.date(2026, 3, 5)) == wide
    assert find(agency_id=org.agency.pk, unit_id=None, procedure_id=None, day=dt.date(2027, 1, 1)) is None
    assert find(agency_id=org.other.pk, unit_id=None, procedure_id=None, day=dt.date(2026, 3, 5)) is None


def test_campaign_form_refuses_a_backwards_period(client, org):
    client.force_login(org.office)
    page = client.post(
        reverse("surveys:campaigns"),
        {"name": "X", "starts_on": "2026-06-01", "ends_on": "2026-01-01", "margin": "0.05", "min_cell": 5},
    )
    assert page.status_code == 200 and page.context["form"].errors["ends_on"]
    start = timezone.localdate()
    ended = client.post(  # a campaign that has ended already would add a result over read periods
        reverse("surveys:campaigns"),
        {"name": "X", "starts_on": start - dt.timedelta(days=90), "ends_on": start - dt.timedelta(days=1)},
    )
    assert ended.status_code == 200 and ended.context["form"].errors["ends_on"]
    ok = client.post(
        reverse("surveys:campaigns"),
        {
            "name": "Q3",
            "starts_on": start - dt.timedelta(days=30),
            "ends_on": start + dt.timedelta(days=60),
            "margin": "0.05",
            "min_cell": 5,
            "units": [org.unit_a.pk],
        },
    )
    campaign = Campaign.objects.get(name="Q3")
    assert ok["Location"] == reverse("surveys:campaign", args=[campaign.pk]) and list(campaign.units.all()) == [
        org.unit_a
    ]
    client.force_login(org.officer)
    assert client.post(reverse("surveys:campaigns"), {"name": "Y"}).status_code == 403


def test_the_index_feeds_the_par_survey_criterion(org):
    for value in (5, 5, 2, 4, 5, 5, 2, 4):
        make(org, value, day=dt.date(2026, 4, 1))
    make(org, 1, day=dt.date(2026, 4, 1), source="open")  # open-link answers are reported apart
    value = compute_metric("sipas_service_index", agency=org.agency, year=2026, today=dt.date(2026, 11, 28))
    assert value.data == {"percent": "75.00"} and "8" in value.source
    assert value.period == "01/01/2026 – 30/09/2026"  # the latest ended whole period: 9 months
    assert compute_metric("sipas_service_index", agency=org.other, year=2026, today=dt.date(2026, 11, 28)) is None


def test_the_scorecard_shows_the_estimate_and_the_forecast_uses_it(org, today, cal):
    from core.models import Agency
    from scorecards import services as par
    from scorecards.loader import DEMO_SET, load_criteria_file
    from scorecards.models import NodeScore

    snv = Agency.objects.get(code="SNV")
    stored, _ = load_criteria_file(DEMO_SET, province=snv.province, publish=True)
    round_ = par.create_round(
        actor=None, organizer=snv, criteria_set=stored, agencies=[org.agency], name="R", year=2026, today=today
    )
    card = round_.scorecards.get()
    before = par.forecast(agency=org.agency, criteria_set=stored, scorecard=card, today=today, cal=cal)
    assert before["forecast"].nodes["8.2"].status == "absent"  # no survey yet: left out and rescaled
    for value in (5, 4, 4, 2, 5, 4, 4, 2):
        make(org, value, day=dt.date(2026, 4, 1))
    par.refresh_metrics(actor=None, scorecard=card, today=today)
    row = NodeScore.objects.get(scorecard=card, code="8.2", block="")
    assert row.metric["data"] == {"percent": "75.00"} and row.declared is None  # an estimate, not the result
    assert AuditEntry.objects.filter(action="score.metric", object_id=str(row.pk)).exists()
    after = par.forecast(agency=org.agency, criteria_set=stored, scorecard=card, today=today, cal=cal)
    assert after["forecast"].nodes["8.2"].points == Decimal("11.25")  # 15 x 75 %


def test_the_province_compares_its_agencies(client, org):
    for value in (5, 5, 4, 4, 2):
        make(org, value)
    Response.objects.create(
        agency=org.other,
        channel="online",
        source="receipt",
        questionnaire=FORM.code,
        answered_on=dt.date(2026, 3, 1),
        answers=answers(5),
    )
    client.force_login(org.appraiser)
    page = client.get(reverse("surveys:province"), {"year": 2026, "period": "half"})
    groups = {g.label: g for g in page.context["groups"]}
    # an agency's own figures are public (its dashboard, the portal): the Ban's 5 stay shown as
    # they are there, the other agency's one response is hidden, and so is the total (6), or
    # the total minus the Ban would give that one response (issue 18 review, second pass)
    assert page.context["index"].responses == 6 and page.context["suppressed"]
    assert groups[org.agency.name].n == 5 and groups[org.other.name].suppressed
    make(org, 4, day=dt.date(2026, 4, 1))
    for _n in range(4):
        make(org, 4, day=dt.date(2026, 4, 2))
    page = client.get(reverse("surveys:province"), {"year": 2026, "period": "half"})
    groups = {g.label: g for g in page.context["groups"]}
    # the Ban's 10 and the total's 11: the Ban's own figures hide nothing, but the total minus
    # the Ban would give the other agency's one response: the total is hidden, the Ban shown
    assert page.context["index"].responses == 11 and page.context["suppressed"]
    assert groups[org.agency.name].n == 10 and groups[org.other.name].suppressed


def test_api_gives_the_index_of_the_agency_only(client, org):
    for value in (5, 4, 2, 1, 4, 5):
        make(org, value, unit=org.unit_a)
    client.force_login(org.leader)
    query = {"agency": "BQLKKTCK", "from": "2026-01-01", "to": "2026-06-30"}  # a whole period: 6 months
    data = client.get("/api/v1/sipas/index", query).json()
    assert data["responses"] == 6 and data["items"]["q15"]["rate"] == "66.67" and data["overall"] == "66.67"
    assert client.get("/api/v1/sipas/index", {**query, "unit": "KHTH"}).json()["overall"] is None
    make(org, 4, unit=org.unit_b)
    assert client.get("/api/v1/sipas/index", {**query, "unit": "KHTH"}).json() == {
        "agency": "BQLKKTCK",
        "from": "2026-01-01",
        "to": "2026-06-30",
        "questionnaire": FORM.code,
        "ended": True,
        "period": "2026-half-1",
        "period_label": "6 tháng đầu năm 2026",
        "min_cell": 5,
        "responses": None,
        "suppressed": True,
    }
    by_period = {"agency": "BQLKKTCK", "year": 2026, "period": "half"}
    assert client.get("/api/v1/sipas/index", by_period).json()["responses"] == 7
    assert client.get("/api/v1/sipas/index", {**query, "to": "2025-01-01"}).status_code == 422
    client.force_login(org.outsider)
    assert client.get("/api/v1/sipas/index", query).status_code == 404


def test_a_selection_of_few_responses_is_hidden(client, org):
    for value in (5, 1, 4):
        make(org, value, day=dt.date(2026, 3, 2))
    make(org, 4, day=dt.date(2026, 3, 3))
    client.force_login(org.leader)
    march = {"campaign": "all", "year": 2026, "period": "month", "number": 3}
    page = client.get(reverse("surveys:dashboard"), march)
    assert page.context["suppressed"] and 'id="overall"><span class="small text-muted">' in page.content.decode()
    assert page.context["groups"] == []
    assert client.get(reverse("surveys:dashboard"), {**march, "format": "json"}).json() == {
        "period": "2026-month-3",
        "period_label": "tháng 03/2026",
        "min_cell": 5,
        "responses": None,
        "suppressed": True,
    }
    make(org, 4, day=dt.date(2026, 3, 3))
    assert not client.get(reverse("surveys:dashboard"), march).context["suppressed"]  # 5 in all


def test_a_new_campaign_takes_the_responses_of_its_period(client, org):
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=20), today + dt.timedelta(days=40)
    make(org, 5, unit=org.unit_a, day=today - dt.timedelta(days=10))
    make(org, 5, unit=org.unit_b, day=today - dt.timedelta(days=10))
    make(org, 5, unit=org.unit_a, day=today - dt.timedelta(days=30))  # before the campaign
    earlier = Campaign.objects.create(
        agency=org.agency, name="Đợt trước", starts_on=start - dt.timedelta(days=5), ends_on=end
    )
    taken = make(org, 5, unit=org.unit_a, day=today - dt.timedelta(days=5))
    Response.objects.filter(pk=taken.pk).update(campaign=earlier)  # another campaign's: never taken
    client.force_login(org.office)
    client.post(
        reverse("surveys:campaigns"),
        {
            "name": "Q1",
            "starts_on": start,
            "ends_on": end,
            "margin": "0.05",
            "min_cell": 5,
            "units": [org.unit_a.pk],
        },
    )
    campaign = Campaign.objects.get(name="Q1")
    assert list(Response.objects.filter(campaign=campaign).values_list("unit", flat=True)) == [org.unit_a.pk]
    assert Response.objects.filter(campaign=earlier).count() == 1
    results = selectors.Results.of_agency(org.agency.pk, FORM, today=end + dt.timedelta(days=1))
    points = {p.name: results.result(p) for p in results.periods if p.kind == "campaign"}
    assert points["Q1"].index.responses == 1 and points["Q1"].suppressed and points["Q1"].overall is None


def test_import_reports_every_problem_of_a_row(client, org, procedure):
    client.force_login(org.office)
    bad = workbook([row("P1", value=7, unit="Phòng ma", gender="Ngoài hành tinh")])
    page = client.post(reverse("surveys:import"), {"file": SimpleUploadedFile("phieu.xlsx", bad)})
    columns = {p.column for p in page.context["problems"]}
    assert {"q15", "unit", "gender"} <= columns and "" not in columns  # no spurious "nothing answered"


@pytest.mark.parametrize(
    "text",
    ["Gọi 0912 345 678", "sđt 091.234.5678", "máy bàn 0205 3812 345", "+84 912 345 678", "ĐT 0912345678"],
)
def test_phone_numbers_are_redacted_in_any_grouping(text):
    assert services.redact(text).endswith("[số điện thoại]")


def test_amounts_and_periods_are_not_redacted():
    assert services.redact("hẹn 15 ngày, phí 100.000 đồng, năm 2026") == "hẹn 15 ngày, phí 100.000 đồng, năm 2026"


def test_the_client_address_behind_the_proxy(rf, settings):
    from core.middleware import client_address

    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.9", REMOTE_ADDR="10.0.0.1")
    settings.BEHIND_PROXY = False
    assert client_address(request) == "10.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_address(request) == "10.0.0.9"  # the address our proxy added, not the client's claim
