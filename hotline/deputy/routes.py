"""/deputy: the queue, one message and its actions (交办 among them), the
代表督办 note."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from ..access import deputy_required, not_found_for
from ..changes import messages
from ..clock import today
from ..extensions import db
from ..forms.deputy import AnswerForm, DeclineForm, NoteForm, TopicForm
from ..forms.staff import AssignForm
from ..models import MAX_ID, Show
from ..queries import deputies as q
from ..queries.desk import active_departments
from ..realtime import pushes
from . import bp


@bp.route("/")
@deputy_required
def queue():
    return render_template(
        "deputy/queue.html",
        messages=q.messages_for(current_user),
        calls=q.calls_for(current_user),
        assigned=q.assigned_for(current_user),
    )


def _message(message_id: int):
    return q.message_for(current_user, message_id) or not_found_for("message", message_id)


def _assign_form(form: AssignForm | None = None) -> AssignForm:
    form = form or AssignForm(formdata=None, prefix="assign")
    blank = SelectChoice("", _("Choose a department"))
    form.department.choices = [blank] + [SelectChoice(d.id, d.name) for d in active_departments()]
    return form


def _page(item, status: int = 200, error: str | None = None, assign_form=None):
    page = render_template(
        "deputy/message.html",
        message=item,
        sender=q.sender_of(item),
        shows=q.upcoming_shows(),
        answer_form=AnswerForm(),
        topic_form=TopicForm(),
        decline_form=DeclineForm(),
        assign_form=assign_form or _assign_form(),
        note_form=NoteForm(),
        error=error,
    )
    return page, status


@bp.route("/messages/<int:message_id>")
@deputy_required
def message(message_id: int):
    return _page(_message(message_id))


def _act(item, form, change, after=None):
    if not form.validate_on_submit():
        return _page(item, 422, _("Please correct the form."))
    return _save(item, lambda: change(form), after)


def _save(item, change, after=None, done_text=None):
    """Change and commit once; then `after(what change returned)` (the pushes)."""
    try:
        made = change()
        db.session.commit()
    except messages.NotAllowed as refused:
        db.session.rollback()
        return _page(item, refused.status, str(refused.message))
    except StaleDataError:  # the deputy and the office at the same moment
        db.session.rollback()
        return _page(_message(item.id), 409, _("This message has already been dealt with."))
    if after is not None:
        after(made)
    flash(done_text(made) if done_text else _("Saved."), "success")
    return redirect(url_for("deputy.message", message_id=item.id), 303)


@bp.route("/messages/<int:message_id>/answer", methods=["POST"])
@deputy_required
def answer(message_id: int):
    item = _message(message_id)
    return _act(
        item,
        AnswerForm(),
        lambda f: messages.answer(
            item, actor=current_user, summary=f.summary.data, answer=f.answer.data
        ),
    )


@bp.route("/messages/<int:message_id>/topic", methods=["POST"])
@deputy_required
def topic(message_id: int):
    item = _message(message_id)

    def change(form):
        raw = form.show_id.data or ""
        show_id = int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ID else None
        show = db.session.get(Show, show_id) if show_id else None
        if show is None:
            raise messages.NotAllowed(_("Choose a show that has not started yet."))
        messages.put_forward(item, actor=current_user, summary=form.summary.data, show=show)

    # One of the show's topics now: the desks and the show page hear of it.
    return _act(item, TopicForm(), change, after=lambda _made: pushes.topics_changed(item.show))


@bp.route("/messages/<int:message_id>/decline", methods=["POST"])
@deputy_required
def decline(message_id: int):
    item = _message(message_id)
    return _act(
        item,
        DeclineForm(),
        lambda f: messages.decline(item, actor=current_user, reason=f.reason.data),
    )


@bp.route("/messages/<int:message_id>/assign", methods=["POST"])
@deputy_required
def assign(message_id: int):
    """交办: the message becomes a board item of a department, with a deadline."""
    item = _message(message_id)
    form = _assign_form(AssignForm(prefix="assign"))
    deadline = form.check_deadline(today()) if form.validate_on_submit() else None
    if deadline is None:
        return _page(item, 422, _("Please correct the form."), assign_form=form)

    def after(made):
        pushes.commitment_changed(made)
        pushes.dashboard_changed(made)

    return _save(
        item,
        lambda: messages.assign(
            item,
            actor=current_user,
            summary=form.summary.data,
            suggestion=form.suggestion.data,
            department_id=form.department.data,
            deadline=deadline,
        ),
        after,
        lambda made: _("Given to the department: item #%(id)d is on the board.", id=made.id),
    )


@bp.route("/messages/<int:message_id>/note", methods=["POST"])
@deputy_required
def message_note(message_id: int):
    item = _message(message_id)
    return _act(
        item, NoteForm(), lambda f: messages.note(item, actor=current_user, text=f.note.data)
    )


@bp.route("/commitments/<int:commitment_id>/note", methods=["POST"])
@deputy_required
def commitment_note(commitment_id: int):
    item = q.commitment_for(current_user, commitment_id) or not_found_for(
        "commitment", commitment_id
    )
    form = NoteForm()
    if not form.validate_on_submit():
        flash(_("Write the follow-up note."), "error")
        return redirect(url_for("deputy.queue"), 303)
    try:
        messages.deputy_note(item, actor=current_user, text=form.note.data)
    except messages.NotAllowed as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for("deputy.queue"), 303)
    db.session.commit()
    flash(_("Your follow-up note is on the item's record."), "success")
    return redirect(url_for("deputy.queue"), 303)
