"""ILLUSTRATIVE demo data for the register: the catalogue of data/procedures/catalogue-demo.yaml with
what each procedure publishes (DETAILS), and a year of generated dossiers (deterministic), with a few
overdue, due today and due tomorrow so the register's warnings show."""

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

WHERE = (
    "- Trực tiếp: Bộ phận Một cửa của Ban Quản lý tại Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn, "
    "sáng 7 giờ 30 đến 11 giờ 30, chiều 13 giờ 30 đến 17 giờ các ngày làm việc;\n"
    "- Qua dịch vụ bưu chính công ích;\n"
    "- Trực tuyến: Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)."
)
RECOURSE = (
    "Văn phòng Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn; hoặc mục Phản ánh, kiến nghị trên "
    "trang công khai của Ban và trên Cổng Dịch vụ công quốc gia."
)
INVESTMENT_LAW = (
    "- Luật Đầu tư số 61/2020/QH14 ngày 17/6/2020;\n"
    "- Nghị định số 31/2021/NĐ-CP ngày 26/3/2021 của Chính phủ quy định chi tiết và hướng dẫn thi hành "
    "một số điều của Luật Đầu tư;\n"
    "- Thông tư số 03/2021/TT-BKHĐT ngày 09/4/2021 của Bộ Kế hoạch và Đầu tư quy định mẫu văn bản, báo cáo "
    "liên quan đến hoạt động đầu tư tại Việt Nam."
)
# What each demo procedure publishes (documents, steps, result, legal basis): modelled on the
# published procedures of economic-zone boards, so the public pages show what a citizen needs.
DETAILS: dict[str, dict[str, str]] = {
    "DEMO-001": {
        "documents": (
            "- Văn bản đề nghị thực hiện dự án đầu tư (Mẫu A.I.1, Thông tư số 03/2021/TT-BKHĐT);\n"
            "- Bản sao giấy tờ pháp lý của nhà đầu tư (căn cước đối với cá nhân; Giấy chứng nhận thành lập "
            "hoặc tài liệu tương đương đối với tổ chức);\n"
            "- Đề xuất dự án đầu tư (Mẫu A.I.3);\n"
            "- Bản sao báo cáo tài chính 02 năm gần nhất hoặc tài liệu chứng minh năng lực tài chính của nhà đầu tư;\n"
            "- Bản sao giấy tờ về quyền sử dụng địa điểm thực hiện dự án;\n"
            "- Hợp đồng BCC (đối với dự án đầu tư theo hình thức hợp đồng BCC).\n"
            "Số lượng hồ sơ: 01 bộ."
        ),
        "steps": (
            "Bước 1: Nhà đầu tư nộp hồ sơ tại Bộ phận Một cửa, qua bưu chính hoặc trực tuyến.\n"
            "Bước 2: Bộ phận Một cửa kiểm tra, tiếp nhận hồ sơ và hẹn trả kết quả; hồ sơ chưa đầy đủ thì "
            "hướng dẫn bổ sung một lần bằng văn bản.\n"
            "Bước 3: Phòng Quản lý doanh nghiệp thẩm tra hồ sơ, trình Lãnh đạo Ban cấp Giấy chứng nhận đăng ký "
            "đầu tư; trường hợp từ chối, thông báo bằng văn bản và nêu rõ lý do.\n"
            "Bước 4: Nhà đầu tư nhận kết quả tại Bộ phận Một cửa, qua bưu chính hoặc trực tuyến."
        ),
        "result": "Giấy chứng nhận đăng ký đầu tư, hoặc văn bản từ chối nêu rõ lý do.",
        "legal_basis": INVESTMENT_LAW,
    },
    "DEMO-002": {
        "documents": (
            "- Văn bản đề nghị điều chỉnh dự án đầu tư (Mẫu A.I.11, Thông tư số 03/2021/TT-BKHĐT);\n"
            "- Báo cáo tình hình triển khai dự án đầu tư đến thời điểm đề nghị điều chỉnh;\n"
            "- Quyết định của nhà đầu tư về việc điều chỉnh dự án đầu tư;\n"
            "- Tài liệu liên quan đến nội dung điều chỉnh (bản sao).\n"
            "Số lượng hồ sơ: 01 bộ."
        ),
        "steps": (
            "Bước 1: Nhà đầu tư nộp hồ sơ tại Bộ phận Một cửa, qua bưu chính hoặc trực tuyến.\n"
            "Bước 2: Bộ phận Một cửa tiếp nhận, kiểm tra hồ sơ và hẹn trả kết quả.\n"
            "Bước 3: Ban Quản lý điều chỉnh Giấy chứng nhận đăng ký đầu tư, hoặc trả lời bằng văn bản nêu rõ lý do.\n"
            "Bước 4: Nhà đầu tư nhận kết quả."
        ),
        "result": "Giấy chứng nhận đăng ký đầu tư điều chỉnh.",
        "legal_basis": INVESTMENT_LAW,
    },
    "DEMO-003": {
        "documents": (
            "- Văn bản đề nghị cấp giấy phép lao động của người sử dụng lao động (Mẫu số 11/PLI, Nghị định "
            "số 152/2020/NĐ-CP);\n"
            "- Giấy chứng nhận sức khỏe cấp trong thời hạn 12 tháng;\n"
            "- Phiếu lý lịch tư pháp hoặc văn bản xác nhận không phải là người phạm tội, cấp không quá 06 tháng;\n"
            "- Văn bản chứng minh là nhà quản lý, giám đốc điều hành, chuyên gia hoặc lao động kỹ thuật;\n"
            "- 02 ảnh màu 4 cm x 6 cm, phông nền trắng, chụp không quá 06 tháng;\n"
            "- Bản sao hộ chiếu còn giá trị;\n"
            "- Văn bản chấp thuận nhu cầu sử dụng người lao động nước ngoài.\n"
            "Số lượng hồ sơ: 01 bộ."
        ),
        "steps": (
            "Bước 1: Chậm nhất 15 ngày trước ngày người lao động nước ngoài dự kiến bắt đầu làm việc, người sử "
            "dụng lao động nộp hồ sơ.\n"
            "Bước 2: Bộ phận Một cửa tiếp nhận, kiểm tra hồ sơ và hẹn trả kết quả.\n"
            "Bước 3: Ban Quản lý cấp giấy phép lao động (Mẫu số 12/PLI); trường hợp không cấp, trả lời bằng văn "
            "bản và nêu rõ lý do.\n"
            "Bước 4: Người sử dụng lao động nhận kết quả và nộp lệ phí."
        ),
        "result": "Giấy phép lao động.",
        "legal_basis": (
            "- Bộ luật Lao động số 45/2019/QH14;\n"
            "- Nghị định số 152/2020/NĐ-CP ngày 30/12/2020 quy định về người lao động nước ngoài làm việc tại "
            "Việt Nam;\n"
            "- Nghị định số 70/2023/NĐ-CP ngày 18/9/2023 sửa đổi, bổ sung Nghị định số 152/2020/NĐ-CP."
        ),
    },
    "DEMO-004": {
        "documents": (
            "- Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01 Phụ lục II, Nghị định số 15/2021/NĐ-CP);\n"
            "- Bản sao giấy tờ chứng minh quyền sử dụng đất;\n"
            "- Bản sao quyết định phê duyệt dự án và văn bản thông báo kết quả thẩm định thiết kế;\n"
            "- 02 bộ bản vẽ thiết kế xây dựng;\n"
            "- Bản kê khai năng lực, kinh nghiệm của tổ chức, cá nhân thiết kế.\n"
            "Số lượng hồ sơ: 02 bộ."
        ),
        "steps": (
            "Bước 1: Chủ đầu tư nộp hồ sơ tại Bộ phận Một cửa hoặc trực tuyến.\n"
            "Bước 2: Bộ phận Một cửa tiếp nhận, kiểm tra hồ sơ và hẹn trả kết quả.\n"
            "Bước 3: Phòng Kế hoạch - Tổng hợp thẩm định hồ sơ, kiểm tra thực địa khi cần, trình Lãnh đạo Ban "
            "cấp giấy phép.\n"
            "Bước 4: Chủ đầu tư nhận giấy phép xây dựng kèm bản vẽ đã đóng dấu và nộp lệ phí."
        ),
        "result": "Giấy phép xây dựng kèm theo bản vẽ thiết kế được đóng dấu.",
        "legal_basis": (
            "- Luật Xây dựng số 50/2014/QH13, được sửa đổi, bổ sung bởi Luật số 62/2020/QH14;\n"
            "- Nghị định số 15/2021/NĐ-CP ngày 03/3/2021 quy định chi tiết một số nội dung về quản lý dự án đầu "
            "tư xây dựng."
        ),
    },
    "DEMO-005": {
        "documents": (
            "- Đơn đề nghị xác nhận hợp đồng, văn bản chuyển nhượng (theo mẫu của Ban Quản lý);\n"
            "- Hợp đồng, văn bản chuyển nhượng (bản chính);\n"
            "- Bản sao giấy tờ pháp lý của các bên."
        ),
        "steps": (
            "Bước 1: Các bên nộp hồ sơ tại Bộ phận Một cửa hoặc trực tuyến.\n"
            "Bước 2: Bộ phận Một cửa kiểm tra và tiếp nhận hồ sơ.\n"
            "Bước 3: Phòng Kế hoạch - Tổng hợp xác nhận trong 08 giờ làm việc.\n"
            "Bước 4: Các bên nhận hợp đồng, văn bản đã được xác nhận."
        ),
        "result": "Hợp đồng, văn bản chuyển nhượng được xác nhận.",
        "legal_basis": "- Quy chế phối hợp quản lý khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn (minh họa).",
    },
}


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
    # and one due today, one overdue (received long enough before), so the register flags both
    earlier = [d for d in rows[2:] if d.received_at.date() <= today - dt.timedelta(days=20)][:2]
    for dossier, due_date in zip(earlier, (today, cal.add_working_days(today, -2)), strict=False):
        dossier.status, dossier.finished_at, dossier.returned_at = "processing", None, None
        dossier.due_date = due_date
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
                **DETAILS.get(entry["code"], {}),
                "fee_bearing": entry.get("fees", "Không") != "Không",
                "where": WHERE,
                "recourse": RECOURSE,
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
