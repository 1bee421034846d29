"""Changes to commitments. Each one writes its Event in the same transaction as
the change it records; callers commit, then publish."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..integration import webhooks
from ..models import (
    Attachment,
    Call,
    Commitment,
    Event,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    ItemKind,
    Outcome,
    Redaction,
    User,
    utcnow,
)
from ..rules.status import State, local_date
from . import notifications


class VersionConflict(Exception):
    """Someone else saved the item since the form was loaded."""

    def __init__(self, current):
        super().__init__("version conflict")
        self.current = current


def check_version(item, submitted: int | str | None) -> None:
    if submitted is None or str(item.version) != str(submitted):
        raise VersionConflict(item)


def add_event(
    commitment: Commitment,
    kind: EventKind,
    actor: User | None,
    *,
    note: str = "",
    percent: int | None = None,
    data: dict | None = None,
    key: str | None = None,
) -> Event:
    event = Event(
        commitment=commitment,
        kind=kind,
        actor_id=actor.id if actor else None,
        note=note,
        percent=percent,
        data=data or {},
        idempotency_key=key,
    )
    db.session.add(event)
    webhooks.emit_for_event(commitment, kind)
    notifications.note(event)
    return event


def create_commitment(
    call: Call,
    *,
    department_id: int,
    pledge: str,
    official_name: str,
    official_title: str,
    deadline: date,
    actor: User | None,
    key: str | None = None,
    terms: dict | None = None,
) -> Commitment:
    """`terms`: what, where, how much, the acceptance criterion, as given on air
    (any may be missing; the department completes them later)."""
    terms = terms or {}
    commitment = Commitment(
        call=call,
        department_id=department_id,
        pledge=pledge,
        official_name=official_name,
        official_title=official_title,
        deadline=deadline,
        original_deadline=deadline,
        state=State.OPEN,
        idempotency_key=key,
        **terms,
    )
    db.session.add(commitment)
    call.outcome = Outcome.COMMITTED
    add_event(
        commitment,
        EventKind.CREATED,
        actor,
        note=pledge,
        data={"deadline": deadline.isoformat(), "official": official_name, **terms},
    )
    return commitment


def create_referral(
    call: Call,
    *,
    department_id: int,
    note: str,
    deadline: date,
    actor: User | None,
    working_days: int | None = None,
    key: str | None = None,
) -> Commitment:
    """转线下核实: the call becomes a board item of kind `referral`, owned by the
    department, with a response deadline and the same follow-up as a commitment.
    What will be verified is its "pledge" (the call's topic when no note was given)."""
    item = Commitment(
        call=call,
        kind=ItemKind.REFERRAL,
        department_id=department_id,
        pledge=(note or "").strip() or call.topic,
        official_name="",
        official_title="",
        deadline=deadline,
        original_deadline=deadline,
        state=State.OPEN,
        idempotency_key=key,
    )
    db.session.add(item)
    data = {"deadline": deadline.isoformat(), "kind": ItemKind.REFERRAL.value}
    if working_days is not None:
        data["working_days"] = working_days
    add_event(item, EventKind.REFERRED, actor, note=item.pledge, data=data)
    return item


CORRECTABLE = ("pledge", "official_name", "official_title", "deadline")


def correct_commitment(
    commitment: Commitment,
    changes: dict,
    *,
    version,
    actor: User | None,
    today: date,
    tz: str,
    key: str | None = None,
) -> Event | None:
    """Fix a typo made on air. Every changed field goes on the public timeline,
    old and new side by side. The deadline may be fixed only on the day it was
    made and before anything else happened to it (it then sets the original
    deadline too); later, a deadline changes only through an extension."""
    check_version(commitment, version)
    if "deadline" in changes and changes["deadline"] != commitment.deadline:
        followed_up = any(
            e.kind not in (EventKind.CREATED, EventKind.REFERRED, EventKind.CORRECTED)
            for e in commitment.events
        )
        made_today = local_date(commitment.created_at, tz) == today
        if commitment.state != State.OPEN or followed_up or not made_today:
            raise ValueError("the deadline changes only through an extension now")
    diff = {}
    for field in CORRECTABLE:
        if field in changes and changes[field] != getattr(commitment, field):
            old, new = getattr(commitment, field), changes[field]
            diff[field] = [str(old), str(new)]
            setattr(commitment, field, new)
            if field == "deadline":
                commitment.original_deadline = new
    if not diff:
        return None
    return add_event(commitment, EventKind.CORRECTED, actor, data={"changes": diff}, key=key)


# After the show: progress, extensions, completion, verification, 督办 and
# withdrawal. Each function validates first (nothing is changed on bad input),
# then changes the commitment and writes its Event; the route commits once.
# Every action touches the commitment so its version moves on and a form
# loaded before the change gets a VersionConflict instead of acting blind.


class FollowupError(ValueError):
    """Bad input for a follow-up action; `field` names the form field it belongs to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def _touch(commitment: Commitment) -> None:
    commitment.updated_at = utcnow()


def _need_text(field: str, text: str | None, message) -> str:
    text = (text or "").strip()
    if not text:
        raise FollowupError(field, message)
    return text


def _need_state(commitment: Commitment, *states: State) -> None:
    if commitment.state not in states:
        raise FollowupError("", _l("This action is not possible in the item's current state."))


def pending_extension(commitment: Commitment) -> ExtensionRequest | None:
    return db.session.scalar(
        select(ExtensionRequest).where(
            ExtensionRequest.commitment_id == commitment.id,
            ExtensionRequest.status == ExtensionStatus.PENDING,
        )
    )


def last_event(commitment: Commitment, kind: EventKind) -> Event | None:
    return db.session.scalar(
        select(Event)
        .where(Event.commitment_id == commitment.id, Event.kind == kind)
        .order_by(Event.id.desc())
        .limit(1)
    )


def post_progress(
    commitment: Commitment,
    *,
    actor: User,
    note: str,
    percent: int | None = None,
    attachments: list[Attachment] = (),
    version,
    key: str | None = None,
) -> Event:
    check_version(commitment, version)
    _need_state(commitment, State.OPEN)
    note = _need_text("note", note, _l("Write what has been done."))
    if percent is not None and not 0 <= percent <= 100:
        raise FollowupError("percent", _l("The percentage is between 0 and 100."))
    _touch(commitment)
    event = add_event(commitment, EventKind.PROGRESS, actor, note=note, percent=percent, key=key)
    event.attachments.extend(attachments)
    return event


def request_extension(
    commitment: Commitment,
    *,
    actor: User,
    new_deadline: date | None,
    reason: str,
    today: date,
    version,
    key: str | None = None,
) -> ExtensionRequest:
    check_version(commitment, version)
    _need_state(commitment, State.OPEN)
    if new_deadline is None:
        raise FollowupError("new_deadline", _l("Give the new deadline."))
    if new_deadline < today:
        raise FollowupError("new_deadline", _l("The new deadline cannot be in the past."))
    if new_deadline <= commitment.deadline:
        raise FollowupError(
            "new_deadline", _l("The new deadline must be after the current deadline.")
        )
    reason = _need_text("reason", reason, _l("Give the reason for the extension."))
    if pending_extension(commitment):
        raise FollowupError("", _l("An extension request is already waiting for a decision."))
    request = ExtensionRequest(
        commitment=commitment,
        requested_deadline=new_deadline,
        reason=reason,
        requested_by_id=actor.id,
    )
    db.session.add(request)
    _touch(commitment)
    add_event(
        commitment,
        EventKind.EXTENSION_REQUESTED,
        actor,
        note=reason,
        data={"requested": new_deadline.isoformat(), "current": commitment.deadline.isoformat()},
        key=key,
    )
    return request


def decide_extension(
    request: ExtensionRequest,
    *,
    actor: User,
    grant: bool,
    reason: str,
    version,
    key: str | None = None,
) -> Event:
    commitment = request.commitment
    check_version(commitment, version)
    if request.status != ExtensionStatus.PENDING:
        raise FollowupError("", _l("This request has already been decided."))
    # Once completion is reported the request can only be refused: granting it
    # then would turn a late completion into "met after extension".
    _need_state(commitment, State.OPEN, State.REPORTED)
    if grant and commitment.state != State.OPEN:
        raise FollowupError(
            "", _l("Completion was already reported, so the extension can only be refused.")
        )
    if request.requested_by_id == actor.id:
        raise FollowupError("", _l("You cannot decide on your own request."))
    reason = _need_text("reason", reason, _l("Give the reason for the decision."))
    if grant and request.requested_deadline <= commitment.deadline:
        raise FollowupError("", _l("The requested date is no longer after the deadline."))
    request.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
    request.decided_by_id = actor.id
    request.decision_reason = reason
    request.decided_at = utcnow()
    _touch(commitment)
    if not grant:
        return add_event(
            commitment,
            EventKind.EXTENSION_REFUSED,
            actor,
            note=reason,
            data={"requested": request.requested_deadline.isoformat()},
            key=key,
        )
    old = commitment.deadline
    commitment.deadline = request.requested_deadline  # original_deadline never changes
    return add_event(
        commitment,
        EventKind.EXTENSION_GRANTED,
        actor,
        note=reason,
        data={"from": old.isoformat(), "to": request.requested_deadline.isoformat()},
        key=key,
    )


def report_completion(
    commitment: Commitment,
    *,
    actor: User,
    note: str,
    on: date,
    attachments: list[Attachment] = (),
    version,
    key: str | None = None,
) -> Event:
    """`on` is the local date of the report: the completion date the status compares."""
    check_version(commitment, version)
    _need_state(commitment, State.OPEN)
    note = _need_text("note", note, _l("Describe what was done."))
    commitment.state = State.REPORTED
    commitment.completed_on = on
    _touch(commitment)
    event = add_event(
        commitment,
        EventKind.COMPLETION_REPORTED,
        actor,
        note=note,
        data={"completed_on": on.isoformat()},
        key=key,
    )
    event.attachments.extend(attachments)
    return event


def verify_completion(
    commitment: Commitment, *, actor: User, note: str = "", version, key: str | None = None
) -> Event:
    check_version(commitment, version)
    _need_state(commitment, State.REPORTED)
    reported = last_event(commitment, EventKind.COMPLETION_REPORTED)
    if reported and reported.actor_id == actor.id:
        raise FollowupError("", _l("You cannot verify a completion you reported yourself."))
    commitment.state = State.MET
    _touch(commitment)
    data = {"completed_on": commitment.completed_on.isoformat()}
    if commitment.kind == ItemKind.COMMITMENT:  # a pledge: against its criterion ("": none)
        data["criterion"] = commitment.criterion or ""
    return add_event(
        commitment, EventKind.VERIFIED, actor, note=(note or "").strip(), data=data, key=key
    )


def reopen(
    commitment: Commitment, *, actor: User, reason: str, version, key: str | None = None
) -> Event:
    """Send a reported completion back: the item is open again, with a public reason."""
    check_version(commitment, version)
    _need_state(commitment, State.REPORTED)
    reason = _need_text("reason", reason, _l("Say why the completion is sent back."))
    reported_on = commitment.completed_on
    commitment.state = State.OPEN
    commitment.completed_on = None
    _touch(commitment)
    return add_event(
        commitment,
        EventKind.REOPENED,
        actor,
        note=reason,
        data={"reported_on": reported_on.isoformat() if reported_on else None},
        key=key,
    )


def press(
    commitment: Commitment, *, actor: User, note: str, version, key: str | None = None
) -> Event:
    """督办: a public note on the timeline and a reminder to the department."""
    check_version(commitment, version)
    _need_state(commitment, State.OPEN)
    note = _need_text("note", note, _l("Write what the department must do, and by when."))
    _touch(commitment)
    return add_event(commitment, EventKind.PRESSED, actor, note=note, key=key)


def record_result_vote(
    commitment: Commitment,
    *,
    show_id: int,
    votes: tuple[int, int, int],
    actor: User | None,
    key: str | None = None,
) -> Event:
    """举牌评效果: the placard vote on the result, taken in a later show's 回音壁
    segment. A new event; a second count for the same show supersedes the first
    in the totals (both stay on the record). Not the vote on the call."""
    if commitment.state == State.WITHDRAWN:
        raise ValueError("a withdrawn commitment is not rated")
    satisfied, basic, dissatisfied = (int(n) for n in votes)
    return add_event(
        commitment,
        EventKind.RESULT_VOTE,
        actor,
        data={"show_id": show_id, "votes": [satisfied, basic, dissatisfied]},
        key=key,
    )


def withdraw(
    commitment: Commitment, *, actor: User, reason: str, version, key: str | None = None
) -> Event:
    """Withdraw (never delete) with a public reason; a pending extension is closed too."""
    check_version(commitment, version)
    _need_state(commitment, State.OPEN, State.REPORTED)
    reason = _need_text("reason", reason, _l("Give the public reason for the withdrawal."))
    if request := pending_extension(commitment):
        request.status = ExtensionStatus.REFUSED
        request.decided_by_id = actor.id
        request.decision_reason = reason
        request.decided_at = utcnow()
    commitment.state = State.WITHDRAWN
    commitment.withdrawn_reason = reason
    _touch(commitment)
    return add_event(commitment, EventKind.WITHDRAWN, actor, note=reason, key=key)


def withhold(event: Event, *, actor: User, reason: str, key: str | None = None) -> Event:
    """Take an event's note and files off public view (a citizen's details slipped
    into them). Nothing is rewritten or deleted: the event stays as it was, a
    Redaction hides it from public pages, and a public "withheld" event with
    the reason says so on the same timeline."""
    reason = _need_text("reason", reason, _l("Say why this is withheld from the public."))
    if event.kind == EventKind.WITHHELD:
        raise FollowupError("", _l("This entry cannot be withheld."))
    if event.redaction is not None or db.session.scalar(
        select(Redaction.id).where(Redaction.event_id == event.id)
    ):
        raise FollowupError("", _l("This entry is already withheld."))
    db.session.add(Redaction(event_id=event.id, reason=reason, actor_id=actor.id))
    _touch(event.commitment)
    return add_event(
        event.commitment,
        EventKind.WITHHELD,
        actor,
        note=reason,
        data={"event_id": event.id},
        key=key,
    )
