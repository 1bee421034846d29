"""What a notification says, composed when it is sent, in the recipient's
language: public fields only (the item's number, pledge, department and
status, the change's word), a link to the item and a link to stop. Never a
caller's or sender's name or phone, and never an event's note (which the
office may still withhold)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import URLSafeTimedSerializer

from ..clock import today
from ..extensions import db
from ..labels import event_label, item_title, status_text
from ..models import (
    Commitment,
    Department,
    Deputy,
    Event,
    Notification,
    NotificationKind,
    Subscription,
    SubscriptionKind,
)

CONFIRM_SALT = "follow-confirm"
CONFIRM_DAYS = 7


@dataclass
class Message:
    subject: str
    text: str
    params: dict = field(default_factory=dict)  # an SMS template's parameters
    headers: dict = field(default_factory=dict)


def confirm_token(sub: Subscription) -> str:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT).dumps(sub.id)


def confirmed_id(token: str) -> int | None:
    """The follow a confirmation link names, if its signature holds and it is recent."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)
    try:
        return int(serializer.loads(token, max_age=CONFIRM_DAYS * 86400))
    except Exception:  # noqa: BLE001 (bad, forged or expired: no follow)
        return None


def _link(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def what_followed(sub: Subscription) -> str:
    if sub.kind == SubscriptionKind.COMMITMENT:
        item = db.session.get(Commitment, sub.target_id)
        return item_title(item) if item else ""
    if sub.kind == SubscriptionKind.DEPARTMENT:
        department = db.session.get(Department, sub.target_id)
        return _("the department %(name)s", name=department.name) if department else ""
    if sub.kind == SubscriptionKind.DEPUTY:
        deputy = db.session.get(Deputy, sub.target_id)
        return _("the deputy %(name)s", name=deputy.name) if deputy else ""
    return _("the area %(area)s", area=sub.area)


def _stop_link(sub: Subscription) -> str:
    if sub.kind in (SubscriptionKind.CALLER, SubscriptionKind.SENDER):
        return _link("public.notifications_stop", token=sub.token)
    return _link("public.unsubscribe", token=sub.token)


def _why(sub: Subscription) -> str:
    if sub.kind in (SubscriptionKind.CALLER, SubscriptionKind.SENDER):
        return _("You asked to be told of each change of the problem you raised.")
    return _("You follow %(what)s.", what=what_followed(sub))


def _item_lines(item: Commitment, item_event: Event) -> list[str]:
    lines = [
        f"{item_title(item)}: {event_label(item_event.kind)}",
        item.pledge,
        item.department.name,
        _("Status now: %(status)s", status=status_text(item.status(today()))),
    ]
    if item_event.percent is not None:
        lines.append(_("Progress: %(percent)d%%", percent=item_event.percent))
    lines.append(_link("public.commitment", commitment_id=item.id))
    return lines


def _footer(sub: Subscription) -> list[str]:
    return ["", _why(sub), _("Stop these messages: %(link)s", link=_stop_link(sub))]


def _headers(row: Notification, sub: Subscription) -> dict:
    host = urlsplit(current_app.config["HOTLINE_PUBLIC_URL"]).hostname or "localhost"
    headers = {"Message-ID": f"<notification.{row.key.replace(':', '.')}@{host}>"}
    if row.kind != NotificationKind.CONFIRM:
        # RFC 8058: a mail client may stop them with one POST, no page to visit.
        headers["List-Unsubscribe"] = f"<{_stop_link(sub)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def _event_message(row: Notification, sub: Subscription) -> Message | None:
    item_event = db.session.get(Event, row.event_id)
    if item_event is None:
        return None
    item = item_event.commitment
    change = event_label(item_event.kind)
    subject = _("%(title)s: %(change)s", title=item_title(item), change=change)
    if row.channel == "sms":
        text = _(
            "Item #%(id)d you raised: %(change)s. %(link)s Stop: %(stop)s",
            id=item.id,
            change=change,
            link=_link("public.commitment", commitment_id=item.id),
            stop=_stop_link(sub),
        )
        params = {"id": str(item.id), "change": change[:20], "token": sub.token}
        return Message(subject, text, params)
    text = "\n".join(_item_lines(item, item_event) + _footer(sub))
    return Message(subject, text)


def _confirm_message(sub: Subscription) -> Message:
    what = what_followed(sub)
    lines = [
        _("Someone (we hope you) asked to follow %(what)s on the hotline's board.", what=what),
        _("Confirm with this link, and you will be told of its changes:"),
        _link("public.follow_confirm", token=confirm_token(sub)),
        "",
        _("If it was not you, ignore this e-mail: nothing more will be sent."),
    ]
    return Message(_("Please confirm: follow %(what)s", what=what), "\n".join(lines))


def _digest_message(row: Notification, sub: Subscription, told: list[Event]) -> Message | None:
    if not told:
        return None
    lines = [_("Changes on %(day)s:", day=row.day.isoformat()), ""]
    for item_event in told:
        item = item_event.commitment
        lines += [
            f"- {item_title(item)}: {event_label(item_event.kind)}",
            f"  {item.pledge}",
            f"  {_link('public.commitment', commitment_id=item.id)}",
        ]
    subject = _(
        "%(count)d changes on what you follow (%(day)s)", count=len(told), day=row.day.isoformat()
    )
    return Message(subject, "\n".join(lines + _footer(sub)))


def compose(row: Notification, sub: Subscription, told: list[Event] = ()) -> Message | None:
    """The message of one outbox row, in the subscription's language (`told`:
    a digest's changes)."""
    base = current_app.config["HOTLINE_PUBLIC_URL"]
    with current_app.test_request_context(base_url=base), force_locale(sub.locale or "zh_CN"):
        if row.kind == NotificationKind.CONFIRM:
            message = _confirm_message(sub)
        elif row.kind == NotificationKind.DIGEST:
            message = _digest_message(row, sub, list(told))
        else:
            message = _event_message(row, sub)
        if message is not None:
            message.headers = {**_headers(row, sub), **message.headers}
        return message
