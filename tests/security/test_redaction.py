"""Redaction of personal data (core/privacy.redact), finding M2 of the December 2026 probe: phone
numbers in any grouping, e-mails written out, ID numbers with separators, the sender's own name
and address in any form, and what must stay (procedure codes, dates, amounts, document numbers).
Pure: no database."""

import datetime as dt
import unicodedata

import pytest
from django.utils import timezone

from core.privacy import redact, segments

NAME = "Trần Thị Bích"
ADDRESS = "Thôn Nà Chào, xã Đồng Đăng, huyện Cao Lộc"
KNOWN = [NAME, ADDRESS, "0912 345 678", "bich.tran@gmail.com", "H38.15-261207-0042"]
PROBE = (
    "Tôi là Trần Thị Bích, CCCD 020 190 001 234 … điện thoại … (0205) 3812 345 hoặc 0912 . 345 . 678 "
    "hoặc +84 (912) 345 678, email bich.tran (at) gmail.com …"
)
NFD = unicodedata.normalize("NFD", "Tôi là Trần Thị Bích, ở Thôn Nà Chào")
FULL_WIDTH = "Gọi ０９８７ ６５４ ３２１ nhé"
HAI, NAM, AN = ["Trần Văn Hải"], ["Lê Thị Năm"], ["Nguyễn Văn An"]

# (input, known, expected output)
CASES = [
    # --- the probe's exact inputs (M2) ---
    (
        PROBE,
        KNOWN,
        "Tôi là […], CCCD [số định danh] … điện thoại … [số điện thoại] hoặc [số điện thoại] "
        "hoặc [số điện thoại], email [email] …",
    ),
    ("CCCD 0201-9000-1234", KNOWN, "CCCD [số định danh]"),
    ("Gọi 0912 - 345 - 678", (), "Gọi [số điện thoại]"),
    (FULL_WIDTH, (), "Gọi [số điện thoại] nhé"),
    ("Gửi về a.b@localhost giúp tôi", (), "Gửi về [email] giúp tôi"),
    ("Tôi là Tran Thi Bich, cảm ơn.", KNOWN, "Tôi là […], cảm ơn."),
    (NFD, KNOWN, unicodedata.normalize("NFD", "Tôi là […], ở […]")),
    ("Địa chỉ: Thôn Nà Chào, xã Đồng Đăng, huyện Cao Lộc.", KNOWN, "Địa chỉ: […]."),
    ("Hồ sơ h38.15-261207-0042 bị trả lại", KNOWN, "Hồ sơ [mã hồ sơ] bị trả lại"),
    ("Rất tốt, gọi tôi 0912 - 345 - 678", (), "Rất tốt, gọi tôi [số điện thoại]"),
    # --- phone numbers, any grouping ---
    ("Gọi 0912 345 678", (), "Gọi [số điện thoại]"),
    ("sđt 091.234.5678", (), "sđt [số điện thoại]"),
    ("máy bàn 0205 3812 345", (), "máy bàn [số điện thoại]"),
    ("máy bàn (0205) 3812 345", (), "máy bàn [số điện thoại]"),
    ("+84 912 345 678", (), "[số điện thoại]"),
    ("+84 (912) 345 678", (), "[số điện thoại]"),
    ("(+84) 912-345-678", (), "[số điện thoại]"),
    ("0084 912 345 678", (), "[số điện thoại]"),
    ("84912345678", (), "[số điện thoại]"),
    ("ĐT0912345678", (), "ĐT[số điện thoại]"),
    ("ĐT: 0912.345.678.", (), "ĐT: [số điện thoại]."),
    ("số 0912 . 345 . 678 nhé", (), "số [số điện thoại] nhé"),
    ("Hà Nội (024) 3825 1234", (), "Hà Nội [số điện thoại]"),
    ("di động 0987-654-321", (), "di động [số điện thoại]"),
    ("０９１２.３４５.６７８", (), "[số điện thoại]"),
    ("gọi 0123 456 789 (số cũ)", (), "gọi [số điện thoại] (số cũ)"),
    ("Gọi Trần Bích: 0912345678", KNOWN, "Gọi […]: [số điện thoại]"),
    # --- e-mail addresses written out ---
    ("email lan@example.vn.", (), "email [email]."),
    ("bich.tran (at) gmail.com", (), "[email]"),
    ("bich.tran [at] gmail [dot] com", (), "[email]"),
    ("bich.tran at gmail dot com", (), "[email]"),
    ("bich.tran(at)gmail(dot)com", (), "[email]"),
    ("lan a còng gmail chấm com", (), "[email]"),
    ("LAN＠EXAMPLE.VN", (), "[email]"),
    ("0912345678@gmail.com", (), "[email]"),
    # --- identity, tax and account numbers ---
    ("CCCD 012345678901", (), "CCCD [số định danh]"),
    ("CCCD số: 020 190 001 234", (), "CCCD số: [số định danh]"),
    ("căn cước 020.190.001.234", (), "căn cước [số định danh]"),
    ("CMND 125678901", (), "CMND [số định danh]"),
    ("CMND 125 678 901", (), "CMND [số định danh]"),
    ("CMND số 125.678.901", (), "CMND số [số định danh]"),
    ("MST 0101234567", (), "MST [mã số thuế]"),
    ("mã số thuế 0101234567-001", (), "mã số thuế [mã số thuế]"),
    ("STK 1903 5555 6666 77", (), "STK [số định danh]"),
    # --- the sender's own name and address, in any form ---
    ("TRẦN THỊ BÍCH phản ánh", KNOWN, "[…] phản ánh"),
    ("trần thị bích phản ánh", KNOWN, "[…] phản ánh"),
    ("Tran  Thi  Bich", KNOWN, "[…]"),
    ("Kính gửi bà Bích,", KNOWN, "Kính gửi bà […],"),
    ("Trần Bích đã đến", KNOWN, "[…] đã đến"),
    ("TRAN-THI-BICH", KNOWN, "[…]"),
    ("ở thon na chao", KNOWN, "ở […]"),
    (
        unicodedata.normalize("NFD", "Ở THÔN NÀ CHÀO, XÃ ĐỒNG ĐĂNG, HUYỆN CAO LỘC"),
        KNOWN,
        unicodedata.normalize("NFD", "Ở […]"),
    ),
    ("dia chi: thon na chao xa dong dang huyen cao loc", KNOWN, "dia chi: […]"),
    ("Ông Đặng Văn Đức gửi", ["Đặng Văn Đức"], "Ông […] gửi"),
    ("Ong Dang Van Duc gui", ["Đặng Văn Đức"], "Ong […] gui"),
    ("gặp anh Đức", ["Đặng Văn Đức"], "gặp anh […]"),
    # --- what stays ---
    ("Thủ tục 1.004227 và 2.002155.000.00.00.H38", KNOWN, "Thủ tục 1.004227 và 2.002155.000.00.00.H38"),
    ("ngày 12/03/2026", (), "ngày 12/03/2026"),
    ("ngày 2026-03-12", (), "ngày 2026-03-12"),
    ("từ 01.02.2026 đến 15.02.2026", (), "từ 01.02.2026 đến 15.02.2026"),
    ("phí 1.500.000 đồng", (), "phí 1.500.000 đồng"),
    ("lệ phí 500,000 VND", (), "lệ phí 500,000 VND"),
    ("vốn 1.500.000.000 đồng", (), "vốn 1.500.000.000 đồng"),
    ("tổng 12.500.000.000", (), "tổng 12.500.000.000"),
    ("Quyết định số 766/QĐ-TTg", (), "Quyết định số 766/QĐ-TTg"),
    ("Nghị định số 30/2020/NĐ-CP", (), "Nghị định số 30/2020/NĐ-CP"),
    ("Kế hoạch 125/KH-BQLKKTCK ngày 05/01/2026", (), "Kế hoạch 125/KH-BQLKKTCK ngày 05/01/2026"),
    ("theo Điều 12, khoản 3 Luật 91/2025/QH15", (), "theo Điều 12, khoản 3 Luật 91/2025/QH15"),
    ("năm 2026, hẹn 20 ngày", (), "năm 2026, hẹn 20 ngày"),
    ("đạt 95,5% và 100 %", (), "đạt 95,5% và 100 %"),
    ("hẹn 15 ngày, phí 100.000 đồng, năm 2026", (), "hẹn 15 ngày, phí 100.000 đồng, năm 2026"),
    ("đường dây nóng 1800 1091 hoặc 1900 1234", (), "đường dây nóng 1800 1091 hoặc 1900 1234"),
    ("lúc 08:30 ngày 12/03/2026", (), "lúc 08:30 ngày 12/03/2026"),
    ("giai đoạn 2021 - 2025", (), "giai đoạn 2021 - 2025"),
    ("Mã hồ sơ H38.15 gồm 3 bộ", (), "Mã hồ sơ H38.15 gồm 3 bộ"),
    ("Hồ sơ của bà Mai được trả", KNOWN, "Hồ sơ của bà Mai được trả"),  # not the sender's name
    ("Đồng Đăng là cửa khẩu", KNOWN, "Đồng Đăng là cửa khẩu"),  # a place, not the address
    # --- a given name that is also a word: only the name is removed (review of item 5) ---
    ("Tôi có hai câu hỏi", HAI, "Tôi có hai câu hỏi"),  # có is not cô
    ("Hồ sơ chỉ hai ngày là xong", HAI, "Hồ sơ chỉ hai ngày là xong"),  # chỉ is not chị
    ("Tôi đã chờ có năm ngày", NAM, "Tôi đã chờ có năm ngày"),
    ("Cho ông an tâm, đi An Giang", AN, "Cho ông an tâm, đi An Giang"),  # đi is not dì; an tâm
    ("Tôi đi Hải Phòng nộp hồ sơ", HAI, "Tôi đi Hải Phòng nộp hồ sơ"),
    ("Nộp ba năm liền mới được", NAM, "Nộp ba năm liền mới được"),  # ba is not bà
    ("Giấy tờ cũ năm 2020 vẫn dùng được", NAM, "Giấy tờ cũ năm 2020 vẫn dùng được"),  # cũ is not cụ
    ("Tiền bạc an toàn, em an tâm", AN, "Tiền bạc an toàn, em an tâm"),  # bạc, and em an tâm
    ("Ông tư vấn rất kỹ, thứ tư tôi đến", ["Hoàng Văn Tư"], "Ông tư vấn rất kỹ, thứ tư tôi đến"),
    ("Bà bảy mươi tuổi vẫn phải chờ", ["Phạm Thị Bảy"], "Bà bảy mươi tuổi vẫn phải chờ"),
    ("Bà minh chứng được đã nộp đủ", ["Lê Văn Minh"], "Bà minh chứng được đã nộp đủ"),
    ("Anh Minh Quang ở phòng bên", ["Lê Văn Minh"], "Anh Minh Quang ở phòng bên"),  # another person
    ("Chờ lâu quá, bà hoa mắt", ["Trần Thị Hoa"], "Chờ lâu quá, bà hoa mắt"),
    ("Đầu xuân, cô xuân sắc hẳn", ["Nguyễn Thị Xuân"], "Đầu xuân, cô xuân sắc hẳn"),
    ("Chị thu đủ lệ phí, lễ thu nhận nhanh", ["Lê Thị Thu"], "Chị thu đủ lệ phí, lễ thu nhận nhanh"),
    ("Mùa đông, bà đông con nên xin ưu tiên", ["Trần Thị Đông"], "Mùa đông, bà đông con nên xin ưu tiên"),
    ("Cán bộ chú hà khắc quá", ["Nguyễn Thị Hà"], "Cán bộ chú hà khắc quá"),
    ("Do năm nay đông người nên chờ lâu", ["Đỗ Thị Năm"], "Do năm nay đông người nên chờ lâu"),  # not Đỗ Năm
    ("Toi co hai cau hoi", HAI, "Toi co hai cau hoi"),  # typed without diacritics
    # --- the sender's given name after an honorific, in any case, form or spelling ---
    ("Kính gửi bà Năm,", NAM, "Kính gửi bà […],"),
    ("Ông Hải cho biết đã nộp đủ", HAI, "Ông […] cho biết đã nộp đủ"),
    ("ông Hải cho biết", HAI, "ông […] cho biết"),
    ("Gửi chị Hoa, hồ sơ đã xong", ["Trần Thị Hoa"], "Gửi chị […], hồ sơ đã xong"),
    ("Cảm ơn ông An.", AN, "Cảm ơn ông […]."),
    ("Cô Xuân gọi lại", ["Nguyễn Thị Xuân"], "Cô […] gọi lại"),
    ("Chú Tư đến nộp", ["Hoàng Văn Tư"], "Chú […] đến nộp"),
    ("Bà Bảy đến lấy kết quả", ["Phạm Thị Bảy"], "Bà […] đến lấy kết quả"),
    ("KÍNH GỬI ÔNG HẢI", HAI, "KÍNH GỬI ÔNG […]"),
    ("Kinh gui ong Hai", HAI, "Kinh gui ong […]"),
    ("Kính gửi ông Hải", ["Tran Van Hai"], "Kính gửi ông […]"),  # the sender typed no diacritics
    ("Gửi chị Hoà", ["Lê Thị Hòa"], "Gửi chị […]"),  # the tone mark placed the old way
    ("Gửi chị Ngọc Anh", ["Nguyễn Ngọc Anh"], "Gửi chị […]"),
    ("Trần Hải đã nộp", HAI, "[…] đã nộp"),
    (unicodedata.normalize("NFD", "Kính gửi bà Năm"), NAM, unicodedata.normalize("NFD", "Kính gửi bà […]")),
    (unicodedata.normalize("NFD", "Tôi là Lê Thị Năm"), NAM, unicodedata.normalize("NFD", "Tôi là […]")),
    ("Toi la Le Thi Nam", NAM, "Toi la […]"),
    ("tran van hai gui", HAI, "[…] gui"),
    ("LÊ THỊ NĂM phản ánh", NAM, "[…] phản ánh"),
    # --- dossier codes of the national portal, long agency prefixes ---
    ("Hồ sơ 000.00.12.H38-260312-0001 chậm", (), "Hồ sơ [mã hồ sơ] chậm"),
    ("mã 000.00.12.h38-260312-0001.", (), "mã [mã hồ sơ]."),
    ("Hồ sơ H38.15-261207-0042 xong", (), "Hồ sơ [mã hồ sơ] xong"),
    ("số G22.39.15-250101-12345", (), "số [mã hồ sơ]"),
    ("mã H38.15-260312-0001234", (), "mã [mã hồ sơ]"),
    ("Hồ sơ 000.00.12.H38-260312-0001", ["000.00.12.H38-260312-0001"], "Hồ sơ [mã hồ sơ]"),
    (
        "Thủ tục 2.002155.000.00.00.H38 ngày 12-03-2026, Quyết định 766/QĐ-TTg",
        (),
        "Thủ tục 2.002155.000.00.00.H38 ngày 12-03-2026, Quyết định 766/QĐ-TTg",
    ),
    ("thủ tục 1.004227 ngày 2026-03-12, phí 50.000 đồng", (), "thủ tục 1.004227 ngày 2026-03-12, phí 50.000 đồng"),
    # --- idempotent: redacting twice changes nothing more ---
    ("[số điện thoại] và [email] và […]", KNOWN, "[số điện thoại] và [email] và […]"),
]


@pytest.mark.parametrize(("text", "known", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_redaction_table(text, known, expected):
    assert redact(text, known) == expected


def test_the_table_is_large_enough():
    assert len(CASES) >= 60


@pytest.mark.parametrize(("text", "known", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_redaction_is_idempotent(text, known, expected):
    once = redact(text, known)
    assert redact(once, known) == once


def test_the_probe_text_keeps_nothing_personal():
    shown = redact(PROBE, KNOWN)
    for private in ("Bích", "020 190", "0205", "3812", "345", "912", "bich.tran", "gmail"):
        assert private not in shown, private


def test_segments_say_what_was_removed():
    pieces = segments("Gọi 0912 345 678, chị Bích", KNOWN)
    removed = [(shown, original) for shown, original in pieces if original is not None]
    assert removed == [("[số điện thoại]", "0912 345 678"), ("[…]", "Bích")]
    assert "".join(shown for shown, _original in pieces) == "Gọi [số điện thoại], chị […]"


# --- where the redaction is applied (database) ---


@pytest.mark.django_db
def test_survey_comments_are_redacted_when_shown_to_staff(client, org):
    """A comment stored under the old rules is redacted again when staff see it."""
    from django.urls import reverse

    from surveys import selectors
    from surveys import services as sipas
    from surveys.models import Response

    form = selectors.questionnaire(selectors.DEFAULT_QUESTIONNAIRE)
    response = sipas.build_response(
        sipas.Answers(dict.fromkeys([f"q{n}" for n in range(15, 34)], 4), {}, "Rất tốt"),
        agency_id=org.agency.pk,
        unit_id=None,
        procedure_id=None,
        procedure_code="",
        channel="online",
        source="receipt",
        questionnaire=form.code,
        day=dt.date(2026, 3, 1),
    )
    response.save()
    Response.objects.filter(pk=response.pk).update(
        comment="Rất tốt, gọi tôi 0912 - 345 - 678", comment_shown="Rất tốt, gọi tôi 0912 - 345 - 678"
    )
    client.force_login(org.office)
    page = client.get(reverse("surveys:comments")).content.decode()
    assert "Rất tốt, gọi tôi [số điện thoại]" in page and "345 - 678" not in page
    fresh = sipas.build_response(
        sipas.Answers(dict.fromkeys([f"q{n}" for n in range(15, 34)], 4), {}, "Rất tốt, gọi tôi 0912 - 345 - 678"),
        agency_id=org.agency.pk,
        unit_id=None,
        procedure_id=None,
        procedure_code="",
        channel="online",
        source="receipt",
        questionnaire=form.code,
        day=dt.date(2026, 3, 1),
    )
    assert fresh.comment_shown == "Rất tốt, gọi tôi [số điện thoại]"


@pytest.fixture
def awaiting(org, cal):
    from feedback import services

    item, _key = services.receive(
        agency=org.agency,
        channel="online",
        name=NAME,
        address=ADDRESS,
        phone="0912 345 678",
        email="bich.tran@gmail.com",
        content=PROBE,
        cal=cal,
        received_at=timezone.now(),
    )
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    services.submit_answer(
        item=item, actor=org.officer, answer="Kính gửi bà Tran Thi Bich: theo Quyết định số 766/QĐ-TTg, …"
    )
    services.approve(item=item, actor=org.leader, cal=cal, now=timezone.now())
    item.refresh_from_db()
    return item


@pytest.mark.django_db
def test_the_published_text_is_the_previewed_one(client, org, awaiting):
    from django.urls import reverse

    from core.models import AuditEntry

    assert "Bích" not in awaiting.summary and "3812" not in awaiting.summary  # the probe's text, at intake
    url = reverse("feedback:publish", args=[awaiting.pk])
    client.force_login(org.office)
    preview = client.get(url)
    page = preview.content.decode()
    assert preview.status_code == 200 and '<mark class="redacted"' in page
    assert "Quyết định số 766/QĐ-TTg" in page
    # edited after the preview, published without looking again: refused, the edit kept
    edited = "Hỏi về giấy tờ; bà Bích gọi 0912.345.678."
    stale = client.post(
        url,
        {
            "summary": edited,
            "answer": "",
            "action": "publish",
            "confirmation": preview.context["preview"]["confirmation"],
        },
    )
    awaiting.refresh_from_db()
    assert stale.status_code == 400 and awaiting.status == "awaiting_publication"
    assert edited in stale.content.decode()  # the typed text is still in the form
    assert "Hỏi về giấy tờ; bà [số điện thoại]" not in stale.content.decode()
    shown = stale.context["preview"]["texts"]
    assert shown["summary"] == "Hỏi về giấy tờ; bà […] gọi [số điện thoại]."
    done = client.post(
        url,
        {
            "summary": edited,
            "answer": "",
            "action": "publish",
            "confirmation": stale.context["preview"]["confirmation"],
        },
    )
    awaiting.refresh_from_db()
    assert done.status_code == 302 and awaiting.status == "published"
    assert (awaiting.summary, awaiting.public_answer) == (shown["summary"], shown["answer"])
    assert "Bich" not in awaiting.public_answer and "766/QĐ-TTg" in awaiting.public_answer
    entry = AuditEntry.objects.get(action="feedback.published", object_id=str(awaiting.pk))
    assert entry.actor == org.office and entry.changes["summary"][1] == shown["summary"]


@pytest.mark.django_db
def test_only_the_office_publishes_and_never_without_a_preview(client, org, awaiting):
    from django.urls import reverse

    url = reverse("feedback:publish", args=[awaiting.pk])
    client.force_login(org.officer)
    assert client.post(url, {"action": "publish"}).status_code in (403, 404)
    client.force_login(org.office)
    forged = client.post(url, {"action": "publish", "confirmation": "0" * 64})
    awaiting.refresh_from_db()
    assert forged.status_code == 400 and awaiting.status == "awaiting_publication"
