"""Shared test personas: the demo organisation, a plan with sections, and a task factory.

A module whose tests all read the same costly data (the access matrix's world) builds it once in a
module fixture that requests `module_data`: there `org`, `plan` and `make_task` are the module's."""

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.test import override_settings
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


# On SQLite, the migrated empty test database is kept beside it (VAR_DIR), named by a hash of every
# migration file: a later run copies it instead of migrating again (about 10 s of each run). Any
# change to a migration makes a new one. --reuse-db and --create-db work as pytest-django says.
def _migrated_copy() -> Path | None:
    import django
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    if connection.vendor != "sqlite" or connection.creation.is_in_memory_db(connection.creation._get_test_db_name()):
        return None
    digest = hashlib.sha256(f"{django.get_version()} {sqlite3.sqlite_version}".encode())
    for key, migration in sorted(MigrationLoader(None, ignore_no_migrations=True).disk_migrations.items()):
        digest.update(repr(key).encode() + Path(sys.modules[migration.__module__].__file__).read_bytes())
    return Path(connection.creation._get_test_db_name()).with_name(f"test-migrated-{digest.hexdigest()[:16]}.sqlite3")


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_modify_db_settings):
    if request.config.getvalue("reuse_db") or request.config.getvalue("create_db"):
        return request.config.getvalue("reuse_db")
    from django.db import connection

    kept = _migrated_copy()
    if kept is None or not kept.exists():
        return False
    name = connection.creation._get_test_db_name()
    for stale in (name, f"{name}-wal", f"{name}-shm"):
        Path(stale).unlink(missing_ok=True)
    shutil.copyfile(kept, name)
    return True  # Django's keepdb: opens it, and migrate finds nothing to do


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_keepdb, django_db_blocker, request):
    kept = None if django_db_keepdb or request.config.getvalue("create_db") else _migrated_copy()
    if kept is not None:
        from django.db import connection

        with django_db_blocker.unblock():
            connection.ensure_connection()
            partial = kept.with_suffix(f".{os.getpid()}.part")
            target = sqlite3.connect(partial)
            connection.connection.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            target.close()
            os.replace(partial, kept)
        for old in kept.parent.glob("test-migrated-*.sqlite3"):
            if old != kept:
                old.unlink(missing_ok=True)
    return django_db_setup


# The rows that loading the calendar overrides and the demo organisation writes into empty tables
# (those and the audit entries of the role grants), kept by each test process the first time, so
# that later tests insert the same rows again in a few queries instead of about 230 (a fifth of a
# second of CPU in each of several hundred tests). Times of creation are taken again.
_seed: list[tuple[type[Model], list[Model]]] = []


def load_demo_rows() -> None:
    """load_calendar_overrides() and load_demo_organisation(), fast when their tables are empty."""
    if _seed and not any(model._base_manager.exists() for model, _rows in _seed):
        now = timezone.now()
        for model, rows in _seed:
            fields = model._meta.concrete_fields
            stamped = {f.attname: now for f in fields if getattr(f, "auto_now_add", False) or f.default is timezone.now}
            values = [{f.attname: getattr(row, f.attname) for f in fields} | stamped for row in rows]
            model._base_manager.bulk_create([model(**v) for v in values])
        # Rows inserted with their ids do not move PostgreSQL's sequences: set them past the ids,
        # or the next row (an audit entry of a restored backup, say) would take id 1 again.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [model for model, _rows in _seed]):
                cursor.execute(statement)
        return
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    before = {model: model._base_manager.count() for model in models} if not _seed else {}
    load_calendar_overrides()
    load_demo_organisation()
    written = [model for model in before if model._base_manager.count() != before[model]]
    if written and not any(before[model] for model in written):  # into empty tables: the same rows each time
        _seed[:] = [(model, list(model._base_manager.order_by("pk"))) for model in _referenced_first(written)]


def _referenced_first(models: list[type[Model]]) -> list[type[Model]]:
    """The models in an order that inserts a row after the rows it refers to."""
    done: list[type[Model]] = []
    while pending := [model for model in models if model not in done]:
        ready = [
            model
            for model in pending
            if not any(f.related_model in pending and f.related_model is not model for f in model._meta.concrete_fields)
        ]
        done += ready or pending
    return done


def demo_org():
    load_demo_rows()
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


def new_plan(org):
    plan = Plan.objects.create(
        agency=org.agency, year=2026, number="125/KH-BQLKKTCK", title="Kế hoạch 2026", status="issued"
    )
    parent = Section.objects.create(plan=plan, code="II.1", title="PAR", order=1)
    Section.objects.create(plan=plan, code="II.1.a", title="Chỉ đạo, điều hành", parent=parent, order=2, par_domain=1)
    Section.objects.create(plan=plan, code="II.1.c", title="Cải cách TTHC", parent=parent, order=3, par_domain=3)
    return plan


def task_factory(plan, org, today, cal):
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


@pytest.fixture(scope="module")
def module_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """The personas, a plan and a task factory built once for a module, in one transaction around
    the whole module that is rolled back after its last test. Each test still runs in a savepoint
    of its own, so what one test writes is gone for the next, as with `db` alone. While the
    module's tests run, the database is open to its module fixtures and its files stay in one
    folder (`_media`). Not for a module with `transactional_db` tests (they empty the tables)."""
    var = tmp_path_factory.mktemp("module")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=var / "media", VAR_DIR=var),
        transaction.atomic(),
    ):
        org = demo_org()
        plan = new_plan(org)
        today = timezone.localdate()
        cal = load_calendar()
        yield SimpleNamespace(
            org=org, plan=plan, today=today, cal=cal, make_task=task_factory(plan, org, today, cal), var=var
        )
        transaction.set_rollback(True)


def _module_data(request):
    return request.getfixturevalue("module_data") if "module_data" in request.fixturenames else None


@pytest.fixture(autouse=True)
def _media(request, settings, tmp_path):
    from django.core.cache import cache

    shared = _module_data(request)
    var = shared.var if shared else tmp_path
    settings.MEDIA_ROOT = var / "media"
    settings.VAR_DIR = var
    cache.clear()  # rate limits and the portal's cached figures start empty in every test


@pytest.fixture
def org(request, db):
    shared = _module_data(request)
    return shared.org if shared else demo_org()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def cal(db):
    return load_calendar()


@pytest.fixture
def plan(request, org):
    shared = _module_data(request)
    return shared.plan if shared else new_plan(org)


@pytest.fixture
def make_task(request, plan, org, today, cal):
    shared = _module_data(request)
    return shared.make_task if shared else task_factory(plan, org, today, cal)


@pytest.fixture
def task(make_task):
    return make_task()


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user
