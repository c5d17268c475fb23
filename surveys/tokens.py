"""Single-use survey links for dossiers (sipas.md §9.1-§9.2, §9.5).

The token of a dossier is derived from its agency and code with a separate secret
(SURVEY_TOKEN_SECRET, else SECRET_KEY), so a reprinted receipt carries the same link. The
database keeps only a keyed hash of the token, a used flag and the agency, unit and procedure the
response will copy; nothing joins that row to the dossier or to the response. (Whoever holds the
secret and the database together can tell which dossiers answered, never what they answered.)
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from surveys.models import SurveyToken

TOKEN_LENGTH = 22  # 16 random-looking bytes, URL-safe base 64


def _secret() -> str:
    return getattr(settings, "SURVEY_TOKEN_SECRET", "") or settings.SECRET_KEY


def token_for(dossier) -> str:
    raw = salted_hmac("surveys.token", f"{dossier.agency_id}:{dossier.code}", secret=_secret(), algorithm="sha256")
    return base64.urlsafe_b64encode(raw.digest()[:16]).decode().rstrip("=")


def digest(token: str) -> str:
    return salted_hmac("surveys.digest", token, secret=_secret(), algorithm="sha256").hexdigest()


def looks_like_token(text: str) -> bool:
    return len(text) == TOKEN_LENGTH and all(c.isalnum() or c in "-_" for c in text) and text.isascii()


def issue(dossier) -> str:
    """The dossier's token, recorded (as its hash) the first time it is asked for."""
    token = token_for(dossier)
    SurveyToken.objects.get_or_create(
        digest=digest(token),
        defaults={
            "agency_id": dossier.agency_id,
            "unit_id": dossier.unit_id,
            "procedure_id": dossier.procedure_id,
            "procedure_code": dossier.procedure_code,
        },
    )
    return token


def follow(dossier) -> None:
    """An unused invitation follows the dossier to the unit now handling it."""
    SurveyToken.objects.filter(digest=digest(token_for(dossier)), used=False).update(
        unit_id=dossier.unit_id, procedure_id=dossier.procedure_id, procedure_code=dossier.procedure_code
    )


def link(token: str) -> str:
    """The address printed on the receipt; the server swaps it for a session at once."""
    return settings.SITE_URL.rstrip("/") + reverse("survey_start") + "?" + urlencode({"t": token})


def invitation(dossier) -> tuple[str, str]:
    """(label, link) for the receipt's QR code."""
    return "Khảo sát mức độ hài lòng (mỗi hồ sơ một lần)", link(issue(dossier))
