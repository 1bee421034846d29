"""The radar (上次承诺): earlier board items, calls and 代表码 messages on the
problem the moderator is typing, ranked, with their public status.

How it matches Chinese text: overlapping character pairs (bigrams), compared
with the Dice coefficient in Python. Chinese has no spaces between words, so a
word index is no help; two-character pairs are what most Chinese words are, and
they need no tokenizer. SQL narrows the candidates first (the same department
or the same area, newest first, at most CANDIDATES of each kind), so the work
per keystroke is bounded whatever the size of the archive, and the same code
runs on SQLite and PostgreSQL. SQLite's FTS5 trigram tokenizer finds nothing
for a two-character query (a Chinese word is often two characters), and
PostgreSQL's pg_trgm (an extension) scores short Chinese topics of the same
problem at a third of what pairs give; bench/RESULTS.md has the measurements.

Three queries (items, calls, messages) whatever the number of rows: public
fields only, never a caller's or a sender's details, nor a message's text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, or_, select

from ..extensions import db
from ..models import (
    Call,
    Commitment,
    Department,
    Deputy,
    DeputyMessage,
    MessageStatus,
    Repeat,
    RepeatKind,
    Show,
)
from ..rules.status import PublicStatus, public_status

CANDIDATES = 300  # newest rows of each kind that SQL hands over for scoring
SHOWN = 8  # how many the desk lists
MIN_SCORE = 0.2  # below this, a shared department or area alone is not the same problem
_NOT_TEXT = re.compile(r"[\W_]+")  # spaces and punctuation, Chinese and Latin


def grams(text: str) -> set[str]:
    """The text's overlapping character pairs, without spaces and punctuation;
    a one-character text is its own gram."""
    plain = _NOT_TEXT.sub("", text or "").lower()
    if len(plain) < 2:
        return {plain} if plain else set()
    return {plain[i : i + 2] for i in range(len(plain) - 1)}


def similarity(a: set[str], b: set[str]) -> float:
    """Dice coefficient of two gram sets: 1 for the same text, 0 for nothing shared."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def score(wanted: set[str], text: str) -> float:
    """similarity(wanted, grams(text)), near enough, without building the text's
    pairs: a pair of `wanted` is shared when the text contains it. Per keystroke
    this runs for every candidate, so it stays a handful of substring searches."""
    if not wanted or not text:
        return 0.0
    text = text.lower()
    shared = sum(1 for gram in wanted if gram in text)
    return 2 * shared / (len(wanted) + max(len(text) - 1, 1))


@dataclass
class Hit:
    """One earlier item, as the desk lists it."""

    kind: RepeatKind
    id: int
    text: str  # the call's topic, the item's pledge, or the message's public summary
    area: str
    department: str
    show_title: str  # "" for a 代表码 message
    deputy: str  # the deputy of a 代表码 message
    when: datetime
    score: float
    item_kind: str = ""  # commitment or referral
    status: PublicStatus | None = None  # a board item's
    outcome: str = ""  # a call's
    message_status: str = ""  # a message's
    linked: bool = False  # already linked to the call being edited


def _items(department_id, area, show_id):
    """Board items (commitments and referrals) of earlier shows or from 代表码
    messages, in the same department or area."""
    where = [or_(Commitment.call_id.is_(None), Call.show_id != show_id)]
    near = []
    if department_id is not None:
        near.append(Commitment.department_id == department_id)
    if area:
        near += [Call.area == area, DeputyMessage.area == area]
    if near:
        where.append(or_(*near))
    stmt = (
        select(
            Commitment.id,
            Commitment.kind,
            Commitment.pledge,
            Commitment.state,
            Commitment.deadline,
            Commitment.original_deadline,
            Commitment.completed_on,
            Commitment.withdrawn_reason,
            Commitment.created_at,
            Commitment.department_id,
            Department.name,
            Call.topic,
            Call.area,
            Show.title,
            DeputyMessage.summary,
            DeputyMessage.area,
            Deputy.name,
        )
        .join(Department, Commitment.department_id == Department.id)
        .outerjoin(Call, Commitment.call_id == Call.id)
        .outerjoin(Show, Call.show_id == Show.id)
        .outerjoin(DeputyMessage, Commitment.message_id == DeputyMessage.id)
        .outerjoin(Deputy, DeputyMessage.deputy_id == Deputy.id)
        .where(*where)
        .order_by(Commitment.id.desc())
        .limit(CANDIDATES)
    )
    return db.session.execute(stmt).all()


def _calls(department_id, area, show_id):
    """Earlier calls with no board item of their own (an answer on air, a call
    still waiting) and not merged into another (并单: that one is listed)."""
    near = []
    if department_id is not None:
        near.append(Call.department_id == department_id)
    if area:
        near.append(Call.area == area)
    stmt = (
        select(
            Call.id,
            Call.topic,
            Call.area,
            Call.outcome,
            Call.received_at,
            Call.department_id,
            Department.name,
            Show.title,
        )
        .join(Show, Call.show_id == Show.id)
        .outerjoin(Department, Call.department_id == Department.id)
        .where(
            Call.show_id != show_id,
            Call.duplicate_of_id.is_(None),
            ~exists().where(Commitment.call_id == Call.id),
        )
        .order_by(Call.id.desc())
        .limit(CANDIDATES)
    )
    if near:
        stmt = stmt.where(or_(*near))
    return db.session.execute(stmt).all()


def _messages(area):
    """代表码 messages not given to a department (those are board items). They
    have no department: the area narrows them."""
    stmt = (
        select(
            DeputyMessage.id,
            DeputyMessage.text,
            DeputyMessage.summary,
            DeputyMessage.area,
            DeputyMessage.status,
            DeputyMessage.created_at,
            Deputy.name,
        )
        .join(Deputy, DeputyMessage.deputy_id == Deputy.id)
        .where(DeputyMessage.status != MessageStatus.ASSIGNED)
        .order_by(DeputyMessage.id.desc())
        .limit(CANDIDATES)
    )
    if area:
        stmt = stmt.where(DeputyMessage.area == area)
    return db.session.execute(stmt).all()


def _linked(call_id: int | None) -> set[tuple[str, int]]:
    if call_id is None:
        return set()
    rows = db.session.execute(
        select(Repeat.kind, Repeat.item_id).where(Repeat.call_id == call_id)
    ).all()
    return {(kind, item_id) for kind, item_id in rows}


def radar(
    topic: str,
    area: str,
    department_id: int | None,
    *,
    show_id: int,
    today: date,
    call_id: int | None = None,
) -> list[Hit]:
    """The earlier items on the same problem as (topic, area, department), best
    first; none from the show itself (`show_id`), nor the call `call_id`."""
    wanted = grams(topic)
    if len(wanted) < 2:  # one or two characters typed: too early to say
        return []
    area = (area or "").strip()
    hits: list[Hit] = []

    def bonus(same_department: bool, same_area: bool) -> float:
        return 0.1 * same_department + 0.05 * same_area

    statuses = {}  # a board item's status, worked out only for the items shown
    for row in _items(department_id, area, show_id):
        (cid, kind, pledge, state, deadline, original, completed, reason, created, dept_id,
         dept, topic_, call_area, show_title, summary, message_area, deputy) = row  # fmt: skip
        # The problem as the call or the message put it (the pledge is the answer).
        text = topic_ if topic_ is not None else summary or ""
        item_area = call_area if call_area is not None else message_area or ""
        statuses[cid] = (state, deadline, original, completed, reason)
        hits.append(
            Hit(
                RepeatKind.COMMITMENT,
                cid,
                text or pledge,
                item_area,
                dept,
                show_title or "",
                deputy or "",
                created,
                score(wanted, text or pledge)
                + bonus(dept_id == department_id, bool(area) and item_area == area),
                item_kind=kind,
            )
        )
    for cid, topic_, call_area, outcome, received, dept_id, dept, show_title in _calls(
        department_id, area, show_id
    ):
        if cid == call_id:
            continue
        same = department_id is not None and dept_id == department_id
        hits.append(
            Hit(
                RepeatKind.CALL,
                cid,
                topic_,
                call_area,
                dept or "",
                show_title,
                "",
                received,
                score(wanted, topic_) + bonus(same, bool(area) and call_area == area),
                outcome=outcome,
            )
        )
    for mid, text, summary, message_area, status, created, deputy in _messages(area):
        # Matched on what the sender wrote; only the public summary is shown.
        matched = max(score(wanted, text), score(wanted, summary))
        hits.append(
            Hit(
                RepeatKind.MESSAGE,
                mid,
                summary,
                message_area,
                "",
                "",
                deputy,
                created,
                matched + bonus(False, bool(area) and message_area == area),
                message_status=status,
            )
        )
    hits = [h for h in hits if h.score >= MIN_SCORE]
    hits.sort(key=lambda h: (-h.score, -h.when.timestamp()))
    hits = hits[:SHOWN]
    linked = _linked(call_id)
    for h in hits:
        h.linked = (h.kind.value, h.id) in linked
        if h.kind == RepeatKind.COMMITMENT:
            state, deadline, original, completed, reason = statuses[h.id]
            h.status = public_status(
                state=state,
                deadline=deadline,
                original_deadline=original,
                completed_on=completed,
                today=today,
                withdrawn_reason=reason,
            )
    return hits
