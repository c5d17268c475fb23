"""Fixtures of the procedures tests: a catalogue procedure, a dossier received at the counter, and
five hand-checked dossiers around the first quarter of 2026."""

import pytest

from procedures import services
from procedures.models import Dossier, Procedure
from procedures.tests.helpers import D, at


@pytest.fixture
def procedure(org):
    return Procedure.objects.create(
        agency=org.agency, code="1.001", name="Cấp giấy chứng nhận đăng ký đầu tư", limit=10
    )


@pytest.fixture
def receive(org, procedure, cal):
    """More dossiers received at the Office's counter: `receive(moment, **fields)`, for unit A
    unless `unit` is given."""

    def make(received_at, **fields):
        fields.setdefault("unit", org.unit_a)
        return services.receive(
            actor=org.office, agency=org.agency, procedure=procedure, received_at=received_at, cal=cal, **fields
        )

    return make


@pytest.fixture
def dossier(receive):
    # one_stop.md §8 example 14: received Mon 09/03 09:00, 10 working days -> due Mon 23/03
    return receive(
        at(2026, 3, 9, 9),
        applicant_name="Công ty TNHH Đồng Đăng",
        components="Đơn đề nghị (bản chính)\nĐiều lệ công ty (bản sao)",
    )


@pytest.fixture
def quarter(org, procedure, cal):
    """Five dossiers around Q1 2026: hand-checked outcomes."""
    make = Dossier.objects.create
    common = {"agency": org.agency, "procedure": procedure, "procedure_code": "1.001", "unit": org.unit_a}
    make(
        code="early",
        received_at=at(2026, 3, 9, 9),
        due_date=D(2026, 3, 23),
        status="finished",
        finished_at=at(2026, 3, 20, 10),
        channel="online",
        e_result=True,
        paper_result=True,
        **common,
    )
    make(
        code="late",
        received_at=at(2026, 3, 9, 9),
        due_date=D(2026, 3, 23),
        status="returned",
        finished_at=at(2026, 3, 24, 9),
        paper_result=True,
        **common,
    )
    make(
        code="pending",
        received_at=at(2026, 3, 25, 9),
        due_date=D(2026, 4, 8),
        status="processing",
        fee_bearing=True,
        paid_online=True,
        **common,
    )
    make(
        code="old",
        received_at=at(2025, 12, 1, 9),
        due_date=D(2025, 12, 15),
        status="finished",
        finished_at=at(2025, 12, 10, 9),
        **common,
    )
    make(
        code="carried",
        received_at=at(2025, 12, 29, 9),
        due_date=D(2026, 1, 9),
        status="finished",
        finished_at=at(2026, 1, 8, 9),
        unit=org.unit_b,
        **{k: v for k, v in common.items() if k != "unit"},
    )
