"""The request cycle every staff action shares, after its form is valid:

    load scoped → one-time key already used? → apply the domain change → commit
    → push → page or fragment (or 409 / refusal)

Route modules load and respond; the save in the middle is written once here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..changes import calls, limits, pledges
from ..changes.commitments import VersionConflict, create_commitment
from ..extensions import db
from ..models import Call, Commitment, Show, User
from ..queries.shows import just_logged, show_with_calls, show_with_panel, with_calls_after_logging
from ..realtime import pushes

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


# --- the desk's changes, as the desk and the integration API both make them -----------

INVALID, REFUSED = "invalid", "refused"
# The one-time key was spent on another change (another call or show, or
# another action on this call): refused, never "saved" nor "repeated".
KEY_REUSED = "key_reused"

# The call event each change to a call writes, carrying its one-time key.
CALL_EVENT = {
    "answer": "answered",
    "refer": "referred",
    "placard": "placard",
    "correct": "corrected",
}


def _repeat_of(done, call: Call, kind: str) -> str:
    """A key already spent: a repeat of this very change, or reused on another."""
    return REPEATED if (done.call_id, done.kind) == (call.id, kind) else KEY_REUSED


def change_call(
    call: Call,
    key: str | None,
    apply: Callable[[list], bool | None],
    *,
    kind: str,
    audit_row: Callable[[], None] | None = None,
) -> str:
    """One change to a logged call (answer, referral, placard vote, correction):
    skip a repeated key → apply → save (a lost race is a conflict, never an
    overwrite) → push.

    `apply(made)` makes the change, appends any new item (a referral) to
    `made`, and returns False after putting an error on its form (INVALID).
    `kind` is the call event it writes (CALL_EVENT): a key spent on another
    kind of change to the same call is KEY_REUSED, not a repeat.
    REFUSED: the call has a commitment on the board and stays committed.
    """
    done = calls.already_done(key)
    if done is not None:
        return _repeat_of(done, call, kind)
    old_department = call.department_id
    made: list[Commitment] = []
    try:
        if apply(made) is False:
            db.session.rollback()
            return INVALID
        if audit_row is not None:
            audit_row()
    except VersionConflict:
        db.session.rollback()
        return CONFLICT
    except calls.HasCommitments:
        db.session.rollback()
        return REFUSED
    outcome = save()
    if outcome == DUPLICATE:  # a twin submission with the same key saved first
        done = calls.already_done(key)
        return _repeat_of(done, call, kind) if done is not None else KEY_REUSED
    if outcome == CONFLICT:
        return CONFLICT
    pushes.call_changed(call, old_department_id=old_department)
    for item in call.commitments:  # their board rows and pages show the topic too
        pushes.commitment_changed(item)
    for item in made:
        pushes.dashboard_changed(item)
    return SAVED


def make_commitment(
    call: Call,
    reload: Callable[[], Call],
    form,
    deadline: date,
    *,
    actor: User,
    audit_row: Callable[[], None] | None = None,
) -> tuple[str, Commitment | None]:
    """A commitment made on air, from a valid CommitForm, exactly once.

    A retry after a lost race `reload()`s the call (another desk saved it
    meanwhile): the commitment is added to the saved call, never overwriting it.
    REPEATED returns the commitment the first submission made.
    """
    key, call_id = form.idem.data, call.id

    def earlier() -> Commitment | None:
        return db.session.scalar(select(Commitment).where(Commitment.idempotency_key == key))

    loaded = iter([call])

    def make() -> Commitment:
        target = next(loaded, None) or reload()
        item = create_commitment(
            target,
            department_id=form.department.data,
            pledge=form.pledge.data,
            official_name=form.official_name.data,
            official_title=form.official_title.data or "",
            deadline=deadline,
            actor=actor,
            key=key,
            terms=pledges.given_terms({name: form[name].data for name in pledges.TERMS}),
        )
        calls.record(target, "committed", actor, {"deadline": deadline.isoformat()})
        if audit_row is not None:
            audit_row()
        return item

    outcome, item = save_new(lambda: bool(key) and earlier() is not None, make)
    if outcome == REPEATED:
        item = earlier()
        return (REPEATED if item.call_id == call_id else KEY_REUSED), item
    if outcome == SAVED:
        pushes.commitment_made(item)
    return outcome, item


# Built once: every logged call asks whether its one-time key was spent.
_CALL_WITH_KEY = select(Call).where(Call.idempotency_key == bindparam("key"))


def log_call(
    show: Show, form, *, actor: User, audit_row: Callable[[Call], None] | None = None
) -> tuple[str, Call | None, pushes.Once | None]:
    """Log a call from a valid CallForm on a live `show` (loaded with its
    panel), exactly once. Returns the outcome, the call (the earlier one when
    REPEATED) and the show with its calls after the commit, as a pushes.Once:
    the calls are read at its first call, by the pushes when a
    desk, a department or the overlay watches, else only if the response
    needs them. What the request loaded and wrote stays loaded through the
    commit (keep_loaded): only the show's calls are read again."""
    key, show_id = form.idem.data, show.id

    def earlier() -> Call | None:
        return db.session.scalar(_CALL_WITH_KEY, {"key": key})

    loaded = iter([show])

    def log() -> Call:
        # A retry reloads the show: another desk took this call number a moment ago.
        call = calls.log_call(
            next(loaded, None) or show_with_panel(show_id),
            topic=form.topic.data,
            area=form.area.data or "",
            category=form.category.data or "",
            department_id=form.department.data,
            deputy_id=form.deputy.data,
            caller_name=form.caller_name.data or "",
            caller_phone=form.caller_phone.data or "",
            callback=form.callback.data,
            caller_email=form.caller_email.data or "",
            notify=bool(form.notify.data),
            actor=actor,
            key=key,
            category_id=form.category_id.data,
            area_id=form.area_id.data,
        )
        if audit_row is not None:
            audit_row(call)
        return call

    outcome, call = save_new(lambda: bool(key) and earlier() is not None, log, keep_loaded=True)
    if outcome == CONFLICT:
        return CONFLICT, None, None
    if outcome == REPEATED:
        call = earlier()
        if call.show_id != show_id:
            return KEY_REUSED, None, None
        return outcome, call, pushes.Once(lambda: show_with_calls(show_id))
    # The public row goes out before the show's calls are read: the desks'
    # panel and the overlay read them only if someone is watching them.
    full = pushes.Once(lambda: with_calls_after_logging(call.show, call))
    pushes.call_logged(just_logged(call), full)
    return outcome, call, full


# --- a call's changes from their forms (the console's and the API's) -----------------


def answer_from(call: Call, form, actor: User) -> None:
    """Answered on air, from an AnswerForm."""
    calls.answer_call(
        call,
        text=form.answer_text.data,
        answered_by=form.answered_by.data,
        version=form.version.data,
        actor=actor,
        key=form.idem.data,
    )


def refer_from(call: Call, form, actor: User, deadline) -> Commitment:
    """Referred for offline verification, from a ReferForm; `deadline` is
    limits.referral_deadline's (the caller may warn about its fallback)."""
    return calls.refer_call(
        call,
        department_id=form.department.data,
        note=form.note.data or "",
        deadline=deadline.day,
        working_days=limits.get("referral_days"),
        version=form.version.data,
        actor=actor,
        key=form.idem.data,
    )


def placard_from(call: Call, form, actor: User) -> None:
    """The studio's placard vote, from a PlacardForm."""
    calls.record_placard(
        call,
        satisfied=form.satisfied.data,
        basic=form.basic.data,
        dissatisfied=form.dissatisfied.data,
        version=form.version.data,
        actor=actor,
        key=form.idem.data,
    )
