from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal, InvalidOperation
from functools import wraps

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import current_agency, documents_visible_to, scope_for
from core.forms import DocumentForm
from core.models import Agency, Role
from core.services import history_for, load_calendar
from core.views import handle_document_upload
from scorecards import access, services
from scorecards.excel import export_workbook, read_workbook
from scorecards.files import load_yaml_text
from scorecards.forms import (
    AssignForm,
    CriteriaUploadForm,
    EntryForm,
    ImprovementTaskForm,
    PublishForm,
    ReopenForm,
    RoundForm,
    SeriesForm,
)
from scorecards.models import Assignment, CriteriaSet, MetricSeries, NodeScore, Phase, Scorecard
from scorecards.report import scorecard_workbook
from scorecards.scoring import CriteriaError, Problem

COLUMN_LABELS = {"self": _("Self"), "a1": _("Appraisal 1"), "a2": _("Appraisal 2"), "final": _("Final")}


def refuses_politely(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except services.ScoreError as exc:
            messages.error(request, str(exc))
            back = request.headers.get("Referer", "")
            if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
                back = reverse("scorecards:home")
            return redirect(back)

    return wrapper


def _today():
    return timezone.localdate()


def _organiser_agencies(user):
    scope = scope_for(user)
    qs = Agency.objects.filter(kind=Agency.Kind.HOME_AFFAIRS)
    if scope.is_superuser:
        return qs
    return qs.filter(pk__in=[a for a in scope.agency_ids if scope.roles(a) & access.ORGANISER_ROLES])


@login_required
def home(request):
    agency = current_agency(request)
    rounds = access.rounds_visible_to(request.user).select_related("criteria_set", "organizer")
    cards = (
        Scorecard.objects.filter(agency=agency).select_related("round").order_by("-round__year")
        if agency and scope_for(request.user).can_view_agency(agency.pk)
        else Scorecard.objects.none()
    )
    context = {
        "rounds": rounds,
        "cards": cards,
        "organises": _organiser_agencies(request.user).exists(),
        "agency": agency,
    }
    return render(request, "scorecards/home.html", context)


# --- criteria sets ------------------------------------------------------------------------------


def _sets_visible_to(user):
    scope = scope_for(user)
    if scope.is_superuser:
        return CriteriaSet.objects.all()
    return CriteriaSet.objects.filter(province_id__in=set(scope.province_by_agency.values()))


@login_required
def criteria_list(request):
    sets = _sets_visible_to(request.user).select_related("province", "loaded_by")
    return render(
        request,
        "scorecards/criteria_list.html",
        {"sets": sets, "can_load": _organiser_agencies(request.user).exists()},
    )


@login_required
def criteria_detail(request, pk: int):
    stored = get_object_or_404(_sets_visible_to(request.user), pk=pk)
    cset = stored.parsed()
    rows = [{"node": node, "depth": depth} for node, depth in cset.walk()]
    return render(
        request,
        "scorecards/criteria_detail.html",
        {"stored": stored, "cset": cset, "rows": rows, "can_load": _organiser_agencies(request.user).exists()},
    )


@login_required
def criteria_export(request, pk: int, fmt: str):
    stored = get_object_or_404(_sets_visible_to(request.user), pk=pk)
    name = f"{stored.code}-v{stored.version}"
    if fmt == "xlsx":
        response = HttpResponse(
            export_workbook(stored.definition),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    text = stored.source_text or yaml.safe_dump(stored.definition, allow_unicode=True, sort_keys=False)
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.yaml"'
    return response


def _read_upload(upload) -> tuple[dict, str]:
    name = upload.name or "upload"
    raw = upload.read()
    if name.lower().endswith(".xlsx"):
        return read_workbook(io.BytesIO(raw), source=name), ""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CriteriaError([Problem(name, _("not UTF-8 text"))]) from None
    return load_yaml_text(text, source=name), text


@login_required
def criteria_upload(request):
    organisers = _organiser_agencies(request.user)
    if not organisers.exists():
        raise PermissionDenied
    province = organisers.first().province
    form = CriteriaUploadForm()
    preview = problems = None
    token = ""
    if request.method == "POST" and request.POST.get("token"):
        payload = request.session.pop(f"criteria-upload-{request.POST['token']}", None)
        if payload is None:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("scorecards:criteria_upload")
        try:
            stored, created = services.load_criteria_set(
                province=province,
                data=payload["data"],
                actor=request.user,
                source_text=payload["text"],
                source_name=payload["name"],
                publish=payload["publish"],
            )
        except CriteriaError as exc:
            problems = exc.problems
        else:
            if created:
                messages.success(request, _("Criteria set %(set)s saved.") % {"set": stored})
            else:
                messages.info(request, _("This definition is already stored as %(set)s.") % {"set": stored})
            return redirect("scorecards:criteria_detail", stored.pk)
    elif request.method == "POST":
        form = CriteriaUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data, text = _read_upload(upload)
                cset = services.scoring.parse_criteria(services._jsonable(data), source=upload.name)
            except CriteriaError as exc:
                problems = exc.problems
            else:
                preview = {"cset": cset, "rows": [{"node": n, "depth": d} for n, d in cset.walk()]}
                token = uuid.uuid4().hex
                # The checked definition waits in the session (database-backed: any app process).
                request.session[f"criteria-upload-{token}"] = {
                    "data": services._jsonable(data),
                    "text": text,
                    "name": upload.name,
                    "publish": form.cleaned_data["publish"],
                }
    return render(
        request,
        "scorecards/criteria_upload.html",
        {"form": form, "preview": preview, "problems": problems, "token": token},
    )


# --- rounds -------------------------------------------------------------------------------------


@login_required
def round_new(request):
    organisers = _organiser_agencies(request.user)
    organizer = organisers.first()
    if organizer is None:
        raise PermissionDenied
    form = RoundForm(request.POST or None, organizer=organizer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round_ = services.create_round(
            actor=request.user,
            organizer=organizer,
            criteria_set=data["criteria_set"],
            agencies=list(data["agencies"]),
            name=data["name"],
            year=data["year"],
            previous=data["previous"],
            today=_today(),
            deadlines={f: data[f] for f in data if f.endswith("_closes_on")},
        )
        messages.success(request, _("Round created with %(n)s agencies.") % {"n": round_.scorecards.count()})
        return redirect("scorecards:round_detail", round_.pk)
    return render(request, "scorecards/round_form.html", {"form": form})


@login_required
def round_detail(request, pk: int):
    round_ = access.get_round_for_user(request.user, pk)
    organiser = access.is_organiser(request.user, round_)
    column = request.GET.get("column", services.current_column(round_))
    if column not in services.COLUMNS:
        column = "final"
    if not organiser:
        # before publication participants see their own self-assessment; after it, the final result
        column = "final" if round_.is_published else "self"
    rows = services.ranking(round_, column)
    scope = scope_for(request.user)
    if not organiser:
        # other agencies' results are public to participants only once published
        rows = [r for r in rows if round_.is_published or scope.can_view_agency(r["agency"].pk)]
    for r in rows:
        r["can_open"] = organiser or scope.can_view_agency(r["agency"].pk)
        if not organiser and not round_.is_published:
            r["rank"] = None  # a rank says where the others stand
    cset = round_.criteria_set.parsed()
    context = {
        "round": round_,
        "organiser": organiser,
        "rows": rows,
        "column": column,
        "columns": [(c, COLUMN_LABELS[c]) for c in services.COLUMNS],
        "domains": cset.nodes,
        "phases": list(Phase),
        "reopen_form": ReopenForm(initial={"phase": round_.phase}),
        "publish_form": PublishForm(),
        "history": history_for(round_)[:20] if organiser else [],
        "phase_index": services.PHASE_ORDER.index(round_.phase),
    }
    return render(request, "scorecards/round_detail.html", context)


@login_required
@require_POST
@refuses_politely
def round_step(request, pk: int, step: str):
    round_ = access.get_round_for_user(request.user, pk, manage=True)
    if step == "advance":
        round_ = services.advance_phase(actor=request.user, round_=round_)
        messages.success(request, _("The round moved to: %(phase)s.") % {"phase": round_.get_phase_display()})
    elif step == "reopen":
        form = ReopenForm(request.POST)
        if not form.is_valid():
            raise services.ScoreError(_("Choose the phase and give the reason for reopening."))
        services.reopen_phase(
            actor=request.user,
            round_=round_,
            phase=form.cleaned_data["phase"],
            closes_on=form.cleaned_data["closes_on"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Phase reopened."))
    elif step == "publish":
        form = PublishForm(request.POST)
        if not form.is_valid():
            raise services.ScoreError(_("Give the number of the decision that approves the results."))
        services.publish_round(
            actor=request.user,
            round_=round_,
            decision_number=form.cleaned_data["decision_number"],
            decision_date=form.cleaned_data["decision_date"],
        )
        messages.success(request, _("Results published."))
    else:
        raise Http404
    return redirect("scorecards:round_detail", round_.pk)


# --- the scorecard table ------------------------------------------------------------------------


def _table(request, card: Scorecard):
    """Everything the scoring table needs, in a fixed number of queries whatever the set's size."""
    cset = card.round.criteria_set.parsed()
    scores = services.scorecard_rows(card)
    results = services.compute(cset, scores)
    assignments = list(card.assignments.select_related("unit"))
    by_code = {(s.block, s.code): s for s in scores}
    organiser = access.is_organiser(request.user, card.round)
    editable = access.code_editor(request.user, card, assignments, explaining=card.round.phase == Phase.EXPLANATION)
    phase = card.round.phase
    today = _today()
    closes = card.round.closes_on()
    phase_open = closes is None or today <= closes
    self_open = phase == Phase.SELF and phase_open and card.status == Scorecard.Status.DRAFT

    rows = []
    for node, depth in cset.walk():
        score = by_code.get(("", node.code)) if node.is_leaf else None
        rows.append(_row(node.code, node, depth, score, results, card, organiser, self_open, editable, phase_open))
        if node.is_leaf:
            rows[-1]["assignment"] = access.assignment_for(node.code, assignments)
    adjustments = []
    for block in ("bonus", "penalty"):
        adjustment = getattr(cset, block)
        for item in adjustment.items:
            score = by_code.get((block, item.code))
            adjustments.append(
                _row(item.code, item, 1, score, results, card, organiser, self_open, editable, phase_open, block=block)
            )
    return {
        "cset": cset,
        "rows": rows,
        "adjustments": adjustments,
        "results": results,
        # columns the round has reached (appraisal columns stay empty during self-scoring)
        "summary": [
            (c, COLUMN_LABELS[c], results[c])
            for c in services.COLUMNS[: services.COLUMNS.index(services.current_column(card.round)) + 1]
        ],
        "assignments": assignments,
        "organiser": organiser,
        "self_open": self_open,
        "phase_open": phase_open,
    }


def evidence_flags(documents, year: int) -> list[str]:
    """Automatic checks of evidence (par_index.md §8): dated outside the assessed year (up to the
    self-assessment in January of the next year), or without a number."""
    flags = []
    for doc in documents:
        if doc.issued_on and not (dt.date(year, 1, 1) <= doc.issued_on <= dt.date(year + 1, 1, 31)):
            flags.append(
                _("%(doc)s is dated outside %(year)s") % {"doc": doc.doc_number or doc.abstract[:30], "year": year}
            )
        if not doc.doc_number:
            flags.append(_("%(doc)s has no number") % {"doc": doc.abstract[:30]})
    return flags


INPUT_KEYS = ("value", "numerator", "denominator", "percent", "count", "violations", "points", "na", "note", "reason")


def _inputs(declared) -> dict:
    """The row's input values from a stored declared value."""
    if declared is None:
        return {}
    if declared == "na":
        return {"na": True}
    if isinstance(declared, bool):
        return {"value": "true" if declared else "false"}
    if isinstance(declared, str):
        return {"value": declared}
    return {k: str(v) for k, v in declared.items()}


def _row(code, node, depth, score, results, card, organiser, self_open, editable, phase_open, block=""):
    phase = card.round.phase
    res = {c: (results[c].nodes.get(code) if not block else None) for c in services.COLUMNS}
    row = {
        "code": code,
        "node": node,
        "depth": depth,
        "score": score,
        "block": block,
        "res": res,
        "is_leaf": block or getattr(node, "is_leaf", True),
    }
    if score is None:
        return row
    if block:
        row["items"] = {c: services._item_points(score, c) for c in services.COLUMNS}
    row["can_declare"] = (
        self_open and editable(code) and not (not block and node.source == "survey") and not card.round.is_published
    )
    row["appraise_column"] = (
        {Phase.APPRAISAL1: "a1", Phase.APPRAISAL2: "a2", Phase.COUNCIL: "final"}.get(phase)
        if organiser and phase_open and card.status == Scorecard.Status.SUBMITTED
        else None
    )
    if row["appraise_column"] == "a2" and not score.explanation_requested:
        row["appraise_column"] = None
    row["can_explain"] = (
        phase == Phase.EXPLANATION
        and phase_open
        and score.explanation_requested
        and editable(code)
        and not card.explanation_submitted_at
    )
    row["survey_entry"] = organiser and phase == Phase.COUNCIL and phase_open and not block and node.source == "survey"
    if row["survey_entry"]:
        row["appraise_column"] = None  # the council enters the survey result itself
    evidence = list(score.evidence_links.all())
    row["evidence"] = evidence
    row["evidence_flags"] = evidence_flags([link.document for link in evidence], card.round.year)
    row["inputs"] = _inputs(score.declared)
    if row["survey_entry"] and score.declared is None and score.metric:
        row["inputs"] = _inputs(score.metric.get("data"))  # the agency's own survey as a starting point
    self_points = res["self"].points if res["self"] else (row.get("items") or {}).get("self")
    # as services.missing_evidence: a replaced system figure needs a document, other points a
    # document or an explanation
    row["needs_note"] = (
        bool(self_points)
        and not evidence
        and (score.metric_overridden or (not score.metric and not score.note.strip()))
    )
    return row


@login_required
def scorecard(request, pk: int):
    card = access.get_scorecard_for_user(request.user, pk)
    context = _table(request, card)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            scorecard_workbook(card, context),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="PAR-{card.round.year}-{card.agency.code}.xlsx"'
        return response
    context.update(
        {
            "card": card,
            "round": card.round,
            "can_send": access.can_send(request.user, card),
            "can_approve": access.can_approve(request.user, card),
            "column_labels": COLUMN_LABELS,
            "history": history_for(card)[:10],
        }
    )
    return render(request, "scorecards/scorecard.html", context)


def _raw_from_post(node, post) -> object:
    """The declared value as the scoring module expects it, from the row's inputs."""
    if post.get("na"):
        return "na"
    rule = node.rule.type
    if rule in ("binary", "levels"):
        value = post.get("value", "")
        if rule == "binary" and value in ("true", "false"):
            return value == "true"
        return value or None
    keys = {
        "bands": ("numerator", "denominator", "percent"),
        "proportional": ("numerator", "denominator", "percent"),
        "per_item": ("count",),
        "deduction": ("violations",),
        "percent": ("percent",),
        "manual": ("points",),
    }[rule]
    data = {k: post.get(k, "").strip().replace(",", ".") for k in keys if post.get(k, "").strip()}
    if ("numerator" in data) != ("denominator" in data) and "percent" not in data:
        raise services.ScoreError(_("Enter both the number achieved and the total (or a percentage)."))
    if rule in ("bands", "proportional") and "percent" in data and ("numerator" in data or "denominator" in data):
        data.pop("percent")
    return data or None


def _decimal(text: str) -> Decimal | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise services.ScoreError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise services.ScoreError(_("“%(value)s” is not a number.") % {"value": text})
    return value


@login_required
@require_POST
def save_row(request, pk: int, score_id: int):
    """One row of the table (HTMX): declared value and explanation, a system figure's override,
    appraisal points and reasons, explanation, survey result. Returns the row and the totals."""
    card = access.get_scorecard_for_user(request.user, pk)
    score = get_object_or_404(NodeScore, pk=score_id, scorecard=card)
    action = request.POST.get("action", "declare")
    cset = card.round.criteria_set.parsed()
    node = cset.by_code().get(score.code) if not score.block else None
    today = _today()
    error = ""
    assignments = list(card.assignments.all())
    try:
        if action in ("declare", "override"):
            if not access.can_edit_code(request.user, card, score.code, assignments):
                raise PermissionDenied
            if score.block:
                raw = {"points": request.POST.get("points", "").strip().replace(",", ".")}
                services.save_declared(
                    actor=request.user,
                    score=score,
                    raw=raw if raw["points"] else None,
                    note=request.POST.get("note"),
                    today=today,
                )
            elif request.POST.get("restore"):
                services.restore_metric(actor=request.user, score=score, today=today)
            elif request.POST.get("override"):
                services.override_metric(
                    actor=request.user,
                    score=score,
                    raw=_raw_from_post(node, request.POST),
                    reason=request.POST.get("reason", ""),
                    note=request.POST.get("note"),
                    today=today,
                )
            else:
                services.save_declared(
                    actor=request.user,
                    score=score,
                    raw=_raw_from_post(node, request.POST),
                    note=request.POST.get("note"),
                    today=today,
                )
        elif action in ("a1", "a2", "final"):
            if not access.is_organiser(request.user, card.round):
                raise PermissionDenied
            services.appraise(
                actor=request.user,
                score=score,
                column=action,
                points=_decimal(request.POST.get("points", "")),
                reason=request.POST.get("reason", ""),
                request_explanation=bool(request.POST.get("explain")) if action == "a1" else None,
                today=today,
            )
        elif action == "explain":
            if not access.can_edit_code(request.user, card, score.code, assignments):
                raise PermissionDenied
            services.explain(actor=request.user, score=score, text=request.POST.get("explanation", ""), today=today)
        elif action == "survey":
            if not access.is_organiser(request.user, card.round):
                raise PermissionDenied
            if node is None:
                raise services.ScoreError(_("Only survey criteria take a survey result."))
            services.enter_survey(actor=request.user, score=score, raw=_raw_from_post(node, request.POST), today=today)
        else:
            raise Http404
    except services.ScoreError as exc:
        error = str(exc)
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, f"{score.code}: {error}")
        return redirect(reverse("scorecards:scorecard", args=[card.pk]) + f"#row-{score.pk}")
    card.refresh_from_db()
    context = _table(request, card)
    row = next(
        (r for r in context["rows"] + context["adjustments"] if r.get("score") and r["score"].pk == score.pk), None
    )
    if row is not None and error:
        row["inputs"] = {k: request.POST.get(k, "") for k in INPUT_KEYS}
        row["inputs"]["na"] = bool(request.POST.get("na"))
        row["inputs"]["value"] = request.POST.get("value", "")
    # the parents' sums change with the row: swapped out of band with the totals
    parts = score.code.split(".")
    prefixes = {".".join(parts[:n]) for n in range(1, len(parts))} if not score.block else set()
    ancestors = [r for r in context["rows"] if not r.get("score") and r["code"] in prefixes]
    context.update({"card": card, "round": card.round, "row": row, "error": error, "oob": True, "ancestors": ancestors})
    return render(request, "scorecards/_row_response.html", context)


@login_required
def row_evidence(request, pk: int, score_id: int):
    """Evidence of one criterion: link from the library or upload a new document."""
    card = access.get_scorecard_for_user(request.user, pk)
    score = get_object_or_404(NodeScore, pk=score_id, scorecard=card)
    cset = card.round.criteria_set.parsed()
    node = cset.by_code().get(score.code)
    assignments = list(card.assignments.all())
    can_edit = access.can_edit_code(request.user, card, score.code, assignments) and not card.round.is_published
    form = DocumentForm()
    today = _today()
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        try:
            if "document" in request.POST:
                doc_id = request.POST.get("document", "")
                document = documents_visible_to(request.user).filter(pk=int(doc_id) if doc_id.isdigit() else 0).first()
                if document is None:
                    raise Http404
                services.link_evidence(actor=request.user, score=score, document=document, today=today)
                return redirect("scorecards:row_evidence", card.pk, score.pk)
            if "unlink" in request.POST:
                doc_id = request.POST.get("unlink", "")
                document = get_object_or_404(score.evidence, pk=int(doc_id) if doc_id.isdigit() else 0)
                services.unlink_evidence(actor=request.user, score=score, document=document, today=today)
                return redirect("scorecards:row_evidence", card.pk, score.pk)
            services.evidence_stage(score, today)  # refuse before storing a file that cannot be linked
            form, document = handle_document_upload(request, card.agency)
            if document is not None:
                services.link_evidence(actor=request.user, score=score, document=document, today=today)
                return redirect("scorecards:row_evidence", card.pk, score.pk)
        except services.ScoreError as exc:
            messages.error(request, str(exc))
    library = (
        documents_visible_to(request.user)
        .filter(agency=card.agency)
        .exclude(pk__in=score.evidence.values("pk"))
        .order_by("-created_at")[:300]
    )
    links = score.evidence_links.select_related("document", "version").order_by("linked_at")
    flags = evidence_flags([link.document for link in links], card.round.year)
    return render(
        request,
        "scorecards/row_evidence.html",
        {
            "card": card,
            "score": score,
            "node": node,
            "links": links,
            "library": library,
            "form": form,
            "can_edit": can_edit,
            "flags": flags,
        },
    )


@login_required
@require_POST
@refuses_politely
def card_step(request, pk: int, step: str):
    card = access.get_scorecard_for_user(request.user, pk)
    today = _today()
    if step == "send":
        if not access.can_send(request.user, card):
            raise PermissionDenied
        services.send_for_approval(actor=request.user, scorecard=card, today=today)
        messages.success(request, _("Sent to the leader for approval."))
    elif step == "approve":
        if not access.can_approve(request.user, card):
            raise PermissionDenied
        services.approve_and_submit(actor=request.user, scorecard=card, today=today)
        messages.success(request, _("Approved and submitted to the Department of Home Affairs."))
    elif step == "return":
        if not (access.can_approve(request.user, card) or access.can_send(request.user, card)):
            raise PermissionDenied
        services.return_to_draft(actor=request.user, scorecard=card, reason=request.POST.get("reason", ""), today=today)
        messages.success(request, _("Returned to draft."))
    elif step == "explanations":
        if not access.can_send(request.user, card):
            raise PermissionDenied
        services.submit_explanations(actor=request.user, scorecard=card, today=today)
        messages.success(request, _("Explanations submitted."))
    elif step == "metrics":
        if not access.can_send(request.user, card):
            raise PermissionDenied
        services._check_open(card.round, Phase.SELF, today)
        changed = services.refresh_metrics(actor=request.user, scorecard=card, today=today)
        messages.success(request, _("System figures refreshed: %(n)s changed.") % {"n": changed})
    else:
        raise Http404
    return redirect("scorecards:scorecard", card.pk)


ASSIGNMENT_STEPS = {
    "submit": {Assignment.Status.ASSIGNED, Assignment.Status.CHANGES_REQUESTED},
    "accept": {Assignment.Status.SUBMITTED},
    "request_changes": {Assignment.Status.SUBMITTED, Assignment.Status.ACCEPTED},
}


@login_required
def assignments(request, pk: int):
    card = access.get_scorecard_for_user(request.user, pk)
    manager = access.is_agency_manager(request.user, card)
    form = AssignForm(request.POST or None, scorecard=card)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.assign_block(
                    actor=request.user, scorecard=card, code=form.cleaned_data["code"], unit=form.cleaned_data["unit"]
                )
            except services.ScoreError as exc:
                messages.error(request, str(exc))
            return redirect("scorecards:assignments", card.pk)
    names = card.round.criteria_set.parsed().by_code()
    items = [
        {
            "a": a,
            "name": names[a.code].name if a.code in names else "",
            "steps": [
                step
                for step, states in ASSIGNMENT_STEPS.items()
                if a.status in states and access.can_work_assignment(request.user, a, step)
            ],
        }
        for a in card.assignments.select_related("unit")
    ]
    return render(
        request, "scorecards/assignments.html", {"card": card, "form": form, "items": items, "manager": manager}
    )


@login_required
@require_POST
@refuses_politely
def assignment_step(request, pk: int, step: str):
    assignment = get_object_or_404(Assignment.objects.select_related("scorecard__round"), pk=pk)
    access.get_scorecard_for_user(request.user, assignment.scorecard_id)
    if step not in ("submit", "accept", "request_changes") or not access.can_work_assignment(
        request.user, assignment, step
    ):
        raise PermissionDenied
    services.assignment_step(actor=request.user, assignment=assignment, step=step, note=request.POST.get("note", ""))
    return redirect("scorecards:assignments", assignment.scorecard_id)


# --- results that drive the plan ----------------------------------------------------------------


def _results_column(card: Scorecard, request) -> str:
    column = request.GET.get("column") or services.current_column(card.round)
    return column if column in services.COLUMNS else "self"


@login_required
def results(request, pk: int):
    card = access.get_scorecard_for_user(request.user, pk)
    cset = card.round.criteria_set.parsed()
    computed = services.compute(cset, list(card.scores.all()))
    organiser = access.is_organiser(request.user, card.round)
    ranks = {
        c: next((r["rank"] for r in services.ranking(card.round, c) if r["scorecard"].pk == card.pk), None)
        if organiser or (card.round.is_published and c == "final")
        else None
        for c in services.COLUMNS
    }
    previous = services.year_on_year(card)
    columns = []
    for column in services.COLUMNS:
        res = computed[column]
        if card.round.is_published and column == "final" and card.published_results:
            index = card.published_results.get("index")
        else:
            index = None if res.index_percent is None else str(res.index_percent)
        change = None
        if previous and previous.get("index") and index:
            change = Decimal(index) - Decimal(previous["index"])
        columns.append(
            {"key": column, "label": COLUMN_LABELS[column], "res": res, "rank": ranks[column], "change": change}
        )
    domains = [{"node": node, "cells": [computed[c].nodes[node.code] for c in services.COLUMNS]} for node in cset.nodes]
    return render(
        request,
        "scorecards/results.html",
        {
            "card": card,
            "columns": columns,
            "domains": domains,
            "previous": previous,
            "count": card.round.scorecards.count(),
        },
    )


@login_required
def points_lost(request, pk: int):
    card = access.get_scorecard_for_user(request.user, pk)
    column = _results_column(card, request)
    rows = services.points_lost(card, column, request.user)
    manager = access.is_agency_manager(request.user, card)
    form = (
        ImprovementTaskForm(agency=card.agency, initial={"deadline": _today() + dt.timedelta(days=90)})
        if manager
        else None
    )
    return render(
        request,
        "scorecards/points_lost.html",
        {
            "card": card,
            "rows": rows,
            "column": column,
            "columns": [(c, COLUMN_LABELS[c]) for c in services.COLUMNS],
            "total_lost": sum((r.lost for r in rows), Decimal(0)),
            "form": form,
        },
    )


@login_required
@require_POST
@refuses_politely
def improvement_task(request, pk: int, code: str):
    card = access.get_scorecard_for_user(request.user, pk)
    if not access.is_agency_manager(request.user, card):
        raise PermissionDenied
    form = ImprovementTaskForm(request.POST, agency=card.agency)
    if not form.is_valid():
        raise services.ScoreError(_("Choose the plan, the lead unit and a deadline."))
    task = services.create_improvement_task(
        actor=request.user,
        scorecard=card,
        code=code,
        plan=form.cleaned_data["plan"],
        lead_unit=form.cleaned_data["lead_unit"],
        deadline=form.cleaned_data["deadline"],
        today=_today(),
        cal=load_calendar(),
    )
    messages.success(request, _("Improvement task %(task)s created.") % {"task": task.code})
    return redirect("plans:task_detail", task.pk)


@login_required
def forecast(request):
    agency = current_agency(request)
    if agency is None:
        raise Http404
    card = (
        Scorecard.objects.filter(agency=agency, round__phase__in=[Phase.SETUP, Phase.SELF])
        .select_related("round__criteria_set")
        .order_by("-round__year")
        .first()
    )
    stored = card.round.criteria_set if card else None
    if stored is None:
        stored = (
            CriteriaSet.objects.filter(province=agency.province, status=CriteriaSet.Status.PUBLISHED)
            .order_by("-year", "-version")
            .first()
        )
    if stored is None:
        return render(request, "scorecards/forecast.html", {"agency": agency, "data": None})
    data = services.forecast(
        agency=agency, criteria_set=stored, scorecard=card, today=_today(), cal=load_calendar(), user=request.user
    )
    return render(request, "scorecards/forecast.html", {"agency": agency, "data": data, "stored": stored, "card": card})


# --- periodic metric series ---------------------------------------------------------------------


@login_required
def series_list(request):
    agency = current_agency(request)
    if agency is None:
        raise Http404
    scope = scope_for(request.user)
    manager = scope.is_manager(agency.pk) and not scope.is_read_only(agency.pk)
    form = SeriesForm(request.POST or None, agency=agency)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        if form.is_valid():
            series = form.save(commit=False)
            series.agency = agency
            if MetricSeries.objects.filter(agency=agency, key=series.key).exists():
                form.add_error("key", _("This agency already has a series with this key."))
            else:
                series.save()
                return redirect("scorecards:series_detail", series.pk)
    today = _today()
    items = [
        {"series": s, "missing": services.missing_periods(s, today), "value": services.series_value(s, today.year)}
        for s in MetricSeries.objects.filter(agency=agency).select_related("owner_unit")
    ]
    return render(request, "scorecards/series_list.html", {"items": items, "form": form, "manager": manager})


def _can_enter(user, series: MetricSeries) -> bool:
    scope = scope_for(user)
    if scope.is_read_only(series.agency_id):
        return False
    return scope.is_manager(series.agency_id) or bool(
        scope.unit_roles(series.owner_unit_id) & {Role.OFFICER, Role.UNIT_HEAD}
    )


@login_required
def series_detail(request, pk: int):
    series = get_object_or_404(MetricSeries.objects.select_related("owner_unit", "agency"), pk=pk)
    if not scope_for(request.user).can_view_agency(series.agency_id):
        raise Http404
    today = _today()
    year = int(request.GET.get("year", today.year)) if str(request.GET.get("year", "")).isdigit() else today.year
    periods = services.period_ends(series.frequency, year)
    can_enter = _can_enter(request.user, series)
    form = EntryForm(request.POST or None, periods=periods)
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            doc_id = request.POST.get("document", "")
            documents = (
                list(documents_visible_to(request.user).filter(pk=int(doc_id), agency=series.agency))
                if doc_id.isdigit()
                else []
            )
            try:
                services.enter_metric(
                    actor=request.user,
                    series=series,
                    period_end=dt.date.fromisoformat(data["period_end"]),
                    numerator=data["numerator"],
                    denominator=data["denominator"],
                    value=data["value"],
                    note=data["note"],
                    documents=documents,
                )
            except services.ScoreError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Value saved."))
                return redirect("scorecards:series_detail", series.pk)
    entries = series.entries.filter(period_end__year=year).prefetch_related("evidence")
    library = documents_visible_to(request.user).filter(agency=series.agency).order_by("-created_at")[:300]
    return render(
        request,
        "scorecards/series_detail.html",
        {
            "series": series,
            "entries": entries,
            "form": form,
            "can_enter": can_enter,
            "missing": services.missing_periods(series, today) if year == today.year else [],
            "library": library,
            "year": year,
        },
    )
