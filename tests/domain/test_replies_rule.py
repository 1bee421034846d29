"""Filling a response template (rules/replies.py) is pure: each known
placeholder, Chinese or English, half- or full-width braces, gets its value;
a date reads in the template's language; what cannot be filled stays visible,
as written, and is named so the page can flag it."""

from datetime import date

import pytest

from hotline.rules import replies as rule

VALUES = {
    rule.DEPARTMENT: "市住房和城乡建设局",
    rule.PLACE: "凤凰街道某小区3栋",
    rule.DATE: date(2026, 12, 7),
    rule.DEADLINE: date(2027, 1, 15),
}


def test_every_placeholder_is_filled_in_chinese_and_english():
    filled = rule.fill("{部门}已于{日期}到{地点}查看，{时限}前办结。", VALUES)
    assert filled.text == (
        "市住房和城乡建设局已于2026年12月7日到凤凰街道某小区3栋查看，2027年1月15日前办结。"
    )
    assert filled.complete and filled.unknown == filled.missing == ()
    english = rule.fill("{department} visited {place} on {date}; done by {Deadline}.", VALUES)
    assert english.text == (
        "市住房和城乡建设局 visited 凤凰街道某小区3栋 on 2026-12-07; done by 2027-01-15."
    )


def test_full_width_braces_and_spaces_inside_are_read_too():
    assert (
        rule.fill("｛部门｝正在｛ 地点 ｝施工", VALUES).text
        == "市住房和城乡建设局正在凤凰街道某小区3栋施工"
    )


def test_a_name_no_rule_knows_stays_visible_and_is_flagged():
    filled = rule.fill("{部门}已联系{联系人}，电话{电话}。{联系人}", VALUES)
    assert filled.text == "市住房和城乡建设局已联系{联系人}，电话{电话}。{联系人}"
    assert filled.unknown == ("{联系人}", "{电话}")  # each once, in order
    assert not filled.complete


def test_a_known_name_without_a_value_stays_visible_and_is_flagged():
    filled = rule.fill("{部门}到{地点}查看", {**VALUES, rule.PLACE: "  "})
    assert filled.text == "市住房和城乡建设局到{地点}查看"
    assert filled.missing == ("{地点}",) and filled.unknown == ()
    assert rule.fill("{时限}前", {rule.DEPARTMENT: "x"}).missing == ("{时限}",)


@pytest.mark.parametrize(
    "text",
    [
        "没有占位符。",
        "{}",
        "{ }",
        "{{部门}}",
        "一个{很长很长很长很长很长很长很长很长很长很长的名字}",
    ],
)
def test_text_without_a_real_placeholder_is_left_alone(text):
    filled = rule.fill(text, VALUES)
    if text == "{{部门}}":  # the inner one is a placeholder; the outer braces stay
        assert filled.text == "{市住房和城乡建设局}"
    else:
        assert filled.text == text and filled.complete


def test_a_value_is_not_read_again_as_a_template():
    filled = rule.fill("{地点}", {rule.PLACE: "{部门}"})
    assert filled.text == "{部门}" and filled.complete


def test_the_office_is_told_which_placeholders_no_rule_fills():
    text = "{部门}｛联系人｝{place}{联系人}{Date}"
    assert rule.placeholders(text) == ["{部门}", "｛联系人｝", "{place}", "{联系人}", "{Date}"]
    assert rule.unknown_in(text) == ["｛联系人｝", "{联系人}"]
    assert rule.unknown_in("") == []


def test_every_action_names_a_text_field_of_its_form():
    from hotline.forms import followup, staff

    forms = {**followup.FORMS, "answer": staff.AnswerForm}
    for action, field in rule.FIELDS.items():
        assert field in forms[action].__dict__ or hasattr(forms[action], field), action


def test_every_action_has_a_label():
    from hotline.forms.replies import ACTION_LABELS

    assert set(ACTION_LABELS) == set(rule.ACTIONS)
