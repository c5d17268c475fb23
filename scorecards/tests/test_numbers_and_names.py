"""What the PAR pages write for numbers and for the criteria set (D22, D23): Vietnamese numbers
(0,5; 10,00) in rule texts, declared values, changes and the home page's index, "điểm tối đa"
rather than "max", the set's name rather than its code, dates typed as dd/mm/yyyy."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from scorecards.criteria import Band, Level, Node, Rule
from scorecards.templatetags.par_ui import declared_text, num, rule_text, signed


def node(rule):
    return Node(code="1", name="x", max=Decimal(2), rule=rule)


def test_rule_texts_write_vietnamese_numbers_and_no_english_max():
    levels = rule_text(
        node(Rule("levels", levels=(Level("Đầy đủ", factor=Decimal(1)), Level("Chưa", factor=Decimal("0.5")))))
    )
    assert levels == "Đầy đủ: " + _("%(factor)s × max") % {"factor": "1"} + "; Chưa: " + _("%(factor)s × max") % {
        "factor": "0,5"
    }
    bands = rule_text(node(Rule("bands", bands=(Band(Decimal(100), Decimal("2.5")), Band(Decimal(0), Decimal(0))))))
    assert bands == "≥ 100%: 2,5; ≥ 0%: 0"
    assert rule_text(node(Rule("deduction", per_violation=Decimal("0.5")))) == _("max − %(points)s per violation") % {
        "points": "0,5"
    }
    assert "0.5" not in rule_text(node(Rule("proportional", target=Decimal("0.505"))))


def test_declared_values_changes_and_indices_are_written_the_vietnamese_way():
    assert declared_text({"percent": "85.5"}) == "85,5%"
    assert declared_text({"numerator": 12, "denominator": "10.5"}) == "12/10,5"
    assert declared_text({"violations": 1}) == f"1 ({_('violations')})"
    assert signed(Decimal("1.50")) == "+1,50" and signed(Decimal("-0.25")) == "−0,25"
    assert num("10.00") == "10,00" and num(None) == "—" and num("") == "—" and num(Decimal("1234.5")) == "1.234,50"


def test_the_home_page_writes_the_index_with_a_comma_and_names_the_set(par, org, login):
    round_, card = par
    card.results = {"self": {"index": "10.00"}}
    card.save(update_fields=["results"])
    page = login(org.office).get(reverse("scorecards:home")).content.decode()
    assert "10,00" in page and "10.00" not in page
    assert round_.criteria_set.name in page and round_.criteria_set.code not in page
    detail = login(org.office).get(reverse("scorecards:round_detail", args=[round_.pk])).content.decode()
    assert round_.criteria_set.name in detail and round_.criteria_set.code not in detail


def test_round_dates_are_typed_as_dd_mm_yyyy_and_sets_chosen_by_name(par, org, login):
    round_, card = par
    page = login(org.appraiser).get(reverse("scorecards:round_new"))
    html = page.content.decode()
    assert 'type="date"' not in html and html.count('data-datepicker="date"') == 5
    choices = [str(label) for _value, label in page.context["form"].fields["criteria_set"].choices]
    assert any(round_.criteria_set.name in label for label in choices)
    assert not any(round_.criteria_set.code in label for label in choices)
