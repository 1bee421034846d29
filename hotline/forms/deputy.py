"""The deputy's action forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from .staff import CleanText, KeyedForm, normalised, text


class AnswerForm(KeyedForm):
    summary = text(_l("Public summary of the message"), 500, required=True)
    answer = text(_l("Your answer (public)"), 2000, required=True, area=True)


class TopicForm(KeyedForm):
    summary = text(_l("Public summary of the message"), 500, required=True)
    show_id = StringField(_l("Show"), validators=[CleanText()], filters=[normalised()])


class DeclineForm(KeyedForm):
    reason = text(_l("Reason (shown to the sender)"), 500, required=True, area=True)


class NoteForm(KeyedForm):
    note = text(_l("Follow-up note"), 2000, required=True, area=True)
