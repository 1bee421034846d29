"""The public question wall (提问墙): the moderator approves a citizen's question
for the show page and the overlay; viewers upvote it once per browser and
once per connection, limited per address, with or without JavaScript; the
desk sorts by upvotes and marks; a sensitive word flags a question (never
drops it) and tells the sender it awaits review; a sender is blocked by their
question's fingerprint, never by who they are."""

from desk_support import scheduled_show
from sqlalchemy import select
from votes_support import section
from wall_support import (
    approve,
    ask,
    citizen,
    counts_on,
    desk_order,
    entry_of,
    mark,
    question_id,
    upvote,
    upvotes,
)

from hotline.changes import audit
from hotline.extensions import db
from hotline.models import AuditLog, WallEntry

QUESTION = "小区门口的公交站能不能加个雨棚？"


def test_an_approved_question_is_on_the_show_page_and_the_overlay_without_its_sender(
    app, moderator, live_show
):
    phone = citizen(app)
    sent = ask(phone, live_show, QUESTION, name="司马光", phone="13312345678")
    assert sent.status_code == 303
    assert "问题已转给节目主持人" in phone.get(sent.headers["Location"]).text
    qid = question_id(app, QUESTION)
    viewer = citizen(app, "10.1.1.1")
    before = viewer.get(f"/shows/{live_show}?lang=en").text
    assert QUESTION not in before  # the words as sent stay private until approved
    console = moderator.get(f"/desk/shows/{live_show}?lang=en").text
    assert "Approve for the wall" in console

    approved = approve(moderator, qid)
    assert approved.status_code == 200
    assert 'id="desk-wall"' in approved.text and QUESTION in approved.text
    assert "On the question wall" in approved.text  # the queue, out of band
    page = viewer.get(f"/shows/{live_show}?lang=en").text
    wall = section(page, "section", "wall")
    assert QUESTION in wall and "凤凰街道" in wall and ">Upvote</button>" in wall
    overlay = viewer.get(f"/shows/{live_show}/overlay?layout=wall").text
    assert 'data-layout="wall"' in overlay and QUESTION in section(
        overlay, "section", "overlay-wall"
    )
    for html in (page, overlay):
        assert "司马光" not in html and "13312345678" not in html
    # Still in the queue: it can be put on air as a call or declined, as before.
    assert "Put on air as a call" in section(
        moderator.get(f"/desk/shows/{live_show}?lang=en").text, "section", "questions"
    )
    again = approve(moderator, qid)
    assert again.status_code == 409 and "on the wall already" in again.text


def test_the_moderator_may_reword_it_and_leave_out_the_area(app, moderator, live_show):
    ask(citizen(app), live_show, "我叫张三，住3栋，楼道灯坏了")
    qid = question_id(app, "我叫张三，住3栋，楼道灯坏了")
    approve(moderator, qid, text="3栋楼道灯坏了", no_area="y")
    page = citizen(app, "10.1.1.2").get(f"/shows/{live_show}").text
    wall = section(page, "section", "wall")
    assert "3栋楼道灯坏了" in wall and "张三" not in wall and "凤凰街道" not in wall
    with app.app_context():
        row = db.session.scalar(select(AuditLog).where(AuditLog.action == audit.WALL_APPROVED))
        assert row.actor_name == "host" and row.detail["reworded"] is True


def test_a_viewer_upvotes_once_per_browser_and_per_connection_without_js(app, moderator, live_show):
    ask(citizen(app), live_show, QUESTION)
    approve(moderator, question_id(app, QUESTION))
    entry = entry_of(app, question_id(app, QUESTION))
    home = citizen(app, "10.2.2.2")
    response = upvote(home, live_show, entry.id)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/shows/{live_show}#wall")
    page = home.get(f"/shows/{live_show}?lang=en").text
    assert "Thank you: your upvote has been counted." in page
    assert counts_on(page) == {entry.id: 1}
    (vote,) = upvotes(app, entry.id)
    assert "10.2.2.2" not in " ".join(str(v) for v in vars(vote).values())

    again = upvote(home, live_show, entry.id)
    assert again.status_code == 303
    assert "already upvoted this question" in home.get(f"/shows/{live_show}?lang=en").text
    # Cookies cleared, or another browser of the same kind on the same connection.
    same_line = upvote(citizen(app, "10.2.2.2"), live_show, entry.id, htmx=True)
    assert same_line.status_code == 409 and "already come from your connection" in same_line.text
    elsewhere = upvote(citizen(app, "10.3.3.3"), live_show, entry.id, htmx=True)
    assert elsewhere.status_code == 200
    assert counts_on(elsewhere.text) == {entry.id: 2}
    assert "You upvoted this." in elsewhere.text and ">Upvote</button>" not in elsewhere.text
    assert len(upvotes(app, entry.id)) == 2


def test_upvotes_are_rate_limited_per_address(app, moderator, live_show):
    ask(citizen(app), live_show, QUESTION)
    approve(moderator, question_id(app, QUESTION))
    entry = entry_of(app, question_id(app, QUESTION))
    app.config["HOTLINE_WALL_VOTE_LIMIT"] = "2 per hour"
    for agent in ("A", "B"):
        ok = upvote(citizen(app, "10.4.4.4", agent), live_show, entry.id, htmx=True)
        assert ok.status_code == 200
    refused = upvote(citizen(app, "10.4.4.4", "C"), live_show, entry.id, htmx=True)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Many upvotes have come from your connection just now" in refused.text
    assert len(upvotes(app, entry.id)) == 2
    assert upvote(citizen(app, "10.5.5.5"), live_show, entry.id, htmx=True).status_code == 200


def test_upvotes_are_open_only_on_the_wall_while_the_show_is_live(app, moderator):
    show = scheduled_show(app)
    ask(citizen(app), show, QUESTION)
    approve(moderator, question_id(app, QUESTION))
    entry = entry_of(app, question_id(app, QUESTION))
    page = citizen(app, "10.6.6.6").get(f"/shows/{show}?lang=en").text
    wall = section(page, "section", "wall")
    assert QUESTION in wall and "Upvotes open when the show goes live." in wall
    assert ">Upvote</button>" not in wall and 'form="wall-form"' not in page
    early = citizen(app, "10.6.6.6").post_form(
        f"/shows/{show}/wall/vote?lang=en", {"entry": entry.id}, headers={"HX-Request": "true"}
    )
    assert early.status_code == 409 and "Upvotes open when the show goes live." in early.text
    moderator.post_form(f"/desk/shows/{show}/status", {"action": "live"})
    assert upvote(citizen(app, "10.6.6.6"), show, entry.id, htmx=True).status_code == 200
    assert mark(moderator, entry.id, "answered").status_code == 200
    closed = upvote(citizen(app, "10.7.7.7"), show, entry.id, htmx=True)
    assert closed.status_code == 409 and "has been answered" in closed.text
    answered = section(citizen(app).get(f"/shows/{show}?lang=en").text, "section", "wall")
    assert "Answered" in answered and QUESTION in answered
    # Another show's question, or none at all: not found.
    assert citizen(app).post_form(
        f"/shows/{show + 1}/wall/vote", {"entry": entry.id}
    ).status_code in (404,)
    assert citizen(app).post_form(f"/shows/{show}/wall/vote", {"entry": "x"}).status_code == 404


def test_the_desk_sorts_by_upvotes_and_marks_highlighted_answered_archived(
    app, moderator, live_show
):
    texts = ["第一个问题：路灯", "第二个问题：排水", "第三个问题：停车"]
    entries = []
    for n, text in enumerate(texts):
        ask(citizen(app, f"10.9.0.{n}"), live_show, text)
        approve(moderator, question_id(app, text))
        entries.append(entry_of(app, question_id(app, text)).id)
    first, second, third = entries
    for n in range(3):
        upvote(citizen(app, f"10.9.1.{n}"), live_show, third)
    upvote(citizen(app, "10.9.2.1"), live_show, second)
    panel = moderator.get(
        f"/desk/shows/{live_show}/wall?lang=en", headers={"HX-Request": "true"}
    ).text
    assert desk_order(panel) == [third, second, first]
    assert "3 upvotes" in panel and "1 upvote" in panel

    highlighted = mark(moderator, first, "highlighted")
    assert highlighted.status_code == 200
    page = citizen(app).get(f"/shows/{live_show}?lang=en").text
    wall = section(page, "section", "wall")
    assert wall.index("第一个问题") < wall.index("第三个问题")  # the highlighted one first
    assert "Highlighted by the moderator" in wall
    overlay = citizen(app).get(f"/shows/{live_show}/overlay?layout=wall").text
    assert f'class="headline" data-wall-entry="{first}"' in overlay
    # One highlight a show: highlighting another takes it off the first.
    mark(moderator, second, "highlighted")
    assert entry_of(app, question_id(app, texts[0])).state == "approved"
    assert entry_of(app, question_id(app, texts[1])).state == "highlighted"
    archived = mark(moderator, third, "archived")
    assert "1 archived question" in archived.text
    page = citizen(app).get(f"/shows/{live_show}?lang=en").text
    assert "第三个问题" not in page
    assert "第三个问题" not in citizen(app).get(f"/shows/{live_show}/overlay?layout=wall").text
    mark(moderator, third, "approved")
    assert "第三个问题" in citizen(app).get(f"/shows/{live_show}?lang=en").text
    bad = mark(moderator, third, "deleted")
    assert bad.status_code == 400
    with app.app_context():
        rows = db.session.scalars(
            select(AuditLog).where(AuditLog.action == audit.WALL_MARKED).order_by(AuditLog.id)
        ).all()
        assert [(r.detail["from"], r.detail["to"]) for r in rows] == [
            ("approved", "highlighted"),
            ("approved", "highlighted"),
            ("approved", "archived"),
            ("archived", "approved"),
        ]
    # A liaison may not touch the wall.
    liaison_client = app.test_client()
    liaison_client.login("housing")
    refused = liaison_client.htmx_post(f"/desk/wall/{first}/mark", {"state": "archived"})
    assert refused.status_code in (403, 404)
    assert entry_of(app, question_id(app, texts[0])).state == "approved"


def test_a_sensitive_word_flags_the_question_and_the_sender_is_told_it_awaits_review(
    app, moderator, live_show
):
    phone = citizen(app)
    sent = ask(phone, live_show, "这些人都是王八蛋，赶紧修路")
    assert sent.status_code == 303
    told = phone.get(sent.headers["Location"]).text
    assert "您的问题已收到，正在等待主持人审核。" in told
    qid = question_id(app, "这些人都是王八蛋，赶紧修路")
    entry = entry_of(app, qid)
    assert entry.review == "words" and entry.flagged == "王八蛋" and entry.state == "pending"
    queue = section(moderator.get(f"/desk/shows/{live_show}?lang=en").text, "section", "questions")
    assert "这些人都是王八蛋" in queue  # kept and queued: never silently dropped
    assert "Awaits review" in queue and "Flagged: 王八蛋" in queue
    # A number that looks like a phone in the text would be published: flagged too.
    ask(phone, live_show, "请打我电话 139 1234 5678 回复")
    numbered = entry_of(app, question_id(app, "请打我电话 139 1234 5678 回复"))
    assert numbered.review == "words" and numbered.flagged == "personal"
    # Never published as it is: the number must be reworded away first.
    numbered_id = question_id(app, "请打我电话 139 1234 5678 回复")
    refused = approve(moderator, numbered_id)
    assert refused.status_code in (409, 422)
    assert entry_of(app, numbered_id).state == "pending"
    assert "1234" not in citizen(app, "10.1.1.8").get(f"/shows/{live_show}").text
    assert approve(moderator, numbered_id, text="请尽快回复").status_code == 200
    # The moderator may still approve it: the flag is a warning for a person.
    assert approve(moderator, qid, text="赶紧修路").status_code == 200
    assert "赶紧修路" in citizen(app, "10.1.1.9").get(f"/shows/{live_show}").text


def test_the_office_edits_the_sensitive_words(app, supervisor, moderator, live_show):
    page = supervisor.get("/admin/wall/words?lang=en").text
    assert "王八蛋" in page and "傻逼" in page  # the seeded list
    assert supervisor.post_form("/admin/wall/words", {"word": "垃圾部门"}).status_code == 303
    assert "垃圾部门" in supervisor.get("/admin/wall/words").text
    twice = supervisor.post_form("/admin/wall/words?lang=en", {"word": "垃圾部门"})
    assert twice.status_code == 422 and "on the list already" in twice.text
    ask(citizen(app), live_show, "这个垃圾 部门不作为")
    assert entry_of(app, question_id(app, "这个垃圾 部门不作为")).flagged == "垃圾部门"
    with app.app_context():
        from hotline.models import SensitiveWord

        word = db.session.scalar(select(SensitiveWord).where(SensitiveWord.word == "王八蛋"))
    assert supervisor.post_form(f"/admin/wall/words/{word.id}/remove").status_code == 303
    ask(citizen(app), live_show, "王八蛋又来了")
    assert entry_of(app, question_id(app, "王八蛋又来了")).review == ""
    assert moderator.get("/admin/wall/words").status_code in (302, 403)
    with app.app_context():
        actions = [r.action for r in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert audit.SENSITIVE_WORD_ADDED in actions and audit.SENSITIVE_WORD_REMOVED in actions


def test_a_blocked_senders_new_questions_are_held_without_saying_so(app, moderator, live_show):
    spammer = citizen(app, "10.66.0.1")
    ask(spammer, live_show, "广告一条", name="某人", phone="13900000000")
    qid = question_id(app, "广告一条")
    blocked = moderator.htmx_post(f"/desk/questions/{qid}/block?lang=en")
    assert blocked.status_code == 200 and "1 blocked sender" in blocked.text
    assert "某人" not in blocked.text and "13900000000" not in blocked.text
    assert "10.66.0.1" not in blocked.text
    again = moderator.htmx_post(f"/desk/questions/{qid}/block")
    assert again.status_code == 409

    # The same browser from another address, and another browser on the same address.
    spammer.environ_base["REMOTE_ADDR"] = "10.66.0.2"
    sent = ask(spammer, live_show, "广告二条")
    told = spammer.get(sent.headers["Location"]).text
    assert "您的问题已收到，正在等待主持人审核。" in told  # the words a flagged word gets
    assert "屏蔽" not in told
    assert entry_of(app, question_id(app, "广告二条")).review == "held"
    ask(citizen(app, "10.66.0.1", "Other"), live_show, "广告三条")
    assert entry_of(app, question_id(app, "广告三条")).review == "held"
    # Someone else is not held.
    ask(citizen(app, "10.77.0.1"), live_show, "正常的问题")
    assert entry_of(app, question_id(app, "正常的问题")).review == ""
    queue = section(moderator.get(f"/desk/shows/{live_show}?lang=en").text, "section", "questions")
    assert "广告二条" in queue and "Its sender was blocked." in queue
    with app.app_context():
        stored = db.session.scalars(select(WallEntry)).all()
        assert all("10.66" not in (e.sender_key + e.address_key) for e in stored)
        row = db.session.scalar(
            select(AuditLog).where(AuditLog.action == audit.WALL_SENDER_BLOCKED)
        )
        assert row.target == f"question #{qid}" and "13900000000" not in str(row.detail)
        from hotline.models import WallBlock

        block_id = db.session.scalar(select(WallBlock.id))
    lifted = moderator.htmx_post(f"/desk/shows/{live_show}/wall/blocks/{block_id}/lift?lang=en")
    assert lifted.status_code == 200 and "blocked sender" not in lifted.text
    ask(spammer, live_show, "广告四条")
    assert entry_of(app, question_id(app, "广告四条")).review == ""
