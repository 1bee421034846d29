"""A pledge says how it will be checked: its terms (what, where, how much, the
acceptance criterion 验收标准) added or completed after the show, each change
an event on the public timeline with the old and new words side by side; the
office asking the department for a missing criterion (催补验收标准, like a
督办); and the office's own list of vague phrases for the desk.

Each change writes its event in the same transaction; callers commit.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Commitment, Event, EventKind, ItemKind, User, VaguePhrase
from ..rules import pledges as rule
from ..rules.status import State
from . import audit
from .commitments import FollowupError, _need_state, _touch, add_event, check_version

TERMS = rule.TERMS


def given_terms(terms: dict) -> dict:
    """The terms that were given, stripped ("" for none)."""
    return {name: (terms.get(name) or "").strip() for name in TERMS if terms.get(name)}


def _need_pledge(item: Commitment) -> None:
    if item.kind != ItemKind.COMMITMENT:
        raise FollowupError("", _l("Only a pledge made on air has terms to add."))


def set_terms(
    item: Commitment, terms: dict, *, actor: User, version, key: str | None = None
) -> Event:
    """Add or complete the pledge's terms. A term once given may be changed
    (old and new go on the timeline), never removed; nothing changed is refused."""
    check_version(item, version)
    _need_state(item, State.OPEN)
    _need_pledge(item)
    diff = {}
    for name in TERMS:
        if name not in terms:
            continue  # not sent: kept as it is
        old, new = getattr(item, name) or "", (terms[name] or "").strip()
        if old and not new:
            raise FollowupError(name, _l("A term once given can be changed, not removed."))
        if new != old:
            diff[name] = [old, new]
    if not diff:
        raise FollowupError("", _l("Nothing was changed."))
    for name, (_old, new) in diff.items():
        setattr(item, name, new)
    _touch(item)
    return add_event(item, EventKind.TERMS, actor, data={"changes": diff}, key=key)


def request_criterion(
    item: Commitment, *, actor: User, note: str = "", version, key: str | None = None
) -> Event:
    """催补验收标准: the office asks the department, on the public timeline, to
    say who will check the pledge and how."""
    check_version(item, version)
    _need_state(item, State.OPEN)
    _need_pledge(item)
    if item.criterion:
        raise FollowupError("", _l("This pledge already has an acceptance criterion."))
    _touch(item)
    return add_event(item, EventKind.CRITERION_REQUESTED, actor, note=(note or "").strip(), key=key)


# --- the office's vague phrases (Administration) ----------------------------------------------


def add_phrase(phrase: str, actor: User) -> bool:
    """Put `phrase` on the office's list; False when it is listed already
    (on the reviewed list, or the office's)."""
    phrase = rule.clean(phrase)
    if not phrase or phrase in rule.phrases():
        return False
    row = db.session.scalar(select(VaguePhrase).where(VaguePhrase.phrase == phrase))
    if row is not None and row.active:
        return False
    if row is None:
        db.session.add(VaguePhrase(phrase=phrase, updated_by_id=actor.id))
    else:  # taken off once, back again
        row.active, row.updated_by_id = True, actor.id
    audit.record(actor, audit.VAGUE_PHRASE_ADDED, "vague phrases", {"phrase": phrase})
    return True


def remove_phrase(row: VaguePhrase, actor: User) -> None:
    """Take a phrase off the office's list (kept, inactive)."""
    row.active, row.updated_by_id = False, actor.id
    audit.record(actor, audit.VAGUE_PHRASE_REMOVED, "vague phrases", {"phrase": row.phrase})
