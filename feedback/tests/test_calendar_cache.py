"""The working-day calendar the feedback steps use (core.services.load_calendar): one per thread,
rebuilt when the overrides change. (A core rule: it belongs in core/tests.)"""

import datetime as dt

import pytest


@pytest.mark.django_db(transaction=True)  # the other thread reads the database on its own connection
def test_each_thread_keeps_its_own_calendar_until_the_overrides_change():
    import threading

    from core.models import CalendarOverride
    from core.services import load_calendar

    first = load_calendar()
    assert load_calendar() is first
    other = []

    def in_thread():
        from django.db import connection

        other.append(load_calendar())
        connection.close()

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join()
    assert other[0] is not first  # the holidays package is not safe to share between threads
    day = dt.date(2026, 12, 7)  # a Monday
    assert first.is_working_day(day)
    CalendarOverride.objects.create(date=day, kind="holiday", name="Nghỉ bù")
    changed = load_calendar()
    assert changed is not first and not changed.is_working_day(day)
