"""Small helpers of the PAR INDEX tests."""

import datetime as dt
import io
import re
from html import unescape as html_unescape

from django.urls import reverse

from plans.models import AssignedTask
from scorecards import services
from scorecards.models import NodeScore


def score_of(card, code, block=""):
    return NodeScore.objects.get(scorecard=card, code=code, block=block)


def row_url(step, card, row, *more):
    """The URL of a step on a row of the scoring table (declare, override, restore, appraise,
    explain, survey)."""
    return reverse(f"scorecards:row_{step}", args=[card.pk, row.pk, *more])


def post_row(client, card, code, data, block="", step="declare", column=None):
    """Types into a row of the table as the page does (HTMX): the row comes back."""
    url = row_url(step, card, score_of(card, code, block), *([column] if column else []))
    return client.post(url, data, HTTP_HX_REQUEST="true")


def alert(response) -> str:
    """The error shown in the row (empty when none)."""
    found = re.search(r'role="alert">(.*?)</div>', response.content.decode(), re.S)
    return html_unescape(found.group(1)) if found else ""


def row_html(page: str, row) -> str:
    """The <tr> of a row in a rendered scoring table."""
    return re.search(rf'<tr id="row-{row.pk}".*?</tr>', page, re.S).group(0)


def posts_to(html: str) -> list[str]:
    """The steps (last part of the URL) the elements of some HTML post to."""
    return re.findall(r'hx-post="[^"]*/([a-z0-9_]+)/"', html)


def pdf():
    return io.BytesIO(b"%PDF-1.4\n% test\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")


def submit(card, org, today):
    """The Office sends the self-assessment, the leader approves and submits it."""
    services.send_for_approval(actor=org.office, scorecard=card, today=today)
    services.approve_and_submit(actor=org.leader, scorecard=card, today=today)


def assigned_task(org, today, *, code="UBND-1", done=True, days_ago=3):
    """A task the province assigned to the agency, due `days_ago` days ago, done on its due date
    (or still open): what feeds criterion 1.5 (plans.metrics.assigned_tasks_on_time_rate)."""
    due = today - dt.timedelta(days=days_ago)
    return AssignedTask.objects.create(
        agency=org.agency,
        code=code,
        document_number=f"{code}/UBND-KT",
        document_date=due - dt.timedelta(days=30),
        content="Nhiệm vụ UBND tỉnh giao",
        due_date=due,
        status="done" if done else "open",
        completed_on=due if done else None,
    )
