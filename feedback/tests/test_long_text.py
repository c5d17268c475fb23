"""One wording for a text too long (house rule): core.forms.too_long and the LongText field it
backs, used by the public form, the desk's services and the plans' forms alike."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.forms import LongText, too_long
from feedback import services
from feedback.forms import PublicFeedbackForm
from plans import forms as plans_forms

HOUSE = "%(label)s: at most %(limit)s characters (now %(count)s)."


def test_too_long_names_the_limit_and_the_length_in_vietnamese_digits():
    assert too_long("x" * 5000, 5000, "Nội dung") == ""
    assert too_long("  " + "x" * 5000 + "\n", 5000, "Nội dung") == ""  # the spaces around do not count
    said = too_long("x" * 12345, 5000, "Nội dung")
    assert said == _(HOUSE) % {"label": "Nội dung", "limit": "5.000", "count": "12.345"}


def test_long_text_is_checked_on_the_server_only_and_keeps_its_rows():
    field = LongText(label="Ý kiến", limit=10, rows=4)
    assert field.widget.attrs.get("rows") == 4 and "maxlength" not in field.widget_attrs(field.widget)
    assert field.clean("  vừa đủ  ") == "vừa đủ"
    with pytest.raises(ValidationError) as refused:
        field.clean("x" * 11)
    assert refused.value.messages == [_(HOUSE) % {"label": "Ý kiến", "limit": "10", "count": "11"}]


def test_the_feedback_and_plans_forms_use_the_one_field():
    assert isinstance(PublicFeedbackForm.base_fields["content"], LongText)
    assert PublicFeedbackForm.base_fields["content"].limit == services.MAX_CONTENT
    assert plans_forms.LongText is LongText
    assert isinstance(plans_forms.CommentForm.base_fields["text"], LongText)


def test_a_service_refuses_in_the_same_words():
    with pytest.raises(services.FeedbackError) as refused:
        services._fits("x" * (services.MAX_TEXT + 1), services.MAX_TEXT, _("The note"))
    count = f"{services.MAX_TEXT + 1:,}".replace(",", ".")
    assert str(refused.value) == _(HOUSE) % {"label": _("The note"), "limit": "2.000", "count": count}
