"""A show's topics on the desk (the office: moderators and supervisors): open
and close collection, moderate citizens' proposals, add topics (the office's
own, or from a citizen's question to the show), and choose the agenda from
the ranking. Every change is on the topics' record (agenda.TopicEvent)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import roles_required
from ..actions import desk as actions
from ..changes import topics
from ..extensions import db
from ..forms.topics import RejectTopicForm, TopicForm
from ..models import Question, Show, Topic, is_collecting
from ..queries import topics as q
from ..realtime import pushes
from . import bp
from .helpers import DESK

PAGE = "desk/topics.html"


def _show(show_id: int) -> Show:
    return db.session.get(Show, show_id) or abort(404)


def _topic(topic_id: int) -> Topic:
    return q.topic_for_desk(topic_id) or abort(404)


def _page(show: Show, form: TopicForm | None = None, status: int = 200):
    found = q.collection_of(show.id)
    return render_template(
        PAGE,
        show=show,
        collection=found,
        collecting=is_collecting(show, found),
        ranking=q.ranking(show.id),
        waiting=q.waiting(show.id),
        rejected=q.rejected(show.id),
        questions=q.questions_for_topics(show),
        history=q.history(show.id),
        form=form or TopicForm(formdata=None, data=_suggested()),
    ), status


def _suggested() -> dict:
    """A topic proposed from elsewhere (a hot spot: followup/hotspots.py) opens
    the form filled in, for the office to edit before adding it."""
    return {
        "topic": request.args.get("topic", "")[:500],
        "area": request.args.get("area", "")[:100],
    }


def _back(show: Show, message: str | None = None, category: str = "success", anchor: str = ""):
    if message:
        flash(message, category)
    return redirect(url_for("desk.show_topics", show_id=show.id) + anchor, 303)


def _save(show: Show, change, done: str, *, public: bool = True, anchor: str = ""):
    """Apply the change and its event, commit, push; or say why not."""
    try:
        changed = change()
    except topics.Refused as refused:
        db.session.rollback()
        return _back(show, str(refused.message), "error", anchor)
    if actions.save() != actions.SAVED:
        return _back(show, _("Someone else changed the topics just now. Here they are."), "error")
    if changed is not False:
        pushes.topics_changed(show, public=public)
    return _back(show, done, anchor=anchor)


@bp.route("/shows/<int:show_id>/topics")
@roles_required(*DESK)
def show_topics(show_id: int):
    return _page(_show(show_id))


@bp.route("/shows/<int:show_id>/topics/collection", methods=["POST"])
@roles_required(*DESK)
def topic_collection(show_id: int):
    show = _show(show_id)
    if request.form.get("action") == "open":
        return _save(
            show,
            lambda: topics.open_collection(show, current_user),
            _("Topic collection is open: the show's page links to it."),
        )
    return _save(
        show,
        lambda: topics.close_collection(show, current_user),
        _("Topic collection is closed."),
    )


@bp.route("/shows/<int:show_id>/topics", methods=["POST"])
@roles_required(*DESK)
def add_topic(show_id: int):
    show = _show(show_id)
    form = TopicForm()
    if not form.validate_on_submit():
        return _page(show, form, 422)
    return _save(
        show,
        lambda: topics.add(
            show, actor=current_user, text=form.topic.data, area=form.area.data or ""
        ),
        _("Topic added and published."),
    )


def _form_or_back(form, show: Show):
    """A form posted from one row of the page: None when valid, else back to
    the page with its first error."""
    if form.validate_on_submit():
        return None
    errors = [e for field in form for e in field.errors]
    return _back(show, errors[0] if errors else _("Please correct the form."), "error")


@bp.route("/topics/<int:topic_id>/publish", methods=["POST"])
@roles_required(*DESK)
def publish_topic(topic_id: int):
    topic = _topic(topic_id)
    form = TopicForm()
    refused = _form_or_back(form, topic.show)
    if refused:
        return refused
    return _save(
        topic.show,
        lambda: topics.publish(
            topic, actor=current_user, text=form.topic.data, area=form.area.data or ""
        ),
        _("Topic published."),
    )


@bp.route("/topics/<int:topic_id>/reject", methods=["POST"])
@roles_required(*DESK)
def reject_topic(topic_id: int):
    topic = _topic(topic_id)
    form = RejectTopicForm()
    refused = _form_or_back(form, topic.show)
    if refused:
        return refused
    return _save(
        topic.show,
        lambda: topics.reject(topic, actor=current_user, reason=form.reason.data),
        _("Topic rejected; it stays on the record, never public."),
        public=False,
    )


@bp.route("/topics/<int:topic_id>/agenda", methods=["POST"])
@roles_required(*DESK)
def topic_agenda(topic_id: int):
    topic = _topic(topic_id)
    action = request.form.get("action")
    changes = {
        "choose": (lambda: topics.choose(topic, actor=current_user), _("On the agenda.")),
        "unchoose": (lambda: topics.unchoose(topic, actor=current_user), _("Off the agenda.")),
        "up": (lambda: topics.move(topic, actor=current_user, step=-1), _("Agenda reordered.")),
        "down": (lambda: topics.move(topic, actor=current_user, step=1), _("Agenda reordered.")),
    }
    if action not in changes:
        abort(400)
    change, done = changes[action]
    return _save(topic.show, change, done, anchor="#agenda")


@bp.route("/questions/<int:question_id>/topic", methods=["POST"])
@roles_required(*DESK)
def question_topic(question_id: int):
    """A citizen's question to the show becomes a topic, in the moderator's words."""
    question = db.session.get(Question, question_id) or abort(404)
    show = _show(question.show_id)
    form = TopicForm()
    refused = _form_or_back(form, show)
    if refused:
        return refused
    return _save(
        show,
        lambda: topics.from_question(
            question, show, actor=current_user, text=form.topic.data, area=form.area.data or ""
        ),
        _("The question is a topic now."),
    )
