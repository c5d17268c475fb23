"""Benchmark of the reports: the annual CCHC report (DOCX, XLSX and, where LibreOffice is
installed, PDF) and the evidence package of an agency with 200 tasks, a 150-node criteria set and
2,000 evidence files; prints wall time and peak memory (Python allocations, tracemalloc) of each,
and the process's peak resident size at the end.

    .venv/bin/python bench/reports.py [--tasks 200 --nodes 150 --files 2000 --file-kb 40 --dossiers 20000]

By default on its own SQLite file in a temporary VAR_DIR (deleted at the end); with DATABASE_URL
on that (empty, throwaway) database. The generated files are random bytes (they do not compress),
so the package's size is about files x file-kb. Figures are printed, never checked; the script
exits non-zero if a file is not produced or the package does not hold every file.
"""

import argparse
import datetime as dt
import hashlib
import io
import random
import resource
import shutil
import sys
import time
import tracemalloc
import zipfile

import _harness

_harness.setup()

from django.core.files.storage import default_storage  # noqa: E402
from django.db import transaction  # noqa: E402
from par_scoring import criteria_data  # noqa: E402

from core.models import Agency, Document, DocumentVersion, Unit, User  # noqa: E402
from core.reference import load_calendar_overrides, load_demo_organisation  # noqa: E402
from plans.models import ParDomain, Plan, Section, Task  # noqa: E402
from procedures.models import Dossier, Procedure  # noqa: E402
from reports import jobs, pdf  # noqa: E402
from reports.models import Report  # noqa: E402
from scorecards import services as par  # noqa: E402
from scorecards.models import NodeScore, Scorecard, ScoreEvidence  # noqa: E402

YEAR = 2026
TODAY = dt.date(2026, 12, 15)
FIELDS = ["Đầu tư", "Xây dựng", "Đất đai", "Lao động", "Môi trường", "Thương mại"]


@transaction.atomic
def generate_plan(agency: Agency, n_tasks: int, rng: random.Random) -> Plan:
    plan = Plan.objects.create(
        agency=agency, year=YEAR, number="125/KH-BQLKKTCK", title="Kế hoạch CCHC năm 2026", status="issued"
    )
    root = Section.objects.create(plan=plan, code="II.1", title="Nâng cao Chỉ số PAR INDEX", order=1)
    sections = [
        Section.objects.create(
            plan=plan,
            code=f"II.1.{d}",
            title=str(ParDomain(d).label),
            parent=root,
            order=d + 1,
            par_domain=d,
            text="Nội dung giải pháp của lĩnh vực.\n\nTổ chức thực hiện đúng tiến độ.",
        )
        for d in range(1, 8)
    ]
    units = list(Unit.objects.filter(agency=agency))
    statuses = ["done", "done_late", "in_progress", "not_started"]
    tasks = []
    for n in range(n_tasks):
        section = sections[n % len(sections)]
        status = rng.choice(statuses)
        deadline = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randint(30, 360))
        tasks.append(
            Task(
                plan=plan,
                agency=agency,
                section=section,
                code=f"PL1.{n:03d}",
                appendix="I" if n % 5 else "II",
                title=f"Nhiệm vụ cải cách hành chính số {n}: triển khai giải pháp của lĩnh vực",
                par_domain=section.par_domain if n % 5 else None,
                sipas_element="" if n % 5 else "service",
                lead_unit=rng.choice(units),
                deadline=deadline,
                status=status,
                completed_on=deadline - dt.timedelta(days=3) if status.startswith("done") else None,
                expected_product="Báo cáo kết quả thực hiện",
            )
        )
    Task.objects.bulk_create(tasks, batch_size=500)
    return plan


@transaction.atomic
def generate_dossiers(agency: Agency, count: int, rng: random.Random) -> None:
    procedures = [
        Procedure.objects.create(agency=agency, code=f"1.{n:03d}", name=f"Thủ tục {n}", field=FIELDS[n % 6], limit=5)
        for n in range(30)
    ]
    rows = []
    for n in range(count):
        received = dt.datetime(YEAR, 1, 2, 8, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randint(0, 340 * 24 * 60))
        due = (received + dt.timedelta(days=7)).date()
        finished = received + dt.timedelta(days=rng.randint(1, 10)) if n % 7 else None
        procedure = procedures[n % 30]
        dossier = Dossier(
            agency=agency,
            procedure=procedure,
            procedure_code=procedure.code,
            code=f"H{n:07d}",
            received_at=received,
            due_date=due,
            status="finished" if finished else "processing",
            finished_at=finished,
            channel="online" if n % 3 else "direct",
        )
        dossier.refresh_facts()
        rows.append(dossier)
    Dossier.objects.bulk_create(rows, batch_size=2000)


def generate_evidence(agency: Agency, n_nodes: int, n_files: int, kb: int, rng: random.Random) -> Scorecard:
    snv = Agency.objects.get(code="SNV")
    stored, _ = par.load_criteria_set(
        province=snv.province, data=criteria_data(n_nodes, "BENCH-REPORTS"), publish=True, source_name="bench"
    )
    round_ = par.create_round(
        actor=None,
        organizer=snv,
        criteria_set=stored,
        agencies=[agency],
        name="Chỉ số CCHC 2026",
        year=YEAR,
        today=TODAY,
    )
    card = Scorecard.objects.get(round=round_, agency=agency)
    scores = list(NodeScore.objects.filter(scorecard=card, block=""))
    office = User.objects.get(username="vanphong")
    documents = Document.objects.bulk_create(
        [
            Document(
                agency=agency,
                doc_number=f"{n + 1}/KH-BQLKKTCK",
                issued_on=dt.date(YEAR, 1, 1) + dt.timedelta(days=n % 330),
                issuer="Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn",
                abstract=f"Văn bản kiểm chứng số {n + 1} về thực hiện nhiệm vụ cải cách hành chính",
                created_by=office,
            )
            for n in range(n_files)
        ],
        batch_size=500,
    )
    versions = []
    for n, document in enumerate(documents):
        content = rng.randbytes(kb * 1024)
        sha = hashlib.sha256(content).hexdigest()
        path = default_storage.save(f"evidence/{agency.pk}/{sha[:2]}/{sha}", _Bytes(content))
        versions.append(
            DocumentVersion(
                document=document,
                version=1,
                file=path,
                original_name=f"Văn bản kiểm chứng {n + 1}.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=sha,
                uploaded_by=office,
            )
        )
    versions = DocumentVersion.objects.bulk_create(versions, batch_size=500)
    ScoreEvidence.objects.bulk_create(
        [
            ScoreEvidence(score=scores[n % len(scores)], document=version.document, version=version, linked_by=office)
            for n, version in enumerate(versions)
        ],
        batch_size=500,
    )
    return card


class _Bytes:
    """A file-like object the storage can save without a temporary file."""

    def __init__(self, data: bytes):
        self._io = io.BytesIO(data)
        self.size = len(data)

    def chunks(self, chunk_size=None):
        yield self._io.getvalue()

    def read(self, *args):
        return self._io.read(*args)

    def seek(self, *args):
        return self._io.seek(*args)

    def tell(self):
        return self._io.tell()


def measure(label: str, fn):
    tracemalloc.start()
    begin = time.perf_counter()
    item = fn()
    spent = time.perf_counter() - begin
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if item.state != "done":
        size = "   failed"
    elif item.size >= 1024 * 1024:
        size = f"{item.size / 1024 / 1024:7.1f} MB"
    else:
        size = f"{item.size / 1024:7.0f} KB"
    print(f"  {label:<34} {spent:7.2f} s   peak {peak / 1024 / 1024:6.1f} MB   file {size}")
    if item.state != "done":
        sys.exit(f"{label}: {item.error}")
    return item


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--nodes", type=int, default=150)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--file-kb", type=int, default=40)
    parser.add_argument("--dossiers", type=int, default=20000)
    args = parser.parse_args()
    _harness.prepare_database()
    load_calendar_overrides()
    load_demo_organisation()
    agency = Agency.objects.get(code="BQLKKTCK")
    office = User.objects.get(username="vanphong")
    rng = random.Random(2026)
    begin = time.perf_counter()
    plan = generate_plan(agency, args.tasks, rng)
    generate_dossiers(agency, args.dossiers, rng)
    card = generate_evidence(agency, args.nodes, args.files, args.file_kb, rng)
    print(
        f"Generated in {time.perf_counter() - begin:.1f} s: {args.tasks} tasks, {args.dossiers:,} dossiers, "
        f"{args.nodes} criteria, {args.files:,} evidence files of {args.file_kb} KB"
    )
    report = Report.objects.create(
        agency=agency,
        year=YEAR,
        kind="year",
        title="Tình hình, kết quả thực hiện công tác CCHC năm 2026",
        signer_authority="KT. TRƯỞNG BAN",
        signer_title="PHÓ TRƯỞNG BAN",
        signer_name="Hoàng Việt Đông",
    )

    def make(kind, **target):
        return lambda: jobs.generate(jobs.request_file(kind=kind, agency=agency, actor=office, **target))

    measure("annual report DOCX", make("report_docx", report=report))
    measure("annual report annexes XLSX", make("report_xlsx", report=report))
    if pdf.converter():
        measure("annual report PDF (LibreOffice)", make("report_pdf", report=report))
    else:
        print("  annual report PDF                  skipped: LibreOffice is not installed")
    measure("plan with appendices DOCX", make("plan_docx", plan=plan))
    package = measure("evidence package ZIP", make("evidence_zip", scorecard=card))
    with package.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        members = len(archive.namelist())
    if members != args.files + 1:
        sys.exit(f"The package holds {members} members, not {args.files} files and the index")
    print(f"  package: {members - 1:,} files and the index; {package.step}")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak resident size of the process: {peak_rss:.0f} MB")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(_harness.VAR_DIR, ignore_errors=True)
