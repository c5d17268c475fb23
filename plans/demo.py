"""Demo activity on the seed plan, so that a newcomer's dashboard shows real states:
done, done late, awaiting approval, stale, an obstacle, evidence and an inspection.
Loaded once (skipped when the plan already has progress updates)."""

from __future__ import annotations

import datetime as dt
import io
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from core.calendar import WorkingCalendar
from core.models import AuditEntry, User
from core.services import create_document
from plans import services
from plans.models import Inspection, Plan, ProgressUpdate, Task


def _pdf(title: str) -> io.BytesIO:
    body = f"%PDF-1.4\n% {title}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".encode()
    return io.BytesIO(body)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def load_demo_activity(plan: Plan, *, cal: WorkingCalendar) -> bool:
    if ProgressUpdate.objects.filter(task__plan=plan).exists():
        return False
    users = {u.username: u for u in User.objects.filter(memberships__agency=plan.agency).distinct()}
    tasks = {t.code: t for t in plan.tasks.all()}
    D = dt.date

    def backdate(day):
        """Entries written by the last step happened on `day` in the story the demo tells."""
        last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        yield
        AuditEntry.objects.filter(pk__gt=last).update(created_at=_at(day))

    def progress(code, user, pct, text, day, approve=False):
        task = Task.objects.get(pk=tasks[code].pk)
        with contextmanager(backdate)(day):
            update = services.post_progress(
                actor=users[user], task=task, progress=pct, text=text, today=day, cal=cal, can_approve=approve
            )
        ProgressUpdate.objects.filter(pk=update.pk).update(created_at=_at(day))
        Task.objects.filter(pk=task.pk).update(last_update_at=_at(day))
        if pct == 100 and not approve:
            Task.objects.filter(pk=task.pk).update(completion_requested_at=_at(day))

    def evidence(code, user, abstract, number, issued, issuer="Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn"):
        task = tasks[code]
        doc = create_document(
            actor=users[user],
            agency=plan.agency,
            unit=task.lead_unit,
            fileobj=_pdf(abstract),
            filename=f"{number.replace('/', '-')}.pdf",
            abstract=abstract,
            doc_number=number,
            issued_on=issued,
            issuer=issuer,
        )
        with contextmanager(backdate)(issued):
            services.link_evidence(
                actor=users[user], task=Task.objects.get(pk=task.pk), document=doc, today=issued, cal=cal
            )

    for code, username in (
        ("PL1.01", "chuyenvien.vp"),
        ("PL2.03", "chuyenvien.vp"),
        ("PL3.03", "chuyenvien.vp"),
        ("PL1.11", "chuyenvien.vp"),
        ("PL1.09", "chuyenvien.khth"),
        ("PL1.14", "chuyenvien.qldn"),
        ("PL1.15", "chuyenvien.qldn"),
        ("PL1.30", "chuyenvien.ttqlck"),
    ):
        tasks[code].assignees.add(users[username])
    evidence(
        "PL3.03",
        "chuyenvien.vp",
        "Biên bản hội nghị quán triệt Kế hoạch nâng cao PAR INDEX, SIPAS 2026",
        "15/BB-VP",
        D(2026, 8, 12),
    )
    progress("PL3.03", "truongphong.vp", 100, "Đã tổ chức hội nghị quán triệt ngày 12/8/2026.", D(2026, 8, 12), True)
    evidence("PL2.03", "chuyenvien.vp", "Ảnh chụp bảng niêm yết TTHC tại Bộ phận một cửa", "NY-2026", D(2026, 8, 25))
    progress("PL2.03", "truongphong.vp", 100, "Đã niêm yết 38/38 TTHC, bổ sung mã QR tra cứu.", D(2026, 8, 25), True)
    evidence(
        "PL1.11",
        "chuyenvien.vp",
        "Tờ trình đề nghị công bố danh mục TTHC thuộc thẩm quyền của Ban",
        "102/TTr-BQLKKTCK",
        D(2026, 11, 4),
    )
    progress(
        "PL1.11",
        "truongphong.vp",
        100,
        "UBND tỉnh đã công bố danh mục; trễ do chờ ý kiến Sở Tư pháp.",
        D(2026, 11, 5),
        True,
    )
    progress(
        "PL1.01",
        "chuyenvien.vp",
        60,
        "Đã hoàn thành 18/30 nhiệm vụ UBND tỉnh giao, còn 12 đang thực hiện.",
        D(2026, 11, 20),
    )
    progress("PL1.09", "chuyenvien.khth", 60, "Đã rà soát 12 văn bản, dự thảo báo cáo kiến nghị.", D(2026, 10, 30))
    evidence(
        "PL1.09",
        "chuyenvien.khth",
        "Báo cáo kết quả rà soát văn bản quy phạm pháp luật năm 2026",
        "88/BC-BQLKKTCK",
        D(2026, 11, 24),
    )
    progress("PL1.09", "chuyenvien.khth", 100, "Đã ban hành báo cáo rà soát, gửi Sở Tư pháp.", D(2026, 11, 24))
    progress(
        "PL1.14",
        "chuyenvien.qldn",
        75,
        "11 tháng: 214/214 hồ sơ đúng hạn; đang rà soát quy trình nội bộ.",
        D(2026, 11, 25),
    )
    progress("PL1.15", "chuyenvien.qldn", 30, "Đã đăng 2 tin hướng dẫn nộp hồ sơ trực tuyến.", D(2026, 10, 9))
    progress(
        "PL1.30", "chuyenvien.ttqlck", 70, "Đã góp ý dự thảo quy chế sử dụng Nền tảng cửa khẩu số.", D(2026, 10, 20)
    )
    services.report_obstacle(
        actor=users["giamdoc.ttqlck"],
        task=Task.objects.get(pk=tasks["PL1.30"].pk),
        text="Nền tảng cửa khẩu số chưa kết nối dữ liệu với hệ thống của Hải quan cửa khẩu; chờ Sở KH&CN hướng dẫn.",
        proposal="Đề nghị Lãnh đạo Ban có văn bản đề nghị Sở KH&CN chủ trì họp kỹ thuật.",
    )
    for code, labels in (
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
    ):
        for occurrence in tasks[code].occurrences.filter(period_label__in=labels):
            services.complete_occurrence(
                actor=users["chuyenvien.vp"], occurrence=occurrence, today=labels[occurrence.period_label], cal=cal
            )
    inspection = Inspection.objects.create(
        agency=plan.agency,
        title="Kiểm tra công tác CCHC năm 2026 tại Phòng Quản lý Doanh nghiệp",
        decision_number="45/QĐ-BQLKKTCK",
        inspected_unit=tasks["PL1.14"].lead_unit,
        inspected_on=D(2026, 9, 10),
        team_lead="Nguyễn Thị Thu Trang",
        conclusion="Cơ bản thực hiện tốt; còn 2 tồn tại cần khắc phục.",
        created_by=users["vanphong"],
    )
    fixed = services.add_finding(
        actor=users["vanphong"],
        inspection=inspection,
        plan=plan,
        text="Sổ theo dõi hồ sơ chưa cập nhật ngày trả kết quả",
        deadline=D(2026, 10, 15),
        today=D(2026, 9, 11),
        cal=cal,
    )
    services.add_finding(
        actor=users["vanphong"],
        inspection=inspection,
        plan=plan,
        text="Chưa số hóa thành phần hồ sơ đối với 12 hồ sơ tiếp nhận trực tiếp",
        deadline=D(2026, 12, 10),
        today=D(2026, 9, 11),
        cal=cal,
    )
    tasks[fixed.remediation_task.code] = fixed.remediation_task
    progress(
        fixed.remediation_task.code, "truongphong.qldn", 100, "Đã cập nhật đầy đủ sổ theo dõi.", D(2026, 10, 12), True
    )
    today = timezone.localdate()
    for task in plan.tasks.all():
        services.refresh_task(task, today=today, cal=cal)
    return True
