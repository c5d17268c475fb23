"""The cascade's roll-up (issue 22): each target of the province's plan with the agencies'
targets that serve it (Target.parent), rolled up from the rows of targets.selectors.rows() (no
query of its own: the caller reads every child in one call).

The roll-up of a province target, from the agencies' actual values (docs/targets.md):

- a ratio (every agency's value with a value is a numerator over a denominator): the sum of the
  numerators over the sum of the denominators, as a percentage rounded half-up to 2 places, so
  that an agency of 1,000 dossiers weighs more than one of 10;
- a count (a unit other than "%", or a "none" target): the sum of the agencies' counts (3
  overdue dossiers in one agency and none in two others are 3 in the province, not 1);
- a "done" target: done (1) only when every agency with a value is done, with how many are;
- otherwise the mean of the agencies' values, rounded half-up to 2 places;
- one target per agency counts (the first by code), so that an agency serving a province target
  with two of its targets is not counted twice;
- an agency without a value counts under "no data" and is left out of the figure;
- the figure is judged against the province target with the same rules as any target
  (targets.status), without history;
- the province's agencies with no target serving it are listed (the Sở Nội vụ itself excepted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from core.models import Agency
from core.numbers import vi_number
from targets import status as rules
from targets.models import Status, Target
from targets.selectors import Row, goal_of

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
STATUSES = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA)


@dataclass
class Line:
    """A province target and the agencies' targets serving it."""

    target: Target
    children: list[Row] = field(default_factory=list)
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    ratio: bool = False
    verdict: rules.Verdict = field(default_factory=lambda: rules.Verdict(rules.NO_DATA, "R1"))
    counts: dict[str, int] = field(default_factory=dict)
    missing: list[Agency] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def status_label(self) -> str:
        return str(Status(self.verdict.status).label)

    @property
    def goal(self) -> str:
        return goal_text(self.target)

    @property
    def display(self) -> str:
        if self.value is None:
            return _("no data")
        if self.ratio and self.numerator is not None and self.denominator is not None:
            counts = f"{vi_number(self.numerator.normalize())}/{vi_number(self.denominator.normalize())}"
            return f"{counts} ({vi_number(self.value, 2)} %)"
        unit = f" {self.target.unit}" if self.target.unit else ""
        return f"{vi_number(self.value.normalize())}{unit}"

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, label, count) in the fixed order of the statuses."""
        return [(s.value, str(s.label), self.counts.get(s.value, 0)) for s in STATUSES]


SIGNS = {rules.AT_LEAST: "≥", rules.AT_MOST: "≤", rules.EXACTLY: "="}


def goal_text(target: Target) -> str:
    """The target as the plan states it: "≥ 95 %", "0 hồ sơ", "Done"."""
    unit = f" {target.unit}" if target.unit else ""
    if target.direction == rules.YES:
        return _("Done")
    if target.direction == rules.ZERO:
        return f"0{unit}"
    if target.target_value is None:
        return "—"
    return f"{SIGNS.get(target.direction, '')} {vi_number(target.target_value.normalize())}{unit}".strip()


def aggregate(children: Sequence[Row]) -> tuple[Decimal | None, Decimal | None, Decimal | None, bool]:
    """(value, numerator, denominator, is a ratio) of the agencies' rows, as the module says."""
    first: dict[int | None, Row] = {}
    for row in sorted(children, key=lambda r: r.target.code):
        first.setdefault(row.target.agency_id, row)
    counted = [row for row in first.values() if row.actual.value is not None]
    valued = [row.actual for row in counted]
    if not valued:
        return None, None, None, False
    if all(row.target.direction == rules.YES for row in counted):
        done = sum(1 for a in valued if (a.value or 0) >= 1)
        return Decimal(1 if done == len(valued) else 0), Decimal(done), Decimal(len(valued)), False
    counts = all(row.target.direction == rules.ZERO or row.target.unit.strip() != "%" for row in counted)
    if counts and all(a.numerator is None for a in valued):
        return sum((a.value or Decimal(0) for a in valued), Decimal(0)), None, None, False
    if all(a.numerator is not None and a.denominator is not None for a in valued):
        numerator = sum((a.numerator or Decimal(0) for a in valued), Decimal(0))
        denominator = sum((a.denominator or Decimal(0) for a in valued), Decimal(0))
        if not denominator:
            return None, numerator, denominator, True
        value = (numerator * HUNDRED / denominator).quantize(CENT, rounding=ROUND_HALF_UP)
        return value, numerator, denominator, True
    total = sum((a.value or Decimal(0) for a in valued), Decimal(0))
    return (total / Decimal(len(valued))).quantize(CENT, rounding=ROUND_HALF_UP), None, None, False


def roll_up(
    parents: Iterable[Target], children: Iterable[Row], agencies: Iterable[Agency], *, today: dt.date
) -> list[Line]:
    """One line per province target (in the order given), its serving rows by agency name."""
    by_parent: dict[int, list[Row]] = {}
    for row in children:
        if row.target.parent_id is not None:
            by_parent.setdefault(row.target.parent_id, []).append(row)
    everyone = list(agencies)
    lines = []
    for parent in parents:
        served = sorted(by_parent.get(parent.pk, []), key=lambda r: (r.target.agency.name, r.target.code))
        value, numerator, denominator, ratio = aggregate(served)
        counts = {s.value: 0 for s in STATUSES}
        for row in served:
            counts[row.status] = counts.get(row.status, 0) + 1
        serving = {row.target.agency_id for row in served}
        missing = [a for a in everyone if a.pk not in serving and a.pk != parent.agency_id]
        lines.append(
            Line(
                target=parent,
                children=served,
                value=value,
                numerator=numerator,
                denominator=denominator,
                ratio=ratio,
                verdict=rules.judge(goal_of(parent), value, today=today),
                counts=counts,
                missing=sorted(missing, key=lambda a: a.name),
            )
        )
    return lines
