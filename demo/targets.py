"""Demo targets (issue 22): the province's plan KH 252/KH-UBND with its targets (Sở Nội vụ), the
seed plan's targets pointing to them, a few values entered with their note, the quarterly
"electronic documents" figure of the Office, then the period-end values so that the trend lines
have history. Idempotent: a second run adds nothing.

Every target of the demo has an actual value or says honestly that it has none: the computed ones
read the demo registers (dossiers, feedback, tasks, the SIPAS survey, the PAR round); the entered
ones below have a value; the province's own figures stay "no data" (the Sở Nội vụ has not entered
them), its overview rolls the agencies' values up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from core.reference import DATA_DIR
from scorecards.metrics import enter_metric
from scorecards.models import MetricEntry, MetricSeries
from targets import services
from targets.loader import load_targets_file
from targets.models import Target, TargetReading

FILES = ("plan_2026_province.yaml", "plan_2026_bqlkktck.yaml")  # the province's first: the seed's point to it
SEED_KEY = "plan_2026_bqlkktck"

# Quarterly figure "văn bản, hồ sơ công việc xử lý trên môi trường điện tử / tổng số" of the Office.
ELECTRONIC_DOCUMENTS = (
    (dt.date(2026, 3, 31), 412, 468),
    (dt.date(2026, 6, 30), 455, 503),
    (dt.date(2026, 9, 30), 470, 509),
)

# (target code, as of, value, note): values entered with their note, as the owner units would.
READINGS = (
    ("CT07", dt.date(2026, 9, 30), 90, "Đã đăng 9/10 bản tin CCHC của Chính phủ quý I-III; bản tin tháng 9 chưa đăng."),
    ("CT16", dt.date(2026, 9, 30), 0, "Không có cán bộ lãnh đạo, quản lý bị xử lý kỷ luật (báo cáo 9 tháng)."),
    ("CT17", dt.date(2026, 9, 30), 0, "Không có đơn thư, phản ánh về quy hoạch, bổ nhiệm, tuyển dụng."),
    ("CT19", dt.date(2026, 10, 15), 75, "Đã thực hiện 3/4 kiến nghị của Kiểm toán nhà nước; 01 kiến nghị đang xử lý."),
    (
        "CT21",
        dt.date(2026, 11, 30),
        0,
        "Hạng mục luồng xe hàng thông minh chậm so với KH 239/KH-UBND; chưa hoàn thành.",
    ),
    (
        "CT23",
        dt.date(2026, 9, 30),
        0,
        "Không có trường hợp yêu cầu sai thành phần hồ sơ, phí, lệ phí (kiểm tra quý III).",
    ),
)


@transaction.atomic
def load_targets_demo(*, today: dt.date) -> None:
    for name in FILES:
        load_targets_file(DATA_DIR / "targets" / name)
    seed = Target.objects.filter(plan__source_key=SEED_KEY, plan__agency__code="BQLKKTCK")
    _electronic_documents(today)
    for code, as_of, value, note in READINGS:
        target = seed.filter(code=code).first()
        if target is None or as_of > today or TargetReading.objects.filter(target=target).exists():
            continue
        services.enter_reading(actor=None, target=target, as_of=as_of, value=Decimal(value), note=note, today=today)
    services.take_snapshots(today=today)


def _electronic_documents(today: dt.date) -> None:
    series = MetricSeries.objects.filter(agency__code="BQLKKTCK", key="electronic_documents_rate").first()
    if series is None:
        return
    entered = set(MetricEntry.objects.filter(series=series).values_list("period_end", flat=True))
    for end, numerator, denominator in ELECTRONIC_DOCUMENTS:
        if end < today and end not in entered:
            enter_metric(
                actor=None,
                series=series,
                period_end=end,
                numerator=Decimal(numerator),
                denominator=Decimal(denominator),
                note="Số liệu trích từ Hệ thống quản lý văn bản và điều hành.",
            )
