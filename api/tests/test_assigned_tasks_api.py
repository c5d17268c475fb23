"""JSON API of the register of tasks assigned by the province (plans.api): the pages' access rules
(another agency 404, a read-only role 403, a read token 403 on writes), POST by code idempotent,
PATCH to report done, the list's filters."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from api.tests.helpers import auth
from core.models import AuditEntry
from plans.models import AssignedTask

URL = "/api/v1/assigned-tasks"
BODY = {
    "agency": "BQLKKTCK",
    "code": "1234/UBND-KT",
    "document_number": "1234/UBND-KT",
    "document_date": "2026-03-02",
    "issuer": "chairman",
    "issuer_name": "Chủ tịch UBND tỉnh",
    "content": "Triển khai nền tảng số cửa khẩu",
    "due_date": "2026-04-15",
    "lead_unit": "QLDN",
    "coordinating_units": ["QHXD"],  # no officer of KHTH sees it
}


def push(client, body, token):
    return client.post(URL, body, content_type="application/json", **auth(token))


def test_post_creates_then_the_same_body_changes_nothing(client, org, token_for):
    token = token_for(org.office)
    first = push(client, BODY, token)
    assert first.status_code == 201 and first.json()["created"] is True
    again = push(client, BODY, token)
    assert again.status_code == 200 and again.json() == {**first.json(), "created": False, "changed": False}
    moved = push(client, BODY | {"due_date": "2026-04-30"}, token)
    assert moved.status_code == 200 and moved.json()["changed"] is True
    task = AssignedTask.objects.get()
    assert (
        task.source == "api"
        and task.lead_unit == org.unit_a
        and [u.code for u in task.coordinating_units.all()] == ["QHXD"]
    )
    actions = list(
        AuditEntry.objects.filter(object_id=str(task.pk), action__startswith="assigned.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["assigned.created", "assigned.updated"]


def test_bad_input_is_422_and_writes_nothing(client, org, token_for):
    token = token_for(org.office)
    assert push(client, BODY | {"lead_unit": "NOPE"}, token).status_code == 422
    assert push(client, BODY | {"issuer": "king"}, token).status_code == 422
    assert push(client, BODY | {"due_date": "2026-01-01"}, token).status_code == 422  # before the document
    assert push(client, BODY | {"document_date": "02/03/2026"}, token).status_code == 422
    assert not AssignedTask.objects.exists()


def test_read_token_auditor_and_officer_may_not_push(client, org, token_for):
    out = StringIO()
    call_command("create_api_token", org.office.username, "--scope", "read", stdout=out)
    assert push(client, BODY, out.getvalue().strip()).status_code == 403
    assert push(client, BODY, token_for(org.auditor)).status_code == 403
    assert push(client, BODY, token_for(org.officer)).status_code == 403
    assert push(client, BODY, token_for(org.outsider)).status_code == 404  # not their agency
    assert not AssignedTask.objects.exists()


def test_list_and_read_follow_the_pages_rules(client, org, token_for):
    push(client, BODY, token_for(org.office))
    push(
        client,
        BODY | {"code": "567/UBND-KT", "lead_unit": "KHTH", "coordinating_units": [], "due_date": "2026-06-30"},
        token_for(org.office),
    )
    task = AssignedTask.objects.get(code="1234/UBND-KT")
    officer = auth(token_for(org.officer))
    assert [t["code"] for t in client.get(URL, **officer).json()] == ["1234/UBND-KT"]
    office = auth(token_for(org.office))
    assert [t["code"] for t in client.get(URL, {"due_from": "2026-05-01"}, **office).json()] == ["567/UBND-KT"]
    assert [t["code"] for t in client.get(URL, {"due_to": "2026-05-01"}, **office).json()] == ["1234/UBND-KT"]
    assert client.get(URL, {"status": "done"}, **office).json() == []
    assert client.get(URL, {"status": "nonsense"}, **office).status_code == 422
    one = client.get(f"{URL}/{task.pk}", **auth(token_for(org.auditor))).json()
    assert one["lead_unit"] == "QLDN" and one["agency"] == "BQLKKTCK" and one["on_time"] is None
    outsider = auth(token_for(org.outsider))
    assert client.get(URL, **outsider).json() == []
    assert client.get(f"{URL}/{task.pk}", **outsider).status_code == 404
    assert client.get(f"{URL}/{task.pk}", **auth(token_for(org.other_officer))).status_code == 404


def test_patch_reports_done(client, org, token_for):
    push(client, BODY, token_for(org.office))
    task = AssignedTask.objects.get()
    done = {"completed_on": "2026-04-20", "report_number": "215/BC-BQLKKTCK", "report_date": "2026-04-20"}
    url = f"{URL}/{task.pk}"
    assert client.patch(url, done, content_type="application/json", **auth(token_for(org.auditor))).status_code == 403
    assert (
        client.patch(url, done, content_type="application/json", **auth(token_for(org.other_officer))).status_code
        == 404
    )
    response = client.patch(url, done, content_type="application/json", **auth(token_for(org.officer)))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "done" and body["on_time"] is False and body["report_number"] == "215/BC-BQLKKTCK"
    later = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    future = client.patch(url, {"completed_on": later}, content_type="application/json", **auth(token_for(org.officer)))
    assert future.status_code == 409
