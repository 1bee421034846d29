"""Helpers the notification tests share (tests/desk, tests/public,
tests/domain): moments in local time, running the outbox's worker, and
making changes on an item."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time as clock
from datetime import datetime, time, timedelta

from sqlalchemy import select

from hotline.changes.commitments import post_progress
from hotline.clock import local_to_utc, today
from hotline.extensions import db
from hotline.integration import notifications
from hotline.models import Commitment, Notification


def local_moment(app, hour: int, minute: int = 0, days: int = 1) -> datetime:
    """Naive UTC of hour:minute local time, `days` from today (tomorrow by
    default: later than any row queued now, so every row is due)."""
    with app.app_context():
        day = today() + timedelta(days=days)
        return local_to_utc(datetime.combine(day, time(hour, minute)))


def run_worker(app, now: datetime) -> int:
    """One worker's rounds at `now`: what is due is sent (fan-outs first)."""
    with app.app_context():
        sent = notifications.run_all(now)
        db.session.remove()
        return sent


def progress(app, item_id: int, note: str = "已安排施工", percent: int | None = None) -> None:
    with app.app_context():
        item = db.session.get(Commitment, item_id)
        post_progress(item, actor=None, note=note, percent=percent, version=item.version)
        db.session.commit()


def rows(app, **where) -> list[Notification]:
    with app.app_context():
        query = select(Notification).order_by(Notification.id)
        for name, value in where.items():
            query = query.where(getattr(Notification, name) == value)
        found = db.session.scalars(query).all()
        db.session.expunge_all()
        return found


def links_in(text: str) -> list[str]:
    return re.findall(r"https://hotline\.test/\S+", text)


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def sms_reply(app, phone: str, text: str, *, secret: str | None = None, age: int = 0):
    """The city gateway posting a reply (上行短信) to the site, signed as its
    documentation says: hex HMAC-SHA256 of X-Timestamp followed by the body,
    with the shared secret (another to forge one), stamped `age` seconds ago."""
    body = json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode()
    stamp = str(int(clock.time()) - age)
    key = (secret or app.config["HOTLINE_SMS_GATEWAY_SECRET"]).encode()
    signature = hmac.new(key, stamp.encode() + body, hashlib.sha256).hexdigest()
    return app.test_client().post(
        "/notifications/sms/inbound",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Timestamp": stamp,
            "X-Signature": signature,
        },
    )
