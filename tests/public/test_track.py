"""Reference codes (查询码) and /track/<code>: given when a call is logged or a
question sent, unguessable, stored only as a hash, public fields only, a wrong
code a plain 404 by the same lookup, and rate limited."""

import re

from desk_support import HOUSING, calls_of, editor_version, log
from sqlalchemy import select

from hotline.changes import refcodes
from hotline.extensions import db
from hotline.models import Question, ReferenceCode

CODE = re.compile(r"\b([2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2})\b")


def logged_code(moderator, show_id, **fields) -> str:
    response = moderator.htmx_post(
        f"/desk/shows/{show_id}/calls",
        {
            "topic": "小区门口路面塌陷",
            "area": "凤凰街道",
            "department": str(HOUSING),
            "caller_name": "查询码测试人",
            "caller_phone": "13912345678",
            **fields,
        },
    )
    assert response.status_code == 200
    # In the desk's box of codes, with the address to type it in at.
    latest = re.search(r'<p id="refcode-latest".*?</p>', response.text, re.S).group(0)
    assert "打开 http://localhost/track 输入" in latest
    return CODE.search(latest).group(1)


def test_a_logged_call_gets_a_code_that_tracks_it(app, moderator, live_show, client):
    code = logged_code(moderator, live_show, idem="t1")
    with app.app_context():
        stored = db.session.scalars(select(ReferenceCode)).all()
        assert code.replace("-", "") not in repr([(r.code_hash, r.id) for r in stored])
        assert all(len(r.code_hash) == 64 for r in stored)
    page = client.get(f"/track/{code}")
    assert page.status_code == 200
    assert "小区门口路面塌陷" in page.text and "凤凰街道" in page.text
    assert "查询码测试人" not in page.text and "13912345678" not in page.text
    # Typed back in lower case, without dashes, or through the form.
    assert client.get(f"/track/{code.replace('-', '').lower()}").status_code == 200
    assert client.get(f"/track?code={code.lower()}").headers["Location"].endswith(code)
    # Referred: the referral and its status appear.
    call_id = calls_of(app, live_show)[-1].id
    moderator.post_form(
        f"/desk/calls/{call_id}/refer",
        {"refer-department": str(HOUSING), "refer-note": "现场核实塌陷范围",
         "refer-version": editor_version(app, call_id), "refer-idem": "tr"},
    )  # fmt: skip
    page = client.get(f"/track/{code}").text
    assert 'data-kind="referral"' in page and "现场核实塌陷范围" in page


def test_without_javascript_the_code_is_flashed(app, moderator, live_show):
    response = log(moderator, live_show, topic="无脚本登记", idem="t2")
    page = moderator.get(response.headers["Location"]).text
    assert CODE.search(page)


def test_a_wrong_code_is_404_through_the_same_lookup(app, client, monkeypatch, count_queries):
    compared = []
    real = refcodes.hmac.compare_digest
    monkeypatch.setattr(
        refcodes.hmac, "compare_digest", lambda a, b: compared.append(1) or real(a, b)
    )
    with app.test_request_context("/"):
        code = refcodes.issue()
        db.session.commit()
        with count_queries() as hit:
            assert refcodes.find(code) is not None
        with count_queries() as miss:
            assert refcodes.find("ABCD-EFGH-JK") is None
    assert hit[0] == miss[0] == 1 and len(compared) == 2
    for wrong in ("ABCD-EFGH-JK", "x", "0" * 200, "%00", code[:-1] + "Z" * (code[-1] != "Z")):
        response = client.get(f"/track/{wrong}")
        assert response.status_code == 404, wrong


def test_codes_are_unguessable(app):
    with app.app_context():
        made = {refcodes.issue() for _ in range(500)}
        db.session.rollback()
    assert len(made) == 500 and all(CODE.fullmatch(c) for c in made)
    assert not set("01ILO") & set(refcodes.ALPHABET)
    assert len(refcodes.ALPHABET) ** refcodes.LENGTH > 2**48


def test_the_route_is_rate_limited(app, client):
    app.config["HOTLINE_TRACK_LIMIT"] = "3 per minute"
    statuses = [client.get("/track/ABCD-EFGH-JK").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_a_question_gets_a_code_on_the_confirmation_page(app, client, moderator, live_show):
    response = client.post_form(
        f"/shows/{live_show}/ask",
        {"question": "公交站台没有遮雨棚", "area": "古楼街道", "name": "提问者乙",
         "phone": "13800001111"},
    )  # fmt: skip
    assert response.status_code == 303 and "/track/" in response.headers["Location"]
    confirmation = client.get(response.headers["Location"]).text
    assert "问题已转给节目主持人" in confirmation and 'id="your-code"' in confirmation
    code = CODE.search(confirmation).group(1)
    public = app.test_client()
    page = public.get(f"/track/{code}").text
    assert 'data-question="queued"' in page and "提问者乙" not in page
    assert "公交站台没有遮雨棚" not in page  # the text is public only once on air
    # The same question again: queued once, no second code.
    again = client.post_form(
        f"/shows/{live_show}/ask", {"question": "公交站台没有遮雨棚", "area": "古楼街道"}
    )
    assert again.status_code == 303 and "/track/" not in again.headers["Location"]
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.name == "提问者乙"))
    aired = moderator.post_form(
        f"/desk/questions/{question.id}/air", {"topic": "古楼街道公交站台缺遮雨棚"}
    )
    assert aired.status_code == 303
    page = public.get(f"/track/{code}").text
    assert "古楼街道公交站台缺遮雨棚" in page
    assert "提问者乙" not in page and "13800001111" not in page
