"""Shows: the list, one show's calls live, and citizens' questions (群众提问)
sent from the show's QR code (代表码) to the moderator's queue."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..changes import refcodes, wall
from ..extensions import db
from ..forms.staff import QuestionForm
from ..models import Question, QuestionStatus, Show, ShowStatus
from ..queries.shows import show_counts, show_with_panel, with_calls
from ..queries.topics import on_show_page
from ..queries.votes import on_show_page as voting_on_show_page
from ..queries.votes import tallies as vote_tallies
from ..queries.wall import on_show_page as wall_on_show_page
from ..realtime import fragments, live, pushes
from ..throttle import minutes, retry_later, submission_wait
from ..web import is_fragment_request, qr_response, render_block
from . import bp, votes
from .browser import browser_token, remember, sender_keys


@bp.route("/shows")
def shows():
    rows = db.session.execute(show_counts()).all()
    return render_template("public/shows.html", rows=rows)


@bp.route("/shows/<int:show_id>")
def show(show_id: int):
    # The calls, and for a viewer the whole page, rendered once per push to the
    # show's room (its calls, status, agenda and on-air banner all go there),
    # locale and date; the show is read only then.
    room = f"show:{show_id}"
    live.pin(room)  # before the show is read: see live.pin

    def calls(item: Show) -> str:
        return fragments.cached(
            room,
            "",
            lambda: render_block(
                "public/show.html",
                "calls",
                show=with_calls(item),
                viewer_votes=vote_tallies(item.id),  # beside the placards, for the record
            ),
        )

    if is_fragment_request():
        return calls(_show_or_404(show_id))

    def page() -> str:
        item = _show_or_404(show_id)
        # The agenda and the topic page's link (议题), and the voting box on the
        # answer on air (网友投票): pushed when they change.
        return render_template(
            "public/show.html",
            show=item,
            calls_html=calls(item),
            vote_token=votes.TOKEN_SLOT,
            **on_show_page(item),
            **voting_on_show_page(item),
            **wall_on_show_page(item),  # the question wall (提问墙)
        )

    return votes.with_token(fragments.page(room, "", page))


@bp.route("/shows/<int:show_id>/status")
def show_status(show_id: int):
    """The show's status line (直播中) alone, for live.js to fetch again."""
    room = f"show:{show_id}"
    live.pin(room)
    return fragments.cached(
        room,
        "status",
        lambda: render_block("public/show.html", "show_status", show=_show_or_404(show_id)),
    )


def _show_or_404(show_id: int) -> Show:
    item = show_with_panel(show_id)
    if item is None:
        abort(404)
    return item


def question_wait(show: Show) -> int | None:
    """Seconds to wait before this address may send another question, or None."""
    return submission_wait("ask-show", show.id, "HOTLINE_QUESTION_SHOW_LIMIT", "30 per minute")


def _try_again_later(show: Show, form: QuestionForm, wait: int):
    """Refused for now, never lost: the form comes back with the text in it."""
    form.form_errors.append(
        ngettext(
            "Many questions have arrived just now. Your text is kept below: "
            "please send it again in %(num)d minute.",
            "Many questions have arrived just now. Your text is kept below: "
            "please send it again in %(num)d minutes.",
            minutes(wait),
        )
    )
    return retry_later(
        render_template("public/ask.html", show=show, form=form, open_for_questions=True), wait
    )


@bp.route("/shows/<int:show_id>/ask", methods=["GET", "POST"])
def ask(show_id: int):
    show = db.session.get(Show, show_id) or abort(404)
    form = QuestionForm()
    open_for_questions = show.status != ShowStatus.ENDED
    if open_for_questions and form.validate_on_submit():
        wait = question_wait(show)
        if wait:
            return _try_again_later(show, form, wait)
        text = form.question.data
        # A double tap or a resend of the same question queues it once.
        duplicate = db.session.scalar(
            select(Question.id).where(
                Question.show_id == show.id,
                Question.text == text,
                Question.status == QuestionStatus.QUEUED,
            )
        )
        code, review = None, False
        token = browser_token()
        if not duplicate:
            question = Question(
                show_id=show.id,
                text=text,
                area=form.area.data or "",
                name=form.name.data or "",
                phone=form.phone.data or "",
            )
            db.session.add(question)
            # The question wall's screening: flagged or held, it is kept and queued.
            sender, address = sender_keys(token, "wall")
            review = bool(wall.screen(question, sender_key=sender, address_key=address).review)
            code = refcodes.issue(question=question)
            db.session.commit()
            pushes.questions_changed(show)
        if review:  # the same words for a flagged word and a blocked sender
            flash(_("Thank you. Your question is kept and awaits the moderator's review."), "info")
        else:
            flash(_("Thank you. Your question is with the show's moderator."), "success")
        if code is None:  # sent twice: queued once, with the code given the first time
            return remember(redirect(url_for("public.show", show_id=show.id), 303), token)
        # The confirmation is the question's own tracking page, with its code.
        return remember(redirect(url_for("public.track", code=code, sent=1), 303), token)
    refused = request.method == "POST" and not open_for_questions
    status = 422 if form.errors else (409 if refused else 200)
    return render_template(
        "public/ask.html", show=show, form=form, open_for_questions=open_for_questions
    ), status


@bp.route("/shows/<int:show_id>/ask/qr.svg")
def ask_qr(show_id: int):
    if db.session.get(Show, show_id) is None:
        abort(404)
    return qr_response(url_for("public.ask", show_id=show_id, _external=True))
