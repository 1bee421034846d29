"""Sign-in attempts and the per-username lock (rules/lockout.py has the
schedule): check a password, count a failure, lift a lock.

Whatever the address, failed sign-ins in a row lock the username as typed.
A name with no account is counted and locked like any other, and every
attempt does the same work (one password hash checked, the same reads and
writes), so neither the answer nor its timing tells whether an account
exists. The count is kept with atomic updates, so attempts sent in parallel
are each counted.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from .. import clock
from ..extensions import db
from ..models import SignInLimit, User
from ..rules import lockout as rule
from ..rules import passwords
from . import audit


@dataclass(frozen=True)
class Attempt:
    user: User | None
    # The password matched an active account and no lock holds: sign in.
    ok: bool
    # A lock on this name holds until then (the password was not looked at).
    locked_until: datetime | None = None


def key(username: str) -> str:
    return hashlib.sha256(("sign-in:" + username.strip().lower()).encode()).hexdigest()


def policy() -> rule.Policy:
    config = current_app.config
    return rule.Policy(
        failures=config.get("HOTLINE_LOCKOUT_FAILURES", 5),
        first_minutes=config.get("HOTLINE_LOCKOUT_MINUTES", 15),
        max_minutes=config.get("HOTLINE_LOCKOUT_MAX_MINUTES", 24 * 60),
    )


@functools.cache
def _no_such_user() -> str:
    # Checked against when the username is unknown: same method, same cost.
    return passwords.hash_password("no such user")


def _lock_on(name_key: str, now: datetime) -> datetime | None:
    until = db.session.scalar(select(SignInLimit.locked_until).where(SignInLimit.key == name_key))
    return until if until is not None and until > now else None


def attempt(username: str, password: str) -> Attempt:
    """Check a sign-in. On success the count starts over and a hash of an
    older method is replaced (both in the caller's transaction)."""
    name = username.strip()
    user = db.session.scalar(select(User).where(User.username == name))
    locked_until = _lock_on(key(name), clock.utcnow())
    # Always one hash check, even for an unknown or locked name.
    matched = passwords.verify(user.password_hash if user else _no_such_user(), password)
    if user is None or not user.active or locked_until is not None or not matched:
        return Attempt(user, False, locked_until)
    db.session.execute(delete(SignInLimit).where(SignInLimit.key == key(name)))
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return Attempt(user, True)


def failed(username: str, result: Attempt, where: str = "") -> datetime | None:
    """Record a refused sign-in (its audit row, and the count unless a lock
    already holds); until when the name is now locked, if it is. `where`
    names another page that checks a password (one's own password change)."""
    user = result.user
    if result.locked_until is not None:
        reason = "locked"
    elif user is None:
        reason = "no such user"
    else:
        reason = "disabled" if not user.active else "wrong password"
    detail = {"reason": reason, "where": where} if where else {"reason": reason}
    audit.record(username, audit.SIGN_IN_FAILED, detail=detail)
    if result.locked_until is not None:
        return result.locked_until  # not counted: a lock never grows while it holds
    return _count_failure(username)


def _count_failure(username: str) -> datetime | None:
    name_key, now, rules = key(username), clock.utcnow(), policy()
    _insert_missing(name_key, now)
    # A record left alone long enough, with no lock running, starts over.
    db.session.execute(
        update(SignInLimit)
        .where(
            SignInLimit.key == name_key,
            SignInLimit.last_failure_at < rule.forget_before(now, rules),
            (SignInLimit.locked_until.is_(None)) | (SignInLimit.locked_until <= now),
        )
        .values(failures=0, locks=0)
    )
    failures, locks = db.session.execute(
        update(SignInLimit)
        .where(SignInLimit.key == name_key)
        .values(failures=SignInLimit.failures + 1, last_failure_at=now)
        .returning(SignInLimit.failures, SignInLimit.locks)
    ).one()
    if failures < rules.failures:
        return None
    minutes = rule.lock_minutes(locks + 1, rules)
    until = now + timedelta(minutes=minutes)
    # Only the attempt that reached the count locks (the row lock orders them).
    locked = db.session.execute(
        update(SignInLimit)
        .where(SignInLimit.key == name_key, SignInLimit.failures >= rules.failures)
        .values(failures=0, locks=SignInLimit.locks + 1, locked_until=until)
    ).rowcount
    if locked:
        detail = {"minutes": minutes, "failures": failures}
        audit.record(username, audit.SIGN_IN_LOCKED, username, detail)
    return until


def _insert_missing(name_key: str, now: datetime) -> None:
    table = SignInLimit.__table__
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(
        insert(table)
        .values(key=name_key, failures=0, locks=0, last_failure_at=now)
        .on_conflict_do_nothing(index_elements=[table.c.key])
    )


def locked_until(username: str) -> datetime | None:
    return _lock_on(key(username), clock.utcnow())


def locks_on(users: list[User]) -> dict[int, datetime]:
    """Which of these accounts are locked now, and until when (the office's page)."""
    keys = {key(u.username): u.id for u in users}
    now = clock.utcnow()
    found = db.session.execute(
        select(SignInLimit.key, SignInLimit.locked_until).where(
            SignInLimit.key.in_(list(keys)), SignInLimit.locked_until > now
        )
    )
    return {keys[k]: until for k, until in found}


def unlock(username: str, actor: User | str) -> datetime | None:
    """Lift the lock on a name and start its count over; audited when a lock
    held. Returns the end of the lock that was lifted, if any."""
    until = locked_until(username)
    db.session.execute(delete(SignInLimit).where(SignInLimit.key == key(username)))
    if until is not None:
        audit.record(actor, audit.ACCOUNT_UNLOCKED, username, {"until": until.isoformat()})
    return until
