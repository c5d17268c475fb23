"""The item's history in words: every action the feedback desk logs has a registered label
(feedback.apps, core.audit), and the item page shows them in Vietnamese, never the raw codes."""

import re
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from core import audit
from feedback import services


def test_every_logged_feedback_action_has_a_label():
    source = "".join(Path(services.__file__).with_name(name).read_text() for name in ("services.py", "views.py"))
    actions = set(re.findall(r'action="((?:feedback|reception)\.\w+)"', source))
    assert {"feedback.reopened", "feedback.closed", "feedback.sender_reminder", "reception.recorded"} <= actions
    assert actions - set(audit.ACTIONS) == set()


def test_the_item_page_shows_the_labels(client, org, item):
    services.not_accept(item=item, actor=org.office, reason="Thiếu địa chỉ", now=timezone.now())
    client.force_login(org.office)
    page = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    assert "tiếp nhận phản ánh" in page and "không tiếp nhận: Thiếu địa chỉ" in page
    assert "feedback.received" not in page and "feedback.not_accepted" not in page


def test_changed_fields_and_values_read_in_words():
    assert audit.field_label("feedback.classified", "within_competence") == "thuộc thẩm quyền"
    assert audit.value_label("feedback.published", "status", "awaiting_publication") == "Chờ công khai"
    assert audit.value_label("feedback.classified", "category", "conduct") == "Hành vi của cán bộ, công chức"
    assert audit.field_label("feedback.approved", "approved_by") == "người duyệt"
