"""Deputies between shows: a message through a deputy's 代表码 → the deputy's
queue → answered, put forward or declined, with a reference code; deputy
accounts see only their own items; the sender's name and phone stay private."""

import pytest
from client_support import DEMO_PASSWORD
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import (
    Call,
    Commitment,
    Deputy,
    DeputyMessage,
    Event,
    MessageEvent,
    Role,
    Show,
    ShowStatus,
    User,
)

NAME, PHONE = "欧阳修", "13512345678"


def deputies(app) -> tuple[int, int]:
    with app.app_context():
        ids = db.session.scalars(select(Deputy.id).where(Deputy.active).order_by(Deputy.id))
        first, second = list(ids)[:2]
        for username, deputy_id in (("dep-a", first), ("dep-b", second)):
            user = User(username=username, role=Role.DEPUTY, deputy_id=deputy_id)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
        db.session.commit()
        return first, second


def send(client, deputy_id, **fields):
    data = {"message": "村口的路灯坏了三个月", "area": "东港村", "name": NAME, "phone": PHONE}
    data.update(fields)
    return client.post_form(f"/deputies/{deputy_id}/message", data)


def message_id(app, text="村口的路灯坏了三个月"):
    with app.app_context():
        return db.session.scalar(select(DeputyMessage.id).where(DeputyMessage.text == text))


@pytest.fixture
def pair(app, login):
    first, second = deputies(app)
    return first, second, login("dep-a"), login("dep-b")


def test_code_page_qr_and_poster(app, client, pair):
    first, *_ = pair
    page = client.get(f"/deputies/{first}").text
    assert f"/deputies/{first}/message/qr.svg" in page and f"/deputies/{first}/poster" in page
    assert client.get(f"/deputies/{first}/message/qr.svg").mimetype == "image/svg+xml"
    poster = client.get(f"/deputies/{first}/poster").text
    assert "代表码" in poster and f"/deputies/{first}/message" in poster
    assert client.get("/deputies/999999/message").status_code == 404


def test_message_queue_answer_and_track(app, client, pair):
    first, second, dep_a, dep_b = pair
    sent = send(client, first)
    assert sent.status_code == 303 and "/track/" in sent.headers["Location"]
    track = client.get(sent.headers["Location"])
    assert track.status_code == 200 and 'data-message="new"' in track.text
    assert NAME not in track.text and PHONE not in track.text
    mid = message_id(app)

    # The deputy sees it, with the sender (private, their own page only).
    queue = dep_a.get("/deputy/").text
    assert f"message-{mid}" in queue
    own = dep_a.get(f"/deputy/messages/{mid}").text
    assert NAME in own and PHONE in own
    # Another deputy neither sees nor touches it.
    assert f"message-{mid}" not in dep_b.get("/deputy/").text
    assert dep_b.get(f"/deputy/messages/{mid}").status_code == 404
    answer = {"summary": "东港村路灯维修", "answer": "已联系供电所，本周修好。"}
    assert dep_b.post_form(f"/deputy/messages/{mid}/answer", answer).status_code == 404

    done = dep_a.post_form(f"/deputy/messages/{mid}/answer", answer)
    assert done.status_code == 303
    again = dep_a.post_form(f"/deputy/messages/{mid}/answer", answer)
    assert again.status_code == 409
    with app.app_context():
        kinds = db.session.scalars(
            select(MessageEvent.kind).where(MessageEvent.message_id == mid)
        ).all()
    assert kinds == ["received", "answered"]
    tracked = client.get(sent.headers["Location"]).text
    assert "已联系供电所" in tracked and NAME not in tracked
    public = client.get(f"/deputies/{first}").text
    assert "东港村路灯维修" in public and "村口的路灯坏了三个月" not in public
    assert NAME not in public and PHONE not in public


def test_put_forward_and_decline(app, client, pair):
    first, _second, dep_a, _dep_b = pair
    send(client, first, message="第一条")
    send(client, first, message="第二条")
    with app.app_context():
        show_id = db.session.scalar(select(Show.id).where(Show.status == ShowStatus.SCHEDULED))
    one, two = message_id(app, "第一条"), message_id(app, "第二条")
    r = dep_a.post_form(
        f"/deputy/messages/{one}/topic", {"summary": "农村公路养护", "show_id": str(show_id)}
    )
    assert r.status_code == 303
    assert dep_a.post_form(f"/deputy/messages/{two}/decline", {"reason": ""}).status_code == 422
    r = dep_a.post_form(f"/deputy/messages/{two}/decline", {"reason": "不属于本辖区"})
    assert r.status_code == 303
    with app.app_context():
        assert db.session.get(DeputyMessage, one).show_id == show_id
        assert db.session.get(DeputyMessage, two).reason == "不属于本辖区"


def test_deputy_note_only_on_their_own_calls(app, pair, liaison, moderator):
    first, second, dep_a, dep_b = pair
    with app.app_context():
        item = db.session.scalar(select(Commitment).join(Commitment.call).limit(1))
        db.session.get(Call, item.call_id).deputy_id = first
        db.session.commit()
        cid = item.id
    note = {"note": "请加快进度，群众很关心。"}
    assert dep_b.post_form(f"/deputy/commitments/{cid}/note", note).status_code == 404
    assert dep_a.post_form(f"/deputy/commitments/{cid}/note", note).status_code == 303
    with app.app_context():
        kinds = db.session.scalars(select(Event.kind).where(Event.commitment_id == cid)).all()
    assert "deputy_note" in kinds
    # Other roles never reach the deputy's desk; a deputy never reaches a department's.
    assert liaison.get("/deputy/").status_code == 403
    assert moderator.get("/deputy/").status_code == 403
    assert dep_a.get("/desk/department").status_code in (403, 404)
    assert dep_a.get("/followup/").status_code in (403, 404)


def test_messages_share_the_question_limits(app, client, pair):
    first, *_ = pair
    for i in range(20):
        assert send(client, first, message=f"第{i}条消息").status_code == 303
    refused = send(client, first, message="第二十一条消息")
    assert refused.status_code == 429 and "第二十一条消息" in refused.text


def test_admin_creates_a_deputy_account(app, supervisor):
    with app.app_context():
        deputy_id = db.session.scalar(select(Deputy.id).where(Deputy.active))
    data = {"username": "dep-new", "role": "deputy", "password": "long-enough-pw"}
    assert supervisor.post_form("/admin/users", data).status_code == 422
    data["deputy_id"] = str(deputy_id)
    assert supervisor.post_form("/admin/users", data).status_code in (302, 303)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "dep-new"))
        assert user.deputy_id == deputy_id


def test_a_topic_for_a_show_that_is_over_says_so(app, client, pair):
    """Not "already dealt with": the deputy is told what to change, and can."""
    first, _second, dep_a, _dep_b = pair
    send(client, first, message="第三条")
    with app.app_context():
        ended = db.session.scalar(select(Show.id).where(Show.status == ShowStatus.ENDED))
    three = message_id(app, "第三条")
    r = dep_a.post_form(
        f"/deputy/messages/{three}/topic", {"summary": "路灯", "show_id": str(ended)}
    )
    assert r.status_code == 422 and "请选择尚未开始的场次" in r.text
    with app.app_context():
        assert db.session.get(DeputyMessage, three).status == "new"


@pytest.mark.browser
def test_the_poster_prints_on_one_a4_page_in_chinese(browser, live_server):
    """Chromium prints the poster to PDF: one A4 page whose text holds the
    deputy's name and 代表码, set in an installed CJK font (not boxes)."""
    import io

    from conftest import cjk_font_families, need
    from pypdf import PdfReader

    families = cjk_font_families()
    need(bool(families), "no CJK font installed (scripts/ensure-fonts.sh installs one)")
    with live_server.app.app_context():
        person = db.session.scalar(select(Deputy).where(Deputy.active).order_by(Deputy.id))
        deputy_id, name = person.id, person.name
    page = browser.new_page()
    try:
        page.goto(f"{live_server}/deputies/{deputy_id}/poster")
        page.locator("#poster .poster-qr").wait_for()
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    finally:
        page.close()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text().replace(" ", "").replace("\n", "")
    assert name in text and "代表码" in text and "扫码" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    used = {str(fonts[key].get_object().get("/BaseFont", "")) for key in fonts}
    assert any(family in font for font in used for family in families), used
