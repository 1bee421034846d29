"""The crew's back channel (节目组留言): notes between the desk, the office and
the panel's liaisons during a show, live over /desk, and the host's cue card
(主持人提示卡). Staff of the show only; never on a public page, feed, API or
/live room, and the overlay never shows a cue card."""

import re

import pytest
from client_support import DEMO_PASSWORD
from desk_support import HOUSING, TRANSPORT, go_live, scheduled_show
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import Commitment, CrewNote, Deputy, Role, User

WATER = 4  # 水利湖泊局: not on the scheduled show's panel (housing, transport, city management)


def swaps(sock, namespace="/desk"):
    return [e["args"][0] for e in sock.get_received(namespace) if e["name"] == "swap"]


def join(sock, namespace, *rooms):
    return sock.emit("join", {"rooms": list(rooms)}, namespace=namespace, callback=True)


def add_staff(app, username, display_name, role, **fields):
    with app.app_context():
        user = User(username=username, display_name=display_name, role=role, **fields)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.commit()


def send(client, show_id, text, *, cue=False, key=None, htmx=True):
    data = {f"crew{show_id}-note": text}
    if cue:
        data[f"crew{show_id}-cue"] = "y"
    if key:
        data[f"crew{show_id}-idem"] = key
    if htmx:
        return client.htmx_post(f"/desk/shows/{show_id}/crew", data)
    return client.post_form(f"/desk/shows/{show_id}/crew", data)


def notes_of(app, show_id):
    with app.app_context():
        return list(
            db.session.scalars(
                select(CrewNote).where(CrewNote.show_id == show_id).order_by(CrewNote.id)
            )
        )


@pytest.fixture
def show_id(app, moderator):
    return go_live(moderator, scheduled_show(app))


@pytest.fixture
def director(app, login):
    """A second moderator (导播) beside the demo's host."""
    add_staff(app, "director", "导播 周宁", Role.MODERATOR)
    return login("director")


def test_a_note_reaches_every_desk_and_the_panel_liaisons_and_belongs_to_nobody(
    app, show_id, moderator, director, login, socket_client
):
    host_sock = socket_client("/desk", moderator)
    director_sock = socket_client("/desk", director)
    housing = login("housing")
    housing_sock = socket_client("/desk", housing)
    transport_sock = socket_client("/desk", login("transport"))
    water_sock = socket_client("/desk", login("water"))
    join(host_sock, "/desk", f"show:{show_id}")
    join(director_sock, "/desk", f"show:{show_id}")
    join(housing_sock, "/desk", f"department:{HOUSING}")
    join(transport_sock, "/desk", f"department:{TRANSPORT}")
    join(water_sock, "/desk", f"department:{WATER}")
    socks = (host_sock, director_sock, housing_sock, transport_sock, water_sock)
    for sock in socks:
        sock.get_received("/desk")

    response = send(moderator, show_id, "三号机位准备，局长下一个回答")
    assert response.status_code == 200
    answer = response.get_data(as_text=True)
    # The sender's answer: a fresh form of their own and the note at the top.
    assert f'hx-swap-oob="afterbegin:#crew-notes-{show_id}"' in answer
    assert "三号机位准备" in answer and 'value=""' in answer

    pushed = {}
    names = ("host", "director", "housing", "transport", "water")
    for name, sock in zip(names, socks, strict=True):
        pushed[name] = [s for s in swaps(sock) if s["target"] == f"#crew-notes-{show_id}"]
    assert pushed["water"] == []  # a department not on the panel hears nothing
    htmls = {name: [s["html"] for s in got] for name, got in pushed.items() if name != "water"}
    assert all(len(h) == 1 for h in htmls.values()), htmls
    html = htmls["host"][0]
    # The same HTML for everyone, whoever sent it: no token, no key, no "you".
    assert {h[0] for h in htmls.values()} == {html}
    assert "三号机位准备，局长下一个回答" in html and "导播 陈晨" in html
    assert "csrf" not in html and "idem" not in html
    assert "you" not in html.lower() and "您" not in html and "我" not in html
    assert pushed["host"][0]["swap"] == "afterbegin"

    # A liaison on the panel answers; both desks hear it, with the liaison's name.
    assert send(housing, show_id, "住建局局长已到达演播室").status_code == 200
    for sock in (host_sock, director_sock):
        got = [s for s in swaps(sock) if s["target"] == f"#crew-notes-{show_id}"]
        assert len(got) == 1
        assert "住建局局长已到达演播室" in got[0]["html"]
        assert "住建局联络员 王磊" in got[0]["html"]
    assert swaps(water_sock) == []

    # Both are on each desk's console and on the liaison's console.
    for client in (moderator, director):
        page = client.get(f"/desk/shows/{show_id}").get_data(as_text=True)
        assert "三号机位准备" in page and "住建局局长已到达演播室" in page
    page = housing.get("/desk/department").get_data(as_text=True)
    assert "三号机位准备" in page and "住建局局长已到达演播室" in page


def test_the_cue_card_is_the_hosts_and_never_the_overlays(
    app, client, show_id, moderator, director, login, socket_client
):
    host_sock = socket_client("/desk", moderator)
    join(host_sock, "/desk", f"show:{show_id}")
    overlay_sock = socket_client("/live", client)
    join(overlay_sock, "/live", f"overlay:{show_id}", f"show:{show_id}", "board")
    host_sock.get_received("/desk")
    overlay_sock.get_received("/live")

    assert send(director, show_id, "请追问整改时限", cue=True).status_code == 200
    got = swaps(host_sock)
    card = next(s for s in got if s["target"] == f"#crew-cue-{show_id}")
    assert card["swap"] == "outerHTML"
    assert "请追问整改时限" in card["html"] and "主持人提示卡" in card["html"]
    assert "csrf_token" not in card["html"]
    assert overlay_sock.get_received("/live") == []

    # The host's console shows it in the card; the overlay, in every layout, never.
    console = moderator.get(f"/desk/shows/{show_id}").get_data(as_text=True)
    cue_box = re.search(rf'<div id="crew-cue-{show_id}".*?</div>', console, re.S).group(0)
    assert "请追问整改时限" in cue_box and "hidden" not in cue_box.split(">")[0]
    for layout in ("lower-third", "ticker", "totals", "rundown"):
        url = f"/shows/{show_id}/overlay?layout={layout}"
        for headers in ({}, {"HX-Request": "true"}):
            assert "请追问整改时限" not in client.get(url, headers=headers).get_data(as_text=True)

    # A liaison sees it as a note, marked, but has no cue card of their own and cannot make one.
    housing = login("housing")
    housing_sock = socket_client("/desk", housing)
    join(housing_sock, "/desk", f"department:{HOUSING}")
    page = housing.get("/desk/department").get_data(as_text=True)
    assert "请追问整改时限" in page and "提示卡" in page
    assert f'id="crew-cue-{show_id}"' not in page and f"crew{show_id}-cue" not in page
    send(housing, show_id, "联络员想上提示卡", cue=True)
    assert [n.cue for n in notes_of(app, show_id)] == [True, False]
    assert (
        housing.htmx_post(f"/desk/shows/{show_id}/crew/cue-done", {"note": "1"}).status_code == 403
    )

    # The host takes it down with the button pushed to them: every desk hears it.
    director_sock = socket_client("/desk", director)
    join(director_sock, "/desk", f"show:{show_id}")
    director_sock.get_received("/desk")
    housing_sock.get_received("/desk")
    note_id = re.search(r'name="note" value="(\d+)"', card["html"]).group(1)
    response = moderator.htmx_post(f"/desk/shows/{show_id}/crew/cue-done", {"note": note_id})
    assert response.status_code == 200
    assert "请追问整改时限" not in response.get_data(as_text=True)
    cleared = next(s for s in swaps(director_sock) if s["target"] == f"#crew-cue-{show_id}")
    assert "请追问整改时限" not in cleared["html"] and " hidden" in cleared["html"]
    # Its note stays in every list, and now says when it was taken down.
    marked = swaps(housing_sock)
    assert [s["target"] for s in marked] == [f"#crew-note-{note_id}"]
    assert "请追问整改时限" in marked[0]["html"] and "已撤下" in marked[0]["html"]
    console = moderator.get(f"/desk/shows/{show_id}").get_data(as_text=True)
    cue_box = re.search(rf'<div id="crew-cue-{show_id}".*?</div>', console, re.S).group(0)
    assert "请追问整改时限" not in cue_box
    assert "请追问整改时限" in console  # still in the notes: kept for the record
    assert overlay_sock.get_received("/live") == []
    with app.app_context():
        done = db.session.get(CrewNote, int(note_id))
        assert done.done_at is not None and done.done_by_id is not None


def test_only_the_shows_crew_reads_or_writes(app, client, show_id, moderator, login, supervisor):
    assert send(moderator, show_id, "只给节目组看的留言").status_code == 200

    # A liaison of a department not on the panel: nothing, and no hint it exists.
    water = login("water")
    assert send(water, show_id, "水利局也想说").status_code == 404
    assert "只给节目组看的留言" not in water.get("/desk/department").get_data(as_text=True)
    assert water.get(f"/desk/shows/{show_id}/crew").status_code == 403
    # A deputy's account, and anyone signed out: nothing either.
    with app.app_context():
        deputy_id = db.session.scalar(select(func.min(Deputy.id)))
    add_staff(app, "deputy-x", "代表", Role.DEPUTY, deputy_id=deputy_id)
    deputy = login("deputy-x")
    assert send(deputy, show_id, "代表留言").status_code == 403
    assert deputy.get(f"/desk/shows/{show_id}/crew").status_code == 403
    anonymous = app.test_client()
    response = send(anonymous, show_id, "匿名留言", htmx=False)
    assert response.status_code in (302, 401)
    assert "只给节目组看的留言" not in anonymous.get(f"/desk/shows/{show_id}/crew").get_data(
        as_text=True
    )
    assert [n.text for n in notes_of(app, show_id)] == ["只给节目组看的留言"]

    # The panel's liaisons and the office read it.
    for name in ("housing", "transport"):
        assert "只给节目组看的留言" in login(name).get("/desk/department").get_data(as_text=True)
    region = supervisor.get(f"/desk/shows/{show_id}/crew", headers={"HX-Request": "true"})
    assert "只给节目组看的留言" in region.get_data(as_text=True)


def test_the_notes_stay_with_the_show_for_the_office(app, show_id, moderator, supervisor, login):
    send(moderator, show_id, "第一个电话结束后插播短片")
    moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "end"})
    # The office reads them afterwards on the show's desk page; nobody adds to them.
    page = supervisor.get(f"/desk/shows/{show_id}").get_data(as_text=True)
    assert "第一个电话结束后插播短片" in page
    assert "本期节目已结束：留言随节目存档" in page
    assert f'id="crew-cue-{show_id}"' in page and f"crew{show_id}-note" not in page
    response = send(moderator, show_id, "太晚了")
    assert response.status_code == 409
    assert "本期节目已结束" in response.get_data(as_text=True)
    # The liaison's console moves on: an ended show is no longer listed there.
    assert "第一个电话结束后插播短片" not in login("housing").get("/desk/department").get_data(
        as_text=True
    )


def test_notes_are_short_plain_text(app, show_id, moderator):
    response = send(moderator, show_id, "长" * 281)
    assert response.status_code == 422
    assert "最多280个字符" in response.get_data(as_text=True) or "280" in response.get_data(
        as_text=True
    )
    assert "长" * 281 in response.get_data(as_text=True)  # kept as typed
    assert send(moderator, show_id, "长" * 280).status_code == 200
    assert send(moderator, show_id, "两行\n留言").status_code == 422
    assert send(moderator, show_id, "   ").status_code == 422
    assert send(moderator, show_id, '<script>alert("x")</script><b>粗</b>').status_code == 200
    page = moderator.get(f"/desk/shows/{show_id}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<b>粗</b>" not in page
    assert [len(n.text) for n in notes_of(app, show_id)][0] == 280


def test_a_double_click_sends_once_and_without_javascript_too(app, show_id, moderator):
    for _twice in range(2):
        assert send(moderator, show_id, "只发一次", key="k-once").status_code == 200
    response = send(moderator, show_id, "不用脚本也能发", htmx=False)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/desk/shows/{show_id}#crew-{show_id}")
    assert [n.text for n in notes_of(app, show_id)] == ["只发一次", "不用脚本也能发"]
    page = moderator.get(response.headers["Location"]).get_data(as_text=True)
    assert "不用脚本也能发" in page


def test_posting_is_rate_limited_per_account(app, show_id, moderator, director):
    app.config["HOTLINE_CREW_LIMIT"] = "2 per minute"
    for n in range(2):
        assert send(moderator, show_id, f"留言{n}").status_code == 200
    refused = send(moderator, show_id, "第三条")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    text = refused.get_data(as_text=True)
    assert "留言过于频繁" in text and 'value="第三条"' in text  # kept to send again
    assert send(director, show_id, "另一位导播不受影响").status_code == 200
    assert len(notes_of(app, show_id)) == 3


def test_no_public_page_feed_api_or_socket_carries_a_note(
    app, client, show_id, moderator, socket_client
):
    with app.app_context():
        commitment_id = db.session.scalar(select(Commitment.id).limit(1))
    public = socket_client("/live", client)
    joined = join(
        public,
        "/live",
        "board",
        f"show:{show_id}",
        f"overlay:{show_id}",
        f"commitment:{commitment_id}",
    )
    assert len(joined) == 4
    # The staff rooms' names are refused on the public side.
    assert join(public, "/live", f"department:{HOUSING}", f"crew:{show_id}") == {}
    public.get_received("/live")

    secrets = ["后台私密留言甲", "后台私密提示卡乙"]
    send(moderator, show_id, secrets[0])
    send(moderator, show_id, secrets[1], cue=True)
    moderator.post_form(f"/desk/shows/{show_id}/calls", {"topic": "公开的来电摘要"})
    frames = public.get_received("/live")
    assert any("公开的来电摘要" in repr(f["args"]) for f in frames)  # the socket works
    for frame in frames:
        for secret in secrets + ["导播 陈晨"]:
            assert secret not in repr(frame["args"])

    urls = [
        "/",
        "/shows",
        f"/shows/{show_id}",
        f"/shows/{show_id}/ask",
        f"/shows/{show_id}/rundown",
        f"/shows/{show_id}/topics",
        f"/shows/{show_id}/votes",
        "/feed.atom",
        "/api/v1/shows",
        "/api/v1/shows.csv",
        "/api/v1/commitments?per_page=100",
        "/open311/v2/requests.json",
        "/lists/",
        f"/commitments/{commitment_id}",
    ]
    urls += [
        f"/shows/{show_id}/overlay?layout={layout}"
        for layout in ("lower-third", "ticker", "totals", "rundown")
    ]
    for url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            body = response.get_data(as_text=True)
            for secret in secrets:
                assert secret not in body, f"{secret} on {url}"
