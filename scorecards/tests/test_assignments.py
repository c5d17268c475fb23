"""Blocks of criteria assigned to units: the unit enters only its block while it is open, submits
it, and the Office accepts it or asks for changes."""

from django.urls import reverse
from django.utils.translation import gettext as _

from scorecards import services
from scorecards.models import Assignment
from scorecards.tests.helpers import post_row, score_of


def test_officer_edits_only_the_assigned_block(par, org, login):
    round_, card = par
    services.assign_block(actor=org.office, scorecard=card, code="3", unit=org.unit_a)
    client = login(org.officer)
    assert post_row(client, card, "3.2", {"value": "true"}).status_code == 200
    assert score_of(card, "3.2").declared is True
    assert post_row(client, card, "1.1.1", {"value": "true"}).status_code == 403
    assignment = Assignment.objects.get(scorecard=card, code="3")
    client.post(reverse("scorecards:assignment_submit", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.status == "submitted"
    # once submitted the unit can no longer change its block
    assert post_row(client, card, "3.2", {"value": "false"}).status_code == 403
    office = login(org.office)
    office.post(reverse("scorecards:assignment_request_changes", args=[assignment.pk]), {"note": "Bổ sung"})
    assignment.refresh_from_db()
    assert assignment.status == "changes_requested"


def test_assignment_steps_are_one_url_each(par, org, login):
    round_, card = par
    assignment = services.assign_block(actor=org.office, scorecard=card, code="3", unit=org.unit_a)
    url = {
        step: reverse(f"scorecards:assignment_{step}", args=[assignment.pk])
        for step in ("submit", "accept", "request_changes")
    }
    page = login(org.officer).get(reverse("scorecards:assignments", args=[card.pk])).content.decode()
    assert f'action="{url["submit"]}"' in page and url["accept"] not in page  # what the unit may do
    assert login(org.other_officer).post(url["submit"]).status_code == 403  # another unit's block
    assert login(org.officer).post(url["accept"]).status_code == 403  # the Office accepts
    login(org.head).post(url["submit"])
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED
    office = login(org.office)
    office.post(url["request_changes"], {"note": ""})  # a note is needed
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED
    office.post(url["accept"])
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED
    office.post(url["request_changes"], {"note": "Thiếu tài liệu 3.2"})
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CHANGES_REQUESTED and assignment.note == "Thiếu tài liệu 3.2"
    assert login(org.outsider).post(url["submit"]).status_code == 404


def test_no_assignment_yet_says_what_to_do_and_who_can(par, org, login):
    round_, card = par
    url = reverse("scorecards:assignments", args=[card.pk])
    office_page = login(org.office).get(url).content.decode()
    hint = office_page.split('id="no-assignment"')[1].split("</td>")[0]
    assert _("No block assigned yet.") in hint and 'name="unit"' in office_page  # the form to assign is there
    officer_page = login(org.officer).get(url).content.decode()
    hint = officer_page.split('id="no-assignment"')[1].split("</td>")[0]
    assert 'name="unit"' not in officer_page and len(hint) > len(_("No block assigned yet.")) + 40


def test_assigning_and_each_step_say_what_was_done(par, org, login):
    round_, card = par
    office = login(org.office)
    done = office.post(
        reverse("scorecards:assignments", args=[card.pk]), {"code": "3", "unit": org.unit_a.pk}, follow=True
    )
    said = _("Block %(code)s assigned to %(unit)s.") % {"code": "3", "unit": org.unit_a.name}
    assert [str(m) for m in done.context["messages"]] == [said]
    assignment = Assignment.objects.get(scorecard=card, code="3")
    sent = login(org.officer).post(reverse("scorecards:assignment_submit", args=[assignment.pk]), follow=True)
    assert [str(m) for m in sent.context["messages"]] == [_("Block %(code)s submitted to the Office.") % {"code": "3"}]
    accepted = office.post(reverse("scorecards:assignment_accept", args=[assignment.pk]), follow=True)
    assert [str(m) for m in accepted.context["messages"]] == [_("Block %(code)s accepted.") % {"code": "3"}]
