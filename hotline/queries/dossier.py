"""The dossier (档案) of a show, read before it: for each department on its
panel, the open, overdue and recently met items of each official who made
them, the pledges made on the last show the department was on and what became
of them, and its extension history; and the voters' top topics for the show.

Scoped in the query: a liaison's dossier holds their own department alone.
Public fields only, because the printout travels: the pledge, the official,
the status, the dates, a deputy's name, an extension's reasons unless the
office withheld them from the public timeline; never who called.

The statuses are the board's: `board.status_code()` picks the items in SQL and
`Commitment.status()` words them. Whatever the panel's size or its number of
items, the dossier is read in the same number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..changes.duplicates import counted
from ..extensions import db
from ..models import (
    Call,
    Commitment,
    Department,
    DeputyMessage,
    Event,
    EventKind,
    ExtensionRequest,
    OnAirKind,
    Redaction,
    Role,
    Show,
    User,
    show_departments,
)
from ..rules.status import Code, PublicStatus
from .board import MET_CODES, OPEN_CODES, status_code
from .rundown import rundown
from .topics import RankedTopic, ranking

RECENT_DAYS = 30  # "recently met": completed within this many days
TOP_TOPICS = 10
EXTENSION_DAYS = 365  # the extension history reaches back a year

# The groups a department's items fall in, in the order the host reads them.
OVERDUE, OPEN, REPORTED, MET = "overdue", "open", "reported", "met"
GROUPS = (OVERDUE, OPEN, REPORTED, MET)
_GROUP_OF = (
    {Code.OVERDUE.value: OVERDUE, Code.REPORTED.value: REPORTED}
    | {code.value: OPEN for code in (Code.DUE, Code.DUE_TODAY)}
    | {code.value: MET for code in MET_CODES}
)
_WANTED = [c.value for c in (*OPEN_CODES, Code.REPORTED)]
_EXTENSION_EVENTS = [
    k.value
    for k in (
        EventKind.EXTENSION_REQUESTED,
        EventKind.EXTENSION_GRANTED,
        EventKind.EXTENSION_REFUSED,
        EventKind.WITHDRAWN,
    )
]


@dataclass
class Line:
    """One item as the dossier lists it, and how it goes on air from this show."""

    commitment: Commitment
    status: PublicStatus
    group: str
    on_air: str  # an OnAirKind value


@dataclass
class Official:
    name: str
    title: str
    lines: list[Line] = field(default_factory=list)

    def count(self, group: str) -> int:
        return sum(1 for line in self.lines if line.group == group)


@dataclass
class ExtensionLine:
    request: ExtensionRequest
    line: Line
    reason: str  # "" when the office withheld it from the public timeline
    decision: str


@dataclass
class Section:
    department: Department
    officials: list[Official] = field(default_factory=list)
    last_show: Show | None = None
    last_pledges: list[Line] = field(default_factory=list)
    extensions: list[ExtensionLine] = field(default_factory=list)

    def count(self, group: str) -> int:
        return sum(o.count(group) for o in self.officials)


@dataclass
class Dossier:
    show: Show
    sections: list[Section]
    topics: list[RankedTopic]
    recent_since: date
    today: date


def panel_in_scope(show: Show, user: User, department_id: int | None = None) -> list[Department]:
    """The panel's departments this account may read: a liaison their own alone."""
    panel = list(show.departments)
    if user.role == Role.LIAISON:
        panel = [d for d in panel if d.id == user.department_id]
    if department_id is not None:
        panel = [d for d in panel if d.id == department_id]
    return panel


def dossier(
    show: Show, user: User, today: date, department_id: int | None = None
) -> Dossier | None:
    """The show's dossier as `user` may read it; None when nothing of the panel
    is theirs (a liaison of a department not on it, or another department).
    A show without a panel yet has its topics alone."""
    panel = panel_in_scope(show, user, department_id)
    recent_since = today - timedelta(days=RECENT_DAYS)
    if not panel:
        if user.role == Role.LIAISON or department_id is not None:
            return None
        return Dossier(show, [], ranking(show.id)[:TOP_TOPICS], recent_since, today)
    ids = [d.id for d in panel]
    aired = _on_air_kinds(show, today)
    sections = {d.id: Section(d) for d in panel}

    officials: dict[tuple[int, str, str], Official] = {}
    for item, code in _current(ids, today, recent_since):
        key = (item.department_id, item.official_name.strip(), item.official_title.strip())
        if key not in officials:
            officials[key] = Official(key[1], key[2])
            sections[item.department_id].officials.append(officials[key])
        officials[key].lines.append(Line(item, item.status(today), _GROUP_OF[code], aired(item)))
    for section in sections.values():
        for official in section.officials:
            official.lines.sort(key=_reading_order)
        section.officials.sort(key=lambda o: (-o.count(OVERDUE), -len(o.lines), o.name, o.title))

    for department_id_, last in _last_shows(show, ids):
        sections[department_id_].last_show = last
    for item in _last_pledges(show, ids):
        sections[item.department_id].last_pledges.append(
            Line(item, item.status(today), "", aired(item))
        )

    requests = _extensions(ids, today)
    withheld = _withheld_notes({r.commitment_id for r in requests})
    for r in requests:
        c = r.commitment

        def public(text: str, c=c) -> str:
            return "" if (c.id, text) in withheld else text

        sections[c.department_id].extensions.append(
            ExtensionLine(
                r,
                Line(c, c.status(today), "", aired(c)),
                public(r.reason),
                public(r.decision_reason),
            )
        )

    return Dossier(
        show=show,
        sections=[sections[i] for i in ids],
        topics=ranking(show.id)[:TOP_TOPICS],
        recent_since=recent_since,
        today=today,
    )


def _items():
    """Commitments with what a dossier line shows: the call and its show, or
    the 代表码 message's deputy (never the message's text or its sender)."""
    return select(Commitment).options(
        selectinload(Commitment.call).selectinload(Call.show),
        selectinload(Commitment.message).selectinload(DeputyMessage.deputy),
    )


def _current(ids: list[int], today: date, recent_since: date):
    """(item, status code) of the departments' open, overdue and awaiting items,
    and those met since `recent_since`; 并单 duplicates are not counted."""
    code = status_code(today)
    stmt = counted(
        _items()
        .add_columns(code.label("code"))
        .outerjoin(Commitment.call)
        .where(
            Commitment.department_id.in_(ids),
            or_(
                code.in_(_WANTED),
                and_(
                    code.in_([c.value for c in MET_CODES]),
                    Commitment.completed_on >= recent_since,
                ),
            ),
        )
        .order_by(Commitment.id)
    )
    return db.session.execute(stmt).all()


def _earlier_shows(show: Show, ids: list[int]):
    """For each department, the shows before this one it was on the panel of,
    numbered from the latest (1)."""
    return (
        select(
            show_departments.c.department_id.label("department_id"),
            Show.id.label("show_id"),
            func.row_number()
            .over(
                partition_by=show_departments.c.department_id,
                order_by=(Show.starts_at.desc(), Show.id.desc()),
            )
            .label("n"),
        )
        .join(Show, Show.id == show_departments.c.show_id)
        .where(
            show_departments.c.department_id.in_(ids),
            Show.starts_at < show.starts_at,
            Show.id != show.id,
        )
        .subquery()
    )


def _last_shows(show: Show, ids: list[int]) -> list[tuple[int, Show]]:
    """(department id, the last show before this one it was on)."""
    earlier = _earlier_shows(show, ids)
    return db.session.execute(
        select(earlier.c.department_id, Show)
        .join(Show, Show.id == earlier.c.show_id)
        .where(earlier.c.n == 1)
    ).all()


def _last_pledges(show: Show, ids: list[int]) -> list[Commitment]:
    """The items each department was given on the last show it was on, whatever
    became of them (withdrawn included), in the order they were made."""
    earlier = _earlier_shows(show, ids)
    return db.session.scalars(
        counted(
            _items()
            .join(Commitment.call)
            .join(
                earlier,
                and_(
                    earlier.c.show_id == Call.show_id,
                    earlier.c.department_id == Commitment.department_id,
                    earlier.c.n == 1,
                ),
            )
            .order_by(Commitment.id)
        )
    ).all()


def _extensions(ids: list[int], today: date) -> list[ExtensionRequest]:
    """The departments' extension requests of the last year, newest first."""
    since = datetime.combine(today - timedelta(days=EXTENSION_DAYS), time())
    return db.session.scalars(
        select(ExtensionRequest)
        .join(ExtensionRequest.commitment)
        .options(
            selectinload(ExtensionRequest.commitment)
            .selectinload(Commitment.call)
            .selectinload(Call.show),
            selectinload(ExtensionRequest.commitment)
            .selectinload(Commitment.message)
            .selectinload(DeputyMessage.deputy),
        )
        .where(Commitment.department_id.in_(ids), ExtensionRequest.created_at >= since)
        .order_by(ExtensionRequest.created_at.desc(), ExtensionRequest.id.desc())
    ).all()


def _withheld_notes(commitment_ids: set[int]) -> set[tuple[int, str]]:
    """(item, text) of the extension notes the office took off public view: the
    request's reason and the decision are the notes of those events."""
    if not commitment_ids:
        return set()
    rows = db.session.execute(
        select(Event.commitment_id, Event.note)
        .join(Redaction, Redaction.event_id == Event.id)
        .where(Event.commitment_id.in_(commitment_ids), Event.kind.in_(_EXTENSION_EVENTS))
    ).all()
    return {(c, note) for c, note in rows}


def _on_air_kinds(show: Show, today: date):
    """How an item goes on air from this show: made on it, a commitment; in its
    回音壁 rundown, the follow-up card; any other, the earlier promise (上次承诺).
    queries/onair.belongs_on_air accepts each of them."""
    in_rundown = {i.commitment.id for i in rundown(show, today)}

    def kind(item: Commitment) -> str:
        if item.call is not None and item.call.show_id == show.id:
            return OnAirKind.COMMITMENT.value
        if item.id in in_rundown:
            return OnAirKind.RUNDOWN.value
        return OnAirKind.PROMISE.value

    return kind


_ORDER = {OVERDUE: 0, OPEN: 1, REPORTED: 2, MET: 3}


def _reading_order(line: Line):
    """The worst news first: the longest overdue, then the nearest deadline,
    then those awaiting verification, then the latest met."""
    days = line.status.days or 0
    if line.group == MET:
        return (_ORDER[MET], -(line.commitment.completed_on or date.min).toordinal(), 0)
    if line.group == OVERDUE:
        return (_ORDER[OVERDUE], -days, line.commitment.id)
    return (_ORDER[line.group], line.commitment.deadline.toordinal(), line.commitment.id)
