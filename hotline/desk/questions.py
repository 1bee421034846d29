"""Citizens' questions: the moderator's queue. A question is put on air as the
next call or declined."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import actions, calls, pushes, refcodes
from ..access import roles_required
from ..extensions import db
from ..models import Question, QuestionStatus
from . import bp
from .helpers import DESK, show_or_404


def question_or_404(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        abort(404)
    return question


@bp.route("/questions/<int:question_id>/air", methods=["POST"])
@roles_required(*DESK)
def air_question(question_id: int):
    """Put a citizen's question on air: it becomes the next call, with the
    sender's name and phone kept private like a caller's."""
    question = question_or_404(question_id)
    show = show_or_404(question.show_id)
    if question.status != QuestionStatus.QUEUED:
        flash(_("This question was already handled."), "info")
        return redirect(url_for("desk.console", show_id=show.id), 303)
    if not show.is_live:
        flash(_("The show is not live: take it live to log calls."), "error")
        return redirect(url_for("desk.console", show_id=show.id), 303)
    call = calls.log_call(
        show,
        topic=question.text[:500],
        area=question.area,
        caller_name=question.name,
        caller_phone=question.phone,
        actor=current_user,
        key=f"question-{question.id}",
        issue_code=False,  # the sender has one already: it now tracks the call
    )
    question.status = QuestionStatus.AIRED
    question.call = call
    refcodes.link_question_to_call(question, call)
    if actions.save() != actions.SAVED:
        flash(_("This question was already handled."), "info")
        return redirect(url_for("desk.console", show_id=show.id), 303)
    pushes.call_logged(call)
    pushes.questions_changed(show)
    flash(_("The question is on air as call #%(n)d.", n=call.number), "success")
    return redirect(url_for("desk.console", show_id=show.id), 303)


@bp.route("/questions/<int:question_id>/decline", methods=["POST"])
@roles_required(*DESK)
def decline_question(question_id: int):
    question = question_or_404(question_id)
    if question.status == QuestionStatus.QUEUED:
        question.status = QuestionStatus.DECLINED
        db.session.commit()
        pushes.questions_changed(show_or_404(question.show_id))
    return redirect(url_for("desk.console", show_id=question.show_id), 303)
