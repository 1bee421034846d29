"""What the public topic page, the show page, the rundown and the desk read of
a show's topics. Public reads return published topics only; the desk's
moderation queue is read by the desk routes alone (the office)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Question,
    QuestionStatus,
    Show,
    Topic,
    TopicCollection,
    TopicEvent,
    TopicStatus,
    TopicSupport,
    is_collecting,
)


@dataclass(frozen=True)
class RankedTopic:
    topic: Topic
    supports: int


def _with_counts(*where):
    supports = func.count(TopicSupport.id)
    return (
        select(Topic, supports.label("supports"))
        .outerjoin(TopicSupport, TopicSupport.topic_id == Topic.id)
        .where(*where)
        .group_by(Topic.id)
    ), supports


def ranking(show_id: int) -> list[RankedTopic]:
    """The show's published topics, most supported first (then the oldest)."""
    stmt, supports = _with_counts(Topic.show_id == show_id, Topic.status == TopicStatus.PUBLISHED)
    rows = db.session.execute(stmt.order_by(supports.desc(), Topic.id)).all()
    return [RankedTopic(topic, n) for topic, n in rows]


def agenda(show_id: int) -> list[RankedTopic]:
    """The topics chosen for the show's agenda, in their order."""
    stmt, _supports = _with_counts(
        Topic.show_id == show_id,
        Topic.status == TopicStatus.PUBLISHED,
        Topic.position.is_not(None),
    )
    rows = db.session.execute(stmt.order_by(Topic.position, Topic.id)).all()
    return [RankedTopic(topic, n) for topic, n in rows]


def on_show_page(show: Show) -> dict:
    """What the show page (and its pushed block) says of the topics, in one
    query: the agenda with its support, whether collection is open, and
    whether there is a topic page to link to (once the office has begun)."""
    supports = func.count(TopicSupport.id)
    rows = db.session.execute(
        select(TopicCollection, Topic, supports)
        .outerjoin(
            Topic,
            and_(
                Topic.show_id == TopicCollection.show_id,
                Topic.status == TopicStatus.PUBLISHED,
                Topic.position.is_not(None),
            ),
        )
        .outerjoin(TopicSupport, TopicSupport.topic_id == Topic.id)
        .where(TopicCollection.show_id == show.id)
        .group_by(TopicCollection.show_id, Topic.id)
        .order_by(Topic.position, Topic.id)
    ).all()
    found = rows[0][0] if rows else None
    return {
        "agenda": [RankedTopic(topic, n) for _c, topic, n in rows if topic is not None],
        "collecting": is_collecting(show, found),
        "topic_page": found is not None,
    }


def desk_summary(show: Show) -> dict:
    """The console's topics box: how many proposals wait, and the agenda."""
    waiting = db.session.scalar(
        select(func.count(Topic.id)).where(
            Topic.show_id == show.id, Topic.status == TopicStatus.PROPOSED
        )
    )
    return {"waiting": waiting, **on_show_page(show)}


def public_topic(show_id: int, topic_id: int) -> Topic | None:
    """A published topic of the show, with its show (None for any other)."""
    return db.session.scalar(
        select(Topic)
        .options(selectinload(Topic.show))
        .where(
            Topic.id == topic_id,
            Topic.show_id == show_id,
            Topic.status == TopicStatus.PUBLISHED,
        )
    )


def supports_of(topic_id: int) -> int:
    return db.session.scalar(
        select(func.count(TopicSupport.id)).where(TopicSupport.topic_id == topic_id)
    )


def supported_here(show_id: int, browser_key: str | None) -> set[int]:
    """The show's topics this browser has supported."""
    if browser_key is None:
        return set()
    return set(
        db.session.scalars(
            select(TopicSupport.topic_id)
            .join(Topic, Topic.id == TopicSupport.topic_id)
            .where(Topic.show_id == show_id, TopicSupport.browser_key == browser_key)
        )
    )


def collection_of(show_id: int) -> TopicCollection | None:
    return db.session.get(TopicCollection, show_id)


# --- the desk (the office only) ------------------------------------------------


def topic_for_desk(topic_id: int) -> Topic | None:
    return db.session.scalar(
        select(Topic).options(selectinload(Topic.show)).where(Topic.id == topic_id)
    )


def waiting(show_id: int) -> list[Topic]:
    """Citizens' proposals waiting for moderation, oldest first."""
    return list(
        db.session.scalars(
            select(Topic)
            .where(Topic.show_id == show_id, Topic.status == TopicStatus.PROPOSED)
            .order_by(Topic.id)
        )
    )


def rejected(show_id: int) -> list[Topic]:
    return list(
        db.session.scalars(
            select(Topic)
            .where(Topic.show_id == show_id, Topic.status == TopicStatus.REJECTED)
            .order_by(Topic.id.desc())
        )
    )


def questions_for_topics(show: Show) -> list[Question]:
    """The show's queued questions not made a topic yet (the words as sent are
    for the desk; the sender's name and phone are not shown here)."""
    made = select(Topic.question_id).where(Topic.question_id.is_not(None))
    return list(
        db.session.scalars(
            select(Question)
            .where(
                Question.show_id == show.id,
                Question.status == QuestionStatus.QUEUED,
                Question.id.not_in(made),
            )
            .order_by(Question.id)
        )
    )


def history(show_id: int) -> list[TopicEvent]:
    """The record of the show's topics, newest first (who did what, and when)."""
    return list(
        db.session.scalars(
            select(TopicEvent)
            .options(selectinload(TopicEvent.actor), selectinload(TopicEvent.topic))
            .where(TopicEvent.show_id == show_id)
            .order_by(TopicEvent.id.desc())
        )
    )
