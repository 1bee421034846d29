"""Linking a call to an earlier item as the same problem raised again (重复反映).

The link, the call's event and, for a board item, the item's public event are
written in one transaction; callers commit, then push. Only public fields go
into the events: the show, the call's number, the item's id."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Call,
    Commitment,
    DeputyMessage,
    EventKind,
    Repeat,
    RepeatKind,
    User,
)
from . import calls
from .commitments import add_event


def earlier_item(kind: RepeatKind, item_id: int):
    """The earlier commitment, call or message a call may be linked to, or None."""
    model = {
        RepeatKind.COMMITMENT: Commitment,
        RepeatKind.CALL: Call,
        RepeatKind.MESSAGE: DeputyMessage,
    }[kind]
    return db.session.get(model, item_id)


def existing(call: Call, kind: RepeatKind, item_id: int) -> Repeat | None:
    return db.session.scalar(
        select(Repeat).where(
            Repeat.call_id == call.id, Repeat.kind == kind.value, Repeat.item_id == item_id
        )
    )


def link_repeat(call: Call, kind: RepeatKind, item, actor: User | None) -> Repeat:
    """Link `call` to the earlier `item` (of `kind`). Refuses the call itself and
    an item of the same call (ValueError)."""
    if kind == RepeatKind.CALL and item.id == call.id:
        raise ValueError("a call is not a repeat of itself")
    if kind == RepeatKind.COMMITMENT and item.call_id == call.id:
        raise ValueError("a call is not a repeat of its own commitment")
    link = Repeat(call_id=call.id, kind=kind.value, item_id=item.id, actor_id=actor and actor.id)
    db.session.add(link)
    show = call.show
    calls.record(call, "repeat", actor, data={"kind": kind.value, "item": item.id})
    later = {"call_id": call.id, "number": call.number, "show_id": show.id, "show": show.title}
    if kind == RepeatKind.CALL:  # the earlier call's own record says it came back
        calls.record(item, "repeated", actor, data=later)
    if kind == RepeatKind.COMMITMENT:
        add_event(
            item,
            EventKind.REPEATED,
            actor,
            data=later,
        )
    return link
