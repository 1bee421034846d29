"""Changes to a show's topics (走访选民定议题): collection opened and closed,
topics proposed, added, moderated, chosen for the agenda and supported. Each
change writes its TopicEvent in the same session; callers commit. Who may act
is checked by the routes (the office: hotline/access.py); these functions
check the state."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    Question,
    Show,
    ShowStatus,
    Topic,
    TopicCollection,
    TopicEvent,
    TopicEventKind,
    TopicSource,
    TopicStatus,
    TopicSupport,
    User,
    is_collecting,
    utcnow,
)


class Refused(ValueError):
    """The change cannot be made now. `message` is what the user is told;
    `status` the answer's code (409: the state changed; 422: not possible)."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


def _event(show_id: int, kind: str, actor: User | None, topic: Topic | None = None, **data):
    note = data.pop("note", "")
    db.session.add(
        TopicEvent(show_id=show_id, topic=topic, kind=kind, actor=actor, note=note, data=data)
    )


def collection(show: Show, create: bool = False) -> TopicCollection | None:
    found = db.session.get(TopicCollection, show.id)
    if found is None and create:
        found = TopicCollection(show_id=show.id, is_open=False)
        db.session.add(found)
    return found


def _not_ended(show: Show) -> None:
    if show.status == ShowStatus.ENDED:
        raise Refused(_l("The show has ended: its topics can no longer change."), 422)


def open_collection(show: Show, actor: User) -> bool:
    """False when it was open already (a double click)."""
    if show.status != ShowStatus.SCHEDULED:
        raise Refused(_l("Topics are collected only before the show starts."), 422)
    found = collection(show, create=True)
    if found.is_open:
        return False
    found.is_open, found.opened_at = True, utcnow()
    _event(show.id, TopicEventKind.OPENED, actor)
    return True


def close_collection(show: Show, actor: User) -> bool:
    found = collection(show)
    if found is None or not found.is_open:
        return False
    found.is_open, found.closed_at = False, utcnow()
    _event(show.id, TopicEventKind.CLOSED, actor)
    return True


def _same_text(show_id: int, text: str) -> Topic | None:
    """A topic with these words already (a double tap, or someone else's), unless rejected."""
    return db.session.scalar(
        select(Topic).where(
            Topic.show_id == show_id, Topic.text == text, Topic.status != TopicStatus.REJECTED
        )
    )


def propose(show: Show, *, text: str, area: str) -> tuple[Topic, bool]:
    """A citizen's proposal, held for moderation. Returns the topic and whether
    it is new (False: the same words were proposed already)."""
    if not is_collecting(show, collection(show)):
        raise Refused(_l("Topic collection for this show is closed."))
    same = _same_text(show.id, text)
    if same is not None:
        return same, False
    topic = Topic(
        show_id=show.id,
        text=text,
        area=area,
        source=TopicSource.CITIZEN,
        status=TopicStatus.PROPOSED,
    )
    db.session.add(topic)
    _event(show.id, TopicEventKind.PROPOSED, None, topic)
    return topic, True


def add(
    show: Show,
    *,
    actor: User | None,
    text: str,
    area: str = "",
    source: str = TopicSource.STAFF,
    message_id: int | None = None,
    question_id: int | None = None,
) -> Topic:
    """A topic the office (or a deputy, for their message) wrote: published at
    once. The office's own, added twice (a double click), is added once."""
    _not_ended(show)
    same = _same_text(show.id, text) if source == TopicSource.STAFF else None
    if same is not None and same.is_public:
        return same
    topic = Topic(
        show_id=show.id,
        text=text,
        area=area,
        source=source,
        message_id=message_id,
        question_id=question_id,
        status=TopicStatus.PUBLISHED,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(topic)
    _event(show.id, TopicEventKind.ADDED, actor, topic, source=str(source))
    return topic


def from_message(message, show: Show, actor: User) -> Topic:
    """A 代表码 message put forward for the show: its public summary and area,
    never its text or sender."""
    return add(
        show,
        actor=actor,
        text=message.summary,
        area=message.area,
        source=TopicSource.MESSAGE,
        message_id=message.id,
    )


def from_question(question: Question, show: Show, *, actor: User, text: str, area: str) -> Topic:
    """A citizen's question to the show, summarised by the moderator (the words
    as sent, the sender's name and phone stay private)."""
    if db.session.scalar(select(Topic.id).where(Topic.question_id == question.id)):
        raise Refused(_l("This question is a topic already."))
    return add(
        show,
        actor=actor,
        text=text,
        area=area,
        source=TopicSource.QUESTION,
        question_id=question.id,
    )


def _need_proposed(topic: Topic) -> None:
    if topic.status != TopicStatus.PROPOSED:
        raise Refused(_l("This topic has already been moderated."))


def publish(topic: Topic, *, actor: User, text: str, area: str) -> None:
    """Published, in the moderator's words if they edited it (the words as
    proposed stay on the record)."""
    _need_proposed(topic)
    _not_ended(topic.show)
    data = {}
    if (text, area) != (topic.text, topic.area):
        data = {"proposed_text": topic.text, "proposed_area": topic.area}
    topic.text, topic.area, topic.status = text, area, TopicStatus.PUBLISHED
    _event(topic.show_id, TopicEventKind.PUBLISHED, actor, topic, **data)


def reject(topic: Topic, *, actor: User, reason: str) -> None:
    _need_proposed(topic)
    topic.status, topic.reason = TopicStatus.REJECTED, reason
    _event(topic.show_id, TopicEventKind.REJECTED, actor, topic, note=reason)


def _agenda(show_id: int) -> list[Topic]:
    return list(
        db.session.scalars(
            select(Topic)
            .where(Topic.show_id == show_id, Topic.position.is_not(None))
            .order_by(Topic.position, Topic.id)
        )
    )


def _touch_agenda(show: Show) -> None:
    """Bump the collection's version: a concurrent agenda change conflicts."""
    collection(show, create=True).updated_at = utcnow()


def choose(topic: Topic, *, actor: User) -> None:
    """On the show's agenda, after the topics chosen before it."""
    if topic.status != TopicStatus.PUBLISHED:
        raise Refused(_l("Only a published topic can be chosen."), 422)
    if topic.is_chosen:
        raise Refused(_l("This topic is on the agenda already."))
    _not_ended(topic.show)
    last = db.session.scalar(select(func.max(Topic.position)).where(Topic.show_id == topic.show_id))
    topic.position = (last or 0) + 1
    _touch_agenda(topic.show)
    _event(topic.show_id, TopicEventKind.CHOSEN, actor, topic, position=topic.position)


def unchoose(topic: Topic, *, actor: User) -> None:
    """Off the agenda; the topics after it move up one place."""
    if not topic.is_chosen:
        raise Refused(_l("This topic is not on the agenda."))
    _not_ended(topic.show)
    was = topic.position
    topic.position = None
    for n, other in enumerate((t for t in _agenda(topic.show_id) if t.id != topic.id), 1):
        other.position = n
    _touch_agenda(topic.show)
    _event(topic.show_id, TopicEventKind.UNCHOSEN, actor, topic, position=was)


def move(topic: Topic, *, actor: User, step: int) -> None:
    """One place earlier (step -1) or later (+1) on the agenda."""
    if not topic.is_chosen:
        raise Refused(_l("This topic is not on the agenda."))
    _not_ended(topic.show)
    agenda = _agenda(topic.show_id)
    here = next(n for n, t in enumerate(agenda) if t.id == topic.id)
    there = here + step
    if not 0 <= there < len(agenda):
        return  # already first (or last)
    agenda[here], agenda[there] = agenda[there], agenda[here]
    for n, other in enumerate(agenda, 1):
        other.position = n
    _touch_agenda(topic.show)
    _event(topic.show_id, TopicEventKind.MOVED, actor, topic, **{"from": here + 1, "to": there + 1})


def support(topic: Topic, *, browser_key: str, address_key: str) -> None:
    """A citizen supports a published topic while collection is open: once per
    browser (cookie) and once per address (`address_key`, a keyed hash of the
    topic and the client's address; the database holds to it too)."""
    if not topic.is_public:
        raise Refused(_l("This topic is not published."), 404)
    if not is_collecting(topic.show, collection(topic.show)):
        raise Refused(_l("Topic collection for this show is closed."))
    mine = select(TopicSupport.id).where(TopicSupport.topic_id == topic.id)
    if db.session.scalar(mine.where(TopicSupport.browser_key == browser_key).limit(1)):
        raise Refused(_l("You have already supported this topic."))
    if db.session.scalar(mine.where(TopicSupport.address_key == address_key).limit(1)):
        # The cookie was cleared, the user agent changed: the address still counts once.
        raise Refused(
            _l("Support for this topic has already come from here: it counts once per connection.")
        )
    db.session.add(
        TopicSupport(topic_id=topic.id, browser_key=browser_key, address_key=address_key)
    )
