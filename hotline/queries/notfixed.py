"""What the office reads of citizens' "not fixed" reports: its queue on the
follow-up dashboard (waiting ones, and accepted ones on items still reported
done or met, which it may reopen from), and one report to act on. Reports are
the office's (supervisors') to see before moderation; nobody else's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Commitment, NotFixedReport, NotFixedStatus, Role, User
from ..rules.status import State


def _reports():
    return (
        select(NotFixedReport)
        .join(Commitment, NotFixedReport.commitment_id == Commitment.id)
        .options(
            selectinload(NotFixedReport.commitment).selectinload(Commitment.department),
            selectinload(NotFixedReport.attachment),
        )
        .order_by(NotFixedReport.created_at, NotFixedReport.id)
    )


def office_queue(user: User) -> dict:
    """The dashboard's section 群众反映未解决, for the office only (empty otherwise)."""
    if user.role != Role.SUPERVISOR:
        return {"waiting": [], "to_reopen": []}
    waiting = db.session.scalars(
        _reports().where(NotFixedReport.status == NotFixedStatus.PENDING)
    ).all()
    to_reopen = db.session.scalars(
        _reports().where(
            NotFixedReport.status == NotFixedStatus.ACCEPTED,
            Commitment.state.in_([State.REPORTED, State.MET]),
        )
    ).all()
    return {"waiting": waiting, "to_reopen": to_reopen}


def office_report(report_id: int, user: User) -> NotFixedReport | None:
    """One report, if this account is the office's."""
    if user.role != Role.SUPERVISOR:
        return None
    return db.session.scalar(_reports().where(NotFixedReport.id == report_id))
