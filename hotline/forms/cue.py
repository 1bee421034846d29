"""The desk's form for a name super (人名条): the name and the line under it
(a deputy's seat, an official's department and title). Public words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .staff import Form, text


class SuperForm(Form):
    # CSRFProtect checks every POST already (the form field or htmx's header).
    class Meta:
        csrf = False

    name = text(_l("Name"), 50, required=True)
    line = text(_l("Seat, or department and title"), 200)
