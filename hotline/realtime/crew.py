"""What the crew's back channel pushes, and where: only to the staff namespace
(/desk), to the show's desk room and to the rooms of the departments on its
panel. Never to a public room (/live: the board, a show page, the overlay),
so no viewer and no overlay ever hears a note or a cue card.

Call these only after the transaction has committed. The blocks pushed are
the same ones the routes serve (templates/desk/_crew.html); they belong to
nobody: no "you", no CSRF token.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import CrewNote, Show
from ..queries.crew import crew_departments, cue_card
from ..web import render_block
from . import live

CREW = "desk/_crew.html"


def _rooms(show_id: int) -> list[tuple[str, str]]:
    rooms = [(live.STAFF, f"show:{show_id}")]
    rooms += [(live.STAFF, f"department:{d}") for d in crew_departments(show_id)]
    return rooms


def _note(note_id: int) -> CrewNote:
    return db.session.scalar(
        select(CrewNote).options(selectinload(CrewNote.author)).where(CrewNote.id == note_id)
    )


def note_posted(note_id: int) -> None:
    """A new note: on every desk of the show and every panel liaison's console,
    at the top of the show's notes; a cue card also on the host's card."""
    note = _note(note_id)
    with live.batch():
        live.publish_each(
            _rooms(note.show_id),
            target=f"#crew-notes-{note.show_id}",
            swap="afterbegin",
            render=lambda: render_block(CREW, "crew_note", note=note),
        )
        if note.cue:
            cue_changed(db.session.get(Show, note.show_id))


def cue_taken_down(note_id: int) -> None:
    """A cue card was taken down: off the host's card on every desk, and its
    note in every list says when."""
    note = _note(note_id)
    with live.batch():
        live.publish_each(
            _rooms(note.show_id),
            target=f"#crew-note-{note.id}",
            swap="outerHTML",
            render=lambda: render_block(CREW, "crew_note", note=note),
        )
        cue_changed(db.session.get(Show, note.show_id))


def cue_changed(show: Show) -> None:
    """The host's cue card changed (a new one, or marked done): every desk on the show."""
    card = cue_card(show)
    live.publish(
        live.STAFF,
        f"show:{show.id}",
        target=f"#crew-cue-{show.id}",
        swap="outerHTML",
        render=lambda: render_block(CREW, "crew_cue", ch={"show": show, "cue": card, "desk": True}),
    )
