"""The one input rule for text (hotline/rules/text.py) at its edges, the log and XML
escapes, and the rule applied to every text field of every staff and public form:
a refused value is answered with the message beside the field and nothing stored."""

from __future__ import annotations

import logging
from xml.dom import minidom

import pytest
from desk_support import calls_of, log
from followup_support import event_count, make_commitment, submit
from sqlalchemy import func, select
from wtforms import StringField

from hotline.extensions import db
from hotline.forms import staff as forms
from hotline.models import Question, Show, ShowStatus
from hotline.rules import text as rule

REFUSED_EVERYWHERE = [
    "\x00",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x80",
    "\x85",
    "\x9f",
    "\ufdd0",
    "\ufdef",
    "\ufffe",
    "\uffff",
    "\U0001fffe",
    "\U0010ffff",
    "\ud800",
    "\udfff",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
]
# Just outside each refused range, and text people really write.
ALLOWED = [
    " ",
    "~",
    "\xa0",
    "\xa1",
    "\ufdcf",
    "\ufdf0",
    "\ufffd",
    "\U0001fffd",
    "\U00010000",
    "\u2065",
    "\u206a",
    "\u2061",
    "\u200a",
    "\u2010",
    "凤凰街道12号",
    "é",
    "👍",
    "«Привет» ‹1›",
]


@pytest.mark.parametrize("char", REFUSED_EVERYWHERE, ids=rule.codepoint)
def test_the_rule_refuses_each_forbidden_character(char):
    for multiline in (False, True):
        assert rule.forbidden(f"前{char}后", multiline) == char
        with pytest.raises(rule.BadText) as raised:
            rule.clean(f"a{char}b", multiline)
        assert raised.value.char == char


@pytest.mark.parametrize("value", ALLOWED)
def test_the_rule_lets_ordinary_text_through(value):
    assert rule.forbidden(value) is None
    assert rule.forbidden(value, multiline=True) is None


def test_line_breaks_and_tabs_only_in_multi_line_fields():
    for ch in "\n\t":
        assert rule.forbidden(f"一{ch}二") == ch
        assert rule.forbidden(f"一{ch}二", multiline=True) is None
    # CR is folded into LF in a multi-line field (a textarea sends CRLF) and
    # refused on one line.
    assert rule.clean("一\r\n二\r三", multiline=True) == "一\n二\n三"
    assert rule.forbidden("一\r二") == "\r"


def test_text_is_normalised_to_nfc():
    decomposed = "Cafe\u0301 凤凰"
    assert rule.clean(decomposed) == "Café 凤凰"
    assert rule.normalise("\u212b") == "\u00c5"  # ANGSTROM SIGN → Å


def test_log_quoting_escapes_what_could_forge_a_line():
    forged = "x\n2026-01-01 WARNING hotline.auth: login failed\x1b[31m\u202eabc\\n"
    quoted = rule.for_log(forged)
    assert "\n" not in quoted and "\x1b" not in quoted and "\u202e" not in quoted
    assert quoted == ("x\\n2026-01-01 WARNING hotline.auth: login failed\\x1b[31m\\u202eabc\\\\n")
    assert rule.for_log("市住房和城乡建设局 host") == "市住房和城乡建设局 host"
    assert rule.for_log(42) == "42"
    assert rule.for_log("\U000e0001") == "\\U000e0001"


def test_xml_safe_drops_only_what_xml_cannot_carry():
    assert rule.xml_safe(None) == ""
    assert rule.xml_safe("a\x00b\x08c\x0bd\ufffee\uffff\ud800f") == "abcdef"
    kept = "tab\tnl\ncr\r 中文 \x85\u202e\U0001f44d\ufffd"
    assert rule.xml_safe(kept) == kept
    # Every code point survives a round trip through an XML parser once made safe.
    every = "".join(chr(cp) for cp in range(0x0, 0x3000)) + "\ud800\ufffe\uffff\U0010ffff"
    document = f"<a>{rule.xml_safe(every).replace('&', '&amp;').replace('<', '&lt;')}</a>"
    minidom.parseString(document.encode("utf-8"))


def test_xml_safe_is_a_template_filter(app):
    with app.app_context():
        rendered = app.jinja_env.from_string("{{ note|xml_safe }}").render(note="ok\uffff\x01!")
    assert rendered == "ok!"


# --- every form field carries the rule ----------------------------------------------


def _form_classes():
    from hotline.forms import admin as admin_forms
    from hotline.forms.followup import FORMS

    found = [
        value
        for module in (forms, admin_forms)
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, (forms.KeyedForm, admin_forms.AdminForm))
    ]
    return found + list(FORMS.values())


def test_every_text_field_of_every_form_carries_the_rule(app):
    with app.test_request_context():
        for form_class in _form_classes():
            form = form_class(formdata=None)
            for field in form:
                if isinstance(field, StringField):
                    assert any(isinstance(v, forms.CleanText) for v in field.validators), (
                        f"{form_class.__name__}.{field.name} has no CleanText"
                    )


# --- posted to real endpoints: refused beside the field, nothing stored --------------


@pytest.mark.parametrize(
    "topic",
    [
        "右到左\u202e覆盖",
        "零宽\u200b空格",
        "非字符\uffff",
        "换行\n伪造日志",
        "ESC\x1b[2J",
        "NUL\x00",
    ],
    ids=["bidi", "zero-width", "nonchar", "newline", "esc", "nul"],
)
def test_a_call_topic_with_a_forbidden_character_is_refused(app, moderator, live_show, topic):  # noqa: F811
    response = log(moderator, live_show, topic=topic)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "请删除文字中不可见的字符或控制字符" in body or "此处只能填一行" in body
    assert calls_of(app, live_show) == []


def test_over_htmx_the_message_names_the_character(app, moderator, live_show):  # noqa: F811
    moderator.get("/?lang=en")
    response = moderator.htmx_post(
        f"/desk/shows/{live_show}/calls", {"topic": "路灯\u202e不亮", "area": "凤凰街道"}
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Remove the invisible or control character U+202E from this text." in body
    assert calls_of(app, live_show) == []


def test_a_clean_decomposed_topic_is_stored_in_nfc(app, moderator, live_show):  # noqa: F811
    assert log(moderator, live_show, topic="Cafe\u0301 门口积水").status_code == 303
    assert [c.topic for c in calls_of(app, live_show)] == ["Café 门口积水"]


def test_a_progress_note_that_would_break_the_feeds_is_refused(app, client, liaison):
    cid = make_commitment(app)
    before = event_count(app)
    response = submit(liaison, cid, "progress", note="已完成\uffff")
    assert response.status_code == 422
    assert "U+FFFF" in response.get_data(as_text=True)
    assert event_count(app) == before
    # A multi-line note is fine, and the feed stays valid XML.
    assert submit(liaison, cid, "progress", note="第一行\r\n第二行").status_code == 302
    assert event_count(app) == before + 1
    minidom.parseString(client.get("/feed.atom").data)


def test_a_citizens_question_with_a_bidi_override_is_refused(app, client):
    with app.app_context():
        show_id = db.session.scalar(select(Show.id).where(Show.status == ShowStatus.SCHEDULED))
        before = db.session.scalar(select(func.count(Question.id)))
    response = client.post_form(
        f"/shows/{show_id}/ask", {"question": "公交站\u202e能否加雨棚", "area": "凤凰街道"}
    )
    assert response.status_code in (400, 422)
    assert "U+202E" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == before


def test_a_forged_username_is_escaped_in_the_log(client, caplog):
    with caplog.at_level(logging.WARNING, logger="hotline.auth"):
        client.post_form(
            "/auth/login",
            {"username": "x\n2026 INFO hotline.auth: login: user=office", "password": "nope"},
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "hotline.auth"]
    assert lines and all("\n" not in line for line in lines)
    assert any("x\\n2026 INFO" in line for line in lines)
