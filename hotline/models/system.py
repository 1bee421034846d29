"""What the system keeps about its own working, beside the domain: staff
sign-in sessions, the audit trail, live sequence numbers, the office's
settings and what is on air for each show's overlay."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app, g, has_request_context, request
from sqlalchemy import JSON, ForeignKey, Integer, String, bindparam, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db
from ..rules import sessions
from .domain import User, utcnow

log = logging.getLogger("hotline.auth")


class LiveSequence(db.Model):
    """Last sequence number pushed to a Socket.IO room; shared by every process."""

    __tablename__ = "live_sequences"

    room: Mapped[str] = mapped_column(String(50), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)


class StaffSession(db.Model):
    """One sign-in. The cookie carries its token; the database keeps only a hash
    and whether it was ended, so signing out, disabling an account or resetting
    its password ends every copy of the cookie, on every server process.

    It also ends by itself: after the idle timeout without a request, and at
    the end of its lifetime (rules/sessions.py). For the account's list of its
    sessions, the browser in a few words and the address it signed in from."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    browser: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(64), default="")

    @staticmethod
    def key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def start(cls, user: User) -> str:
        """A new sign-in for the account; returns the token for the cookie."""
        token = secrets.token_urlsafe(32)
        now = clock.utcnow()
        row = cls(id=cls.key(token), user_id=user.id, created_at=now, last_seen_at=now)
        if has_request_context():
            row.browser = sessions.browser_of(request.user_agent.string)[:100]
            row.address = (request.remote_addr or "")[:64]
        db.session.add(row)
        return token

    @classmethod
    def end(cls, token: str) -> None:
        db.session.execute(update(cls).where(cls.id == cls.key(token)).values(revoked_at=utcnow()))

    @classmethod
    def touch(cls, key: str, now: datetime) -> None:
        """Seen now: written in a short transaction of its own (never the
        request's), and only when the last write is a minute old."""
        try:
            with db.engine.begin() as conn:
                conn.execute(
                    update(cls)
                    .where(cls.id == key, cls.last_seen_at <= now - sessions.TOUCH_EVERY)
                    .values(last_seen_at=now)
                )
        except OperationalError as error:  # busy: the next request writes it
            log.warning("session last-seen not written: %s", error)

    def expiry(self, role: str, now: datetime) -> str | None:
        return session_expiry(role, self.created_at, self.last_seen_at, now)


def session_expiry(role: str, created_at: datetime, last_seen_at: datetime, now: datetime):
    """Why a session of this role is over (rules/sessions.py), or None."""
    config = current_app.config
    idle = sessions.idle_limit(
        role, config["HOTLINE_IDLE_MINUTES"], config["HOTLINE_IDLE_MINUTES_BY_ROLE"]
    )
    lifetime = timedelta(hours=config["HOTLINE_SESSION_HOURS"])
    return sessions.expiry(created_at, last_seen_at, now, idle, lifetime)


# Built once: every staff request and socket asks.
_USER_BY_SESSION = (
    select(User, StaffSession.created_at, StaffSession.last_seen_at)
    .join(StaffSession, StaffSession.user_id == User.id)
    .where(StaffSession.id == bindparam("key"), StaffSession.revoked_at.is_(None))
)


def get_user_by_token(token: str, touch: bool = True) -> User | None:
    """The account of a signed-in session that has not been ended and has not
    expired: one query. A request (`touch`) marks the session seen, at most
    once a minute; a socket event does not (see realtime/live.py). An expired
    session sets g.session_expired, so the sign-in page can say why."""
    if not isinstance(token, str) or not token:
        return None
    key = StaffSession.key(token)
    found = db.session.execute(_USER_BY_SESSION, {"key": key}).first()
    if found is None:
        return None
    user, created_at, last_seen_at = found
    now = clock.utcnow()
    if session_expiry(user.role, created_at, last_seen_at, now):
        g.session_expired = True
        return None
    if touch and now - last_seen_at >= sessions.TOUCH_EVERY:
        StaffSession.touch(key, now)
    user.login_token = token
    return user


class AuditLog(db.Model):
    """Append-only trail of staff actions (sign-ins and failed sign-ins, and
    later account, department and withholding changes), written by
    audit.record() in the same transaction as the change. The database refuses
    UPDATE and DELETE, as for events."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The username as it was (or as typed, for a failed sign-in): kept even if
    # the account is renamed, and for attempts with no account at all.
    actor_name: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")

    actor: Mapped[User | None] = relationship()


class Setting(db.Model):
    """A limit the office can change (hotline/changes/limits.py lists them and their defaults)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class OnAir(db.Model):
    """What the moderator put on air for a show (the overlay shows it), kept in the
    database for a reloaded overlay or a restarted server. One row per show."""

    __tablename__ = "on_air"

    show_id: Mapped[int] = mapped_column(
        ForeignKey("shows.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="", server_default="")
    item_id: Mapped[int | None]
    since: Mapped[datetime | None]
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When it leaves by itself (a cued item's auto-out, rules/cue.py); None: it stays.
    until: Mapped[datetime | None]
