"""ILLUSTRATIVE demo data for the register: the catalogue of data/procedures/catalogue-demo.yaml and
a year of generated dossiers (deterministic), with a few due tomorrow so the warnings show."""

from __future__ import annotations

import datetime as dt
import random

import yaml
from django.db import transaction

from core.calendar import WorkingCalendar
from core.deadlines import LOCAL
from core.models import Agency, Unit
from core.reference import DATA_DIR
from core.text import fold
from procedures.models import Dossier, Procedure
from procedures.services import compute_due, procedure_terms

APPLICANTS = ["Công ty TNHH Thương mại Đồng Đăng", "Nguyễn Văn An", "Công ty CP Logistics Tân Thanh", "Hoàng Thị Mai"]


@transaction.atomic
def load_procedures_demo(*, today: dt.date, cal: WorkingCalendar, count: int = 400) -> int:
    agency = Agency.objects.get(code="BQLKKTCK")
    if not agency.electronic_id:
        agency.electronic_id = "H38.15"  # illustrative
        agency.parent_body = agency.parent_body or "UBND TỈNH LẠNG SƠN"
        agency.save(update_fields=["electronic_id", "parent_body"])
    procedures = _catalogue(agency)
    if Dossier.objects.filter(agency=agency).exists():
        return 0
    rng = random.Random(2026)  # noqa: S311  (demo data, not security)
    start = dt.date(today.year, 1, 2)
    span = max((today - start).days, 1)
    now = dt.datetime.combine(today, dt.time(8), tzinfo=LOCAL)
    rows = []
    for n in range(count):
        procedure, unit = procedures[n % len(procedures)]
        day = start + dt.timedelta(days=rng.randrange(span + 1))
        dossier = _dossier(rng, n, agency, procedure, unit, day=day, cal=cal)
        _progress(rng, dossier, now=now)
        rows.append(dossier)
    # two dossiers due on the next working day without a result: the warnings have something to show
    for dossier in rows[:2]:
        dossier.status, dossier.finished_at, dossier.returned_at = "processing", None, None
        dossier.due_date = cal.next_working_day(today)
    for dossier in rows:
        dossier.refresh_facts()  # bulk_create does not call save()
    Dossier.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _catalogue(agency: Agency) -> list[tuple[Procedure, Unit | None]]:
    """The demo catalogue's procedures (created or updated), each with the unit that handles it."""
    units = {u.code: u for u in Unit.objects.filter(agency=agency)}
    procedures = []
    for entry in yaml.safe_load((DATA_DIR / "procedures" / "catalogue-demo.yaml").read_text(encoding="utf-8")):
        unit = entry.pop("unit")
        procedure, _created = Procedure.objects.update_or_create(
            agency=agency,
            code=entry["code"],
            defaults={
                **entry,
                "fee_bearing": entry.get("fees", "Không") != "Không",
                "where": "Bộ phận Một cửa, Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn",
                "responsible": agency.name,
                "search_text": fold(f"{entry['code']} {entry['name']} {entry.get('field', '')}"),
            },
        )
        procedures.append((procedure, units.get(unit)))
    return procedures


def _dossier(
    rng: random.Random,
    n: int,
    agency: Agency,
    procedure: Procedure,
    unit: Unit | None,
    *,
    day: dt.date,
    cal: WorkingCalendar,
) -> Dossier:
    """The dossier received on `day` (the random draws in the order the demo always made them)."""
    received = dt.datetime.combine(day, dt.time(rng.randrange(7, 17), rng.randrange(60)), tzinfo=LOCAL)
    due_date, due_time = compute_due(received, procedure, cal)
    online = rng.random() < 0.45
    return Dossier(
        agency=agency,
        unit=unit,
        code=f"{agency.electronic_id}-{day:%y%m%d}-{9000 + n:04d}",
        channel="online" if online else rng.choice(["direct", "direct", "postal"]),
        source="import",
        received_at=received,
        due_date=due_date,
        due_time=due_time,
        **procedure_terms(procedure),
        paid_online=procedure.fee_bearing and online and rng.random() < 0.6,
        digitized=rng.random() < 0.7,
        reused_data=rng.random() < 0.2,
        complaint=rng.random() < 0.02,
        applicant_name=rng.choice(APPLICANTS),
    )


def _progress(rng: random.Random, dossier: Dossier, *, now: dt.datetime) -> None:
    """Every dossier past its due date and most others have ended by `now`, a few of them late."""
    received = dossier.received_at
    due_end = dt.datetime.combine(dossier.due_date, dt.time(17), tzinfo=LOCAL)
    if not (due_end < now or rng.random() < 0.6):
        dossier.status = "processing"
        return
    late = rng.random() < 0.06
    end = (
        due_end + dt.timedelta(days=rng.randrange(1, 4))
        if late
        else received + (due_end - received) * rng.uniform(0.3, 0.98)
    )
    if end >= now:
        dossier.status = "processing"
        return
    dossier.status = rng.choice(["finished", "returned", "returned"])
    dossier.finished_at = end
    dossier.e_result = rng.random() < 0.8
    if dossier.status == "returned":
        dossier.returned_at = end + dt.timedelta(hours=2)
