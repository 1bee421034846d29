"""并单: the office links a call to an earlier call on the same problem.

Both calls stay, with their items; the later call's items are marked on their
public timelines as the same problem as the earlier item (and the earlier item
says that the problem was called in again). The board's totals, the
scorecards and the period report count the problem once: the items of a
linked (later) call are left out of the counts (`counted`), never off the
board. Each change writes its events in the same transaction; callers commit.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import MAX_ID, Call, Commitment, EventKind, User
from ..rules.status import State
from . import calls
from .commitments import FollowupError, _need_text, _touch, add_event, check_version


def counted(stmt):
    """Only the items that count: not those of a call linked to an earlier one.
    `stmt` must already select from (or join) the calls table."""
    return stmt.where(Call.duplicate_of_id.is_(None))


def merge(
    item: Commitment,
    *,
    earlier_id: int | None,
    actor: User,
    reason: str,
    version,
    key: str | None = None,
):
    """Link the call of `item` to the call of the earlier item `earlier_id`."""
    check_version(item, version)
    reason = _need_text("reason", reason, _l("Say why it is the same problem."))
    wanted = earlier_id if earlier_id and 0 < earlier_id <= MAX_ID else None
    earlier = db.session.get(Commitment, wanted) if wanted else None
    call = item.call
    if call is None:  # an item from a 代表码 message: no call to link
        raise FollowupError("", _l("Only the items of calls can be linked (并单)."))
    if (
        earlier is None
        or earlier.call is None
        or earlier.call_id == call.id
        or earlier.state == State.WITHDRAWN
    ):
        raise FollowupError("earlier", _l("Give the number of an earlier item of another call."))
    first = earlier.call
    if first.received_at > call.received_at or (
        first.received_at == call.received_at and first.id > call.id
    ):
        raise FollowupError("earlier", _l("The other call must be the earlier one."))
    if call.duplicate_of_id is not None:
        raise FollowupError("", _l("This call is already linked to an earlier call."))
    if first.duplicate_of_id is not None:
        raise FollowupError("earlier", _l("Link to the first call of the problem instead."))
    call.duplicate_of_id = first.id
    calls.record(call, "merged", actor, data={"duplicate_of": first.id})
    link = {
        "commitment_id": earlier.id,
        "call_id": first.id,
        "number": first.number,
        "show_id": first.show_id,
    }
    event = None
    for own in call.commitments:
        _touch(own)
        written = add_event(
            own,
            EventKind.MERGED,
            actor,
            note=reason,
            data=link,
            key=key if own.id == item.id else None,
        )
        event = written if own.id == item.id else event
    _touch(earlier)
    add_event(
        earlier,
        EventKind.MERGED,
        actor,
        note=reason,
        data={
            "commitment_id": item.id,
            "call_id": call.id,
            "number": call.number,
            "show_id": call.show_id,
            "again": True,
        },
    )
    return event
