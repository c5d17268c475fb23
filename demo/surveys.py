"""ILLUSTRATIVE demo data for the SIPAS survey: two campaigns of the Ban (the first half and the
second half of the year) with generated answers (deterministic), so the dashboard, its
breakdowns and the trend have something to show. Not real survey results."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from core.models import Agency
from procedures.models import Dossier
from surveys.models import Campaign, Response, Source
from surveys.questionnaire import Form
from surveys.selectors import DEFAULT_QUESTIONNAIRE, questionnaire
from surveys.services import Answers, build_response

COMMENTS = [
    "Cán bộ hướng dẫn nhiệt tình, dễ hiểu.",
    "Mong có thêm chỗ ngồi chờ ở bộ phận một cửa.",
    "Liên hệ tôi qua số 0912345678 nếu cần.",  # redacted before staff read it
    "Nên nhắn tin báo khi có kết quả.",
]


@transaction.atomic
def load_surveys_demo(*, today: dt.date, count: int = 260) -> int:
    agency = Agency.objects.get(code="BQLKKTCK")
    if Campaign.objects.filter(agency=agency).exists():
        return 0
    first, second = _campaigns(agency, today.year)
    form = questionnaire(DEFAULT_QUESTIONNAIRE)
    dossiers = list(
        Dossier.objects.filter(agency=agency, status__in=("finished", "returned"), finished_at__isnull=False)
        .select_related("procedure")
        .order_by("code")[:count]
    )
    rng = random.Random(1001)  # noqa: S311  (demo data, not security)
    rows = []
    for n, dossier in enumerate(dossiers):
        day = min(today, dossier.finished_at.date() + dt.timedelta(days=rng.randrange(0, 5)))
        answers = _answers(rng, form, day=day, comment=COMMENTS[n % len(COMMENTS)] if n % 9 == 0 else "")
        channel = rng.choice(["online", "online", "direct", "paper"])
        rows.append(
            build_response(
                answers,
                agency_id=agency.pk,
                unit_id=dossier.unit_id,
                procedure_id=dossier.procedure_id,
                procedure_code=dossier.procedure_code,
                channel=channel,
                source=Source.STAFF if channel == "paper" else Source.RECEIPT,
                questionnaire=form.code,
                day=day,
                campaign=first if day <= first.ends_on else second,
            )
        )
    Response.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _campaigns(agency: Agency, year: int) -> tuple[Campaign, Campaign]:
    first = Campaign.objects.create(
        agency=agency,
        name=f"Khảo sát 6 tháng đầu năm {year}",
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 6, 30),
    )
    second = Campaign.objects.create(
        agency=agency,
        name=f"Khảo sát 6 tháng cuối năm {year}",
        starts_on=dt.date(year, 7, 1),
        ends_on=dt.date(year, 12, 31),
        open_link=True,
    )
    return first, second


def _answers(rng: random.Random, form: Form, *, day: dt.date, comment: str) -> Answers:
    """Mostly 4s and 5s (the second half a little better), a few low marks and blanks; the
    expectations and a profile for most respondents."""
    lean = 0.35 if day.month <= 6 else 0.5
    answers: dict[str, int | None] = {}
    for code in form.questionnaire.items:
        roll = rng.random()
        answers[code] = None if roll < 0.04 else (5 if roll < lean else 4 if roll < 0.86 else rng.choice([1, 2, 3]))
    for code in form.questionnaire.expectations:
        answers[code] = rng.choice([1, 2, 2, 3])
    profile = {key: rng.choice(list(choices)) for key, (_title, choices) in form.profile.items() if rng.random() < 0.8}
    return Answers(answers, profile, comment)
