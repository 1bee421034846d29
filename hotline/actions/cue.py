"""The request cycle of the cue (cue → preview → take), shared by the desk's
routes and the API's on-air control: sweep what is past its auto-out → the
change → commit → push (realtime/cue.py). One function per action; each
returns an Outcome the route answers from (its page or fragment, or JSON)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..changes import cue as changes
from ..clock import today
from ..extensions import db
from ..models import CueItem, Show, ShowStatus, User
from ..queries.cue import name_super
from ..queries.onair import belongs_on_air
from ..realtime import cue as push
from ..rules import cue as rules

# Why an action did nothing.
ENDED, LOCKED, EMPTY, NOT_FOUND = "ended", "locked", "empty", "not_found"


@dataclass
class Outcome:
    done: bool
    item: CueItem | None = None
    refused: str | None = None  # ENDED, LOCKED, EMPTY, NOT_FOUND


Audit = Callable[[Outcome], None] | None


def run(
    show: Show, change: Callable[[], Outcome], *, program: bool, audit: Audit = None
) -> Outcome:
    """Sweep, change, commit, push. `program`: the change may alter what is on
    air (a take, a clear), so the overlay and the on-air blocks go out too.
    `audit`: adds the change's audit row (the API's), in the same transaction."""
    swept = changes.sweep(show.id)
    try:
        outcome = change()
    except changes.Locked:
        db.session.rollback()
        outcome = Outcome(False, refused=LOCKED)
        swept = changes.sweep(show.id)  # the rollback undid it: once more
    if audit is not None and outcome.done:
        audit(outcome)
    db.session.commit()
    if outcome.done or swept:
        push.cue_changed(show, program=program or swept)
    return outcome


def sweep(show: Show) -> bool:
    """A read found something past its auto-out: clear it for everyone."""
    if not changes.sweep(show.id):
        return False
    db.session.commit()
    push.cue_changed(show, program=True)
    return True


def belongs(show: Show, kind: str, item_id: int | None) -> bool:
    """The desk's and the API's one question: may this go in this show's cue?"""
    if kind in rules.WITHOUT_ITEM:
        return True
    if kind == "super":
        return name_super(show.id, item_id) is not None
    if kind in rules.CARDS and item_id is not None:
        return belongs_on_air(show, kind, item_id, today())
    return False


def _on_air(show: Show) -> str | None:
    return ENDED if show.status == ShowStatus.ENDED else None


def add(show: Show, kind: str, item_id: int | None, actor: User | None) -> Outcome:
    def change():
        return Outcome(True, changes.add(show, kind, item_id, actor))

    return run(show, change, program=False)


def preview(show: Show, item: CueItem) -> Outcome:
    def change():
        changes.preview(item)
        return Outcome(True, item)

    return run(show, change, program=False)


def move(show: Show, item: CueItem, step: int) -> Outcome:
    def change():
        changes.move(item, step)
        return Outcome(True, item)

    return run(show, change, program=False)


def remove(show: Show, item: CueItem) -> Outcome:
    def change():
        changes.remove(item)
        return Outcome(True)

    return run(show, change, program=False)


def _taken(found: CueItem | None) -> Outcome:
    return Outcome(True, found) if found is not None else Outcome(False, refused=EMPTY)


def take(show: Show, actor: User | None, audit: Audit = None) -> Outcome:
    """The preview to program."""
    if refused := _on_air(show):
        return Outcome(False, refused=refused)
    return run(
        show, lambda: _taken(changes.take_preview(show.id, actor)), program=True, audit=audit
    )


def take_next(show: Show, actor: User | None, audit: Audit = None) -> Outcome:
    """The next cued item not yet taken to program."""
    if refused := _on_air(show):
        return Outcome(False, refused=refused)
    return run(show, lambda: _taken(changes.take_next(show.id, actor)), program=True, audit=audit)


def take_kind(show: Show, kind: str, actor: User | None, audit: Audit = None) -> Outcome:
    """The totals or the QR bug straight to program (a button box's key)."""
    if refused := _on_air(show):
        return Outcome(False, refused=refused)
    return run(
        show, lambda: _taken(changes.take_kind(show, kind, actor)), program=True, audit=audit
    )


def cue_and_preview(
    show: Show, kind: str, item_id: int, actor: User | None, audit: Audit = None
) -> Outcome:
    """Cue an item and put it in preview at once (the button box's "cue the call")."""

    def change():
        item = changes.add(show, kind, item_id, actor)
        changes.preview(item)
        return Outcome(True, item)

    return run(show, change, program=False, audit=audit)


def clear_all(show: Show, actor: User | None, audit: Audit = None) -> Outcome:
    def change():
        changes.clear_all(show.id, actor)
        return Outcome(True)

    return run(show, change, program=True, audit=audit)


def bug_off(show: Show) -> Outcome:
    def change():
        changes.bug_off(show.id)
        return Outcome(True)

    return run(show, change, program=True)


def lock(show: Show, actor: User | None, locked: bool) -> Outcome:
    def change():
        (changes.lock if locked else changes.unlock)(show.id, actor)
        return Outcome(True)

    return run(show, change, program=False)


def save_super(show: Show, found, name: str, line: str) -> Outcome:
    """A name super added or edited; an edited one may be on program or in preview."""

    def change():
        changes.save_super(show, found, name, line)
        return Outcome(True)

    return run(show, change, program=found is not None)


def delete_super(show: Show, found) -> Outcome:
    """A name super and its cued items go (refused while the rundown is locked)."""

    def change():
        changes.delete_super(found)
        return Outcome(True)

    return run(show, change, program=True)


def fill_supers(show: Show) -> int:
    added = changes.fill_supers(show)
    db.session.commit()
    if added:
        push.cue_changed(show)
    return added
