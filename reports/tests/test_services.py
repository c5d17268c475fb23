"""What the reports pages change (reports.services), with its audit entries."""

from core.models import AuditEntry
from reports import services
from reports.models import DocumentTemplate, Report


def test_a_report_is_made_once_per_period(org):
    report, created = services.create_report(actor=org.office, agency=org.agency, kind="q1", year=2026)
    assert created and report.title.endswith("quý I năm 2026") and report.created_by == org.office
    again, created = services.create_report(actor=org.admin, agency=org.agency, kind="q1", year=2026)
    assert (again, created) == (report, False)
    assert Report.objects.filter(agency=org.agency).count() == 1
    entry = AuditEntry.objects.get(action="report.created")
    assert entry.actor == org.office and entry.note == report.title


def test_saving_a_report_logs_what_changed_since_it_was_stored(org):
    report, _created = services.create_report(actor=org.office, agency=org.agency, kind="year", year=2026)
    report.number, report.signer_name = 12, "Nông Văn Tài"  # as its form sets them
    services.save_report(actor=org.office, report=report, texts={"V": "Đề nghị tập huấn."})
    report.refresh_from_db()
    assert (report.number, report.texts) == (12, {"V": "Đề nghị tập huấn."})
    changes = AuditEntry.objects.get(action="report.saved").changes
    assert set(changes) == {"number", "signer_name", "texts"}
    assert changes["number"] == [None, 12]


def test_a_template_taken_out_of_use(org):
    template = DocumentTemplate.objects.create(
        agency=org.agency, kind="report", name="bc.docx", sha256="x", active=True
    )
    services.disable_template(actor=org.admin, template=template)
    template.refresh_from_db()
    assert not template.active
    assert AuditEntry.objects.get(action="report.template_disabled").note == "bc.docx"


def test_a_new_report_is_signed_by_the_signer_the_administrator_set_for_reports(org):
    from core.models import Signer

    Signer.objects.filter(agency=org.agency).delete()  # the demo organisation's own signers
    Signer.objects.create(agency=org.agency, use=Signer.Use.DOSSIERS, title="PHÓ TRƯỞNG BAN", name="Người khác")
    Signer.objects.create(
        agency=org.agency,
        use=Signer.Use.REPORTS,
        authority="KT. TRƯỞNG BAN",
        title="PHÓ TRƯỞNG BAN",
        name="Nông Văn Tài",
    )
    report, _made = services.create_report(actor=org.office, agency=org.agency, kind="q3", year=2026)
    assert (report.signer_authority, report.signer_title, report.signer_name) == (
        "KT. TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Nông Văn Tài",
    )
