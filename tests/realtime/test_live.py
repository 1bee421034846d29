"""Real-time updates over Socket.IO: who receives what, and who is refused."""

from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Call, Commitment, Rating, Show, ShowStatus

HOUSING, TRANSPORT = 1, 2


def swaps(client, namespace):
    return [e["args"][0] for e in client.get_received(namespace) if e["name"] == "swap"]


def join(client, namespace, *rooms):
    return client.emit("join", {"rooms": list(rooms)}, namespace=namespace, callback=True)


def live_show_id(app, moderator) -> int:
    with app.app_context():
        show_id = db.session.scalar(select(Show.id).where(Show.status == ShowStatus.SCHEDULED))
    moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "live"})
    return show_id


def test_anonymous_desk_connection_is_refused(socket_client, client):
    assert not socket_client("/desk").is_connected("/desk")
    assert not socket_client("/desk", client).is_connected("/desk")


def test_disabled_account_loses_the_desk(app, socket_client, moderator):
    assert socket_client("/desk", moderator).is_connected("/desk")
    app.test_cli_runner().invoke(args=["user", "disable", "host"])
    assert not socket_client("/desk", moderator).is_connected("/desk")


def test_public_namespace_is_open_but_rooms_are_checked(socket_client):
    public = socket_client("/live")
    assert public.is_connected("/live")
    ack = join(public, "/live", "board", "show:1", "admin", "department:1|en", "x" * 500)
    assert set(ack) == {"board", "show:1"}


def test_liaison_can_join_only_their_department_room(socket_client, liaison, moderator):
    housing = socket_client("/desk", liaison)
    assert set(join(housing, "/desk", "department:1", "department:2", "show:1")) == {"department:1"}
    desk = socket_client("/desk", moderator)
    assert set(join(desk, "/desk", "show:1", "department:2")) == {"show:1", "department:2"}


def test_logged_call_reaches_the_department_and_the_public_not_others(
    app, socket_client, moderator, login
):
    show_id = live_show_id(app, moderator)
    housing = socket_client("/desk", login("housing"))
    transport = socket_client("/desk", login("transport"))
    public = socket_client("/live")
    join(housing, "/desk", f"department:{HOUSING}")
    join(transport, "/desk", f"department:{TRANSPORT}")
    join(public, "/live", f"show:{show_id}")
    for c, ns in ((housing, "/desk"), (transport, "/desk"), (public, "/live")):
        c.get_received(ns)  # drop anything from before

    moderator.post_form(
        f"/desk/shows/{show_id}/calls",
        {
            "topic": "电梯加装审批难",
            "department": str(HOUSING),
            "caller_name": "上官婉儿",
            "caller_phone": "13912345678",
        },
    )
    to_housing = swaps(housing, "/desk")
    assert [s["target"] for s in to_housing] == ["#dept-calls"]
    assert "电梯加装审批难" in to_housing[0]["html"] and to_housing[0]["swap"] == "afterbegin"
    assert swaps(transport, "/desk") == []
    to_public = swaps(public, "/live")
    assert [s["target"] for s in to_public] == ["#call-list"]
    assert "电梯加装审批难" in to_public[0]["html"]
    for event in to_housing + to_public:
        assert "上官婉儿" not in event["html"] and "13912345678" not in event["html"]


def test_liaison_commits_and_the_desk_and_board_see_it(app, socket_client, moderator, liaison):
    show_id = live_show_id(app, moderator)
    moderator.post_form(
        f"/desk/shows/{show_id}/calls", {"topic": "老旧小区漏水", "department": str(HOUSING)}
    )
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.show_id == show_id))
    desk = socket_client("/desk", moderator)
    public = socket_client("/live")
    join(desk, "/desk", f"show:{show_id}")
    join(public, "/live", "board", f"show:{show_id}")
    desk.get_received("/desk")
    public.get_received("/live")

    response = liaison.post_form(
        f"/desk/calls/{call_id}/commit",
        {
            "commit-pledge": "两周内完成维修",
            "commit-official_name": "周建华",
            "commit-department": str(HOUSING),
            "commit-deadline_preset": "7",
            "commit-idem": "k",
        },
    )
    assert response.status_code == 303
    to_desk = swaps(desk, "/desk")
    row = next(s for s in to_desk if s["target"] == f"#desk-call-{call_id}")
    assert "承诺限期办" in row["html"] and "两周内完成维修" in row["html"]
    assert any(s["target"] == "#panel" for s in to_desk)
    to_public = swaps(public, "/live")
    # The board re-renders its first page (the new row sits where the sort puts it).
    board_row = next(s for s in to_public if s["room"] == "board")
    assert board_row["target"].startswith("#board") and "两周内完成维修" in board_row["html"]
    assert any(s["target"] == f"#call-{call_id}" for s in to_public)


def test_sequence_numbers_count_up_per_room_and_join_reports_them(app, socket_client, moderator):
    show_id = live_show_id(app, moderator)
    public = socket_client("/live")
    room = f"show:{show_id}"
    before = join(public, "/live", room)[room]
    public.get_received("/live")
    for topic in ("一", "二"):
        moderator.post_form(f"/desk/shows/{show_id}/calls", {"topic": topic})
    seqs = [s["seq"] for s in swaps(public, "/live") if s["room"] == room]
    assert seqs == [before + 1, before + 2]
    assert join(socket_client("/live"), "/live", room)[room] == before + 2


def test_each_language_gets_its_own_rendering(app, socket_client, moderator):
    show_id = live_show_id(app, moderator)
    zh = socket_client("/live")
    english_http = app.test_client()
    english_http.get("/?lang=en")
    en = socket_client("/live", english_http)
    for c in (zh, en):
        join(c, "/live", f"show:{show_id}")
        c.get_received("/live")
    moderator.post_form(f"/desk/shows/{show_id}/calls", {"topic": "路灯"})
    assert "待答复" in swaps(zh, "/live")[0]["html"]
    assert "Waiting for an answer" in swaps(en, "/live")[0]["html"]


def test_going_live_is_pushed_to_the_public_show_page(app, socket_client, moderator):
    with app.app_context():
        show_id = db.session.scalar(select(Show.id).where(Show.status == ShowStatus.SCHEDULED))
    public = socket_client("/live")
    join(public, "/live", f"show:{show_id}")
    public.get_received("/live")
    moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "live"})
    pushed = swaps(public, "/live")
    assert pushed[0]["target"] == "#show-status" and "直播中" in pushed[0]["html"]


def test_signing_out_or_being_disabled_ends_open_desk_connections(app, socket_client, login):
    housing_http = login("housing")
    housing = socket_client("/desk", housing_http)
    join(housing, "/desk", f"department:{HOUSING}")
    assert housing.is_connected("/desk")
    housing_http.post_form("/auth/logout")
    assert not housing.is_connected("/desk")

    transport_http = login("transport")
    transport = socket_client("/desk", transport_http)
    assert transport.is_connected("/desk")
    app.test_cli_runner().invoke(args=["user", "disable", "transport"])
    assert not transport.is_connected("/desk")


def test_a_new_commitment_pushes_the_public_call_row_once(app, socket_client, moderator):
    show_id = live_show_id(app, moderator)
    moderator.post_form(f"/desk/shows/{show_id}/calls", {"topic": "推一次", "department": "1"})
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.show_id == show_id))
    public = socket_client("/live")
    join(public, "/live", f"show:{show_id}")
    public.get_received("/live")
    moderator.post_form(
        f"/desk/calls/{call_id}/commit",
        {
            "commit-pledge": "一周内修好",
            "commit-official_name": "周建华",
            "commit-department": "1",
            "commit-deadline_preset": "7",
            "commit-idem": "once",
        },
    )
    rows = [s for s in swaps(public, "/live") if s["target"] == f"#call-{call_id}"]
    assert len(rows) == 1


def test_the_office_disabling_an_account_ends_its_desk_connection(socket_client, login, supervisor):
    from sqlalchemy import select as select_

    from hotline.models import User

    water_http = login("water")
    water = socket_client("/desk", water_http)
    assert water.is_connected("/desk")
    with water_http.application.app_context():
        water_id = db.session.scalar(select_(User.id).where(User.username == "water"))
    response = supervisor.post_form(f"/admin/users/{water_id}/active", {"active": "0"})
    assert response.status_code == 302
    assert not water.is_connected("/desk")


def test_a_connection_cannot_join_rooms_without_end(socket_client):
    public = socket_client("/live")
    joined = set()
    for batch in range(5):
        rooms = [f"commitment:{batch * 8 + i}" for i in range(8)]
        joined |= set(join(public, "/live", *rooms))
    assert 8 <= len(joined) < 16  # a page needs a few; forty are refused


def test_correcting_a_topic_updates_its_commitments_on_the_board(app, socket_client, moderator):
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.state == "open"))
        call = db.session.get(Call, item.call_id)
        cid, call_id, version = item.id, call.id, call.version
        department = call.department_id
    public = socket_client("/live")
    join(public, "/live", "board", f"commitment:{cid}")
    public.get_received("/live")
    response = moderator.post_form(
        f"/desk/calls/{call_id}/correct",
        {
            "correct-topic": "更正后的诉求摘要",
            "correct-department": str(department),
            "correct-version": str(version),
            "correct-idem": "fix-topic",
        },
    )
    assert response.status_code == 303
    pushed = swaps(public, "/live")
    assert any(s["room"] == f"commitment:{cid}" and "更正后的诉求摘要" in s["html"] for s in pushed)
    assert any(s["room"] == "board" and "更正后的诉求摘要" in s["html"] for s in pushed)


def test_verification_opens_the_rating_form_for_everyone_watching(
    app, socket_client, supervisor, client
):
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.state == "reported"))
        cid, version = item.id, item.version
    public = socket_client("/live")
    join(public, "/live", f"commitment:{cid}")
    public.get_received("/live")
    page = supervisor.get(f"/followup/commitments/{cid}").text
    import re

    idem = re.search(r'name="verify-idem"[^>]*value="([^"]*)"', page)
    response = supervisor.post_form(
        f"/followup/commitments/{cid}/verify",
        {"verify-version": str(version), "verify-idem": idem.group(1) if idem else "v1"},
    )
    assert response.status_code == 302
    rating = [s for s in swaps(public, "/live") if s["target"] == "#rating"]
    # The pushed block belongs to nobody: it carries no token (the supervisor's
    # would be refused for everyone else) and makes each browser load its own form.
    assert len(rating) == 1 and "csrf_token" not in rating[0]["html"]
    loader = re.search(r'hx-get="([^"]+)" hx-trigger="load"', rating[0]["html"])
    form = client.get(loader.group(1)).text
    assert 'name="value"' in form and 'name="csrf_token"' in form
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    rated = client.post(
        f"/commitments/{cid}/rate",
        data={"value": "satisfied", "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert rated.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Rating.value).where(Rating.commitment_id == cid)) == (
            "satisfied"
        )


def test_sequence_numbers_never_repeat_when_changes_race(app, monkeypatch):
    """Two workers publishing changes to the same rooms at once (each change a
    batch over two rooms, bumped in one transaction): every message of a room
    gets its own number, none lost, none repeated."""
    import threading

    from hotline.realtime import live

    seen = {"board": [], "show:1": []}
    lock = threading.Lock()

    def worker():
        for _ in range(25):
            with app.test_request_context():
                with live.batch():
                    for room in ("show:1", "board", "board"):
                        live.publish(live.PUBLIC, room, target="#x", swap="none", render=str)
                db.session.remove()

    def emit(event, data, to=None, namespace=None, **kwargs):
        if to.endswith("|en"):
            with lock:
                seen[data["room"]].append(data["seq"])

    monkeypatch.setattr(live.socketio, "emit", emit)
    monkeypatch.setattr(live, "_listened", lambda namespace, room: True)  # as if watched
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for room, n in (("show:1", 50), ("board", 100)):
        first = min(seen[room])
        assert sorted(seen[room]) == list(range(first, first + n)), room


def test_a_block_rendered_for_a_room_sees_nobody_signed_in(app):
    """Whoever's request made the change, what is pushed belongs to everyone:
    a block that asks who is signed in is told nobody, only when pushed."""
    from flask_login import login_user
    from jinja2 import ChoiceLoader, DictLoader

    from hotline.models import User
    from hotline.realtime import live
    from hotline.web import render_block

    probe = "{% block who %}[{{ current_user.is_authenticated }}]{% endblock %}"
    app.jinja_env.loader = ChoiceLoader([DictLoader({"probe.html": probe}), app.jinja_env.loader])
    with app.test_request_context():
        login_user(db.session.scalar(select(User).where(User.username == "host")))
        assert render_block("probe.html", "who") == "[True]"
        assert live.render_for_room(lambda: render_block("probe.html", "who")) == "[False]"
        assert render_block("probe.html", "who") == "[True]"  # the request's own view again
