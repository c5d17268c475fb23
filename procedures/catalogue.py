"""The procedure catalogue from and to Excel: every row checked (row, column, value, reason) and a
preview before an all-or-nothing commit; existing codes are updated, new ones created.

The columns below are the one declaration of the file: the reader (core.tabular), the export and
its fill-in template (core.workbook) all follow them."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import sheets
from core.file_problems import FileProblem, ProblemLog
from core.files import FileRejected, safe_load_workbook
from core.models import Agency, User
from core.services import diff, log_action
from core.tabular import Column, Row, Table
from core.text import fold
from core.workbook import Sheet, workbook_bytes
from procedures.dossier_file import UNIT_LABELS, UNIT_NAMES
from procedures.models import Procedure

UNITS = {unit: unit for unit in UNIT_NAMES} | UNIT_LABELS
ONLINE_NAMES = {"none": "không", "partial": "một phần", "full": "toàn trình"}
ONLINE = {level: level for level in ONLINE_NAMES} | {fold(name): level for level, name in ONLINE_NAMES.items()}
YES = {"1", "co", "x", "yes", "true"}
NO = {"0", "khong", "no", "false"}
NO_FEE = {"", "0", "khong", "mien", "mien phi", "khong co", "khong thu"}
UNIT_HINT = gettext_lazy("Use: ngày làm việc, ngày, giờ or tháng.")
ONLINE_HINT = gettext_lazy("Use: không, một phần or toàn trình.")
MAX_ROWS = 5000
FLAGS = ("apply_cutoff", "fee_bearing", "paper_result")


def _up_to(length: int) -> Callable[[str], str]:
    def check(text: str) -> str:
        if len(text) > length:
            raise ValueError(_("The value is too long."))
        return text

    return check


def _limit(text: str) -> int:
    if not text.isdigit() or int(text) > 3650:
        raise ValueError(_("Not a whole number of days or hours."))
    return int(text)


def _one_of(values: dict[str, str], hint: str | Promise) -> Callable[[str], str]:
    def parse(text: str) -> str:
        found = values.get(fold(text))
        if found is None:
            raise ValueError(str(hint))
        return found

    return parse


def _flag(text: str) -> bool:
    folded = fold(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValueError(_("Use Có or Không (1 or 0)."))


# (column, width in the workbook); the labels are the headers of the file, in Vietnamese.
COLUMNS: list[tuple[Column, int]] = [
    (Column("code", "Mã TTHC", required=True, unique=True, parse=_up_to(40)), 16),
    (Column("name", "Tên thủ tục hành chính", required=True, parse=_up_to(500)), 50),
    (Column("field", "Lĩnh vực", parse=_up_to(200)), 20),
    (Column("level", "Cấp thực hiện", parse=_up_to(50)), 12),
    (Column("limit", "Thời hạn giải quyết", required=True, parse=_limit), 10),
    (Column("limit_unit", "Đơn vị tính", parse=_one_of(UNITS, UNIT_HINT)), 14),
    (Column("apply_cutoff", "Áp dụng mốc 15 giờ", parse=_flag), 10),
    (Column("fees", "Phí, lệ phí", parse=_up_to(500)), 24),
    (Column("fee_bearing", "Có thu phí, lệ phí", parse=_flag), 10),
    (Column("online_level", "Dịch vụ công trực tuyến", parse=_one_of(ONLINE, ONLINE_HINT)), 14),
    (Column("paper_result", "Trả kết quả bản giấy", parse=_flag), 10),
    (Column("legal_basis", "Căn cứ pháp lý"), 40),
    (Column("where", "Nơi tiếp nhận hồ sơ"), 30),
    (Column("responsible", "Cơ quan thực hiện"), 30),
    (Column("steps", "Trình tự thực hiện"), 40),
    (Column("documents", "Thành phần hồ sơ"), 40),
    (Column("result", "Kết quả thực hiện"), 30),
    (Column("recourse", "Nơi phản ánh, kiến nghị"), 30),
]
TABLE = Table([column for column, _width in COLUMNS])
FIELDS = [column.key for column, _width in COLUMNS if column.key != "code"]
# The parts a citizen needs on a published (in use) procedure's public page, besides its name and
# time limit (which every row has): the Office is warned while any of them is empty.
PUBLIC_PARTS = ("documents", "steps", "fees", "where", "legal_basis", "result")

# The fill-in template's guide: (column key, required, values and format, example), in the order
# of COLUMNS. A Vietnamese document, like the headers.
GUIDE: dict[str, tuple[str, str, Any]] = {
    "code": ("Bắt buộc", "Mã thủ tục trên Cơ sở dữ liệu quốc gia về TTHC; tối đa 40 ký tự, không trùng.", "1.009645"),
    "name": ("Bắt buộc", "Tên thủ tục như Quyết định công bố; tối đa 500 ký tự.", "Cấp giấy phép xây dựng"),
    "field": ("Không", "Lĩnh vực; tối đa 200 ký tự.", "Xây dựng"),
    "level": ("Không", "Cấp thực hiện; tối đa 50 ký tự.", "Cấp tỉnh"),
    "limit": ("Bắt buộc", "Số nguyên.", 20),
    "limit_unit": ("Không (mặc định: ngày làm việc)", "ngày làm việc, ngày, giờ, tháng.", "ngày làm việc"),
    "apply_cutoff": (
        "Không (mặc định: Có)",
        "Có hoặc Không: hồ sơ nhận sau 15 giờ tính từ ngày làm việc tiếp theo.",
        "Có",
    ),
    "fees": ("Không", "Mức phí, lệ phí; ghi “Không” nếu không thu.", "150.000 đồng/giấy phép"),
    "fee_bearing": ("Không (theo cột Phí, lệ phí)", "Có hoặc Không.", "Có"),
    "online_level": ("Không (mặc định: không)", "không, một phần, toàn trình.", "một phần"),
    "paper_result": ("Không (mặc định: Có)", "Có hoặc Không.", "Có"),
    "legal_basis": (
        "Không, nhưng cần để công khai",
        "Mỗi văn bản một dòng (Alt+Enter trong ô Excel).",
        "Luật Xây dựng số 50/2014/QH13",
    ),
    "where": (
        "Không, nhưng cần để công khai",
        "Nơi và cách nộp hồ sơ: trực tiếp, bưu chính, trực tuyến.",
        "Bộ phận Một cửa",
    ),
    "responsible": ("Không", "Cơ quan thực hiện.", "Ban Quản lý Khu kinh tế"),
    "steps": ("Không, nhưng cần để công khai", "Mỗi bước một dòng.", "Bước 1: Nộp hồ sơ"),
    "documents": (
        "Không, nhưng cần để công khai",
        "Mỗi giấy tờ một dòng, ghi bản chính/bản sao và mẫu đơn, tờ khai.",
        "Đơn đề nghị (Mẫu số 01)",
    ),
    "result": ("Không, nhưng cần để công khai", "Kết quả trả cho người nộp.", "Giấy phép xây dựng"),
    "recourse": ("Không", "Nơi tiếp nhận phản ánh, kiến nghị.", "Văn phòng Ban Quản lý"),
}


@dataclass
class Parsed:
    """The rows of a catalogue file (dicts by column key, with their row number) and its problems;
    a file with any problem is refused whole."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: ProblemLog = field(default_factory=ProblemLog)

    @property
    def errors(self) -> list[FileProblem]:
        """The first problems (core.file_problems keeps 100; `problems.total` counts them all)."""
        return self.problems.problems


def _procedure(row: Row) -> dict[str, Any]:
    """A good row as the procedure's fields, the defaults filled in."""
    values = {key: row.get(key, "") for key in FIELDS if key not in FLAGS}
    fees_charged = fold(row.get("fees", "")) not in NO_FEE
    return {
        "row": row.number,
        "code": row["code"],
        **values,
        "limit_unit": row.get("limit_unit", "working_days"),
        "online_level": row.get("online_level", "none"),
        "apply_cutoff": row.get("apply_cutoff", True),
        "fee_bearing": row.get("fee_bearing", fees_charged),
        "paper_result": row.get("paper_result", True),
    }


def parse(data: bytes) -> Parsed:
    result = Parsed()
    try:
        workbook = safe_load_workbook(data, read_only=True, data_only=True)
    except FileRejected as exc:
        result.problems.add(0, "", "", str(exc))
        return result
    except Exception:
        result.problems.add(0, "", "", _("The file is not an Excel workbook (.xlsx)."))
        return result
    try:
        rows = sheets.rows(workbook.worksheets[0])
        header = next(rows, None)
        if header is None:
            result.problems.add(1, "", "", _("The sheet is empty."))
            return result
        for row in TABLE.read(itertools.chain([header], rows), result.problems, max_rows=MAX_ROWS):
            if row.ok:
                result.rows.append(_procedure(row))
        if not result.rows and not result.problems.total:
            result.problems.add(2, "", "", _("The sheet has a header but no procedure rows."))
    finally:
        workbook.close()
    return result


def preview(*, agency: Agency, data: bytes) -> Parsed:
    parsed = parse(data)
    existing = set(Procedure.objects.filter(agency=agency).values_list("code", flat=True))
    for row in parsed.rows:
        row["exists"] = row["code"] in existing
    return parsed


@transaction.atomic
def commit(*, actor: User, agency: Agency, data: bytes) -> Parsed:
    parsed = preview(agency=agency, data=data)
    if parsed.errors:
        return parsed
    current = {p.code: p for p in Procedure.objects.select_for_update().filter(agency=agency)}
    for row in parsed.rows:
        procedure = current.get(row["code"]) or Procedure(agency=agency, code=row["code"])
        before = {} if procedure.pk is None else {k: getattr(procedure, k) for k in FIELDS}
        for key in FIELDS:
            setattr(procedure, key, row[key])
        procedure.search_text = fold(f"{procedure.code} {procedure.name} {procedure.field}")
        changes = diff(before, {k: getattr(procedure, k) for k in FIELDS})
        if procedure.pk is not None and not changes:
            continue
        action = "procedure.updated" if procedure.pk else "procedure.created"
        procedure.save()
        log_action(actor=actor, agency=agency, action=action, obj=procedure, changes=changes, note="Excel")
    return parsed


def _cell(procedure: Procedure, key: str) -> Any:
    """A procedure's field as the file writes it (so an export can be edited and imported back)."""
    value = getattr(procedure, key)
    if key == "limit_unit":
        return UNIT_NAMES[value]
    if key == "online_level":
        return ONLINE_NAMES[value]
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return value


def export(procedures: Iterable[Procedure]) -> bytes:
    """The catalogue in the import layout; with no procedures, the fill-in template."""
    keys = [column.key for column, _width in COLUMNS]
    return workbook_bytes(
        [
            Sheet(
                "Danh mục TTHC",
                header=[column.name for column, _width in COLUMNS],
                rows=([_cell(p, key) for key in keys] for p in procedures),
                widths=[width for _column, width in COLUMNS],
            )
        ]
    )


def missing_parts(procedure: Procedure) -> list[str]:
    """The public parts (PUBLIC_PARTS) a procedure in use leaves empty, by their names; none for
    a procedure not in use (not published)."""
    if not procedure.active:
        return []
    return [
        str(Procedure._meta.get_field(key).verbose_name)
        for key in PUBLIC_PARTS
        if not str(getattr(procedure, key)).strip()
    ]


def incomplete(procedures: Iterable[Procedure]) -> list[tuple[Procedure, list[str]]]:
    """The published procedures missing public parts, with what each lacks."""
    return [(p, missing) for p in procedures if (missing := missing_parts(p))]


def guide_rows() -> list[list[Any]]:
    """The guide's rows: column, required, values and format, example."""
    return [[column.name, *GUIDE[column.key]] for column, _width in COLUMNS]


def template() -> bytes:
    """The fill-in workbook: the catalogue sheet (its headers and an example row) first, as the
    import reads the first sheet, then the guide of each column."""
    data = Sheet(
        "Danh mục TTHC",
        header=[column.name for column, _width in COLUMNS],
        rows=[[GUIDE[column.key][2] for column, _width in COLUMNS]],
        widths=[width for _column, width in COLUMNS],
    )
    guide = Sheet(
        "Hướng dẫn",
        header=["Cột", "Bắt buộc", "Giá trị và định dạng", "Ví dụ"],
        rows=guide_rows(),
        heading="Hướng dẫn nhập danh mục thủ tục hành chính",
        subtitle=(
            "Dòng đầu tiên của trang tính thứ nhất là dòng tiêu đề; mỗi dòng sau là một thủ tục.",
            "Dòng 2 là ví dụ: thay bằng thủ tục thật hoặc xóa trước khi nhập.",
            "Mã đã có trong danh mục thì dòng đó cập nhật thủ tục; tệp có lỗi bị từ chối cả tệp.",
            "Thủ tục đang áp dụng cần đủ thành phần hồ sơ, trình tự, phí, nơi nộp, căn cứ pháp lý và kết quả "
            "để công khai trên trang của cơ quan.",
        ),
        widths=[26, 24, 60, 30],
    )
    return workbook_bytes([data, guide])
