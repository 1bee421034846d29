"""A pledge must say how it will be checked, on the desk: the vague phrases are
flagged beside the pledge as it is typed (a warning, never a block), the terms
go with it when the official says them, and a pledge without an acceptance
criterion is saved all the same, with "验收标准待补充" on its public page."""

import re

from desk_support import HOUSING, calls_of, commit, log
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Commitment

VAGUE = "我们将进一步加强管理，尽快研究解决"
CONCRETE = "12月20日前在凤凰街道3号楼东侧加装2盏路灯，由街道办验收"


def flags(client, text: str, field: str = "commit-pledge") -> str:
    response = client.htmx_post("/desk/pledges/vague", {field: text})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def item_of(app, call_id) -> Commitment:
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.call_id == call_id))
        db.session.expunge(item)
        return item


def test_vague_phrases_are_flagged_as_the_pledge_is_typed(moderator, liaison, call_id):
    html = flags(moderator, VAGUE)
    marked = re.findall(r"<li><mark>([^<]+)</mark>: ([^<]+)</li>", html)
    assert [phrase for phrase, _hint in marked] == ["进一步", "加强", "尽快", "研究"]
    assert dict(marked)["尽快"] == "没有时间：请说明何时完成"
    assert "模糊用语：进一步 · 加强 · 尽快 · 研究" in html
    assert "仅为提示" in html  # a warning, never a block
    # The text with the phrases marked, for the eye (the list is what is read out).
    assert (
        '<p class="vague-preview" aria-hidden="true">我们将<mark data-vague="effort">进一步' in html
    )
    # A concrete pledge: nothing to say. The liaison's desk flags too.
    assert "<mark>" not in flags(moderator, CONCRETE)
    assert "<mark>尽快</mark>" in flags(liaison, "尽快修复")
    # The correction page's pledge field is flagged the same way.
    assert "<mark>逐步</mark>" in flags(moderator, "逐步解决", field="pledge")


def test_the_flag_reads_only_the_pledge_and_escapes_it(moderator):
    html = flags(moderator, "<b>尽快</b>处理")
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "<mark>" not in flags(moderator, "", field="commit-pledge")


def test_the_call_editor_asks_for_the_flags_as_the_pledge_is_typed(moderator, call_id):
    page = moderator.get(f"/desk/calls/{call_id}").get_data(as_text=True)
    pledge = re.search(r"<textarea[^>]*id=\"commit-pledge\"[^>]*>", page).group(0)
    assert 'hx-post="/desk/pledges/vague"' in pledge
    assert 'hx-trigger="input changed delay:300ms"' in pledge
    assert 'hx-target="#commit-pledge-flags"' in pledge and 'hx-params="commit-pledge"' in pledge
    assert 'aria-describedby="commit-pledge-flags"' in pledge
    assert '<div id="commit-pledge-flags" class="vague-flags" aria-live="polite">' in page
    # The terms beside it, each optional.
    for name in ("deliverable", "place", "measure", "criterion"):
        assert f'name="commit-{name}"' in page
    assert "如何验收" in page and "验收标准" in page


def test_a_vague_pledge_without_a_criterion_is_saved_on_air(app, moderator, client, call_id):
    assert commit(moderator, call_id, pledge=VAGUE).status_code == 303
    item = item_of(app, call_id)
    assert item.pledge == VAGUE and item.criterion == "" and item.criterion_missing
    page = client.get(f"/commitments/{item.id}").get_data(as_text=True)
    assert '<dd data-term="criterion" data-criterion="missing">' in page
    assert "验收标准待补充" in page
    english = client.get(f"/commitments/{item.id}?lang=en").get_data(as_text=True)
    assert "Acceptance criterion to be added" in english and "验收标准待补充" not in english
    # And on the board's row.
    board = client.get("/?lang=zh_CN").get_data(as_text=True)
    row = re.search(rf'<tr id="commitment-{item.id}".*?</tr>', board, re.S).group(0)
    assert 'data-criterion="missing"' in row and "验收标准待补充" in row


def test_the_terms_said_on_air_are_saved_and_shown(app, moderator, client, call_id):
    terms = {
        "deliverable": "加装路灯",
        "place": "凤凰街道3号楼东侧",
        "measure": "2盏",
        "criterion": "由街道办夜间现场验收",
    }
    assert commit(moderator, call_id, pledge=CONCRETE, **terms).status_code == 303
    item = item_of(app, call_id)
    assert {name: getattr(item, name) for name in terms} == terms
    with app.app_context():
        created = db.session.get(Commitment, item.id).events[0]
        assert {name: created.data[name] for name in terms} == terms  # as said on air
    page = client.get(f"/commitments/{item.id}").get_data(as_text=True)
    for name, value in terms.items():
        assert f'data-term="{name}"' in page and value in page
    assert "验收标准待补充" not in page
    english = client.get(f"/commitments/{item.id}?lang=en").get_data(as_text=True)
    assert "How it will be checked" in english and "Acceptance criterion (验收标准)" in english


def test_a_refused_commitment_comes_back_with_its_flags(moderator, call_id):
    response = commit(moderator, call_id, pledge="尽快修复", official_name="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    region = re.search(r'<div id="commit-pledge-flags".*?</div>\s*</div>', html, re.S).group(0)
    assert "<mark>尽快</mark>" in region


def test_terms_cost_the_commitment_no_query_more(app, moderator, live_show, count_queries):
    """Committing on air with every term is the same write as without."""
    log(moderator, live_show, topic="路灯不亮", department=str(HOUSING), idem="l1")
    log(moderator, live_show, topic="路面破损", department=str(HOUSING), idem="l2")
    first, second = (c.id for c in calls_of(app, live_show)[-2:])
    with count_queries() as bare:
        assert commit(moderator, first, idem="a").status_code == 303
    terms = {"deliverable": "修复", "place": "某路", "measure": "200米", "criterion": "街道办验收"}
    with count_queries() as full:
        assert commit(moderator, second, idem="b", **terms).status_code == 303
    assert full[0] == bare[0]
