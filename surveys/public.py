"""The public survey pages: no account, no JavaScript, light enough for a low-end phone and
Zalo's browser (sipas.md §9).

- `/khao-sat/?t=TOKEN` (the receipt's QR code): the token is swapped at once for a signed
  session cookie holding its keyed hash, and the browser is sent on to the clean form address,
  so the token is in one log line at most (and surveys.logs drops query strings on survey paths);
- `/khao-sat/phieu/`: the form; submitting keeps the answer, spends the link, and the response is
  written later in a shuffled batch with others (surveys.mixing), so nothing ties it to the link;
- `/khao-sat/mo/KEY/` and `/khao-sat/mo/KEY/UNIT/`: a campaign's open link (and a unit's
  counter): rate-limited per client (a salted hash in the cache, never in the database), with a
  honeypot field and the form's length limits.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.models import Agency, Unit
from core.ratelimit import address_key, over_limit
from core.web import linked_agency
from surveys import services, tokens
from surveys.forms import PublicForm
from surveys.models import Campaign, SurveyToken
from surveys.selectors import DEFAULT_QUESTIONNAIRE, questionnaire

# The link is swapped for this signed cookie (the keyed hash, never the token), scoped to the
# survey's paths: no server-side session row is written for a citizen's visit.
COOKIE = "sipas"
COOKIE_SALT = "surveys.invitation"
COOKIE_PATH = "/khao-sat/"


def _refused(request, reason: str, status: int, agency: Agency | None = None):
    """The page saying why there is no form, with links onward (the agency's page when known)."""
    return render(request, "surveys/public/refused.html", {"reason": reason, "agency": agency}, status=status)


def _thanks(agency: Agency | None):
    """To the thank-you page, which links to the agency's public page (its code only: nothing
    that ties the answer to a link or a dossier)."""
    url = reverse("survey_thanks")
    return redirect(f"{url}?{urlencode({'co-quan': agency.code})}" if agency and agency.code else url)


def _invitation(request) -> str | None:
    """The digest of the link this browser opened, from its signed cookie."""
    return request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT, max_age=settings.SIPAS_VISIT_SECONDS)


def _forget(response):
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")
    return response


def _staff(request) -> bool:
    """Anyone logged in to the system (staff, or any account): they may not answer in a citizen's
    place with the citizen's link (issue 18, M9); citizens never log in to answer."""
    return request.user.is_authenticated


@never_cache
def start(request):
    if _staff(request):
        return _refused(request, "staff", 403)
    token = request.GET.get("t", "")
    digest = tokens.digest(token) if tokens.looks_like_token(token) else ""
    state = services.token_state(digest) if digest else "unknown"
    if state == "unknown":
        return _refused(request, "unknown", 404)
    if state == "used":
        return _refused(request, "used", 410)
    response = redirect("survey_form")
    response.set_signed_cookie(
        COOKIE,
        digest,
        salt=COOKIE_SALT,
        max_age=settings.SIPAS_VISIT_SECONDS,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def form(request):
    # The page carries its own link's hash (signed): a browser that opened two receipts' links
    # answers each for its own dossier, whichever link the cookie was last set by.
    if _staff(request):
        return _forget(_refused(request, "staff", 403))
    if request.method == "POST":
        digest = _from_page(request.POST.get("invitation", ""))
    else:
        digest = _invitation(request)
    if not digest:
        return _refused(request, "no_session", 400)
    questions = questionnaire(DEFAULT_QUESTIONNAIRE)
    invitation = SurveyToken.objects.filter(digest=digest).select_related("agency").first()
    if invitation is None or (request.method == "GET" and invitation.used):
        if invitation is None:
            return _forget(_refused(request, "unknown", 404))
        return _forget(_refused(request, "used", 410, invitation.agency))
    agency = invitation.agency
    answer_form = PublicForm(request.POST or None, questionnaire=questions)
    if request.method == "POST" and answer_form.is_valid():
        if answer_form.is_bot:
            return _forget(_thanks(agency))
        taken = services.redeem(
            invitation, answer_form.answers(), questionnaire=questions.code, channel="online", day=timezone.localdate()
        )
        if not taken:
            return _forget(_refused(request, "used", 410, agency))
        return _forget(_thanks(agency))
    return render(
        request,
        "surveys/public/form.html",
        {
            "form": answer_form,
            "questions": questions,
            "agency": agency,
            "invitation": signing.dumps(digest, salt=COOKIE_SALT),
        },
    )


def _from_page(value: str) -> str | None:
    try:
        return signing.loads(value, salt=COOKIE_SALT, max_age=settings.SIPAS_VISIT_SECONDS)
    except signing.BadSignature:
        return None


def _client_key(request, campaign: Campaign, counter: Unit | None) -> str:
    """A salted hash of the client's address (and the counter), kept only in the cache for the
    rate window; the salt changes every day (core.ratelimit)."""
    return address_key(request, f"sipas-open:{campaign.pk}:{counter.pk if counter else ''}")


def _over_limit(key: str, limit: int) -> bool:
    return over_limit(key, limit, settings.SIPAS_OPEN_WINDOW_SECONDS)


@never_cache
@require_http_methods(["GET", "POST"])
def open_form(request, key: str, unit: int | None = None):
    campaign = get_object_or_404(Campaign, open_key=key, open_link=True)
    counter = get_object_or_404(Unit, pk=unit, agency_id=campaign.agency_id) if unit is not None else None
    if _staff(request):
        return _refused(request, "staff", 403)
    today = timezone.localdate()
    if not campaign.is_open_on(today):
        return _refused(request, "closed", 410, campaign.agency)
    questions = questionnaire(campaign.questionnaire)
    answer_form = PublicForm(request.POST or None, questionnaire=questions)
    if request.method == "POST":
        # a counter's tablet serves a queue of people from one address: it has its own, larger limit
        limit = settings.SIPAS_COUNTER_LIMIT if counter else settings.SIPAS_OPEN_LIMIT
        if _over_limit(_client_key(request, campaign, counter), limit):
            return _refused(request, "too_many", 429, campaign.agency)
        if answer_form.is_valid():
            if not answer_form.is_bot:
                services.submit_open(
                    campaign,
                    answer_form.answers(),
                    questionnaire=questions.code,
                    unit_id=counter.pk if counter else None,
                    day=today,
                )
            return _thanks(campaign.agency)
    return render(
        request,
        "surveys/public/form.html",
        {
            "form": answer_form,
            "questions": questions,
            "campaign": campaign,
            "counter": counter,
            "agency": campaign.agency,
        },
    )


def thanks(request):
    return render(request, "surveys/public/thanks.html", {"agency": linked_agency(request)})
