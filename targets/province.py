"""The province's targets rolled up from the agencies' targets that serve them (issue 22's cascade)."""

from django.http import Http404, HttpRequest, HttpResponse


def overview(request: HttpRequest) -> HttpResponse:
    raise Http404
