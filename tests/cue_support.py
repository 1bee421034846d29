"""Helpers the cue tests share: cue an item, read the program and the preview."""

from __future__ import annotations

import re

from sqlalchemy import select

from hotline.extensions import db
from hotline.models import AuditLog, CueItem, CueState, NameSuper, OnAir


def cue(client, show_id, kind, item=None):
    data = {"kind": kind} if item is None else {"kind": kind, "item": item}
    return client.post_form(f"/desk/shows/{show_id}/cue", data)


def press(client, show_id, action, **data):
    """take, next, clear, bug-off, lock: the cue panel's buttons, with htmx."""
    return client.htmx_post(f"/desk/shows/{show_id}/cue/{action}", data)


def section(html: str, element_id: str) -> str:
    return re.search(rf'<section id="{element_id}".*?</section>', html, re.S).group(0)


def program(client, show_id, layout="lower-third") -> str:
    return client.get(f"/shows/{show_id}/overlay?layout={layout}&lang=en").get_data(as_text=True)


def preview(client, show_id) -> str:
    return client.get(f"/shows/{show_id}/preview?lang=en").get_data(as_text=True)


def cued(app, show_id) -> list[CueItem]:
    with app.app_context():
        items = db.session.scalars(
            select(CueItem).where(CueItem.show_id == show_id).order_by(CueItem.position)
        ).all()
        db.session.expunge_all()
        return list(items)


def state(app, show_id) -> CueState | None:
    with app.app_context():
        row = db.session.get(CueState, show_id)
        db.session.expunge_all()
        return row


def on_air(app, show_id) -> OnAir | None:
    with app.app_context():
        row = db.session.get(OnAir, show_id)
        db.session.expunge_all()
        return row


def add_super(app, show_id, name="李明", line="市人大代表 · 凤凰街道") -> int:
    with app.app_context():
        found = NameSuper(show_id=show_id, position=1, name=name, line=line)
        db.session.add(found)
        db.session.commit()
        return found.id


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
