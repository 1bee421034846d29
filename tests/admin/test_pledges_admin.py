"""The office extends the reviewed list of vague phrases (rules/pledges.py) in
Administration: the desk flags its phrases from then on; a phrase taken off is
kept, inactive, and every change is in the audit trail."""

import re

import pytest
from sqlalchemy import select

from hotline.changes import audit
from hotline.extensions import db
from hotline.models import AuditLog, VaguePhrase

PLEDGE = "相关部门将跟进此事"


def flagged(client, text: str = PLEDGE) -> list[str]:
    html = client.htmx_post("/desk/pledges/vague", {"commit-pledge": text}).get_data(as_text=True)
    return re.findall(r"<li><mark>([^<]+)</mark>", html)


def audited(app, action: str) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(select(AuditLog).where(AuditLog.action == action))
        return [row.detail for row in rows]


def test_the_office_adds_a_phrase_and_the_desk_flags_it(app, supervisor, moderator):
    assert flagged(moderator) == []
    page = supervisor.get("/admin/").get_data(as_text=True)
    assert 'id="vague-phrases"' in page and "尽快" in page  # the reviewed list, shown

    added = supervisor.post_form("/admin/pledges/phrases", {"phrase": " 相关部门 "})
    assert added.status_code == 302 and added.headers["Location"].endswith("#vague-phrases")
    assert flagged(moderator) == ["相关部门"]
    html = moderator.htmx_post("/desk/pledges/vague", {"commit-pledge": PLEDGE}).text
    assert "在办公室添加的模糊用语清单中" in html
    page = supervisor.get("/admin/").get_data(as_text=True)
    assert re.search(r'<li id="phrase-\d+">相关部门', page)
    assert audited(app, audit.VAGUE_PHRASE_ADDED) == [{"phrase": "相关部门"}]


def test_a_listed_phrase_is_not_added_twice(app, supervisor):
    for phrase in ("尽快", "相关部门", "相关部门"):
        response = supervisor.post_form("/admin/pledges/phrases", {"phrase": phrase})
    assert response.status_code == 422
    assert "“相关部门”已在列表中" in response.get_data(as_text=True)
    refused = supervisor.post_form("/admin/pledges/phrases", {"phrase": "尽快"})
    assert refused.status_code == 422
    empty = supervisor.post_form("/admin/pledges/phrases", {"phrase": "   "})
    assert empty.status_code == 422 and "请填写用语" in empty.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(VaguePhrase.phrase)).all() == ["相关部门"]


def test_a_phrase_taken_off_is_no_longer_flagged_and_comes_back_when_added(
    app, supervisor, moderator
):
    supervisor.post_form("/admin/pledges/phrases", {"phrase": "跟进"})
    with app.app_context():
        phrase_id = db.session.scalar(select(VaguePhrase.id).where(VaguePhrase.phrase == "跟进"))
    assert flagged(moderator) == ["跟进"]
    removed = supervisor.post_form(f"/admin/pledges/phrases/{phrase_id}/remove")
    assert removed.status_code == 302
    assert flagged(moderator) == []
    assert supervisor.post_form(f"/admin/pledges/phrases/{phrase_id}/remove").status_code == 404
    assert supervisor.post_form("/admin/pledges/phrases", {"phrase": "跟进"}).status_code == 302
    assert flagged(moderator) == ["跟进"]
    with app.app_context():
        assert db.session.scalars(select(VaguePhrase.id)).all() == [phrase_id]  # kept, one row
    assert audited(app, audit.VAGUE_PHRASE_REMOVED) == [{"phrase": "跟进"}]


@pytest.mark.parametrize("who", ["host", "housing"])
def test_only_the_office_changes_the_list(app, login, who):
    client = login(who)
    assert client.post_form("/admin/pledges/phrases", {"phrase": "相关部门"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(VaguePhrase.id)) is None
