"""Pages of the register's reading side added beside procedures.views: the dossier file's fill-in
template and the Decision 766 page as a workbook."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from core.access import current_agency_or_404
from core.models import Agency
from core.web import XLSX, download
from core.workbook import Sheet, workbook_bytes
from procedures import dossier_file
from procedures.selectors import QualityReport, period_from, quality_report, unit_from

NO_DATA = "Chưa có dữ liệu"
QUALITY_HEADER = [
    "Chỉ số",
    "Tử số",
    "Mẫu số",
    "Tỷ lệ (%)",
    "Ngưỡng (%)",
    "Điểm (hệ thống)",
    "Điểm tối đa",
    "Điểm Cổng DVCQG",
    "Chênh lệch",
]
PROGRESS_ROWS = (
    ("in_scope", "Hồ sơ thuộc phạm vi tính tiến độ"),
    ("early", "Giải quyết trước hạn"),
    ("on_time", "Giải quyết đúng hạn"),
    ("late", "Giải quyết trễ hạn"),
    ("received", "Hồ sơ tiếp nhận trong kỳ"),
)


@login_required
def import_template(request: HttpRequest) -> HttpResponseBase:
    """The dossier file to fill in: the Vietnamese headers, an example row and the guide sheet."""
    return download(dossier_file.template(), "mau-nhap-ho-so-tthc.xlsx", XLSX)


def quality_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The dashboard's indicator rows (selectors.score_rows) as the workbook writes them: no counts
    for a derived figure, "no data" rather than a rate of 0/0, no points for a figure not scored."""
    out: list[list[Any]] = []
    for r in rows:
        figure = r["figure"]
        counts = [None, None] if figure.derived else [int(figure.numerator), int(figure.denominator)]
        official = r["official"]
        out.append(
            [
                str(r["label"]),
                *counts,
                r["rate"] if r["rate"] is not None else NO_DATA,
                figure.threshold if figure.scored else None,
                r["points"] if figure.scored else "không tính điểm",
                figure.max_points if figure.scored else None,
                official.points if official is not None else None,
                r["gap"],
            ]
        )
    return out


def quality_workbook(agency: Agency, report: QualityReport) -> bytes:
    """The 766 page's figures (selectors.quality_report) as a workbook: the indicators, then progress."""
    chosen, result = report.period, report.result
    table = quality_rows(report.rows)
    table.append(["Tổng điểm (hệ thống)", None, None, None, None, report.total, None, None, None])
    where = report.unit.name if report.unit is not None else "Toàn cơ quan"
    subtitle = [
        f"{agency.name} · {where}",
        f"{chosen.label}: từ {chosen.start:%d/%m/%Y} 00:00 đến {chosen.end:%d/%m/%Y} 23:59:59",
        "Điểm tối đa tạm tính đến khi phụ lục của Quyết định được xác nhận; điểm do Cổng Dịch vụ công quốc gia "
        "công bố là điểm chính thức.",
    ]
    indicators = Sheet(
        "Chỉ số 766",
        QUALITY_HEADER,
        table,
        heading="Chỉ số chất lượng phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
        subtitle=subtitle,
        widths=[52, 10, 10, 12, 11, 14, 11, 14, 11],
        bold_rows={len(table) - 1},
    )
    progress = Sheet(
        "Tiến độ",
        ["Nội dung", "Số hồ sơ"],
        [[label, result.counts.get(key, 0)] for key, label in PROGRESS_ROWS],
        heading="Tiến độ giải quyết hồ sơ (chỉ số 2.1)",
        subtitle=subtitle[:2],
        widths=[40, 12],
    )
    return workbook_bytes([indicators, progress])


@login_required
def quality_xlsx(request: HttpRequest) -> HttpResponseBase:
    """The 766 page of the period and unit as a workbook: the same figures as the page."""
    agency = current_agency_or_404(request)
    chosen = period_from(request.GET, today=timezone.localdate())
    report = quality_report(request.user, agency, chosen, unit_from(request.GET))
    data = quality_workbook(agency, report)
    return download(data, f"chi-so-766-{chosen.start:%Y%m%d}-{chosen.end:%Y%m%d}.xlsx", XLSX)
