"""The queued dossier file import (procedures.importing): all rows or none, catalogue and units
resolved, updates audited, parsed in a second process."""

import io

from core import storage
from core.models import AuditEntry
from procedures import importing
from procedures.models import Dossier
from procedures.tests.helpers import CSV, D, T, at, upload, workbook


def test_csv_import_with_vietnamese_headers_catalogue_and_units(org, procedure, cal):
    text = CSV.replace("Có phí, lệ phí", '"Có phí, lệ phí"') + (
        "H1,1.001,QLDN,2,09/03/2026 09:00,,,Đã xử lý xong,20/03/2026 10:00,1,1,0,0\n"
        "H2,9.999,Phòng Kế hoạch - Tổng hợp,1,2026-03-09T09:00,3,ngày,processing,,0,0,0,0\n"
    )
    item = importing.run_import(upload(org, text), cal=cal)
    assert item.state == "done" and (item.created, item.updated, item.processed) == (2, 0, 2)
    h1, h2 = Dossier.objects.order_by("code")
    assert (h1.procedure, h1.unit, h1.due_date, h1.channel, h1.e_result) == (
        procedure,
        org.unit_a,
        D(2026, 3, 23),
        "online",
        True,
    )
    assert h1.received_at == at(2026, 3, 9, 9) and h1.source == "import" and h1.import_batch == item
    assert (h2.procedure, h2.unit, h2.due_date, h2.limit_unit) == (None, org.unit_b, D(2026, 3, 12), "days")
    assert importing.read_progress(item) == {"processed": 2, "total": 2}
    # the same file again changes nothing; a changed row updates with an audit entry
    again = importing.run_import(upload(org, text), cal=cal)
    assert (again.created, again.updated) == (0, 0)
    changed = importing.run_import(upload(org, text.replace("processing,,", "finished,12/03/2026 16:00,")), cal=cal)
    assert (changed.created, changed.updated) == (0, 1)
    entry = AuditEntry.objects.get(action="dossier.import_updated")
    assert entry.changes["status"] == ["processing", "finished"]
    assert Dossier.objects.get(code="H2").finished_at == at(2026, 3, 12, 16)


def test_xlsx_import_with_native_dates(org, procedure, cal):
    data = workbook(
        [
            ["dossier_code", "procedure_code", "channel", "received_at", "status", "finished_at", "digitized"],
            ["X1", "1.001", "online", T(2026, 3, 9, 9), "finished", T(2026, 3, 20, 10), 1],
        ]
    )
    item = importing.run_import(upload(org, data, "hs.xlsx"), cal=cal)
    assert item.state == "done", item.problems
    x1 = Dossier.objects.get(code="X1")
    assert x1.due_date == D(2026, 3, 23) and x1.digitized and x1.finished_at == at(2026, 3, 20, 10)


def test_a_bad_file_is_refused_whole_with_its_first_problems(org, procedure, cal):
    good = "".join(f"G{n},1.001,QLDN,1,09/03/2026 09:00,,,received,,0,0,0,0\n" for n in range(3000))
    bad = "B1,1.001,Phòng không có,1,31/02/2026,,,xong,,2,0,0,0\n"
    item = importing.run_import(upload(org, CSV + good + bad + bad.replace("B1", "B2")), cal=cal)
    assert item.state == "refused" and not Dossier.objects.exists()  # the first 3000 rows were rolled back
    found = {(p["row"], p["column"]) for p in item.problems}
    # named by the file's own (Vietnamese) headers
    assert {(3002, "Đơn vị"), (3002, "Ngày tiếp nhận"), (3002, "Trạng thái"), (3002, "Kết quả bản giấy")} <= found
    assert item.problem_total == 8 and item.processed == 3002
    many = "".join(f"M{n},1.001,QLDN,9,09/03/2026 09:00,,,received,,0,0,0,0\n" for n in range(150))
    item = importing.run_import(upload(org, CSV + many), cal=cal)
    assert len(item.problems) == 100 and item.problem_total == 150
    assert importing.run_import(upload(org, "Mã hồ sơ\nA\n".encode("utf-16")), cal=cal).state == "refused"


def test_the_worker_claims_queued_imports_once(org, procedure):
    item = importing.save_upload(
        agency=org.agency,
        actor=org.office,
        fileobj=io.BytesIO((CSV + "Q1,1.001,QLDN,1,09/03/2026 09:00,,,received,,0,0,0,0\n").encode()),
        filename="q.csv",
    )
    assert importing.process_queue() == 1
    assert importing.process_queue() == 0
    item.refresh_from_db()
    assert item.state == "done" and Dossier.objects.filter(code="Q1").exists()


def test_large_files_are_parsed_in_a_second_process(org, procedure, cal, monkeypatch):
    monkeypatch.setattr(importing, "PARALLEL_FROM", 0)
    good = "".join(f"P{n},1.001,QLDN,1,09/03/2026 09:00,,,finished,24/03/2026 09:00,0,0,0,0\n" for n in range(5000))
    odd = '"P\\\t1","A\\B\tC\r\nD",QLDN,1,09/03/2026 09:00,3,ngày,finished,24/03/2026 09:00,0,0,0,0\n'
    item = upload(org, CSV + odd + good)
    with storage.local_path(importing.upload_name(item)) as path:
        assert importing._in_parallel(path)
    item = importing.run_import(item, cal=cal)
    assert item.state == "done" and (item.created, item.processed) == (5001, 5001)
    assert set(Dossier.objects.values_list("progress_outcome", flat=True)) == {"late"}  # due 23/03
    from django.db import connection

    if connection.vendor == "postgresql":  # the copy's local time zone did not outlive it
        with connection.cursor() as cursor:
            cursor.execute("SHOW TimeZone")
            assert cursor.fetchone()[0] == connection.timezone_name
    stored = Dossier.objects.get(code="P\\\t1")  # tabs, backslashes and line breaks survive COPY
    assert stored.procedure_code == "A\\B\tC\r\nD" and stored.received_at == at(2026, 3, 9, 9)
    assert stored.import_batch == item and stored.source == "import"
    bad = good.replace("P4000,1.001,QLDN,1,", "P4000,1.001,QLDN,7,").replace("P", "Q")  # row 4002
    refused = importing.run_import(upload(org, CSV + bad), cal=cal)
    assert refused.state == "refused" and refused.problem_total == 1 and refused.processed == 5000
    assert refused.problems[0]["row"] == 4002
    assert refused.problems == [{"row": 4002, "column": "Kênh", "value": "7", "reason": refused.problems[0]["reason"]}]
    assert "Trực tiếp" in refused.problems[0]["reason"]  # the values as the file writes them
    assert not Dossier.objects.filter(code__startswith="Q").exists()
    broken = importing.run_import(upload(org, b"PK\x03\x04 not really a workbook", "x.xlsx"), cal=cal)
    assert broken.state == "failed" and broken.error
    assert Dossier.objects.count() == 5001
