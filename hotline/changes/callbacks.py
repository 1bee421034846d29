"""The callback (回访): after the office verifies an item, it calls the caller
(or the sender of the 代表码 message it came from) back, when they left a
phone, and records whether they were reached and their verdict. A
dissatisfied verdict can reopen the item (重办) in the same step.

The public timeline shows the callback's date, whether the caller was reached
and their verdict: never who they are. The office's own note about the call is
kept in the event's data and shown on staff pages only.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import CallerContact, Commitment, Event, EventKind, MessageSender, RatingValue, User
from ..rules.status import State
from .commitments import FollowupError, _need_state, _touch, add_event, check_version

VERDICTS = tuple(v.value for v in RatingValue)


def contact_of(commitment: Commitment) -> CallerContact | MessageSender | None:
    """Private: who to call back, the caller or the message's sender. For staff
    pages only (the item was loaded in the user's scope first)."""
    if commitment.call_id is not None:
        return db.session.get(CallerContact, commitment.call_id)
    return db.session.get(MessageSender, commitment.message_id)


def can_call_back(commitment: Commitment) -> bool:
    """The caller (or sender) left a phone number (read here, never shown)."""
    contact = contact_of(commitment)
    return contact is not None and bool((contact.phone or "").strip())


def record_callback(
    commitment: Commitment,
    *,
    actor: User,
    reached: bool,
    verdict: str | None,
    note: str = "",
    reopen_reason: str = "",
    version,
    key: str | None = None,
) -> Event:
    check_version(commitment, version)
    _need_state(commitment, State.MET)
    if not can_call_back(commitment):
        raise FollowupError(
            "", _l("The caller left no phone number: there is nobody to call back.")
        )
    verdict = (verdict or "") if reached else ""
    if reached and verdict not in VERDICTS:
        raise FollowupError("verdict", _l("Give the caller's verdict."))
    reopen_reason = (reopen_reason or "").strip()
    if reopen_reason and verdict != RatingValue.DISSATISFIED:
        raise FollowupError(
            "reopen_reason", _l("Only a dissatisfied verdict reopens the item (重办).")
        )
    _touch(commitment)
    event = add_event(
        commitment,
        EventKind.CALLBACK,
        actor,
        data={"reached": reached, "verdict": verdict or None, "office_note": (note or "").strip()},
        key=key,
    )
    if reopen_reason:
        completed = commitment.completed_on
        commitment.state = State.OPEN
        commitment.completed_on = None
        add_event(
            commitment,
            EventKind.REDONE,
            actor,
            note=reopen_reason,
            data={"completed_on": completed.isoformat() if completed else None},
        )
    return event
