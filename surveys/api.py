"""SIPAS results over the JSON API: the index of an agency's valid responses in a period, in the
shape of `manage.py sipas_index --format json` (open-link answers only when asked; a selection
of fewer than 5 responses is suppressed)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Query, Router
from ninja.errors import HttpError

from core.access import get_agency_for_user
from core.models import Agency
from surveys import selectors

router = Router(tags=["sipas"])


@router.get("/sipas/index")
def sipas_index(
    request,
    agency: str,
    start: dt.date = Query(..., alias="from"),  # noqa: B008  (django-ninja declares parameters so)
    end: dt.date = Query(..., alias="to"),  # noqa: B008
    unit: str = "",
    include_open: bool = False,
):
    found = Agency.objects.filter(code=agency).first()
    if found is None:
        raise Http404
    scoped = get_agency_for_user(request.user, found.pk)
    if end < start:
        raise HttpError(422, "`to` is before `from`")
    form = selectors.questionnaire(selectors.DEFAULT_QUESTIONNAIRE)
    qs = selectors.responses([scoped.pk], start=start, end=end, include_open=include_open, questionnaire_code=form.code)
    if unit:
        qs = qs.filter(unit__code=unit)
    index = selectors.summary(qs, form)
    head = {"agency": scoped.code, "from": start.isoformat(), "to": end.isoformat(), "questionnaire": form.code}
    if 0 < index.responses < selectors.MIN_CELL:  # as on the dashboard: too few to show anyone's answers
        return {**head, "responses": index.responses, "suppressed": True}
    return {**head, **index.as_data()}
