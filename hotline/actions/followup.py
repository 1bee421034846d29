"""The follow-up's actions, run the same way from the follow-up page and from
the integration API: which change each named action makes, who may make it
and when (`allowed_actions`: the forms the page shows, the only actions run),
and the one cycle around it:

    one-time key already spent? → form valid? → version current? → allowed now?
    → evidence file checked → change → (the API's audit row) → files written
    and one commit → push

Routes load the item in their user's scope, build the form, pass the day
(their own `today()`) and answer the Result in their own way: a page with the
message beside the field, or JSON naming it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as default
from datetime import date
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..access import roles_required
from ..changes import audit, callbacks, duplicates, escalation, pledges, uploads
from ..changes import commitments as domain
from ..extensions import db
from ..models import (
    Commitment,
    Department,
    Event,
    EventKind,
    ItemKind,
    MilestoneKind,
    Role,
    User,
)
from ..queries.followup import keyed_event
from ..realtime import pushes
from ..rules.status import State
from ..rules.text import for_log
from . import milestones, reminders

log = logging.getLogger("hotline.followup")

SAVED, REPEATED, INVALID, CONFLICT = "saved", "repeated", "invalid", "conflict"
# The one-time key was spent on another change (another item, or another
# action on this one): refused, never "saved" nor "repeated".
KEY_REUSED = "key_reused"

WORKER = (Role.LIAISON, Role.SUPERVISOR)
OFFICE = (Role.SUPERVISOR,)
DEPARTMENT = (Role.LIAISON,)


@dataclass
class Result:
    outcome: str
    item: Commitment
    # INVALID from the change itself: the field it is about ("" for the whole
    # form); None when the form's own validation failed (errors on the form).
    field: str | None = None
    message: str | None = None
    # Saved, with something the user should know (a mail not sent).
    notices: list[str] = default(default_factory=list)


def _key(form) -> str | None:
    return form.idem.data or None


# --- what each action changes (form, actor, day, attachments) ------------------------------


def _progress(item, f, actor, day, files):
    domain.post_progress(
        item,
        actor=actor,
        note=f.note.data,
        percent=f.percent.data,
        attachments=files,
        version=f.version.data,
        key=_key(f),
    )


def _extension(item, f, actor, day, _files):
    domain.request_extension(
        item,
        actor=actor,
        new_deadline=f.new_deadline.data,
        reason=f.reason.data,
        today=day,
        version=f.version.data,
        key=_key(f),
    )


def _completion(item, f, actor, day, files):
    domain.report_completion(
        item,
        actor=actor,
        note=f.note.data,
        on=day,
        attachments=files,
        version=f.version.data,
        key=_key(f),
    )


def _decision(item, f, actor, _day, _files):
    domain.check_version(item, f.version.data)  # a stale form: 409, before anything else
    pending = domain.pending_extension(item)
    if pending is None:
        raise domain.FollowupError("", _l("There is no extension request waiting."))
    if f.decision.data not in ("grant", "refuse"):
        raise domain.FollowupError("decision", _l("Choose grant or refuse."))
    domain.decide_extension(
        pending,
        actor=actor,
        grant=f.decision.data == "grant",
        reason=f.reason.data,
        version=f.version.data,
        key=_key(f),
    )


def _verify(item, f, actor, _day, _files):
    domain.verify_completion(
        item, actor=actor, note=f.note.data, version=f.version.data, key=_key(f)
    )


def _reopen(item, f, actor, _day, _files):
    domain.reopen(item, actor=actor, reason=f.reason.data, version=f.version.data, key=_key(f))


def _press(item, f, actor, _day, _files):
    domain.press(item, actor=actor, note=f.note.data, version=f.version.data, key=_key(f))


def _withdraw(item, f, actor, _day, _files):
    domain.withdraw(item, actor=actor, reason=f.reason.data, version=f.version.data, key=_key(f))


def _callback(item, f, actor, _day, _files):
    callbacks.record_callback(
        item,
        actor=actor,
        reached=f.reached.data == "yes",
        verdict=f.verdict.data,
        note=f.note.data or "",
        reopen_reason=f.reopen_reason.data or "",
        version=f.version.data,
        key=_key(f),
    )


def _acknowledge(item, f, actor, _day, _files):
    escalation.acknowledge(item, actor=actor, version=f.version.data, key=_key(f))


def _dispute(item, f, actor, day, _files):
    escalation.dispute(
        item, actor=actor, reason=f.reason.data, day=day, version=f.version.data, key=_key(f)
    )


def _dispute_decision(item, f, actor, _day, _files):
    domain.check_version(item, f.version.data)
    target = None
    if f.decision.data == "reassign":
        target = db.session.get(Department, f.department.data) if f.department.data else None
        if target is None:
            raise domain.FollowupError("department", _l("Choose the new department."))
    escalation.decide_dispute(
        item,
        actor=actor,
        to_department=target,
        reason=f.reason.data,
        version=f.version.data,
        key=_key(f),
    )


def _merge(item, f, actor, _day, _files):
    duplicates.merge(
        item,
        earlier_id=f.earlier.data,
        actor=actor,
        reason=f.reason.data,
        version=f.version.data,
        key=_key(f),
    )


def _terms(item, f, actor, _day, _files):
    # Only the terms sent (the API may send some): one left out is kept as it is.
    terms = {name: f[name].data for name in pledges.TERMS if f[name].raw_data}
    pledges.set_terms(item, terms, actor=actor, version=f.version.data, key=_key(f))


def _request_criterion(item, f, actor, _day, _files):
    pledges.request_criterion(
        item, actor=actor, note=f.note.data, version=f.version.data, key=_key(f)
    )


# --- when each action is possible -----------------------------------------------------------


class Check(NamedTuple):
    """Something that must hold of the item (some also ask who acts, and on
    which day), and the words that refuse the action when it does not: the
    write layer's own (changes/), so the page and the API say the same."""

    holds: Callable[[Commitment, User, date], bool]
    refusal: str


NOT_NOW = _l("This action is not possible in the item's current state.")


def _state_in(*states: State) -> Check:
    return Check(lambda item, _user, _day: item.state in states, NOT_NOW)


def _reported_by(item: Commitment) -> int | None:
    reported = domain.last_event(item, EventKind.COMPLETION_REPORTED)
    return reported.actor_id if reported else None


OPEN = _state_in(State.OPEN)
REPORTED = _state_in(State.REPORTED)
OPEN_OR_REPORTED = _state_in(State.OPEN, State.REPORTED)
MET = _state_in(State.MET)
NOT_WITHDRAWN = Check(lambda item, _user, _day: item.state != State.WITHDRAWN, NOT_NOW)
NO_REQUEST_WAITING = Check(
    lambda item, _user, _day: domain.pending_extension(item) is None,
    _l("An extension request is already waiting for a decision."),
)
A_REQUEST_WAITING = Check(
    lambda item, _user, _day: domain.pending_extension(item) is not None,
    _l("There is no extension request waiting."),
)
# No one decides on their own request, nor verifies their own report.
ANOTHERS_REQUEST = Check(
    lambda item, user, _day: domain.pending_extension(item).requested_by_id != user.id,
    _l("You cannot decide on your own request."),
)
ANOTHERS_REPORT = Check(
    lambda item, user, _day: _reported_by(item) != user.id,
    _l("You cannot verify a completion you reported yourself."),
)
A_PHONE = Check(
    lambda item, _user, _day: callbacks.can_call_back(item),
    _l("The caller left no phone number: there is nobody to call back."),
)
UNACKNOWLEDGED = Check(
    lambda item, _user, _day: escalation.needs_acknowledgement(item),
    _l("This item is already acknowledged."),
)
UNDISPUTED = Check(
    lambda item, _user, _day: item.disputed_at is None,
    _l("A dispute is waiting for the office's decision."),
)
DISPUTABLE = Check(
    lambda item, _user, day: escalation.can_dispute(item, day),
    _l("A dispute is possible only before acknowledging, within the limit, once."),
)
DISPUTED = Check(
    lambda item, _user, _day: item.disputed_at is not None, _l("There is no dispute waiting.")
)
OF_A_CALL = Check(
    lambda item, _user, _day: item.call is not None,
    _l("Only the items of calls can be linked (并单)."),
)
A_PLEDGE = Check(
    lambda item, _user, _day: item.kind == ItemKind.COMMITMENT,
    _l("Only a pledge made on air has terms to add."),
)
NO_CRITERION = Check(
    lambda item, _user, _day: not item.criterion,
    _l("This pledge already has an acceptance criterion."),
)
UNLINKED = Check(
    lambda item, _user, _day: item.call.duplicate_of_id is None,
    _l("This call is already linked to an earlier call."),
)


class Action(NamedTuple):
    path: str  # the last part of its URL, on the page and in the API
    roles: tuple[str, ...]
    checks: tuple[Check, ...]  # in order: the first that fails is the refusal
    change: Callable
    # The events it may write with its one-time key: a key found on any other
    # event was spent on another action, and is refused rather than repeated.
    kinds: tuple[EventKind, ...]
    after: Callable[[Commitment, object], list[str]] | None = None


K = EventKind
ACTIONS = {
    "progress": Action("progress", WORKER, (OPEN,), _progress, (K.PROGRESS,)),
    "extension": Action(
        "extension", WORKER, (OPEN, NO_REQUEST_WAITING), _extension, (K.EXTENSION_REQUESTED,)
    ),
    "completion": Action("completion", WORKER, (OPEN,), _completion, (K.COMPLETION_REPORTED,)),
    "decision": Action(
        "decision",
        OFFICE,
        (A_REQUEST_WAITING, OPEN_OR_REPORTED, ANOTHERS_REQUEST),
        _decision,
        (K.EXTENSION_GRANTED, K.EXTENSION_REFUSED),
    ),
    "verify": Action("verify", OFFICE, (REPORTED, ANOTHERS_REPORT), _verify, (K.VERIFIED,)),
    "reopen": Action("reopen", OFFICE, (REPORTED,), _reopen, (K.REOPENED,)),
    "press": Action("press", OFFICE, (OPEN,), _press, (K.PRESSED,), reminders.mail_pressed),
    "withdraw": Action("withdraw", OFFICE, (OPEN_OR_REPORTED,), _withdraw, (K.WITHDRAWN,)),
    # 回访: reached or not, the caller's verdict; dissatisfied may reopen (重办).
    "callback": Action("callback", OFFICE, (MET, A_PHONE), _callback, (K.CALLBACK,)),
    # 签收: the liaison's department has the item (scoped by the route's load).
    "acknowledge": Action(
        "acknowledge", DEPARTMENT, (UNACKNOWLEDGED, UNDISPUTED), _acknowledge, (K.ACKNOWLEDGED,)
    ),
    # 派单异议: "not ours", with a public reason.
    "dispute": Action("dispute", DEPARTMENT, (OPEN, DISPUTABLE), _dispute, (K.DISPUTED,)),
    "dispute_decision": Action(
        "dispute-decision",
        OFFICE,
        (DISPUTED,),
        _dispute_decision,
        (K.REASSIGNED, K.DISPUTE_REFUSED),
    ),
    # 并单: this item's call is the same problem as an earlier item's call.
    "merge": Action("merge", OFFICE, (NOT_WITHDRAWN, OF_A_CALL, UNLINKED), _merge, (K.MERGED,)),
    # Milestones of a long item (年初查开工、年中看进度、年底问绩效), set by the
    # department or the office; a passed date cannot be moved.
    "milestone": Action(
        "milestone", WORKER, (OPEN, Check(*milestones.CAN_CARRY)), milestones.set_one,
        (MilestoneKind.SET,),
    ),
    "milestone_met": Action(
        "milestone-met", WORKER, (OPEN, Check(*milestones.AN_OPEN_MILESTONE)), milestones.meet,
        (MilestoneKind.MET,),
    ),
    "milestone_move": Action(
        "milestone-move", WORKER, (OPEN, Check(*milestones.A_MOVABLE_MILESTONE)),
        milestones.move, (MilestoneKind.MOVED,),
    ),
    # How the pledge will be checked: its terms, added or completed (承诺要素).
    "terms": Action("terms", WORKER, (OPEN, A_PLEDGE), _terms, (K.TERMS,)),
    # 催补验收标准: the office asks the department for the missing criterion.
    "request_criterion": Action(
        "request-criterion",
        OFFICE,
        (OPEN, A_PLEDGE, NO_CRITERION),
        _request_criterion,
        (K.CRITERION_REQUESTED,),
        reminders.mail_criterion_requested,
    ),
}  # fmt: skip
# The actions whose form takes an evidence file.
WITH_EVIDENCE = ("progress", "completion", "milestone_met")


def refusal(name: str, item: Commitment, user: User, day: date) -> str | None:
    """Why `user` may not take action `name` on `item` on `day`, or None when
    they may. The role is the route's to check (403); the item is in scope."""
    for check in ACTIONS[name].checks:
        if not check.holds(item, user, day):
            return check.refusal
    return None


def allowed_actions(user: User, item: Commitment, day: date) -> list[str]:
    """What `user` may do to `item` (loaded in their scope) on `day`: the forms
    the follow-up page shows, and the only actions save() runs, for the page
    and the API alike."""
    return [
        name
        for name, action in ACTIONS.items()
        if user.role in action.roles and refusal(name, item, user, day) is None
    ]


def add_routes(blueprint, view_for: Callable[[str], Callable]) -> None:
    """POST <blueprint>/commitments/<id>/<path> for every action, open to the
    roles it names; `view_for(name)` makes the view (a page, or JSON)."""
    for name, action in ACTIONS.items():
        view = view_for(name)
        view.__name__ = name
        blueprint.add_url_rule(
            f"/commitments/<int:commitment_id>/{action.path}",
            name,
            roles_required(*action.roles)(view),
            methods=["POST"],
        )


# --- the cycle ------------------------------------------------------------------------------


def _spent(key: str | None, item: Commitment, kinds, event_id: int | None = None) -> str | None:
    """Whether this one-time key was spent already: REPEATED when on this very
    change (this item, this action, and for withholding this entry),
    KEY_REUSED when on any other; None when it was not."""
    done = keyed_event(key) if key else None
    if done is None:
        return None
    same = done.commitment_id == item.id and done.kind in kinds
    if event_id is not None:
        same = same and done.data.get("event_id") == event_id
    if not same:
        log.warning("followup refused: one-time key reused, commitment=%s", item.id)
    return REPEATED if same else KEY_REUSED


def save(
    item: Commitment,
    name: str,
    form,
    *,
    actor: User,
    day: date,
    audit_row: Callable[[], None] | None = None,
) -> Result:
    """Run action `name` on `item` (already loaded in the actor's scope) with a
    submitted `form`. After anything but SAVED the session is rolled back and
    `item` is stale: the caller reloads it in its own scope."""
    key, action = _key(form), ACTIONS[name]
    if spent := _spent(key, item, action.kinds):
        return Result(spent, item)
    if not form.validate_on_submit():
        return Result(INVALID, item)
    department_before = item.department_id
    try:
        domain.check_version(item, form.version.data)  # a stale form: 409 before anything else
        if (why := refusal(name, item, actor, day)) is not None:
            raise domain.FollowupError("", why)
        files = []
        if "evidence" in form and (upload := uploads.read_upload(form.evidence.data)):
            files.append(upload)
        action.change(item, form, actor, day, [a for a, _content in files])
        if audit_row is not None:
            audit_row()
        uploads.commit_with(files)
    except (domain.VersionConflict, StaleDataError):
        # StaleDataError: a twin request saved the same version a moment earlier.
        db.session.rollback()
        return Result(_spent(key, item, action.kinds) or CONFLICT, item)
    except domain.FollowupError as error:
        db.session.rollback()
        return Result(INVALID, item, error.field or "", str(error.message))
    except IntegrityError:
        db.session.rollback()
        # The twin request won (REPEATED), or the key went elsewhere meanwhile.
        return Result(_spent(key, item, action.kinds) or KEY_REUSED, item)
    log.info("followup %s: commitment=%s user=%s", name, item.id, for_log(actor.username))
    pushes.commitment_changed(item)
    pushes.dashboard_changed(item)
    if item.department_id != department_before:  # reassigned: off the old dashboard
        pushes.dashboard_changed(item, department_before)
    notices = action.after(item, form) if action.after is not None else []
    return Result(SAVED, item, notices=notices)


def withhold(
    event: Event, form, *, actor: User, audit_row: Callable[[], None] | None = None
) -> Result:
    """The office takes an entry's note and files off public view, with a public reason."""
    item, key = event.commitment, _key(form)
    if spent := _spent(key, item, (EventKind.WITHHELD,), event.id):
        return Result(spent, item)
    if not form.validate_on_submit():
        return Result(INVALID, item)
    try:
        note = domain.withhold(event, actor=actor, reason=form.reason.data, key=key)
        detail = {"commitment": event.commitment_id, "reason": note.note}
        audit.record(actor, audit.WITHHELD, f"event {event.id}", detail)
        if audit_row is not None:
            audit_row()
        db.session.commit()
    except domain.FollowupError as error:
        db.session.rollback()
        return Result(INVALID, item, error.field or "", str(error.message))
    except IntegrityError:
        db.session.rollback()
        return Result(_spent(key, item, (EventKind.WITHHELD,), event.id) or KEY_REUSED, item)
    log.info("withheld event=%s by %s", event.id, for_log(actor.username))
    pushes.commitment_changed(item)
    return Result(SAVED, item)
