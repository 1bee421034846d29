"""What the live desk and the department console read.

The account is passed in, never read from the request: the same functions serve
a page for one person and a block pushed to a whole room.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Call,
    CallerContact,
    Department,
    Deputy,
    Outcome,
    Question,
    QuestionStatus,
    Role,
    Show,
    ShowStatus,
    User,
)


def desk_shows() -> list[Show]:
    """Live first, then scheduled, then the rest, newest first."""
    return db.session.scalars(
        select(Show).order_by(
            (Show.status == ShowStatus.LIVE).desc(),
            (Show.status == ShowStatus.SCHEDULED).desc(),
            Show.starts_at.desc(),
        )
    ).all()


def visible_calls(user: User):
    """Calls this account may see: all for the desk, own department for a liaison."""
    query = select(Call).options(
        selectinload(Call.show), selectinload(Call.commitments), selectinload(Call.department)
    )
    if user.role == Role.LIAISON:
        query = query.where(Call.department_id == user.department_id)
    return query


def call_for(user: User, call_id: int) -> Call | None:
    return db.session.scalar(visible_calls(user).where(Call.id == call_id))


def active_departments() -> list[Department]:
    return list(
        db.session.scalars(
            select(Department).where(Department.active.is_(True)).order_by(Department.id)
        )
    )


def active_deputies() -> list[Deputy]:
    return list(
        db.session.scalars(select(Deputy).where(Deputy.active.is_(True)).order_by(Deputy.id))
    )


def caller_contact_for(call: Call, user: User) -> CallerContact | None:
    """The caller's private details, for the desk; a liaison sees them only when
    the caller asked for a callback."""
    contact = db.session.get(CallerContact, call.id)
    if contact and user.role == Role.LIAISON and not contact.callback:
        return None
    return contact


def department_calls(department_id: int) -> list[Call]:
    """Calls routed to the department in a live show, and any still waiting for it."""
    return list(
        db.session.scalars(
            select(Call)
            .join(Show)
            .options(selectinload(Call.commitments), selectinload(Call.show))
            .where(
                Call.department_id == department_id,
                (Show.status == ShowStatus.LIVE) | (Call.outcome == Outcome.PENDING),
            )
            .order_by(Call.received_at.desc(), Call.id.desc())
            .limit(200)
        )
    )


def queued_questions(show: Show) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.show_id == show.id, Question.status == QuestionStatus.QUEUED)
            .order_by(Question.created_at, Question.id)
        )
    )
