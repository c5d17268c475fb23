"""The evidence package for the appraisal: a ZIP with one folder per criterion holding the files
linked to it (the version the agency submitted), and an index workbook (criterion, document
number, date, issuer, abstract, file name, SHA-256). Written to a file on disk as it goes, so
thousands of files never sit in memory; a file seen twice (the same document under two
criteria) is read from storage once per criterion folder."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core import sheets
from core.files import served_name
from scorecards.models import Scorecard, ScoreEvidence

INDEX_NAME = "Muc_luc_tai_lieu_kiem_chung.xlsx"
INDEX_HEADER = [
    ("Mã tiêu chí", 10),
    ("Tiêu chí", 50),
    ("Số, ký hiệu", 20),
    ("Ngày ban hành", 14),
    ("Cơ quan ban hành", 30),
    ("Trích yếu", 60),
    ("Giai đoạn", 14),
    ("Tệp trong gói", 60),
    ("SHA-256", 68),
]
UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(text: str, limit: int = 60) -> str:
    """A file or folder name every unzip tool accepts: no diacritics, no separators."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = UNSAFE.sub("_", text).strip(" ._")
    return text[:limit].rstrip(" ._") or "tep"


def _order(code: str) -> list:
    return [int(part) if part.isdigit() else part for part in code.split(".")]


def build_package(
    scorecard: Scorecard, target: Path, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Writes the package to `target`; returns counts. `progress(done, total)` is called as files
    are added."""
    cset = scorecard.round.criteria_set.parsed()
    names = {node.code: node.name for node, _depth in cset.walk()}
    links = list(
        ScoreEvidence.objects.filter(score__scorecard=scorecard)
        .select_related("score", "document", "version")
        .order_by("score__code", "document__issued_on", "pk")
    )
    links.sort(key=lambda link: _order(link.score.code))
    wb = Workbook()
    ws = wb.active
    ws.title = "Mục lục"
    sheets.append(ws, [f"{scorecard.agency.name} · {scorecard.round.name}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append([name for name, _width in INDEX_HEADER])
    for column, (_name, width) in enumerate(INDEX_HEADER, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
        c = ws.cell(row=3, column=column)
        c.font, c.fill = Font(bold=True), PatternFill("solid", fgColor="E6EDF6")
    ws.freeze_panes = "C4"
    files = missing = 0
    written: set[str] = set()
    total = len(links)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for done, link in enumerate(links, start=1):
            code = link.score.code
            folder = safe_name(f"{code} {names.get(code, '')}")
            version = link.version or link.document.versions.order_by("-version").first()
            document = link.document
            member = ""
            if version is not None:
                shown = served_name(version.original_name, version.content_type)  # the checked type's extension
                stem, dot, ext = shown.rpartition(".")
                base = safe_name(stem if dot else shown, 80)
                member = f"{folder}/{base}{'.' + safe_name(ext, 10) if dot else ''}"
                n = 2
                while member in written:
                    member = f"{folder}/{base}_{n}{'.' + safe_name(ext, 10) if dot else ''}"
                    n += 1
                try:
                    source = version.file.open("rb")  # a missing file is listed, not packed
                except OSError:
                    member, missing = "", missing + 1
                else:
                    # a read failure past this point fails the package rather than leave a cut file in it
                    with source, archive.open(member, "w", force_zip64=True) as sink:
                        for chunk in iter(lambda source=source: source.read(1024 * 1024), b""):
                            sink.write(chunk)
                    written.add(member)
                    files += 1
            sheets.append(
                ws,
                [
                    code,
                    names.get(code, ""),
                    document.doc_number,
                    document.issued_on,
                    document.issuer,
                    document.abstract,
                    link.get_stage_display(),
                    member or "(không có tệp)",
                    version.sha256 if version is not None else "",
                ],
            )
            ws.cell(row=ws.max_row, column=4).number_format = "DD/MM/YYYY"
            for column in (2, 6):
                ws.cell(row=ws.max_row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
            if progress is not None and (done % 25 == 0 or done == total):
                progress(done, total)
        archive.writestr(INDEX_NAME, sheets.to_bytes(wb))
    return {"links": total, "files": files, "missing": missing}
