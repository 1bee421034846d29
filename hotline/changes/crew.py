"""The crew's back channel: a note sent to a show's crew, and a cue card marked
done. Callers check who may (queries/crew.py), commit, then push
(realtime/crew.py). Notes are never edited or deleted."""

from __future__ import annotations

from ..extensions import db
from ..models import CrewNote, Role, Show, ShowStatus, User, utcnow

# Who may put a note on the host's cue card: the desk, not a department.
CUE_ROLES = (Role.MODERATOR, Role.SUPERVISOR)


class Refused(ValueError):
    """Nothing is saved; `message` says why (the show has ended)."""


def post(show: Show, author: User, text: str, *, cue: bool, key: str | None) -> CrewNote:
    """A note to the crew of `show`, by `author` (already checked to be on
    it). Only the desk makes cue cards: a liaison's note is a plain note."""
    if show.status == ShowStatus.ENDED:
        raise Refused("ended")
    note = CrewNote(
        show_id=show.id,
        author_id=author.id,
        text=text,
        cue=bool(cue) and author.role in CUE_ROLES,
        idempotency_key=key,
    )
    db.session.add(note)
    return note


def cue_done(note: CrewNote, actor: User) -> bool:
    """Take a cue card off the host's view. False when it already was."""
    if not note.cue or note.done_at is not None:
        return False
    note.done_at = utcnow()
    note.done_by_id = actor.id
    return True
