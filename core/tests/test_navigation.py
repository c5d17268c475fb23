"""The menu fits the role (D8): the apps' entries (core.navigation) are shown only to whoever may
open them, so that no menu item leads to a 403 (or breaks)."""

import re

import pytest
from django.urls import reverse

from core import navigation
from core.models import Membership, Role

MENU = re.compile(r'<nav id="sidenav".*?</nav>', re.S)


def menu_links(client) -> list[str]:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return re.findall(r'href="([^"]+)"', MENU.search(response.content.decode()).group(0))


@pytest.fixture
def world(org, make_task):
    """The demo organisation with a plan whose tasks touch every unit of the personas."""
    make_task(coordinating_units=[org.unit_b])
    task = make_task(lead_unit=org.unit_b)
    task.assignees.add(org.other_officer)
    return org


def test_every_role_of_the_demo_opens_every_item_of_its_menu(world, client):
    walked = 0
    for person in world.people.values():
        if Membership.objects.filter(user=person, role=Role.INTEGRATION).exists():
            continue
        client.force_login(person)
        for url in menu_links(client):
            status = client.get(url).status_code
            assert status == 200, f"{person.username}: {url} answered {status}"
            walked += 1
        client.logout()
    assert walked > 100  # every persona walked a real menu


def links_of(client, person):
    client.force_login(person)
    links = set(menu_links(client))
    client.logout()
    return links


def test_an_officer_has_no_reports_nor_news_in_the_menu(world, client):
    links = links_of(client, world.officer)
    assert reverse("reports:home") not in links and reverse("portal:posts") not in links
    assert {reverse("plans:my_tasks"), reverse("procedures:register"), reverse("surveys:entry")} <= links
    client.force_login(world.officer)
    assert client.get(reverse("reports:home")).status_code == 403  # the page itself still refuses


def test_the_auditor_gets_no_step_it_may_not_take(world, client):
    links = links_of(client, world.auditor)
    for name in ("surveys:entry", "portal:posts", "evidence_upload", "plans:my_tasks", "surveys:import"):
        assert reverse(name) not in links, name
    assert {reverse("plans:task_list"), reverse("reports:home"), reverse("evidence_library")} <= links


def test_the_appraiser_sees_the_province_overviews_and_not_the_agency_items(world, client):
    links = links_of(client, world.appraiser)
    assert {reverse("plans:province"), reverse("surveys:province"), reverse("scorecards:home")} <= links
    for name in ("plans:dashboard", "plans:task_list", "procedures:register", "feedback:desk", "surveys:entry"):
        assert reverse(name) not in links, name
    assert len(links) <= 6  # home, the overviews, the PAR rounds and criteria sets: not the 25 agency items


def test_province_overviews_are_not_offered_to_an_agency(world, client):
    for person in (world.office, world.leader, world.officer):
        links = links_of(client, person)
        assert reverse("plans:province") not in links and reverse("surveys:province") not in links


def test_the_administrator_sees_the_administration(world, client):
    url = reverse("administration:overview")
    assert url in links_of(client, world.admin)
    assert url not in links_of(client, world.office)
    assert url not in links_of(client, world.officer)


def test_the_current_page_is_marked_in_the_menu(world, client):
    client.force_login(world.officer)
    page = client.get(reverse("plans:my_tasks")).content.decode()
    menu = MENU.search(page).group(0)
    assert re.search(r'href="{}" aria-current="page"'.format(re.escape(reverse("plans:my_tasks"))), menu)


def test_an_entry_whose_rule_fails_is_not_shown(world, client, monkeypatch):
    navigation.discover()
    monkeypatch.setattr(navigation, "ENTRIES", list(navigation.ENTRIES))
    navigation.register_menu(
        area="plans", label="Hidden one", url_name="plans:year_end", order=1, allowed=lambda user, agency: False
    )
    client.force_login(world.office)
    assert reverse("plans:year_end") not in menu_links(client)
