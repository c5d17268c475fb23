"""The public feedback pages: the form (no account), the item's status by its tracking code, the
sender's rating with the key given once at submission, and the published answers. They render
only what feedback_pakn.md §7 allows: never the sender's details, the original text, internal
notes or drafts."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
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
from feedback import services
from feedback.forms import PublicFeedbackForm
from feedback.models import OPEN_STATUSES, Feedback, Status

TRACKING_CODE = re.compile(r"PA-\d{6}-[A-Z0-9]{6}")


def _agency(request) -> Agency:
    """The agency the form is for (?co-quan=CODE, as linked from its page); the first one else."""
    code = request.GET.get("co-quan", "").strip()
    agency = Agency.objects.filter(code=code).first() if code else Agency.objects.order_by("pk").first()
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
    response = render(request, "feedback/public/form.html", {"form": form, "agency": agency}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    agency = _agency(request)
    form = PublicFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        retry_after = _retry_after(request)
        if retry_after is not None:
            return _too_many(request, form, agency, retry_after)
        if form.is_bot:
            return render(request, "feedback/public/sent.html", {"code": None})
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
                **{k: data[k] for k in PublicFeedbackForm.Meta.fields},
            )
        except FileRejected as exc:
            form.add_error(None, str(exc))
        else:
            link = request.build_absolute_uri(reverse("feedback_status", args=[item.code])) + f"?k={key}"
            if confirm_first:
                confirm_link = request.build_absolute_uri(
                    reverse("feedback_confirm", args=[services.confirmation_token(item)])
                )
                services.send_confirmation(item, confirm_link)
            return render(
                request,
                "feedback/public/sent.html",
                {"code": item.code, "link": link, "item": item, "confirm_first": confirm_first},
            )
    return render(request, "feedback/public/form.html", {"form": form, "agency": agency})


@never_cache
def confirm(request, token):
    item = services.confirm(token=token, cal=load_calendar(), now=timezone.now())
    if item is None:
        raise Http404
    return render(request, "feedback/public/confirmed.html", {"item": item})


def _public(code: str) -> Feedback:
    item = Feedback.objects.filter(code=code, confirmed=True).select_related("unit", "agency").first()
    if item is None:
        raise Http404
    return item


@never_cache
def status(request, code):
    return render(request, "feedback/public/status.html", _status_context(_public(code), request.GET.get("k", "")))


def _status_context(item: Feedback, key: str, **extra) -> dict:
    """What the status page shows; the sender's actions only with their key (rating the published
    answer within its window, reminding the agency while the item is open)."""
    sender = services.is_sender(item, key)
    return {
        "item": item,
        "shown": item.status in (Status.PUBLISHED, Status.CLOSED),
        "key": key if sender else "",
        "can_rate": sender and item.status == Status.PUBLISHED and item.rated_at is None,
        "can_remind": sender and item.status in (*OPEN_STATUSES, Status.AWAITING_PUBLICATION),
        **extra,
    }


@require_POST
def remind(request, code):
    """The sender asks about their item (nhắc lại), with the key given at submission."""
    item = _public(code)
    key = request.POST.get("k", "")
    try:
        services.sender_reminder(item=item, key=key, now=timezone.now())
    except services.FeedbackError as exc:
        return render(request, "feedback/public/status.html", _status_context(item, key, error=str(exc)), status=400)
    return redirect(reverse("feedback_status", args=[code]) + f"?k={key}&reminded=1")


@require_POST
def rate(request, code):
    item = _public(code)
    key = request.POST.get("k", "")
    try:
        services.rate(item=item, key=key, satisfied=request.POST.get("satisfied") == "1", now=timezone.now())
    except services.FeedbackError as exc:
        return render(request, "feedback/public/status.html", _status_context(item, "", error=str(exc)), status=400)
    return redirect(reverse("feedback_status", args=[code]) + "?rated=1")


def published(request):
    """Published answers, newest first, of one agency (?co-quan=CODE) or all; searchable by
    tracking code or by words without diacritics (the folded public text, trigram-indexed on
    PostgreSQL)."""
    # published and closed items both carry their publication time; one index serves the order
    qs = Feedback.objects.filter(published_at__isnull=False, status__in=(Status.PUBLISHED, Status.CLOSED))
    code = request.GET.get("co-quan", "").strip()
    agency = Agency.objects.filter(code=code).first() if code else None
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
