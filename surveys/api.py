"""SIPAS results over the JSON API: the index of an agency's valid responses over a WHOLE period
(year + period kind + number, or a campaign) and the whole agency or one unit, with the cells
surveys.disclosure hides (issue 18 H2). `from`/`to` are still accepted for old clients, only
when they are exactly a calendar period; any other range is refused with 422. Open-link answers
are reported apart (`population=open`)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router
from ninja.errors import HttpError

from core.access import get_agency_for_user
from core.models import Agency, Unit
from surveys import disclosure, selectors
from surveys.models import Campaign
from surveys.results import POPULATIONS

router = Router(tags=["sipas"])


def _period(agency: Agency, *, year, period, number, campaign, start, end) -> disclosure.Period:
    if campaign is not None:
        found = Campaign.objects.filter(agency=agency, pk=campaign).first() if 0 < campaign < 2**31 else None
        if found is None:
            raise HttpError(422, "Không có đợt khảo sát này.")
        return disclosure.campaign_period(found.pk, found.name, found.starts_on, found.ends_on)
    if start or end:
        exact = disclosure.exact_period(start, end) if start and end else None
        if exact is None:
            raise HttpError(
                422,
                "`from`/`to` phải trùng đúng một kỳ trọn vẹn (tháng, quý, 6 tháng, 9 tháng, năm); "
                "dùng year, period, number hoặc campaign.",
            )
        return exact
    if year is None or not period:
        raise HttpError(422, "Chọn kỳ: year và period (month, quarter, half, nine, year) với number, hoặc campaign.")
    try:
        return disclosure.period(period, year, number)
    except disclosure.PeriodError as exc:
        raise HttpError(422, str(exc)) from None


@router.get("/sipas/index")
def sipas_index(
    request,
    agency: str,
    year: int | None = None,
    period: str = "",
    number: int = 1,
    campaign: int | None = None,
    start: dt.date | None = Query(None, alias="from"),  # noqa: B008  (django-ninja declares parameters so)
    end: dt.date | None = Query(None, alias="to"),  # noqa: B008
    unit: str = "",
    population: str = "main",
):
    found = Agency.objects.filter(code=agency).first()
    if found is None:
        raise Http404
    scoped = get_agency_for_user(request.user, found.pk)
    if population not in POPULATIONS:
        raise HttpError(422, "population: main hoặc open.")
    chosen = _period(scoped, year=year, period=period, number=number, campaign=campaign, start=start, end=end)
    form = selectors.questionnaire(selectors.DEFAULT_QUESTIONNAIRE)
    group = ("", "")
    if unit:
        found_unit = Unit.objects.filter(agency=scoped, code=unit).first()
        if found_unit is None:
            raise HttpError(422, "Không có đơn vị này.")
        group = ("unit", found_unit.name)
        if population != "main":
            raise HttpError(422, "Ý kiến qua đường dẫn mở chỉ báo cáo chung, không theo đơn vị.")
    results = selectors.results(scoped.pk, form, today=timezone.localdate())
    result = results.result(chosen, group, population=population)
    head = {"agency": scoped.code, "from": chosen.start.isoformat(), "to": chosen.end.isoformat()}
    return {**head, "questionnaire": form.code, "ended": results.has_ended(chosen), **result.as_data()}
