"""The board of commitments: its filters, its SQL status twin, counts and pages.

`status_code()` is the SQL twin of status.public_status() (tests check that the
two agree), so filtering, counting and paging happen in the database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import selectinload

from ..changes.duplicates import counted
from ..clock import to_local, utc_year_bounds
from ..clock import today as local_today
from ..extensions import db
from ..labels import kind_filter_label, sort_label, status_filter_label
from ..models import (
    MAX_ID,
    Call,
    Commitment,
    Department,
    Deputy,
    DeputyMessage,
    Event,
    ItemKind,
    Rating,
    RatingValue,
    Show,
)
from ..rules.status import Code, State
from .lists import result_votes
from .milestones import progress_line
from .places import item_conditions, place_arg, place_choices

PER_PAGE = 50
MET_CODES = (Code.MET_ON_TIME, Code.MET_AFTER_EXTENSION, Code.MET_LATE)
OPEN_CODES = (Code.DUE, Code.DUE_TODAY, Code.OVERDUE)
# What the status filter accepts: each public status, plus two groups.
STATUS_FILTERS = {code.value: (code,) for code in Code} | {"open": OPEN_CODES, "met": MET_CODES}
SORTS = ("deadline", "newest", "overdue")
KINDS = tuple(kind.value for kind in ItemKind)


def status_code(today: date):
    """The public status code computed in SQL: the same rules as
    status.public_status() (tests/public/test_board_status_sql.py checks they agree)."""
    met = Commitment.state == State.MET.value
    return case(
        (Commitment.state == State.WITHDRAWN.value, literal(Code.WITHDRAWN.value)),
        (Commitment.state == State.REPORTED.value, literal(Code.REPORTED.value)),
        (
            and_(met, Commitment.completed_on <= Commitment.original_deadline),
            literal(Code.MET_ON_TIME.value),
        ),
        (
            and_(met, Commitment.completed_on <= Commitment.deadline),
            literal(Code.MET_AFTER_EXTENSION.value),
        ),
        (met, literal(Code.MET_LATE.value)),
        (Commitment.deadline > today, literal(Code.DUE.value)),
        (Commitment.deadline == today, literal(Code.DUE_TODAY.value)),
        else_=literal(Code.OVERDUE.value),
    )


id_arg = place_arg  # an id filter from the URL (queries/places.py)


@dataclass
class BoardQuery:
    """The board's filters, read from the URL so a filtered board can be shared."""

    status: str = ""
    kind: str = ""
    department: int | None = None
    show: int | None = None
    deputy: int | None = None
    year: int | None = None
    # The office's managed category and area (queries/places.py); an area
    # includes everything inside it.
    category: int | None = None
    area: int | None = None
    q: str = ""
    sort: str = "deadline"
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args, max_per_page: int = PER_PAGE) -> BoardQuery:
        status = args.get("status", "")
        kind = args.get("kind", "")
        sort = args.get("sort", "deadline")
        year = args.get("year", type=int)
        per_page = args.get("per_page", type=int) or PER_PAGE
        return cls(
            status=status if status in STATUS_FILTERS else "",
            kind=kind if kind in KINDS else "",
            department=id_arg(args, "department"),
            show=id_arg(args, "show"),
            deputy=id_arg(args, "deputy"),
            category=id_arg(args, "category"),
            area=id_arg(args, "area"),
            year=year if year and 2000 <= year <= 2100 else None,
            # No control characters (a NUL is an error on PostgreSQL).
            q="".join(ch for ch in args.get("q", "") if ch.isprintable()).strip()[:100],
            sort=sort if sort in SORTS else "deadline",
            page=min(max(1, args.get("page", type=int) or 1), MAX_ID),
            per_page=min(max(1, per_page), max_per_page),
        )

    def args(self, **override) -> dict:
        """The non-default parameters, for links that keep the filter state."""
        values = {
            "status": self.status,
            "kind": self.kind,
            "department": self.department,
            "show": self.show,
            "deputy": self.deputy,
            "year": self.year,
            "category": self.category,
            "area": self.area,
            "q": self.q,
            "sort": "" if self.sort == "deadline" else self.sort,
            "page": 1 if self.page == 1 else self.page,
            "per_page": self.per_page if self.per_page != PER_PAGE else None,
        } | override
        return {k: v for k, v in values.items() if v and not (k == "page" and v == 1)}

    @property
    def is_default(self) -> bool:
        """The plain first page: the one view live pushes render for everyone."""
        return not self.args()

    def filter(self, stmt, today: date):
        """Apply the filters to a select over Commitment, outer-joined to Call (an
        item from a 代表码 message has no call: `message_ids` reaches its message)."""
        if self.status:
            stmt = stmt.where(
                status_code(today).in_([c.value for c in STATUS_FILTERS[self.status]])
            )
        if self.kind:
            stmt = stmt.where(Commitment.kind == self.kind)
        if self.department:
            stmt = stmt.where(Commitment.department_id == self.department)
        if self.show:
            stmt = stmt.where(Call.show_id == self.show)
        if self.deputy:
            stmt = stmt.where(
                or_(
                    Call.deputy_id == self.deputy,
                    message_ids(DeputyMessage.deputy_id == self.deputy),
                )
            )
        stmt = stmt.where(*item_conditions(self.category, self.area))
        if self.year:  # the show's year; for a 代表码 item, the year it was given
            start, end = utc_year_bounds(self.year)
            stmt = stmt.where(
                or_(
                    Call.show_id.in_(
                        select(Show.id).where(Show.starts_at >= start, Show.starts_at < end)
                    ),
                    and_(
                        Commitment.message_id.is_not(None),
                        Commitment.created_at >= start,
                        Commitment.created_at < end,
                    ),
                )
            )
        if self.q:
            stmt = stmt.where(
                or_(
                    Commitment.pledge.icontains(self.q, autoescape=True),
                    Call.topic.icontains(self.q, autoescape=True),
                    message_ids(DeputyMessage.summary.icontains(self.q, autoescape=True)),
                )
            )
        return stmt

    def order(self, stmt, today: date):
        if self.sort == "newest":
            return stmt.order_by(Commitment.created_at.desc(), Commitment.id.desc())
        if self.sort == "overdue":
            code = status_code(today)
            rank = case(
                (code == Code.OVERDUE.value, 0),
                (code == Code.DUE_TODAY.value, 1),
                (code == Code.DUE.value, 2),
                (code == Code.REPORTED.value, 3),
                else_=4,
            )
            return stmt.order_by(rank, Commitment.deadline, Commitment.id)
        return stmt.order_by(Commitment.deadline, Commitment.id)


@dataclass
class Totals:
    """Counts per public status; the groups always add up to `total`."""

    by_code: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, code: str) -> int:
        return self.by_code.get(code, 0)

    @property
    def total(self) -> int:
        return sum(self.by_code.values())

    def group(self, codes) -> int:
        return sum(self[c.value] for c in codes)

    @property
    def groups(self) -> list[tuple[str, int, str]]:
        """(key, count, text) for the headline; they partition the list."""
        met, due = self.group(MET_CODES), self.group((Code.DUE, Code.DUE_TODAY))
        return [
            ("met", met, _("%(num)d met", num=met)),
            ("due", due, _("%(num)d in progress", num=due)),
            ("overdue", self["overdue"], _("%(num)d overdue", num=self["overdue"])),
            (
                "reported",
                self["reported"],
                _("%(num)d awaiting verification", num=self["reported"]),
            ),
            ("withdrawn", self["withdrawn"], _("%(num)d withdrawn", num=self["withdrawn"])),
        ]


def message_ids(condition):
    """Items whose source is a 代表码 message meeting the condition (public
    fields only: the deputy, the public summary)."""
    return Commitment.message_id.in_(select(DeputyMessage.id).where(condition))


def public_commitments():
    """Commitments with what a public row shows, loaded in a fixed number of
    queries: the call and its show, or the 代表码 message's deputy."""
    return select(Commitment).options(
        selectinload(Commitment.department),
        selectinload(Commitment.call).selectinload(Call.show),
        selectinload(Commitment.call).selectinload(Call.deputy),
        selectinload(Commitment.message).selectinload(DeputyMessage.deputy),
    )


def count_by_status(query: BoardQuery, today: date) -> Totals:
    # 并单: the items of a call linked to an earlier one are listed, not counted.
    inner = query.filter(
        counted(
            select(status_code(today).label("code"))
            .select_from(Commitment)
            .outerjoin(Commitment.call)
        ),
        today,
    ).subquery()
    rows = db.session.execute(select(inner.c.code, func.count()).group_by(inner.c.code)).all()
    return Totals({code: n for code, n in rows})


def search_commitments(query: BoardQuery, today: date, *, paged: bool = True, clamp: bool = True):
    """(commitments on this page, totals, number of pages) for the filters.
    A page past the end is the last page on the board (`clamp`); the open data
    answers it with an empty page instead (clamp=False)."""
    totals = count_by_status(query, today)
    pages = max(1, math.ceil(totals.total / query.per_page))
    if clamp:
        query.page = min(query.page, pages)
    stmt = query.filter(public_commitments().outerjoin(Commitment.call), today)
    stmt = query.order(stmt, today)
    if paged:
        stmt = stmt.limit(query.per_page).offset((query.page - 1) * query.per_page)
    return db.session.scalars(stmt).all(), totals, pages


def filter_options(query: BoardQuery | None = None) -> dict:
    shows = db.session.scalars(select(Show).order_by(Show.starts_at.desc())).all()
    years = sorted({to_local(s.starts_at).year for s in shows}, reverse=True)
    return {
        "departments": db.session.scalars(select(Department).order_by(Department.id)).all(),
        "shows": shows,
        "deputies": db.session.scalars(select(Deputy).order_by(Deputy.id)).all(),
        **(place_choices(query.category, query.area) if query else place_choices()),
        "years": years,
        "statuses": [(key, status_filter_label(key)) for key in STATUS_FILTERS],
        "kinds": [(key, kind_filter_label(key)) for key in KINDS],
        "sorts": [(key, sort_label(key)) for key in SORTS],
    }


def board_context(query: BoardQuery, today: date, *, changed: int | None = None) -> dict:
    """What the board's rows block renders: the same for the page and the push."""
    commitments, totals, pages = search_commitments(query, today)
    return {
        "commitments": commitments,
        "totals": totals,
        "pages": pages,
        "query": query,
        "changed": changed,
        "today_date": today,
    }


def public_commitment(commitment_id: int) -> Commitment | None:
    """One commitment with its public timeline (events, files, withholdings)."""
    return db.session.scalar(
        public_commitments()
        .options(
            selectinload(Commitment.events).selectinload(Event.attachments),
            selectinload(Commitment.events).selectinload(Event.redaction),
            selectinload(Commitment.milestones),
        )
        .where(Commitment.id == commitment_id)
    )


def rating_counts(commitment_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(Rating.value, func.count())
        .where(Rating.commitment_id == commitment_id)
        .group_by(Rating.value)
    ).all()
    return {value: n for value, n in rows}


def rating_by_browser(commitment_id: int, browser_key: str | None) -> str | None:
    if browser_key is None:
        return None
    return db.session.scalar(
        select(Rating.value).where(
            Rating.commitment_id == commitment_id, Rating.browser_key == browser_key
        )
    )


def rated_from_connection(commitment_id: int, client_key: str) -> bool:
    """Has this connection (address and user agent, today) rated it already?"""
    found = select(Rating.id).where(
        Rating.commitment_id == commitment_id, Rating.client_key == client_key
    )
    return db.session.scalar(found.limit(1)) is not None


def commitment_context(item: Commitment) -> dict:
    """What the commitment page's timeline and rating blocks render."""
    return {
        "c": item,
        "ratings": rating_counts(item.id),
        "rating_values": list(RatingValue),
        "result_votes": result_votes([item.id]).get(item.id),
        "milestones": progress_line(item, local_today()),
    }
