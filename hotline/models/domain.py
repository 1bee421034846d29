"""The domain, as SQLAlchemy 2 typed models (see docs/design.md, "Domain").

Times are naive UTC; dates (deadlines) are calendar dates in the deployment's
time zone. Private caller details live in their own table, out of public queries.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..rules import passwords
from ..rules.status import PublicStatus, State, public_status

# Ids are 32-bit integers on PostgreSQL: a larger one in a URL or a form is no row.
MAX_ID = 2**31 - 1
ONE_SOURCE = "(call_id IS NULL) <> (message_id IS NULL)"  # a board item's source


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Role(StrEnum):
    SUPERVISOR = "supervisor"
    MODERATOR = "moderator"
    LIAISON = "liaison"
    DEPUTY = "deputy"  # 人大代表: their own 代表码 messages and calls


class ShowKind(StrEnum):
    HOTLINE = "hotline"
    ONSITE = "onsite"


class ShowStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class Outcome(StrEnum):
    PENDING = "pending"
    ANSWERED = "answered"
    COMMITTED = "committed"
    REFERRED = "referred"


class ItemKind(StrEnum):  # what a board item is: made on air, or referred
    COMMITMENT = "commitment"
    REFERRAL = "referral"  # 转办事项: 转线下核实, with a response deadline


class EventKind(StrEnum):
    CREATED = "created"
    REFERRED = "referred"  # a referral's first event (its "created")
    CORRECTED = "corrected"
    PROGRESS = "progress"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_GRANTED = "extension_granted"
    EXTENSION_REFUSED = "extension_refused"
    COMPLETION_REPORTED = "completion_reported"
    VERIFIED = "verified"
    REOPENED = "reopened"
    PRESSED = "pressed"
    WITHDRAWN = "withdrawn"
    WITHHELD = "withheld"  # an earlier event's note and files taken off public view
    # The second placard vote (举牌评效果): the studio audience of a later show's
    # 回音壁 segment rates the result. Counted apart from the vote on the call.
    RESULT_VOTE = "result_vote"
    CALLBACK = "callback"  # 回访: reached or not, the caller's verdict (never who they are)
    REDONE = "redone"  # 重办: reopened after a dissatisfied callback
    DEPUTY_NOTE = "deputy_note"  # 代表督办: the deputy who carried the call follows up
    ACKNOWLEDGED = "acknowledged"  # 签收
    REMINDED = "reminded"  # 催办, written by `flask remind`
    NOTICED = "noticed"  # 通报: still overdue N working days after a 督办
    DISPUTED = "disputed"  # 派单异议: the department says "not ours"
    REASSIGNED = "reassigned"  # the office gave the item to another department
    DISPUTE_REFUSED = "dispute_refused"
    MERGED = "merged"  # 并单: its call is the same problem as an earlier call's
    ASSIGNED = "assigned"  # 交办: a 代表码 message's first event (its "created")
    REPEATED = "repeated"  # 重复反映: a later call raised the same problem (the radar)
    NOT_FIXED = "not_fixed"  # a citizen's "not fixed" report, accepted by the office
    TERMS = "terms"  # the pledge's terms added or completed (old and new, side by side)
    CRITERION_REQUESTED = "criterion_requested"  # the office asks for the 验收标准


class OnAirKind(StrEnum):
    CALL = "call"
    COMMITMENT = "commitment"
    RUNDOWN = "rundown"  # a commitment of an earlier show, in the 回音壁 segment
    PROMISE = "promise"  # 上次承诺: the earlier promise the radar found for this call
    TOPIC = "topic"  # a topic the voters chose for the show (models/topics.py)


class QuestionStatus(StrEnum):
    QUEUED = "queued"
    AIRED = "aired"
    DECLINED = "declined"


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"


show_departments = Table(
    "show_departments",
    db.metadata,
    Column("show_id", ForeignKey("shows.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id"), primary_key=True),
)

show_deputies = Table(
    "show_deputies",
    db.metadata,
    Column("show_id", ForeignKey("shows.id", ondelete="CASCADE"), primary_key=True),
    Column("deputy_id", ForeignKey("deputies.id"), primary_key=True),
)


class Department(db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Where reminders and 督办 notices go (the liaison's office mailbox).
    email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Department {self.id} {self.name}>"


class Deputy(db.Model):
    __tablename__ = "deputies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    # Public description, e.g. "市人大代表，某社区党委书记".
    title: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"))  # role deputy
    active: Mapped[bool] = mapped_column(default=True)
    # What the session cookie carries instead of the id: rotating it (on
    # disable or password change) ends every session of the account.
    session_token: Mapped[str] = mapped_column(
        String(64), unique=True, default=lambda: secrets.token_hex(32)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Single sign-on (auth/sso.py): the identity provider and the value of its
    # matching claim that the office linked to this account; both empty until
    # it does. An IdP identity opens at most one account.
    sso_issuer: Mapped[str | None] = mapped_column(String(255), default=None)
    sso_subject: Mapped[str | None] = mapped_column(String(255), default=None)

    department: Mapped[Department | None] = relationship()

    __table_args__ = (UniqueConstraint("sso_issuer", "sso_subject", name="uq_users_sso"),)

    def get_id(self) -> str:
        # The signed-in session's own token (see StaffSession), never the id.
        return getattr(self, "login_token", None) or self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)
        self.rotate_sessions()

    def check_password(self, password: str) -> bool:
        return passwords.verify(self.password_hash, password)

    def rotate_sessions(self) -> None:
        """End every session of the account, on every copy of its cookie."""
        self.session_token = secrets.token_hex(32)
        if self.id is not None:
            # The sessions table (models/system.py) by name: it imports this module.
            sessions = db.metadata.tables["staff_sessions"]
            db.session.execute(
                update(sessions)
                .where(sessions.c.user_id == self.id, sessions.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class Show(db.Model):
    __tablename__ = "shows"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=ShowKind.HOTLINE)
    venue: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=ShowStatus.SCHEDULED, index=True)
    stream_url: Mapped[str] = mapped_column(String(500), default="")
    went_live_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(default=1)

    departments: Mapped[list[Department]] = relationship(
        secondary=show_departments, order_by=Department.id
    )
    deputies: Mapped[list[Deputy]] = relationship(secondary=show_deputies, order_by=Deputy.id)
    calls: Mapped[list[Call]] = relationship(
        back_populates="show", order_by="Call.number", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_live(self) -> bool:
        return self.status == ShowStatus.LIVE


class Call(db.Model):
    __tablename__ = "calls"
    __table_args__ = (UniqueConstraint("show_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"), index=True)
    number: Mapped[int]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    topic: Mapped[str] = mapped_column(String(500))
    area: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[str] = mapped_column(String(50), default="")
    # The managed area and category (models/areas.py, categories.py); None until mapped.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))  # 并单
    outcome: Mapped[str] = mapped_column(String(20), default=Outcome.PENDING)
    answer_text: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(200), default="")
    # Placard vote (举牌评议) recorded on air; None until recorded.
    placard_satisfied: Mapped[int | None]
    placard_basic: Mapped[int | None]
    placard_dissatisfied: Mapped[int | None]
    # Seconds from the show going live to the call being logged; None for a call
    # logged before the show went live. Never changed by a correction.
    air_offset: Mapped[int | None]
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    show: Mapped[Show] = relationship(back_populates="calls")
    department: Mapped[Department | None] = relationship()
    deputy: Mapped[Deputy | None] = relationship()
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="call", order_by="Commitment.id"
    )

    __mapper_args__ = {"version_id_col": version}

    # The reference code (查询码) issued when the call was logged, for the desk to
    # read out: only on the object that logged it, never stored in the clear.
    reference_code = None

    @property
    def has_placard(self) -> bool:
        return self.placard_satisfied is not None


class CallEvent(db.Model):
    """Append-only record of what was done to a call on the desk: logged, answered,
    referred, placard vote, corrections (old and new values). Like Event, the
    database refuses UPDATE and DELETE."""

    __tablename__ = "call_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Public fields only (never the caller's name or phone).
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    call: Mapped[Call] = relationship()
    actor: Mapped[User | None] = relationship()


class CallerContact(db.Model):
    """Private: who called. Never rendered on a public page, feed, API or socket event."""

    __tablename__ = "caller_contacts"

    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # Shared with the routed department only when the caller wants a callback.
    callback: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    notify: Mapped[bool] = mapped_column(default=False, server_default=false())  # 要通知
    call: Mapped[Call] = relationship()


class Commitment(db.Model):
    """A board item. Its source is a call (made or referred on air) or a message
    sent through a deputy's 代表码 and given to a department (交办): one, never both."""

    __tablename__ = "commitments"
    __table_args__ = (CheckConstraint(ONE_SOURCE, name="ck_commitments_one_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("deputy_messages.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    # A commitment made on air, or a referral (what will be verified is its pledge).
    kind: Mapped[str] = mapped_column(
        String(20), default=ItemKind.COMMITMENT, server_default=ItemKind.COMMITMENT, index=True
    )
    pledge: Mapped[str] = mapped_column(Text)
    official_name: Mapped[str] = mapped_column(String(50))
    official_title: Mapped[str] = mapped_column(String(100), default="")
    # The pledge's terms (how it will be checked), public, "" until given: what
    # is delivered, where, how much, and the acceptance criterion (验收标准: who
    # checks, and how). Added on air or later by the department, with an event.
    deliverable: Mapped[str] = mapped_column(String(500), default="", server_default="")
    place: Mapped[str] = mapped_column(String(200), default="", server_default="")
    measure: Mapped[str] = mapped_column(String(200), default="", server_default="")
    criterion: Mapped[str] = mapped_column(String(500), default="", server_default="")
    deadline: Mapped[date] = mapped_column(index=True)
    original_deadline: Mapped[date]
    state: Mapped[str] = mapped_column(String(20), default=State.OPEN, index=True)
    completed_on: Mapped[date | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # escalation.py: given to this department (None: created_at), 签收, 派单异议, 通报
    assigned_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    disputed_at: Mapped[datetime | None]
    noticed_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(default=1)

    call: Mapped[Call | None] = relationship(back_populates="commitments")
    # DeputyMessage lives in models/messages.py; named, not imported, so no circle.
    message: Mapped[DeputyMessage | None] = relationship()  # noqa: F821
    department: Mapped[Department] = relationship()
    events: Mapped[list[Event]] = relationship(
        back_populates="commitment", order_by="Event.id", passive_deletes="all"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_referral(self) -> bool:
        return self.kind == ItemKind.REFERRAL

    @property
    def criterion_missing(self) -> bool:
        """A pledge made on air, still open, without its acceptance criterion:
        "验收标准待补充" while the department can still add one (once the work
        is reported the bar is not set after it; the verification says so)."""
        return self.kind == ItemKind.COMMITMENT and self.state == State.OPEN and not self.criterion

    def status(self, today: date) -> PublicStatus:
        return public_status(
            state=self.state,
            deadline=self.deadline,
            original_deadline=self.original_deadline,
            completed_on=self.completed_on,
            today=today,
            withdrawn_reason=self.withdrawn_reason,
        )


class Event(db.Model):
    """Append-only history of a commitment; the database refuses UPDATE and DELETE."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    percent: Mapped[int | None]
    # Structured detail: old/new deadline, changed fields, attachment ids.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    commitment: Mapped[Commitment] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id")
    redaction: Mapped[Redaction | None] = relationship(
        foreign_keys="Redaction.event_id", uselist=False, viewonly=True
    )


class Redaction(db.Model):
    """The office took an event's note and files off public view (e.g. a caller's
    phone on an uploaded form). The event stays, unchanged; the timeline says
    that something was withheld, when and why. Append-only, like events."""

    __tablename__ = "redactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(db.Model):
    """Evidence attached to an event; the file lives outside the web root."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExtensionRequest(db.Model):
    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    requested_deadline: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=ExtensionStatus.PENDING)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    commitment: Mapped[Commitment] = relationship()


class Question(db.Model):
    """A citizen's question sent through the show's QR code, queued for the moderator."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    area: Mapped[str] = mapped_column(String(100), default="")
    # Private, like a caller's details.
    name: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default=QuestionStatus.QUEUED)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    show: Mapped[Show] = relationship()
    call: Mapped[Call | None] = relationship()
