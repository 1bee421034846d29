"""The office's form that links a staff account to a single sign-on identity."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional

from .admin import AdminForm
from .staff import CleanText, normalised


class SsoLinkForm(AdminForm):
    # The value of the IdP's matching claim (HOTLINE_OIDC_CLAIM); empty unlinks.
    # Never cut short: a shortened identity would be someone else's.
    subject = StringField(
        validators=[
            Optional(),
            Length(max=255, message=_l("An identity has at most 255 characters.")),
            CleanText(),
        ],
        filters=[normalised()],
    )
