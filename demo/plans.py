"""Demo activity on the seed plan, so that a newcomer's dashboard shows real states:
done, done late, awaiting approval, stale, an obstacle, evidence and an inspection.
Loaded once (skipped when the plan already has progress updates)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.calendar import WorkingCalendar
from core.models import AuditEntry, User
from core.services import create_document
from plans import services
from plans.models import Inspection, Plan, ProgressUpdate, Task

D = dt.date
BAN = "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn"


@dataclass(frozen=True)
class Evidence:
    code: str
    user: str
    abstract: str
    number: str
    issued: dt.date


@dataclass(frozen=True)
class Progress:
    code: str
    user: str
    pct: int
    text: str
    day: dt.date
    approve: bool = False


ASSIGNEES = (
    ("PL1.01", "chuyenvien.vp"),
    ("PL2.03", "chuyenvien.vp"),
    ("PL3.03", "chuyenvien.vp"),
    ("PL1.11", "chuyenvien.vp"),
    ("PL1.09", "chuyenvien.khth"),
    ("PL1.14", "chuyenvien.qldn"),
    ("PL1.15", "chuyenvien.qldn"),
    ("PL1.30", "chuyenvien.ttqlck"),
)

# The story, in the order it happened: done, done late, awaiting approval, stale
STORY = (
    Evidence(
        "PL3.03",
        "chuyenvien.vp",
        "Biên bản hội nghị quán triệt Kế hoạch nâng cao PAR INDEX, SIPAS 2026",
        "15/BB-VP",
        D(2026, 8, 12),
    ),
    Progress("PL3.03", "truongphong.vp", 100, "Đã tổ chức hội nghị quán triệt ngày 12/8/2026.", D(2026, 8, 12), True),
    Evidence("PL2.03", "chuyenvien.vp", "Ảnh chụp bảng niêm yết TTHC tại Bộ phận một cửa", "NY-2026", D(2026, 8, 25)),
    Progress("PL2.03", "truongphong.vp", 100, "Đã niêm yết 38/38 TTHC, bổ sung mã QR tra cứu.", D(2026, 8, 25), True),
    Evidence(
        "PL1.11",
        "chuyenvien.vp",
        "Tờ trình đề nghị công bố danh mục TTHC thuộc thẩm quyền của Ban",
        "102/TTr-BQLKKTCK",
        D(2026, 11, 4),
    ),
    Progress(
        "PL1.11",
        "truongphong.vp",
        100,
        "UBND tỉnh đã công bố danh mục; trễ do chờ ý kiến Sở Tư pháp.",
        D(2026, 11, 5),
        True,
    ),
    Progress(
        "PL1.01",
        "chuyenvien.vp",
        60,
        "Đã hoàn thành 18/30 nhiệm vụ UBND tỉnh giao, còn 12 đang thực hiện.",
        D(2026, 11, 20),
    ),
    Progress("PL1.09", "chuyenvien.khth", 60, "Đã rà soát 12 văn bản, dự thảo báo cáo kiến nghị.", D(2026, 10, 30)),
    Evidence(
        "PL1.09",
        "chuyenvien.khth",
        "Báo cáo kết quả rà soát văn bản quy phạm pháp luật năm 2026",
        "88/BC-BQLKKTCK",
        D(2026, 11, 24),
    ),
    Progress("PL1.09", "chuyenvien.khth", 100, "Đã ban hành báo cáo rà soát, gửi Sở Tư pháp.", D(2026, 11, 24)),
    Progress(
        "PL1.14",
        "chuyenvien.qldn",
        75,
        "11 tháng: 214/214 hồ sơ đúng hạn; đang rà soát quy trình nội bộ.",
        D(2026, 11, 25),
    ),
    Progress("PL1.15", "chuyenvien.qldn", 30, "Đã đăng 2 tin hướng dẫn nộp hồ sơ trực tuyến.", D(2026, 10, 9)),
    Progress(
        "PL1.30", "chuyenvien.ttqlck", 70, "Đã góp ý dự thảo quy chế sử dụng Nền tảng cửa khẩu số.", D(2026, 10, 20)
    ),
)

# Recurring tasks: the periods already completed, and on which day
OCCURRENCES_DONE = (
    ("PL1.02", {"Q3/2026": D(2026, 9, 18)}),
    ("PL3.02", {"Q3/2026": D(2026, 9, 19)}),
    (
        "PL3.01",
        {
            "07/2026": D(2026, 7, 24),
            "08/2026": D(2026, 8, 25),
            "09/2026": D(2026, 9, 25),
            "10/2026": D(2026, 10, 23),
        },
    ),
)


def _pdf(title: str) -> io.BytesIO:
    body = f"%PDF-1.4\n% {title}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".encode()
    return io.BytesIO(body)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@contextmanager
def _backdated(day: dt.date) -> Iterator[None]:
    """Entries written by the last step happened on `day` in the story the demo tells."""
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    AuditEntry.objects.filter(pk__gt=last).update(created_at=_at(day))


class _Story:
    """The plan's people and tasks by name, and the two steps the story is told with."""

    def __init__(self, plan: Plan, cal: WorkingCalendar):
        self.plan, self.cal = plan, cal
        self.users = {u.username: u for u in User.objects.filter(memberships__agency=plan.agency).distinct()}
        self.tasks = {t.code: t for t in plan.tasks.all()}

    def task(self, code: str) -> Task:
        return Task.objects.get(pk=self.tasks[code].pk)

    def progress(self, step: Progress) -> None:
        task, day = self.task(step.code), step.day
        with _backdated(day):
            update = services.post_progress(
                actor=self.users[step.user],
                task=task,
                progress=step.pct,
                text=step.text,
                today=day,
                cal=self.cal,
                can_approve=step.approve,
            )
        ProgressUpdate.objects.filter(pk=update.pk).update(created_at=_at(day))
        Task.objects.filter(pk=task.pk).update(last_update_at=_at(day))
        if step.pct == 100 and not step.approve:
            Task.objects.filter(pk=task.pk).update(completion_requested_at=_at(day))

    def evidence(self, step: Evidence) -> None:
        actor = self.users[step.user]
        doc = create_document(
            actor=actor,
            agency=self.plan.agency,
            unit=self.tasks[step.code].lead_unit,
            fileobj=_pdf(step.abstract),
            filename=f"{step.number.replace('/', '-')}.pdf",
            abstract=step.abstract,
            doc_number=step.number,
            issued_on=step.issued,
            issuer=BAN,
        )
        with _backdated(step.issued):
            services.link_evidence(
                actor=actor, task=self.task(step.code), document=doc, today=step.issued, cal=self.cal
            )


@transaction.atomic
def load_demo_activity(plan: Plan, *, cal: WorkingCalendar) -> bool:
    if ProgressUpdate.objects.filter(task__plan=plan).exists():
        return False
    story = _Story(plan, cal)
    for code, username in ASSIGNEES:
        story.tasks[code].assignees.add(story.users[username])
    for step in STORY:
        if isinstance(step, Evidence):
            story.evidence(step)
        else:
            story.progress(step)
    services.report_obstacle(
        actor=story.users["giamdoc.ttqlck"],
        task=story.task("PL1.30"),
        text="Nền tảng cửa khẩu số chưa kết nối dữ liệu với hệ thống của Hải quan cửa khẩu; chờ Sở KH&CN hướng dẫn.",
        proposal="Đề nghị Lãnh đạo Ban có văn bản đề nghị Sở KH&CN chủ trì họp kỹ thuật.",
    )
    _complete_occurrences(story)
    _inspection(story)
    today = timezone.localdate()
    for task in plan.tasks.all():
        services.refresh_task(task, today=today, cal=cal)
    return True


def _complete_occurrences(story: _Story) -> None:
    for code, labels in OCCURRENCES_DONE:
        for occurrence in story.tasks[code].occurrences.filter(period_label__in=labels):
            services.complete_occurrence(
                actor=story.users["chuyenvien.vp"],
                occurrence=occurrence,
                today=labels[occurrence.period_label],
                cal=story.cal,
            )


def _inspection(story: _Story) -> None:
    """An inspection of the enterprise unit with two findings; the first one remedied."""
    office = story.users["vanphong"]
    inspection = Inspection.objects.create(
        agency=story.plan.agency,
        title="Kiểm tra công tác CCHC năm 2026 tại Phòng Quản lý Doanh nghiệp",
        decision_number="45/QĐ-BQLKKTCK",
        inspected_unit=story.tasks["PL1.14"].lead_unit,
        inspected_on=D(2026, 9, 10),
        team_lead="Nguyễn Thị Thu Trang",
        conclusion="Cơ bản thực hiện tốt; còn 2 tồn tại cần khắc phục.",
        created_by=office,
    )
    findings = [
        services.add_finding(
            actor=office,
            inspection=inspection,
            plan=story.plan,
            text=text,
            deadline=deadline,
            today=D(2026, 9, 11),
            cal=story.cal,
        )
        for text, deadline in (
            ("Sổ theo dõi hồ sơ chưa cập nhật ngày trả kết quả", D(2026, 10, 15)),
            ("Chưa số hóa thành phần hồ sơ đối với 12 hồ sơ tiếp nhận trực tiếp", D(2026, 12, 10)),
        )
    ]
    remedied = findings[0].remediation_task
    story.tasks[remedied.code] = remedied
    story.evidence(
        Evidence(
            remedied.code,
            "truongphong.qldn",
            "Báo cáo kết quả khắc phục: sổ theo dõi hồ sơ đã cập nhật",
            "03/BC-QLDN",
            D(2026, 10, 12),
        )
    )
    story.progress(
        Progress(remedied.code, "truongphong.qldn", 100, "Đã cập nhật đầy đủ sổ theo dõi.", D(2026, 10, 12), True)
    )
