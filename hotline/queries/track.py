"""What /track/<code> shows: the public fields of a call or a question, found
by its reference code. Nothing here loads CallerContact or a question's sender."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..changes import refcodes
from ..extensions import db
from ..models import Call, Commitment, DeputyMessage, Question, Show


@dataclass
class Tracked:
    show: Show | None  # None for a message through a deputy's 代表码
    call: Call | None  # None while a question waits (or was not taken on air)
    question_status: str | None  # "queued", "aired", "declined" for a question
    sent_at: datetime | None  # when the question or message was sent
    message: DeputyMessage | None = None  # public fields only are shown


def tracked(code: str) -> Tracked | None:
    row = refcodes.find(code)
    if row is None:
        return None
    call = None
    if row.call_id is not None:
        call = db.session.scalar(
            select(Call)
            .options(
                selectinload(Call.show),
                selectinload(Call.department),
                selectinload(Call.commitments).selectinload(Commitment.department),
            )
            .where(Call.id == row.call_id)
        )
    if row.message_id is not None:
        message = db.session.get(DeputyMessage, row.message_id)
        return Tracked(
            show=message.show,
            call=None,
            question_status=None,
            sent_at=message.created_at,
            message=message,
        )
    question = db.session.get(Question, row.question_id) if row.question_id else None
    show = call.show if call is not None else db.session.get(Show, question.show_id)
    return Tracked(
        show=show,
        call=call,
        question_status=question.status if question is not None else None,
        sent_at=question.created_at if question is not None else None,
    )
