"""Walks every URL pattern for every role: invisible -> 404, read-only -> 403, anonymous -> log-in.

A new URL pattern fails `test_every_url_is_in_the_matrix` until it is added here. The whole walk is
marked slow (`make test-all`, CI); `make test` walks the FAST part of it (below).
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.services import create_document
from plans import services
from plans.models import Inspection

ROLES = ["anon", "officer", "head", "other_officer", "office", "leader", "admin", "auditor", "appraiser", "outsider"]
MEMBERS = {"officer", "head", "other_officer", "office", "leader", "admin", "auditor"}
OK, REDIRECT, BAD_REQUEST, FORBIDDEN, MISSING = 200, 302, 400, 403, 404


def expect(allowed_ok, *, ok=OK, members_denied=FORBIDDEN, outsiders=MISSING, everyone_ok=False, hidden=()):
    """Expected status per role: `allowed_ok` roles get `ok`, other members 403, outsiders and
    the `hidden` members (who may not see the object) 404."""
    out = {"anon": REDIRECT}
    for role in ROLES[1:]:
        if everyone_ok or role in allowed_ok:
            out[role] = ok
        elif role in MEMBERS and role not in hidden:
            out[role] = members_denied
        else:
            out[role] = outsiders
    return out


def task_bound(allowed_ok, **kwargs):
    """For a task's pages: an officer of another unit of the same agency does not see the task."""
    return expect(allowed_ok - {"other_officer"}, hidden=("other_officer",), **kwargs)


VIEW_OBJECT = expect(MEMBERS)
PAR_VIEW = expect(MEMBERS)  # a draft scorecard: the agency only (its appraisers once submitted)
AGENCY_PAGE = expect(set(), everyone_ok=True)  # each user sees their own agency's page
REPORTERS = {"officer", "head", "office", "admin"}
MANAGERS = {"office", "leader", "admin"}
APPROVERS = {"head", "leader"}  # the agency administrator manages accounts, not work
OBSTACLE = {"head", "office"}
COMMENTERS = MEMBERS - {"auditor"}
WRITERS = MEMBERS - {"auditor"}
DOSSIER_HANDLERS = {"officer", "head", "office", "leader", "admin"}
READERS = {"office", "leader", "admin", "auditor"}  # the agency-wide roles of the agency

# (url name, method) -> expected status per role
MATRIX = {
    ("home", "get"): {"anon": REDIRECT, **{r: OK for r in ROLES[1:]}},  # each role's work of the day
    ("login", "get"): {"anon": OK, **{r: REDIRECT for r in ROLES[1:]}},
    ("logout", "post"): {r: REDIRECT for r in ROLES},
    ("login_code", "get"): {r: REDIRECT for r in ROLES},  # only after the password step
    ("account_security", "get"): expect(set(), everyone_ok=True),
    ("api_tokens", "get"): expect(set(), everyone_ok=True),  # one's own tokens
    ("api_tokens", "post"): expect(set(), everyone_ok=True),  # an empty form: shown again
    ("password_change", "get"): expect(set(), everyone_ok=True),
    ("password_change_done", "get"): expect(set(), everyone_ok=True),
    ("switch_agency", "post"): expect(MEMBERS, ok=REDIRECT),
    ("notifications", "get"): AGENCY_PAGE,
    ("notifications_read", "post"): expect(set(), ok=REDIRECT, everyone_ok=True),
    ("evidence_library", "get"): AGENCY_PAGE,
    ("evidence_upload", "get"): {**AGENCY_PAGE, "auditor": FORBIDDEN, "appraiser": FORBIDDEN},
    ("evidence_detail", "get"): task_bound(MEMBERS),  # evidence of a task the KHTH officer cannot see
    # the uploader (office), the document's unit (QLDN: officer, head) and the managers
    ("evidence_detail", "post"): task_bound({"officer", "head", "office", "leader", "admin"}, ok=REDIRECT),
    ("evidence_file", "get"): task_bound(MEMBERS),
    ("plans:dashboard", "get"): AGENCY_PAGE,
    ("plans:task_list", "get"): AGENCY_PAGE,
    ("plans:my_tasks", "get"): AGENCY_PAGE,
    ("plans:province", "get"): {**{r: MISSING for r in ROLES}, "anon": REDIRECT, "appraiser": OK},
    ("plans:obstacles", "get"): AGENCY_PAGE,
    ("plans:year_end", "get"): AGENCY_PAGE,
    ("plans:inspections", "get"): AGENCY_PAGE,
    ("plans:inspection_detail", "get"): VIEW_OBJECT,
    # a plan of one's own agency (issue 22), and the register of tasks assigned by the province
    ("plans:new_plan", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    ("plans:assigned_list", "get"): AGENCY_PAGE,
    ("plans:assigned_template", "get"): AGENCY_PAGE,
    ("plans:assigned_new", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    ("plans:assigned_import", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    ("plans:assigned_detail", "get"): task_bound(MEMBERS),  # led by QLDN: the KHTH officer does not see it
    ("plans:assigned_edit", "get"): task_bound(MANAGERS),
    ("plans:assigned_complete", "post"): task_bound(MANAGERS | {"officer", "head"}, ok=BAD_REQUEST),
    ("plans:assigned_reopen", "post"): task_bound(MANAGERS, ok=BAD_REQUEST),
    ("plans:assigned_withdraw", "post"): task_bound(MANAGERS, ok=BAD_REQUEST),
    # targets (issue 22): the Sở Nội vụ's appraiser sees the province's agencies' targets
    ("targets:board", "get"): AGENCY_PAGE,
    ("targets:new", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    ("targets:detail", "get"): expect(MEMBERS | {"appraiser"}),
    ("targets:spark", "get"): expect(MEMBERS | {"appraiser"}),
    ("targets:edit", "get"): {**expect(MANAGERS), "appraiser": FORBIDDEN},
    # a manual target owned by QLDN, an empty form: refused with the form shown again
    ("targets:enter_reading", "post"): {
        **expect({"officer", "head", "office", "leader", "admin"}, ok=BAD_REQUEST),
        "appraiser": FORBIDDEN,
    },
    ("targets:correct", "post"): {**expect(MANAGERS, ok=BAD_REQUEST), "appraiser": FORBIDDEN},
    ("targets:province", "get"): {**{r: MISSING for r in ROLES}, "anon": REDIRECT, "appraiser": OK},
    ("plans:inspection_detail", "post"): expect(MANAGERS, ok=REDIRECT),
    ("plans:plan_detail", "get"): VIEW_OBJECT,
    ("plans:import", "get"): expect(MANAGERS),
    ("plans:new_task", "get"): expect(MANAGERS),
    ("plans:import_template", "get"): VIEW_OBJECT,
    ("plans:task_detail", "get"): task_bound(MEMBERS),
    ("plans:edit_task", "get"): task_bound(MANAGERS),
    ("plans:post_progress", "post"): task_bound(REPORTERS, ok=REDIRECT),
    ("plans:approve", "post"): task_bound(APPROVERS, ok=REDIRECT),
    ("plans:return", "post"): task_bound(APPROVERS, ok=REDIRECT),
    ("plans:cancel", "post"): task_bound(MANAGERS, ok=REDIRECT),
    ("plans:add_obstacle", "post"): task_bound(OBSTACLE, ok=REDIRECT),
    ("plans:add_comment", "post"): task_bound(COMMENTERS, ok=REDIRECT),
    ("plans:upload_evidence", "post"): task_bound(REPORTERS, ok=REDIRECT),
    ("plans:link_evidence", "post"): task_bound(REPORTERS, ok=REDIRECT),
    ("plans:unlink_evidence", "post"): task_bound(REPORTERS, ok=REDIRECT),
    ("plans:resolve_obstacle", "post"): task_bound(MANAGERS, ok=REDIRECT),
    ("plans:occurrence_done", "post"): task_bound(REPORTERS, ok=REDIRECT),
    ("plans:report_contribution", "post"): task_bound(set(), ok=REDIRECT),  # QLDN leads: no unit coordinates
    # PAR INDEX: the round is organised by the Sở Nội vụ (appraiser) for the Ban only
    ("scorecards:home", "get"): AGENCY_PAGE,
    ("scorecards:criteria_list", "get"): AGENCY_PAGE,
    ("scorecards:criteria_detail", "get"): AGENCY_PAGE,
    ("scorecards:criteria_export", "get"): AGENCY_PAGE,
    ("scorecards:criteria_upload", "get"): expect({"appraiser"}, outsiders=FORBIDDEN),
    ("scorecards:criteria_save", "post"): expect({"appraiser"}, ok=REDIRECT, outsiders=FORBIDDEN),
    ("scorecards:round_new", "get"): expect({"appraiser"}, outsiders=FORBIDDEN),
    ("scorecards:round_detail", "get"): expect(MEMBERS | {"appraiser"}),
    ("scorecards:round_advance", "post"): expect({"appraiser"}, ok=REDIRECT),
    ("scorecards:round_reopen", "post"): expect({"appraiser"}, ok=BAD_REQUEST),  # empty: shown again
    ("scorecards:round_publish", "post"): expect({"appraiser"}, ok=BAD_REQUEST),
    ("scorecards:scorecard", "get"): PAR_VIEW,
    ("scorecards:row_declare", "post"): expect(MANAGERS, ok=REDIRECT),
    ("scorecards:row_override", "post"): expect(MANAGERS, ok=REDIRECT),
    ("scorecards:row_restore", "post"): expect(MANAGERS, ok=REDIRECT),
    ("scorecards:row_explain", "post"): expect(MANAGERS, ok=REDIRECT),
    # the Sở Nội vụ appraises, and sees a draft scorecard only once it is submitted
    ("scorecards:row_appraise", "post"): expect(set(), ok=REDIRECT),
    ("scorecards:row_survey", "post"): expect(set(), ok=REDIRECT),
    ("scorecards:row_evidence", "get"): PAR_VIEW,
    ("scorecards:evidence_link", "post"): expect(MANAGERS, ok=REDIRECT),
    ("scorecards:evidence_unlink", "post"): expect(MANAGERS, ok=REDIRECT),
    ("scorecards:evidence_upload", "post"): expect(MANAGERS),  # an empty form: shown again
    ("scorecards:assignments", "get"): PAR_VIEW,
    ("scorecards:results", "get"): PAR_VIEW,
    ("scorecards:points_lost", "get"): PAR_VIEW,
    ("scorecards:improvement_task", "post"): expect(MANAGERS, ok=REDIRECT),
    ("scorecards:card_refresh_figures", "post"): expect(MANAGERS, ok=REDIRECT),
    ("scorecards:card_send", "post"): expect(MANAGERS, ok=REDIRECT),
    ("scorecards:card_approve", "post"): expect({"leader"}, ok=REDIRECT),
    ("scorecards:card_return", "post"): expect(MANAGERS, ok=REDIRECT),
    ("scorecards:card_explanations", "post"): expect(MANAGERS, ok=REDIRECT),
    ("scorecards:assignment_submit", "post"): expect(MANAGERS | {"officer", "head"}, ok=REDIRECT),
    ("scorecards:assignment_accept", "post"): expect(MANAGERS, ok=REDIRECT),
    ("scorecards:assignment_request_changes", "post"): expect(MANAGERS, ok=REDIRECT),
    ("scorecards:forecast", "get"): AGENCY_PAGE,
    ("scorecards:series_list", "get"): AGENCY_PAGE,
    ("scorecards:series_detail", "get"): VIEW_OBJECT,
    # Procedures: the dossier is handled by unit QLDN (officer, head); KHTH's officer does not see it
    ("procedures:register", "get"): AGENCY_PAGE,
    ("procedures:at_risk", "get"): AGENCY_PAGE,
    ("procedures:receive", "get"): {**AGENCY_PAGE, "auditor": FORBIDDEN, "appraiser": FORBIDDEN},
    ("procedures:dossier", "get"): task_bound(MEMBERS),
    ("procedures:handover", "post"): task_bound(DOSSIER_HANDLERS, ok=REDIRECT),
    ("procedures:supplement", "post"): task_bound(DOSSIER_HANDLERS, ok=REDIRECT),
    ("procedures:supplement_done", "post"): task_bound(DOSSIER_HANDLERS, ok=REDIRECT),
    ("procedures:finish", "post"): task_bound(DOSSIER_HANDLERS, ok=REDIRECT),
    ("procedures:return_result", "post"): task_bound(DOSSIER_HANDLERS, ok=REDIRECT),
    ("procedures:apology", "post"): task_bound(DOSSIER_HANDLERS, ok=REDIRECT),
    ("procedures:receipt", "get"): task_bound(DOSSIER_HANDLERS),  # it carries the survey link (M9)
    ("procedures:apology_docx", "get"): task_bound(MEMBERS),
    ("procedures:control_slip", "get"): task_bound(MEMBERS),
    ("procedures:print_receipt", "get"): task_bound(DOSSIER_HANDLERS),  # the receipt carries the survey link
    **{
        (f"procedures:{name}", "get"): task_bound(MEMBERS)
        for name in (
            "print_supplement",
            "supplement_docx",
            "print_refusal",
            "refusal_docx",
            "print_apology",
            "print_control",
            "control_docx",
        )
    },
    ("procedures:catalogue", "get"): AGENCY_PAGE,
    ("procedures:procedure", "get"): VIEW_OBJECT,
    ("procedures:catalogue_import", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    ("procedures:catalogue_template", "get"): AGENCY_PAGE,
    ("procedures:imports", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    ("procedures:import_detail", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    ("procedures:import_progress", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    ("procedures:quality", "get"): AGENCY_PAGE,
    ("procedures:quality_drill", "get"): AGENCY_PAGE,
    ("procedures:official_score", "post"): expect(MANAGERS, ok=REDIRECT, outsiders=FORBIDDEN),
    ("procedures:import_template", "get"): AGENCY_PAGE,
    ("procedures:quality_xlsx", "get"): AGENCY_PAGE,
    ("dossier_status", "get"): {r: OK for r in ROLES},
    # SIPAS: figures for every member; paper entry at the counter; managers run the rest
    ("surveys:dashboard", "get"): AGENCY_PAGE,
    ("surveys:export", "get"): expect({"admin"}, outsiders=FORBIDDEN),  # row by row: the administrator (issue 18)
    ("surveys:export_xlsx", "get"): expect({"admin"}, outsiders=FORBIDDEN),  # the same rows, for a clerk to read
    ("surveys:campaigns", "get"): AGENCY_PAGE,
    ("surveys:campaign", "get"): VIEW_OBJECT,
    ("surveys:campaign_qr", "get"): VIEW_OBJECT,
    ("surveys:entry", "get"): {**AGENCY_PAGE, "auditor": FORBIDDEN, "appraiser": FORBIDDEN},
    ("surveys:import", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    ("surveys:import_template", "get"): AGENCY_PAGE,
    ("surveys:responses", "get"): expect({"admin"}, outsiders=FORBIDDEN),  # row by row
    ("surveys:invalidate", "post"): expect({"admin"}, ok=REDIRECT, outsiders=FORBIDDEN),  # row by row
    ("surveys:restore", "post"): expect({"admin"}, ok=REDIRECT, outsiders=FORBIDDEN),  # row by row
    ("surveys:comments", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    ("surveys:moderate", "post"): expect(MANAGERS, ok=REDIRECT, outsiders=FORBIDDEN),
    ("surveys:province", "get"): {**{r: MISSING for r in ROLES}, "anon": REDIRECT, "appraiser": OK},
    # the public survey: no account; a link without a token is refused, the form needs the session
    # the citizen's survey: anonymous only; every signed-in account is refused (403), so staff
    # cannot answer for citizens (issue 18)
    ("survey_start", "get"): {**{r: FORBIDDEN for r in ROLES}, "anon": MISSING},
    ("survey_form", "get"): {**{r: FORBIDDEN for r in ROLES}, "anon": BAD_REQUEST},
    ("survey_thanks", "get"): {r: OK for r in ROLES},
    ("survey_open", "get"): {**{r: FORBIDDEN for r in ROLES}, "anon": OK},
    ("survey_counter", "get"): {**{r: FORBIDDEN for r in ROLES}, "anon": OK},
    # Feedback: the item is handled by unit QLDN; KHTH's officer does not see it
    ("feedback:desk", "get"): AGENCY_PAGE,
    ("feedback:new", "get"): {**AGENCY_PAGE, "auditor": FORBIDDEN, "appraiser": FORBIDDEN},
    ("feedback:export", "get"): AGENCY_PAGE,
    ("feedback:stats", "get"): AGENCY_PAGE,
    ("feedback:receptions", "get"): AGENCY_PAGE,
    ("feedback:templates", "get"): AGENCY_PAGE,
    ("feedback:item", "get"): task_bound(MEMBERS),
    ("feedback:attachment", "get"): task_bound(MEMBERS),
    ("feedback_confirm", "get"): {r: MISSING for r in ROLES},  # a forged confirmation link
    # one URL per step; posted empty they are refused in words (400) and change nothing
    **{
        (f"feedback:{step}", "post"): task_bound(DOSSIER_HANDLERS, ok=BAD_REQUEST)
        for step in ("classify", "not_accept", "request_info", "info_supplied", "forward", "answer", "extend")
    },
    ("feedback:note", "post"): task_bound(DOSSIER_HANDLERS, ok=REDIRECT),
    ("feedback:repeat", "post"): task_bound(DOSSIER_HANDLERS, ok=REDIRECT),  # empty: not a repeat
    **{
        (f"feedback:{step}", "post"): task_bound({"leader"}, ok=BAD_REQUEST)
        for step in ("approve", "return_answer", "reopen")
    },
    ("feedback:delete_template", "post"): expect(MANAGERS, ok=REDIRECT, outsiders=FORBIDDEN),
    ("feedback:publish", "get"): task_bound(MANAGERS, ok=REDIRECT),  # the item is not awaiting publication
    ("feedback_published", "get"): {r: OK for r in ROLES},
    ("feedback_submit", "get"): {r: OK for r in ROLES},
    ("feedback_status", "get"): {r: OK for r in ROLES},
    ("feedback_rate", "post"): {r: BAD_REQUEST for r in ROLES},  # only with the sender's key
    ("feedback_remind", "post"): {r: BAD_REQUEST for r in ROLES},  # only with the sender's key
    # Portal: public pages for everyone; the news editor for the managers of the current agency
    ("portal_home", "get"): {r: OK for r in ROLES},
    ("portal_agency", "get"): {r: OK for r in ROLES},
    ("portal_post", "get"): {r: OK for r in ROLES},
    ("portal_catalogue", "get"): {r: OK for r in ROLES},
    ("portal_procedure", "get"): {r: OK for r in ROLES},
    ("portal_indices", "get"): {r: OK for r in ROLES},
    ("dossier_lookup", "get"): {r: OK for r in ROLES},
    ("portal:posts", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    ("portal:new_post", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    ("portal:edit_post", "get"): expect(MANAGERS, outsiders=FORBIDDEN),
    # Reports: the agency-wide roles read (an appraiser its own agency's), the managers make them
    ("reports:home", "get"): expect(READERS | {"appraiser"}, outsiders=FORBIDDEN),
    ("reports:templates", "get"): expect(READERS | {"appraiser"}, outsiders=FORBIDDEN),
    ("reports:create", "post"): expect(MANAGERS, ok=REDIRECT, outsiders=FORBIDDEN),
    ("reports:report", "get"): expect(READERS),
    ("reports:report", "post"): expect(MANAGERS, ok=REDIRECT),
    ("reports:refresh_figures", "post"): expect(MANAGERS, ok=REDIRECT),
    ("reports:generate", "post"): expect(MANAGERS, ok=REDIRECT, outsiders=FORBIDDEN),
    ("reports:download", "get"): expect(READERS, members_denied=MISSING),
    ("reports:file_status", "get"): expect(READERS, members_denied=MISSING),
    ("reports:template_off", "post"): expect(MANAGERS, ok=REDIRECT, outsiders=FORBIDDEN),
    ("reports:sample_template", "get"): expect(set(), everyone_ok=True),
    ("reports:plan_text", "get"): expect(READERS),
    ("reports:plan_text", "post"): expect(MANAGERS, ok=REDIRECT),
    ("reports:plan_next_year", "post"): expect(MANAGERS, ok=REDIRECT),
}
# Django's admin (only superusers; tests/security for its gate), the API (its own matrix in test_api.py)
# and the administration area, whose every URL core/tests/test_administration_access.py walks for
# every role of an agency and of the province.
SKIP_PREFIXES = ("admin/", "api", "administration")


def url_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{pattern.namespace}:" if pattern.namespace else ""
            if (pattern.namespace or "").startswith(SKIP_PREFIXES) or str(pattern.pattern).startswith(SKIP_PREFIXES):
                continue
            yield from url_names(pattern, prefix + ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name


# What `make test` walks, for every role: per app one page of an object that belongs to an agency
# (a unit's object where the app has them) and one change to it, the row-level and the
# province-wide pages, and the citizen's survey that staff may not answer. Each goes through its
# app's access helper, so a broken access check in any app fails the fast suite; the rest of the
# matrix (lists, forms, exports, the other steps of each workflow) runs with the slow tests.
FAST = {
    ("evidence_file", "get"),  # core: a document of a task the KHTH officer cannot see
    ("plans:task_detail", "get"),
    ("plans:approve", "post"),
    ("plans:province", "get"),
    ("scorecards:scorecard", "get"),
    ("scorecards:round_advance", "post"),
    ("procedures:dossier", "get"),
    ("procedures:handover", "post"),
    ("surveys:campaign", "get"),
    ("surveys:invalidate", "post"),
    ("survey_form", "get"),
    ("feedback:item", "get"),
    ("feedback:attachment", "get"),
    ("portal:edit_post", "get"),
    ("reports:report", "post"),
    ("reports:download", "get"),
    ("plans:assigned_detail", "get"),
    ("targets:detail", "get"),
    ("targets:enter_reading", "post"),
}


def test_every_url_is_in_the_matrix():
    covered = {name for name, _method in MATRIX}
    assert set(url_names()) <= covered, set(url_names()) - covered
    assert not FAST - set(MATRIX), FAST - set(MATRIX)  # a renamed route: put its new name in FAST


def walks(routes):
    """The matrix's routes as test parameters: those in FAST for `make test`, the rest slow."""
    return [pytest.param(*route, marks=() if route in FAST else pytest.mark.slow) for route in sorted(routes)]


@pytest.fixture(scope="module")
def world(module_data):
    """One object of every kind, per app, built once for the module (conftest.py's module_data)."""
    org, make_task, today, cal = module_data.org, module_data.make_task, module_data.today, module_data.cal
    task = make_task(recurrence="quarterly", recurrence_day=20, deadline=None, start_date=dt.date(2026, 1, 1))
    task.assignees.set([org.officer])
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")
    doc = create_document(
        actor=org.office, agency=org.agency, unit=org.unit_a, fileobj=pdf, filename="a.pdf", abstract="Báo cáo"
    )
    services.link_evidence(actor=org.office, task=task, document=doc, today=today, cal=cal)
    obstacle = services.report_obstacle(actor=org.head, task=task, text="Thiếu kinh phí")
    inspection = Inspection.objects.create(
        agency=org.agency, title="Kiểm tra", inspected_unit=org.unit_a, inspected_on=today
    )
    task.completion_requested_at = task.created_at
    task.save()
    par = par_world(org, today)
    tthc = procedures_world(org, cal)
    sipas = surveys_world(org)
    pakn = feedback_world(org, cal)
    portal = portal_world(org, tthc)
    reports = reports_world(org, task.plan)
    goals = targets_world(org, task.plan)
    kwargs = {
        "evidence_detail": {"pk": doc.pk},
        "evidence_file": {"pk": doc.versions.get().pk},
        "plans:inspection_detail": {"pk": inspection.pk},
        "plans:plan_detail": {"pk": task.plan_id},
        "plans:import": {"pk": task.plan_id},
        "plans:new_task": {"pk": task.plan_id},
        "plans:import_template": {"pk": task.plan_id},
        "plans:resolve_obstacle": {"pk": obstacle.pk},
        "plans:occurrence_done": {"pk": task.occurrences.first().pk},
        "plans:unlink_evidence": {"pk": task.pk, "document_id": doc.pk},
        **par["kwargs"],
        **tthc["kwargs"],
        **sipas["kwargs"],
        **pakn["kwargs"],
        **portal,
        **reports["kwargs"],
        **goals,
    }
    data = {
        "switch_agency": {"agency": org.agency.pk},
        "plans:post_progress": {"progress": 30, "text": "Đang thực hiện"},
        "plans:return": {"reason": "Thiếu tài liệu"},
        "plans:cancel": {"reason": "Trùng"},
        "plans:add_obstacle": {"text": "Vướng mắc"},
        "plans:add_comment": {"text": "Ý kiến"},
        "plans:resolve_obstacle": {"response": "Chỉ đạo"},
        "plans:link_evidence": {"document": doc.pk},
        "plans:inspection_detail": {"text": "Tồn tại", "deadline": "2026-12-30"},
        "evidence_detail": {"file": lambda: SimpleUploadedFile("b.pdf", b"%PDF-1.5\n%%EOF\n")},
        "plans:upload_evidence": {"abstract": "Quyết định", "file": lambda: SimpleUploadedFile("c.pdf", b"%PDF-1.6\n")},
        "scorecards:row_declare": {"value": "true"},
        "scorecards:evidence_link": {"document": doc.pk},
        "scorecards:improvement_task": {"plan": task.plan_id, "lead_unit": org.unit_a.pk, "deadline": "2027-03-31"},
        "procedures:handover": {"receiver": "Phòng QLDN"},
        "procedures:supplement": {"items": "Bản sao giấy phép"},
        "procedures:finish": {"outcome": "finished", "confirm": "on"},
        "procedures:apology": {"reason": "Chờ ý kiến", "new_date": "2027-01-05"},
        "procedures:official_score": {"indicator": "on_time_rate", "points": "18.5"},
        "surveys:invalidate": {"reason": "Phiếu trùng"},
        "surveys:restore": {"reason": "Xác minh lại"},
        "surveys:moderate": {"state": "shown"},
        "feedback:note": {"text": "Đã gọi điện cho người gửi"},
        "feedback_rate": {"satisfied": "1"},
        **reports["data"],
    }
    return {"task": task, "kwargs": kwargs, "data": data}


def par_world(org, today):
    from core.models import Agency
    from scorecards import services as par
    from scorecards.evidence import link_evidence
    from scorecards.loader import DEMO_SET, load_criteria_file
    from scorecards.models import MetricSeries

    snv = Agency.objects.get(code="SNV")
    stored, _ = load_criteria_file(DEMO_SET, province=snv.province, publish=True)
    round_ = par.create_round(
        actor=None, organizer=snv, criteria_set=stored, agencies=[org.agency], name="R", year=2026, today=today
    )
    par.advance_phase(actor=None, round_=round_)
    card = round_.scorecards.get()
    score = card.scores.get(code="1.1.1")
    linked = create_document(
        actor=org.office,
        agency=org.agency,
        unit=None,
        fileobj=SimpleUploadedFile("kh.pdf", b"%PDF-1.4\n%%EOF\n"),
        filename="kh.pdf",
        abstract="Kế hoạch",
    )
    link_evidence(actor=org.office, score=score, document=linked, today=today)
    assignment = par.assign_block(actor=None, scorecard=card, code="3", unit=org.unit_a)
    series = MetricSeries.objects.create(
        agency=org.agency, key="k", name="Giải ngân", kind="percent", frequency="quarterly", owner_unit=org.unit_b
    )
    card_pk = {"pk": card.pk}
    row = {"pk": card.pk, "score_id": score.pk}
    return {
        "kwargs": {
            "scorecards:criteria_detail": {"pk": stored.pk},
            "scorecards:criteria_export": {"pk": stored.pk, "fmt": "yaml"},
            "scorecards:round_detail": {"pk": round_.pk},
            **{f"scorecards:round_{step}": {"pk": round_.pk} for step in ("advance", "reopen", "publish")},
            "scorecards:scorecard": card_pk,
            **{f"scorecards:row_{step}": row for step in ("declare", "override", "restore", "explain", "survey")},
            "scorecards:row_appraise": {**row, "column": "a1"},
            "scorecards:row_evidence": row,
            "scorecards:evidence_link": row,
            "scorecards:evidence_unlink": {**row, "document_id": linked.pk},
            "scorecards:evidence_upload": row,
            "scorecards:assignments": card_pk,
            "scorecards:results": card_pk,
            "scorecards:points_lost": card_pk,
            "scorecards:improvement_task": {"pk": card.pk, "code": "1.2"},
            **{f"scorecards:card_{step}": card_pk for step in ("refresh_figures", "send", "approve", "return")},
            "scorecards:card_explanations": card_pk,
            **{
                f"scorecards:assignment_{step}": {"pk": assignment.pk}
                for step in ("submit", "accept", "request_changes")
            },
            "scorecards:series_detail": {"pk": series.pk},
        }
    }


def procedures_world(org, cal):
    from procedures import services as tthc
    from procedures.models import DossierImport, Procedure

    procedure = Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp phép", limit=5)
    received = dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC)
    dossier = tthc.receive(
        actor=org.office, agency=org.agency, procedure=procedure, received_at=received, cal=cal, unit=org.unit_a
    )
    with_apology = tthc.receive(
        actor=org.office, agency=org.agency, procedure=procedure, received_at=received, cal=cal, unit=org.unit_a
    )
    tthc.apologise(dossier=with_apology, actor=org.office, reason="Chờ ý kiến", new_date=dt.date(2026, 3, 20), cal=cal)
    refused = tthc.receive(
        actor=org.office, agency=org.agency, procedure=procedure, received_at=received, cal=cal, unit=org.unit_a
    )
    tthc.finish(dossier=refused, actor=org.office, outcome="rejected", note="Không thuộc thẩm quyền")
    paused = tthc.receive(
        actor=org.office, agency=org.agency, procedure=procedure, received_at=received, cal=cal, unit=org.unit_a
    )
    slip = tthc.request_supplement(dossier=paused, actor=org.office, missing="Bản sao giấy chứng nhận")
    item = DossierImport.objects.create(agency=org.agency, original_name="hs.csv", state="done")
    pk = {"pk": dossier.pk}
    return {
        "kwargs": {
            **{
                f"procedures:{name}": pk
                for name in ("dossier", "handover", "supplement", "supplement_done", "finish", "return_result")
            },
            "procedures:apology": pk,
            "procedures:receipt": pk,
            "procedures:control_slip": pk,
            "procedures:apology_docx": {"pk": with_apology.pk},
            "procedures:print_apology": {"pk": with_apology.pk},
            "procedures:print_receipt": pk,
            "procedures:print_control": pk,
            "procedures:control_docx": pk,
            "procedures:print_supplement": {"pk": paused.pk, "request_id": slip.pk},
            "procedures:supplement_docx": {"pk": paused.pk, "request_id": slip.pk},
            "procedures:print_refusal": {"pk": refused.pk},
            "procedures:refusal_docx": {"pk": refused.pk},
            "procedures:procedure": {"pk": procedure.pk},
            "procedures:import_detail": {"pk": item.pk},
            "procedures:import_progress": {"pk": item.pk},
            "dossier_status": {"code": dossier.code},
        }
    }


def surveys_world(org):
    from django.utils import timezone

    from surveys.models import Campaign, Response

    today = timezone.localdate()
    campaign = Campaign.objects.create(agency=org.agency, name="Đợt 1", starts_on=today, ends_on=today, open_link=True)
    response = Response.objects.create(
        agency=org.agency,
        channel="online",
        source="receipt",
        questionnaire="sipas-service-2026",
        answered_on=today,
        answers={"q15": 4},
        comment="Tốt",
        comment_shown="Tốt",
        comment_state="pending",
    )
    return {
        "kwargs": {
            "surveys:campaign": {"pk": campaign.pk},
            "surveys:campaign_qr": {"pk": campaign.pk},
            "surveys:invalidate": {"pk": response.pk},
            "surveys:restore": {"pk": response.pk},
            "surveys:moderate": {"pk": response.pk},
            "survey_open": {"key": campaign.open_key},
            "survey_counter": {"key": campaign.open_key, "unit": org.unit_a.pk},
        }
    }


def feedback_world(org, cal):
    from django.utils import timezone

    from feedback import services as pakn

    item, _key = pakn.receive(
        agency=org.agency,
        channel="phone",
        name="Lê Văn C",
        address="Lạng Sơn",
        phone="0912000111",
        content="Phản ánh về thời hạn giải quyết",
        cal=cal,
        received_at=timezone.now(),
    )
    pakn.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    (attached,) = pakn.attach(item=item, files=[SimpleUploadedFile("thu.pdf", b"%PDF-1.4\n%%EOF\n")])
    return {
        "kwargs": {
            "feedback:attachment": {"pk": item.pk, "file_pk": attached.pk},
            "feedback_confirm": {"token": "forged"},
            "feedback:item": {"pk": item.pk},
            **{
                f"feedback:{step}": {"pk": item.pk}
                for step in (
                    "classify",
                    "not_accept",
                    "request_info",
                    "info_supplied",
                    "forward",
                    "answer",
                    "extend",
                    "note",
                    "repeat",
                    "approve",
                    "return_answer",
                    "reopen",
                )
            },
            "feedback:delete_template": {"pk": 0},  # none: the access check comes first
            "feedback:publish": {"pk": item.pk},
            "feedback_status": {"code": item.code},
            "feedback_rate": {"code": item.code},
            "feedback_remind": {"code": item.code},
        }
    }


def portal_world(org, tthc):
    from django.utils import timezone

    from portal.models import Post

    post = Post.objects.create(agency=org.agency, title="Tin", body="x", published_at=timezone.now())
    code = {"code": org.agency.code}
    return {
        "portal_agency": code,
        "portal_post": {**code, "pk": post.pk},
        "portal_catalogue": code,
        "portal_procedure": {**code, **tthc["kwargs"]["procedures:procedure"]},
        "portal_indices": code,
        "portal:edit_post": {"pk": post.pk},
    }


def targets_world(org, plan):
    """A task assigned by the province led by QLDN, and a manual target it owns with a period value."""
    from plans.models import AssignedTask
    from targets.models import Target, TargetSnapshot

    assigned = AssignedTask.objects.create(
        agency=org.agency,
        code="GV-1",
        document_number="1/UBND-KT",
        document_date=dt.date(2026, 1, 5),
        content="Báo cáo kết quả",
        due_date=dt.date(2026, 12, 30),
        lead_unit=org.unit_a,
    )
    target = Target.objects.create(
        plan=plan,
        agency=org.agency,
        code="CT-M",
        name="Đề án đúng tiến độ",
        measure="manual",
        direction="yes",
        due_date=dt.date(2026, 12, 31),
        owner_unit=org.unit_a,
    )
    period = TargetSnapshot.objects.create(
        target=target, period_end=dt.date(2026, 1, 31), period_label="01/2026", status="no_data"
    )
    one = {"pk": assigned.pk}
    return {
        **{f"plans:assigned_{step}": one for step in ("detail", "edit", "complete", "reopen", "withdraw")},
        **{f"targets:{page}": {"pk": target.pk} for page in ("detail", "edit", "spark", "enter_reading")},
        "targets:correct": {"pk": target.pk, "snapshot_id": period.pk},
    }


def reports_world(org, plan):
    from django.core.files.base import ContentFile

    from reports import jobs
    from reports.models import DocumentTemplate, Report

    report = Report.objects.create(agency=org.agency, year=2026, kind="year", title="Báo cáo năm 2026")
    done = jobs.generate(jobs.request_file(kind="report_xlsx", agency=org.agency, actor=org.office, report=report))
    template = DocumentTemplate(agency=org.agency, kind="report", name="bc.docx", sha256="x")
    template.file.save("bc.docx", ContentFile(b"PK"), save=True)
    return {
        "kwargs": {
            "reports:report": {"pk": report.pk},
            "reports:refresh_figures": {"pk": report.pk},
            "reports:download": {"pk": done.pk},
            "reports:file_status": {"pk": done.pk},
            "reports:template_off": {"pk": template.pk},
            "reports:sample_template": {"kind": "report"},
            "reports:plan_text": {"pk": plan.pk},
            "reports:plan_next_year": {"pk": plan.pk},
        },
        "data": {
            "reports:create": {"kind": "q1", "year": 2026},
            "reports:report": {"title": "Báo cáo năm 2026", "archive": "VT"},
            "reports:generate": {"kind": "report_xlsx", "report": report.pk},
            "reports:refresh_figures": {"confirm": "on"},
            "reports:plan_text": {"title": "Kế hoạch CCHC năm 2026", "archive": "VT"},
        },
    }


def people(org):
    return {name: getattr(org, name) for name in ROLES[1:]}


@pytest.mark.parametrize(("name", "method"), walks(MATRIX))
def test_access(name, method, org, world, client):
    users = people(org)
    for role in ROLES:
        client.logout()
        if role != "anon":
            client.force_login(users[role])
        kwargs = world["kwargs"].get(
            name, {"pk": world["task"].pk} if name.startswith("plans:") and _needs_pk(name) else {}
        )
        url = reverse(name, kwargs=kwargs)
        body = {k: (v() if callable(v) else v) for k, v in world["data"].get(name, {}).items()}
        response = client.get(url) if method == "get" else client.post(url, body)
        assert response.status_code == MATRIX[(name, method)][role], (name, method, role, response.status_code)


@pytest.mark.parametrize(
    "part", [pytest.param(FAST, id="fast"), pytest.param(None, id="the-rest", marks=pytest.mark.slow)]
)
def test_integration_account_gets_no_page(part, org, world, client):
    """The agency's integration account (Role.INTEGRATION) works through API tokens only: even
    with a session, every page answers it as it answers an anonymous visitor."""
    from core.models import Membership, Role, User

    account = User.objects.create_user("tichhop.tinh")
    Membership.objects.create(user=account, agency=org.agency, role=Role.INTEGRATION)
    for name, method in sorted(part or set(MATRIX) - FAST):
        client.force_login(account)  # again after the log-out page
        kwargs = world["kwargs"].get(
            name, {"pk": world["task"].pk} if name.startswith("plans:") and _needs_pk(name) else {}
        )
        url = reverse(name, kwargs=kwargs)
        body = {k: (v() if callable(v) else v) for k, v in world["data"].get(name, {}).items()}
        response = client.get(url) if method == "get" else client.post(url, body)
        assert response.status_code == MATRIX[(name, method)]["anon"], (name, method, response.status_code)


def _needs_pk(name):
    return any(p.pattern.converters for p in _patterns() if p.name == name.split(":")[1])


def _patterns():
    from plans import urls

    return urls.urlpatterns
