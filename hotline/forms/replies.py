"""The office's form for a response template, and the words for each action
a template is written for (the office's page, the pickers, the API's docs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import InputRequired, Optional

from ..extensions import db
from ..models import Category
from ..rules import replies as rule
from .staff import Form, optional_id, text

# What each action is called where a template is picked or written.
ACTION_LABELS = {
    "progress": _l("Progress note"),
    "extension": _l("Extension request"),
    "completion": _l("Completion report"),
    "verify": _l("Verification note"),
    "withdraw": _l("Withdrawal reason"),
    "answer": _l("On-air answer"),
}


class ReplyForm(Form):
    # CSRFProtect checks every POST already (the page's hidden csrf_token).
    class Meta:
        csrf = False

    action = SelectField(
        _l("For"),
        choices=[(a, ACTION_LABELS[a]) for a in rule.ACTIONS],
        validators=[InputRequired(_l("Choose what the template is for."))],
    )
    category = SelectField(
        _l("Category"), coerce=optional_id, validators=[Optional()], validate_choice=True
    )
    title = text(_l("Title (what the liaison picks)"), rule.MAX_TITLE, required=True)
    text = text(_l("Text"), rule.MAX_TEXT, required=True, area=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = db.session.scalars(select(Category).order_by(Category.id))
        self.category.choices = [("", _l("All categories"))] + [(c.id, c.name) for c in rows]
