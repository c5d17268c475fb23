"""Paper forms typed into a workbook (or the CSV exchange file), imported whole or not at all.

Columns: `response_id`, `q15` ... `q33`, optionally `e1` ... `e9`, `unit` (code or name),
`procedure_code` (from the catalogue), `channel` (default paper), `date` (required here), the
profile questions by their code (`gender`, `age`, ...; the choice's code or its label) and
`comment`. A response id already imported for the agency is a problem of its row.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from core import sheets
from core.file_problems import FileProblem, ProblemLog
from core.files import FileRejected, safe_load_workbook
from core.models import Agency, Unit, User
from core.services import log_action
from core.tabular import csv_rows
from core.text import fold
from core.workbook import Sheet, workbook_bytes
from procedures.models import Procedure
from surveys.models import Campaign, Response, Source
from surveys.questionnaire import Form
from surveys.responses_file import Response as Row
from surveys.responses_file import ResponsesFileError, read_rows
from surveys.services import Answers, build_response, campaign_for

MAX_ROWS = 50_000


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def workbook_rows(data: bytes) -> list[list[str]]:
    """The first worksheet's cells as text (dates as YYYY-MM-DD), at most MAX_ROWS data rows."""
    try:
        book = safe_load_workbook(data, read_only=True, data_only=True)
    except FileRejected as exc:
        raise ResponsesFileError([FileProblem(1, "", "", str(exc))], 1) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        reason = _("not an Excel workbook (.xlsx); save the file as .xlsx or CSV UTF-8")
        raise ResponsesFileError([FileProblem(1, "", "", reason)], 1) from None
    sheet = book.worksheets[0]
    rows = []
    for number, values in enumerate(sheets.rows(sheet), start=1):
        if number > MAX_ROWS + 1:
            reason = _("more than %(n)s rows: split the file") % {"n": MAX_ROWS}
            raise ResponsesFileError([FileProblem(number, "", "", reason)], 1)
        rows.append([_text(v) for v in values])
    book.close()
    return rows


def read_file(data: bytes, name: str, form: Form, problems: ProblemLog) -> list[Row]:
    rows = csv_rows(data, error=ResponsesFileError) if name.lower().endswith(".csv") else workbook_rows(data)
    return read_rows(rows, form.questionnaire, problems)


@dataclass
class _Agency:
    """What a row is checked against: the agency's units (by folded code or name), procedures
    (by code), the response ids it already has, and each profile question's answers (folded
    code or label -> code)."""

    units: dict[str, Unit]
    procedures: dict[str, Procedure]
    taken: set[str]
    profiles: dict[str, dict[str, str]]

    @classmethod
    def of(cls, agency: Agency, form: Form, ids: list[str]) -> _Agency:
        units = {}
        for unit in Unit.objects.filter(agency=agency):
            units[fold(unit.name)] = unit
            if unit.code:
                units[fold(unit.code)] = unit
        taken = Response.objects.filter(agency=agency, external_id__in=ids).values_list("external_id", flat=True)
        profiles = {
            key: {**{fold(code): code for code in choices}, **{fold(label): code for code, label in choices.items()}}
            for key, (_title, choices) in form.profile.items()
        }
        procedures = {p.code: p for p in Procedure.objects.filter(agency=agency)}
        return cls(units, procedures, set(taken), profiles)


@dataclass
class _Checked:
    unit: Unit | None
    procedure: Procedure | None
    profile: dict[str, str]
    comment: str


def _check(row: Row, known: _Agency, form: Form, today: dt.date, problems: ProblemLog) -> _Checked:
    """What the reader cannot know: the row's ids, unit, procedure, date, answers, profile and
    comment against the agency and the form; each problem into `problems`."""
    add = problems.add
    if len(row.response_id) > 60:
        add(row.row, "response_id", row.response_id[:60], _("at most 60 characters"))
    elif row.response_id in known.taken:
        add(row.row, "response_id", row.response_id, _("already imported for this agency"))
    unit = known.units.get(fold(row.unit)) if row.unit else None
    if row.unit and unit is None:
        add(row.row, "unit", row.unit, _("no unit of the agency has this code or name"))
    procedure = known.procedures.get(row.procedure_code) if row.procedure_code else None
    if row.procedure_code and procedure is None:
        add(row.row, "procedure_code", row.procedure_code, _("not in the agency's procedure catalogue"))
    if row.date is None and row.valid:  # (a date the reader refused is reported already)
        add(row.row, "date", "", _("required: the date on the form"))
    elif row.date is not None and not dt.date(2000, 1, 1) <= row.date <= today:
        add(row.row, "date", row.date.isoformat(), _("not between 2000 and today"))
    if row.valid and all(row.answers.get(code) is None for code in form.questionnaire.items):
        add(row.row, "", "", _("no service question answered"))
    profile = {}
    for key, lookup in known.profiles.items():
        value = row.extra.get(key, "")
        if value and fold(value) not in lookup:
            add(row.row, key, value, _("use one of %(list)s") % {"list": ", ".join(form.profile[key][1])})
        elif value:
            profile[key] = lookup[fold(value)]
    comment = row.extra.get("comment", "")
    if len(comment) > form.comment_max_length:
        reason = _("longer than %(n)s characters") % {"n": form.comment_max_length}
        add(row.row, "comment", comment[:40] + "…", reason)
    return _Checked(unit, procedure, profile, comment)


def import_responses(data: bytes, name: str, *, agency: Agency, actor: User, form: Form) -> int:
    """Stores every response of the file, or raises ResponsesFileError and stores none."""
    problems = ProblemLog()
    rows = read_file(data, name, form, problems)
    known = _Agency.of(agency, form, [r.response_id for r in rows])
    today = timezone.localdate()
    campaigns: dict[tuple[int | None, int | None, dt.date], Campaign | None] = {}
    built = []
    for row in rows:
        before = problems.total
        checked = _check(row, known, form, today, problems)
        if problems.total > before or not row.valid or row.date is None:
            continue
        unit_id = checked.unit.pk if checked.unit else None
        procedure_id = checked.procedure.pk if checked.procedure else None
        where = (unit_id, procedure_id, row.date)
        if where not in campaigns:
            campaigns[where] = campaign_for(
                agency_id=agency.pk, unit_id=unit_id, procedure_id=procedure_id, day=row.date
            )
        built.append(
            build_response(
                Answers(row.answers, checked.profile, checked.comment),
                agency_id=agency.pk,
                unit_id=unit_id,
                procedure_id=procedure_id,
                procedure_code=row.procedure_code,
                channel=row.channel or "paper",
                source=Source.IMPORT,
                questionnaire=form.code,
                day=row.date,
                campaign=campaigns[where],
                find_campaign=False,
                external_id=row.response_id,
                entered_by=actor,
            )
        )
    if problems.total:
        raise ResponsesFileError(sorted(problems.problems, key=lambda p: p.row), problems.total)
    _store(built, name=name, agency=agency, actor=actor)
    return len(built)


def _store(built: list[Response], *, name: str, agency: Agency, actor: User) -> None:
    try:
        with transaction.atomic():
            Response.objects.bulk_create(built, batch_size=1000)
            note = f"{name}: {len(built)} responses"
            log_action(actor=actor, agency=agency, action="sipas.imported", obj=agency, note=note)
    except IntegrityError:  # the same ids imported meanwhile by someone else
        reason = _("some of these ids were imported meanwhile: import the file again")
        raise ResponsesFileError([FileProblem(1, "response_id", "", reason)], 1) from None


def template(form: Form) -> bytes:
    """An empty workbook with the columns the import reads."""
    q = form.questionnaire
    header = [
        "response_id",
        *q.items,
        *q.expectations,
        "unit",
        "procedure_code",
        "channel",
        "date",
        *form.profile,
        "comment",
    ]
    return workbook_bytes([Sheet("Phieu khao sat", header, [])])
