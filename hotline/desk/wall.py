"""The question wall (提问墙) at the desk: approve a citizen's question for the
public wall (reworded first if need be), see the approved ones by upvotes and
mark them highlighted, answered or archived, and block a sender by their
question's fingerprint. The question queue itself stays as it was (put on
air or declined). Each change is in the audit trail and pushed to the show
page, the overlay and every desk on the show.

With htmx the desk's wall panel comes back (and the queue, out of band);
without, the console, with a message."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import roles_required
from ..changes import wall
from ..extensions import db
from ..forms.wall import WallApproveForm
from ..models import Question, Show, WallBlock, WallEntry
from ..queries.desk import queued_questions
from ..queries.wall import desk_wall
from ..realtime import wall as wall_pushes
from ..web import is_fragment_request, render_block
from . import bp
from .helpers import CONSOLE, DESK, show_or_404

PANEL = "desk/_wall.html"
PAGE = "desk/wall.html"
QUEUE = '<section id="questions"'  # the queue's block, answered out of band


def _panel(show: Show, note: str | None = None, status: int = 200):
    """The wall panel for htmx (with the queue out of band), else the console."""
    if not is_fragment_request():
        if note:
            flash(note, "error" if status >= 400 else "success")
        return redirect(url_for("desk.console", show_id=show.id) + "#desk-wall", 303)
    html = render_block(PANEL, "desk_wall", show=show, wall=desk_wall(show), wall_note=note)
    queue = render_block(CONSOLE, "questions", show=show, questions=queued_questions(show))
    queue = queue.replace(QUEUE, QUEUE + ' hx-swap-oob="true"', 1)
    return Response(html + queue, status=status)


def _question_or_404(question_id: int) -> Question:
    return db.session.get(Question, question_id) or abort(404)


@bp.route("/shows/<int:show_id>/wall")
@roles_required(*DESK)
def wall_panel(show_id: int):
    """The desk's wall panel (the console loads it; live.js refetches it), or
    its own page without JavaScript."""
    show = show_or_404(show_id)
    if is_fragment_request():
        return render_block(PANEL, "desk_wall", show=show, wall=desk_wall(show))
    return render_template(PAGE, show=show, wall=desk_wall(show))


@bp.route("/questions/<int:question_id>/wall", methods=["POST"])
@roles_required(*DESK)
def wall_approve(question_id: int):
    question = _question_or_404(question_id)
    show = show_or_404(question.show_id)
    form = WallApproveForm()
    if not form.validate():
        return _panel(show, next(iter(form.errors.values()))[0], 422)
    try:
        wall.approve(
            question,
            current_user,
            text=form.text.data or "",
            area="" if form.no_area.data else None,
        )
        db.session.commit()
    except wall.Refused as refused:
        db.session.rollback()
        return _panel(show, str(refused.message), refused.status)
    wall_pushes.wall_changed(show, queue=True)
    return _panel(show, _("The question is on the wall."))


@bp.route("/wall/<int:entry_id>/mark", methods=["POST"])
@roles_required(*DESK)
def wall_mark(entry_id: int):
    entry = db.session.get(WallEntry, entry_id) or abort(404)
    show = show_or_404(entry.show_id)
    try:
        changed = wall.mark(entry, request.form.get("state", ""), current_user)
        db.session.commit()
    except wall.Refused as refused:
        db.session.rollback()
        return _panel(show, str(refused.message), refused.status)
    if changed:
        wall_pushes.wall_changed(show)
    return _panel(show)


@bp.route("/questions/<int:question_id>/block", methods=["POST"])
@roles_required(*DESK)
def wall_block(question_id: int):
    """Block the question's sender by its fingerprint: their new questions are
    held for review. Nobody is shown who they are."""
    question = _question_or_404(question_id)
    show = show_or_404(question.show_id)
    try:
        wall.block(question, current_user)
        db.session.commit()
    except wall.Refused as refused:
        db.session.rollback()
        return _panel(show, str(refused.message), refused.status)
    wall_pushes.queue_changed(show)
    return _panel(show, _("The sender is blocked: their new questions are held for review."))


@bp.route("/shows/<int:show_id>/wall/blocks/<int:block_id>/lift", methods=["POST"])
@roles_required(*DESK)
def wall_lift(show_id: int, block_id: int):
    show = show_or_404(show_id)
    row = db.session.get(WallBlock, block_id)
    if row is None or not row.active:
        abort(404)
    wall.lift(row, current_user)
    db.session.commit()
    wall_pushes.queue_changed(show)
    return _panel(show, _("The block is lifted."))
