"""The leaders' one page of targets and results ("Bảng điều hành kết quả"), a target's page, its
forms and its charts (issue 22). Every value shown comes from `targets.selectors.rows()`, the one
reading of the API, the report and the portal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import current_agency_or_404
from core.files import FileRejected
from core.forms import DocumentForm
from core.metrics import METRICS
from core.models import Document
from core.numbers import vi_number
from core.services import create_document, history_for
from core.web import XLSX, download, query_without, refuses_politely
from plans.models import Plan, Section
from scorecards.models import MetricSeries
from targets import charts, excel, services
from targets.access import (
    can_enter_value,
    can_manage_targets,
    can_view_targets,
    get_target_for_user,
    targets_visible_to,
)
from targets.charts import short
from targets.forms import BoardFilter, CorrectionForm, ReadingForm, TargetForm
from targets.models import Status, Target, TargetSnapshot
from targets.selectors import LINKED_TASKS, Row, row_for, rows, targets_of

TONES = {Status.ON_TRACK: "success", Status.AT_RISK: "warning", Status.OFF_TRACK: "danger", Status.NO_DATA: "secondary"}
SPARK_SECONDS = 24 * 3600


def _today() -> dt.date:
    return timezone.localdate()


def spark_points(row: Row) -> list[tuple[dt.date, Decimal]]:
    """The period-end values and, after them, the actual value: what the sparkline and the trend draw."""
    points = list(row.history)
    actual = row.actual
    if actual.value is not None and actual.as_of is not None and (not points or actual.as_of > points[-1][0]):
        points.append((actual.as_of, actual.value))
    return points


def _spark_url(row: Row) -> str:
    version = charts.points_hash(spark_points(row), row.target.target_value)
    return f"{reverse('targets:spark', args=[row.target.pk])}?v={version}"


def explain(row: Row) -> str:
    """The rule that decided the status, in a sentence (docs/targets.md R1..R10)."""
    v, target, unit = row.verdict, row.target, row.target.unit
    number = {
        "expected": vi_number(v.expected),
        "projected": vi_number(v.projected),
        "gap": vi_number(v.gap),
        "due": f"{target.due_date:%d/%m/%Y}",
        "unit": unit,
        "date": f"{row.actual.as_of:%d/%m/%Y}" if row.actual.as_of else "",
    }
    sentences = {
        "R1": _("No data: the target has no value yet."),
        "R2": _("No data: the latest value (as of %(date)s) is too old to judge."),
        "R3": _("Met: the actual value reaches the target."),
        "R4": _("Off track: the due date %(due)s has passed and the target is not met (gap %(gap)s %(unit)s)."),
        "R5": _("Off track: the target is none, and the year's count is already above zero."),
        "R7": _("On pace: %(expected)s %(unit)s needed by today."),
        "R8": _("Close to the target: within the tolerance (gap %(gap)s %(unit)s)."),
        "R9": _("Trend: expected to reach %(projected)s %(unit)s by the due date."),
    }
    if v.rule == "R6":
        if v.status == Status.AT_RISK:
            return _("Not done yet, with less than a quarter of the time left before %(due)s.") % number
        return _("Not done yet; there is still time before %(due)s.") % number
    if v.rule == "R10":
        if v.projected is None:
            return _("Off track: behind the target and too few period values to see a trend.")
        return _("Off track: at this pace it reaches only %(projected)s %(unit)s by the due date.") % number
    return sentences.get(v.rule, "") % number


def actual_text(row: Row) -> str:
    actual = row.actual
    if actual.value is None or actual.numerator is not None:
        return actual.display
    if row.target.direction == Target.Direction.YES:
        return _("Done") if actual.value >= 1 else _("Not done yet")
    return f"{short(actual.value)} {row.target.unit}".strip()


def target_text(target: Target) -> str:
    """What the target asks, in words: "At least 90 %", "Done (yes/no)", "None (zero)"."""
    if target.direction in (Target.Direction.YES, Target.Direction.ZERO):
        return str(target.get_direction_display())
    return f"{target.get_direction_display()} {short(target.target_value)} {target.unit}".strip()


def _item(row: Row) -> dict[str, Any]:
    return {
        "row": row,
        "tone": TONES.get(Status(row.status), "secondary"),
        "spark": _spark_url(row),
        "baseline": short(row.target.baseline),
        "target_value": short(row.target.target_value),
        "target_text": target_text(row.target),
        "actual": actual_text(row),
    }


def _section_of(code: str, known: dict[str, Section]) -> str:
    """The plan section a target's section code names: the first of several ("II.1.c; II.1.g"),
    "đ" as the plan writes it ("dd"), else the nearest enclosing section ("II.2.b" -> "II.2");
    "" when none is known."""
    found = code.split(";")[0].strip().replace("đ", "dd").replace("Đ", "DD")
    while found and found not in known:
        found = found.rsplit(".", 1)[0] if "." in found else ""
    return found


def _groups(items: list[dict[str, Any]], plan: Plan | None) -> list[dict[str, Any]]:
    """The rows grouped by their section code (II.1.a ...), in the plan's order of its sections."""
    sections = {s.code: s for s in Section.objects.filter(plan=plan)} if plan else {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item["row"].target.section, []).append(item)

    def place(code: str) -> tuple[int, int, str]:
        known = _section_of(code, sections)
        return (0, sections[known].order, code) if known else (1, 0, code)

    def title(code: str) -> str:
        known = _section_of(code, sections)
        exact = ";" not in code and known == code.strip().replace("đ", "dd").replace("Đ", "DD")
        return sections[known].title if known and exact else ""

    return [{"code": code, "title": title(code), "items": groups[code]} for code in sorted(groups, key=place)]


def _chosen_plan(form: BoardFilter, request: HttpRequest) -> Plan | None:
    plans = form.fields["plan"].queryset
    if form.is_valid() and form.cleaned_data.get("plan"):
        return form.cleaned_data["plan"]
    year = request.GET.get("year", "")
    if year.isdigit():
        return plans.filter(year=int(year)).first()
    return plans.filter(year__lte=_today().year).first() or plans.first()


@login_required
def board(request: HttpRequest) -> HttpResponse:
    agency = current_agency_or_404(request)
    if not can_view_targets(request.user, agency):
        raise PermissionDenied
    form = BoardFilter(request.GET or None, agency=agency)
    plan = _chosen_plan(form, request)
    data = form.cleaned_data if form.is_valid() else {}
    unit = data.get("unit")
    found = rows(
        targets_of(agency, plan_id=plan.pk if plan else 0),
        today=_today(),
        par_domain=data.get("par_domain") or None,
        sipas_element=data.get("sipas_element", ""),
        unit_id=unit.pk if unit else None,
    )
    counts = {key: sum(1 for r in found if r.status == key) for key in Status.values}
    shown = [r for r in found if r.status == data["status"]] if data.get("status") else found
    if request.GET.get("export") == "xlsx":
        return download(excel.export_board(shown, plan=plan, today=_today()), "bang-dieu-hanh-ket-qua.xlsx", XLSX)
    context = {
        "agency": agency,
        "form": form,
        "plan": plan,
        "today": _today(),
        "groups": _groups([_item(r) for r in shown], plan),
        "total": len(found),
        "shown": len(shown),
        # the cards count by status within the other filters and keep them when clicked
        "summary": [(key, label, counts[key], TONES[Status(key)]) for key, label in Status.choices],
        "facets": query_without(request, "status", "export", "print").urlencode(),
        "status": data.get("status", ""),
        "query": request.GET.urlencode(),
        "printing": request.GET.get("print") == "1",
        "can_manage": can_manage_targets(request.user, agency),
    }
    return render(request, "targets/board.html", context)


@login_required
def spark(request: HttpRequest, pk: int) -> HttpResponse:
    """The sparkline of a target, cached by the hash of its points (the page's `?v=`)."""
    target = get_target_for_user(request.user, pk)
    version = request.GET.get("v", "")[:32]
    svg = cache.get(f"targets:spark:{pk}:{version}") if version else None
    if svg is None:
        row = row_for(target, today=_today())
        points = spark_points(row)
        version = charts.points_hash(points, target.target_value)
        svg = charts.sparkline_svg(points, target=target.target_value)
        cache.set(f"targets:spark:{pk}:{version}", svg, SPARK_SECONDS)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = f"private, max-age={SPARK_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _measure_label(target: Target) -> str:
    """What the number is, in words: the registered measure's label, the series' name."""
    if target.measure == Target.Measure.COMPUTED:
        if target.measure_key == LINKED_TASKS:
            return _("the target's own tasks done by their deadline")
        metric = METRICS.get(target.measure_key)
        return str(metric.label) if metric else target.measure_key
    if target.measure == Target.Measure.SERIES:
        found = MetricSeries.objects.filter(agency_id=target.agency_id, key=target.measure_key).first()
        return found.name if found else target.measure_key
    return ""


def _detail_context(request: HttpRequest, target: Target, corrections: dict[int, CorrectionForm]) -> dict[str, Any]:
    row = row_for(target, today=_today())
    snapshots = list(target.snapshots.select_related("corrected_by").order_by("-period_end"))
    manage = can_manage_targets(request.user, target.agency_id)
    trend = charts.trend_svg(
        spark_points(row), target=target.target_value, baseline=target.baseline, unit=target.unit, title=target.name
    )
    served_by = targets_visible_to(request.user).filter(parent=target)  # the agencies' figures: only those one may see
    children = rows(served_by, today=_today()) if served_by.exists() else []
    return {
        "target": target,
        "measure_label": _measure_label(target),
        "row": row,
        "tone": TONES.get(Status(row.status), "secondary"),
        "item": _item(row),
        "explanation": explain(row),
        "history": history_for(target)[:50],
        "trend": mark_safe(trend),  # noqa: S308  # drawn by matplotlib from numbers; every text escaped by it
        "readings": target.readings.select_related("entered_by").prefetch_related("evidence")[:20],
        "children": [_item(child) for child in children],
        "can_manage": manage,
        "can_enter": target.measure == Target.Measure.MANUAL and can_enter_value(request.user, target),
        "reading_form": ReadingForm(initial={"as_of": _today()}),
        "document_form": DocumentForm(prefix="doc"),
        "corrections": [(s, _correction_form(s, corrections) if manage else None) for s in snapshots],
    }


def _correction_form(snapshot: TargetSnapshot, bound: dict[int, CorrectionForm]) -> CorrectionForm:
    return bound.get(snapshot.pk) or CorrectionForm(
        auto_id=f"correction_{snapshot.pk}_%s", initial={"value": snapshot.value}
    )


def _render_detail(
    request: HttpRequest,
    target: Target,
    *,
    status: int = 200,
    corrections: dict[int, CorrectionForm] | None = None,
    **forms: Any,
) -> HttpResponse:
    context = _detail_context(request, target, corrections or {})
    context.update(forms)
    return render(request, "targets/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_target_for_user(request.user, pk))


def _target_page(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return reverse("targets:detail", args=[kwargs["pk"]])


@login_required
def new(request: HttpRequest) -> HttpResponse:
    agency = current_agency_or_404(request)
    if not can_manage_targets(request.user, agency):
        raise PermissionDenied
    plan = Plan.objects.filter(agency=agency, pk=request.GET.get("plan") or 0).first()
    form = TargetForm(request.POST or None, agency=agency, plan=plan, initial={"plan": plan})
    return _save(request, form, None)


@login_required
@refuses_politely(_target_page)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_target_for_user(request.user, pk, action="manage")
    form = TargetForm(request.POST or None, instance=target, agency=target.agency)
    return _save(request, form, target)


def _save(request: HttpRequest, form: TargetForm, target: Target | None) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        instance.agency = form.agency
        try:
            saved = services.save_target(actor=request.user, target=instance, tasks=list(form.cleaned_data["tasks"]))
        except services.TargetError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Target %(code)s saved.") % {"code": saved.code})
            return redirect("targets:detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "targets/target_form.html", {"form": form, "target": target, "wide": TargetForm.WIDE}, status=status
    )


def _refused(form: forms.Form, exc: services.TargetError) -> None:
    """A change the service refused, as an error of the form field at fault (or of the form)."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


@login_required
@require_POST
def enter_reading(request: HttpRequest, pk: int) -> HttpResponse:
    """A value of a manual target with its evidence file (filed in the owner unit)."""
    target = get_target_for_user(request.user, pk, action="enter")
    form = ReadingForm(request.POST)
    document_form = DocumentForm(request.POST, request.FILES, prefix="doc")
    if form.is_valid() and document_form.is_valid():
        try:
            with transaction.atomic():  # a value refused leaves no document behind
                document = _filed(request, target, document_form)
                services.enter_reading(actor=request.user, target=target, documents=[document], **form.cleaned_data)
        except FileRejected as exc:
            document_form.add_error("file", str(exc))
        except services.TargetError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Value entered for %(code)s.") % {"code": target.code})
            return redirect("targets:detail", pk=pk)
    messages.error(request, _("The value was not saved: see the errors in the form."))
    chosen = request.FILES.get("doc-file")
    context = {"reading_form": form, "document_form": document_form, "chosen_file": chosen.name if chosen else ""}
    return _render_detail(request, target, status=400, **context)


def _filed(request: HttpRequest, target: Target, form: DocumentForm) -> Document:
    """The evidence document of a valid upload form, filed in the target's owner unit."""
    data = dict(form.cleaned_data)
    upload = data.pop("file")
    return create_document(
        actor=request.user, agency=target.agency, unit=target.owner_unit, fileobj=upload, filename=upload.name, **data
    )


@login_required
@require_POST
def correct(request: HttpRequest, pk: int, snapshot_id: int) -> HttpResponse:
    """A period-end value corrected by a manager, with the reason."""
    target = get_target_for_user(request.user, pk, action="manage")
    snapshot = get_object_or_404(TargetSnapshot, pk=snapshot_id, target=target)
    form = CorrectionForm(request.POST, auto_id=f"correction_{snapshot.pk}_%s")
    if form.is_valid():
        try:
            services.correct_snapshot(actor=request.user, snapshot=snapshot, **form.cleaned_data)
        except services.TargetError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Value of %(period)s corrected.") % {"period": snapshot.period_label})
            return redirect("targets:detail", pk=pk)
    messages.error(request, _("The value was not corrected: see the errors in the form."))
    return _render_detail(request, target, status=400, corrections={snapshot.pk: form})


def status_counts(found: Iterable[Row]) -> dict[str, int]:
    """How many targets are in each status (the landing panel and the page's summary)."""
    counts = dict.fromkeys(Status.values, 0)
    for row in found:
        counts[row.status] += 1
    return counts
