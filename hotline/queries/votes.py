"""What the show page, the overlay and the API read of viewers' votes (网友投票):
the count on one call or on every call of a show, what is open for voting
now, and whether this browser has voted. Always apart from the studio's
placard count (Call.placard_*): two verdicts, side by side, never added."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..changes.votes import voting_call_id
from ..extensions import db
from ..models import Call, OnAirKind, RatingValue, Show, ShowStatus, ViewerVote

VALUES = tuple(v.value for v in RatingValue)


def empty() -> dict[str, int]:
    return dict.fromkeys(VALUES, 0)


def tally(call_id: int) -> dict[str, int]:
    """Viewers' votes on one call, by value (every value, in order)."""
    rows = db.session.execute(
        select(ViewerVote.value, func.count())
        .where(ViewerVote.call_id == call_id)
        .group_by(ViewerVote.value)
    )
    return empty() | {value: n for value, n in rows if value in VALUES}


def tallies(show_id: int) -> dict[int, dict[str, int]]:
    """Viewers' votes on every call of a show that has some, by call id."""
    rows = db.session.execute(
        select(ViewerVote.call_id, ViewerVote.value, func.count())
        .join(Call, Call.id == ViewerVote.call_id)
        .where(Call.show_id == show_id)
        .group_by(ViewerVote.call_id, ViewerVote.value)
    )
    found: dict[int, dict[str, int]] = {}
    for call_id, value, n in rows:
        if value in VALUES:
            found.setdefault(call_id, empty())[value] = n
    return found


def placards(call: Call) -> dict[str, int] | None:
    """The studio's placard count on the call, by value; None until recorded."""
    if not call.has_placard:
        return None
    counts = (call.placard_satisfied, call.placard_basic, call.placard_dissatisfied)
    return {value: n or 0 for value, n in zip(VALUES, counts, strict=True)}


@dataclass
class Voting:
    """The show page's box (网友投票): the call open for voting, if any, with
    its two counts. `live`: the show is live (the box says what to wait for)."""

    live: bool
    call: Call | None = None
    online: dict[str, int] = field(default_factory=empty)
    values: tuple[str, ...] = VALUES


def voting(show: Show) -> Voting:
    """What viewers may vote on now. No query for a show that is not live."""
    if show.status != ShowStatus.LIVE:
        return Voting(live=False)
    call_id = voting_call_id(show)
    if call_id is None:
        return Voting(live=True)
    return Voting(live=True, call=db.session.get(Call, call_id), online=tally(call_id))


def on_show_page(show: Show) -> dict:
    return {"voting": voting(show)}


def voted_here(call_id: int, browser_key: str | None) -> str | None:
    """What this browser voted on the call, or None."""
    if browser_key is None:
        return None
    return db.session.scalar(
        select(ViewerVote.value).where(
            ViewerVote.call_id == call_id, ViewerVote.browser_key == browser_key
        )
    )


def voted_on(card) -> Call | None:
    """The call whose answer an overlay card shows (the call, or a commitment
    made on it), whose votes it shows beside the placards; else None."""
    if card is None or card.kind not in (OnAirKind.CALL, OnAirKind.COMMITMENT):
        return None
    return card.call


def verdicts(call: Call) -> dict:
    """Both verdicts on a call as the API gives them: the studio's placard count
    (None until recorded) and the viewers' online votes, never summed."""
    return {"placard_vote": placards(call), "viewer_votes": tally(call.id)}
