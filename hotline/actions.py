"""The request cycle every staff action shares, after its form is valid:

    load scoped → one-time key already used? → apply the domain change → commit
    → push → page or fragment (or 409 / refusal)

Route modules load and respond; the save in the middle is written once here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .extensions import db

T = TypeVar("T")

SAVED, CONFLICT, DUPLICATE, REPEATED = "saved", "conflict", "duplicate", "repeated"


def save(keep_loaded: bool = False) -> str:
    """Commit: SAVED; CONFLICT if a concurrent save won the race on the version;
    DUPLICATE if a concurrent submit of the same form (or number) got there first.

    `keep_loaded`: what the request loaded and wrote stays loaded after the
    commit instead of being expired (and so read again, query by query, by
    the push and the response that follow). For a request whose remaining
    work reads only what it wrote and what nobody else changes meanwhile;
    whatever others may have changed (a show's other calls) is read afresh."""
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = expire and not keep_loaded
    try:
        session.commit()
    except StaleDataError:
        db.session.rollback()
        return CONFLICT
    except IntegrityError:
        db.session.rollback()
        return DUPLICATE
    finally:
        session.expire_on_commit = expire
    return SAVED


def save_new(
    already_saved: Callable[[], bool],
    change: Callable[[], T],
    tries: int = 3,
    keep_loaded: bool = False,
) -> tuple[str, T | None]:
    """Add something new (a call, a commitment) exactly once.

    REPEATED when an earlier submission with the same one-time key saved it
    (a double click, a retry). A lost race (another desk took the call number a
    moment ago, or saved the call) is retried: `change` reloads what it needs.
    CONFLICT when every try lost. `keep_loaded`: as for save().
    """
    for _attempt in range(tries):
        if already_saved():
            return REPEATED, None
        result = change()
        if save(keep_loaded) == SAVED:
            return SAVED, result
    return CONFLICT, None
