"""Ending staff sessions: all of an account's, or all but the one in use
(after one's own password change). The caller commits, then ends the open
desk connections (realtime/live.py) of the sessions ended."""

from __future__ import annotations

from sqlalchemy import select, update

from .. import clock
from ..extensions import db
from ..models import StaffSession, User
from ..rules import passwords
from . import audit


def active(user: User) -> list[StaffSession]:
    """The account's sessions that have neither ended nor expired, newest first."""
    now = clock.utcnow()
    rows = db.session.scalars(
        select(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None))
        .order_by(StaffSession.last_seen_at.desc())
    )
    return [row for row in rows if row.expiry(user.role, now) is None]


def end_others(user: User, keep_token: str) -> list[str]:
    """End every session of the account but the one holding `keep_token`;
    returns the ids (hashes) of those ended."""
    keep = StaffSession.key(keep_token)
    ended = list(
        db.session.scalars(
            select(StaffSession.id).where(
                StaffSession.user_id == user.id,
                StaffSession.revoked_at.is_(None),
                StaffSession.id != keep,
            )
        )
    )
    if ended:
        db.session.execute(
            update(StaffSession).where(StaffSession.id.in_(ended)).values(revoked_at=clock.utcnow())
        )
    return ended


def end_all(user: User) -> None:
    """Sign out everywhere: every session of the account, this one too."""
    user.rotate_sessions()
    audit.record(user, audit.SIGNED_OUT_EVERYWHERE, user.username)


def change_own_password(user: User, new_password: str, keep_token: str) -> list[str]:
    """One's own new password; the other sessions end, this one goes on."""
    user.password_hash = passwords.hash_password(new_password)
    audit.record(user, audit.PASSWORD_CHANGED, user.username)
    return end_others(user, keep_token)
