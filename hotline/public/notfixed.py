"""A citizen reports that an item reported done or verified is not fixed
(群众反映未解决): a photo, the place and the day they saw it, no name, no
phone. Limited per address and per item (throttle.submission_wait, shared
with questions and messages); the report waits for the office and is public
only once accepted (hotline/followup/notfixed.py)."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..changes import notfixed, uploads
from ..changes.commitments import FollowupError
from ..clock import today
from ..extensions import db
from ..forms.notfixed import NotFixedForm
from ..models import Commitment
from ..queries.board import commitment_context
from ..rules.status import local_date
from ..throttle import minutes, retry_later, submission_wait
from . import bp
from .commitments import PAGE, _already_rated, commitment_or_404

log = logging.getLogger("hotline.public")

OLDEST = timedelta(days=366)  # a sighting more than a year old is not news


def notfixed_form() -> NotFixedForm:
    return NotFixedForm(prefix="notfixed")


def _page(item: Commitment, form: NotFixedForm, status: int):
    share_url = url_for("public.commitment", commitment_id=item.id, _external=True)
    html = render_template(
        PAGE,
        share_url=share_url,
        my_rating=_already_rated(item.id),
        notfixed_form=form,
        **commitment_context(item),
    )
    return html, status


def _seen_on_ok(item: Commitment, form: NotFixedForm) -> bool:
    day, now = form.seen_on.data, today()
    if day > now:
        form.seen_on.errors.append(_("The day cannot be in the future."))
    elif day < now - OLDEST or day < local_date(item.created_at):
        form.seen_on.errors.append(_("Give a day since the item was made, within the past year."))
    return not form.seen_on.errors


@bp.route("/commitments/<int:commitment_id>/notfixed", methods=["POST"])
def notfixed_report(commitment_id: int):
    item = commitment_or_404(commitment_id)
    form = notfixed_form()
    if not notfixed.reportable(item):
        form.form_errors.append(
            _("Only an item reported done or verified as met can be reported as not fixed.")
        )
        return _page(item, form, 409)
    if not form.validate_on_submit() or not _seen_on_ok(item, form):
        return _page(item, form, 422)
    wait = submission_wait("notfixed", item.id, "HOTLINE_NOTFIXED_ITEM_LIMIT", "20 per hour")
    if wait:
        form.form_errors.append(
            ngettext(
                "Many reports have arrived just now. Please send yours again in %(num)d minute.",
                "Many reports have arrived just now. Please send yours again in %(num)d minutes.",
                minutes(wait),
            )
        )
        return retry_later(_page(item, form, 429)[0], wait)
    try:
        photo, content = notfixed.read_photo(form.photo.data)
        report = notfixed.receive(
            item,
            place=form.place.data,
            seen_on=form.seen_on.data,
            note=form.note.data or "",
            photo=photo,
        )
        uploads.commit_with([(photo, content)])
    except FollowupError as error:
        db.session.rollback()
        field = getattr(form, error.field, None) if error.field else None
        (field.errors if field is not None else form.form_errors).append(str(error.message))
        return _page(commitment_or_404(commitment_id), form, 422)
    log.info("not-fixed report %s received for commitment %s", report.id, item.id)
    flash(
        _(
            "Thank you. Your report is with the office, which checks it before it is shown "
            "on this page."
        ),
        "success",
    )
    return redirect(url_for("public.commitment", commitment_id=item.id) + "#notfixed", 303)
