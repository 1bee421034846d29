"""The office keeps the response templates (回复模板) in Administration:
adds one for an action and a category (or all), changes it, retires it and
brings it back; nothing is deleted, every change is in the audit trail, and
only the office may do it (with the page's CSRF token)."""

import re

import pytest
from sqlalchemy import select

from hotline.changes import audit
from hotline.changes.categories import category_for
from hotline.extensions import db
from hotline.models import AuditLog, Reply

NEW = {
    "action": "extension",
    "category": "",
    "title": "材料待审批",
    "text": "{部门}已上报{地点}改造方案，待财政审批，需延期至{时限}。联系人：{联系人}",
}


def audited(app, action: str) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(select(AuditLog).where(AuditLog.action == action))
        return [row.detail for row in rows]


def reply_id(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Reply.id).where(Reply.title == title))


def test_the_office_adds_a_template_and_is_told_of_an_unknown_placeholder(app, supervisor):
    page = supervisor.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/replies"' in page
    page = supervisor.get("/admin/replies").get_data(as_text=True)
    assert "回复模板" in page and "已现场查看" in page  # the demo's
    assert "{部门}" in page and "{department}" in page  # the placeholders, explained

    added = supervisor.post_form("/admin/replies", NEW)
    assert added.status_code == 302
    new_id = reply_id(app, "材料待审批")
    assert added.headers["Location"].endswith(f"/admin/replies#reply-{new_id}")
    page = supervisor.get("/admin/replies").get_data(as_text=True)
    assert "模板“材料待审批”已添加" in page
    assert "{联系人}" in page and "不是系统可自动填写的占位符" in page  # flagged, kept
    article = re.search(rf'<article[^>]*id="reply-{new_id}".*?</article>', page, re.S).group(0)
    assert "延期申请" in article and "全部类别" in article
    with app.app_context():
        row = db.session.get(Reply, new_id)
        assert (row.action, row.category_id, row.active) == ("extension", None, True)
    assert audited(app, audit.REPLY_ADDED)[0]["title"] == "材料待审批"


def test_a_template_is_changed_retired_and_offered_again_never_deleted(app, supervisor):
    supervisor.post_form("/admin/replies", NEW)
    new_id = reply_id(app, "材料待审批")
    with app.app_context():
        category_id = category_for("住房").id  # a name or an alias (住房 is 住房城建)
    changed = supervisor.post_form(
        f"/admin/replies/{new_id}",
        {**NEW, "category": str(category_id), "text": "{部门}正在办理审批。"},
    )
    assert changed.status_code == 302
    with app.app_context():
        row = db.session.get(Reply, new_id)
        assert (row.category_id, row.text) == (category_id, "{部门}正在办理审批。")
    assert audited(app, audit.REPLY_CHANGED)[0]["category_id"] == [None, category_id]

    retired = supervisor.post_form(f"/admin/replies/{new_id}/active", {"active": "0"})
    assert retired.status_code == 302
    page = supervisor.get("/admin/replies").get_data(as_text=True)
    assert re.search(rf'id="reply-{new_id}" data-reply="{new_id}" data-active="no"', page)
    supervisor.post_form(f"/admin/replies/{new_id}/active", {"active": "1"})
    with app.app_context():
        assert db.session.get(Reply, new_id).active
    assert len(audited(app, audit.REPLY_RETIRED)) == len(audited(app, audit.REPLY_RESTORED)) == 1


def test_a_refused_template_keeps_what_was_typed(app, supervisor):
    before = reply_id(app, "材料待审批")
    refused = supervisor.post_form("/admin/replies", {**NEW, "text": "   "})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="reply-new-error"' in html and 'value="材料待审批"' in html
    bad = supervisor.post_form("/admin/replies", {**NEW, "action": "callback"})
    assert bad.status_code == 422
    unknown_category = supervisor.post_form("/admin/replies", {**NEW, "category": "999"})
    assert unknown_category.status_code == 422
    assert before is None and reply_id(app, "材料待审批") is None
    assert supervisor.post_form("/admin/replies/99999", NEW).status_code == 404


@pytest.mark.parametrize("who", ["host", "housing"])
def test_only_the_office_keeps_the_templates(app, login, who):
    client = login(who)
    assert client.get("/admin/replies").status_code == 403
    assert client.post_form("/admin/replies", NEW).status_code == 403
    any_id = reply_id(app, "已现场查看")
    assert client.post_form(f"/admin/replies/{any_id}/active", {"active": "0"}).status_code == 403
    assert reply_id(app, "材料待审批") is None


def test_a_change_without_the_csrf_token_is_refused(app, supervisor):
    refused = supervisor.post("/admin/replies", data=NEW)
    assert refused.status_code == 400
    assert reply_id(app, "材料待审批") is None
