"""What the SIPAS pages read: the valid responses of a period, the questionnaire, comments, and
the built `Results` of an agency (surveys.results: every figure its users can obtain, with the
cells surveys.disclosure hides), kept per data version and shared by the dashboard, the API,
reports, the portal and the PAR metric; the province's figures; the whole period reports and
the portal give SIPAS over."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.core.cache import cache as django_cache
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from core.models import Unit
from surveys import disclosure
from surveys.disclosure import MIN_CELL
from surveys.index import Index, compute
from surveys.models import Campaign, PendingResponse, Response, Source
from surveys.questionnaire import Form, load
from surveys.results import Result, Results

DIMENSIONS = {
    "unit": _("Unit"),
    "procedure": _("Procedure"),
    "field": _("Procedure field"),
    "channel": _("Channel"),
    "source": _("How it came in"),
    "month": _("Month"),
    "quarter": _("Quarter"),
    "agency": _("Agency"),
}
DEFAULT_QUESTIONNAIRE = "sipas-service-2026"


@cache
def questionnaire(code: str) -> Form:
    return load(code)


def responses(
    agencies: Iterable[int],
    *,
    campaign: Campaign | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    include_open: bool = False,
    questionnaire_code: str | None = None,
) -> QuerySet[Response]:
    """Valid responses of the agencies; open-link responses only when asked (they are reported
    apart, sipas.md §9.8)."""
    qs = Response.objects.filter(agency_id__in=list(agencies), invalid_reason="")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if start:
        qs = qs.filter(answered_on__gte=start)
    if end:
        qs = qs.filter(answered_on__lte=end)
    if not include_open:
        qs = qs.exclude(source=Source.OPEN)
    if questionnaire_code:
        qs = qs.filter(questionnaire=questionnaire_code)
    return qs


def summary(qs: QuerySet[Response], form: Form) -> Index:
    return compute(qs.values_list("answers", flat=True).iterator(chunk_size=2000), form.questionnaire)


def dimensions(form: Form) -> dict[str, str]:
    """The groups a breakdown can be made by: the dimensions and the respondent profile's questions."""
    return {**{k: str(v) for k, v in DIMENSIONS.items()}, **{f"profile:{k}": t for k, (t, _c) in form.profile.items()}}


def comments(qs: QuerySet[Response], *, states: Iterable[str]) -> QuerySet[Response]:
    return qs.filter(~Q(comment=""), comment_state__in=list(states)).select_related("unit")


def agency_results(agency_id: int, form: Form, *, today: dt.date, min_cell: int = MIN_CELL) -> Results:
    """The agency's Results for this questionnaire, built now from its valid responses (open-link
    ones included: they are a population apart) and campaigns; `results` keeps it."""
    campaigns = list(Campaign.objects.filter(agency_id=agency_id))
    qs = responses([agency_id], include_open=True, questionnaire_code=form.code)
    return Results(
        list(qs.order_by("id").values_list(*Results.ROW)),
        form,
        campaigns=_campaign_periods(campaigns, form),
        today=today,
        min_cell=max([min_cell, *(c.min_cell for c in campaigns)]),
        waiting_from=waiting_from([agency_id], form),
    )


# --- built results, kept per data version ----------------------------------------------------------

MEMO_ROWS = 300_000  # responses kept in memory across the kept Results of one process
MEMO_ENTRIES = 64
MEMO_SECONDS = 600  # a kept Results is rebuilt after this (renamed units or procedures show then)
GENERATION = "sipas:results-generation"
type Version = tuple[Any, ...]  # what an agency's Results depend on (`data_versions`)
type MemoKey = tuple[Any, ...]  # what a kept Results is kept under
_memo: OrderedDict[MemoKey, tuple[float, Results]] = OrderedDict()
_memo_lock = threading.Lock()


def memoised(key: MemoKey, build: Callable[[], Results]) -> Results:
    """The Results kept under key, else built now and kept (least recently used ones go first
    when more than MEMO_ROWS responses are kept)."""
    now = time.monotonic()
    with _memo_lock:
        found = _memo.get(key)
        if found is not None and now - found[0] < MEMO_SECONDS:
            _memo.move_to_end(key)
            return found[1]
    built = build()
    with _memo_lock:
        _memo[key] = (now, built)
        _memo.move_to_end(key)
        while len(_memo) > MEMO_ENTRIES or (
            len(_memo) > 1 and sum(len(r.rows) for _t, r in _memo.values()) > MEMO_ROWS
        ):
            _memo.popitem(last=False)
    return built


def bump_data_version(update_fields: Iterable[str] | None = None, **_kwargs: Any) -> None:
    """Every kept Results is stale: a response was written, invalidated or restored. Called on
    every save of a Response (not for a comment's review alone); bulk writes and updates change
    the counts `data_versions` reads."""
    if update_fields and set(update_fields) <= {"comment_state", "comment_shown"}:
        return
    django_cache.set(GENERATION, uuid.uuid4().hex, None)


post_save.connect(bump_data_version, sender=Response, dispatch_uid="sipas-results-version-save")
post_delete.connect(bump_data_version, sender=Response, dispatch_uid="sipas-results-version-delete")


def data_versions(agency_ids: Iterable[int], form: Form) -> dict[int, Version]:
    """Per agency, what its Results depend on, cheaply: the responses' counts (all, valid, in a
    campaign) and the sums of their units, procedures and campaigns, their first and last dates,
    the campaigns, the units' names, the mix pool's earliest date, and the generation bumped on
    every save. A response written (one by one or in bulk), invalidated, restored or attached to
    a campaign changes it."""
    ids = list(agency_ids)
    valid = Q(invalid_reason="")
    rows = {
        row["agency_id"]: tuple(value for key, value in row.items() if key != "agency_id")
        for row in Response.objects.filter(agency_id__in=ids, questionnaire=form.code)
        .order_by()
        .values("agency_id")
        .annotate(
            n=Count("id"),
            valid=Count("id", filter=valid),
            campaigned=Count("campaign", filter=valid),
            units=Sum("unit_id", filter=valid),
            procedures=Sum("procedure_id", filter=valid),
            campaigns=Sum("campaign_id", filter=valid),
            first=Min("answered_on", filter=valid),
            last=Max("answered_on", filter=valid),
        )
    }
    campaigns: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for c in Campaign.objects.filter(agency_id__in=ids).order_by("pk"):
        campaigns[c.agency_id].append((c.pk, c.name, c.questionnaire, c.starts_on, c.ends_on, c.min_cell))
    units: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, agency_id, name in (
        Unit.objects.filter(agency_id__in=ids).order_by("pk").values_list("pk", "agency", "name")
    ):
        units[agency_id].append((pk, name))
    pool = waiting_dates(ids, form)
    generation = django_cache.get_or_set(GENERATION, lambda: uuid.uuid4().hex, None)
    return {a: (generation, rows.get(a), tuple(campaigns[a]), tuple(units[a]), pool.get(a)) for a in ids}


def waiting_dates(agency_ids: Iterable[int], form: Form) -> dict[int, dt.date]:
    """Per agency, the earliest date of an answer waiting in the mix pool (surveys.mixing): the
    periods ending on or after it may still change, so they are not given yet."""
    return dict(
        PendingResponse.objects.filter(agency_id__in=list(agency_ids), questionnaire=form.code)
        .order_by()
        .values("agency_id")
        .annotate(first=Min("answered_on"))
        .values_list("agency_id", "first")
    )


def waiting_from(agency_ids: Iterable[int], form: Form) -> dt.date | None:
    return min(waiting_dates(agency_ids, form).values(), default=None)


def _campaign_periods(campaigns: Iterable[Campaign], form: Form) -> list[disclosure.Period]:
    return [
        disclosure.campaign_period(c.pk, c.name, c.starts_on, c.ends_on)
        for c in campaigns
        if c.questionnaire == form.code
    ]


def results(
    agency_id: int, form: Form, *, today: dt.date, min_cell: int = MIN_CELL, version: Version | None = None
) -> Results:
    """Every result the agency's users can obtain for this questionnaire, as of `today`: built
    once per data version and kept (pages, API, reports and the portal share it)."""
    if version is None:
        version = data_versions([agency_id], form)[agency_id]
    key = ("agency", agency_id, form.code, today, min_cell, version)
    return memoised(key, lambda: agency_results(agency_id, form, today=today, min_cell=min_cell))


def pooled(parts: list[tuple[str, Results]], form: Form, *, today: dt.date) -> Results:
    """The results of several agencies taken together (the province), with `agency` as their
    only dimension: the province's total takes part in the period comparisons (a quarter
    against its months, ...) as an agency's total does, and the agencies are its breakdown
    (complementary suppression, the total settled first), each hiding at least what its own
    dashboard hides. The smallest cell is the largest of the agencies'."""
    rows = [row for _name, r in parts for row in r.rows]
    names = [name for name, r in parts for _row in r.rows]  # the agencies' keys (their pk)
    seed = {}
    for name, r in parts:
        for p in r.periods:
            if p.kind != "campaign":
                seed[(p.key, ("agency", name))] = r.result(p).hidden
    waiting = [r.waiting_from for _name, r in parts if r.waiting_from is not None]
    return Results(
        rows,
        form,
        campaigns=[],
        today=today,
        min_cell=max([MIN_CELL, *(r.min_cell for _name, r in parts)]),
        waiting_from=min(waiting, default=None),
        dimensions=(),
        extra_labels={"agency": names},
        seed=seed,
        public="agency",
    )


def province_results(
    parts: list[tuple[str, Results]],
    form: Form,
    p: disclosure.Period,
    *,
    today: dt.date,
    found: Results | None = None,
    names: dict[str, str] | None = None,
) -> tuple[Result, list[Result]]:
    """The province's total and each agency's figures over a whole period (province page);
    parts are keyed by agency (its pk), shown under `names` (two communes may share a name)."""
    together = found or pooled(parts, form, today=today)
    total = together.result(p)
    groups = [together.result(p, ("agency", key)) for key, _r in parts]
    names = names or {}
    return total, [
        dataclasses.replace(g, group=("agency", names.get(g.group[1], g.group[1]))) for g in groups if g.index.responses
    ]


def province(
    agencies: list[tuple[int, str]], form: Form, p: disclosure.Period, *, today: dt.date
) -> tuple[Result, list[Result]]:
    """province_results over the agencies' kept Results, the pooled one kept as well."""
    versions = data_versions([pk for pk, _name in agencies], form)
    parts = [(str(pk), results(pk, form, today=today, version=versions[pk])) for pk, _name in agencies]
    key = ("province", form.code, today, tuple((pk, versions[pk]) for pk, _name in agencies))
    together = memoised(key, lambda: pooled(parts, form, today=today))
    names = {str(pk): name for pk, name in agencies}
    return province_results(parts, form, p, today=today, found=together, names=names)


def published_period(kind: str, year: int, number: int, today: dt.date) -> disclosure.Period | None:
    """The whole period a report or the portal gives SIPAS over: the calendar period asked for
    when it has ended, else the latest ended period inside it, else None (no whole period yet)."""
    wanted = disclosure.period(kind, year, number)
    if wanted.has_ended(today):
        return wanted
    return disclosure.latest_ended(today, kinds=disclosure.KINDS[:-1], within=wanted)


def shown_result(
    agency_id: int, kind: str, year: int, number: int, today: dt.date
) -> tuple[disclosure.Period | None, Result | None]:
    """The whole period a report gives SIPAS over and its result: the calendar period asked for
    when it has ended, else the latest ended period inside it; when that result is withheld (too
    few forms, or it would let a small group's answers be worked out from another published
    result), the next latest ended period inside it whose result is shown. (None, None) when no
    whole period has ended; (period, None) when none of them may be shown."""
    wanted = disclosure.period(kind, year, number)
    candidates = [
        p
        for y in (year, year - 1)
        for p in disclosure.year_periods(y)
        if p.kind in disclosure.KINDS[:-1] and p.has_ended(today) and wanted.start == p.start <= p.end <= wanted.end
    ]
    candidates.sort(key=lambda p: (p.end, disclosure.COARSENESS[p.kind]), reverse=True)
    if not candidates:
        return None, None
    form = questionnaire(DEFAULT_QUESTIONNAIRE)
    computed = results(agency_id, form, today=today)
    for p in candidates:
        result = computed.result(p)
        if result is not None and not result.suppressed:
            return p, result
    return candidates[0], None


def agency_result(agency_id: int, p: disclosure.Period | None, *, today: dt.date) -> Result | None:
    """The whole agency's result over a whole period, through surveys.disclosure (reports, portal)."""
    if p is None:
        return None
    form = questionnaire(DEFAULT_QUESTIONNAIRE)
    return results(agency_id, form, today=today).result(p)


def cell_counts(index: Index) -> dict[str, int]:
    """The count cells of an index (surveys.disclosure rule 2)."""
    return {
        disclosure.RESPONSES: index.responses,
        **{f"item:{c}": r.n for c, r in index.items.items()},
        **{f"element:{c}": r.n for c, r in index.elements.items()},
        **{f"expectation:{c}": r.n for c, r in index.expectations.items()},
    }
