"""Every form refuses a post without its CSRF token; search and filter fields take injection
attempts as plain text (no error, nothing executed, everything escaped on the page).

The access matrix (tests/security/test_access_matrix.py) covers who may reach what, for every URL and
role, including id-guessing across agencies (an outsider gets 404 on every object)."""

import pytest
from django.test import Client
from django.urls import reverse
from test_access_matrix import MATRIX

POSTS = sorted(name for name, method in MATRIX if method == "post")
ATTACKS = [
    "' OR '1'='1",
    "'; DROP TABLE plans_task; --",
    '"><script>alert(1)</script>',
    "%' UNION SELECT password FROM core_user --",
    "\\x00\x00",
    "{{ 7*7 }}{% debug %}",
    "a" * 5000,
]


@pytest.mark.parametrize("name", POSTS)
def test_every_form_refuses_a_post_without_its_csrf_token(name, org, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.office)
    kwargs = world["kwargs"].get(name, {"pk": world["task"].pk} if name.startswith("plans:") else {})
    try:
        url = reverse(name, kwargs=kwargs)
    except Exception:  # noqa: BLE001  (a route without arguments)
        url = reverse(name)
    response = client.post(url, world["data"].get(name, {}))
    assert response.status_code == 403, (name, response.status_code)


SEARCHES = [
    ("plans:task_list", "q", "office"),
    ("plans:task_list", "status", "office"),
    ("procedures:register", "q", "office"),
    ("procedures:catalogue", "q", "office"),
    ("feedback:desk", "q", "office"),
    ("feedback:desk", "status", "office"),
    ("evidence_library", "q", "office"),
    ("feedback_published", "q", None),
    ("portal_home", "q", None),
]


@pytest.mark.parametrize(("name", "field", "who"), SEARCHES)
def test_search_and_filter_fields_take_attacks_as_text(name, field, who, org, world):
    client = Client()
    if who:
        client.force_login(getattr(org, who))
    for attack in ATTACKS:
        response = client.get(reverse(name), {field: attack})
        if "\x00" in attack:  # refused as a whole, with a reason (PostgreSQL cannot hold NUL in text)
            assert response.status_code == 400 and "NUL" in response.content.decode(), (name, field)
            continue
        assert response.status_code == 200, (name, field, attack[:20], response.status_code)
        page = response.content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "Traceback" not in page and "sql_queries" not in page  # nothing evaluated or dumped
    # the data is still there
    from plans.models import Task

    assert Task.objects.filter(pk=world["task"].pk).exists()


def test_the_portal_catalogue_search_takes_attacks_as_text(org, world):
    client = Client()
    url = reverse("portal_catalogue", args=[org.agency.code])
    for attack in ATTACKS:
        response = client.get(url, {"q": attack})
        assert response.status_code == (400 if "\x00" in attack else 200)
        assert b"<script>alert(1)</script>" not in response.content


def test_a_nul_character_in_a_form_is_refused_before_it_reaches_the_database(client, org, world):
    client.force_login(org.office)
    task = world["task"]
    response = client.post(reverse("plans:add_comment", args=[task.pk]), {"text": "ý kiến\x00"})
    assert response.status_code == 400
    assert not task.comments.filter(text__startswith="ý kiến").exists()
