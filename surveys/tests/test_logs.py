"""surveys.logs: the survey paths are logged without their token."""

import logging

from surveys.logs import DropSurveyQuery


def test_survey_paths_are_logged_without_the_token():
    record = logging.LogRecord(
        "django.server", 20, "", 0, '"%s" %s %s', ("GET /khao-sat/?t=SECRET HTTP/1.1", 302, 0), None
    )
    DropSurveyQuery().filter(record)
    assert "SECRET" not in record.getMessage() and "/khao-sat/ HTTP/1.1" in record.getMessage()
    other = logging.LogRecord("django.server", 20, "", 0, '"%s"', ("GET /tthc/?q=a HTTP/1.1",), None)
    DropSurveyQuery().filter(other)
    assert "q=a" in other.getMessage()
