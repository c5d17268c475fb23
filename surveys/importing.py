"""Paper forms typed into a workbook (or the CSV exchange file), imported whole or not at all.

Columns: `response_id`, `q15` ... `q33`, optionally `e1` ... `e9`, `unit` (code or name),
`procedure_code` (from the catalogue), `channel` (default paper), `date` (required here), the
profile questions by their code (`gender`, `age`, ...; the choice's code or its label) and
`comment`. A response id already imported for the agency is a problem of its row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils.exceptions import InvalidFileException

from core import sheets
from core.file_problems import FileProblem, ProblemLog
from core.files import FileRejected, safe_load_workbook
from core.models import Unit
from core.services import log_action
from core.text import fold
from procedures.models import Procedure
from surveys.models import Campaign, Response, Source
from surveys.questionnaire import Form
from surveys.responses_file import Response as Row
from surveys.responses_file import ResponsesFileError, read_responses, read_rows
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
    try:
        book = safe_load_workbook(data, read_only=True, data_only=True)
    except FileRejected as exc:
        raise ResponsesFileError([FileProblem(1, "", "", str(exc))], 1) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ResponsesFileError(
            [FileProblem(1, "", "", "not an Excel workbook (.xlsx); save the file as .xlsx or CSV UTF-8")], 1
        ) from None
    sheet = book.worksheets[0]
    rows = []
    for number, values in enumerate(sheets.rows(sheet), start=1):
        if number > MAX_ROWS + 1:
            raise ResponsesFileError([FileProblem(number, "", "", f"more than {MAX_ROWS} rows: split the file")], 1)
        rows.append([_text(v) for v in values])
    book.close()
    return rows


def read_file(data: bytes, name: str, form: Form, problems: ProblemLog) -> list[Row]:
    if name.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return read_responses(data, form.questionnaire)  # refused with its problem
        return read_rows(csv.reader(io.StringIO(text, newline="")), form.questionnaire, problems)
    return read_rows(workbook_rows(data), form.questionnaire, problems)


def _profile_lookup(form: Form) -> dict[str, dict[str, str]]:
    """For each profile question: folded code or label -> code."""
    return {
        key: {**{fold(code): code for code in choices}, **{fold(label): code for code, label in choices.items()}}
        for key, (_title, choices) in form.profile.items()
    }


def import_responses(data: bytes, name: str, *, agency, actor, form: Form) -> int:  # noqa: C901
    """Stores every response of the file, or raises ResponsesFileError and stores none."""
    problems = ProblemLog()
    rows = read_file(data, name, form, problems)
    units = {}
    for unit in Unit.objects.filter(agency=agency):
        units[fold(unit.name)] = unit
        if unit.code:
            units[fold(unit.code)] = unit
    procedures = {p.code: p for p in Procedure.objects.filter(agency=agency)}
    taken = set(
        Response.objects.filter(agency=agency, external_id__in=[r.response_id for r in rows]).values_list(
            "external_id", flat=True
        )
    )
    lookups = _profile_lookup(form)
    today = timezone.localdate()
    campaigns: dict[tuple, Campaign | None] = {}
    built = []
    for row in rows:
        before = problems.total
        if len(row.response_id) > 60:
            problems.add(row.row, "response_id", row.response_id[:60], "at most 60 characters")
        elif row.response_id in taken:
            problems.add(row.row, "response_id", row.response_id, "already imported for this agency")
        unit = units.get(fold(row.unit)) if row.unit else None
        if row.unit and unit is None:
            problems.add(row.row, "unit", row.unit, "no unit of the agency has this code or name")
        procedure = procedures.get(row.procedure_code) if row.procedure_code else None
        if row.procedure_code and procedure is None:
            problems.add(row.row, "procedure_code", row.procedure_code, "not in the agency's procedure catalogue")
        if row.date is None and row.valid:  # (a date the reader refused is reported already)
            problems.add(row.row, "date", "", "required: the date on the form")
        elif row.date is not None and not dt.date(2000, 1, 1) <= row.date <= today:
            problems.add(row.row, "date", row.date.isoformat(), "not between 2000 and today")
        if row.valid and all(row.answers.get(code) is None for code in form.questionnaire.items):
            problems.add(row.row, "", "", "no service question answered")
        profile = {}
        for key, lookup in lookups.items():
            value = row.extra.get(key, "")
            if value and fold(value) not in lookup:
                problems.add(row.row, key, value, "use one of " + ", ".join(form.profile[key][1]))
            elif value:
                profile[key] = lookup[fold(value)]
        comment = row.extra.get("comment", "")
        if len(comment) > form.comment_max_length:
            problems.add(row.row, "comment", comment[:40] + "…", f"longer than {form.comment_max_length} characters")
        if problems.total > before or not row.valid or row.date is None:
            continue
        where = (unit.pk if unit else None, procedure.pk if procedure else None, row.date)
        if where not in campaigns:
            campaigns[where] = campaign_for(agency_id=agency.pk, unit_id=where[0], procedure_id=where[1], day=row.date)
        built.append(
            build_response(
                Answers(row.answers, profile, comment),
                agency_id=agency.pk,
                unit_id=unit.pk if unit else None,
                procedure_id=procedure.pk if procedure else None,
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
    try:
        with transaction.atomic():
            Response.objects.bulk_create(built, batch_size=1000)
            log_action(
                actor=actor, agency=agency, action="sipas.imported", obj=agency, note=f"{name}: {len(built)} responses"
            )
    except IntegrityError:  # the same ids imported meanwhile by someone else
        problem = FileProblem(1, "response_id", "", "some of these ids were imported meanwhile: import the file again")
        raise ResponsesFileError([problem], 1) from None
    return len(built)


def template(form: Form) -> bytes:
    """An empty workbook with the columns the import reads."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Phieu khao sat"
    sheet.append(
        [
            "response_id",
            *form.questionnaire.items,
            *form.questionnaire.expectations,
            "unit",
            "procedure_code",
            "channel",
            "date",
            *form.profile,
            "comment",
        ]
    )
    return sheets.to_bytes(book)
