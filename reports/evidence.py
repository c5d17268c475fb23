"""The evidence package for the appraisal: a ZIP with one folder per criterion holding the files
linked to it (the version the agency submitted), and an index workbook (STT, criterion, document
number, date, issuer, abstract, file name, SHA-256). Written to a file on disk as it goes, so
thousands of files never sit in memory; a file seen twice (the same document under two
criteria) is read from storage once per criterion folder. Each packed file carries the date and
time its version was stored (local time), the index the time the package was made."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from django.utils import timezone

from core.files import served_name
from core.workbook import Sheet, workbook_bytes
from scorecards.models import Scorecard, ScoreEvidence

INDEX_NAME = "Muc_luc_tai_lieu_kiem_chung.xlsx"
INDEX_HEADER = [  # widths in characters: the index prints on A4 landscape, fitted to the width
    ("STT", 5),
    ("Mã tiêu chí", 8),
    ("Tiêu chí", 30),
    ("Số, ký hiệu", 16),
    ("Ngày ban hành", 11),
    ("Cơ quan ban hành", 22),
    ("Trích yếu", 34),
    ("Giai đoạn", 11),
    ("Tệp trong gói", 30),
    ("SHA-256", 22),  # 64 characters wrapped on three lines
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


NOTHING_LINKED = "Chưa có tài liệu kiểm chứng nào được gắn với các tiêu chí của phiếu chấm điểm."


def index_title(scorecard: Scorecard) -> str:
    return f"Tài liệu kiểm chứng Chỉ số CCHC năm {scorecard.round.year} — {scorecard.agency.name}"


def index_sheet(scorecard: Scorecard, rows: list[list[Any]], made_at: dt.datetime) -> Sheet:
    """The package's table of contents: one numbered row per criterion and document, under its
    title, the round and when the package was made."""
    return Sheet(
        name="Mục lục",
        heading=index_title(scorecard),
        subtitle=[f"Đợt đánh giá: {scorecard.round.name}. Lập lúc {made_at:%H:%M} ngày {made_at:%d/%m/%Y}."]
        + ([] if rows else [NOTHING_LINKED]),
        header=[name for name, _width in INDEX_HEADER],
        rows=[[number, *row] for number, row in enumerate(rows, start=1)],
        widths=[width for _name, width in INDEX_HEADER],
        frozen_columns=3,
        printable=True,
        landscape=True,
        borders=True,
    )


ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP member can carry


def member_time(moment: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """A ZIP member's date and time (local, as unzip tools show it) for a stored moment."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return max((local.year, local.month, local.day, local.hour, local.minute, local.second), ZIP_EPOCH)


def _entry(member: str, moment: dt.datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(member, date_time=member_time(moment))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _member_name(folder: str, original_name: str, content_type: str, written: set[str]) -> str:
    """The file's path in the package: its criterion's folder, a safe name with the checked
    type's extension, numbered when the folder has one of that name already."""
    shown = served_name(original_name, content_type)
    stem, dot, ext = shown.rpartition(".")
    base = safe_name(stem if dot else shown, 80)
    suffix = "." + safe_name(ext, 10) if dot else ""
    member, n = f"{folder}/{base}{suffix}", 2
    while member in written:
        member, n = f"{folder}/{base}_{n}{suffix}", n + 1
    return member


def _copy(source: BinaryIO, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    # a read failure here fails the package rather than leave a cut file in it
    with source, archive.open(member, "w", force_zip64=True) as sink:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            sink.write(chunk)


def _links(scorecard: Scorecard) -> list[ScoreEvidence]:
    links = list(
        ScoreEvidence.objects.filter(score__scorecard=scorecard)
        .select_related("score", "document", "version")
        .order_by("score__code", "document__issued_on", "pk")
    )
    links.sort(key=lambda link: _order(link.score.code))
    return links


def build_package(
    scorecard: Scorecard, target: Path, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Writes the package to `target`; returns counts. `progress(done, total)` is called as files
    are added."""
    names = {node.code: node.name for node, _depth in scorecard.round.criteria_set.parsed().walk()}
    links = _links(scorecard)
    index: list[list[Any]] = []
    files = missing = 0
    written: set[str] = set()
    total = len(links)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for done, link in enumerate(links, start=1):
            code, document = link.score.code, link.document
            version = link.version or document.versions.order_by("-version").first()
            member = ""
            if version is not None:
                member = _member_name(
                    safe_name(f"{code} {names.get(code, '')}"), version.original_name, version.content_type, written
                )
                try:
                    source = version.file.open("rb")  # a missing file is listed, not packed
                except OSError:
                    member, missing = "", missing + 1
                else:
                    _copy(source, archive, _entry(member, version.uploaded_at))
                    written.add(member)
                    files += 1
            index.append(
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
                ]
            )
            if progress is not None and (done % 25 == 0 or done == total):
                progress(done, total)
        made_at = timezone.localtime()
        archive.writestr(_entry(INDEX_NAME, made_at), workbook_bytes([index_sheet(scorecard, index, made_at)]))
    return {"links": total, "files": files, "missing": missing}
