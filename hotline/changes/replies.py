"""The office's response templates (models/replies.py): added, changed,
retired and brought back, each change in the audit trail. Nothing is
deleted: a retired template is kept and no longer offered. Callers commit."""

from __future__ import annotations

from ..extensions import db
from ..models import Reply, User
from . import audit


def _detail(row: Reply) -> dict:
    return {
        "action": row.action,
        "category_id": row.category_id,
        "title": row.title,
        "text": row.text,
    }


def add(*, action: str, category_id: int | None, title: str, text: str, actor: User) -> Reply:
    row = Reply(
        action=action,
        category_id=category_id,
        title=title.strip(),
        text=text.strip(),
        updated_by_id=actor.id,
    )
    db.session.add(row)
    audit.record(actor, audit.REPLY_ADDED, row.title, _detail(row))
    return row


def change(
    row: Reply, *, action: str, category_id: int | None, title: str, text: str, actor: User
) -> bool:
    """Save the template's new words; False when nothing changed (nothing recorded)."""
    old = _detail(row)
    row.action, row.category_id = action, category_id
    row.title, row.text = title.strip(), text.strip()
    new = _detail(row)
    diff = {k: [old[k], new[k]] for k in old if old[k] != new[k]}
    if not diff:
        return False
    row.updated_by_id = actor.id
    audit.record(actor, audit.REPLY_CHANGED, row.title, diff)
    return True


def set_active(row: Reply, active: bool, actor: User) -> bool:
    """Retire a template (kept, not offered) or bring it back; False if it already was."""
    if row.active == active:
        return False
    row.active, row.updated_by_id = active, actor.id
    audit.record(actor, audit.REPLY_RESTORED if active else audit.REPLY_RETIRED, row.title)
    return True
