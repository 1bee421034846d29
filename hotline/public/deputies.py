"""A deputy's 代表码: the permanent message form a citizen reaches by scanning
the deputy's QR code, the code itself, and the A4 poster it is printed on.
The sender's name and phone are written here and never read back."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..changes import messages
from ..extensions import db
from ..forms.staff import MessageForm
from ..models import Deputy, DeputyMessage, MessageStatus
from ..queries.areas import options
from ..queries.categories import active
from ..throttle import minutes, retry_later, submission_wait
from ..web import qr_response
from . import bp


def _active_deputy(deputy_id: int) -> Deputy:
    person = db.session.get(Deputy, deputy_id)
    if person is None or not person.active:
        abort(404)
    return person


@bp.route("/deputies/<int:deputy_id>/message", methods=["GET", "POST"])
def message(deputy_id: int):
    person = _active_deputy(deputy_id)
    form = MessageForm()
    form.category.choices = [SelectChoice("", _("— not sure —"))] + [
        SelectChoice(c.id, c.name) for c in active()
    ]
    if form.validate_on_submit():
        wait = submission_wait(
            "message-deputy", person.id, "HOTLINE_MESSAGE_DEPUTY_LIMIT", "30 per minute"
        )
        if wait:
            form.form_errors.append(
                ngettext(
                    "Many messages have arrived just now. Your text is kept below: "
                    "please send it again in %(num)d minute.",
                    "Many messages have arrived just now. Your text is kept below: "
                    "please send it again in %(num)d minutes.",
                    minutes(wait),
                )
            )
            return retry_later(_message_page(person, form), wait)
        text = form.message.data
        # A double tap or a resend of the same message keeps it once.
        duplicate = db.session.scalar(
            select(DeputyMessage.id).where(
                DeputyMessage.deputy_id == person.id,
                DeputyMessage.text == text,
                DeputyMessage.status == MessageStatus.NEW,
            )
        )
        flash(_("Thank you. Your message is with the deputy."), "success")
        if duplicate:
            return redirect(url_for("public.deputy", deputy_id=person.id), 303)
        code = messages.receive(
            person.id,
            text=text,
            area=form.area.data or "",
            name=form.name.data or "",
            phone=form.phone.data or "",
            email=form.email.data or "",
            notify=bool(form.notify.data),
            category_id=form.category.data,
        )
        db.session.commit()
        return redirect(url_for("public.track", code=code, sent=1), 303)
    status = 422 if form.errors or form.form_errors else 200
    if request.method == "POST" and status == 200:
        status = 422
    return _message_page(person, form), status


def _message_page(person: Deputy, form: MessageForm) -> str:
    return render_template("public/message.html", deputy=person, form=form, areas=options())


@bp.route("/deputies/<int:deputy_id>/message/qr.svg")
def message_qr(deputy_id: int):
    _active_deputy(deputy_id)
    return qr_response(url_for("public.message", deputy_id=deputy_id, _external=True))


@bp.route("/deputies/<int:deputy_id>/poster")
def poster(deputy_id: int):
    person = _active_deputy(deputy_id)
    address = url_for("public.message", deputy_id=deputy_id, _external=True)
    return render_template("public/poster.html", deputy=person, address=address)
