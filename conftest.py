"""Shared test personas: the demo organisation, a plan with sections, and a task factory."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from core.models import Agency, Unit, User
from core.reference import DEMO_PASSWORD, load_calendar_overrides, load_demo_organisation
from core.services import load_calendar
from plans.models import Plan, Section, Task
from plans.services import ensure_occurrences, refresh_task

PASSWORD = DEMO_PASSWORD


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path
    cache.clear()  # rate limits and the portal's cached figures start empty in every test


@pytest.fixture
def org(db):
    load_calendar_overrides()
    load_demo_organisation()
    agency = Agency.objects.get(code="BQLKKTCK")
    other = Agency.objects.get(code="SCT")
    units = {u.code: u for u in Unit.objects.filter(agency=agency)}
    people = {u.username: u for u in User.objects.all()}
    return SimpleNamespace(
        agency=agency,
        other=other,
        units=units,
        unit_a=units["QLDN"],
        unit_b=units["KHTH"],
        officer=people["chuyenvien.qldn"],
        head=people["truongphong.qldn"],
        office=people["vanphong"],
        leader=people["lanhdao"],
        admin=people["quantri"],
        appraiser=people["thamdinh"],
        auditor=people["kiemtra"],
        outsider=people["chuyenvien.sct"],
        other_officer=people["chuyenvien.khth"],
        people=people,
    )


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def cal(db):
    return load_calendar()


@pytest.fixture
def plan(org):
    plan = Plan.objects.create(
        agency=org.agency, year=2026, number="125/KH-BQLKKTCK", title="Kế hoạch 2026", status="issued"
    )
    parent = Section.objects.create(plan=plan, code="II.1", title="PAR", order=1)
    Section.objects.create(plan=plan, code="II.1.a", title="Chỉ đạo, điều hành", parent=parent, order=2, par_domain=1)
    Section.objects.create(plan=plan, code="II.1.c", title="Cải cách TTHC", parent=parent, order=3, par_domain=3)
    return plan


@pytest.fixture
def make_task(plan, org, today, cal):
    counter = {"n": 0}

    def make(**fields):
        counter["n"] += 1
        defaults = {
            "plan": plan,
            "agency": plan.agency,
            "code": f"T{counter['n']:02d}",
            "title": f"Nhiệm vụ cải cách hành chính số {counter['n']}",
            "lead_unit": org.unit_a,
            "start_date": today - dt.timedelta(days=30),
            "deadline": today + dt.timedelta(days=30),
            "expected_product": "Báo cáo",
            "section": plan.sections.get(code="II.1.c"),
        }
        defaults.update(fields)
        coordinating = defaults.pop("coordinating_units", [])
        task = Task.objects.create(**defaults)
        task.coordinating_units.set(coordinating)
        ensure_occurrences(task)
        return refresh_task(task, today=today, cal=cal)

    return make


@pytest.fixture
def task(make_task):
    return make_task()


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user
