"""A dossier through its whole life in the services: hand-overs, two supplement requests, the end,
the result returned; every step audited, and the 766 outcome of a second request."""

import datetime as dt

import pytest

from core.models import AuditEntry
from procedures import services
from procedures.models import Dossier
from procedures.quality import compute
from procedures.tests.helpers import D, at


def test_lifecycle_hand_overs_supplements_and_the_end(org, dossier):
    services.hand_over(
        dossier=dossier,
        actor=org.office,
        giver="Một cửa",
        receiver="Phòng QLDN",
        to_unit=org.unit_a,
        at=at(2026, 3, 9, 10),
    )
    dossier.refresh_from_db()
    assert dossier.status == "processing"
    services.request_supplement(dossier=dossier, actor=org.officer, items="Bản sao điều lệ", at=at(2026, 3, 12, 10))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.supplement_count) == ("supplement_requested", 1)
    with pytest.raises(services.WorkflowError):
        services.finish(dossier=dossier, actor=org.officer, outcome="finished")  # waiting on the applicant
    services.complete_supplement(dossier=dossier, actor=org.officer, at=at(2026, 3, 18, 10))
    dossier.refresh_from_db()
    assert services.due_shown(dossier).date == dt.date(2026, 3, 29)  # 23/03 + 6 days (§8 D/E)
    with pytest.raises(services.WorkflowError, match="lần hai"):
        services.request_supplement(dossier=dossier, actor=org.officer, items="Thêm")
    services.request_supplement(
        dossier=dossier, actor=org.officer, items="Thêm", reason="Quy định mới", at=at(2026, 3, 19, 9)
    )
    dossier.refresh_from_db()
    assert dossier.supplement_count == 2 and dossier.supplement_requested_at == at(2026, 3, 12, 10)
    services.complete_supplement(dossier=dossier, actor=org.officer, at=at(2026, 3, 20, 9))
    services.finish(
        dossier=dossier, actor=org.head, outcome="finished", at=at(2026, 3, 27, 10), flags={"e_result": True}
    )
    dossier.refresh_from_db()
    assert dossier.status == "finished" and dossier.e_result
    with pytest.raises(services.WorkflowError):
        services.finish(dossier=dossier, actor=org.head, outcome="finished")
    services.return_result(dossier=dossier, actor=org.office, at=at(2026, 3, 27, 15))
    dossier.refresh_from_db()
    assert dossier.status == "returned" and dossier.returned_at == at(2026, 3, 27, 15)
    actions = set(
        AuditEntry.objects.filter(object_id=str(dossier.pk), object_type="procedures.dossier").values_list(
            "action", flat=True
        )
    )
    assert {"dossier.handed_over", "dossier.supplement_requested", "dossier.finished", "dossier.returned"} <= actions
    # the second supplement request makes it late for 766 even though it ended early
    record = Dossier.objects.get(pk=dossier.pk).as_record()
    assert compute([record], D(2026, 1, 1), D(2026, 3, 31)).counts["late"] == 1


def test_the_services_take_every_argument_by_keyword(org, dossier):
    with pytest.raises(TypeError):
        services.return_result(dossier, actor=org.office)
