"""Changes to calls on the live desk. Each writes a CallEvent in the same
transaction; callers commit, then publish. Private caller details are kept in
CallerContact and never copied into an event."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..integration import webhooks
from ..models import Call, CallerContact, CallEvent, Commitment, Outcome, Show, User, utcnow
from . import categories, notifications, refcodes
from .commitments import check_version, create_referral

CORRECTABLE = ("topic", "area", "category", "department_id", "deputy_id")


def record(call: Call, kind: str, actor: User | None, data: dict | None = None, key=None):
    actor_id = actor.id if actor else None
    event = CallEvent(call=call, kind=kind, actor_id=actor_id, data=data or {}, idempotency_key=key)
    db.session.add(event)
    return event


def already_done(key: str | None) -> CallEvent | None:
    """The event an earlier submission of the same form wrote, if any."""
    if not key:
        return None
    return db.session.scalar(select(CallEvent).where(CallEvent.idempotency_key == key))


# Built once: every logged call runs them (building a statement cost more
# than running it).
_LAST_NUMBER = select(func.max(Call.number)).where(Call.show_id == bindparam("show_id"))
_LOCK_SHOW = select(Show.id).where(Show.id == bindparam("show_id")).with_for_update()


def next_number(show: Show) -> int:
    if db.session.get_bind().dialect.name == "postgresql":
        # Desks on several processes take numbers one at a time: the show's
        # row stays locked until this call is committed, so a second desk
        # waits a moment instead of losing the race (and, after three tries,
        # its call). SQLite lets one writer in at a time anyway.
        db.session.execute(_LOCK_SHOW, {"show_id": show.id})
    current = db.session.scalar(_LAST_NUMBER, {"show_id": show.id})
    return (current or 0) + 1


def air_offset(show: Show, received_at: datetime) -> int | None:
    """Seconds from the show going live to this moment; None before it went live."""
    if show.went_live_at is None or received_at < show.went_live_at:
        return None
    return int((received_at - show.went_live_at).total_seconds())


def log_call(
    show: Show,
    *,
    topic: str,
    area: str = "",
    category: str = "",
    department_id: int | None = None,
    deputy_id: int | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    callback: bool = False,
    caller_email: str = "",
    notify: bool = False,
    actor: User | None = None,
    key: str | None = None,
    issue_code: bool = True,
    category_id: int | None = None,
    area_id: int | None = None,
) -> Call:
    """Log a call. With `issue_code`, the caller gets a reference code (查询码):
    it is on `call.reference_code` for the desk to read out, and never stored
    in the clear. The typed area and category get their ids when they are on
    the office's lists (or `area_id`, `category_id` as an API client picked
    them), and a call with a category but no department goes to the
    category's default department (changes/categories.classify)."""
    received_at = utcnow()
    call = Call(
        show_id=show.id,
        number=next_number(show),
        received_at=received_at,
        air_offset=air_offset(show, received_at),
        topic=topic,
        area=area,
        category=category,
        department_id=department_id,
        deputy_id=deputy_id,
        created_by_id=actor.id if actor else None,
        idempotency_key=key,
    )
    categories.classify(call, category_id=category_id, area_id=area_id)
    # The show without the backref: appending to its (unloaded) calls would
    # make the show part of the flush, its panel's relationships and all.
    set_committed_value(call, "show", show)
    db.session.add(call)
    if caller_name or caller_phone or caller_email:
        contact = CallerContact(
            call=call, name=caller_name, phone=caller_phone, callback=callback, email=caller_email
        )
        db.session.add(contact)
        # 希望收到办理进展通知: told of each change, if there is somewhere to tell them.
        if notify and (caller_phone or caller_email):
            contact.notify = True
            notifications.consent_for_call(call)
    record(call, "logged", actor, {"number": call.number})
    webhooks.emit(webhooks.CALL_LOGGED, call)
    call.reference_code = refcodes.issue(call=call) if issue_code else None
    return call


class HasCommitments(ValueError):
    """A call with a commitment stays committed: its pledge is on the public board."""


def _refuse_if_committed(call: Call) -> None:
    if call.commitments:
        raise HasCommitments(call)


def answer_call(call: Call, *, text: str, answered_by: str, version, actor, key=None) -> None:
    check_version(call, version)
    _refuse_if_committed(call)
    old = {"outcome": call.outcome, "answer": call.answer_text}
    call.outcome = Outcome.ANSWERED
    call.answer_text = text
    call.answered_by = answered_by
    record(call, "answered", actor, {"before": old, "answered_by": answered_by}, key)


def refer_call(
    call: Call,
    *,
    department_id: int,
    note: str,
    deadline: date,
    version,
    actor,
    working_days: int | None = None,
    key=None,
) -> Commitment:
    """转线下核实: the call goes to the department as a referral on the board,
    with a response deadline; from then on it is followed up like a commitment."""
    check_version(call, version)
    _refuse_if_committed(call)
    old = {"outcome": call.outcome, "department_id": call.department_id}
    call.outcome = Outcome.REFERRED
    call.department_id = department_id
    call.answer_text = note
    call.answered_by = ""
    item = create_referral(
        call,
        department_id=department_id,
        note=note,
        deadline=deadline,
        actor=actor,
        working_days=working_days,
    )
    data = {"before": old, "department_id": department_id, "deadline": deadline.isoformat()}
    record(call, "referred", actor, data, key)
    return item


def record_placard(
    call: Call, *, satisfied: int, basic: int, dissatisfied: int, version, actor, key=None
) -> None:
    check_version(call, version)
    before = [call.placard_satisfied, call.placard_basic, call.placard_dissatisfied]
    call.placard_satisfied, call.placard_basic, call.placard_dissatisfied = (
        satisfied,
        basic,
        dissatisfied,
    )
    record(
        call, "placard", actor, {"before": before, "after": [satisfied, basic, dissatisfied]}, key
    )


def correct_call(call: Call, changes: dict, *, version, actor, key=None) -> CallEvent | None:
    """Fix what was typed in a hurry; old and new values go on the record. A call
    with commitments keeps its department: they belong to it."""
    check_version(call, version)
    if call.commitments and changes.get("department_id", call.department_id) != call.department_id:
        raise HasCommitments(call)
    diff = {}
    for field in CORRECTABLE:
        if field in changes and changes[field] != getattr(call, field):
            diff[field] = [getattr(call, field), changes[field]]
            setattr(call, field, changes[field])
    if not diff:
        return None
    if "area" in diff or "category" in diff:
        # The ids follow the corrected text (and an unrouted call its category).
        before = {f: getattr(call, f) for f in ("area_id", "category_id", "department_id")}
        categories.classify(call)
        for field, old in before.items():
            if getattr(call, field) != old:
                diff[field] = [old, getattr(call, field)]
    return record(call, "corrected", actor, {"changes": diff}, key)
