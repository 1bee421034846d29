"""What the crew's back channel reads, scoped to the account in the query itself.

A show's notes are for its crew only: moderators (the host, the director),
the office, and the liaisons of the departments on the show's panel. A liaison
of another department, a deputy or anyone signed out reads nothing, and never
learns whether the show has notes. The account is passed in, never read from
the request.
"""

from __future__ import annotations

from sqlalchemy import exists, false, select, true
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import CrewNote, Role, Show, ShowStatus, User, show_departments

# The notes a page shows at once (newest first); the whole record stays with the show.
NOTES_SHOWN = 50
DESK_ROLES = (Role.MODERATOR, Role.SUPERVISOR)


def _on_panel(user: User):
    """SQL: the account's department is on the show's panel."""
    return exists().where(
        show_departments.c.show_id == Show.id,
        show_departments.c.department_id == user.department_id,
    )


def _crew_of(user: User):
    """SQL: the shows whose crew this account is on."""
    if not user.active:
        return false()
    if user.role in DESK_ROLES:
        return true()
    if user.role == Role.LIAISON and user.department_id is not None:
        return _on_panel(user)
    return false()


def crew_show(user: User, show_id: int) -> Show | None:
    """The show, if `user` is on its crew (else None: a 404 for the route)."""
    query = select(Show).options(selectinload(Show.departments))
    return db.session.scalar(query.where(Show.id == show_id, _crew_of(user)))


def notes(user: User, show_id: int, limit: int = NOTES_SHOWN) -> list[CrewNote]:
    """The show's notes, newest first, for a member of its crew (else none)."""
    query = (
        select(CrewNote)
        .join(Show, Show.id == CrewNote.show_id)
        .options(selectinload(CrewNote.author))
        .where(CrewNote.show_id == show_id, _crew_of(user))
        .order_by(CrewNote.created_at.desc(), CrewNote.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def note(user: User, show_id: int, note_id: int) -> CrewNote | None:
    query = (
        select(CrewNote)
        .join(Show, Show.id == CrewNote.show_id)
        .where(CrewNote.id == note_id, CrewNote.show_id == show_id, _crew_of(user))
    )
    return db.session.scalar(query)


def note_by_key(key: str) -> CrewNote | None:
    return db.session.scalar(select(CrewNote).where(CrewNote.idempotency_key == key))


def cue_card(show: Show) -> CrewNote | None:
    """The host's cue card: the newest note marked as one, unless it was marked
    done; none once the show has ended. Read for the desk only (the console,
    and the block pushed to the show's staff room)."""
    if show.status == ShowStatus.ENDED:
        return None
    newest = db.session.scalar(
        select(CrewNote)
        .options(selectinload(CrewNote.author))
        .where(CrewNote.show_id == show.id, CrewNote.cue.is_(True))
        .order_by(CrewNote.created_at.desc(), CrewNote.id.desc())
        .limit(1)
    )
    return newest if newest is not None and newest.done_at is None else None


def liaison_shows(user: User) -> list[Show]:
    """The shows not yet over whose panel has the liaison's department: live
    first, then the next ones to start."""
    if user.role != Role.LIAISON or user.department_id is None or not user.active:
        return []
    query = (
        select(Show)
        .where(Show.status != ShowStatus.ENDED, _on_panel(user))
        .order_by((Show.status == ShowStatus.LIVE).desc(), Show.starts_at)
        .limit(3)
    )
    return list(db.session.scalars(query))


def crew_departments(show_id: int) -> list[int]:
    """The departments on the show's panel: their liaisons' rooms hear its notes."""
    query = select(show_departments.c.department_id).where(show_departments.c.show_id == show_id)
    return sorted(db.session.scalars(query))
