import io
import zipfile

import pytest

from core.files import DOCX, JPEG, PDF, PNG, XLSX, FileRejected, check_upload, sniff


def office_zip(kind: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n...", PDF),
        (b"\xff\xd8\xff\xe0JFIF", JPEG),
        (b"\x89PNG\r\n\x1a\n....", PNG),
        (office_zip("docx"), DOCX),
        (office_zip("xlsx"), XLSX),
        (b"MZ\x90\x00 an exe", None),
        (b"<html><script>", None),
        (b"PK\x03\x04 broken zip", None),
    ],
)
def test_sniff_by_content(data, expected):
    assert sniff(data[:16], io.BytesIO(data)) == expected


def test_plain_zip_is_not_an_office_file():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "x")
    assert sniff(buf.getvalue()[:16], io.BytesIO(buf.getvalue())) is None


def test_size_limit_message_names_the_limit():
    with pytest.raises(FileRejected, match="20"):
        check_upload(io.BytesIO(b"%PDF-"), 25 * 1024 * 1024, 20 * 1024 * 1024)


def test_empty_file_refused():
    with pytest.raises(FileRejected):
        check_upload(io.BytesIO(b""), 0, 1024)


def test_renamed_executable_refused():
    with pytest.raises(FileRejected):
        check_upload(io.BytesIO(b"MZ\x90\x00" * 10), 40, 1024)
