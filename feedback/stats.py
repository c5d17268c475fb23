"""Statistics of the feedback register beside the 766 ratios (feedback_pakn.md §6): on-time
rates per deadline kind, satisfaction, by category and by unit; and the counts of citizen
reception the periodic report needs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from core.deadlines import END_OF_DAY, LOCAL
from core.models import Agency
from core.numbers import HUNDRED, q2
from feedback.models import Category, Feedback, ReceptionSession


@dataclass
class Rate:
    on_time: int = 0
    total: int = 0

    @property
    def rate(self) -> Decimal | None:
        return q2(Decimal(self.on_time) * HUNDRED / self.total) if self.total else None


@dataclass
class Group:
    label: str
    received: int = 0
    answered: Rate = field(default_factory=Rate)
    unsatisfied: int = 0


@dataclass
class Stats:
    received: int
    steps: dict[str, Rate]
    rated: int
    satisfied: int
    classified_share: Decimal | None  # 5.1: regulation or conduct of an official
    by_category: list[Group]
    by_unit: list[Group]

    @property
    def satisfaction(self) -> Decimal | None:
        return q2(Decimal(self.satisfied) * HUNDRED / self.rated) if self.rated else None


def _in_time(moment: dt.datetime | None, due: dt.date | None) -> bool:
    return moment is not None and due is not None and moment <= dt.datetime.combine(due, END_OF_DAY, tzinfo=LOCAL)


def period(qs: QuerySet[Feedback], start: dt.date, end: dt.date) -> QuerySet[Feedback]:
    return qs.filter(
        received_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL),
        received_at__lte=dt.datetime.combine(end, END_OF_DAY, tzinfo=LOCAL),
    )


def compute(qs: QuerySet[Feedback]) -> Stats:
    """Of the items in `qs` (usually those received in a period)."""
    steps = {name: Rate() for name in ("reject", "info", "forward", "answer", "publish")}
    categories = {key: Group(str(label)) for key, label in Category.choices}
    units: dict[str, Group] = defaultdict(lambda: Group(""))
    received = rated = satisfied = classified = 0
    for item in qs.select_related("unit").iterator(chunk_size=2000):
        received += 1
        for name, moment, due in (
            ("reject", item.not_accepted_at, item.due_reject),
            ("info", item.info_requested_at, item.due_info),
            ("forward", item.forwarded_at, item.due_forward),
            ("answer", item.answered_at, item.due_answer),
            ("publish", item.published_at, item.due_publish),
        ):
            if moment is not None:
                steps[name].total += 1
                steps[name].on_time += int(_in_time(moment, due))
        if item.rated_at is not None:
            rated += 1
            satisfied += int(not item.rated_unsatisfied)
        classified += int(item.category in (Category.REGULATION, Category.CONDUCT))
        groups = [units[item.unit.name if item.unit else "—"]]
        if item.category:
            groups.append(categories[item.category])
        for group in groups:
            group.received += 1
            group.unsatisfied += int(bool(item.rated_unsatisfied))
            if item.answered_at is not None:
                group.answered.total += 1
                group.answered.on_time += int(_in_time(item.answered_at, item.due_answer))
    for name, group in units.items():
        group.label = name
    return Stats(
        received=received,
        steps=steps,
        rated=rated,
        satisfied=satisfied,
        classified_share=q2(Decimal(classified) * HUNDRED / received) if received else None,
        by_category=[g for g in categories.values() if g.received],
        by_unit=sorted(units.values(), key=lambda g: (-g.received, g.label)),
    )


def receptions(agency: Agency, start: dt.date, end: dt.date) -> dict[str, int]:
    """Sessions, people received, and sessions the head of the agency held, in the period."""
    qs = ReceptionSession.objects.filter(agency=agency, held_on__gte=start, held_on__lte=end)
    totals = qs.aggregate(
        sessions=Count("pk"), people=Sum("people"), by_leader=Count("pk", filter=Q(leader_present=True))
    )
    return {key: int(value or 0) for key, value in totals.items()}
