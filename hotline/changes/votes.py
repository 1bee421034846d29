"""Viewers' votes on an answer (网友投票): when voting is open, and a vote cast.

The rule, in one place: viewers may vote on a call while its show is live and
the moderator has it on the overlay, the call itself or a commitment made on
it (the answer's pledge). Voting opens when the call is put on air and closes
when something else is, when the overlay is cleared or when the show ends;
after that the count is the record, next to the studio's placard count and
never added to it.

The caller commits, then pushes (pushes.votes_counted). A vote is no event on
any timeline: like a rating, it is a citizen's word, not something done to
the call.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Call, Commitment, OnAir, OnAirKind, RatingValue, Show, ShowStatus, ViewerVote


class Refused(ValueError):
    """The vote is not counted. `message` is what the viewer is told; `status`
    the answer's code (400: not one of the three words; 409: closed, or
    already counted)."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


def voting_call_id(show: Show) -> int | None:
    """The call viewers may vote on now, or None: while the show is live, the
    call on the overlay, or the call of the commitment on the overlay."""
    if show.status != ShowStatus.LIVE:
        return None
    row = db.session.get(OnAir, show.id)
    if row is None or row.item_id is None:
        return None
    if row.kind == OnAirKind.CALL:
        query = select(Call.id).where(Call.id == row.item_id)
    elif row.kind == OnAirKind.COMMITMENT:
        query = (
            select(Call.id)
            .join(Commitment, Commitment.call_id == Call.id)
            .where(Commitment.id == row.item_id)
        )
    else:  # the 回音壁 segment, an earlier promise: no answer of this show
        return None
    return db.session.scalar(query.where(Call.show_id == show.id))


def closed_because(call: Call):
    """Why viewers cannot vote on this call now (a lazy text), or None when they can."""
    show = call.show
    if show.status == ShowStatus.SCHEDULED:
        return _l("Voting has not opened yet: viewers vote while the answer is on air.")
    if show.status == ShowStatus.ENDED:
        return _l("Voting has closed: the show has ended.")
    if voting_call_id(show) != call.id:
        return _l("Voting has closed: viewers vote only while this answer is on air.")
    return None


def cast(call: Call, value: str, *, browser_key: str, client_key: str) -> ViewerVote:
    """A viewer's vote on the answer on air: once per browser (`browser_key`,
    the hash of its cookie) and once per connection (`client_key`, a keyed
    hash of the day, the address, the user agent and the call); the database
    holds to both (a double click that races us is an IntegrityError)."""
    if value not in set(RatingValue):
        raise Refused(_l("Choose one of the three answers."), 400)
    reason = closed_because(call)
    if reason is not None:
        raise Refused(reason)
    mine = select(ViewerVote.id).where(ViewerVote.call_id == call.id).limit(1)
    if db.session.scalar(mine.where(ViewerVote.browser_key == browser_key)):
        raise Refused(_l("This browser has already voted on this answer."))
    if db.session.scalar(mine.where(ViewerVote.client_key == client_key)):
        # The cookie was cleared, or another browser on the same connection.
        raise Refused(_l("A vote on this answer has already come from your connection today."))
    vote = ViewerVote(call_id=call.id, value=value, browser_key=browser_key, client_key=client_key)
    db.session.add(vote)
    return vote
