"""Citizens' questions (群众提问): sent from a phone through the show's QR code,
queued for the moderator, put on air as a call or declined — and the sender's
name and phone never reach a public page or a socket event."""

from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import Call, CallerContact, Question, Show, ShowStatus


def scheduled(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Show.id).where(Show.status == ShowStatus.SCHEDULED))


def question_id_for(app, text: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Question.id).where(Question.text == text))


def ask(client, show_id, **fields):
    data = {"question": "小区门口的公交站能不能加个雨棚？", "area": "凤凰街道"}
    data.update(fields)
    return client.post_form(f"/shows/{show_id}/ask", data)


def test_a_citizen_sends_a_question_and_the_desk_sees_it_live(
    app, client, moderator, socket_client
):
    show_id = scheduled(app)
    page = client.get(f"/shows/{show_id}").text
    assert f"/shows/{show_id}/ask" in page and f"/shows/{show_id}/ask/qr.svg" in page
    assert client.get(f"/shows/{show_id}/ask/qr.svg").mimetype == "image/svg+xml"
    desk = socket_client("/desk", moderator)
    desk.emit("join", {"rooms": [f"show:{show_id}"]}, namespace="/desk", callback=True)
    desk.get_received("/desk")

    response = ask(client, show_id, name="司马光", phone="13312345678")
    assert response.status_code == 303
    assert "问题已转给节目主持人" in client.get(response.headers["Location"]).text
    pushed = [e["args"][0] for e in desk.get_received("/desk") if e["name"] == "swap"]
    assert pushed and pushed[0]["target"] == "#questions"
    assert "公交站能不能加个雨棚" in pushed[0]["html"]
    assert "司马光" not in pushed[0]["html"] and "13312345678" not in pushed[0]["html"]
    console = moderator.get(f"/desk/shows/{show_id}").text
    assert "公交站能不能加个雨棚" in console
    public = client.get(f"/shows/{show_id}").text
    assert "司马光" not in public and "13312345678" not in public


def test_putting_a_question_on_air_makes_it_a_call_with_private_contact(app, client, moderator):
    show_id = scheduled(app)
    ask(client, show_id, name="司马光", phone="13312345678")
    question_id = question_id_for(app, "小区门口的公交站能不能加个雨棚？")
    early = moderator.post_form(f"/desk/questions/{question_id}/air")
    assert "开始直播后才能登记来电" in moderator.get(early.headers["Location"]).text
    moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "live"})
    # The moderator first sees the question as sent and writes the public summary.
    editor = moderator.get(f"/desk/questions/{question_id}/air").text
    assert "小区门口的公交站能不能加个雨棚？" in editor and "司马光" in editor
    summary = {"topic": "凤凰街道公交站缺少雨棚", "area": "凤凰街道"}
    blank = moderator.post_form(f"/desk/questions/{question_id}/air", {"topic": ""})
    assert blank.status_code == 422
    aired = moderator.post_form(f"/desk/questions/{question_id}/air", summary)
    assert aired.status_code == 303
    again = moderator.post_form(f"/desk/questions/{question_id}/air", summary)  # a double click
    assert "已经处理过了" in moderator.get(again.headers["Location"]).text
    with app.app_context():
        (call,) = db.session.scalars(select(Call).where(Call.show_id == show_id)).all()
        contact = db.session.get(CallerContact, call.id)
        assert call.topic == "凤凰街道公交站缺少雨棚" and call.area == "凤凰街道"
        assert (contact.name, contact.phone) == ("司马光", "13312345678")
        question = db.session.get(Question, question_id)
        assert question.status == "aired" and question.text == "小区门口的公交站能不能加个雨棚？"
    public = client.get(f"/shows/{show_id}").text
    assert "凤凰街道公交站缺少雨棚" in public and "司马光" not in public
    assert "小区门口的公交站能不能加个雨棚" not in public  # the words as sent stay private


def test_declining_takes_it_off_the_queue(app, client, moderator):
    show_id = scheduled(app)
    ask(client, show_id, question="与本期无关的问题")
    question_id = question_id_for(app, "与本期无关的问题")
    assert moderator.post_form(f"/desk/questions/{question_id}/decline").status_code == 303
    assert "与本期无关的问题" not in moderator.get(f"/desk/shows/{show_id}").text


def test_bad_input_duplicates_and_ended_shows(app, client, liaison):
    show_id = scheduled(app)
    assert ask(client, show_id, question="").status_code == 422
    assert ask(client, show_id, phone="not a phone").status_code == 422
    ask(client, show_id)
    ask(client, show_id)  # the same question twice is queued once
    with app.app_context():
        same = select(Question).where(Question.text == "小区门口的公交站能不能加个雨棚？")
        assert len(db.session.scalars(same).all()) == 1
    ended = 1  # a demo show that has ended
    response = ask(client, ended)
    assert response.status_code == 409 and "不再接受提问" in response.text
    assert liaison.post_form("/desk/questions/1/decline").status_code == 403


def test_questions_are_rate_limited_per_address(app, client):
    show_id = scheduled(app)
    for i in range(20):  # a whole venue may share one address: generous
        assert ask(client, show_id, question=f"第{i}个问题").status_code == 303
    refused = ask(client, show_id, question="第二十一个问题")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "第二十一个问题" in refused.text  # what was typed is kept
    assert "分钟后再发送" in refused.text


def test_questions_are_capped_per_show_whatever_the_addresses(app, client):
    """A flood of 150 questions from 30 addresses: the show takes 30 a minute."""
    show_id = scheduled(app)
    flood = select(func.count(Question.id)).where(Question.text.startswith("洪水问题"))
    answers = []
    for i in range(150):
        address = f"10.0.0.{i % 30 + 1}"
        response = client.post_form(
            f"/shows/{show_id}/ask",
            {"question": f"洪水问题{i}"},
            environ_base={"REMOTE_ADDR": address},
        )
        answers.append(response.status_code)
    assert answers.count(303) == 30 and answers.count(429) == 120
    with app.app_context():
        assert db.session.scalar(flood) == 30
