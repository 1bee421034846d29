"""Issuing verification codes (核验码) for the claims a page shows.

Whatever renders a claim (the overlay's card, a rundown item, a row of a
printed list) asks `codes_for()` for the codes of the records it shows, as
they are now. A code names one version of one record's public fields: the
same fields of the same record always get the same code, a record whose
public fields changed (an extension moved the deadline, the status moved on
with the calendar, a correction) gets a new one, and the old code still shows
what was shown then (/v/<code>).

What is kept is the record's public fields only, the same ones the open data
publishes (api/fields.py, from models/public.public_fields for a call): never
who called, never a note that could be withheld later (the timeline keeps
those, with their withholdings).

The codes are written in one short transaction of their own, committed
before the page or the pushed block that shows them is sent: one select for
all the records shown and one insert of the missing ones, however many rows
a list has. Two renders racing to issue the same version meet on the unique
digest; the loser reads the winner's code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    Call,
    ClaimKind,
    ClaimVersion,
    Commitment,
    Outcome,
    iso,
    item_fields,
    public_fields,
    utcnow,
)
from ..rules.status import Code
from ..rules.versions import new_code

# Records looked up per statement: far below any engine's limit on parameters.
CHUNK = 500
ATTEMPTS = 3
# Their day counts move every day without the record changing: the status is
# kept, the count is not (the deadline kept beside it gives it).
DAILY_COUNTS = (Code.DUE, Code.OVERDUE)


def commitment_snapshot(c: Commitment, today: date) -> dict:
    """A board item's public fields, named as in the open data's Commitment
    (a count of days that moves daily is not kept: the deadline beside it is)."""
    fields = item_fields(c, today)
    if c.status(today).code in DAILY_COUNTS:
        fields["status_days"] = None
    return fields


def call_snapshot(call: Call) -> dict:
    """A call's public fields (public_fields), with the names a page shows and
    the answer while public pages show it (answered or referred)."""
    answered = call.outcome in (Outcome.ANSWERED, Outcome.REFERRED)
    return {
        **public_fields(call),
        "show_title": call.show.title,
        "show_starts_at": iso(call.show.starts_at),
        "department": call.department.name if call.department else None,
        "deputy": call.deputy.name if call.deputy else None,
        "answer": call.answer_text if answered else "",
        "answered_by": call.answered_by if answered else "",
    }


def snapshot(kind: str, item, today: date) -> dict:
    if kind == ClaimKind.CALL:
        return call_snapshot(item)
    return commitment_snapshot(item, today)


def digest(kind: str, item_id: int, fields: dict) -> str:
    text = json.dumps([str(kind), item_id, fields], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def codes_for(claims: Iterable[tuple[str, Call | Commitment]], today: date) -> dict:
    """{(kind, id): bare code} for (kind, record) pairs as the records stand
    now, issuing the missing codes (committed before this returns). Never
    touches the caller's session: call it on a read-only page, or after the
    change's commit (a push)."""
    rows: dict[str, dict] = {}
    keys: dict[tuple[str, int], str] = {}
    for kind, item in claims:
        key = (str(kind), item.id)
        if key in keys:
            continue
        fields = snapshot(kind, item, today)
        keys[key] = found = digest(kind, item.id, fields)
        rows[found] = {
            "digest": found,
            "kind": str(kind),
            "item_id": item.id,
            "version": item.version,
            "snapshot": fields,
        }
    if not rows:
        return {}
    codes = _get_or_create(rows)
    return {key: codes[found] for key, found in keys.items()}


def code_for(kind: str, item: Call | Commitment, today: date) -> str:
    return codes_for([(kind, item)], today)[(str(kind), item.id)]


def _get_or_create(rows: dict[str, dict]) -> dict[str, str]:
    """{digest: code}: the existing rows read, the missing ones inserted, in
    one transaction; a lost race (the same digest, or a code drawn twice) is
    tried again from the start."""
    table = ClaimVersion.__table__
    digests = list(rows)
    for attempt in range(ATTEMPTS):
        try:
            with db.engine.begin() as conn:
                codes: dict[str, str] = {}
                for start in range(0, len(digests), CHUNK):
                    part = digests[start : start + CHUNK]
                    codes.update(
                        conn.execute(
                            select(table.c.digest, table.c.code).where(table.c.digest.in_(part))
                        ).all()
                    )
                now = utcnow()
                missing = [
                    {**row, "code": new_code(), "created_at": now}
                    for found, row in rows.items()
                    if found not in codes
                ]
                if missing:
                    conn.execute(insert(table), missing)
                    codes.update((row["digest"], row["code"]) for row in missing)
                return codes
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
