"""The crew's back channel: a short note to the show's crew, optionally a cue
card for the host (the desk only: the field is left out of a liaison's form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from ..models import CREW_NOTE_MAX
from .staff import KeyedForm, text


class CrewNoteForm(KeyedForm):
    note = text(_l("Note to the crew"), CREW_NOTE_MAX, required=True)
    cue = BooleanField(_l("Cue card for the host"))
