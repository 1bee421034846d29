"""The office's vague phrases: added to the reviewed list (rules/pledges.py)
the desk flags in a pledge as it is typed. Taken off, a phrase is kept
inactive; every change is in the audit trail."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from ..access import supervisor_required
from ..changes import pledges
from ..extensions import db
from ..forms.admin import VaguePhraseForm
from ..models import VaguePhrase
from . import bp
from .routes import done, first_error, page


@bp.route("/pledges/phrases", methods=["POST"])
@supervisor_required
def vague_phrase_add():
    form = VaguePhraseForm()
    if not form.validate():
        return page(422, {"vague-phrase": first_error(form)}, {"vague-phrase": form.phrase.data})
    if not pledges.add_phrase(form.phrase.data, current_user):
        message = _("%(phrase)s is on the list already.", phrase=form.phrase.data)
        return page(422, {"vague-phrase": message}, {"vague-phrase": form.phrase.data})
    return done(
        _("%(phrase)s added: the desk flags it from now on.", phrase=form.phrase.data),
        "vague-phrases",
    )


@bp.route("/pledges/phrases/<int:phrase_id>/remove", methods=["POST"])
@supervisor_required
def vague_phrase_remove(phrase_id: int):
    row = db.session.get(VaguePhrase, phrase_id)
    if row is None or not row.active:
        abort(404)
    pledges.remove_phrase(row, current_user)
    return done(_("%(phrase)s taken off the list.", phrase=row.phrase), "vague-phrases")
