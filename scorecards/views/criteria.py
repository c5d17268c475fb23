"""Criteria sets: the list, one set, its export, and loading a new version (checked and previewed
first, saved all or nothing)."""

from __future__ import annotations

import io
import uuid
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.file_problems import FileError
from core.web import XLSX, YAML, download
from scorecards import access, services
from scorecards.criteria import CriteriaError, Problem, parse_criteria
from scorecards.criteria_export import export_workbook
from scorecards.criteria_import import read_workbook
from scorecards.files import load_yaml_text
from scorecards.forms import CriteriaUploadForm

SESSION_KEY = "criteria-upload-{}"


@login_required
def criteria_list(request: HttpRequest) -> HttpResponse:
    sets = access.criteria_sets_visible_to(request.user).select_related("province", "loaded_by")
    context = {"sets": sets, "can_load": access.can_organise(request.user)}
    return render(request, "scorecards/criteria_list.html", context)


@login_required
def criteria_detail(request: HttpRequest, pk: int) -> HttpResponse:
    stored = access.get_criteria_set_for_user(request.user, pk)
    cset = stored.parsed()
    rows = [{"node": node, "depth": depth} for node, depth in cset.walk()]
    context = {"stored": stored, "cset": cset, "rows": rows, "can_load": access.can_organise(request.user)}
    return render(request, "scorecards/criteria_detail.html", context)


@login_required
def criteria_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    stored = access.get_criteria_set_for_user(request.user, pk)
    name = f"{stored.code}-v{stored.version}"
    if fmt == "xlsx":
        return download(export_workbook(stored.definition), f"{name}.xlsx", XLSX)
    text = stored.source_text or yaml.safe_dump(stored.definition, allow_unicode=True, sort_keys=False)
    return download(text, f"{name}.yaml", YAML)


@login_required
def criteria_upload(request: HttpRequest) -> HttpResponse:
    """A YAML file or a workbook, checked completely and shown before anything is saved."""
    access.get_organiser_agency_for_user(request.user)
    form = CriteriaUploadForm(request.POST or None, request.FILES or None)
    # the latest set this person sees, exported, is the template to edit (its sheets carry notes)
    model = access.criteria_sets_visible_to(request.user).order_by("-year", "-version").first()
    context: dict[str, Any] = {"form": form, "preview": None, "problems": None, "token": "", "model": model}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data, text = _read_upload(upload)
            cset = parse_criteria(services.jsonable(data), source=upload.name or "")
        except CriteriaError as exc:
            context |= {"problems": exc.problems, "problem_count": len(exc.problems)}
        except FileError as exc:
            context |= {"problems": exc.lines(upload.name or ""), "problem_count": exc.total}
        else:
            context["preview"] = {"cset": cset, "rows": [{"node": n, "depth": d} for n, d in cset.walk()]}
            context["token"] = uuid.uuid4().hex
            # The checked definition waits in the session (database-backed: any app process).
            payload = {"data": services.jsonable(data), "text": text, "name": upload.name}
            request.session[SESSION_KEY.format(context["token"])] = {**payload, "publish": form.cleaned_data["publish"]}
    return render(request, "scorecards/criteria_upload.html", context)


@login_required
@require_POST
def criteria_save(request: HttpRequest) -> HttpResponse:
    """Saves the definition checked by `criteria_upload` (kept in the session under its token)."""
    province = access.get_organiser_agency_for_user(request.user).province
    payload = request.session.pop(SESSION_KEY.format(request.POST.get("token", "")), None)
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
        problems = {"problems": exc.problems, "problem_count": len(exc.problems)}
        context = {"form": CriteriaUploadForm(), **problems, "preview": None, "token": ""}
        return render(request, "scorecards/criteria_upload.html", context)
    named = {"set": _("%(name)s (version %(version)s)") % {"name": stored.name, "version": stored.version}}
    if created:
        messages.success(request, _("Criteria set %(set)s saved.") % named)
    else:
        messages.info(request, _("This definition is already stored as %(set)s.") % named)
    return redirect("scorecards:criteria_detail", stored.pk)


def _read_upload(upload: UploadedFile) -> tuple[Any, str]:
    """The definition in an uploaded file, and the file's text (a YAML file's, kept as its source)."""
    name = upload.name or "upload"
    raw = upload.read()
    if name.lower().endswith(".xlsx"):
        return read_workbook(io.BytesIO(raw), source=name), ""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CriteriaError([Problem(name, _("not UTF-8 text"))]) from None
    return load_yaml_text(text, source=name), text
