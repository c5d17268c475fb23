"""Reference data (the official calendar) and demo data, both loaded idempotently."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from core.calendar import WorkingCalendar
from core.models import Agency, CalendarOverride, Membership, Province, Role, Signer, Unit, User

DATA_DIR = Path(settings.BASE_DIR) / "data"
DEMO_PASSWORD = "CaiCach#2026"


def calendar_rows(path: Path | None = None) -> list[dict]:
    """The rows of the official calendar data file."""
    return yaml.safe_load((path or DATA_DIR / "calendar.yaml").read_text(encoding="utf-8"))


def shipped_calendar(path: Path | None = None) -> WorkingCalendar:
    """The official calendar from the data file, without the database (for file commands)."""
    return WorkingCalendar(overrides={row["date"]: row["kind"] for row in calendar_rows(path)})


@transaction.atomic
def load_calendar_overrides(path: Path | None = None) -> int:
    rows = calendar_rows(path)
    created = 0
    for row in rows:
        _, was_created = CalendarOverride.objects.get_or_create(
            date=row["date"],
            defaults={"kind": row["kind"], "name": row["name"], "legal_ref": row.get("legal_ref", "")},
        )
        created += was_created
    return created


DEMO_AGENCIES = [
    {
        "code": "BQLKKTCK",
        "name": "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn",
        "short_name": "Ban QLKKTCK Đồng Đăng - Lạng Sơn",
        "kind": "board",
        "symbol": "BQLKKTCK",
        "phone": "0205 3 851 666",
        "letterhead": "BAN QUẢN LÝ KHU KINH TẾ\nCỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN",
        # (code, name, kind, is the CCHC office, short name as documents' tables write it)
        "units": [
            ("LD", "Lãnh đạo Ban", "leadership", False, "Lãnh đạo Ban"),
            ("VP", "Văn phòng", "office", True, "VP"),
            ("KHTH", "Phòng Kế hoạch - Tổng hợp", "division", False, "Phòng KHTH"),
            ("QLDN", "Phòng Quản lý Doanh nghiệp", "division", False, "Phòng QLDN"),
            ("QHXD", "Phòng Quản lý Quy hoạch - Xây dựng và Môi trường", "division", False, "Phòng QHXD"),
            ("TTQLCK", "Trung tâm Quản lý cửa khẩu", "centre", False, "TTQLCK"),
        ],
    },
    {
        "code": "SCT",
        "name": "Sở Công Thương tỉnh Lạng Sơn",
        "short_name": "Sở Công Thương",
        "kind": "department",
        "symbol": "SCT",
        "units": [
            ("VP", "Văn phòng Sở", "office", True, "VP"),
            ("QLTM", "Phòng Quản lý Thương mại", "division", False, "Phòng QLTM"),
        ],
    },
    {
        "code": "SNV",
        "name": "Sở Nội vụ tỉnh Lạng Sơn",
        "short_name": "Sở Nội vụ",
        "kind": "home_affairs",
        "symbol": "SNV",
        "units": [("CCHC", "Phòng Cải cách hành chính", "division", False, "Phòng CCHC")],
    },
]

# (username, full name, agency, unit, role)
DEMO_PEOPLE = [
    ("quantri", "Quản trị hệ thống Ban", "BQLKKTCK", None, Role.ADMINISTRATOR),
    ("lanhdao", "Hoàng Việt Đông", "BQLKKTCK", "LD", Role.LEADER),
    ("vanphong", "Nguyễn Thị Thu Trang", "BQLKKTCK", "VP", Role.FOCAL_POINT),
    ("truongphong.vp", "Lê Văn Hùng", "BQLKKTCK", "VP", Role.UNIT_HEAD),
    ("chuyenvien.vp", "Phạm Minh Anh", "BQLKKTCK", "VP", Role.OFFICER),
    ("truongphong.qldn", "Đỗ Thị Lan", "BQLKKTCK", "QLDN", Role.UNIT_HEAD),
    ("chuyenvien.qldn", "Vũ Quang Huy", "BQLKKTCK", "QLDN", Role.OFFICER),
    ("truongphong.khth", "Trần Đức Minh", "BQLKKTCK", "KHTH", Role.UNIT_HEAD),
    ("chuyenvien.khth", "Ngô Thị Hà", "BQLKKTCK", "KHTH", Role.OFFICER),
    ("giamdoc.ttqlck", "Bế Văn Thành", "BQLKKTCK", "TTQLCK", Role.UNIT_HEAD),
    ("chuyenvien.ttqlck", "Hoàng Thị Mai", "BQLKKTCK", "TTQLCK", Role.OFFICER),
    ("kiemtra", "Lương Văn Bình", "BQLKKTCK", None, Role.AUDITOR),
    ("thamdinh", "Nông Thị Hoa", "SNV", "CCHC", Role.APPRAISER),
    ("quantri.snv", "Trần Văn Quang", "SNV", None, Role.ADMINISTRATOR),
    ("chuyenvien.sct", "Đinh Công Sơn", "SCT", "QLTM", Role.OFFICER),
    ("vanphong.sct", "Lý Thị Nga", "SCT", "VP", Role.FOCAL_POINT),
]
# A person may hold roles in several units: the VP officer also works for the border-gate centre.
EXTRA_ROLES = [("chuyenvien.vp", "BQLKKTCK", "TTQLCK", Role.OFFICER)]


# Who signs the demo agency's documents (the administrator keeps them: /administration/signers/).
DEMO_SIGNERS = [
    ("BQLKKTCK", "reports", "KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Hoàng Việt Đông"),
    ("BQLKKTCK", "dossiers", "KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Hoàng Việt Đông"),
]


@transaction.atomic
def load_demo_organisation() -> list[tuple[str, str, str]]:
    """Creates the demo province, agencies, units and people; returns (role, username, name)."""
    province, _ = Province.objects.get_or_create(code="LSN", defaults={"name": "Lạng Sơn"})
    agencies, units = {}, {}
    for spec in DEMO_AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            code=spec["code"],
            defaults={
                "province": province,
                "name": spec["name"],
                "short_name": spec["short_name"],
                "kind": spec["kind"],
                "symbol": spec["symbol"],
                "phone": spec.get("phone", ""),
                "letterhead": spec.get("letterhead", ""),
            },
        )
        agencies[agency.code] = agency
        for order, (code, name, kind, is_office, short_name) in enumerate(spec["units"]):
            unit, _ = Unit.objects.get_or_create(
                agency=agency,
                code=code,
                defaults={"name": name, "short_name": short_name, "kind": kind, "is_office": is_office, "order": order},
            )
            units[(agency.code, code)] = unit
    logins = []
    for username, full_name, agency_code, unit_code, role in DEMO_PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name, email=f"{username}@example.gov.vn")
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            user=user, agency=agencies[agency_code], unit=units.get((agency_code, unit_code)), role=role
        )
        logins.append((Role(role).label, username, full_name))
    for username, agency_code, unit_code, role in EXTRA_ROLES:
        Membership.objects.get_or_create(
            user=User.objects.get(username=username),
            agency=agencies[agency_code],
            unit=units[(agency_code, unit_code)],
            role=role,
        )
    for agency_code, use, authority, title, name in DEMO_SIGNERS:
        Signer.objects.get_or_create(
            agency=agencies[agency_code], use=use, name=name, defaults={"authority": authority, "title": title}
        )
    return logins
