"""Viewers at home vote on the answer on air (网友投票): from the show page, with
or without JavaScript; once per browser and once per connection, limited per
address; only while the answer is on air. Their count stands beside the
studio's placard count (现场举牌) on the show page and the overlay, for good,
and never changes the placards or the scorecards."""

import hashlib

from desk_support import HOUSING, calls_of, commit, log
from sqlalchemy import select
from votes_support import (
    HOME,
    cells,
    on_air,
    page_token,
    placard,
    section,
    viewer,
    vote,
    votes_on,
)

from hotline.api.fields import department_record
from hotline.clock import today as local_today
from hotline.extensions import db
from hotline.models import Call, Commitment, Rating
from hotline.queries.scorecards import scorecards


def test_a_viewer_votes_on_the_answer_on_air_once_per_browser_without_js(
    app, moderator, live_show, call_id
):
    home = viewer(app)
    before = home.get(f"/shows/{live_show}?lang=en").text
    assert "No answer is on air right now" in before and 'id="vote-form"' not in before
    on_air(moderator, live_show, "call", call_id)
    page = home.get(f"/shows/{live_show}?lang=en").text
    box = section(page, "section", "votes")
    assert "菜市场排水沟堵塞" in box and f'name="call" value="{call_id}"' in box
    for label in ("Satisfied", "Basically satisfied", "Dissatisfied"):
        assert f">{label}</button>" in box
    assert page_token(page)  # the page's own token, outside the pushed box

    response = vote(home, live_show, call_id, "basic")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/shows/{live_show}#votes")
    cookie = home.get_cookie("hotline_browser")
    assert cookie is not None and cookie.http_only
    (counted,) = votes_on(app, call_id)
    assert counted.value == "basic"
    # Only keyed hashes are kept: the cookie's, and the connection's (never the address).
    assert counted.browser_key == hashlib.sha256(cookie.value.encode()).hexdigest()
    stored = " ".join(str(v) for v in vars(counted).values())
    assert HOME not in stored and hashlib.sha256(HOME.encode()).hexdigest() not in stored
    page = home.get(f"/shows/{live_show}?lang=en").text
    assert "Thank you: your vote has been counted." in page
    assert cells(section(page, "table", f"vote-tally-{call_id}"), "online")["basic"] == "1"

    again = vote(home, live_show, call_id, "dissatisfied")
    assert again.status_code == 303
    assert "already voted on this answer" in home.get(f"/shows/{live_show}?lang=en").text
    assert len(votes_on(app, call_id)) == 1


def test_with_htmx_the_box_comes_back_with_the_count_and_the_vote(
    app, moderator, live_show, call_id
):
    on_air(moderator, live_show, "call", call_id)
    home = viewer(app)
    response = vote(home, live_show, call_id, "satisfied", htmx=True)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="votes"')
    assert "You voted: Satisfied. Thank you." in response.text
    assert 'id="vote-form"' not in response.text  # nothing more to send from here
    assert cells(section(response.text, "table", f"vote-tally-{call_id}"), "online") == {
        "satisfied": "1",
        "basic": "0",
        "dissatisfied": "0",
    }
    again = vote(home, live_show, call_id, "basic", htmx=True)
    assert again.status_code == 409 and "already voted on this answer" in again.text
    # The box live.js refetches after a gap shows this browser its own vote.
    refetched = home.get(f"/shows/{live_show}/votes?lang=en", headers={"HX-Request": "true"})
    assert "You voted: Satisfied." in refetched.text
    assert (
        "You voted"
        not in viewer(app, "10.9.9.9")
        .get(f"/shows/{live_show}/votes?lang=en", headers={"HX-Request": "true"})
        .text
    )


def test_a_second_browser_on_the_same_connection_is_refused_another_connection_counts(
    app, moderator, live_show, call_id
):
    on_air(moderator, live_show, "call", call_id)
    assert vote(viewer(app), live_show, call_id, "satisfied").status_code == 303
    # Cookies cleared, or a second browser of the same kind on the same connection.
    second = vote(viewer(app), live_show, call_id, "dissatisfied", htmx=True)
    assert second.status_code == 409
    assert "already come from your connection today" in second.text
    elsewhere = vote(viewer(app, "10.7.7.7"), live_show, call_id, "dissatisfied", htmx=True)
    assert elsewhere.status_code == 200
    assert sorted(v.value for v in votes_on(app, call_id)) == ["dissatisfied", "satisfied"]
    # The connection's sign is bound to the call: the same viewer votes on the next answer.
    log(moderator, live_show, topic="小区路灯不亮")
    next_call = calls_of(app, live_show)[-1].id
    on_air(moderator, live_show, "call", next_call)
    assert vote(viewer(app), live_show, next_call, "basic", htmx=True).status_code == 200
    keys = {v.client_key for v in votes_on(app, call_id) + votes_on(app, next_call)}
    assert len(keys) == 3


def test_votes_are_rate_limited_per_address(app, moderator, live_show, call_id):
    on_air(moderator, live_show, "call", call_id)
    app.config["HOTLINE_VOTE_LIMIT"] = "2 per hour"
    # Different browsers (user agents) behind one address: a household, or a script.
    assert vote(viewer(app, agent="A"), live_show, call_id, htmx=True).status_code == 200
    assert vote(viewer(app, agent="B"), live_show, call_id, htmx=True).status_code == 200
    refused = vote(viewer(app, agent="C"), live_show, call_id, htmx=True)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Many votes have come from your connection just now" in refused.text
    assert 'id="vote-form"' in refused.text  # the form stays, to try again later
    assert len(votes_on(app, call_id)) == 2
    # Another address is not held back.
    assert vote(viewer(app, "10.4.4.4"), live_show, call_id, htmx=True).status_code == 200


def test_voting_is_open_only_while_the_answer_is_on_air(app, moderator, live_show, call_id):
    home = viewer(app)
    closed = vote(home, live_show, call_id, htmx=True)  # logged, never put on air
    assert closed.status_code == 409
    assert "Voting has closed: viewers vote only while this answer is on air." in closed.text
    assert commit(moderator, call_id).status_code == 303
    with app.app_context():
        pledge = db.session.scalar(select(Commitment.id).where(Commitment.call_id == call_id))
    # The commitment made on the call is its answer on air: voting is open.
    on_air(moderator, live_show, "commitment", pledge)
    assert vote(home, live_show, call_id, "satisfied", htmx=True).status_code == 200
    # Another call goes on air: the first one's vote has closed.
    log(moderator, live_show, topic="小区路灯不亮")
    later = calls_of(app, live_show)[-1].id
    on_air(moderator, live_show, "call", later)
    late = vote(viewer(app, "10.5.5.5"), live_show, call_id, htmx=True)
    assert late.status_code == 409 and "Voting has closed" in late.text
    assert f'name="call" value="{later}"' in late.text  # the box offers the answer on air now
    # Cleared: nothing to vote on.
    assert moderator.post_form(f"/desk/shows/{live_show}/on-air/clear").status_code == 303
    page = home.get(f"/shows/{live_show}?lang=en").text
    assert "No answer is on air right now" in page and 'id="vote-form"' not in page
    # A call of another show, or no call at all: not found.
    with app.app_context():
        other = db.session.scalar(select(Call.id).where(Call.show_id != live_show))
    assert home.post_form(f"/shows/{live_show}/vote", {"call": other}).status_code == 404
    assert home.post_form(f"/shows/{live_show}/vote", {"call": "x"}).status_code == 404
    on_air(moderator, live_show, "call", later)
    wrong = home.post_form(f"/shows/{live_show}/vote?lang=en", {"call": later, "value": "meh"})
    assert wrong.status_code == 303 and len(votes_on(app, later)) == 0
    assert "Choose one of the three answers." in home.get(f"/shows/{live_show}?lang=en").text
    # The show ends: voting is over, and the show page says nothing more of it.
    moderator.post_form(f"/desk/shows/{live_show}/status", {"action": "end"})
    ended = viewer(app, "10.6.6.6").post_form(  # (its page has no form any more)
        f"/shows/{live_show}/vote?lang=en",
        {"call": later, "value": "satisfied"},
        headers={"HX-Request": "true"},
    )
    assert ended.status_code == 409 and "Voting has closed: the show has ended." in ended.text
    assert len(votes_on(app, later)) == 0 and len(votes_on(app, call_id)) == 1


def test_a_chinese_viewer_is_told_in_chinese(app, moderator, live_show, call_id):
    home = viewer(app)
    closed = vote(home, live_show, call_id, htmx=True, lang="zh_CN")
    assert closed.status_code == 409
    assert "投票已结束：只能在该回答播出期间投票。" in closed.text
    on_air(moderator, live_show, "call", call_id)
    page = home.get(f"/shows/{live_show}?lang=zh_CN").text
    assert "您对这个回答满意吗？" in page and ">基本满意</button>" in page
    counted = vote(home, live_show, call_id, "basic", htmx=True, lang="zh_CN")
    assert "您的投票：基本满意。谢谢！" in counted.text
    assert "现场举牌" in counted.text and "网友投票" in counted.text


def test_placards_and_scorecards_are_untouched_by_viewer_votes(app, moderator, live_show, call_id):
    placard(app, moderator, call_id, 12, 3, 1)
    assert commit(moderator, call_id).status_code == 303

    def cards():
        with app.test_request_context():
            return [department_record(card) for card in scorecards(local_today())]

    def ratings():
        with app.app_context():
            return len(db.session.scalars(select(Rating)).all())

    before, rated = cards(), ratings()
    on_air(moderator, live_show, "call", call_id)
    for n in range(5):
        assert (
            vote(viewer(app, f"10.3.0.{n}"), live_show, call_id, "dissatisfied").status_code == 303
        )
    assert len(votes_on(app, call_id)) == 5
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert (call.placard_satisfied, call.placard_basic, call.placard_dissatisfied) == (12, 3, 1)
    assert cards() == before and ratings() == rated
    housing = next(c for c in before if c["id"] == HOUSING)
    assert (
        housing["ratings_dissatisfied"]
        == next(c for c in cards() if c["id"] == HOUSING)["ratings_dissatisfied"]
    )
    api = app.test_client().get("/api/v1/departments").json["data"]
    assert [{k: v for k, v in row.items()} for row in api] == before


def test_the_show_page_and_the_overlay_show_both_verdicts_side_by_side(
    app, client, moderator, live_show, call_id
):
    placard(app, moderator, call_id, 12, 3, 1)
    on_air(moderator, live_show, "call", call_id)
    for n, value in enumerate(["satisfied", "satisfied", "dissatisfied"]):
        assert vote(viewer(app, f"10.2.0.{n}"), live_show, call_id, value).status_code == 303
    expected_online = {"satisfied": "2", "basic": "0", "dissatisfied": "1"}
    expected_placard = {"satisfied": "12", "basic": "3", "dissatisfied": "1"}

    page = client.get(f"/shows/{live_show}?lang=en").text
    box = section(page, "table", f"vote-tally-{call_id}")
    assert "Studio placards" in box and "Online viewers" in box
    assert cells(box, "placard") == expected_placard and cells(box, "online") == expected_online
    row = section(page, "div", f"verdicts-{call_id}")  # the call's record
    assert cells(row, "placard") == expected_placard and cells(row, "online") == expected_online

    overlay = client.get(f"/shows/{live_show}/overlay?lang=en").text
    strip = section(overlay, "div", f"overlay-votes-{call_id}")
    assert "Studio placards" in strip and "Online viewers" in strip
    assert cells(strip, "placard") == expected_placard and cells(strip, "online") == expected_online
    assert strip.index("Studio placards") < strip.index("Online viewers")

    chinese = client.get(f"/shows/{live_show}/overlay?lang=zh_CN").text
    strip = section(chinese, "div", f"overlay-votes-{call_id}")
    assert "现场举牌" in strip and "网友投票" in strip and "满意" in strip
    assert "现场举牌" in client.get(f"/shows/{live_show}?lang=zh_CN").text

    # After the show: the record keeps both, apart.
    moderator.post_form(f"/desk/shows/{live_show}/status", {"action": "end"})
    page = client.get(f"/shows/{live_show}?lang=en").text
    assert 'id="vote-form"' not in page and 'name="csrf_token"' not in page
    row = section(page, "div", f"verdicts-{call_id}")
    assert cells(row, "placard") == expected_placard and cells(row, "online") == expected_online
    # Nothing on air any more: the overlay's strip is gone with its card.
    assert f"overlay-votes-{call_id}" not in client.get(f"/shows/{live_show}/overlay").text


def test_a_call_with_neither_verdict_shows_no_empty_table(app, client, live_show, call_id):
    page = client.get(f"/shows/{live_show}?lang=en").text
    assert section(page, "div", f"verdicts-{call_id}").count("<table") == 0
