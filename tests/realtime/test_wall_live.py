"""The question wall (提问墙) live: a question approved at one desk reaches the
other desk, every viewer of the show page and the overlay at once, as HTML
that belongs to nobody; an upvote moves the count everywhere and the desk's
order; every pushed desk block works for every moderator that receives it."""

import re

from wall_support import approve, ask, citizen, counts_on, desk_order, entry_of, question_id, upvote

QUESTION = "菜市场门口能不能划几个临时车位？"


def swaps(sock, namespace) -> list[dict]:
    return [e["args"][0] for e in sock.get_received(namespace) if e["name"] == "swap"]


def joined(socket_client, http_client, namespace, *rooms):
    sock = socket_client(namespace, http_client)
    sock.emit("join", {"rooms": list(rooms)}, namespace=namespace, callback=True)
    sock.get_received(namespace)
    return sock


def test_two_desks_a_viewer_and_the_overlay_see_the_wall_live(app, login, live_show, socket_client):
    host, office = login("host"), login("office")  # two moderators' sessions
    room = f"show:{live_show}"
    desks = [joined(socket_client, c, "/desk", room) for c in (host, office)]
    viewer = citizen(app, "10.20.0.1")
    page = joined(socket_client, viewer, "/live", room)
    overlay = joined(socket_client, None, "/live", f"overlay:{live_show}")

    sender = citizen(app)
    ask(sender, live_show, QUESTION, name="车主庚庚", phone="13700000077")
    qid = question_id(app, QUESTION)
    for desk in desks:  # the queue, with its approve button, reaches both desks
        queue = [s for s in swaps(desk, "/desk") if s["target"] == "#questions"]
        assert queue and f"/desk/questions/{qid}/wall" in queue[-1]["html"]

    assert approve(host, qid).status_code == 200
    entry = entry_of(app, qid)
    secrets = ["车主庚庚", "13700000077", 'name="csrf_token"', "hotline_browser"]
    for desk in desks:
        pushed = {s["target"]: s["html"] for s in swaps(desk, "/desk")}
        assert QUESTION in pushed["#desk-wall"]
        assert f"/desk/wall/{entry.id}/mark" in pushed["#desk-wall"]
        assert "已上提问墙" in pushed["#questions"]
        for html in pushed.values():
            assert not any(s in html for s in secrets)
    to_page = {s["target"]: s["html"] for s in swaps(page, "/live")}
    assert QUESTION in to_page["#wall"] and 'id="wall-form"' in to_page["#wall"]
    to_overlay = {s["target"]: s["html"] for s in swaps(overlay, "/live")}
    assert (
        QUESTION in to_overlay["#overlay-wall"] and 'data-state="on"' in to_overlay["#overlay-wall"]
    )
    for html in [*to_page.values(), *to_overlay.values()]:
        assert not any(s in html for s in secrets)
        assert "You upvoted" not in html and "您已点赞" not in html

    # The office's desk marks it (its pushed form works there too): the host sees it.
    marked = office.htmx_post(f"/desk/wall/{entry.id}/mark", {"state": "highlighted"})
    assert marked.status_code == 200
    host_sees = {s["target"]: s["html"] for s in swaps(desks[0], "/desk")}
    assert 'data-state="highlighted"' in host_sees["#desk-wall"]
    swaps(desks[1], "/desk")
    swaps(page, "/live")
    swaps(overlay, "/live")

    # A viewer upvotes: the count moves on the page, the overlay and both desks.
    other = "社区医院周末能不能开门诊？"
    ask(citizen(app, "10.20.0.9"), live_show, other)
    approve(host, question_id(app, other))
    second = entry_of(app, question_id(app, other)).id
    for sock, ns in ((page, "/live"), (overlay, "/live"), *((d, "/desk") for d in desks)):
        swaps(sock, ns)
    for n in range(2):
        assert upvote(citizen(app, f"10.21.0.{n}"), live_show, second).status_code == 303
    counted = swaps(page, "/live")
    assert {s["target"] for s in counted} == {f"#wall-votes-{second}"}
    assert counts_on(counted[-1]["html"]) == {second: 2}
    assert re.search(r"<b>2</b>", swaps(overlay, "/live")[-1]["html"])
    for desk in desks:
        panel = [s for s in swaps(desk, "/desk") if s["target"] == "#desk-wall"][-1]["html"]
        assert desk_order(panel) == [second, entry.id]  # by upvotes
        # Every desk's pushed panel carries the buttons that work from it (htmx
        # sends each page's own token): the host marks the second one answered.
    answered = host.htmx_post(f"/desk/wall/{second}/mark", {"state": "answered"})
    assert answered.status_code == 200 and 'data-state="answered"' in answered.text
