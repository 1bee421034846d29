"""A liaison picks one of the office's response templates on the follow-up
page: the templates for the item's category and for every category are
offered beside each text box, filled in for the item, never a retired one or
another category's; the text is there to read and copy without JavaScript,
and what is sent is what the liaison edited."""

import re

from followup_support import HOUSING, make_commitment, submit
from sqlalchemy import select

from hotline.changes.categories import category_for
from hotline.clock import today
from hotline.extensions import db
from hotline.models import Commitment, Reply
from hotline.rules.replies import date_words


def picker(html: str, form: str) -> str:
    """The templates offered in one form of the page ("" when none)."""
    block = re.search(rf'<form[^>]*id="form-{form}".*?</form>', html, re.S).group(0)
    found = re.search(r'<details class="replies".*?</details>', block, re.S)
    return found.group(0) if found else ""


def titles(block: str) -> list[str]:
    return re.findall(r'<li data-reply="\d+">\s*<strong>([^<]+)</strong>', block)


def category_id(app, name: str) -> int:
    with app.app_context():
        return category_for(name).id  # a name or an alias (住房 is 住房城建)


def test_the_liaison_is_offered_the_templates_of_the_items_category_filled_in(app, liaison):
    cid = make_commitment(app)  # a housing call (住房, 凤凰街道)
    with app.app_context():
        item = db.session.get(Commitment, cid)
        day, deadline, area = today(), item.deadline, item.call.area
    html = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)

    progress = picker(html, "progress")
    # The category's own first, then the ones for every category; not 城管's, not retired.
    assert titles(progress) == ["管网检测维修", "已现场查看", "施工推进中"]
    assert 'data-replies-for="progress-note"' in progress
    filled = (
        f"{HOUSING}已于{date_words(day, '中')}派员到{area}现场查看，问题已登记，"
        f"正在制定整改方案，将在{date_words(deadline, '中')}前办结。"
    )
    assert f">{filled}</p>" in progress
    # Without JavaScript the button stays hidden and the text is there to copy.
    button = r'<button type="button"[^>]*data-reply-target="progress-note" hidden>'
    assert re.search(button, progress)

    assert titles(picker(html, "extension")) == ["需多部门协调"]
    assert titles(picker(html, "completion")) == ["已整改完毕"]
    # The office's own actions are not the liaison's: no verify or withdraw form at all.
    assert 'id="form-verify"' not in html and "现场核验属实" not in html


def test_the_liaison_sends_a_progress_note_edited_from_a_template(app, liaison):
    cid = make_commitment(app)
    html = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    text = re.search(
        r'<strong>管网检测维修</strong>.*?<p class="reply-text"[^>]*>([^<]+)</p>',
        picker(html, "progress"),
        re.S,
    ).group(1)
    assert text.startswith(f"{HOUSING}已联系供水公司")
    sent = text + "预计下周完成维修。"
    response = submit(liaison, cid, "progress", note=sent)
    assert response.status_code == 302
    page = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert sent in page


def test_an_item_of_an_unmapped_category_is_offered_only_the_all_category_ones(app, liaison):
    cid = make_commitment(app)
    with app.app_context():
        call = db.session.get(Commitment, cid).call
        call.category = "住房保障"  # typed on air, not (yet) on the office's list
        call.category_id = None
        db.session.commit()
    html = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert titles(picker(html, "progress")) == ["已现场查看", "施工推进中"]


def test_the_mapped_category_decides_and_a_retired_template_is_not_offered(
    app, liaison, supervisor
):
    cid = make_commitment(app)
    with app.app_context():
        call = db.session.get(Commitment, cid).call
        call.category_id = category_id(app, "城管")
        db.session.commit()
        retired = db.session.scalar(select(Reply.id).where(Reply.title == "施工推进中"))
    supervisor.post_form(f"/admin/replies/{retired}/active", {"active": "0"})
    html = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert titles(picker(html, "progress")) == ["路灯检修", "已现场查看"]


def test_an_unfilled_placeholder_is_flagged_beside_the_template(app, liaison, supervisor):
    supervisor.post_form(
        "/admin/replies",
        {
            "action": "progress",
            "category": "",
            "title": "约谈物业",
            "text": "已约谈{物业公司}负责人，{地点}问题限期整改。",
        },
    )
    cid = make_commitment(app)
    with app.app_context():
        db.session.get(Commitment, cid).call.area = ""
        db.session.commit()
    html = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    progress = picker(html, "progress")
    assert ">已约谈{物业公司}负责人，{地点}问题限期整改。</p>" in progress
    assert "发送前请填写：{物业公司}、{地点}" in progress


def test_the_office_is_offered_the_verification_and_withdrawal_templates(app, supervisor):
    cid = make_commitment(app)
    html = supervisor.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert titles(picker(html, "withdraw")) == ["与原事项重复"]
    with app.app_context():
        reported = db.session.scalar(
            select(Commitment.id).where(Commitment.state == "reported").limit(1)
        )
        item = db.session.get(Commitment, reported)
        place = item.place or (item.call.area if item.call else item.message.area)
    html = supervisor.get(f"/followup/commitments/{reported}").get_data(as_text=True)
    verify = picker(html, "verify")
    assert titles(verify) == ["现场核验属实"] and f"会同社区到{place}现场核验" in verify


def test_another_departments_liaison_sees_no_templates_of_an_item_not_theirs(app, login):
    cid = make_commitment(app)
    assert login("transport").get(f"/followup/commitments/{cid}").status_code == 404
