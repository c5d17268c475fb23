"""The public form /phan-anh/gui/ (feedback.public.submit): post/redirect/get with a one-time key
(D5: a reload, a back/forward or a double tap creates nothing more and lands on the same page),
no silent cut at 5,000 characters (D29), a phone keypad, the sent page with its onward links and
the sender's own text and personal link shown once only, to the browser session that sent it (a
shared computer at a one-stop desk shows them to nobody after), a one-time key bound to its
agency."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from feedback import public, services
from feedback.models import Feedback

URL = reverse("feedback_submit") + "?co-quan=BQLKKTCK"
SENDER = {
    "sender_type": "person",
    "kind": "report",
    "salutation": "ms",
    "name": "Lò Thị E",
    "address": "Văn Lãng, Lạng Sơn",
    "phone": "0912 111 222",
    "email": "",
    "consent": "on",
    "content": "Hồ sơ của tôi bị trả lại nhiều lần không rõ lý do.",
}


@pytest.fixture(autouse=True)
def _one_address(settings):
    settings.BEHIND_PROXY = False


def _shown(client):
    """The form as the browser gets it, and the one-time key it carries."""
    page = client.get(URL)
    assert page.status_code == 200
    return page, page.context["submission"]


def test_the_form_carries_a_one_time_key_a_phone_keypad_and_no_maxlength(client, org):
    page, token = _shown(client)
    html = page.content.decode()
    assert f'name="submission" value="{token}"' in html
    assert 'type="tel"' in html and 'name="phone"' in html
    assert "maxlength" not in html.split('name="content"')[1].split(">")[0]  # the big text is never cut
    agency = org.agency
    assert public.submission_key(token, agency) is not None and public.submission_key(token + "x", agency) is None
    assert _shown(Client())[1] != token  # one key per form shown


def test_sending_redirects_to_the_sent_page_and_a_reload_creates_nothing(client, org):
    _page, token = _shown(client)
    sent = client.post(URL, {**SENDER, "submission": token})
    item = Feedback.objects.get()
    assert sent.status_code == 302 and f"da-gui={item.code}" in sent["Location"]
    page = client.get(sent["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and item.code in html and "?k=" in page.context["link"]
    assert services.is_sender(item, page.context["link"].split("?k=")[1])
    assert SENDER["content"] in html  # the sender sees what they sent, in their own session
    # reload of the confirmation (GET), then the browser re-posting the form (reload after the
    # POST, back/forward, a second tap): the same page, nothing more created
    assert client.get(sent["Location"]).status_code == 200
    again = client.post(URL, {**SENDER, "submission": token})
    assert again.status_code == 302 and again["Location"] == sent["Location"]
    assert Feedback.objects.count() == 1
    assert AuditEntry.objects.filter(action="feedback.received").count() == 1


def _page_text(page) -> str:
    html = page.content.decode()
    assert page.status_code == 200
    return html


def test_the_text_and_the_link_are_shown_once_then_never_again_on_a_shared_computer(client, org):
    """A one-stop kiosk: the next person's reload, back button or history shows the confirmation
    (code, date) but neither the text nor the personal link; the session keeps no sender's key."""
    _page, token = _shown(client)
    sent = client.post(URL, {**SENDER, "submission": token})
    item = Feedback.objects.get()
    first = _page_text(client.get(sent["Location"]))
    key = first.split("?k=")[1].split('"')[0]
    assert SENDER["content"] in first and 'id="personal-link"' in first and 'id="done"' in first
    assert public.SENT not in client.session and key not in str(dict(client.session))
    reposted = client.post(URL, {**SENDER, "submission": token})["Location"]
    for again in (client.get(sent["Location"]), client.get(reposted)):
        html = _page_text(again)
        assert item.code in html and 'id="shown-before"' in html
        assert SENDER["content"] not in html and "?k=" not in html and key not in html and again.context["link"] == ""
    assert Feedback.objects.count() == 1  # D5: still one item


def test_a_text_not_shown_within_its_time_limit_is_never_shown(client, org):
    _page, token = _shown(client)
    sent = client.post(URL, {**SENDER, "submission": token})
    code = Feedback.objects.get().code
    session = client.session
    session[public.SENT][code]["at"] = time.time() - public.SENT_SECONDS - 1
    session.save()
    html = _page_text(client.get(sent["Location"]))
    assert code in html and SENDER["content"] not in html and "?k=" not in html
    assert public.SENT not in client.session


def test_done_forgets_what_the_session_keeps_and_shows_a_blank_form(client, org):
    _page, token = _shown(client)
    sent = client.post(URL, {**SENDER, "submission": token})
    assert public.SENT in client.session  # not shown yet (the sender has not followed the redirect)
    done = client.post(sent["Location"])
    assert done.status_code == 302 and done["Location"] == URL
    assert public.SENT not in client.session
    html = _page_text(client.get(sent["Location"]))
    assert SENDER["content"] not in html and "?k=" not in html
    assert Feedback.objects.count() == 1


def test_the_status_page_never_shows_the_senders_text(client, org):
    """Not even to the session that sent it, before its sent page was shown."""
    _page, token = _shown(client)
    client.post(URL, {**SENDER, "submission": token})
    item = Feedback.objects.get()
    html = _page_text(client.get(reverse("feedback_status", args=[item.code])))
    assert SENDER["content"] not in html and 'id="own-text"' not in html


def test_a_key_made_for_another_agency_creates_nothing_here(client, org):
    """The key is signed with its agency: one shown on another agency's form, or replayed there,
    neither creates an item nor lands on a page naming the wrong agency."""
    other_url = reverse("feedback_submit") + f"?co-quan={org.other.code}"
    other_token = client.get(other_url).context["submission"]
    refused = client.post(URL, {**SENDER, "submission": other_token})
    assert refused.status_code == 400 and SENDER["content"] in refused.content.decode()
    assert not Feedback.objects.exists()
    _page, token = _shown(client)
    sent = client.post(URL, {**SENDER, "submission": token})
    assert Feedback.objects.get().agency == org.agency
    replayed = client.post(other_url, {**SENDER, "submission": token})
    assert replayed.status_code == 400 and Feedback.objects.count() == 1
    assert f"co-quan={org.agency.code}" in sent["Location"]


def test_the_sent_page_of_another_agencys_item_goes_to_its_status_page(client, org):
    _page, token = _shown(client)
    client.post(URL, {**SENDER, "submission": token})
    item = Feedback.objects.get()
    wrong = client.get(reverse("feedback_submit"), {"co-quan": org.other.code, "da-gui": item.code})
    assert wrong.status_code == 302 and wrong["Location"] == reverse("feedback_status", args=[item.code])
    assert public.SENT in client.session  # nothing was shown: the right page still shows it once


def test_a_second_key_is_a_second_item(client, org):
    for _n in range(2):
        _page, token = _shown(client)
        assert client.post(URL, {**SENDER, "submission": token}).status_code == 302
    assert Feedback.objects.count() == 2


def test_two_taps_at_the_same_moment_create_one_item(client, org, monkeypatch):
    """The second request did not see the first's item yet: the unique key refuses its insert and
    it lands on the first's page."""
    _page, token = _shown(client)
    first = client.post(URL, {**SENDER, "submission": token})
    real = services.submitted
    calls = []

    def not_yet(key):
        calls.append(key)
        return None if len(calls) == 1 else real(key)

    monkeypatch.setattr(services, "submitted", not_yet)
    second = client.post(URL, {**SENDER, "submission": token})
    assert len(calls) == 2  # looked again after the refused insert
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert Feedback.objects.count() == 1


def test_another_browser_with_the_address_sees_only_the_confirmation(client, org):
    _page, token = _shown(client)
    sent = client.post(URL, {**SENDER, "submission": token})
    item = Feedback.objects.get()
    other = Client()
    html = _page_text(other.get(sent["Location"]))
    assert item.code in html and "?k=" not in html  # the code and the date, never the link
    assert SENDER["content"] not in html and "Lò Thị E" not in html  # the text stays with its session
    status = other.get(reverse("feedback_status", args=[item.code])).content.decode()
    assert SENDER["content"] not in status and "Lò Thị E" not in status


def test_a_forged_or_missing_key_keeps_the_text_and_creates_nothing(client, org):
    for token in ("forged", ""):
        page = client.post(URL, {**SENDER, "submission": token})
        html = page.content.decode()
        assert page.status_code == 400 and SENDER["content"] in html and "Lò Thị E" in html
        assert public.submission_key(page.context["submission"], org.agency) is not None  # a fresh key
    assert not Feedback.objects.exists()


def test_a_key_survives_a_form_with_errors(client, org):
    _page, token = _shown(client)
    wrong = client.post(URL, {**SENDER, "phone": "12", "submission": token})
    assert wrong.status_code == 200 and wrong.context["submission"] == token
    assert client.post(URL, {**SENDER, "submission": token}).status_code == 302
    assert Feedback.objects.count() == 1


def test_a_text_over_5000_characters_is_refused_in_words_and_kept(client, org):
    _page, token = _shown(client)
    long_text = "Hồ sơ bị trả lại. " * 300  # 5,400 characters
    page = client.post(URL, {**SENDER, "content": long_text, "submission": token})
    html = page.content.decode()
    errors = page.context["form"].errors["content"]
    assert page.status_code == 200 and not Feedback.objects.exists()
    assert "5.000" in errors[0] and "5.399" in errors[0]  # the limit and the count, Vietnamese digits
    assert long_text.strip() in html  # nothing of what was typed is lost
    exact = "x" * 5000
    assert client.post(URL, {**SENDER, "content": exact, "submission": token}).status_code == 302


def test_the_honeypot_shows_thanks_and_stores_nothing(client, org):
    _page, token = _shown(client)
    page = client.post(URL, {**SENDER, "submission": token, "website": "http://spam.example"})
    assert page.status_code == 200 and page.context["code"] is None and not Feedback.objects.exists()


def test_end_pages_link_onward(client, org, receive, published):
    _page, token = _shown(client)
    sent = client.get(client.post(URL, {**SENDER, "submission": token})["Location"]).content.decode()
    item = published(receive())
    status = Client().get(reverse("feedback_status", args=[item.code])).content.decode()
    listing = Client().get(reverse("feedback_published"), {"co-quan": "BQLKKTCK"}).content.decode()
    for html in (sent, status, listing):
        assert reverse("portal_home") in html
        assert reverse("portal_agency", args=["BQLKKTCK"]) in html
        assert f"{reverse('feedback_submit')}?co-quan=BQLKKTCK" in html


def test_the_salutation_is_kept(client, org):
    _page, token = _shown(client)
    client.post(URL, {**SENDER, "submission": token})
    item = Feedback.objects.get()
    assert item.salutation == "ms" and services.sender_addressee(item) == "Bà Lò Thị E"
