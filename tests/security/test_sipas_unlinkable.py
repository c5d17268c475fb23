"""M1 (issue 18, item 3): a stored SIPAS response cannot be tied back to the receipt link that was
spent for it, on PostgreSQL, through the row's system columns (xmin, ctid), its physical order,
its id or any time finer than the date.

Twenty citizens answer through their receipts' links, one after the other, each with answers no
one else gave (so the test knows the true pairs); the worker writes the day's answers at night.
The test then plays the insider with database access: it joins responses to links on xmin, and
lines up the responses' physical order and ids against the order in which the links were made
and spent, and against the links' own physical order. Nothing may pair them better than chance.
The shuffle is seeded so the test is deterministic."""

import datetime as dt
import json
import random

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from procedures import services as tthc
from procedures.models import Procedure
from surveys import mixing, services, tokens
from surveys.models import PendingResponse, Response, SurveyToken

POSTGRESQL_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="xmin and ctid are PostgreSQL's")

ITEMS = [f"q{n}" for n in range(15, 34)]
COUNT = 20


def spearman(xs: list[int], ys: list[int]) -> float:
    """Rank correlation of two sequences without ties."""
    n = len(xs)
    rank_x = {v: r for r, v in enumerate(sorted(xs))}
    rank_y = {v: r for r, v in enumerate(sorted(ys))}
    d2 = sum((rank_x[x] - rank_y[y]) ** 2 for x, y in zip(xs, ys, strict=True))
    return 1 - 6 * d2 / (n * (n * n - 1))


def distinct_answers(i: int) -> dict[str, str]:
    """Answers that tell respondent i apart: q15 and q16 together encode i (5 x 4 values)."""
    data = dict.fromkeys(ITEMS, "4")
    data["q15"], data["q16"] = str(i % 5 + 1), str(i // 5 + 1)
    return data


def who(answers: dict) -> int:
    return (answers["q15"] - 1) + 5 * (answers["q16"] - 1)


def ctid_key(ctid: str) -> tuple[int, int]:
    page, item = ctid.strip("()").split(",")
    return int(page), int(item)


@pytest.fixture
def seeded(monkeypatch):
    monkeypatch.setattr(mixing, "RNG", random.Random(18))  # noqa: S311  (a fixed seed: a deterministic test)


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)  # every request commits its own transactions, as in production
def test_responses_cannot_be_linked_to_the_links_spent_for_them(org, cal, seeded):
    procedure = Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp phép", limit=5)
    digests = []
    for i in range(COUNT):
        dossier = tthc.receive(
            actor=org.office,
            agency=org.agency,
            procedure=procedure,
            received_at=dt.datetime(2026, 3, 9, 1 + i % 8, tzinfo=dt.UTC),
            cal=cal,
            unit=org.unit_a if i % 2 else org.unit_b,
        )
        token = tokens.issue(dossier)
        digests.append(tokens.digest(token))
        phone = Client()
        phone.get(reverse("survey_start") + "?t=" + token)
        invitation = phone.get(reverse("survey_form")).context["invitation"]
        sent = phone.post(reverse("survey_form"), {**distinct_answers(i), "invitation": invitation})
        assert sent.status_code == 302 and sent["Location"].startswith(reverse("survey_thanks"))
    assert not Response.objects.exists()  # the day's answers wait for the night
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text::bigint FROM surveys_surveytoken WHERE used")
        assert len({x for (x,) in cursor.fetchall()}) == COUNT  # each link spent in its own transaction...
    answered_on = PendingResponse.objects.values_list("answered_on", flat=True).first()
    assert mixing.write_waiting_responses(today=answered_on + dt.timedelta(days=1))["written"] == COUNT

    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, xmin::text::bigint, ctid::text FROM surveys_surveytoken WHERE used")
        links = {digest: (xmin, ctid_key(ctid)) for digest, xmin, ctid in cursor.fetchall()}
        cursor.execute("SELECT id::text, xmin::text::bigint, ctid::text, answers FROM surveys_response")
        rows = cursor.fetchall()
    assert len(links) == COUNT and len(rows) == COUNT and not PendingResponse.objects.exists()
    responses = [
        {"id": pk, "xmin": xmin, "ctid": ctid_key(ctid), "who": who(a if isinstance(a, dict) else json.loads(a))}
        for pk, xmin, ctid, a in rows
    ]
    assert sorted(r["who"] for r in responses) == list(range(COUNT))  # every answer is there, once

    # 1. xmin: ... but after the night every link and every response of the day carry one and the
    # same transaction id, which pairs nothing
    assert len({xmin for xmin, _ in links.values()} | {r["xmin"] for r in responses}) == 1

    # 2. physical order: the responses' against the order the links were made and spent (i), and
    # against the links' own physical order after the night
    by_place = [r["who"] for r in sorted(responses, key=lambda r: r["ctid"])]
    # |rho| above 0.6 would be luck at 1 % for 20 rows; arrival order gives 1.0
    assert abs(spearman(by_place, list(range(COUNT)))) < 0.6
    assert sum(a == b for a, b in enumerate(by_place)) <= 4, "responses sit in the place of their link"
    link_place = sorted(range(COUNT), key=lambda i: links[digests[i]][1])
    assert sum(a == b for a, b in zip(by_place, link_place, strict=True)) <= 4

    # 3. ids: random, in no relation to the order of spending
    by_id = [r["who"] for r in sorted(responses, key=lambda r: r["id"])]
    assert abs(spearman(by_id, list(range(COUNT)))) < 0.6
    assert sum(a == b for a, b in enumerate(by_id)) <= 4

    # 4. no time finer than the date, on the response or on the waiting row
    for model in (Response, PendingResponse):
        kinds = {f.get_internal_type() for f in model._meta.concrete_fields}
        assert "DateTimeField" not in kinds and "TimeField" not in kinds, model
    # the spent links keep nothing the response also holds (agency, unit, procedure): only the hash
    spent = SurveyToken.objects.filter(used=True).values_list("agency_id", "unit_id", "procedure_id", "procedure_code")
    assert set(spent) == {(None, None, None, "")}


# --- the mix pool's steps, on any database ----------------------------------------------------------


@pytest.fixture
def links(org, cal):
    """Three dossiers' links, as their hashed invitation rows."""
    procedure = Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp phép", limit=5)
    rows = []
    for n in range(3):
        dossier = tthc.receive(
            actor=org.office,
            agency=org.agency,
            procedure=procedure,
            received_at=dt.datetime(2026, 3, 9, 2 + n, tzinfo=dt.UTC),
            cal=cal,
            unit=org.unit_a,
        )
        rows.append(SurveyToken.objects.get(digest=tokens.digest(tokens.issue(dossier))))
    return rows


def give(value: int) -> services.Answers:
    return services.Answers(answers=dict.fromkeys(ITEMS, value), profile={})


def test_answers_wait_for_the_night_and_are_written_with_their_day(links, today):
    for n, link in enumerate(links):
        assert services.redeem(link, give(n + 1), questionnaire="q", channel="online", day=today)
    assert not Response.objects.exists() and mixing.waiting([links[0].agency_id]) == 3
    assert mixing.write_waiting_responses(today=today)["written"] == 0  # today's answers wait
    assert mixing.write_waiting_responses(today=today + dt.timedelta(days=1))["written"] == 3
    assert sorted(r.answers["q15"] for r in Response.objects.all()) == [1, 2, 3]
    assert not PendingResponse.objects.exists() and mixing.waiting([links[0].agency_id]) == 0
    response = Response.objects.first()
    assert (response.unit_id, response.procedure_code, response.answered_on) == (links[0].unit_id, "1.001", today)


def test_a_crash_before_the_link_is_spent_counts_nothing_and_the_citizen_answers_again(links, today):
    link = links[0]
    mixing.hold(link, give(2), questionnaire="q", channel="online", day=today)  # then the process died
    assert mixing.flush() == 0 and mixing.waiting([link.agency_id]) == 0  # not counted
    link.refresh_from_db()
    assert not link.used  # the link still opens: the citizen sends again
    assert services.redeem(link, give(5), questionnaire="q", channel="online", day=today)
    assert mixing.flush() == 1
    assert Response.objects.count() == 1 and not PendingResponse.objects.exists()  # once, never twice


def test_a_crash_after_the_link_is_spent_loses_nothing(links, today):
    link = links[0]
    mixing.hold(link, give(4), questionnaire="q", channel="online", day=today)
    assert mixing.spend(link)  # then the process died before writing
    assert mixing.waiting([link.agency_id]) == 1
    assert mixing.flush() == 1 and Response.objects.get().answers["q15"] == 4


def test_a_spent_link_cannot_answer_again_and_keeps_nothing_of_the_response(links, today):
    link = links[0]
    assert services.redeem(link, give(4), questionnaire="q", channel="online", day=today)
    assert not services.redeem(link, give(1), questionnaire="q", channel="online", day=today)
    link.refresh_from_db()
    assert link.used and (link.agency_id, link.unit_id, link.procedure_id, link.procedure_code) == (
        None,
        None,
        None,
        "",
    )
    assert mixing.flush() == 1


def test_the_daily_job_writes_the_days_before_and_drops_what_a_crash_left(links, today):
    yesterday, before = today - dt.timedelta(days=1), today - dt.timedelta(days=2)
    services.redeem(links[0], give(4), questionnaire="q", channel="online", day=yesterday)
    mixing.hold(links[1], give(1), questionnaire="q", channel="online", day=before)  # link never spent
    services.redeem(links[2], give(2), questionnaire="q", channel="online", day=today)
    result = mixing.write_waiting_responses(today=today)
    assert result == {"written": 1, "dropped": 1}
    assert Response.objects.get().answers["q15"] == 4
    assert mixing.waiting([links[0].agency_id]) == 1  # today's answer waits for tonight


def test_an_answer_held_just_before_midnight_is_kept(links, today):
    """Held at 23:59, its link spent after the night's job began: the job does not drop it."""
    yesterday = today - dt.timedelta(days=1)
    pending = mixing.hold(links[0], give(3), questionnaire="q", channel="online", day=yesterday)
    assert mixing.write_waiting_responses(today=today) == {"written": 0, "dropped": 0}
    assert mixing.spend(links[0])
    mixing.keep_only(pending)
    assert mixing.write_waiting_responses(today=today + dt.timedelta(days=1))["written"] == 1


def test_a_link_answered_again_after_a_crash_counts_once_with_the_last_answer(links, today):
    yesterday = today - dt.timedelta(days=1)
    mixing.hold(links[0], give(1), questionnaire="q", channel="online", day=yesterday)  # then a crash
    assert services.redeem(links[0], give(5), questionnaire="q", channel="online", day=today)
    mixing.write_waiting_responses(today=today)
    mixing.write_waiting_responses(today=today + dt.timedelta(days=1))
    assert [r.answers["q15"] for r in Response.objects.all()] == [5]


def test_a_batch_is_stored_in_random_order(links, today, monkeypatch):
    """Physical order (rowid, ctid) follows the insert order of the batch: the shuffled one."""
    monkeypatch.setattr(mixing, "RNG", random.Random(3))  # noqa: S311
    for n, link in enumerate(links):
        services.redeem(link, give(n + 1), questionnaire="q", channel="online", day=today)
    mixing.flush()
    column = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT answers FROM surveys_response ORDER BY {column}")  # noqa: S608
        stored = [json.loads(a)["q15"] if isinstance(a, str) else a["q15"] for (a,) in cursor.fetchall()]
    assert sorted(stored) == [1, 2, 3] and stored != [1, 2, 3]  # not the order they came in
