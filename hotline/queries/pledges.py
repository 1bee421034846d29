"""What the desk's vague-phrase flag and the office's list read: the office's
own phrases (rules/pledges.py has the reviewed list), and the flags in a text."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import VaguePhrase
from ..rules import pledges as rule

MAX_TEXT = 2000  # the pledge field's length: nothing longer is looked at


def office_phrases() -> list[VaguePhrase]:
    """The office's phrases in use, oldest first."""
    return list(
        db.session.scalars(select(VaguePhrase).where(VaguePhrase.active).order_by(VaguePhrase.id))
    )


def flags(text: str) -> list[rule.Flag]:
    """The vague phrases in `text`: the reviewed list's and the office's."""
    text = (text or "")[:MAX_TEXT]
    if not text.strip():
        return []
    return rule.find(text, (p.phrase for p in office_phrases()))
