"""A show's topics (走访选民定议题): the public page listing the published
topics by support, where citizens propose a topic (checked by the office
before it appears) and support topics (once per browser and once per
address, limited per address). Nothing about who proposed or supported is
asked or shown."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from ..changes import topics
from ..extensions import db
from ..forms.topics import ProposeTopicForm
from ..models import Show, is_collecting
from ..queries.topics import (
    RankedTopic,
    collection_of,
    public_topic,
    ranking,
    supported_here,
    supports_of,
)
from ..realtime import pushes
from ..throttle import address_wait, minutes, retry_later, submission_wait
from ..web import render_block
from . import bp
from .browser import address_key, browser_key, browser_token, key_of, remember

PAGE = "public/topics.html"


def _context(show: Show, **extra) -> dict:
    return {
        "show": show,
        "collecting": is_collecting(show, collection_of(show.id)),
        "ranking": ranking(show.id),
        "mine": supported_here(show.id, browser_key()),
        "notes": {},
        **extra,
    }


@bp.route("/shows/<int:show_id>/topics", methods=["GET", "POST"])
def topics_page(show_id: int):
    show = db.session.get(Show, show_id) or abort(404)
    form = ProposeTopicForm()
    if request.method == "GET":
        return render_template(PAGE, form=form, **_context(show))
    collecting = is_collecting(show, collection_of(show.id))
    if not collecting:
        form.form_errors.append(_("Topic collection for this show is closed."))
        return render_template(PAGE, form=form, **_context(show)), 409
    if not form.validate_on_submit():
        return render_template(PAGE, form=form, **_context(show)), 422
    wait = submission_wait("topic-show", show.id, "HOTLINE_TOPIC_SHOW_LIMIT", "30 per minute")
    if wait:
        # Refused for now, never lost: the form comes back with the text in it.
        form.form_errors.append(
            ngettext(
                "Many topics have arrived just now. Your text is kept below: "
                "please send it again in %(num)d minute.",
                "Many topics have arrived just now. Your text is kept below: "
                "please send it again in %(num)d minutes.",
                minutes(wait),
            )
        )
        return retry_later(render_template(PAGE, form=form, **_context(show)), wait)
    topic, new = topics.propose(show, text=form.topic.data, area=form.area.data or "")
    db.session.commit()
    if new:
        pushes.topics_changed(show, public=False)
        flash(
            _("Thank you. The office checks each topic before it appears here."),
            "success",
        )
    elif topic.is_public:
        flash(_("This topic has been proposed already: you can support it below."), "info")
        return redirect(url_for("public.topics_page", show_id=show.id) + f"#topic-{topic.id}", 303)
    else:
        flash(_("Thank you. This topic is already with the office."), "success")
    return redirect(url_for("public.topics_page", show_id=show.id), 303)


@bp.route("/shows/<int:show_id>/topics/<int:topic_id>/support", methods=["POST"])
def support_topic(show_id: int, topic_id: int):
    """Support a published topic: once per browser (cookie) and once per
    address (a keyed hash of it), limited per address."""
    topic = public_topic(show_id, topic_id) or abort(404)
    token = browser_token()
    error, status = None, 200
    wait = address_wait("topic-support", "HOTLINE_TOPIC_SUPPORT_LIMIT", "100 per hour")
    if wait:
        error, status = (
            ngettext(
                "Many supports have come from your connection just now. "
                "Please try again in %(num)d minute.",
                "Many supports have come from your connection just now. "
                "Please try again in %(num)d minutes.",
                minutes(wait),
            ),
            429,
        )
    else:
        try:
            topics.support(
                topic,
                browser_key=key_of(token),
                address_key=address_key(f"topic-support:{topic.id}"),
            )
            db.session.commit()
        except topics.Refused as refused:
            db.session.rollback()
            error, status = str(refused.message), refused.status
        except IntegrityError:  # a double click raced us
            db.session.rollback()
            error, status = _("You have already supported this topic."), 409
    text = error or _("Thank you: your support has been counted.")
    notes = {topic.id: {"text": text, "error": error is not None}}
    if request.htmx:
        show = topic.show
        body = render_block(
            PAGE,
            "topic_row",
            show=show,
            row=RankedTopic(topic, supports_of(topic.id)),
            collecting=is_collecting(show, collection_of(show.id)),
            mine={topic.id} if error is None else supported_here(show.id, key_of(token)),
            notes=notes,
        )
        response = Response(body, status=status)
    elif error is None:
        flash(text, "success")
        response = redirect(
            url_for("public.topics_page", show_id=show_id) + f"#topic-{topic.id}", 303
        )
    else:
        form = ProposeTopicForm(formdata=None)
        page = render_template(PAGE, form=form, **_context(topic.show, notes=notes))
        response = Response(page, status=status)
    if status == 429:
        response.headers["Retry-After"] = str(wait)
    return remember(response, token)
