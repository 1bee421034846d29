"""Citizens' questions: the moderator's queue. A question is put on air as the
next call or declined."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import roles_required
from ..actions import desk as actions
from ..changes import calls, refcodes
from ..extensions import db
from ..forms.staff import AirQuestionForm
from ..models import Question, QuestionStatus
from ..realtime import pushes
from ..web import page_or_block
from . import bp
from .helpers import DESK, department_choices, deputy_choices, page_pickers, show_or_404

QUESTION_PAGE = "desk/question.html"


def question_or_404(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        abort(404)
    return question


def _air_form(question: Question, show) -> AirQuestionForm:
    form = AirQuestionForm(formdata=None) if request.method == "GET" else AirQuestionForm()
    form.department.choices = department_choices(show, _("— not routed yet —"))
    form.deputy.choices = deputy_choices(show)
    if request.method == "GET":
        form.topic.data, form.area.data = question.text[:500], question.area
    return form


def _back(show_id: int, message: str, category: str):
    flash(message, category)
    return redirect(url_for("desk.console", show_id=show_id), 303)


@bp.route("/questions/<int:question_id>/air", methods=["GET", "POST"])
@roles_required(*DESK)
def air_question(question_id: int):
    """Put a citizen's question on air: it becomes the next call. The moderator
    writes its public summary first; the text as sent, the sender's name and
    phone stay private like a caller's."""
    question = question_or_404(question_id)
    show = show_or_404(question.show_id)
    if question.status != QuestionStatus.QUEUED:
        return _back(show.id, _("This question was already handled."), "info")
    if not show.is_live:
        return _back(show.id, _("The show is not live: take it live to log calls."), "error")
    form = _air_form(question, show)
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return page_or_block(
            QUESTION_PAGE, "editor", question=question, form=form, pickers=page_pickers()
        ), status
    call = calls.log_call(
        show,
        topic=form.topic.data,
        area=form.area.data or "",
        category=form.category.data or "",
        department_id=form.department.data,
        deputy_id=form.deputy.data,
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
        return _back(show.id, _("This question was already handled."), "info")
    pushes.call_logged(call)
    pushes.questions_changed(show)
    return _back(show.id, _("The question is on air as call #%(n)d.", n=call.number), "success")


@bp.route("/questions/<int:question_id>/decline", methods=["POST"])
@roles_required(*DESK)
def decline_question(question_id: int):
    question = question_or_404(question_id)
    if question.status == QuestionStatus.QUEUED:
        question.status = QuestionStatus.DECLINED
        db.session.commit()
        pushes.questions_changed(show_or_404(question.show_id))
    return redirect(url_for("desk.console", show_id=question.show_id), 303)
