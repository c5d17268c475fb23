"""The 403 and 404 pages lead somewhere (D8, D27), and the notifications page groups, filters
and marks one notification read."""

import datetime as dt
import re

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from core import jobs
from core.models import Notification


def main_of(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def test_a_refused_page_says_why_and_leads_back(client, org):
    client.force_login(org.officer)
    came_from = "http://testserver" + reverse("plans:task_list")
    response = client.get(reverse("reports:home"), HTTP_REFERER=came_from)
    assert response.status_code == 403
    page = main_of(response)
    assert gettext("Your role may not do this.") in page
    assert f'href="{came_from}"' in page and f'href="{reverse("home")}"' in page


def test_a_refused_page_never_leads_back_to_itself_nor_elsewhere(client, org):
    client.force_login(org.officer)
    here = "http://testserver" + reverse("reports:home")
    page = main_of(client.get(reverse("reports:home"), HTTP_REFERER=here))
    assert f'href="{here}"' not in page and f'href="{reverse("home")}"' in page
    page = main_of(client.get(reverse("reports:home"), HTTP_REFERER="https://evil.example/x"))
    assert "evil.example" not in page


@override_settings(DEBUG=False)
def test_a_missing_page_for_staff_leads_home(client, org):
    client.force_login(org.officer)
    response = client.get("/plans/tasks/999999/")
    assert response.status_code == 404
    page = main_of(response)
    assert f'href="{reverse("home")}"' in page and reverse("portal_home") not in page


@override_settings(DEBUG=False)
def test_a_missing_page_for_a_citizen_leads_to_the_portal(client, db):
    response = client.get("/cong-khai/KHONG-CO/")
    assert response.status_code == 404
    page = main_of(response)
    for name in ("portal_home", "dossier_lookup", "feedback_submit"):
        assert f'href="{reverse(name)}"' in page, name
    assert 'href="/"' not in page  # no staff page for a visitor


@override_settings(DEBUG=False)
def test_a_missing_object_and_another_agencys_object_look_the_same(client, org, make_task):
    task = make_task()
    client.force_login(org.outsider)
    theirs = client.get(reverse("plans:task_detail", args=[task.pk]))
    missing = client.get(reverse("plans:task_detail", args=[task.pk + 1000]))
    assert theirs.status_code == missing.status_code == 404
    assert main_of(theirs) == main_of(missing)


def note(user, key, *, kind="approval", days_ago=0, read=False):
    item = jobs.notification(user.pk, key=key, kind=kind, title=f"Việc {key}", url="/plans/", day=timezone.localdate())
    item.save()
    created = timezone.now() - dt.timedelta(days=days_ago)
    Notification.objects.filter(pk=item.pk).update(created_at=created, read_at=timezone.now() if read else None)
    return Notification.objects.get(pk=item.pk)


def test_notifications_are_grouped_by_day_and_filtered(client, org):
    note(org.officer, "a", kind="due_in_3")
    note(org.officer, "b", kind="dossier_due", read=True)
    note(org.officer, "c", kind="feedback_due", days_ago=2)
    note(org.head, "d")  # someone else's
    client.force_login(org.officer)
    response = client.get(reverse("notifications"))
    days = response.context["days"]
    assert [len(items) for _day, items in days] == [2, 1]
    assert days[0][0] == timezone.localdate()
    unread = client.get(reverse("notifications"), {"show": "unread"}).context["days"]
    assert sorted(n.key for _d, items in unread for n in items) == ["a", "c"]
    tasks = client.get(reverse("notifications"), {"kind": "tasks"}).context["days"]
    assert [n.key for _d, items in tasks for n in items] == ["a"]
    dossiers = client.get(reverse("notifications"), {"kind": "dossiers"}).context["days"]
    assert [n.key for _d, items in dossiers for n in items] == ["b"]


def test_one_notification_is_marked_read_and_only_ones_own(client, org):
    mine, other = note(org.officer, "a"), note(org.officer, "b")
    theirs = note(org.head, "c")
    client.force_login(org.officer)
    response = client.post(reverse("notifications_read"), {"item": mine.pk})
    assert response.status_code == 302
    mine.refresh_from_db(), other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None
    client.post(reverse("notifications_read"), {"item": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    page = client.get(reverse("notifications")).content.decode()
    assert page.count('name="item"') == 1  # only the unread one still offers "mark as read"
    client.post(reverse("notifications_read"))
    assert not Notification.objects.filter(user=org.officer, read_at__isnull=True).exists()
