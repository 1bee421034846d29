"""The 回音壁 (follow-up) segment of a show: which earlier commitments its host
reads out, with what the public knows of each.

A commitment made on an earlier show, for a department on this show's panel,
is in the rundown when, since the previous show of the same kind:
- it fell due (its current deadline is between that show's local date,
  inclusive, and today), or
- it is overdue now (open and past its deadline, however long ago), or
- an extension was granted, or it was verified as met, or
- it was withdrawn (a withdrawal is read out once, with its reason; one
  withdrawn before the previous show is not in the rundown), or
- it was reopened (重办: sent back, or reopened from a citizens' "not fixed"
  report or a dissatisfied callback).
Without a previous show, "since" means since ever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import and_, exists, or_, select, true
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Call, Commitment, Event, EventKind, Show
from ..rules.status import Code, PublicStatus, State, local_date
from .board import public_commitments

# Reasons an item is in the rundown, as codes (labels.rundown_reason words them).
FELL_DUE, OVERDUE, EXTENDED, VERIFIED, WITHDRAWN, REOPENED = (
    "fell_due",
    "overdue",
    "extended",
    "verified",
    "withdrawn",
    "reopened",
)
REOPENINGS = (EventKind.REOPENED, EventKind.REDONE)
# The order a host reads a department's items in: the worst news first.
READING_ORDER = {
    Code.OVERDUE: 0,
    Code.WITHDRAWN: 1,
    Code.DUE_TODAY: 2,
    Code.REPORTED: 3,
    Code.DUE: 4,
    Code.MET_LATE: 5,
    Code.MET_AFTER_EXTENSION: 6,
    Code.MET_ON_TIME: 7,
}


@dataclass
class RundownItem:
    commitment: Commitment
    status: PublicStatus
    reasons: list[str] = field(default_factory=list)
    extensions: list[Event] = field(default_factory=list)  # granted, oldest first
    progress: Event | None = None  # the latest progress note or completion report
    votes: list[Event] = field(default_factory=list)  # result votes (举牌评效果) so far


def previous_show(show: Show) -> Show | None:
    """The show of the same kind that started last before this one."""
    return db.session.scalar(
        select(Show)
        .where(Show.kind == show.kind, Show.starts_at < show.starts_at, Show.id != show.id)
        .order_by(Show.starts_at.desc(), Show.id.desc())
        .limit(1)
    )


def _event_since(kind: EventKind | tuple[EventKind, ...], since):
    kinds = [k.value for k in kind] if isinstance(kind, tuple) else [kind.value]
    return exists().where(
        Event.commitment_id == Commitment.id,
        Event.kind.in_(kinds),
        Event.created_at >= since if since is not None else true(),
    )


def rundown(show: Show, today: date, zone: str | None = None) -> list[RundownItem]:
    """The rundown of `show` as it stands on `today`, in reading order: by the
    panel's departments in turn, the worst news first within each."""
    panel = [d.id for d in show.departments]
    if not panel:
        return []
    zone = zone or current_app.config["HOTLINE_TIMEZONE"]
    previous = previous_show(show)
    since = previous.starts_at if previous else None
    since_day = local_date(since, zone) if since else None
    fell_due = Commitment.deadline <= today
    if since_day:
        fell_due = and_(fell_due, Commitment.deadline >= since_day)
    overdue = and_(Commitment.state == State.OPEN.value, Commitment.deadline < today)
    wanted = or_(
        and_(
            Commitment.state != State.WITHDRAWN.value,
            or_(
                fell_due,
                overdue,
                _event_since(EventKind.EXTENSION_GRANTED, since),
                _event_since(EventKind.VERIFIED, since),
                _event_since(REOPENINGS, since),
            ),
        ),
        and_(
            Commitment.state == State.WITHDRAWN.value,
            _event_since(EventKind.WITHDRAWN, since),
        ),
    )
    items = db.session.scalars(
        public_commitments()
        .options(selectinload(Commitment.events).selectinload(Event.redaction))
        .join(Call, Commitment.call_id == Call.id)
        .join(Show, Call.show_id == Show.id)
        .where(
            Show.starts_at < show.starts_at,
            Show.id != show.id,
            Commitment.department_id.in_(panel),
            wanted,
        )
    ).all()
    found = [_item(c, today, since, since_day) for c in items]
    position = {department_id: n for n, department_id in enumerate(panel)}
    found.sort(
        key=lambda i: (
            position[i.commitment.department_id],
            READING_ORDER[i.status.code],
            -(i.status.days or 0) if i.status.code == Code.OVERDUE else 0,
            i.commitment.deadline,
            i.commitment.id,
        )
    )
    return found


def _item(c: Commitment, today: date, since, since_day) -> RundownItem:
    status = c.status(today)

    def happened(*kinds: EventKind) -> bool:
        return any(e.kind in kinds and (since is None or e.created_at >= since) for e in c.events)

    reasons = []
    if c.state == State.WITHDRAWN:
        reasons.append(WITHDRAWN)
    else:
        if status.code == Code.OVERDUE:
            reasons.append(OVERDUE)
        elif c.deadline <= today and (since_day is None or c.deadline >= since_day):
            reasons.append(FELL_DUE)
        if happened(EventKind.EXTENSION_GRANTED):
            reasons.append(EXTENDED)
        if happened(EventKind.VERIFIED):
            reasons.append(VERIFIED)
        if happened(*REOPENINGS):
            reasons.append(REOPENED)
    public = [e for e in c.events if e.redaction is None]
    progress = [e for e in public if e.kind in (EventKind.PROGRESS, EventKind.COMPLETION_REPORTED)]
    return RundownItem(
        commitment=c,
        status=status,
        reasons=reasons,
        extensions=[e for e in c.events if e.kind == EventKind.EXTENSION_GRANTED],
        progress=progress[-1] if progress else None,
        votes=[e for e in c.events if e.kind == EventKind.RESULT_VOTE],
    )


def in_rundown(show: Show, commitment_id: int, today: date) -> bool:
    """Whether a commitment is in the show's rundown (what may go on air in it)."""
    return any(i.commitment.id == commitment_id for i in rundown(show, today))


def rundown_card(show: Show, commitment: Commitment, today: date) -> RundownItem:
    """One commitment as the rundown shows it (status, history, latest progress)."""
    previous = previous_show(show)
    since = previous.starts_at if previous else None
    zone = current_app.config["HOTLINE_TIMEZONE"]
    return _item(commitment, today, since, local_date(since, zone) if since else None)
