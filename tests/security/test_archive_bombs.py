"""Office files are zip archives of XML: a workbook that would unpack to far more than it weighs
(a zip bomb) is refused before anything is unpacked, and XML entity expansion (a "billion laughs"
bomb) is refused by defusedxml, which openpyxl uses when it is installed."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from core.files import FileRejected, check_zip
from plans.excel import parse_plan_workbook
from scorecards.criteria_import import CriteriaFileError, read_workbook
from surveys.importing import workbook_rows
from surveys.responses_file import ResponsesFileError


def workbook_with(member: str, content: bytes) -> bytes:
    """A real workbook whose `member` is replaced by `content`."""
    wb = Workbook()
    wb.active.append(["Mã", "Tên nhiệm vụ"])
    source = io.BytesIO()
    wb.save(source)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            bomb.writestr(info.filename, content if info.filename == member else original.read(info.filename))
    return out.getvalue()


@pytest.fixture(scope="module")
def zip_bomb():
    filler = b"<!--" + b" " * (80 * 1024 * 1024) + b"-->"  # 80 MB of spaces weigh about 80 KB packed
    return workbook_with("xl/worksheets/sheet1.xml", filler + b'<worksheet xmlns="x"/>')


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def test_a_zip_bomb_is_refused_before_unpacking(zip_bomb):
    assert len(zip_bomb) < 1024 * 1024
    with pytest.raises(FileRejected, match="không an toàn"):
        check_zip(zip_bomb)
    with pytest.raises(ResponsesFileError) as refused:
        workbook_rows(zip_bomb)
    assert "không an toàn" in str(refused.value.problems[0])
    with pytest.raises(CriteriaFileError) as refused_set:
        read_workbook(zip_bomb, source="bomb.xlsx")
    assert "không an toàn" in str(refused_set.value.problems[0])
    assert parse_plan_workbook(zip_bomb, units={}, sections=set()).errors  # refused, with an error


def test_an_xml_entity_bomb_is_refused():
    bomb = workbook_with("xl/worksheets/sheet1.xml", BILLION_LAUGHS)
    with pytest.raises(ResponsesFileError):  # (unprotected, this would expand to a billion "lol"s)
        workbook_rows(bomb)
    parsed = parse_plan_workbook(bomb, units={}, sections=set())
    assert parsed.errors and not parsed.rows


def test_an_ordinary_workbook_passes():
    wb = Workbook()
    wb.active.append(["a", 1])
    data = io.BytesIO()
    wb.save(data)
    check_zip(data.getvalue())
    assert workbook_rows(data.getvalue())[0] == ["a", "1"]
