"""Rows of SIPAS responses for the disclosure tests (tests/security/test_sipas_disclosure*.py):
what surveys.results.Results reads, built from plain tuples without the database."""

import datetime as dt

from surveys import disclosure, selectors

FORM = selectors.questionnaire(selectors.DEFAULT_QUESTIONNAIRE)
ITEMS = list(FORM.questionnaire.items)
UNITS = ("Phòng A", "Phòng B", "Phòng C")
PROCEDURES = (("1.001", "Cấp phép", "Đầu tư"), ("2.002", "Đăng ký", "Lao động"))
TODAY = dt.date(2027, 2, 1)
CAMPAIGN = disclosure.campaign_period(7, "Đợt 1", dt.date(2026, 3, 10), dt.date(2026, 8, 20))


def rows_of(fixture):
    """(day, unit, (procedure code, name, field), channel, in the campaign, the item values, e1) ->
    Results' rows."""
    rows = []
    for day, unit, (code, name, field), channel, in_campaign, values, e1 in fixture:
        answers = {code_: v for code_, v in zip(ITEMS, values, strict=True)} | {"e1": e1}
        campaign = CAMPAIGN.number if in_campaign and CAMPAIGN.start <= day <= CAMPAIGN.end else None
        rows.append((answers, unit, code, name, field, channel, "receipt", day, {}, campaign))
    return rows
