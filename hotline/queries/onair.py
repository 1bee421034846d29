"""What is on air for a show, and everything the broadcast overlay renders:
the on-air card, the show's totals and the ticker of its commitments. Public
fields only: nothing here loads a caller's details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from .. import clock
from ..changes.versions import code_for
from ..extensions import db
from ..models import (
    Call,
    ClaimKind,
    Commitment,
    NameSuper,
    OnAir,
    OnAirKind,
    Outcome,
    Show,
    ShowStatus,
)
from ..rules import cue as cue_rules
from .board import public_commitments
from .cue import name_super, preview_item, program_bug, remaining_ms
from .rundown import RundownItem, in_rundown, rundown_card
from .topics import RankedTopic, public_topic, supports_of
from .votes import tally, voted_on

LAYOUTS = ("lower-third", "ticker", "totals", "rundown", "qr", "wall")
# The kinds whose card carries a verification code: a topic, a name super and
# the totals are no record's claim.
CLAIMS = (OnAirKind.CALL, OnAirKind.COMMITMENT, OnAirKind.PROMISE, OnAirKind.RUNDOWN)


@dataclass
class Card:
    """The item on air: a call of the show, a commitment made on it, a
    commitment of an earlier show read out in the 回音壁 segment, or an earlier
    promise on the problem of a call (上次承诺, found by the desk's radar), or
    a topic the voters chose for the show, with its support."""

    kind: str
    since: object  # naive UTC datetime
    call: Call | None = None
    commitment: Commitment | None = None
    rundown: RundownItem | None = None
    topic: RankedTopic | None = None
    super: NameSuper | None = None  # a name super (人名条), taken from the cue
    code: str | None = None  # its verification code (核验码), set by overlay_context
    until: object = None  # when it leaves by itself (a cued item's auto-out)

    def claim(self) -> tuple[ClaimKind, Call | Commitment]:
        """The record the card's code verifies: a call's latest board item when
        it has one (its pledge and deadline are on the card), else the call."""
        if self.kind == OnAirKind.CALL:
            if self.call.commitments:
                return ClaimKind.COMMITMENT, self.call.commitments[-1]
            return ClaimKind.CALL, self.call
        return ClaimKind.COMMITMENT, self.commitment


def on_air_row(show_id: int) -> OnAir | None:
    return db.session.get(OnAir, show_id)


def on_air_card(show: Show, today: date) -> Card | None:
    """The card the moderator put on air, or None when nothing is (or what was
    is past its auto-out: changes/cue.py sweeps the row on the next write)."""
    row = on_air_row(show.id)
    if row is None or not row.kind:
        return None
    if cue_rules.expired(row.until, clock.utcnow()):
        return None
    card = card_for(show, row.kind, row.item_id, row.since, today)
    if card is not None:
        card.until = row.until
    return card


def card_for(show: Show, kind: str, item_id: int | None, since, today: date) -> Card | None:
    """The card an item makes, on program or in the preview."""
    if kind == "totals":
        return Card(kind, since)
    if item_id is None:
        return None
    if kind == "super":
        found = name_super(show.id, item_id)
        return Card(kind, since, super=found) if found else None
    if kind == OnAirKind.CALL:
        call = next((c for c in show.calls if c.id == item_id), None)
        return Card(kind, since, call=call) if call else None
    if kind == OnAirKind.TOPIC:
        topic = public_topic(show.id, item_id)
        ranked = RankedTopic(topic, supports_of(topic.id)) if topic else None
        return Card(kind, since, topic=ranked) if ranked else None
    if kind not in (OnAirKind.COMMITMENT, OnAirKind.PROMISE, OnAirKind.RUNDOWN):
        return None
    item = db.session.scalar(public_commitments().where(Commitment.id == item_id))
    if item is None:
        return None
    if kind == OnAirKind.COMMITMENT:
        return Card(kind, since, call=item.call, commitment=item)
    if kind == OnAirKind.PROMISE:  # 上次承诺: the overlay reads its status
        return Card(kind, since, commitment=item)
    return Card(kind, since, commitment=item, rundown=rundown_card(show, item, today))


def show_totals(show: Show) -> dict[str, int]:
    """Calls taken, answered on air, committed and referred (the totals layout)."""
    outcomes = [c.outcome for c in show.calls]
    return {
        "calls": len(outcomes),
        "answered": outcomes.count(Outcome.ANSWERED),
        "committed": outcomes.count(Outcome.COMMITTED),
        "referred": outcomes.count(Outcome.REFERRED),
    }


def show_commitments(show_id: int) -> list[Commitment]:
    """The commitments made on the show, in the order they were made (the ticker)."""
    return db.session.scalars(
        public_commitments()
        .join(Call, Commitment.call_id == Call.id)
        .where(Call.show_id == show_id)
        .order_by(Commitment.id)
    ).all()


def overlay_context(show: Show, today: date, preview: bool = False) -> dict:
    """What the overlay block renders, for the page and for the push alike:
    program, or with `preview` the item the desk has in preview (the same
    page, marked). The card's code is issued here if it is new (committed at
    once, in a transaction of its own, so a push may render it too)."""
    bug = None
    if preview:
        item = preview_item(show.id)
        card = None
        if item is not None and item.kind != cue_rules.BUG:
            card = card_for(show, item.kind, item.item_id, None, today)
        bug = item is not None and item.kind == cue_rules.BUG
    else:
        card = on_air_card(show, today)
        # The QR code leaves with the show, as the card does (desk/shows.py clears it).
        bug = program_bug(show.id) if show.status != ShowStatus.ENDED else None
    if card is not None and card.kind in CLAIMS:
        card.code = code_for(*card.claim(), today)
    call = voted_on(card)
    return {
        "show": show,
        "card": card,
        "totals": show_totals(show),
        "ticker": show_commitments(show.id),
        # The answer on air: the viewers' votes beside the studio's placards.
        "vote_tally": tally(call.id) if call is not None else None,
        "preview": preview,
        "bug": bug,
        # Milliseconds before the lower third and the bug leave by themselves.
        "card_out_ms": remaining_ms(card.until) if card is not None else None,
        "bug_out_ms": remaining_ms(bug.until) if bug and not preview else None,
    }


def shows_showing(commitment: Commitment) -> list[int]:
    """Shows whose overlay shows this commitment: its own, and any that has it on air."""
    on_air = db.session.scalars(
        select(OnAir.show_id).where(
            OnAir.item_id == commitment.id,
            OnAir.kind.in_(
                [OnAirKind.COMMITMENT.value, OnAirKind.RUNDOWN.value, OnAirKind.PROMISE.value]
            ),
        )
    ).all()
    own = [commitment.call.show_id] if commitment.call is not None else []  # none: 代表码
    return sorted({*own, *on_air})


def belongs_on_air(show: Show, kind: OnAirKind, item_id: int, today: date) -> bool:
    """Only this show's calls and commitments, an item of its own rundown, an
    earlier promise the radar found (a board item of another show or from a
    代表码 message), or a published topic of the show (the desk's form and the
    API ask the same question)."""
    if kind == OnAirKind.TOPIC:
        return public_topic(show.id, item_id) is not None
    if kind == OnAirKind.PROMISE:
        item = db.session.get(Commitment, item_id)
        return item is not None and (item.call is None or item.call.show_id != show.id)
    if kind == OnAirKind.CALL:
        return any(c.id == item_id for c in show.calls)
    if kind == OnAirKind.COMMITMENT:
        return bool(
            db.session.scalar(
                select(Commitment.id)
                .join(Call, Commitment.call_id == Call.id)
                .where(Commitment.id == item_id, Call.show_id == show.id)
            )
        )
    return in_rundown(show, item_id, today)
