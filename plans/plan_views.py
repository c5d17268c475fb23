"""Creating a plan (an agency's first plan, the province's plan) and its parent plan (issue 22)."""

from django.http import Http404, HttpRequest, HttpResponse


def new_plan(request: HttpRequest) -> HttpResponse:
    raise Http404
