"""The province's targets rolled up from the agencies' targets that serve them (issue 22's cascade):
for the appraisers and managers of a Sở Nội vụ (targets.access.province_agencies_of; 404 for anyone else)."""

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.models import Agency
from targets.access import province_agencies_of, targets_visible_to
from targets.models import Target
from targets.rollup import roll_up
from targets.selectors import rows


def _year(request: HttpRequest, province_targets: QuerySet[Target], this_year: int) -> tuple[int, list[int]]:
    """The year asked for when the province has targets for it, else this year or the latest."""
    years = sorted(set(province_targets.values_list("plan__year", flat=True)), reverse=True)
    asked = request.GET.get("year", "")
    if asked.isdigit() and int(asked) in years:
        return int(asked), years
    return (this_year if this_year in years or not years else years[0]), years


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    agencies = province_agencies_of(request.user)
    today = timezone.localdate()
    province_targets = Target.objects.filter(agency__in=agencies, agency__kind=Agency.Kind.HOME_AFFAIRS)
    year, years = _year(request, province_targets, today.year)
    parents = list(
        province_targets.filter(plan__year=year)
        .select_related("plan", "agency")
        .order_by("agency__name", "plan_id", "order", "code")
    )
    children = targets_visible_to(request.user).filter(parent__in=parents, agency__in=agencies)
    members = agencies.exclude(kind=Agency.Kind.HOME_AFFAIRS).filter(
        province_id__in={p.agency.province_id for p in parents}
    )
    lines = roll_up(parents, rows(children, today=today), members.order_by("name"), today=today)
    context = {"lines": lines, "year": year, "years": years, "today": today}
    return render(request, "targets/province.html", context)
