"""One commitment's public page, its QR code, and citizens' ratings."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..clock import today
from ..extensions import db, limiter
from ..forms.notfixed import NotFixedForm
from ..models import Commitment, Rating, RatingValue
from ..queries.board import (
    commitment_context,
    public_commitment,
    rated_from_connection,
    rating_by_browser,
)
from ..realtime import pushes
from ..web import is_fragment_request, qr_response, render_block
from . import bp
from .browser import browser_key, browser_token, client_key, key_of, remember

PAGE = "public/commitment.html"


def commitment_or_404(commitment_id: int) -> Commitment:
    item = public_commitment(commitment_id)
    if item is None:
        abort(404)
    return item


def _already_rated(commitment_id: int) -> str | None:
    return rating_by_browser(commitment_id, browser_key())


@bp.route("/commitments/<int:commitment_id>")
def commitment(commitment_id: int):
    item = commitment_or_404(commitment_id)
    context = commitment_context(item)
    if is_fragment_request():
        return render_block(PAGE, "timeline", **context)
    share_url = url_for("public.commitment", commitment_id=item.id, _external=True)
    return render_template(
        PAGE,
        share_url=share_url,
        my_rating=_already_rated(item.id),
        notfixed_form=NotFixedForm(prefix="notfixed"),
        **context,
    )


@bp.route("/commitments/<int:commitment_id>/rating")
def commitment_rating(commitment_id: int):
    """The rating form for this browser (its own token, its own earlier rating)."""
    item = commitment_or_404(commitment_id)
    return render_block(
        PAGE, "rating", my_rating=_already_rated(item.id), **commitment_context(item)
    )


@bp.route("/commitments/<int:commitment_id>/qr.svg")
def commitment_qr(commitment_id: int):
    if db.session.get(Commitment, commitment_id) is None:
        abort(404)
    return qr_response(url_for("public.commitment", commitment_id=commitment_id, _external=True))


def rating_limit() -> str:
    return current_app.config.get("HOTLINE_RATING_LIMIT", "10 per hour")


@bp.route("/commitments/<int:commitment_id>/rate", methods=["POST"])
@limiter.limit(rating_limit)
def rate(commitment_id: int):
    """A citizen rates a met commitment: once per browser (cookie), once a day
    per connection (address and user agent, hashed), limited per address."""
    item = commitment_or_404(commitment_id)
    value = request.form.get("value", "")
    error, status = None, 200
    if not item.status(today()).is_met:
        error, status = _("Only a met commitment can be rated."), 400
    elif value not in set(RatingValue):
        error, status = _("Choose one of the three answers."), 400
    elif _already_rated(item.id):
        error, status = _("This browser has already rated this commitment."), 409
    elif rated_from_connection(item.id, client_key()):
        # The cookie was cleared (or never kept): the server-side sign still holds.
        error, status = _("A rating for this commitment has already come from here today."), 409

    token = browser_token()
    if error is None:
        db.session.add(
            Rating(
                commitment_id=item.id,
                value=value,
                browser_key=key_of(token),
                client_key=client_key(),
            )
        )
        try:
            db.session.commit()
        except IntegrityError:  # a double click raced us
            db.session.rollback()
            error, status = _("This browser has already rated this commitment."), 409
        else:
            pushes.rating_recorded(item)

    if request.htmx:
        context = commitment_context(commitment_or_404(commitment_id))
        body = render_block(
            PAGE,
            "rating",
            my_rating=_already_rated(item.id) or (value if error is None else None),
            rating_error=error,
            **context,
        )
        response = Response(body, status=status)
    elif error is not None and status == 400:
        share_url = url_for("public.commitment", commitment_id=item.id, _external=True)
        body = render_template(
            PAGE,
            share_url=share_url,
            my_rating=None,
            rating_error=error,
            **commitment_context(item),
        )
        response = Response(body, status=status)
    else:
        flash(
            error or _("Thank you: your rating has been counted."), "error" if error else "success"
        )
        response = redirect(url_for("public.commitment", commitment_id=item.id) + "#rating")
    return remember(response, token)
