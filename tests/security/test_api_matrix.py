"""Every API route for every role and for anonymous callers, with bearer tokens: a route of
another agency's object is a 404 (as if it did not exist), a read-only role gets 403 on writes,
and no token gets 401. A new route fails `test_every_api_route_is_in_the_matrix` until it is
added here."""

from io import StringIO

import pytest
from django.core.management import call_command
from test_access_matrix import ROLES

from api.api import api

OK, CREATED, UNAUTHORISED, FORBIDDEN, MISSING = 200, 201, 401, 403, 404


def everyone(status, **exceptions):
    return {"anon": UNAUTHORISED, **{role: status for role in ROLES[1:]}, **exceptions}


MEMBERS = {"officer", "head", "other_officer", "office", "leader", "admin", "auditor"}
REPORTERS = {"officer", "head", "office", "admin"}  # as on the task page (tests/security/test_access_matrix.py)
DOSSIER_HANDLERS = {"officer", "head", "other_officer", "office", "leader", "admin"}


def agency_bound(allowed, ok=OK, *, hidden=(), denied=FORBIDDEN):
    """Members in `allowed` get `ok`, other members `denied`; outsiders, the appraiser (before
    submission) and `hidden` members 404, as if the object did not exist."""
    out = {"anon": UNAUTHORISED}
    for role in ROLES[1:]:
        if role in hidden or role not in MEMBERS:
            out[role] = MISSING
        else:
            out[role] = ok if role in allowed else denied
    return out


MATRIX = {
    # lists: everyone signed in gets their own agency's (the content check is below)
    ("/plans", "get"): everyone(OK),
    ("/tasks", "get"): everyone(OK),
    ("/par/rounds", "get"): everyone(OK),
    ("/calendar/due-date", "get"): everyone(OK),
    ("/plans/{plan_id}", "get"): agency_bound(MEMBERS),
    # the task is unit QLDN's: the officer of another unit does not see it
    ("/tasks/{task_id}", "get"): agency_bound(MEMBERS, hidden=("other_officer",)),
    ("/tasks/{task_id}/progress", "post"): agency_bound(REPORTERS, CREATED, hidden=("other_officer",)),
    # the round's organiser (the Sở Nội vụ's appraiser) sees the ranking; the draft scorecard
    # only its own agency until it is submitted
    ("/par/rounds/{round_id}/ranking", "get"): {**agency_bound(MEMBERS), "appraiser": OK},
    ("/par/scorecards/{scorecard_id}", "get"): agency_bound(MEMBERS),
    # a new dossier of unit QLDN: KHTH's officer may not register it (tests/security/test_unit_scope.py)
    ("/dossiers", "post"): agency_bound(DOSSIER_HANDLERS - {"other_officer"}, CREATED),
    ("/dossiers/{code}", "get"): agency_bound(MEMBERS, hidden=("other_officer",)),
    ("/service-quality", "get"): agency_bound(MEMBERS),
    ("/sipas/index", "get"): agency_bound(MEMBERS),
    # the register of tasks assigned by the province (issue 22): the one led by QLDN
    ("/assigned-tasks", "get"): everyone(OK),
    ("/assigned-tasks", "post"): agency_bound({"office", "leader", "admin"}, CREATED),
    ("/assigned-tasks/{task_id}", "get"): agency_bound(MEMBERS, hidden=("other_officer",)),
    ("/assigned-tasks/{task_id}", "patch"): agency_bound(REPORTERS | {"leader"}, hidden=("other_officer",)),
    # targets: every member, and the province's appraiser (the cascade's roll-up)
    ("/targets", "get"): {**agency_bound(MEMBERS), "appraiser": OK},
    ("/targets/{target_id}", "get"): {**agency_bound(MEMBERS), "appraiser": OK},
}


# The agency's integration account (Role.INTEGRATION): pushes and reads dossiers, and is no member
# for anything else (lists come back empty, objects missing)
INTEGRATION = {
    **{route: MISSING for route in MATRIX},
    **{
        route: OK
        for route in [
            ("/plans", "get"),
            ("/tasks", "get"),
            ("/par/rounds", "get"),
            ("/calendar/due-date", "get"),
            ("/assigned-tasks", "get"),
        ]
    },
    ("/dossiers", "post"): CREATED,
    ("/dossiers/{code}", "get"): OK,
}
for _route, _status in INTEGRATION.items():
    MATRIX[_route]["integration"] = _status
API_ROLES = [*ROLES, "integration"]


def routes() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(path.removeprefix("/api/v1"), method) for path, ops in schema["paths"].items() for method in ops}


# What `make test` calls for every role (the whole matrix runs with the slow tests): an object
# of a unit (a task, a dossier) read and written, a scorecard, and the SIPAS figures, each through
# its app's access helper.
FAST = {
    ("/tasks/{task_id}", "get"),
    ("/tasks/{task_id}/progress", "post"),
    ("/dossiers", "post"),
    ("/dossiers/{code}", "get"),
    ("/par/scorecards/{scorecard_id}", "get"),
    ("/sipas/index", "get"),
    ("/assigned-tasks/{task_id}", "patch"),
    ("/targets/{target_id}", "get"),
}


def test_every_api_route_is_in_the_matrix():
    assert routes() == set(MATRIX), sorted(routes() ^ set(MATRIX))
    assert not FAST - set(MATRIX), FAST - set(MATRIX)  # a renamed route: put its new name in FAST


@pytest.fixture
def tokens(org, monkeypatch):
    for throttle in api.throttle:  # a whole matrix is faster than any person
        monkeypatch.setattr(throttle, "num_requests", 10**9)
    made = {}
    for role in API_ROLES[1:]:
        out = StringIO()
        call_command("create_api_token", people(org)[role].username, "--scope", "read_write", stdout=out)
        made[role] = out.getvalue().strip()
    return made


def requests(world, task) -> dict[tuple[str, str], tuple[str, object]]:
    """(route, method) -> (its URL with the world's ids, a JSON body (or a function of the role
    giving one) for a POST)."""
    dossier = world["kwargs"]["dossier_status"]["code"]
    round_id = world["kwargs"]["scorecards:round_detail"]["pk"]
    card = world["kwargs"]["scorecards:scorecard"]["pk"]
    period = "agency=BQLKKTCK&from=2026-01-01&to=2026-12-31"
    assigned = world["kwargs"]["plans:assigned_detail"]["pk"]
    target = world["kwargs"]["targets:detail"]["pk"]

    def new_assigned(role):
        return {
            "agency": "BQLKKTCK",
            "code": f"GV-API-{role}",
            "document_number": "12/UBND-KT",
            "document_date": "2026-03-02",
            "content": "Báo cáo tình hình",
            "due_date": "2026-03-30",
            "lead_unit": "QLDN",
        }

    def new_dossier(role):
        return {
            "agency": "BQLKKTCK",
            "dossier_code": f"API-{role}",
            "procedure_code": "1.001",
            "unit": "QLDN",
            "received_at": "2026-03-10T09:00",
            "status": "processing",
        }

    return {
        ("/plans", "get"): ("/plans", None),
        ("/plans/{plan_id}", "get"): (f"/plans/{task.plan_id}", None),
        ("/tasks", "get"): ("/tasks", None),
        ("/tasks/{task_id}", "get"): (f"/tasks/{task.pk}", None),
        ("/tasks/{task_id}/progress", "post"): (f"/tasks/{task.pk}/progress", {"progress": 40, "text": "Đang làm"}),
        ("/calendar/due-date", "get"): ("/calendar/due-date?received=2026-03-09T09:00&limit=5", None),
        ("/par/rounds", "get"): ("/par/rounds", None),
        ("/par/rounds/{round_id}/ranking", "get"): (f"/par/rounds/{round_id}/ranking", None),
        ("/par/scorecards/{scorecard_id}", "get"): (f"/par/scorecards/{card}", None),
        ("/dossiers", "post"): ("/dossiers", new_dossier),
        ("/dossiers/{code}", "get"): (f"/dossiers/{dossier}?agency=BQLKKTCK", None),
        ("/service-quality", "get"): (f"/service-quality?{period}", None),
        ("/sipas/index", "get"): (f"/sipas/index?{period}", None),
        ("/assigned-tasks", "get"): ("/assigned-tasks", None),
        ("/assigned-tasks", "post"): ("/assigned-tasks", new_assigned),
        ("/assigned-tasks/{task_id}", "get"): (f"/assigned-tasks/{assigned}", None),
        ("/assigned-tasks/{task_id}", "patch"): (
            f"/assigned-tasks/{assigned}",
            {"completed_on": "2026-03-10", "report_number": "15/BC-BQL"},  # done with its proof
        ),
        ("/targets", "get"): ("/targets?agency=BQLKKTCK&year=2026", None),
        ("/targets/{target_id}", "get"): (f"/targets/{target}", None),
    }


def people(org):
    return {
        "officer": org.officer,
        "head": org.head,
        "other_officer": org.other_officer,
        "office": org.office,
        "leader": org.leader,
        "admin": org.admin,
        "auditor": org.auditor,
        "appraiser": org.appraiser,
        "outsider": org.outsider,
        "integration": integration_account(org),
    }


def integration_account(org):
    from core.models import Membership, Role, User

    user, _created = User.objects.get_or_create(username="tichhop.tinh")
    Membership.objects.get_or_create(user=user, agency=org.agency, role=Role.INTEGRATION)
    return user


def call(client, url, body, role, token, method="post"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if body is None:
        return client.get("/api/v1" + url, **headers)
    data = body(role) if callable(body) else body
    return getattr(client, method)("/api/v1" + url, data, content_type="application/json", **headers)


@pytest.mark.parametrize(
    "part", [pytest.param(FAST, id="fast"), pytest.param(None, id="the-rest", marks=pytest.mark.slow)]
)
def test_every_route_for_every_role(part, client, world, tokens, make_task):
    task = make_task(code="API")  # not recurring: progress is posted on the task itself
    task.assignees.set([world["task"].assignees.first()])
    for (path, method), (url, body) in requests(world, task).items():
        if ((path, method) in FAST) != (part is FAST):
            continue
        for role in API_ROLES:
            response = call(client, url, body, role, tokens.get(role), method)
            assert response.status_code == MATRIX[(path, method)][role], (path, method, role, response.content[:200])


def test_lists_hold_nothing_of_another_agency(client, world, tokens):
    """Outsiders and the appraiser list their own agency's plans and tasks, never this one's."""
    task = world["task"]
    for role in ("outsider", "appraiser", "integration"):
        for url, pk in (("/plans", task.plan_id), ("/tasks", task.pk)):
            listed = call(client, url, None, role, tokens[role]).json()
            assert pk not in {row["id"] for row in listed}, (role, url)
    rounds = call(client, "/par/rounds", None, "outsider", tokens["outsider"]).json()
    assert world["kwargs"]["scorecards:round_detail"]["pk"] not in {r["id"] for r in rounds}
    assert task.pk in {row["id"] for row in call(client, "/tasks", None, "office", tokens["office"]).json()}


def test_ids_guessed_across_agencies_look_missing(client, world, tokens):
    """An id of another agency's object and an id that exists nowhere answer alike."""
    for url in (f"/tasks/{world['task'].pk}", f"/plans/{world['task'].plan_id}"):
        guessed = call(client, url, None, "outsider", tokens["outsider"])
        absent = call(client, url.rsplit("/", 1)[0] + "/987654321", None, "outsider", tokens["outsider"])
        assert guessed.status_code == absent.status_code == MISSING and guessed.json() == absent.json()
