"""The public feedback pages: the form (no account), the item's status by its tracking code, the
sender's rating with the key given once at submission, and the published answers. They render
only what feedback_pakn.md §7 allows: never the sender's details, the original text, internal
notes or drafts. The one exception is the sender's own text and personal link, shown once, right
after sending, to the browser session that sent it (a shared computer at a one-stop desk shows
them to nobody after; see `_remember` and `_sent`).

The form follows post/redirect/get with a one-time key: the form carries a random key signed with
its agency, made when it is shown; the item is created once per key (Feedback.submission_key,
unique) and the browser is sent to the "sent" page (`?co-quan=<agency>&da-gui=<code>`); a reload,
a back/forward or a second tap posts the same key again, creates nothing and lands on the same
page (then without the text and the link)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import IntegrityError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.files import FileRejected
from core.models import Agency
from core.pagination import window
from core.ratelimit import address_key, over_limit
from core.services import load_calendar
from core.text import fold
from core.web import linked_agency
from feedback import services
from feedback.forms import PublicFeedbackForm
from feedback.models import OPEN_STATUSES, Feedback, Status

TRACKING_CODE = re.compile(r"PA-\d{6}-[A-Z0-9]{6}")
SUBMISSION_SALT = "feedback-submission-key"
SENT = "feedback_sent"  # the session's {code: {"key": sender's key, "at": seconds}} not shown yet
SENT_SECONDS = 10 * 60  # an entry not shown within this is never shown
SENT_KEEP = 5


def new_submission(agency: Agency | None = None) -> str:
    """A one-time key for the form of `agency` (the first agency's when None, as `_agency`) about
    to be shown: random, signed with the agency's code so that only ours, for that agency, count."""
    agency = agency or Agency.objects.order_by("pk").first()
    value = {"a": agency.code if agency else "", "r": secrets.token_urlsafe(18)}
    return signing.dumps(value, salt=SUBMISSION_SALT, compress=False)


def submission_key(token: str, agency: Agency) -> str | None:
    """What the item stores for a one-time key posted to `agency`'s form (its hash), or None for a
    forged one or one made for another agency's form."""
    try:
        value = signing.loads(token, salt=SUBMISSION_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("a") != agency.code or not value.get("r"):
        return None
    return hashlib.sha256(f"{agency.code}:{value['r']}".encode()).hexdigest()


def _remember(request, item: Feedback, key: str) -> None:
    """This browser session sent `item`: its sent page shows the text and the personal link once,
    within SENT_SECONDS (`_shown_once`); older entries are dropped, at most SENT_KEEP are kept."""
    now = time.time()
    sent = {c: e for c, e in request.session.get(SENT, {}).items() if now - e["at"] <= SENT_SECONDS}
    sent[item.code] = {"key": key, "at": now}
    request.session[SENT] = dict(list(sent.items())[-SENT_KEEP:])


def _shown_once(request, code: str) -> str | None:
    """The sender's key of `code` if this session sent it within SENT_SECONDS and has not been
    shown it yet; the entry is gone after (a reload, the back button or the history of a shared
    computer show neither the text nor the link again)."""
    sent = dict(request.session.get(SENT, {}))
    entry = sent.pop(code, None)
    if entry is None:
        return None
    if sent:
        request.session[SENT] = sent
    else:
        del request.session[SENT]
    return entry["key"] if time.time() - entry["at"] <= SENT_SECONDS else None


def _to_sent(item: Feedback) -> HttpResponseRedirect:
    query = urlencode({"co-quan": item.agency.code, "da-gui": item.code})
    return redirect(reverse("feedback_submit") + "?" + query)


def _agency(request) -> Agency:
    """The agency the form is for (?co-quan=CODE, as linked from its page); the first one else."""
    named = request.GET.get("co-quan", "").strip()
    agency = linked_agency(request) if named else Agency.objects.order_by("pk").first()
    if agency is None:
        raise Http404
    return agency


def _retry_after(request) -> int | None:
    """Seconds until this client may send again, or None when it may send now. Counts one more
    submission per address (core.ratelimit: a salted hash, never the address itself): at most
    FEEDBACK_BURST_LIMIT in a window and FEEDBACK_DAILY_LIMIT in a day."""
    if over_limit(
        address_key(request, "feedback"), settings.FEEDBACK_BURST_LIMIT, settings.FEEDBACK_BURST_WINDOW_SECONDS
    ):
        return settings.FEEDBACK_BURST_WINDOW_SECONDS
    now = timezone.localtime()
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=now.tzinfo)
    until_midnight = max(60, int((midnight - now).total_seconds()))
    if over_limit(address_key(request, "feedback-day"), settings.FEEDBACK_DAILY_LIMIT, until_midnight):
        return until_midnight
    return None


def _form_page(request, form, agency, *, status: int = 200):
    """The form, with what was typed and the one-time key it was shown with (a new one if none)."""
    token = request.POST.get("submission", "")
    if submission_key(token, agency) is None:
        token = new_submission(agency)
    context = {"form": form, "agency": agency, "submission": token}
    return render(request, "feedback/public/form.html", context, status=status)


def _too_many(request, form, agency, retry_after: int):
    """429 on the form itself, with what was typed still in it (files have to be chosen again)."""
    minutes = max(1, round(retry_after / 60))
    form.add_error(
        None,
        ngettext(
            "You have sent too many submissions from this connection. Please try again in %(n)s minute.",
            "You have sent too many submissions from this connection. Please try again in %(n)s minutes.",
            minutes,
        )
        % {"n": minutes},
    )
    response = _form_page(request, form, agency, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    """The form (GET), the submission (POST: created once per one-time key, then redirected) and
    the "sent" page (GET ?da-gui=<code>; its "Done" button posts there)."""
    agency = _agency(request)
    if request.GET.get("da-gui"):
        return _sent(request, agency, request.GET["da-gui"].strip())
    form = PublicFeedbackForm(request.POST or None)
    if request.method != "POST":
        return _form_page(request, form, agency)
    once = submission_key(request.POST.get("submission", ""), agency)
    done = services.submitted(once or "")
    if done is not None:  # a reload, a back/forward or a second tap: nothing more is created
        return _to_sent(done)
    if not form.is_valid():
        return _form_page(request, form, agency)
    retry_after = _retry_after(request)
    if retry_after is not None:
        return _too_many(request, form, agency, retry_after)
    if form.is_bot:
        return render(request, "feedback/public/sent.html", {"code": None, "agency": agency})
    if once is None:
        form.add_error(None, _("This form has expired. Check what you typed and send it again."))
        return _form_page(request, form, agency, status=400)
    try:
        item = _create(request, form, agency, once)
    except FileRejected as exc:
        form.add_error(None, str(exc))
        return _form_page(request, form, agency)
    return _to_sent(item)


def _create(request, form: PublicFeedbackForm, agency: Agency, once: str) -> Feedback:
    """The item of a valid form, once per one-time key `once` (two taps at the same moment: the
    second finds the first's item); the sender's key is kept in the session for the sent page."""
    data = form.cleaned_data
    confirm_first = settings.FEEDBACK_CONFIRM_EMAIL and bool(data["email"])
    try:
        item, key = services.receive(
            agency=agency,
            cal=load_calendar(),
            channel="online",
            received_at=timezone.now(),
            confirmed=not confirm_first,
            files=request.FILES.getlist("files"),
            submission_key=once,
            **{k: data[k] for k in PublicFeedbackForm.Meta.fields},
        )
    except IntegrityError:
        earlier = services.submitted(once)
        if earlier is None:
            raise
        return earlier
    _remember(request, item, key)
    if confirm_first:
        confirm_link = request.build_absolute_uri(reverse("feedback_confirm", args=[services.confirmation_token(item)]))
        services.send_confirmation(item, confirm_link)
    return item


def _sent(request, agency: Agency, code: str):
    """The page after sending: the tracking code and the answer date; the sender's text and
    personal link only the first time the session that sent it shows it (`_shown_once`). Its
    "Done" button (POST) forgets whatever this session still keeps and shows a blank form. A code
    of another agency than ?co-quan= goes to its public status page, under its own agency."""
    if request.method == "POST":
        request.session.pop(SENT, None)
        return redirect(reverse("feedback_submit") + "?" + urlencode({"co-quan": agency.code}))
    item = Feedback.objects.filter(code=code, agency=agency).first() if TRACKING_CODE.fullmatch(code) else None
    if item is None:
        return redirect("feedback_status", code=code) if TRACKING_CODE.fullmatch(code) else redirect("feedback_submit")
    key = _shown_once(request, item.code)
    link = request.build_absolute_uri(reverse("feedback_status", args=[item.code])) + f"?k={key}" if key else ""
    context = {"code": item.code, "link": link, "item": item, "confirm_first": not item.confirmed, "agency": agency}
    return render(request, "feedback/public/sent.html", context)


@never_cache
def confirm(request, token):
    item = services.confirm(token=token, cal=load_calendar(), now=timezone.now())
    if item is None:
        raise Http404
    return render(request, "feedback/public/confirmed.html", {"item": item, "agency": item.agency})


def _public(code: str) -> Feedback:
    item = Feedback.objects.filter(code=code, confirmed=True).select_related("unit", "agency").first()
    if item is None:
        raise Http404
    return item


@never_cache
def status(request, code):
    item = _public(code)
    return render(request, "feedback/public/status.html", _status_context(item, request.GET.get("k", "")))


def _status_context(item: Feedback, key: str, **extra) -> dict:
    """What the status page shows; the sender's actions only with their key (rating the published
    answer within its window, reminding the agency from near the date it waits for). Never the
    sender's text: the sent page shows it once."""
    sender = services.is_sender(item, key)
    waiting = sender and item.status in (*OPEN_STATUSES, Status.AWAITING_PUBLICATION)
    may_remind = waiting and services.sender_may_remind(item, timezone.localdate(), load_calendar())
    return {
        "item": item,
        "agency": item.agency,
        "shown": item.status in (Status.PUBLISHED, Status.CLOSED),
        "key": key if sender else "",
        "can_rate": sender and item.status == Status.PUBLISHED and item.rated_at is None,
        "can_remind": may_remind,
        "remind_later": waiting and not may_remind,
        "remind_days": services.SOON,
        **extra,
    }


@require_POST
def remind(request, code):
    """The sender asks about their item (nhắc lại), with the key given at submission."""
    item = _public(code)
    key = request.POST.get("k", "")
    try:
        services.sender_reminder(item=item, key=key, now=timezone.now(), cal=load_calendar())
    except services.FeedbackError as exc:
        context = _status_context(item, key, error=str(exc))
        return render(request, "feedback/public/status.html", context, status=400)
    return redirect(reverse("feedback_status", args=[code]) + f"?k={key}&reminded=1")


@require_POST
def rate(request, code):
    item = _public(code)
    key = request.POST.get("k", "")
    try:
        services.rate(item=item, key=key, satisfied=request.POST.get("satisfied") == "1", now=timezone.now())
    except services.FeedbackError as exc:
        context = _status_context(item, "", error=str(exc))
        return render(request, "feedback/public/status.html", context, status=400)
    return redirect(reverse("feedback_status", args=[code]) + "?rated=1")


def published(request):
    """Published answers, newest first, of one agency (?co-quan=CODE) or all; searchable by
    tracking code or by words without diacritics (the folded public text, trigram-indexed on
    PostgreSQL)."""
    # published and closed items both carry their publication time; one index serves the order
    qs = Feedback.objects.filter(published_at__isnull=False, status__in=(Status.PUBLISHED, Status.CLOSED))
    agency = linked_agency(request)
    if agency is not None:
        qs = qs.filter(agency=agency)
    q = request.GET.get("q", "").strip()[:200]
    if q and TRACKING_CODE.fullmatch(q.upper()):
        qs = qs.filter(code=q.upper())
    elif q:
        for word in fold(q).split()[:8]:
            qs = qs.filter(search_text__contains=word)
    page = window(qs.select_related("unit", "agency").order_by("-published_at", "-id"), request.GET.get("page"), 20)
    query = urlencode({k: v for k, v in (("co-quan", agency.code if agency else ""), ("q", q)) if v})
    return render(
        request,
        "feedback/public/published.html",
        {"page": page, "q": q, "agency": agency, "query": query, "title": _("Published answers")},
    )
