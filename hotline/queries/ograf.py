"""What Hotline's OGraf graphics show (static/ograf/hotline/, docs/ograf.md):
the lower third and the ticker of a show as plain text, in the reader's
language, from the same context the overlay renders (queries/onair.py).
Public fields only: never a caller's name or phone."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..clock import format_date, to_local
from ..labels import on_air_kind_label, promise_card_text, status_text
from ..models import Show
from ..rules.versions import display
from .onair import Card, overlay_context


def truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _deadline(day: date) -> str:
    return _("Deadline %(date)s", date=format_date(day))


def lower_third(card: Card | None, today: date) -> dict | None:
    """The card on air as the overlay's lower third words it: a kicker, a
    headline, a detail line and its verification code."""
    if card is None:
        return None
    kicker = headline = detail = ""
    if card.kind == "call":
        call = card.call
        kicker = _join(
            _("Call #%(n)d", n=call.number), call.area, call.department and call.department.name
        )
        headline = call.topic
        if call.commitments:
            c = call.commitments[-1]
            who = f"{c.official_name} {c.official_title}".strip()
            detail = _join(
                f"{_('Commitment')} {truncate(c.pledge, 90)} — {who}", _deadline(c.deadline)
            )
    elif card.kind == "topic":
        topic = card.topic.topic
        kicker = _join(on_air_kind_label("topic"), topic.area)
        headline = truncate(topic.text, 120)
        detail = ngettext("%(num)d supporter", "%(num)d supporters", card.topic.supports)
    elif card.kind == "super":  # 人名条: the name and its line
        headline, detail = card.super.name, card.super.line
    elif card.kind == "totals":
        headline = on_air_kind_label("totals")
    else:
        c = card.commitment
        who = f"{c.official_name} {c.official_title}".strip()
        if card.kind == "commitment":
            kicker = _join(
                _("Commitment #%(id)d", id=c.id),
                c.department.name,
                _("Call #%(n)d", n=c.call.number),
            )
            headline, detail = truncate(c.pledge, 120), _join(who, _deadline(c.deadline))
        elif card.kind == "promise":
            kicker = f"{on_air_kind_label('promise')} #{c.id} {c.department.name}"
            headline = promise_card_text(c, c.status(today))
            detail = truncate(c.pledge, 100)
        else:  # the 回音壁 card
            kicker = _join(
                f"{_('Follow-up on air')} #{c.id} {c.department.name}",
                status_text(card.rundown.status),
            )
            headline = truncate(c.pledge, 120)
    code = card.code
    return {
        "kind": str(card.kind),
        "since": to_local(card.since).isoformat() if card.since else None,
        "kicker": kicker,
        "headline": headline,
        "detail": detail,
        "code": code,
        "code_text": _join(
            f"{_('Verification code')} {display(code)}",
            url_for("public.version", code=code, _external=True),
        )
        if code
        else "",
    }


def graphics_data(show: Show, today: date) -> dict:
    """The show's on-air JSON (public/ograf.py): the lower third, the ticker and the totals."""
    context = overlay_context(show, today)
    return {
        "show": {"id": show.id, "title": show.title, "status": str(show.status)},
        "lower_third": lower_third(context["card"], today),
        "ticker": {
            "label": _("Commitments"),
            "items": [
                {
                    "id": c.id,
                    "text": f"#{c.id} {c.department.name}: {truncate(c.pledge, 60)} · "
                    + _deadline(c.deadline),
                }
                for c in context["ticker"]
            ],
        },
        "totals": context["totals"],
    }
