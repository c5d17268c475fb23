"""Paper forms typed into a workbook (or the CSV exchange file), imported whole or not at all.

Columns (surveys.columns, each by its Vietnamese header or its code): the form number
(`response_id`), the items (`q15` ... `q33`), optionally the expectations (`e1` ... `e9`), the
unit (code or name), the procedure code (from the catalogue), the channel (default paper), the
date (required here), the profile questions (`gender`, `age`, ...; the choice's code or its
label) and the comment. A form number already imported for the agency is a problem of its row,
and so is the template's example row. `template` writes the file to fill in: the headers, the
example row, a guide sheet with every column explained.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from core import sheets
from core.file_problems import FileProblem, ProblemLog
from core.files import FileRejected, safe_load_workbook
from core.models import Agency, Unit, User
from core.numbers import vi_number
from core.services import log_action
from core.tabular import csv_rows
from core.text import fold
from core.workbook import Sheet, add_sheet, new_workbook, to_bytes
from procedures.models import Procedure
from surveys import columns
from surveys.models import Campaign, Response, Source
from surveys.questionnaire import Form
from surveys.responses_file import Response as Row
from surveys.responses_file import ResponsesFileError, read_rows
from surveys.services import Answers, build_response, campaign_for

MAX_ROWS = 50_000
MAX_TEMPLATE_ROWS = 2000  # the rows of the template whose answers Excel checks as they are typed


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
        reason = _("the file is not an Excel workbook (.xlsx): open it in Excel and save it as .xlsx or as CSV UTF-8")
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
    return read_rows(rows, form.questionnaire, problems, columns.others(form))


@dataclass
class _Agency:
    """What a row is checked against: the agency's units (by folded code or name), procedures
    (by code), the response ids it already has, and each profile question's answers (folded
    code or label -> code)."""

    units: dict[str, Unit]
    procedures: dict[str, Procedure]
    taken: set[str]
    profiles: dict[str, dict[str, str]]
    headers: dict[str, str]  # how problems name each column (its Vietnamese header)

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
        headers = {c.key: c.header for c in columns.file_columns(form)}
        return cls(units, procedures, set(taken), profiles, headers)


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
    name = known.headers
    if fold(row.response_id) == fold(columns.EXAMPLE_ID):
        add(row.row, name["response_id"], row.response_id, _("the template's example row: delete it before importing"))
    elif len(row.response_id) > 60:
        add(row.row, name["response_id"], row.response_id[:60], _("at most 60 characters"))
    elif row.response_id in known.taken:
        add(row.row, name["response_id"], row.response_id, _("already imported for this agency"))
    unit = known.units.get(fold(row.unit)) if row.unit else None
    if row.unit and unit is None:
        add(row.row, name["unit"], row.unit, _("no unit of the agency has this code or name"))
    procedure = known.procedures.get(row.procedure_code) if row.procedure_code else None
    if row.procedure_code and procedure is None:
        add(row.row, name["procedure_code"], row.procedure_code, _("not in the agency's procedure catalogue"))
    if row.date is None and row.valid:  # (a date the reader refused is reported already)
        add(row.row, name["date"], "", _("required: the date on the form"))
    elif row.date is not None and not dt.date(2000, 1, 1) <= row.date <= today:
        add(row.row, name["date"], f"{row.date:%d/%m/%Y}", _("not between 2000 and today"))
    if row.valid and all(row.answers.get(code) is None for code in form.questionnaire.items):
        add(row.row, "", "", _("no service question answered"))
    profile = {}
    for key, lookup in known.profiles.items():
        value = row.extra.get(key, "")
        if value and fold(value) not in lookup:
            choices = ", ".join(form.profile[key][1].values())
            add(row.row, name[key], value, _("write one of: %(list)s") % {"list": choices})
        elif value:
            profile[key] = lookup[fold(value)]
    comment = row.extra.get("comment", "")
    if len(comment) > form.comment_max_length:
        reason = _("at most %(max)s characters (this one has %(n)s)") % {
            "max": vi_number(form.comment_max_length),
            "n": vi_number(len(comment)),
        }
        add(row.row, name["comment"], comment[:40] + "…", reason)
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


def _example_cell(column: columns.FileColumn) -> object:
    """The example row's cell as a person would type it: answers as numbers, the date as a date."""
    if column.key == "response_id":
        return columns.EXAMPLE_ID
    if column.key == "date":
        return dt.datetime.strptime(column.example, "%d/%m/%Y").date()  # noqa: DTZ007  (a calendar date)
    return int(column.example) if column.example.isdigit() else column.example


def template(form: Form) -> bytes:
    """The workbook to fill in: the sheet the import reads (Vietnamese headers, one example row
    that the import refuses until it is deleted, answers limited to their scale) and a guide
    sheet with every column explained."""
    file_columns = columns.file_columns(form)
    wb = new_workbook()
    example = [_example_cell(c) for c in file_columns]
    data = Sheet(
        _("Survey forms"),
        [c.header for c in file_columns],
        [example],
        widths=[18 if c.key in ("response_id", "date", "comment") else 12 for c in file_columns],
        wrap=False,
    )
    ws = add_sheet(wb, data)
    scales = [(c, 5) for c in form.questionnaire.items] + [(c, 3) for c in form.questionnaire.expectations]
    for code, top in scales:
        letter = get_column_letter(next(i for i, c in enumerate(file_columns, start=1) if c.key == code))
        rule = DataValidation(type="whole", operator="between", formula1="1", formula2=str(top), allow_blank=True)
        rule.error = _("An answer from 1 to %(top)s, or blank.") % {"top": top}
        rule.showErrorMessage = True
        ws.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{MAX_TEMPLATE_ROWS}")
    guide = Sheet(
        _("Guide"),
        [_("Column"), _("Required"), _("What to type")],
        [[c.header, _("yes") if c.required else _("no"), c.description] for c in file_columns],
        heading=_("How to fill in the survey forms file"),
        subtitle=[
            _("One row per paper form, on the first sheet; keep the header row as it is."),
            _("Delete the example row before importing. The file is imported whole or not at all."),
            _("Save as Excel (.xlsx) or CSV UTF-8, then choose it on the import page."),
            columns.scales(form),
        ],
        widths=[22, 10, 100],
    )
    add_sheet(wb, guide)
    return to_bytes(wb)
