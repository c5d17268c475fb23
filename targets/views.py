"""The leaders' one page of targets and results, a target's page (issue 22)."""

from django.http import Http404, HttpRequest, HttpResponse


def board(request: HttpRequest) -> HttpResponse:
    raise Http404


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
