"""Reading dossier files (CSV, UTF-8 with or without BOM) into `quality.Dossier` records, with
every problem located by row, column and value (the first 100 are reported).

Canonical columns and their Vietnamese aliases are those of the issue and docs/dossier-import.md
(to come with the register); dates are ISO 8601 or dd/mm/yyyy[ HH:MM[:SS]], local time
Asia/Ho_Chi_Minh. A missing `due_at` is computed from `limit` and `limit_unit` (one_stop.md §7).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from core.calendar import WorkingCalendar
from core.deadlines import UNITS, due, local
from core.text import fold
from procedures.quality import CHANNELS, ENDED, STATUSES, Dossier

MAX_PROBLEMS = 100

ALIASES = {
    "dossier_code": "Mã hồ sơ",
    "procedure_code": "Mã TTHC",
    "unit": "Đơn vị",
    "channel": "Kênh",
    "received_at": "Ngày tiếp nhận",
    "due_at": "Ngày hẹn trả",
    "limit": "Thời hạn giải quyết",
    "limit_unit": "Đơn vị tính",
    "status": "Trạng thái",
    "finished_at": "Ngày kết thúc xử lý",
    "returned_at": "Ngày trả kết quả",
    "supplement_count": "Số lần yêu cầu bổ sung",
    "supplement_requested_at": "Ngày yêu cầu bổ sung",
    "supplement_completed_at": "Ngày hoàn thành bổ sung",
    "paper_result": "Kết quả bản giấy",
    "e_result": "Kết quả điện tử",
    "digitized": "Số hóa thành phần hồ sơ",
    "reused_data": "Tái sử dụng dữ liệu số hóa",
    "fee_bearing": "Có phí, lệ phí",
    "paid_online": "Thanh toán trực tuyến",
    "complaint": "Có phản ánh hoặc đánh giá không hài lòng",
}
REQUIRED = ("dossier_code", "received_at", "status")
FLAGS = ("paper_result", "e_result", "digitized", "reused_data", "fee_bearing", "paid_online", "complaint")
STATUS_LABELS = {
    "da tiep nhan": "received",
    "dang giai quyet": "processing",
    "dang xu ly": "processing",
    "yeu cau bo sung ho so": "supplement_requested",
    "da xu ly xong": "finished",
    "da tra ket qua": "returned",
    "tu choi giai quyet": "rejected",
    "tu choi": "rejected",
    "dung giai quyet": "stopped",
    "dung xu ly": "stopped",
    "rut ho so": "withdrawn",
    "cong dan yeu cau rut ho so": "withdrawn",
}
CHANNEL_CODES = {
    "1": "direct",
    "2": "online",
    "3": "postal",
    "truc tiep": "direct",
    "truc tuyen": "online",
    "buu chinh": "postal",
}
UNIT_LABELS = {"ngay lam viec": "working_days", "ngay": "days", "gio": "hours", "thang": "months"}
DATE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


@dataclass(frozen=True)
class FileProblem:
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        value = f" {self.value!r}" if self.value else ""
        return f"{where}:{value} {self.reason}"


class DossierFileError(ValueError):
    def __init__(self, problems: list[FileProblem], total: int):
        super().__init__(f"{total} problem(s)")
        self.problems = problems
        self.total = total


def parse_moment(text: str) -> dt.datetime:
    text = text.strip()
    try:
        return local(dt.datetime.fromisoformat(text))
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)  # noqa: DTZ007  (local wall-clock time, by definition)
        except ValueError:
            continue
    raise ValueError("not a date: use ISO 8601 or dd/mm/yyyy[ HH:MM[:SS]]")


def _header_map(fields: list[str]) -> dict[str, str]:
    """Canonical name -> the header used in the file."""
    wanted = {fold(k): k for k in ALIASES} | {fold(v): k for k, v in ALIASES.items()}
    found = {}
    for name in fields:
        key = wanted.get(fold(name.strip()))
        if key and key not in found:
            found[key] = name
    return found


def read_dossiers(data: bytes | str, cal: WorkingCalendar) -> list[Dossier]:
    """All rows or a DossierFileError listing the first problems (nothing half-read)."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    columns = _header_map(reader.fieldnames or [])
    problems: list[FileProblem] = []
    total = 0

    def problem(row: int, column: str, value: str, reason: str) -> None:
        nonlocal total
        total += 1
        if len(problems) < MAX_PROBLEMS:
            problems.append(FileProblem(row, column, value, reason))

    for name in REQUIRED:
        if name not in columns:
            problem(1, name, "", "required column missing (header row)")
    if "due_at" not in columns and "limit" not in columns:
        problem(1, "due_at", "", "give due_at, or limit and limit_unit to compute it")
    if total:
        raise DossierFileError(problems, total)
    records: list[Dossier] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):

        def cell(name: str, row: dict = row) -> str:
            header = columns.get(name)
            return (row.get(header) or "").strip() if header else ""

        def moment(name: str, required: bool = False, number: int = number) -> dt.datetime | None:
            value = cell(name)
            if not value:
                if required:
                    problem(number, name, "", "required")
                return None
            try:
                return parse_moment(value)
            except ValueError as exc:
                problem(number, name, value, str(exc))
                return None

        before = total
        code = cell("dossier_code")
        if not code:
            problem(number, "dossier_code", "", "required")
        elif code in seen:
            problem(number, "dossier_code", code, f"duplicate of row {seen[code]}")
        else:
            seen[code] = number
        raw_status = cell("status")
        status = raw_status if raw_status in STATUSES else STATUS_LABELS.get(fold(raw_status), "")
        if not status:
            problem(number, "status", raw_status, f"unknown status; use one of {', '.join(STATUSES)}")
        raw_channel = cell("channel") or "direct"
        channel = raw_channel if raw_channel in CHANNELS else CHANNEL_CODES.get(fold(raw_channel), "")
        if not channel:
            problem(number, "channel", raw_channel, "use direct, online, postal (or 1, 2, 3)")
        received = moment("received_at", required=True)
        finished = moment("finished_at")
        requested = moment("supplement_requested_at")
        completed = moment("supplement_completed_at")
        flags = {}
        for name in FLAGS:
            value = cell(name)
            if value not in ("", "0", "1"):
                problem(number, name, value, "use 0 or 1")
            flags[name] = value == "1"
        supplements = cell("supplement_count") or "0"
        if not supplements.isdigit():
            problem(number, "supplement_count", supplements, "not a whole number")
        due_date = None
        if cell("due_at"):
            due_moment = moment("due_at")
            due_date = due_moment.date() if due_moment else None
        elif received is not None:
            limit, unit = cell("limit"), cell("limit_unit") or "working_days"
            unit = unit if unit in UNITS else UNIT_LABELS.get(fold(unit), unit)
            if not limit.isdigit():
                problem(number, "limit", limit, "no due_at: give the time limit as a whole number")
            elif unit not in UNITS:
                problem(number, "limit_unit", cell("limit_unit"), f"use one of {', '.join(UNITS)}")
            else:
                due_date = due(received, int(limit), unit, cal).date
        if status in ENDED and finished is None and not cell("finished_at"):
            problem(number, "finished_at", "", f"required for status {status}")
        if received and finished and finished < received:
            problem(number, "finished_at", cell("finished_at"), "before received_at")
        if requested and completed and completed < requested:
            problem(number, "supplement_completed_at", cell("supplement_completed_at"), "before the request")
        if total > before or received is None or due_date is None:
            continue
        records.append(
            Dossier(
                code=code,
                received_at=received,
                due_date=due_date,
                status=status,
                channel=channel,
                finished_at=finished,
                supplement_count=int(supplements),
                supplement_requested_at=requested,
                supplement_completed_at=completed,
                **flags,
            )
        )
    if total:
        raise DossierFileError(problems, total)
    return records
