"""Reading dossier files (CSV, UTF-8 with or without BOM, or XLSX) row by row, with every problem
located by row, column and value (the first 100 are reported).

Canonical columns and their Vietnamese aliases: docs/dossier-import.md. Dates are ISO 8601 or
dd/mm/yyyy[ HH:MM[:SS]], local time Asia/Ho_Chi_Minh. A missing `due_at` is computed from the
procedure catalogue, else from `limit` and `limit_unit` (one_stop.md §7).

Problems name the columns and values as the person reads them: by their Vietnamese headers and
labels for a file people fill in (`vietnamese=True`: the web import), by the canonical names for
the API and the command. GUIDE is the one description of each column, written into the fill-in
template's guide sheet and shown on the import page.

The reader streams: `DossierReader.rows()` yields parsed rows one at a time, so a file of a
million rows never sits in memory; `read_dossiers()` is the small-file convenience used by the
`service_quality` command.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import IO, Any

from django.utils.translation import gettext as _

from core import sheets
from core.calendar import WorkingCalendar
from core.deadlines import DEFAULT_CUTOFF, UNITS, due, local
from core.file_problems import FileError, FileProblem, ProblemLog
from core.files import safe_load_workbook
from core.tabular import Column, Table
from core.text import fold
from core.workbook import Sheet, workbook_bytes
from procedures.quality import CHANNELS, ENDED, STATUSES, Dossier

YEARS = (1990, 2100)  # a date outside them is a typing mistake

FLAGS = ("paper_result", "e_result", "digitized", "reused_data", "fee_bearing", "paid_online", "complaint")
# The columns of a dossier file: the canonical name (as problems name the column) and the
# Vietnamese header of the provincial exports (docs/dossier-import.md). The header is mapped
# through core.tabular; the rows are checked by DossierReader's own loop, which a million rows
# need fast.
COLUMNS = (
    Column("dossier_code", aliases=("Mã hồ sơ",), required=True),
    Column("procedure_code", aliases=("Mã TTHC",)),
    Column("unit", aliases=("Đơn vị",)),
    Column("channel", aliases=("Kênh",)),
    Column("received_at", aliases=("Ngày tiếp nhận",), required=True),
    Column("due_at", aliases=("Ngày hẹn trả",)),
    Column("limit", aliases=("Thời hạn giải quyết",)),
    Column("limit_unit", aliases=("Đơn vị tính",)),
    Column("status", aliases=("Trạng thái",), required=True),
    Column("finished_at", aliases=("Ngày kết thúc xử lý",)),
    Column("returned_at", aliases=("Ngày trả kết quả",)),
    Column("supplement_count", aliases=("Số lần yêu cầu bổ sung",)),
    Column("supplement_requested_at", aliases=("Ngày yêu cầu bổ sung",)),
    Column("supplement_completed_at", aliases=("Ngày hoàn thành bổ sung",)),
    Column("paper_result", aliases=("Kết quả bản giấy",)),
    Column("e_result", aliases=("Kết quả điện tử",)),
    Column("digitized", aliases=("Số hóa thành phần hồ sơ",)),
    Column("reused_data", aliases=("Tái sử dụng dữ liệu số hóa",)),
    Column("fee_bearing", aliases=("Có phí, lệ phí",)),
    Column("paid_online", aliases=("Thanh toán trực tuyến",)),
    Column("complaint", aliases=("Có phản ánh hoặc đánh giá không hài lòng",)),
)
TABLE = Table(COLUMNS)
ALIASES = {column.key: column.aliases[0] for column in COLUMNS}  # canonical name -> Vietnamese header
# The same columns named by their Vietnamese headers (problems of a file people fill in).
VI_TABLE = Table([replace(column, label=column.aliases[0]) for column in COLUMNS])
FLAG_VALUES = {"0": False, "1": True}
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
# The limit units by their Vietnamese names (the catalogue's file writes these), and as typed.
UNIT_NAMES = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ", "months": "tháng"}
UNIT_LABELS = {fold(name): unit for unit, name in UNIT_NAMES.items()} | {"gio lam viec": "hours"}
# How a Vietnamese file writes each status and channel (the first of STATUS_LABELS for each).
STATUS_NAMES = {
    "received": "Đã tiếp nhận",
    "processing": "Đang giải quyết",
    "supplement_requested": "Yêu cầu bổ sung hồ sơ",
    "finished": "Đã xử lý xong",
    "returned": "Đã trả kết quả",
    "rejected": "Từ chối giải quyết",
    "stopped": "Dừng giải quyết",
    "withdrawn": "Rút hồ sơ",
}
CHANNEL_NAMES = {"direct": "Trực tiếp", "online": "Trực tuyến", "postal": "Bưu chính"}
FUTURE_TOLERANCE = dt.timedelta(minutes=5)  # clocks of the provincial systems a little ahead of ours


@dataclass(frozen=True)
class GuideEntry:
    """One column as the fill-in template's guide sheet and the import page explain it."""

    key: str
    required: str  # "Bắt buộc", "Không", or when it is needed
    meaning: str
    values: str  # accepted values and formats
    example: Any


# The guide of the dossier file, in the order of COLUMNS (a Vietnamese document, like the headers).
GUIDE = (
    GuideEntry(
        "dossier_code",
        "Bắt buộc",
        "Mã hồ sơ in trên giấy tiếp nhận; mỗi mã một dòng.",
        "Tối đa 60 ký tự, không trùng trong tệp. Mã đã có trong sổ thì dòng này cập nhật hồ sơ đó.",
        "H38.15-260309-0001",
    ),
    GuideEntry(
        "procedure_code",
        "Không",
        "Mã thủ tục hành chính trên Cơ sở dữ liệu quốc gia.",
        "Mã có trong danh mục TTHC của cơ quan thì hồ sơ được gắn với thủ tục và dùng thời hạn của thủ tục.",
        "1.001",
    ),
    GuideEntry("unit", "Không", "Phòng, đơn vị giải quyết hồ sơ.", "Mã hoặc tên một đơn vị của cơ quan.", "QLDN"),
    GuideEntry(
        "channel",
        "Không (mặc định: Trực tiếp)",
        "Hình thức nộp hồ sơ.",
        "Trực tiếp, Trực tuyến, Bưu chính (hoặc 1, 2, 3).",
        "Trực tuyến",
    ),
    GuideEntry(
        "received_at",
        "Bắt buộc",
        "Thời điểm tiếp nhận hồ sơ (giờ Việt Nam).",
        "dd/mm/yyyy HH:MM hoặc dd/mm/yyyy, hoặc ô ngày của Excel; không được ở tương lai.",
        "09/03/2026 09:00",
    ),
    GuideEntry(
        "due_at",
        "Không (tự tính nếu để trống)",
        "Ngày hẹn trả kết quả.",
        "dd/mm/yyyy. Để trống: tính theo ngày làm việc từ thời hạn của thủ tục trong danh mục, "
        "hoặc từ cột Thời hạn giải quyết và Đơn vị tính.",
        "23/03/2026",
    ),
    GuideEntry(
        "limit",
        "Khi không có Ngày hẹn trả và thủ tục không có trong danh mục",
        "Thời hạn giải quyết.",
        "Số nguyên (ví dụ 10).",
        10,
    ),
    GuideEntry(
        "limit_unit",
        "Không (mặc định: ngày làm việc)",
        "Đơn vị của thời hạn giải quyết.",
        "ngày làm việc, ngày, giờ, tháng.",
        "ngày làm việc",
    ),
    GuideEntry(
        "status",
        "Bắt buộc",
        "Trạng thái hồ sơ.",
        "Đã tiếp nhận, Đang giải quyết (hoặc Đang xử lý), Yêu cầu bổ sung hồ sơ, Đã xử lý xong, "
        "Đã trả kết quả, Từ chối giải quyết, Dừng giải quyết, Rút hồ sơ.",
        "Đã xử lý xong",
    ),
    GuideEntry(
        "finished_at",
        "Khi hồ sơ đã kết thúc",
        "Thời điểm kết thúc xử lý (có kết quả, từ chối, dừng, rút).",
        "dd/mm/yyyy HH:MM; không trước Ngày tiếp nhận. Bắt buộc với các trạng thái Đã xử lý xong, "
        "Đã trả kết quả, Từ chối giải quyết, Dừng giải quyết, Rút hồ sơ.",
        "20/03/2026 10:00",
    ),
    GuideEntry("returned_at", "Không", "Thời điểm trả kết quả cho người nộp.", "dd/mm/yyyy HH:MM.", "23/03/2026 08:00"),
    GuideEntry(
        "supplement_count",
        "Không (mặc định: 0)",
        "Số lần yêu cầu bổ sung hồ sơ.",
        "Số nguyên; từ 2 lần trở lên hồ sơ bị tính trễ hạn theo Quyết định 766.",
        0,
    ),
    GuideEntry(
        "supplement_requested_at",
        "Khi có Ngày hoàn thành bổ sung",
        "Thời điểm yêu cầu bổ sung (lần đầu).",
        "dd/mm/yyyy HH:MM.",
        "",
    ),
    GuideEntry(
        "supplement_completed_at",
        "Không",
        "Thời điểm người nộp hoàn thành bổ sung.",
        "dd/mm/yyyy HH:MM; không trước Ngày yêu cầu bổ sung.",
        "",
    ),
    GuideEntry("paper_result", "Không", "Thủ tục trả kết quả bản giấy.", "1 (có) hoặc 0 (không); để trống là 0.", 1),
    GuideEntry("e_result", "Không", "Đã trả kết quả điện tử.", "1 hoặc 0.", 1),
    GuideEntry("digitized", "Không", "Thành phần hồ sơ đã được số hóa.", "1 hoặc 0.", 1),
    GuideEntry("reused_data", "Không", "Có tái sử dụng dữ liệu đã số hóa.", "1 hoặc 0.", 0),
    GuideEntry("fee_bearing", "Không", "Thủ tục có thu phí, lệ phí.", "1 hoặc 0.", 0),
    GuideEntry("paid_online", "Không", "Đã thanh toán phí, lệ phí trực tuyến.", "1 hoặc 0.", 0),
    GuideEntry("complaint", "Không", "Hồ sơ có phản ánh, kiến nghị hoặc đánh giá không hài lòng.", "1 hoặc 0.", 0),
)
VN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


class DossierFileError(FileError):
    """A refused dossier file."""


def parse_moment(value: Any) -> dt.datetime:
    """A local (naive) wall-clock time from ISO 8601, dd/mm/yyyy[ HH:MM[:SS]] or a spreadsheet date."""
    if type(value) is not str:
        if isinstance(value, dt.datetime):
            return local(value)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time.min)
    text = value if type(value) is str else str(value)
    # The provincial systems' exports: dd/mm/yyyy HH:MM:SS and dd/mm/yyyy, rearranged into ISO for
    # the fast C parser; anything it refuses goes the long way below (same results, slower).
    if len(text) == 19 and text[2] == "/" == text[5] and text[10] in " T" and text[13] == ":" == text[16]:
        try:
            return dt.datetime.fromisoformat(f"{text[6:10]}-{text[3:5]}-{text[0:2]} {text[11:]}")
        except ValueError:
            pass
    elif len(text) == 10 and text[2] == "/" and text[5] == "/":
        try:
            return dt.datetime.fromisoformat(f"{text[6:10]}-{text[3:5]}-{text[0:2]}")
        except ValueError:
            pass
    text = text.strip()
    match = VN_DATE.fullmatch(text)
    try:
        if match:
            day, month, year, hour, minute, second = match.groups()
            return dt.datetime(  # noqa: DTZ001  (local wall-clock time, by definition)
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
        return local(dt.datetime.fromisoformat(text))
    except ValueError:
        pass
    raise ValueError(_("not a valid date; type dd/mm/yyyy or dd/mm/yyyy HH:MM"))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell(cells: dict[str, Any], name: str) -> str:
    """A cell's text ("" when empty)."""
    value = cells.get(name, "")
    return value if type(value) is str else _text(value)


@dataclass(slots=True)
class Row:
    """One valid row, times local and naive; `unit_id` and `procedure_id` resolved when known."""

    number: int
    code: str
    procedure_code: str
    unit: str
    unit_id: int | None
    procedure_id: int | None
    channel: str
    received_at: dt.datetime
    due_date: dt.date
    due_time: dt.time | None
    limit: int | None
    limit_unit: str
    status: str
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    supplement_count: int
    supplement_requested_at: dt.datetime | None
    supplement_completed_at: dt.datetime | None
    flags: dict[str, bool]  # in the order of FLAGS

    def as_dossier(self) -> Dossier:
        return Dossier(
            code=self.code,
            received_at=self.received_at,
            due_date=self.due_date,
            status=self.status,
            channel=self.channel,
            finished_at=self.finished_at,
            supplement_count=self.supplement_count,
            supplement_requested_at=self.supplement_requested_at,
            supplement_completed_at=self.supplement_completed_at,
            **self.flags,
        )


@dataclass(frozen=True)
class CatalogueEntry:
    """What the reader needs of a procedure in the catalogue."""

    id: int
    limit: int
    limit_unit: str
    apply_cutoff: bool


@dataclass
class DossierReader(ProblemLog):
    """Checks rows against the rules of docs/dossier-import.md. Problems accumulate in `problems`
    (the first MAX_PROBLEMS) and `total`; rows with a problem are not yielded. `units` maps folded
    unit codes and names to ids (None: the column is kept as text, unchecked); `procedures` maps
    procedure codes to the catalogue. `vietnamese`: problems name columns, statuses and channels
    as the Vietnamese file does (else by their canonical names); `latest`: the latest reception
    time accepted (local, naive; None: no check)."""

    cal: WorkingCalendar
    units: dict[str, int] | None = None
    procedures: dict[str, CatalogueEntry] = field(default_factory=dict)
    vietnamese: bool = False
    latest: dt.datetime | None = None
    rows_read: int = 0
    _columns: dict[str, int] = field(default_factory=dict)
    _last_column: int = -1
    _seen: dict[str, int] = field(default_factory=dict)
    _due_cache: dict[tuple[dt.date, bool, int, str], dt.date] = field(default_factory=dict)
    _folds: dict[str, str] = field(default_factory=dict)

    def fold(self, text: str) -> str:
        """fold() of the few distinct labels of a file (units, statuses, channels), memoised."""
        folded = self._folds.get(text)
        if folded is None:
            folded = fold(text)
            if len(self._folds) < 10_000:
                self._folds[text] = folded
        return folded

    def problem(self, row: int, column: str, value: Any, reason: str) -> None:
        """`column` is the canonical name; recorded as the file names it."""
        self.add(row, self.name(column) if column else "", _text(value), str(reason))

    def name(self, column: str) -> str:
        """How problems name a column: its Vietnamese header, or its canonical name."""
        return ALIASES.get(column, column) if self.vietnamese else column

    def _status_name(self, status: str) -> str:
        return STATUS_NAMES.get(status, status) if self.vietnamese else status

    def _choices(self, canonical: Iterable[str], names: dict[str, str]) -> str:
        return ", ".join(names[value] if self.vietnamese else value for value in canonical)

    def header(self, names: Iterable[Any]) -> bool:
        """Maps the header row (core.tabular: canonical names or their Vietnamese headers); False
        (with problems) when required columns are missing."""
        before = self.total
        self._columns, _extra = (VI_TABLE if self.vietnamese else TABLE).header(list(names), self)
        self._last_column = max(self._columns.values(), default=-1)
        if not {"due_at", "limit"} & set(self._columns) and not (self.procedures and "procedure_code" in self._columns):
            reason = _("the header needs the column %(due)s, or %(limit)s and %(unit)s to compute it") % {
                "due": self.name("due_at"),
                "limit": self.name("limit"),
                "unit": self.name("limit_unit"),
            }
            self.problem(1, "due_at", "", reason)
        return self.total == before

    def _due(self, received: dt.datetime, limit: int, unit: str, cutoff: bool) -> tuple[dt.date, dt.time | None]:
        if unit == "hours":
            result = due(received, limit, unit, self.cal)
            return result.date, result.time
        late = cutoff and received.time() >= DEFAULT_CUTOFF
        key = (received.date(), late, limit, unit)
        cached = self._due_cache.get(key)
        if cached is None:
            cached = due(received, limit, unit, self.cal, cutoff=DEFAULT_CUTOFF if cutoff else None).date
            if len(self._due_cache) < 200_000:
                self._due_cache[key] = cached
        return cached, None

    def parse(self, number: int, values: list[Any] | tuple[Any, ...], text: bool = False) -> Row | None:
        """One row; `text` when every value is a string (a CSV line). The steps below check it
        column by column, each recording its problems; a row with any problem gives None."""
        self.rows_read += 1
        cells = self._cells(values, text)
        before = self.total
        code = self._code(number, cells)
        status = self._status(number, cells)
        channel = self._channel(number, cells)
        received = self._moment(number, cells, "received_at", required=True)
        if received is not None and self.latest is not None and received > self.latest:
            self.problem(number, "received_at", cells["received_at"], _("reception time in the future"))
        finished = self._moment(number, cells, "finished_at")
        returned = self._moment(number, cells, "returned_at")
        requested = self._moment(number, cells, "supplement_requested_at")
        completed = self._moment(number, cells, "supplement_completed_at")
        flags = self._flags(number, cells)
        supplements = self._supplements(number, cells)
        unit_text, unit_id = self._unit(number, cells)
        procedure_code = _cell(cells, "procedure_code")
        entry = self.procedures.get(procedure_code) if procedure_code else None
        limit, limit_unit = self._limit(number, cells, entry)
        due_date, due_time = self._due_at(number, cells, received, limit, limit_unit, entry)
        self._in_order(number, cells, status, received, finished, due_date, requested, completed)
        if self.total > before or received is None or due_date is None:
            return None
        return Row(
            number=number,
            code=code,
            procedure_code=procedure_code,
            unit=unit_text,
            unit_id=unit_id,
            procedure_id=entry.id if entry else None,
            channel=channel,
            received_at=received,
            due_date=due_date,
            due_time=due_time,
            limit=limit,
            limit_unit=limit_unit if limit is not None else "",
            status=status,
            finished_at=finished,
            returned_at=returned,
            supplement_count=supplements,
            supplement_requested_at=requested,
            supplement_completed_at=completed,
            flags=flags,
        )

    def _cells(self, values: list[Any] | tuple[Any, ...], text: bool) -> dict[str, Any]:
        """The row's non-empty values by column name, text stripped."""
        width = len(values)
        if text and width > self._last_column:
            return {name: value for name, index in self._columns.items() if (value := values[index].strip())}
        cells: dict[str, Any] = {}
        for name, index in self._columns.items():
            if index < width:
                value = values[index]
                if type(value) is str:
                    value = value.strip()
                    if value:
                        cells[name] = value
                elif value is not None:
                    cells[name] = value
        return cells

    def _code(self, number: int, cells: dict[str, Any]) -> str:
        code = _cell(cells, "dossier_code")
        if not code:
            self.problem(number, "dossier_code", "", _("required"))
        elif len(code) > 60:
            self.problem(number, "dossier_code", code, _("longer than 60 characters"))
        elif code in self._seen:
            self.problem(number, "dossier_code", code, _("duplicate of row %(row)s") % {"row": self._seen[code]})
        else:
            self._seen[code] = number
        return code

    def _status(self, number: int, cells: dict[str, Any]) -> str:
        raw = _cell(cells, "status")
        status = raw if raw in STATUSES else STATUS_LABELS.get(self.fold(raw), "")
        if not status:
            reason = _("unknown status; use one of %(list)s") % {"list": self._choices(STATUSES, STATUS_NAMES)}
            self.problem(number, "status", raw, reason)
        return status

    def _channel(self, number: int, cells: dict[str, Any]) -> str:
        raw = _cell(cells, "channel") or "direct"
        channel = raw if raw in CHANNELS else CHANNEL_CODES.get(self.fold(raw), "")
        if not channel:
            reason = _("use %(list)s (or 1, 2, 3)") % {"list": self._choices(CHANNELS, CHANNEL_NAMES)}
            self.problem(number, "channel", raw, reason)
        return channel

    def _moment(self, number: int, cells: dict[str, Any], name: str, required: bool = False) -> dt.datetime | None:
        value = cells.get(name)
        if value is None:
            if required:
                self.problem(number, name, "", _("required"))
            return None
        try:
            parsed = parse_moment(value)
        except (ValueError, OverflowError) as exc:
            self.problem(number, name, value, str(exc))
            return None
        if not YEARS[0] <= parsed.year <= YEARS[1]:
            reason = _("not a year between %(first)s and %(last)s") % {"first": YEARS[0], "last": YEARS[1]}
            self.problem(number, name, value, reason)
            return None
        return parsed

    def _flags(self, number: int, cells: dict[str, Any]) -> dict[str, bool]:
        flags: dict[str, Any] = {name: FLAG_VALUES.get(cells.get(name, "0")) for name in FLAGS}
        if None in flags.values():  # not the text 0 or 1: a workbook's number, or a mistake
            for name in FLAGS:
                value = _text(cells.get(name, ""))
                if value not in ("", "0", "1"):
                    self.problem(number, name, value, _("use 0 or 1"))
                flags[name] = value == "1"
        return flags

    def _supplements(self, number: int, cells: dict[str, Any]) -> int:
        count = _cell(cells, "supplement_count") or "0"
        if not count.isdigit() or int(count) > 99:
            self.problem(number, "supplement_count", count, _("not a whole number"))
            return 0
        return int(count)

    def _unit(self, number: int, cells: dict[str, Any]) -> tuple[str, int | None]:
        """The unit as given, and its id when the agency's units are known."""
        unit_text, unit_id = _cell(cells, "unit"), None
        if unit_text and self.units is not None:
            unit_id = self.units.get(self.fold(unit_text))
            if unit_id is None:
                self.problem(number, "unit", unit_text, _("no unit of the agency has this code or name"))
        return unit_text, unit_id

    def _limit(self, number: int, cells: dict[str, Any], entry: CatalogueEntry | None) -> tuple[int | None, str]:
        """The time limit given in the row, else the catalogue's for its procedure."""
        limit_text = _cell(cells, "limit")
        if not limit_text:
            return (entry.limit, entry.limit_unit) if entry is not None else (None, "")
        given = _cell(cells, "limit_unit")
        limit_unit = given or "working_days"
        limit_unit = limit_unit if limit_unit in UNITS else UNIT_LABELS.get(fold(limit_unit), limit_unit)
        if not limit_text.isdigit() or int(limit_text) > 3650:
            self.problem(number, "limit", limit_text, _("not a whole number of days or hours"))
        elif limit_unit not in UNITS:
            self.problem(
                number, "limit_unit", given, _("use one of %(list)s") % {"list": self._choices(UNITS, UNIT_NAMES)}
            )
        else:
            return int(limit_text), limit_unit
        return None, limit_unit

    def _due_at(
        self,
        number: int,
        cells: dict[str, Any],
        received: dt.datetime | None,
        limit: int | None,
        limit_unit: str,
        entry: CatalogueEntry | None,
    ) -> tuple[dt.date | None, dt.time | None]:
        """The due date given (its time too for a limit in hours), else computed from the limit."""
        if "due_at" in cells:
            due_moment = self._moment(number, cells, "due_at")
            if due_moment is None:
                return None, None
            return due_moment.date(), due_moment.time() if limit_unit == "hours" else None
        if received is None:
            return None, None
        if limit is not None and limit_unit in UNITS:
            return self._due(received, limit, limit_unit, entry.apply_cutoff if entry is not None else True)
        if "limit" not in cells:
            reason = _("no due date: give %(due)s, a procedure of the catalogue, or %(limit)s and %(unit)s") % {
                "due": self.name("due_at"),
                "limit": self.name("limit"),
                "unit": self.name("limit_unit"),
            }
            self.problem(number, "due_at", "", reason)
        return None, None

    def _in_order(
        self,
        number: int,
        cells: dict[str, Any],
        status: str,
        received: dt.datetime | None,
        finished: dt.datetime | None,
        due_date: dt.date | None,
        requested: dt.datetime | None,
        completed: dt.datetime | None,
    ) -> None:
        """The row's dates against each other and its status."""
        if status in ENDED and finished is None and "finished_at" not in cells:
            reason = _("required for status %(status)s") % {"status": self._status_name(status)}
            self.problem(number, "finished_at", "", reason)
        earlier = _("earlier than %(column)s") % {"column": self.name("received_at")}
        if received and finished and finished < received:
            self.problem(number, "finished_at", _cell(cells, "finished_at"), earlier)
        if received and due_date and due_date < received.date():
            self.problem(number, "due_at", _cell(cells, "due_at"), earlier)
        if requested and completed and completed < requested:
            value = _cell(cells, "supplement_completed_at")
            self.problem(number, "supplement_completed_at", value, _("before the request"))
        if completed and not requested:
            self.problem(number, "supplement_requested_at", "", _("required when the supplement is completed"))

    def rows(self, records: Iterator[list[Any] | tuple[Any, ...]], text: bool = False) -> Iterator[Row]:
        """Header first, then the rows; stops early when the header is unusable. `text` when every
        value is a string (csv_records)."""
        header = next(records, None)
        if header is None:
            self.problem(1, "", "", _("the file is empty"))
            return
        if not self.header(header):
            return
        for number, values in enumerate(records, start=2):
            if not any(v not in (None, "") for v in values):
                continue  # blank lines
            row = self.parse(number, values, text)
            if row is not None:
                yield row
        if self.rows_read == 0:
            self.problem(2, "", "", _("the file has a header but no rows"))

    def error(self) -> DossierFileError:
        return DossierFileError(self.problems, self.total)


def csv_records(stream: IO[bytes]) -> Iterator[list[str]]:
    """Rows of a UTF-8 CSV (BOM or not), streamed; the delimiter (',' or ';') from the header."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    first = text.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    yield next(csv.reader([first], delimiter=delimiter), [])
    yield from csv.reader(text, delimiter=delimiter)


def xlsx_records(stream: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    """Rows of the first sheet of a workbook, streamed (read-only mode), bounded by core.sheets.rows
    whatever size the sheet declares."""
    workbook = safe_load_workbook(stream, read_only=True, data_only=True)
    try:
        yield from sheets.rows(workbook.worksheets[0])
    finally:
        workbook.close()


def is_xlsx(head: bytes) -> bool:
    return head[:4] == b"PK\x03\x04"


def read_dossiers(data: bytes | str, cal: WorkingCalendar) -> list[Dossier]:
    """All rows of a small CSV file or a DossierFileError listing the first problems."""
    raw = data.encode() if isinstance(data, str) else data
    reader = DossierReader(cal)
    try:
        records = [row.as_dossier() for row in reader.rows(csv_records(io.BytesIO(raw)), text=True)]
    except UnicodeDecodeError:  # (the upload page's import says the same: procedures.importing)
        reason = _("the file is not UTF-8 text: save it as “CSV UTF-8” or as an Excel workbook (.xlsx)")
        raise DossierFileError([FileProblem(1, "", "", reason)], 1) from None
    if reader.total:
        raise reader.error()
    return records


GUIDE_HEADER = ["Cột", "Bắt buộc", "Ý nghĩa", "Giá trị và định dạng", "Ví dụ"]
GUIDE_NOTES = (
    "Dòng đầu tiên của trang tính thứ nhất là dòng tiêu đề; mỗi dòng sau là một hồ sơ.",
    "Dòng 2 là ví dụ: thay bằng hồ sơ thật hoặc xóa trước khi nhập.",
    "Tiêu đề cột viết có dấu hay không dấu, hoa hay thường đều được; cột không có trong hướng dẫn này bị bỏ qua.",
    "Tệp có bất kỳ lỗi nào thì bị từ chối cả tệp, không ghi dòng nào; trang nhập liệt kê tối đa 100 lỗi "
    "(dòng, cột, giá trị, lý do).",
    "Tệp Excel (.xlsx) tối đa 20 MB; tệp lớn hơn hãy lưu dạng CSV UTF-8 (tối đa 300 MB).",
    "Ngày giờ theo giờ Việt Nam, viết dd/mm/yyyy HH:MM (ví dụ 09/03/2026 14:30) hoặc dùng ô ngày của Excel.",
)


def guide_rows() -> list[list[Any]]:
    """The guide's rows (GUIDE_HEADER), in the order of the columns."""
    entries = {entry.key: entry for entry in GUIDE}
    return [[ALIASES[e.key], e.required, e.meaning, e.values, e.example] for e in (entries[c.key] for c in COLUMNS)]


def template() -> bytes:
    """The fill-in workbook: the data sheet (Vietnamese headers and one example row) first, as the
    import reads the first sheet, then the guide: each column, whether it is needed, what it
    means, its accepted values and formats."""
    entries = {entry.key: entry for entry in GUIDE}
    data = Sheet(
        "Hồ sơ",
        header=[ALIASES[column.key] for column in COLUMNS],
        rows=[[entries[column.key].example for column in COLUMNS]],
        widths=[max(12, min(len(ALIASES[column.key]) + 2, 30)) for column in COLUMNS],
    )
    guide = Sheet(
        "Hướng dẫn",
        header=GUIDE_HEADER,
        rows=guide_rows(),
        heading="Hướng dẫn nhập sổ theo dõi hồ sơ TTHC",
        subtitle=GUIDE_NOTES,
        widths=[26, 22, 40, 60, 20],
    )
    return workbook_bytes([data, guide])
