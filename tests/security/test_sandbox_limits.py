"""Security review M6 and M7 (process part): administrators' Word templates and uploaded dossier
files are worked on in a child process with a CPU, memory and wall-clock limit (core.sandbox),
never in the web request; a template or file going beyond a limit is refused with a clear
message and costs the worker nothing more."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from procedures import importing
from procedures.models import Dossier, Procedure
from reports import jobs, templating
from reports.models import DocumentTemplate, Report

NESTED_LOOP = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}x"
BIG_TEXT = "{% set s='x'*100000 %}{% for i in range(1000) %}{{ s }}{% endfor %}"  # 36 KB -> 554 MB (review)
# 40 million loop turns: several seconds of CPU, longer than the 1 s the test allows
SLOW_LOOP = "{% for i in range(10000) %}{% for j in range(4000) %}{% endfor %}{% endfor %}x"


def docx(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, org, text, name="mau.docx"):
    client.force_login(org.admin)
    return client.post(reverse("reports:templates"), {"kind": "report", "file": SimpleUploadedFile(name, docx(text))})


def queue(org, text, name="mau.docx"):
    """An upload waiting for its trial (what the upload view stores)."""
    return jobs.submit_template(agency=org.agency, actor=org.admin, kind="report", name=name, data=docx(text))


def message(reason, settings):
    from core import sandbox  # here: today's main has no sandbox, and its other tests still run

    limits = sandbox.Limits(
        settings.TEMPLATE_CPU_SECONDS, settings.TEMPLATE_MEMORY_MB, settings.TEMPLATE_TIMEOUT_SECONDS
    )
    return templating.limit_message(sandbox.LimitExceeded(reason, limits))


def test_the_upload_request_never_renders_the_template(client, org, monkeypatch):
    def not_here(*args, **kwargs):
        raise AssertionError("a template was rendered in the web request")

    monkeypatch.setattr(templating, "render_template", not_here)  # this process only, not the child
    response = upload(client, org, NESTED_LOOP)
    assert response.status_code == 302
    item = DocumentTemplate.objects.get(agency=org.agency)
    assert item.check_state == "checking" and not item.active  # not used before its trial
    page = client.get(reverse("reports:templates"), headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in page.content.decode()  # the list polls while the trial runs


def test_a_looping_template_is_stopped_at_its_cpu_limit_and_refused(client, org, settings):
    settings.TEMPLATE_CPU_SECONDS = 2
    queue(org, NESTED_LOOP)
    assert jobs.check_templates() == 1
    item = DocumentTemplate.objects.get(agency=org.agency)
    assert (item.check_state, item.active) == ("refused", False)
    assert item.check_error == message("cpu", settings)
    client.force_login(org.admin)
    assert item.check_error in client.get(reverse("reports:templates")).content.decode()


def test_a_template_building_a_huge_text_is_stopped_at_its_memory_limit(org, settings):
    settings.TEMPLATE_MEMORY_MB = 64
    queue(org, BIG_TEXT)
    assert jobs.check_templates() == 1
    item = DocumentTemplate.objects.get(agency=org.agency)
    assert (item.check_state, item.active) == ("refused", False)
    assert item.check_error == message("memory", settings)


def test_a_blocked_child_is_killed_at_the_wall_clock_timeout():
    from core import sandbox

    with pytest.raises(sandbox.LimitExceeded) as stopped:
        sandbox.run_limited(_sleep, 30, cpu_seconds=5, memory_mb=64, timeout=1)
    assert stopped.value.reason == "timeout"


def _sleep(seconds):
    import time

    time.sleep(seconds)


def test_a_template_errors_line_is_given(org):
    queue(org, "{{ title ")
    jobs.check_templates()
    item = DocumentTemplate.objects.get(agency=org.agency)
    assert item.check_state == "refused" and "Mẫu có lỗi" in item.check_error


def test_a_good_template_passes_its_trial_and_replaces_the_one_in_use(org):
    old = DocumentTemplate(agency=org.agency, kind="report", name="cu.docx", sha256="x")
    old.file.save("cu.docx", ContentFile(templating.sample_template("report")), save=True)
    queue(org, "{{ title }}", name="moi.docx")
    assert DocumentTemplate.objects.get(active=True).name == "cu.docx"  # until the trial passes
    assert jobs.check_templates() == 1
    assert DocumentTemplate.objects.get(active=True).name == "moi.docx"
    assert DocumentTemplate.objects.get(name="moi.docx").check_state == "passed"


def test_generating_a_report_with_a_slow_template_falls_back_to_the_built_in_layout(org, settings):
    settings.TEMPLATE_CPU_SECONDS = 1
    report = Report.objects.create(agency=org.agency, year=2026, kind="year", title="Báo cáo năm")
    template = DocumentTemplate(agency=org.agency, kind="report", name="cham.docx", sha256="x")
    template.file.save("cham.docx", ContentFile(docx(SLOW_LOOP)), save=True)
    item = jobs.generate(jobs.request_file(kind="report_docx", agency=org.agency, actor=org.office, report=report))
    assert item.state == "done" and item.template_used == ""
    assert "cham.docx" in item.step and message("cpu", settings)[:40] in item.step


def test_a_dossier_file_too_slow_to_read_stops_at_the_parse_cpu_limit(org, settings, cal):
    settings.IMPORT_PARSE_CPU_SECONDS = 1
    Procedure.objects.create(agency=org.agency, code="1.001", name="Đăng ký", limit=5)
    lines = ["Mã hồ sơ,Mã TTHC,Đơn vị,Kênh,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái"]
    lines += [f"L-{n:07d},1.001,QLDN,1,05/01/2026 08:{n % 60:02d}:00,,processing" for n in range(150_000)]
    item = importing.save_upload(
        agency=org.agency, actor=org.office, fileobj=io.BytesIO("\n".join(lines).encode()), filename="lon.csv"
    )
    item.state = "running"
    item.save()
    item = importing.run_import(item, cal=cal)
    from core import sandbox

    assert item.state == "failed" and item.error == importing._limit_message(
        sandbox.LimitExceeded("cpu", sandbox.Limits(1, settings.IMPORT_PARSE_MEMORY_MB, 0))
    )
    assert not Dossier.objects.filter(agency=org.agency).exists()  # nothing written
