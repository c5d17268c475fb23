"""Fuzzing the readers of what people upload or load (issue 8): the criteria and questionnaire
loaders, the dossier, feedback and survey-response files, and the plan and criteria workbooks.
Whatever hypothesis generates (random structures, a valid definition with one value replaced,
rows of random cells, random bytes), each either reads it or says what is wrong with its own
error; it never crashes with anything else.
"""

import contextlib
import copy
import io
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from core.calendar import WorkingCalendar
from feedback.file import FeedbackFileError, read_feedback
from plans.excel import parse_plan_workbook
from procedures.dossier_file import DossierFileError, read_dossiers
from scorecards.criteria import CriteriaError, parse_criteria
from scorecards.criteria_import import CriteriaFileError, read_workbook
from surveys.questionnaire import QuestionnaireError
from surveys.questionnaire import parse as parse_questionnaire
from surveys.responses_file import ResponsesFileError, read_responses

ROOT = Path(__file__).resolve().parent.parent.parent
CRITERIA = yaml.safe_load((ROOT / "data/criteria/ls-dept-2026-illustrative.yaml").read_text())
QUESTIONNAIRE = yaml.safe_load((ROOT / "data/surveys/sipas-service-2026.yaml").read_text())
CAL = WorkingCalendar()
RUNS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
pytestmark = pytest.mark.slow  # hypothesis runs (make test-all and CI)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "1e999", "NaN", "1,5", "100%", "true", "x" * 300, "\u0000", "Đ"]),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "01/02/2026", "2026-02-30", "31/12/9999", "25:61", "1", "0", "-5", "không", "có", ";", '"']),
)

# what a spreadsheet can hold (openpyxl refuses control characters when writing)
sheet_text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)


def paths(data, prefix=()):
    """Every place in a nested structure, for replacing one value."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths(value, (*prefix, index))


def replaced(data, path, value):
    data = copy.deepcopy(data)
    if not path:
        return value
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


CRITERIA_PATHS = list(paths(CRITERIA))
QUESTIONNAIRE_PATHS = list(paths(QUESTIONNAIRE))


@RUNS
@given(values)
def test_criteria_loader_on_any_structure(data):
    with contextlib.suppress(CriteriaError):
        parse_criteria(data, source="fuzz")


@RUNS
@given(st.sampled_from(CRITERIA_PATHS), values)
def test_criteria_loader_on_a_valid_set_with_one_value_replaced(path, value):
    try:
        parse_criteria(replaced(CRITERIA, path, value), source="fuzz")
    except CriteriaError as exc:
        assert str(exc)  # the error says what is wrong


@RUNS
@given(st.sampled_from(QUESTIONNAIRE_PATHS), values)
def test_questionnaire_loader_on_a_valid_form_with_one_value_replaced(path, value):
    try:
        parse_questionnaire(replaced(QUESTIONNAIRE, path, value), source="fuzz")
    except QuestionnaireError as exc:
        assert str(exc)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"'

    return "\n".join(",".join(quote(c) for c in row) for row in [header, *rows])


DOSSIER_HEADER = ["Mã hồ sơ", "Mã TTHC", "Ngày tiếp nhận", "Hạn giải quyết", "Trạng thái", "Ngày có kết quả", "Kênh"]
FEEDBACK_HEADER = [
    "feedback_code",
    "received_at",
    "status",
    "answered_at",
    "published_at",
    "rated_unsatisfied",
    "repeated",
]


@RUNS
@given(st.lists(st.lists(cells, min_size=0, max_size=9), max_size=6))
def test_dossier_file_reader(rows):
    try:
        read_dossiers(csv_text(DOSSIER_HEADER, rows), CAL)
    except DossierFileError as exc:
        assert exc.problems  # each problem with its row and column


@RUNS
@given(st.lists(st.lists(cells, min_size=0, max_size=9), max_size=6))
def test_feedback_file_reader(rows):
    try:
        read_feedback(csv_text(FEEDBACK_HEADER, rows))
    except FeedbackFileError as exc:
        assert exc.problems


@RUNS
@given(st.lists(st.lists(cells, min_size=0, max_size=25), max_size=5))
def test_survey_responses_file_reader(rows):
    form = parse_questionnaire(QUESTIONNAIRE, source="fuzz")
    header = ["answered_on", *sorted(form.questionnaire.items)][:25]
    try:
        read_responses(csv_text(header, rows), form.questionnaire)
    except ResponsesFileError as exc:
        assert exc.problems


@RUNS
@given(st.binary(max_size=2000))
def test_readers_on_random_bytes(data):
    for read, error in (
        (lambda d: read_dossiers(d, CAL), DossierFileError),
        (read_feedback, FeedbackFileError),
        (lambda d: read_workbook(d, source="fuzz"), CriteriaFileError),
    ):
        with contextlib.suppress(error):
            read(data)
    parsed = parse_plan_workbook(data, units={}, sections=set())  # reports problems, never raises
    assert parsed.errors or parsed.rows


@RUNS
@given(st.lists(st.lists(st.one_of(sheet_text, st.integers(), st.dates()), max_size=12), max_size=6))
def test_plan_workbook_with_random_cells(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã", "Tên nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Sản phẩm"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    parsed = parse_plan_workbook(buffer.getvalue(), units={"vp": 1}, sections=set())
    assert parsed.errors or parsed.rows is not None
