"""Helpers the question wall's tests share (tests/public/test_wall.py,
tests/realtime/test_wall_live.py, the browser test): a citizen asking from
their phone, the moderator approving and marking, a viewer upvoting as the
show page does, and reading the wall off a page."""

import re

from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Question, WallEntry, WallVote

PHONE_ADDRESS = "10.8.8.8"  # a citizen's phone on the mobile network


def citizen(app, address: str = PHONE_ADDRESS, agent: str = "Mozilla/5.0 (phone)"):
    """A phone: its own cookies, on `address`, with `agent`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.environ_base["HTTP_USER_AGENT"] = agent
    return client


def ask(client, show_id: int, text: str, **fields):
    data = {"question": text, "area": "凤凰街道", **fields}
    return client.post_form(f"/shows/{show_id}/ask", data)


def question_id(app, text: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Question.id).where(Question.text == text))


def entry_of(app, question: int) -> WallEntry | None:
    with app.app_context():
        entry = db.session.scalar(select(WallEntry).where(WallEntry.question_id == question))
        if entry is not None:
            db.session.expunge(entry)
        return entry


def approve(moderator, question: int, **fields):
    return moderator.htmx_post(f"/desk/questions/{question}/wall", fields)


def mark(moderator, entry_id: int, state: str):
    return moderator.htmx_post(f"/desk/wall/{entry_id}/mark", {"state": state})


def wall_token(html: str) -> str:
    """The CSRF token the show page gives the wall's form (outside the box)."""
    return re.search(r'name="csrf_token" form="wall-form" value="([^"]+)"', html).group(1)


def upvote(client, show_id: int, entry_id: int, htmx=False, lang="en"):
    """Upvote as a viewer does: the token from the show page, then the form."""
    token = wall_token(client.get(f"/shows/{show_id}").text)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        f"/shows/{show_id}/wall/vote?lang={lang}",
        data={"csrf_token": token, "entry": str(entry_id)},
        headers=headers,
    )


def upvotes(app, entry_id: int) -> list[WallVote]:
    with app.app_context():
        return list(db.session.scalars(select(WallVote).where(WallVote.entry_id == entry_id)))


def counts_on(html: str) -> dict[int, int]:
    """{entry id: upvotes} as a page or a pushed block shows them."""
    return {
        int(i): int(n) for i, n in re.findall(r'id="wall-votes-(\d+)"[^>]*data-votes="(\d+)"', html)
    }


def desk_order(html: str) -> list[int]:
    """The entries of the desk's wall panel, top first."""
    return [int(i) for i in re.findall(r'<li id="desk-wall-(\d+)" data-state="(?!archived)', html)]
