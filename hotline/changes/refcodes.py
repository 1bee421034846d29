"""Reference codes (查询码): issued when a call is logged or a question sent,
looked up at /track/<code>.

A code is 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
about 49 bits of randomness: read on air as three groups, typed back in any
case, with or without the dashes. Only its SHA-256 is stored; a lookup hashes
what was typed, finds the row by the indexed hash and compares the digests in
constant time, doing the same work whether or not the code exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import Call, Question, ReferenceCode

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
_MISSING = "0" * 64  # compared against when no row matched, so both paths do the same work


def normalize(text: str) -> str:
    """What was typed → the bare code (upper case, no dashes or spaces), bounded."""
    return "".join(ch for ch in (text or "")[:40].upper() if ch.isalnum())[: LENGTH * 2]


def digest(code: str) -> str:
    return hashlib.sha256(f"hotline-reference:{normalize(code)}".encode()).hexdigest()


def display(code: str) -> str:
    code = normalize(code)
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def issue(
    *, call: Call | None = None, question: Question | None = None, message_id: int | None = None
) -> str:
    """A new code for a call, a question or a 代表码 message (flushed first),
    added to the session; returns it for display (never stored in the clear)."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    db.session.add(
        ReferenceCode(code_hash=digest(code), call=call, question=question, message_id=message_id)
    )
    return display(code)


def link_question_to_call(question: Question, call: Call) -> None:
    """A question put on air keeps its code: it now tracks the call."""
    for row in db.session.scalars(
        select(ReferenceCode).where(ReferenceCode.question_id == question.id)
    ):
        row.call = call


def find(text: str) -> ReferenceCode | None:
    wanted = digest(text)
    row = db.session.scalar(select(ReferenceCode).where(ReferenceCode.code_hash == wanted))
    stored = row.code_hash if row is not None else _MISSING
    matched = hmac.compare_digest(stored, wanted)
    return row if row is not None and matched else None
