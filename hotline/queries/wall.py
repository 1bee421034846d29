"""What the show page, the overlay, the desk and the office read of the
question wall (提问墙). Public reads load the wall's own words and area only:
never the question's sender (name, phone) nor its words as sent."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import SensitiveWord, Show, ShowStatus, WallBlock, WallEntry, WallVote
from ..rules.wall import ON_WALL, PUBLIC, WallState

OVERLAY_TOP = 5  # questions on the overlay's wall layout, the featured one included
PAGE_LIMIT = 100  # questions on the show page and the desk, at most


def counts(show_id: int) -> dict[int, int]:
    """Upvotes of every entry of the show that has some, by entry id."""
    rows = db.session.execute(
        select(WallVote.entry_id, func.count())
        .join(WallEntry, WallEntry.id == WallVote.entry_id)
        .where(WallEntry.show_id == show_id)
        .group_by(WallVote.entry_id)
    )
    return dict(rows.all())


def count(entry_id: int) -> int:
    return db.session.scalar(select(func.count()).where(WallVote.entry_id == entry_id)) or 0


def _entries(show_id: int, states) -> list[WallEntry]:
    return list(
        db.session.scalars(
            select(WallEntry)
            .where(WallEntry.show_id == show_id, WallEntry.state.in_([s.value for s in states]))
            .order_by(WallEntry.approved_at, WallEntry.id)
            .limit(PAGE_LIMIT)
        )
    )


def _by_votes(entries: list[WallEntry], votes: dict[int, int], featured_first: bool):
    """Most upvoted first (earliest approved first among equals); the
    highlighted one at the top when `featured_first`."""

    def key(entry: WallEntry):
        featured = featured_first and entry.state == WallState.HIGHLIGHTED
        return (not featured, -votes.get(entry.id, 0))

    return sorted(entries, key=key)  # stable: approval order among equals


@dataclass
class Wall:
    """The show page's wall: the questions on it (highlighted first, then by
    upvotes), those answered, their counts, and whether upvotes are open."""

    show: Show
    entries: list[WallEntry] = field(default_factory=list)
    answered: list[WallEntry] = field(default_factory=list)
    counts: dict[int, int] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return self.show.status == ShowStatus.LIVE

    def __bool__(self) -> bool:
        return bool(self.entries or self.answered)


def public_wall(show: Show) -> Wall:
    shown = _entries(show.id, PUBLIC)
    votes = counts(show.id) if shown else {}
    on_wall = [e for e in shown if e.state in ON_WALL]
    return Wall(
        show=show,
        entries=_by_votes(on_wall, votes, featured_first=True),
        answered=[e for e in shown if e.state == WallState.ANSWERED],
        counts=votes,
    )


def on_show_page(show: Show) -> dict:
    return {"wall": public_wall(show)}


@dataclass
class OverlayWall:
    """The overlay's wall layout: the highlighted question (else the most
    upvoted) large, the next few below it."""

    featured: WallEntry | None = None
    others: list[WallEntry] = field(default_factory=list)
    counts: dict[int, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.featured is not None


def overlay_wall(show_id: int) -> OverlayWall:
    on_wall = _entries(show_id, ON_WALL)
    if not on_wall:
        return OverlayWall()
    votes = counts(show_id)
    ranked = _by_votes(on_wall, votes, featured_first=True)
    return OverlayWall(featured=ranked[0], others=ranked[1:OVERLAY_TOP], counts=votes)


@dataclass
class DeskWall:
    """The desk's wall: approved questions by upvotes (highlighted and answered
    ones among them, marked), the archived ones apart, and active blocks."""

    show: Show
    entries: list[WallEntry] = field(default_factory=list)
    archived: list[WallEntry] = field(default_factory=list)
    counts: dict[int, int] = field(default_factory=dict)
    blocks: list[WallBlock] = field(default_factory=list)


def desk_wall(show: Show) -> DeskWall:
    shown = _entries(show.id, PUBLIC)
    votes = counts(show.id)
    return DeskWall(
        show=show,
        entries=_by_votes(shown, votes, featured_first=False),
        archived=_entries(show.id, (WallState.ARCHIVED,)),
        counts=votes,
        blocks=active_blocks(),
    )


def active_blocks(limit: int = 50) -> list[WallBlock]:
    """Blocks in force, newest first (with the question each was made from)."""
    return list(
        db.session.scalars(
            select(WallBlock)
            .options(selectinload(WallBlock.question))
            .where(WallBlock.active)
            .order_by(WallBlock.created_at.desc(), WallBlock.id.desc())
            .limit(limit)
        )
    )


def voted_here(show_id: int, browser_key: str | None) -> set[int]:
    """The show's entries this browser has upvoted."""
    if browser_key is None:
        return set()
    return set(
        db.session.scalars(
            select(WallVote.entry_id)
            .join(WallEntry, WallEntry.id == WallVote.entry_id)
            .where(WallEntry.show_id == show_id, WallVote.browser_key == browser_key)
        )
    )


def entry_in_show(show_id: int, entry_id: int) -> WallEntry | None:
    entry = db.session.get(WallEntry, entry_id)
    return entry if entry is not None and entry.show_id == show_id else None


def office_words() -> list[SensitiveWord]:
    """The sensitive words in use, oldest first."""
    return list(
        db.session.scalars(
            select(SensitiveWord).where(SensitiveWord.active).order_by(SensitiveWord.id)
        )
    )
