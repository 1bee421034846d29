"""Helpers the viewers' votes tests share (tests/public/test_votes.py,
tests/realtime/test_votes_live.py, the browser test): a viewer's browser at
home, voting as the show page does, the desk putting a call on air and
recording the placards, and reading both counts off a page."""

import re

from desk_support import editor_version
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import ViewerVote

HOME = "10.1.2.3"  # a viewer's connection (the test client's default is 127.0.0.1)


def viewer(app, address: str = HOME, agent: str = "Mozilla/5.0 (phone)"):
    """A browser at home: its own cookies, on `address`, with `agent`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.environ_base["HTTP_USER_AGENT"] = agent
    return client


def page_token(html: str) -> str:
    """The CSRF token the show page gives its vote form (outside the box)."""
    return re.search(r'name="csrf_token" form="vote-form" value="([^"]+)"', html).group(1)


def vote(client, show_id: int, call_id: int, value="satisfied", htmx=False, lang="en"):
    """Vote as a viewer does: the token from the show page, then the form."""
    token = page_token(client.get(f"/shows/{show_id}").text)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        f"/shows/{show_id}/vote?lang={lang}",
        data={"csrf_token": token, "call": str(call_id), "value": value},
        headers=headers,
    )


def on_air(moderator, show_id: int, kind: str, item: int) -> None:
    response = moderator.post_form(f"/desk/shows/{show_id}/on-air", {"kind": kind, "item": item})
    assert response.status_code == 303


def placard(app, moderator, call_id: int, s: int, b: int, d: int) -> None:
    response = moderator.post_form(
        f"/desk/calls/{call_id}/placard",
        {
            "placard-satisfied": str(s),
            "placard-basic": str(b),
            "placard-dissatisfied": str(d),
            "placard-version": editor_version(app, call_id),
            "placard-idem": f"p{s}{b}{d}",
        },
    )
    assert response.status_code == 303


def votes_on(app, call_id: int) -> list[ViewerVote]:
    with app.app_context():
        return list(db.session.scalars(select(ViewerVote).where(ViewerVote.call_id == call_id)))


def section(html: str, tag: str, element_id: str) -> str:
    return re.search(rf'<{tag}[^>]* id="{element_id}".*?</{tag}>', html, re.S).group(0)


def cells(html: str, kind: str) -> dict[str, str]:
    """{value: count} of a verdicts table's (or the overlay's) placard or online column."""
    if kind == "placard":
        pattern = r'data-placard="(\w+)">(?:[^<]*<b>)?([^<]*)<'
    else:
        pattern = r'data-online="(\w+)">(?:[^<]*<b>)?([^<]*)<'
    return dict(re.findall(pattern, html))
