"""The 766 progress facts stored with each dossier: kept in step by every change, and worked out
by the migration for dossiers registered before them."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import Agency
from core.reference import load_demo_organisation
from procedures import services
from procedures.models import Dossier
from procedures.tests.helpers import D, at


def test_progress_facts_follow_every_change(org, dossier):
    assert (dossier.progress_outcome, dossier.progress_ended_on) == ("", None)
    assert (dossier.early_through, dossier.late_from) == (D(2026, 3, 22), D(2026, 3, 24))
    services.request_supplement(dossier=dossier, actor=org.office, items="Bản sao điều lệ", at=at(2026, 3, 12, 10))
    dossier.refresh_from_db()  # waiting on its only request: ended then, early (due 23/03)
    assert (dossier.progress_outcome, dossier.progress_ended_on) == ("early", D(2026, 3, 12))
    services.complete_supplement(dossier=dossier, actor=org.office, at=at(2026, 3, 18, 10))
    dossier.refresh_from_db()  # open again, six days of pause: late only from 30/03
    assert (dossier.progress_outcome, dossier.progress_ended_on) == ("", None)
    assert (dossier.early_through, dossier.late_from) == (D(2026, 3, 28), D(2026, 3, 30))
    services.finish(dossier=dossier, actor=org.office, outcome="finished", at=at(2026, 3, 24, 9))
    dossier.refresh_from_db()
    assert (dossier.progress_outcome, dossier.progress_ended_on) == ("early", D(2026, 3, 24))  # 24/03 - 6 days


@pytest.mark.slow  # migrates the database back and forth (about 13 s)
def test_the_migration_works_out_the_facts_of_registered_dossiers(transactional_db):
    load_demo_organisation()
    agency = Agency.objects.get(code="BQLKKTCK")
    before, after = [("procedures", "0001_initial")], [("procedures", "0002_progress_facts")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldDossier = old.get_model("procedures", "Dossier")
    common = {"agency_id": agency.pk, "received_at": at(2026, 3, 9, 9), "due_date": D(2026, 3, 23)}
    OldDossier.objects.create(code="OPEN", status="processing", **common)
    OldDossier.objects.create(code="LATE", status="finished", finished_at=at(2026, 3, 24, 9), **common)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    call_command("migrate", verbosity=0)  # the rest, for the next tests
    facts = {d.code: (d.progress_outcome, d.progress_ended_on, d.late_from) for d in Dossier.objects.all()}
    assert facts == {"OPEN": ("", None, D(2026, 3, 24)), "LATE": ("late", D(2026, 3, 24), D(2026, 3, 24))}
