"""Changes to 代表码 messages (answered, put forward, declined, or given to a
department: 交办), and the deputy's follow-up note (代表督办) on their items.
Each change writes its event in the same session as the change; callers
commit. Who may act is decided by the caller's scoped query
(queries/deputies.py); these functions check the state."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import (
    Commitment,
    Department,
    DeputyMessage,
    Event,
    EventKind,
    ItemKind,
    MessageEvent,
    MessageEventKind,
    MessageSender,
    MessageStatus,
    Show,
    ShowStatus,
    User,
)
from ..rules.status import State
from . import categories, notifications, refcodes, topics
from .commitments import _touch, add_event


class NotAllowed(ValueError):
    """The message or item is not in a state that allows this. `message` is
    what the deputy is told; `status` the answer's code (409: someone else
    already handled it; 422: the request itself cannot be done)."""

    def __init__(self, message, status: int = 422):
        super().__init__(str(message))
        self.message = message
        self.status = status


def _event(message: DeputyMessage, kind: str, actor: User | None, note: str = "", **data):
    db.session.add(MessageEvent(message=message, kind=kind, actor=actor, note=note, data=data))


def receive(
    deputy_id: int,
    *,
    text: str,
    area: str,
    name: str,
    phone: str,
    email: str = "",
    notify: bool = False,
    category_id: int | None = None,
) -> str:
    """A citizen's message to a deputy; returns its reference code. With
    `notify` (and a phone or an e-mail), the sender is told of each change of
    the board item it may become."""
    message = DeputyMessage(deputy_id=deputy_id, text=text, area=area, summary="")
    # The area typed gets its id when it is on the office's list; the category picked.
    categories.classify(message, category_id=category_id)
    db.session.add(message)
    db.session.flush()
    if name or phone or email:
        notify = bool(notify and (phone or email))
        sender = MessageSender(
            message_id=message.id, name=name, phone=phone, email=email, notify=notify
        )
        db.session.add(sender)
        if notify:
            notifications.consent_for_message(message)
    _event(message, MessageEventKind.RECEIVED, None)
    return refcodes.issue(message_id=message.id)


def _need_new(message: DeputyMessage) -> None:
    if message.status != MessageStatus.NEW:
        raise NotAllowed(_l("This message has already been dealt with."), 409)


def _need(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise NotAllowed(_l("Please correct the form."))
    return text


def answer(message: DeputyMessage, *, actor: User, summary: str, answer: str) -> None:
    """Answered directly: the answer and the summary the deputy wrote are public."""
    _need_new(message)
    message.summary = _need(summary)
    message.answer = _need(answer)
    message.status = MessageStatus.ANSWERED
    _event(message, MessageEventKind.ANSWERED, actor, note=message.answer)


def put_forward(message: DeputyMessage, *, actor: User, summary: str, show: Show) -> None:
    """Put forward as a topic for an upcoming show (the summary is public): it
    is one of the show's published topics (topics.py), its area beside it."""
    _need_new(message)
    if show.status != ShowStatus.SCHEDULED:
        raise NotAllowed(_l("Choose a show that has not started yet."))
    message.summary = _need(summary)
    message.show_id = show.id
    message.status = MessageStatus.TOPIC
    _event(message, MessageEventKind.TOPIC, actor, show_id=show.id)
    topics.from_message(message, show, actor)


def decline(message: DeputyMessage, *, actor: User, reason: str) -> None:
    _need_new(message)
    message.reason = _need(reason)
    message.status = MessageStatus.DECLINED
    _event(message, MessageEventKind.DECLINED, actor, note=message.reason)


def assign(
    message: DeputyMessage,
    *,
    actor: User,
    summary: str,
    suggestion: str,
    department_id: int | None,
    deadline: date,
) -> Commitment:
    """交办: the message becomes a board item of the department, due by the
    deadline: the same follow-up, board and scorecard as any item, its source
    the deputy's 代表码. What the department must do and the summary are public;
    the message's text and sender never are. The item's first public event and
    the message's record are written together."""
    _need_new(message)
    department = db.session.get(Department, department_id) if department_id else None
    if department is None or not department.active:
        raise NotAllowed(_l("Choose a department."))
    message.summary = _need(summary)
    item = Commitment(
        message=message,
        kind=ItemKind.REFERRAL,  # 转办事项: given to the department, no official's pledge
        department_id=department.id,
        pledge=_need(suggestion),
        official_name="",
        official_title="",
        deadline=deadline,
        original_deadline=deadline,
        state=State.OPEN,
    )
    message.status = MessageStatus.ASSIGNED
    db.session.add(item)
    db.session.flush()  # its id, for the message's record
    data = {"deadline": deadline.isoformat(), "deputy_id": message.deputy_id}
    add_event(item, EventKind.ASSIGNED, actor, note=item.pledge, data=data)
    _event(
        message,
        MessageEventKind.ASSIGNED,
        actor,
        note=item.pledge,
        commitment_id=item.id,
        department_id=department.id,
        deadline=deadline.isoformat(),
    )
    return item


def note(message: DeputyMessage, *, actor: User, text: str) -> None:
    """A follow-up note on the message's record (staff only)."""
    _event(message, MessageEventKind.NOTE, actor, note=_need(text))


def deputy_note(commitment: Commitment, *, actor: User, text: str) -> Event:
    """代表督办: the deputy follows up one of their items (of a call they carried,
    or given to a department from their 代表码); a public event."""
    if commitment.state == State.WITHDRAWN:
        raise NotAllowed(_l("A withdrawn item takes no note."))
    event = add_event(commitment, EventKind.DEPUTY_NOTE, actor, note=_need(text))
    _touch(commitment)
    return event
