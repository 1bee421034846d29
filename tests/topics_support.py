"""What tests of topics chosen with voters share: the demo's upcoming show, a
topic by its text, and the order of the agenda on a page."""

import re

from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Show, ShowStatus, Topic


def upcoming(app) -> int:
    """The demo's scheduled show: collection open, three published topics."""
    with app.app_context():
        return db.session.scalar(select(Show.id).where(Show.status == ShowStatus.SCHEDULED))


def topic_id(app, text: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Topic.id).where(Topic.text == text))


def agenda_order(html: str, marker: str) -> list[int]:
    return [int(n) for n in re.findall(marker + r"(\d+)", html)]
