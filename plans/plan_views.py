"""Creating a plan (an agency's first plan, the province's plan) and its parent plan (issue 22)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import AnyUser, current_agency_or_404
from core.models import Agency
from plans.access import can_manage_plan
from plans.models import Plan
from plans.plan_forms import NewPlanForm
from plans.plan_services import create_plan


def may_create_plan(user: AnyUser, agency: Agency) -> bool:
    """The managers of the agency (plans.access.can_manage_plan's rule, asked of the plan to be)."""
    return can_manage_plan(user, Plan(agency=agency))


@login_required
def new_plan(request: HttpRequest) -> HttpResponse:
    agency = current_agency_or_404(request)
    if not may_create_plan(request.user, agency):
        raise PermissionDenied
    form = NewPlanForm(request.POST or None, agency=agency, year=timezone.localdate().year)
    if request.method == "POST" and form.is_valid():
        plan = create_plan(actor=request.user, agency=agency, data=form.cleaned_data)
        messages.success(
            request,
            _("Plan %(title)s created. Add its tasks one by one or import them from the Excel template.")
            % {"title": plan.title},
        )
        return redirect("plans:plan_detail", pk=plan.pk)
    context = {"form": form, "agency": agency}
    return render(request, "plans/plan_new.html", context, status=400 if form.errors else 200)
