"""Survey links carry a token once; this log filter keeps it out of the server's request lines
(sipas.md §9.5): on survey paths the query string is dropped before the line is written."""

from __future__ import annotations

import logging
import re

SURVEY_QUERY = re.compile(r"(/khao-sat/[^\s?\"]*)\?[^\s\"]*")


# the loggers that write request lines or carry the request
REQUEST_LOGGERS = ("django.server", "django.request", "gunicorn.access", "gunicorn.error")


class DropSurveyQuery(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(REQUEST_LOGGERS):
            return True
        if isinstance(record.msg, str) and record.args:
            record.msg = record.getMessage()
            record.args = ()
        if isinstance(record.msg, str):
            record.msg = SURVEY_QUERY.sub(r"\1", record.msg)
        request = getattr(record, "request", None)
        if request is not None and "/khao-sat/" in getattr(request, "path", ""):
            record.request = None
        return True
