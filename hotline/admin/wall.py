"""The office's sensitive words for the question wall (提问墙): a citizen's
question with one is flagged for the moderator (never dropped), and its
sender told it awaits review. Seeded with a short list (rules/wall.py); a
word taken off is kept inactive; every change is in the audit trail."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import supervisor_required
from ..actions import desk as actions
from ..changes import wall
from ..extensions import db
from ..forms.wall import SensitiveWordForm
from ..models import SensitiveWord
from ..queries.wall import office_words
from . import bp
from .routes import first_error

PAGE = "admin/wall.html"


def _page(status: int = 200, error: str | None = None, value: str = ""):
    return render_template(PAGE, words=office_words(), error=error, value=value), status


@bp.route("/wall/words")
@supervisor_required
def wall_words():
    return _page()


@bp.route("/wall/words", methods=["POST"])
@supervisor_required
def wall_word_add():
    form = SensitiveWordForm()
    if not form.validate():
        return _page(422, first_error(form), form.word.data or "")
    word = form.word.data
    if not wall.add_word(word, current_user):
        return _page(422, _("%(word)s is on the list already.", word=word), word)
    return _done(_("%(word)s added: questions with it are flagged from now on.", word=word))


@bp.route("/wall/words/<int:word_id>/remove", methods=["POST"])
@supervisor_required
def wall_word_remove(word_id: int):
    row = db.session.get(SensitiveWord, word_id)
    if row is None or not row.active:
        abort(404)
    wall.remove_word(row, current_user)
    return _done(_("%(word)s taken off the list.", word=row.word))


def _done(message: str):
    if actions.save() != actions.SAVED:
        abort(409)  # a twin submission changed the same row a moment earlier
    flash(message, "success")
    return redirect(url_for("admin.wall_words") + "#sensitive-words", 303)
