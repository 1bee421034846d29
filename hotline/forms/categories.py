"""The office's category forms (the list's rows, the CSV import, mapping a
typed text), and the 代表码 message form's category choice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..rules import categories as rule
from .admin import AdminForm
from .staff import CleanText, normalised, optional_id

MAX_FILE = 2 * 1024 * 1024  # an import file: a city's lists are far smaller


class CategoryForm(AdminForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Give the category's name.")),
            Length(max=rule.MAX_NAME, message=_l("At most %(max)d characters.", max=rule.MAX_NAME)),
            CleanText(),
        ],
        filters=[normalised()],
    )
    department = SelectField(_l("Routes to"), coerce=optional_id, validators=[Optional()])
    hint = StringField(
        _l("Hint for the picker"),
        validators=[
            Optional(),
            Length(max=rule.MAX_HINT, message=_l("At most %(max)d characters.", max=rule.MAX_HINT)),
            CleanText(),
        ],
        filters=[normalised()],
    )


class ImportForm(AdminForm):
    """A CSV file (UTF-8 or GB18030) for the categories or the areas."""

    file = FileField(_l("CSV file"), validators=[DataRequired(_l("Choose a CSV file."))])

    def content(self) -> bytes | None:
        """The file's bytes; None when it is too large to be a list."""
        data = self.file.data.read(MAX_FILE + 1)
        return None if len(data) > MAX_FILE else data


class MapForm(AdminForm):
    """Map a typed text: what was typed, and the name (or an alias) it means."""

    text = StringField(validators=[DataRequired(), Length(max=100), CleanText()])
    target = StringField(
        _l("Means"),
        validators=[DataRequired(_l("Type the name it means.")), Length(max=210), CleanText()],
        filters=[normalised()],
    )
