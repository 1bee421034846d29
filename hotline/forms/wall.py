"""The question wall's forms: the moderator's approval (the words the wall
shows, the area left out or not) and the office's sensitive words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from ..rules.wall import MAX_WORD
from .staff import CleanText, Form, normalised
from .staff import text as text_field


class _Form(Form):
    # CSRFProtect checks every POST already (the form's token or the htmx header).
    class Meta:
        csrf = False


class WallApproveForm(_Form):
    """Approve a question for the wall, reworded first if need be (empty: as sent)."""

    text = text_field(_l("Words shown on the wall"), 1000, area=True)
    no_area = BooleanField(_l("Leave out the area"))


class SensitiveWordForm(_Form):
    """A word that flags a question for the moderator (rules/wall.py)."""

    word = StringField(
        validators=[
            DataRequired(_l("Give the word.")),
            Length(max=MAX_WORD, message=_l("At most %(max)d characters.", max=MAX_WORD)),
            CleanText(),
        ],
        filters=[normalised()],
    )
