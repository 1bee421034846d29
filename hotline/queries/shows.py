"""Shows, their calls and counts; deputies and what they carried; feed events."""

from __future__ import annotations

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..clock import utc_year_bounds
from ..extensions import db
from ..models import Call, Commitment, Deputy, DeputyMessage, Event, Outcome, Show
from ..rules.status import State

FEED_SIZE = 50


def show_with_calls(show_id: int) -> Show | None:
    """A show with its panel and every call (commitments, department, deputy):
    what the console, the public show page and their pushes render."""
    return db.session.scalar(
        select(Show)
        .options(
            selectinload(Show.departments),
            selectinload(Show.deputies),
            selectinload(Show.calls).selectinload(Call.commitments),
            selectinload(Show.calls).selectinload(Call.department),
            selectinload(Show.calls).selectinload(Call.deputy),
        )
        .where(Show.id == show_id)
    )


def show_with_panel(show_id: int) -> Show | None:
    """A show with its panel (departments and deputies) but not its calls: what
    checking a call form needs. One query: a panel is a few departments and
    deputies, so their product is a few rows."""
    return (
        db.session.scalars(
            select(Show)
            .options(joinedload(Show.departments), joinedload(Show.deputies))
            .where(Show.id == show_id)
        )
        .unique()
        .one_or_none()
    )


def with_calls(show: Show) -> Show:
    """Fill in the calls (commitments, department, deputy) of a show loaded
    with show_with_panel: the same as show_with_calls, without loading it twice."""
    calls = db.session.scalars(
        select(Call)
        .options(
            selectinload(Call.commitments),
            selectinload(Call.department),
            selectinload(Call.deputy),
        )
        .where(Call.show_id == show.id)
        .order_by(Call.number)
    ).all()
    set_committed_value(show, "calls", list(calls))
    return show


def with_calls_after_logging(show: Show, logged: Call) -> Show:
    """The show's calls after `logged` was committed with the request's objects
    kept loaded (actions.save_new(keep_loaded=True)): one query, for what the
    pushes and the answer need of the other calls (numbers, outcomes,
    departments: the panel and the totals), as the database has them now,
    another desk's included. Their departments and deputies are the ones the
    panel and the form's choices loaded (no query); commitments load only if
    something asks (a call on air); the call just logged has none yet."""
    calls = db.session.scalars(
        select(Call).where(Call.show_id == show.id).order_by(Call.number)
    ).all()
    just_logged(logged)
    set_committed_value(show, "calls", list(calls))
    return show


def calls_count(show_id: int) -> int:
    return db.session.scalar(select(func.count()).where(Call.show_id == show_id))


def just_logged(call: Call) -> Call:
    """A call just committed has no commitments yet: its row reads none."""
    set_committed_value(call, "commitments", [])
    return call


def show_counts():
    """Per show: calls, answered on air, commitments and met commitments."""
    met = Commitment.state == State.MET.value
    return (
        select(
            Show,
            func.count(distinct(Call.id)).label("calls"),
            func.count(distinct(case((Call.outcome == Outcome.ANSWERED.value, Call.id)))).label(
                "answered"
            ),
            func.count(distinct(Commitment.id)).label("commitments"),
            func.count(distinct(case((met, Commitment.id)))).label("met"),
        )
        .outerjoin(Call, Call.show_id == Show.id)
        .outerjoin(Commitment, Commitment.call_id == Call.id)
        .group_by(Show.id)
        .order_by(Show.starts_at.desc(), Show.id.desc())
    )


def show_list(year: int | None = None, kind: str | None = None, status: str | None = None):
    """(show, calls, answered, commitments, met) rows, newest first, filtered."""
    stmt = show_counts()
    if year:
        start, end = utc_year_bounds(year)
        stmt = stmt.where(Show.starts_at >= start, Show.starts_at < end)
    if kind:
        stmt = stmt.where(Show.kind == kind)
    if status:
        stmt = stmt.where(Show.status == status)
    return db.session.execute(stmt).all()


def deputies_with_call_counts():
    return db.session.execute(
        select(Deputy, func.count(Call.id))
        .outerjoin(Call, Call.deputy_id == Deputy.id)
        .group_by(Deputy.id)
        .order_by(Deputy.id)
    ).all()


def calls_of_deputy(deputy_id: int) -> list[Call]:
    return db.session.scalars(
        select(Call)
        .options(
            selectinload(Call.show),
            selectinload(Call.department),
            selectinload(Call.commitments).selectinload(Commitment.department),
        )
        .where(Call.deputy_id == deputy_id)
        .order_by(Call.received_at.desc(), Call.id.desc())
    ).all()


def latest_events(*where) -> list[Event]:
    """The newest public timeline entries (for the Atom feeds)."""
    return db.session.scalars(
        select(Event)
        .join(Event.commitment)
        .options(
            selectinload(Event.commitment).selectinload(Commitment.department),
            selectinload(Event.commitment).selectinload(Commitment.call).selectinload(Call.show),
            selectinload(Event.commitment)
            .selectinload(Commitment.message)
            .selectinload(DeputyMessage.deputy),
            selectinload(Event.redaction),
        )
        .where(*where)
        .order_by(Event.created_at.desc(), Event.id.desc())
        .limit(FEED_SIZE)
    ).all()
