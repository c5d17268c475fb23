"""Invalidating a response and counting it again (surveys.views.invalidate and restore): the
administrator only, a reason required, logged, the figures follow."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import AuditEntry
from surveys import selectors
from surveys.models import Response
from surveys.tests.helpers import FORM, answers, given, make


def test_invalidation_needs_a_reason_is_logged_and_leaves_the_figures(client, org):
    given(org, 5)
    dropped = Response.objects.create(
        agency=org.agency,
        channel="online",
        source="receipt",
        questionnaire=FORM.code,
        answered_on=dt.date(2026, 3, 1),
        answers=answers(1),
    )
    url = reverse("surveys:invalidate", args=[dropped.pk])
    client.force_login(org.office)  # row by row: the administrator only (issue 18 H2)
    assert client.post(url, {"reason": "Phiếu trùng"}).status_code == 403
    client.force_login(org.admin)
    client.post(url, {"reason": "  "})
    assert Response.objects.get(pk=dropped.pk).is_valid
    client.post(url, {"reason": "Phiếu trùng, cùng nét chữ"})
    entry = AuditEntry.objects.get(action="sipas.invalidated")
    assert (entry.actor, entry.note, entry.changes) == (
        org.admin,
        "Phiếu trùng, cùng nét chữ",
        {"invalid_reason": ["", "Phiếu trùng, cùng nét chữ"]},
    )
    index = selectors.summary(selectors.responses([org.agency.pk]), FORM)
    assert index.responses == 1 and index.overall == 100
    client.post(reverse("surveys:restore", args=[dropped.pk]), {"reason": "Xác minh lại: hợp lệ"})
    assert selectors.responses([org.agency.pk]).count() == 2
    client.force_login(org.officer)
    assert client.post(url, {"reason": "x"}).status_code == 403


def test_restore_needs_a_reason_refuses_a_counted_response_and_is_logged(client, org):
    response = make(org, 4)
    Response.objects.filter(pk=response.pk).update(invalid_reason="Phiếu trùng")
    url = reverse("surveys:restore", args=[response.pk])
    client.force_login(org.leader)  # row by row: not the leader either
    assert client.post(url, {"reason": "Xác minh lại"}).status_code == 403
    client.force_login(org.admin)
    blank = client.post(url, {"reason": " "}, follow=True)
    assert blank.redirect_chain[-1][0] == reverse("surveys:responses")
    assert [str(m) for m in blank.context["messages"]] == [_("Give the reason for counting this response again.")]
    assert not Response.objects.get(pk=response.pk).is_valid
    done = client.post(url, {"reason": "Xác minh lại"}, follow=True)
    assert done.redirect_chain == [(reverse("surveys:responses"), 302)]
    assert [str(m) for m in done.context["messages"]] == [_("The response is counted again.")]
    assert Response.objects.get(pk=response.pk).is_valid
    entry = AuditEntry.objects.get(action="sipas.restored")
    assert entry.changes == {"invalid_reason": ["Phiếu trùng", ""]} and entry.note == "Xác minh lại"
    again = client.post(url, {"reason": "Xác minh lại"}, follow=True)  # counted already: said politely
    assert [str(m) for m in again.context["messages"]] == [_("This response is counted already.")]
    assert AuditEntry.objects.filter(action="sipas.restored").count() == 1


def test_a_response_of_another_agency_or_not_an_id_is_missing(client, org):
    elsewhere = make(org, 4, agency=org.other)
    client.force_login(org.admin)
    for view in ("surveys:invalidate", "surveys:restore"):
        assert client.post(reverse(view, args=[elsewhere.pk]), {"reason": "x"}).status_code == 404
        assert client.post(reverse(view, args=["not-a-uuid"]), {"reason": "x"}).status_code == 404
    assert Response.objects.get(pk=elsewhere.pk).is_valid


def test_the_responses_page_posts_each_row_to_its_step(client, org):
    counted, dropped = make(org, 4), make(org, 2)
    Response.objects.filter(pk=dropped.pk).update(invalid_reason="Phiếu trùng")
    client.force_login(org.admin)
    page = client.get(reverse("surveys:responses")).content.decode()
    assert reverse("surveys:invalidate", args=[counted.pk]) in page
    assert reverse("surveys:restore", args=[dropped.pk]) in page
    assert reverse("surveys:restore", args=[counted.pk]) not in page
