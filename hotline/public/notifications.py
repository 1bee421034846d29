"""Following by e-mail without an account, and stopping messages.

A follow is written unconfirmed, with its confirmation e-mail queued in the
same commit; nothing else is sent until the signed link in it is opened
(double opt-in). Every message carries a link to stop; the stop endpoints
answer a one-click POST (RFC 8058's List-Unsubscribe-Post, sent by a mail
client without a page or a CSRF token: the unguessable token in the URL is
the check) as well as a page with one button. The follow form answers the
same whether or not the address already follows, so it tells nobody who
follows what.

The city's SMS gateway posts the replies to our text messages (上行短信) to
/notifications/sms/inbound, signed like our posts to it (no session, no CSRF
token: the signature is the check). A reply that is a stop word (退订, TD...,
rules/notifications.py) stops every caller and sender with that number as
their stop link would; any other reply changes nothing. Neither the number
nor the text is logged or kept."""

from __future__ import annotations

import json

from flask import abort, jsonify, render_template, request
from flask_babel import get_locale, ngettext
from sqlalchemy import exists, or_, select

from ..changes import notifications
from ..extensions import csrf, db
from ..forms.notifications import FollowForm
from ..integration.notifications_sms import gateway_verified
from ..integration.notifications_text import confirmed_id
from ..models import Call, Department, Deputy, DeputyMessage, Subscription, SubscriptionKind
from ..queries.board import public_commitment
from ..queries.notifications import by_token, follower_count
from ..rules.notifications import is_stop
from ..throttle import address_wait, minutes, retry_later
from ..web import is_fragment_request, render_block
from . import bp

FOLLOW_PAGE = "public/follow.html"
STOP_PAGE = "public/notifications_stop.html"


def follow_form(kind: str, target: int | None = None, area: str = "") -> FollowForm:
    form = FollowForm(formdata=None)
    form.kind.data, form.target.data, form.area.data = kind, target, area
    return form


@bp.context_processor
def _follow_helpers() -> dict:
    """For templates/public/_follow.html, included on public pages."""
    return {"follow_form": follow_form, "follower_count": follower_count}


def _target_name(kind: str, target: int | None, area: str) -> str | None:
    """What is followed, as shown; None if there is no such public thing."""
    if kind == SubscriptionKind.COMMITMENT:
        item = public_commitment(target) if target else None
        return item.pledge if item is not None else None
    if kind == SubscriptionKind.DEPARTMENT:
        department = db.session.get(Department, target) if target else None
        return department.name if department is not None and department.active else None
    if kind == SubscriptionKind.DEPUTY:
        deputy = db.session.get(Deputy, target) if target else None
        return deputy.name if deputy is not None and deputy.active else None
    if kind == SubscriptionKind.AREA:
        # Only an area the record names: the text goes into the confirmation
        # e-mail, and must not carry a stranger's words to any address.
        area = area.strip()
        named = or_(exists().where(Call.area == area), exists().where(DeputyMessage.area == area))
        return area if area and db.session.scalar(select(named)) else None
    return None


def _answer(form: FollowForm, name: str | None, status: int = 200, **extra):
    context = {"form": form, "target_name": name, **extra}
    if is_fragment_request():
        return render_block(FOLLOW_PAGE, "follow", **context), status
    return render_template(FOLLOW_PAGE, **context), status


@bp.route("/follow", methods=["GET", "POST"])
def follow():
    if request.method == "GET":
        args = request.args
        form = follow_form(args.get("kind", ""), args.get("target", type=int), args.get("area", ""))
        name = _target_name(form.kind.data, form.target.data, form.area.data or "")
        if name is None:
            abort(404)
        return _answer(form, name)
    form = FollowForm()
    valid = form.validate_on_submit()
    name = _target_name(form.kind.data, form.target.data, form.area.data or "")
    if name is None:
        abort(404)
    if not valid:
        return _answer(form, name, 422)
    wait = address_wait("follow", "HOTLINE_NOTIFY_FOLLOW_LIMIT", "10 per hour")
    if wait:
        form.form_errors.append(
            ngettext(
                "Too many follows from here just now. Please try again in %(num)d minute.",
                "Too many follows from here just now. Please try again in %(num)d minutes.",
                minutes(wait),
            )
        )
        page, status = _answer(form, name, 429)
        return retry_later(page, wait)
    notifications.follow(
        form.kind.data,
        email=form.email.data,
        target_id=form.target.data if form.kind.data != SubscriptionKind.AREA else None,
        area=form.area.data or "" if form.kind.data == SubscriptionKind.AREA else "",
        digest=form.how.data == "daily",
        locale="en" if str(get_locale()) == "en" else "zh_CN",
    )
    db.session.commit()
    return _answer(form, name, asked=True)


@bp.route("/follow/confirm/<token>")
def follow_confirm(token: str):
    sub_id = confirmed_id(token)
    sub = db.session.get(Subscription, sub_id) if sub_id is not None else None
    if sub is None or sub.stopped_at is not None:
        return render_template(STOP_PAGE, state="bad_link"), 404
    notifications.confirm(sub)
    db.session.commit()
    return render_template(STOP_PAGE, state="confirmed")


def _stop(token: str, endpoint: str):
    sub = by_token(token)
    if sub is None:
        return render_template(STOP_PAGE, state="bad_link"), 404
    if request.method == "POST":
        notifications.stop(sub)
        db.session.commit()
        return render_template(STOP_PAGE, state="stopped")
    if sub.stopped_at is not None:
        return render_template(STOP_PAGE, state="stopped")
    return render_template(STOP_PAGE, state="ask", endpoint=endpoint, token=token)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """A follower's stop (List-Unsubscribe, one click)."""
    return _stop(token, "public.unsubscribe")


@bp.route("/notifications/stop/<token>", methods=["GET", "POST"])
@csrf.exempt
def notifications_stop(token: str):
    """A caller's or sender's stop, from the link in each message."""
    return _stop(token, "public.notifications_stop")


INBOUND_MAX_BYTES = 4096  # a reply is a number and a short text


@bp.route("/notifications/sms/inbound", methods=["POST"])
@csrf.exempt
def notifications_sms_inbound():
    """A reply from the city SMS gateway: {"phone": "...", "text": "..."},
    X-Timestamp and X-Signature as on our sends. 403 (nothing said) if it is
    not the gateway's; 200 {"stopped": n}, n = 0 for anything but a stop word."""
    wait = address_wait("sms_inbound", "HOTLINE_SMS_INBOUND_LIMIT", "60 per minute")
    if wait:
        return "", 429, {"Retry-After": str(wait)}
    if (request.content_length or 0) > INBOUND_MAX_BYTES:
        return "", 413
    raw = request.get_data(cache=False)
    headers = request.headers
    if len(raw) > INBOUND_MAX_BYTES or not gateway_verified(
        headers.get("X-Timestamp", ""), headers.get("X-Signature", ""), raw
    ):
        return "", 403
    try:
        reply = json.loads(raw)
    except ValueError:
        return "", 400
    phone = reply.get("phone") if isinstance(reply, dict) else None
    text = reply.get("text") if isinstance(reply, dict) else None
    if not isinstance(phone, str) or not isinstance(text, str):
        return "", 400
    stopped = 0
    if is_stop(text):
        stopped = notifications.stop_by_phone(phone)
        db.session.commit()
    return jsonify(stopped=stopped)
