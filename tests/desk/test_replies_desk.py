"""The answer on air (现场答复) offers the office's response templates too,
filled in for the call (its department and area): the desk picks one and
edits it before saving; the templates of another category are not offered."""

import re

from desk_support import HOUSING, calls_of, editor_version, log

from hotline.changes.categories import category_for
from hotline.extensions import db
from hotline.models import Call


def offered(html: str) -> str:
    found = re.search(
        r'<details class="replies" id="answer-answer_text-replies".*?</details>', html, re.S
    )
    return found.group(0) if found else ""


def test_the_answer_on_air_offers_the_templates_filled_in_for_the_call(app, moderator, live_show):
    log(moderator, live_show, topic="小区路灯不亮", area="古楼街道", department=str(HOUSING))
    call_id = calls_of(app, live_show)[0].id
    html = moderator.get(f"/desk/calls/{call_id}").get_data(as_text=True)
    block = offered(html)
    assert "本周上门查看" in block
    text = (
        "感谢您的反映。市住房和城乡建设局将于本周内安排专人到古楼街道查看，三个工作日内给您答复。"
    )
    assert f">{text}</p>" in block
    # The editor alone (htmx, and after each save) offers them the same.
    fragment = moderator.get(f"/desk/calls/{call_id}", headers={"HX-Request": "true"})
    assert offered(fragment.get_data(as_text=True)) == block

    saved = moderator.post_form(
        f"/desk/calls/{call_id}/answer",
        {
            "answer-answer_text": text.replace("三个", "两个"),
            "answer-answered_by": "周建华 局长",
            "answer-version": editor_version(app, call_id),
            "answer-idem": "r1",
        },
    )
    assert saved.status_code == 303
    with app.app_context():
        assert db.session.get(Call, call_id).answer_text == text.replace("三个", "两个")


def test_only_the_calls_category_and_the_all_category_answers_are_offered(
    app, moderator, supervisor, live_show
):
    with app.app_context():
        housing = category_for("住房").id  # a name or an alias (住房 is 住房城建)
    added = supervisor.post_form(
        "/admin/replies",
        {"action": "answer", "category": str(housing), "title": "物业维修基金", "text": "x"},
    )
    assert added.status_code == 302
    log(moderator, live_show, topic="维修基金", category="住房")
    log(moderator, live_show, topic="路灯不亮", category="城管")
    housing_call, other_call = (c.id for c in calls_of(app, live_show))
    block = offered(moderator.get(f"/desk/calls/{housing_call}").get_data(as_text=True))
    assert "物业维修基金" in block and "本周上门查看" in block
    block = offered(moderator.get(f"/desk/calls/{other_call}").get_data(as_text=True))
    assert "物业维修基金" not in block and "本周上门查看" in block
