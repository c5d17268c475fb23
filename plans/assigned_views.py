"""Pages of the register of tasks assigned by the province (issue 22): filled in by the assigned-tasks work."""

from django.http import Http404, HttpRequest, HttpResponse


def assigned_list(request: HttpRequest) -> HttpResponse:
    raise Http404


def assigned_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def assigned_new(request: HttpRequest) -> HttpResponse:
    raise Http404


def assigned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def assigned_import(request: HttpRequest) -> HttpResponse:
    raise Http404


def assigned_template(request: HttpRequest) -> HttpResponse:
    raise Http404
