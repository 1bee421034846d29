"""Public pages (no login): the board of commitments, shows, departments,
deputies, online ratings, QR codes and Atom feeds.

Only public data is read here: nothing joins or loads `CallerContact`. Citizens'
questions are only ever written here (the ask form); their names and phones are
never read back on a public page.
"""

from __future__ import annotations

import hashlib
import io
import math
import secrets
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree import ElementTree as ET

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import and_, case, distinct, func, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from . import live
from .extensions import db, limiter
from .forms import QuestionForm
from .models import (
    Call,
    Commitment,
    Department,
    Deputy,
    Event,
    EventKind,
    Outcome,
    Question,
    QuestionStatus,
    Rating,
    RatingValue,
    Show,
    ShowStatus,
)
from .status import Code, State
from .web import event_label, local_to_utc, page_or_block, render_block, status_text, to_local
from .web import today as local_today

bp = Blueprint("board", __name__)

PER_PAGE = 50
# A department needs this many commitments that fell due before it is ranked,
# so one lucky item cannot put it on top (HOTLINE_RANK_MIN_SAMPLE overrides).
MIN_SAMPLE = 3
BROWSER_COOKIE = "hotline_browser"

MET_CODES = (Code.MET_ON_TIME, Code.MET_AFTER_EXTENSION, Code.MET_LATE)
OPEN_CODES = (Code.DUE, Code.DUE_TODAY, Code.OVERDUE)
# What the status filter accepts: each public status, plus two groups.
STATUS_FILTERS = {code.value: (code,) for code in Code} | {"open": OPEN_CODES, "met": MET_CODES}
SORTS = ("deadline", "newest", "overdue")


def status_label(key: str) -> str:
    """Filter menu labels (the statuses without their day counts)."""
    return {
        "open": _("In progress (all)"),
        "due": _("Due, not yet overdue"),
        "due_today": _("Due today"),
        "overdue": _("Overdue"),
        "reported": _("Reported done, awaiting verification"),
        "met": _("Met (all)"),
        "met_on_time": _("Met on time"),
        "met_after_extension": _("Met after extension"),
        "met_late": _("Met late"),
        "withdrawn": _("Withdrawn"),
    }[key]


def sort_label(key: str) -> str:
    return {
        "deadline": _("Deadline, soonest first"),
        "newest": _("Newest first"),
        "overdue": _("Most overdue first"),
    }[key]


def status_code(today: date):
    """The public status code computed in SQL: the same rules as
    status.public_status() (tests/test_board_status_sql.py checks they agree),
    so filtering, counting and paging happen in the database."""
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


MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def id_arg(args, name: str) -> int | None:
    """An id filter from the URL; one no row could have filters nothing."""
    value = args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


@dataclass
class BoardQuery:
    """The board's filters, read from the URL so a filtered board can be shared."""

    status: str = ""
    department: int | None = None
    show: int | None = None
    deputy: int | None = None
    year: int | None = None
    q: str = ""
    sort: str = "deadline"
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args, max_per_page: int = PER_PAGE) -> BoardQuery:
        status = args.get("status", "")
        sort = args.get("sort", "deadline")
        year = args.get("year", type=int)
        per_page = args.get("per_page", type=int) or PER_PAGE
        return cls(
            status=status if status in STATUS_FILTERS else "",
            department=id_arg(args, "department"),
            show=id_arg(args, "show"),
            deputy=id_arg(args, "deputy"),
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
            "department": self.department,
            "show": self.show,
            "deputy": self.deputy,
            "year": self.year,
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
        """Apply the filters to a select over Commitment (joined to Call)."""
        if self.status:
            stmt = stmt.where(
                status_code(today).in_([c.value for c in STATUS_FILTERS[self.status]])
            )
        if self.department:
            stmt = stmt.where(Commitment.department_id == self.department)
        if self.show:
            stmt = stmt.where(Call.show_id == self.show)
        if self.deputy:
            stmt = stmt.where(Call.deputy_id == self.deputy)
        if self.year:
            start = local_to_utc(datetime(self.year, 1, 1))
            end = local_to_utc(datetime(self.year + 1, 1, 1))
            stmt = stmt.where(
                Call.show_id.in_(
                    select(Show.id).where(Show.starts_at >= start, Show.starts_at < end)
                )
            )
        if self.q:
            stmt = stmt.where(
                or_(
                    Commitment.pledge.icontains(self.q, autoescape=True),
                    Call.topic.icontains(self.q, autoescape=True),
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


def public_commitments():
    """Commitments with what a public row shows, loaded in a fixed number of queries."""
    return select(Commitment).options(
        selectinload(Commitment.department),
        selectinload(Commitment.call).selectinload(Call.show),
        selectinload(Commitment.call).selectinload(Call.deputy),
    )


def count_by_status(query: BoardQuery, today: date) -> Totals:
    inner = query.filter(
        select(status_code(today).label("code")).select_from(Commitment).join(Commitment.call),
        today,
    ).subquery()
    rows = db.session.execute(select(inner.c.code, func.count()).group_by(inner.c.code)).all()
    return Totals({code: n for code, n in rows})


def search_commitments(query: BoardQuery, today: date, *, paged: bool = True):
    """(commitments on this page, totals, number of pages) for the filters."""
    totals = count_by_status(query, today)
    pages = max(1, math.ceil(totals.total / query.per_page))
    query.page = min(query.page, pages)
    stmt = query.order(query.filter(public_commitments().join(Commitment.call), today), today)
    if paged:
        stmt = stmt.limit(query.per_page).offset((query.page - 1) * query.per_page)
    return db.session.scalars(stmt).all(), totals, pages


def filter_options() -> dict:
    shows = db.session.scalars(select(Show).order_by(Show.starts_at.desc())).all()
    years = sorted({to_local(s.starts_at).year for s in shows}, reverse=True)
    return {
        "departments": db.session.scalars(select(Department).order_by(Department.id)).all(),
        "shows": shows,
        "deputies": db.session.scalars(select(Deputy).order_by(Deputy.id)).all(),
        "years": years,
        "statuses": [(key, status_label(key)) for key in STATUS_FILTERS],
        "sorts": [(key, sort_label(key)) for key in SORTS],
    }


def board_context(query: BoardQuery, *, changed: int | None = None) -> dict:
    today = local_today()
    commitments, totals, pages = search_commitments(query, today)
    return {
        "commitments": commitments,
        "totals": totals,
        "pages": pages,
        "query": query,
        "changed": changed,
        "today_date": today,
    }


@bp.route("/")
def index():
    query = BoardQuery.from_args(request.args)
    context = board_context(query)
    if is_fragment_request():
        return render_block("board/index.html", "rows", **context)
    return render_template("board/index.html", options=filter_options(), **context)


def is_fragment_request() -> bool:
    """An htmx request for a region (not boosted navigation, not a history restore)."""
    return bool(
        request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    )


def _commitment_or_404(commitment_id: int) -> Commitment:
    item = db.session.scalar(
        public_commitments()
        .options(
            selectinload(Commitment.events).selectinload(Event.attachments),
            selectinload(Commitment.events).selectinload(Event.redaction),
        )
        .where(Commitment.id == commitment_id)
    )
    if item is None:
        abort(404)
    return item


def rating_counts(commitment_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(Rating.value, func.count())
        .where(Rating.commitment_id == commitment_id)
        .group_by(Rating.value)
    ).all()
    return {value: n for value, n in rows}


def _browser_key() -> str | None:
    token = request.cookies.get(BROWSER_COOKIE)
    return hashlib.sha256(token.encode()).hexdigest() if token else None


def _already_rated(commitment_id: int) -> str | None:
    key = _browser_key()
    if key is None:
        return None
    return db.session.scalar(
        select(Rating.value).where(Rating.commitment_id == commitment_id, Rating.browser_key == key)
    )


def commitment_context(item: Commitment) -> dict:
    return {
        "c": item,
        "ratings": rating_counts(item.id),
        "rating_values": list(RatingValue),
    }


@bp.route("/commitments/<int:commitment_id>")
def commitment(commitment_id: int):
    item = _commitment_or_404(commitment_id)
    context = commitment_context(item)
    if is_fragment_request():
        return render_block("board/commitment.html", "timeline", **context)
    share_url = url_for("board.commitment", commitment_id=item.id, _external=True)
    return render_template(
        "board/commitment.html",
        share_url=share_url,
        my_rating=_already_rated(item.id),
        **context,
    )


@bp.route("/commitments/<int:commitment_id>/qr.svg")
def commitment_qr(commitment_id: int):
    if db.session.get(Commitment, commitment_id) is None:
        abort(404)
    return qr_response(url_for("board.commitment", commitment_id=commitment_id, _external=True))


def qr_response(url: str) -> Response:
    """An SVG QR code of one of our own addresses, cacheable."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=True)
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


def min_sample() -> int:
    # At least one item must have fallen due: a rate of nothing is no rate.
    return max(1, int(current_app.config.get("HOTLINE_RANK_MIN_SAMPLE", MIN_SAMPLE)))


def rating_limit() -> str:
    return current_app.config.get("HOTLINE_RATING_LIMIT", "10 per hour")


@bp.route("/commitments/<int:commitment_id>/rate", methods=["POST"])
@limiter.limit(rating_limit)
def rate(commitment_id: int):
    """A citizen rates a met commitment: once per browser, limited per address."""
    item = _commitment_or_404(commitment_id)
    value = request.form.get("value", "")
    error, status = None, 200
    if not item.status(local_today()).is_met:
        error, status = _("Only a met commitment can be rated."), 400
    elif value not in set(RatingValue):
        error, status = _("Choose one of the three answers."), 400
    elif _already_rated(item.id):
        error, status = _("This browser has already rated this commitment."), 409

    token = request.cookies.get(BROWSER_COOKIE) or secrets.token_urlsafe(32)
    if error is None:
        key = hashlib.sha256(token.encode()).hexdigest()
        db.session.add(Rating(commitment_id=item.id, value=value, browser_key=key))
        try:
            db.session.commit()
        except IntegrityError:  # a double click raced us
            db.session.rollback()
            error, status = _("This browser has already rated this commitment."), 409
        else:
            publish_timeline(item)  # ratings are not on the board: only its page changes

    if request.htmx:
        context = commitment_context(_commitment_or_404(commitment_id))
        body = render_block(
            "board/commitment.html",
            "rating",
            my_rating=_already_rated(item.id) or (value if error is None else None),
            rating_error=error,
            **context,
        )
        response = Response(body, status=status)
    elif error is not None and status == 400:
        context = commitment_context(item)
        share_url = url_for("board.commitment", commitment_id=item.id, _external=True)
        body = render_template(
            "board/commitment.html",
            share_url=share_url,
            my_rating=None,
            rating_error=error,
            **context,
        )
        response = Response(body, status=status)
    else:
        flash(
            error or _("Thank you: your rating has been counted."), "error" if error else "success"
        )
        response = redirect(url_for("board.commitment", commitment_id=item.id) + "#rating")
    response.set_cookie(
        BROWSER_COOKIE,
        token,
        max_age=2 * 365 * 86400,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


def show_counts():
    """Per show: calls, answered on air, commitments and met commitments."""
    met = Commitment.state == State.MET.value
    return (
        select(
            Show,
            func.count(distinct(Call.id)).label("calls"),
            func.count(distinct(case((Call.outcome == Outcome.ANSWERED.value, Call.id)))).label(
                "answered"
            ),
            func.count(distinct(Commitment.id)).label("commitments"),
            func.count(distinct(case((met, Commitment.id)))).label("met"),
        )
        .outerjoin(Call, Call.show_id == Show.id)
        .outerjoin(Commitment, Commitment.call_id == Call.id)
        .group_by(Show.id)
        .order_by(Show.starts_at.desc(), Show.id.desc())
    )


@bp.route("/shows")
def shows():
    rows = db.session.execute(show_counts()).all()
    return render_template("board/shows.html", rows=rows)


def load_show(show_id: int) -> Show:
    item = db.session.scalar(
        select(Show)
        .options(
            selectinload(Show.calls).selectinload(Call.commitments),
            selectinload(Show.calls).selectinload(Call.department),
            selectinload(Show.calls).selectinload(Call.deputy),
            selectinload(Show.departments),
            selectinload(Show.deputies),
        )
        .where(Show.id == show_id)
    )
    if item is None:
        abort(404)
    return item


@bp.route("/shows/<int:show_id>")
def show(show_id: int):
    return page_or_block("board/show.html", "calls", show=load_show(show_id))


@dataclass
class Scorecard:
    department: Department
    by_code: dict[str, int] = field(default_factory=dict)
    extended: int = 0
    fell_due: int = 0  # met, or original deadline passed: the on-time rate's base
    days_to_complete: list[int] = field(default_factory=list)
    ratings: dict[str, int] = field(default_factory=dict)
    rank: int | None = None

    def __getitem__(self, code: str) -> int:
        return self.by_code.get(code, 0)

    @property
    def total(self) -> int:
        return sum(self.by_code.values())

    @property
    def in_progress(self) -> int:
        return self["due"] + self["due_today"]

    @property
    def on_time_rate(self) -> float | None:
        return self["met_on_time"] / self.fell_due if self.fell_due else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_complete) if self.days_to_complete else None

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def satisfaction(self) -> float | None:
        """Share of online ratings that are satisfied or basically satisfied."""
        if not self.rated:
            return None
        return (self.ratings.get("satisfied", 0) + self.ratings.get("basic", 0)) / self.rated

    @property
    def ranked(self) -> bool:
        return self.fell_due >= min_sample()


def scorecards(today: date) -> list[Scorecard]:
    """One scorecard per department, ranked by on-time rate among departments
    with enough items; the others are listed after, unranked."""
    cards = {
        d.id: Scorecard(d)
        for d in db.session.scalars(select(Department).order_by(Department.id)).all()
    }
    code = status_code(today)
    extended = Commitment.deadline != Commitment.original_deadline
    # Withdrawing an item after its original deadline passed must not lift the
    # rate: it fell due and was not met on time. The timeline says when.
    withdrawn_late = and_(
        Commitment.state == State.WITHDRAWN.value,
        select(Event.id)
        .where(
            Event.commitment_id == Commitment.id,
            Event.kind == EventKind.WITHDRAWN,
            func.date(Event.created_at) > Commitment.original_deadline,
        )
        .exists(),
    )
    fell_due = or_(
        Commitment.state == State.MET.value,
        and_(Commitment.state != State.WITHDRAWN.value, Commitment.original_deadline < today),
        withdrawn_late,
    )
    inner = select(
        Commitment.department_id.label("dept"),
        code.label("code"),
        case((extended, 1), else_=0).label("extended"),
        case((fell_due, 1), else_=0).label("fell_due"),
    ).subquery()
    rows = db.session.execute(
        select(
            inner.c.dept,
            inner.c.code,
            func.count(),
            func.sum(inner.c.extended),
            func.sum(inner.c.fell_due),
        ).group_by(inner.c.dept, inner.c.code)
    ).all()
    for dept, code_value, n, n_extended, n_due in rows:
        card = cards.get(dept)
        if card is None:
            continue
        card.by_code[code_value] = n
        card.extended += int(n_extended or 0)
        card.fell_due += int(n_due or 0)
    for dept, created_at, completed_on in db.session.execute(
        select(Commitment.department_id, Commitment.created_at, Commitment.completed_on).where(
            Commitment.state == State.MET.value
        )
    ):
        if dept in cards and completed_on is not None:
            made_on = to_local(created_at).date()
            cards[dept].days_to_complete.append(max(0, (completed_on - made_on).days))
    for dept, value, n in db.session.execute(
        select(Commitment.department_id, Rating.value, func.count())
        .join(Rating, Rating.commitment_id == Commitment.id)
        .group_by(Commitment.department_id, Rating.value)
    ):
        if dept in cards:
            cards[dept].ratings[value] = n

    ranked = sorted(
        (c for c in cards.values() if c.ranked),
        key=lambda c: (-c.on_time_rate, c["overdue"], -c.fell_due, c.department.id),
    )
    for position, card in enumerate(ranked, start=1):
        card.rank = position
    others = [c for c in cards.values() if not c.ranked and (c.total or c.department.active)]
    return ranked + sorted(others, key=lambda c: c.department.id)


@bp.route("/departments")
def departments():
    return render_template(
        "board/departments.html", cards=scorecards(local_today()), min_sample=min_sample()
    )


@bp.route("/deputies")
def deputies():
    rows = db.session.execute(
        select(Deputy, func.count(Call.id))
        .outerjoin(Call, Call.deputy_id == Deputy.id)
        .group_by(Deputy.id)
        .order_by(Deputy.id)
    ).all()
    return render_template("board/deputies.html", rows=rows)


@bp.route("/deputies/<int:deputy_id>")
def deputy(deputy_id: int):
    person = db.session.get(Deputy, deputy_id)
    if person is None:
        abort(404)
    calls = db.session.scalars(
        select(Call)
        .options(
            selectinload(Call.show),
            selectinload(Call.department),
            selectinload(Call.commitments).selectinload(Commitment.department),
        )
        .where(Call.deputy_id == deputy_id)
        .order_by(Call.received_at.desc(), Call.id.desc())
    ).all()
    return render_template("board/deputy.html", deputy=person, calls=calls)


# Atom feeds: the latest events on the public timeline.

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def atom_feed(title: str, self_url: str, page_url: str, events: list[Event]) -> Response:
    ET.register_namespace("", ATOM)

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "title", title)
    sub(feed, "id", self_url)
    sub(feed, "link", rel="self", href=self_url)
    sub(feed, "link", rel="alternate", href=page_url, type="text/html")
    updated = max((e.created_at for e in events), default=datetime(2000, 1, 1))
    sub(feed, "updated", _iso(updated))
    author = sub(feed, "author")
    sub(author, "name", _("Hotline"))
    today = local_today()
    for event in events:
        c = event.commitment
        url = url_for("board.commitment", commitment_id=c.id, _external=True)
        entry = sub(feed, "entry")
        sub(entry, "title", f"{event_label(event.kind)}: {c.pledge[:80]}")
        sub(entry, "id", f"{url}#event-{event.id}")
        sub(entry, "link", rel="alternate", href=url, type="text/html")
        sub(entry, "updated", _iso(event.created_at))
        sub(entry, "category", term=c.status(today).code.value)
        status = c.status(today)
        lines = [c.department.name, _("Deadline: %(date)s", date=c.deadline.isoformat())]
        if status.extended:  # an extension is always visible, in the feed too
            lines.append(
                _("Extended; original deadline %(date)s", date=c.original_deadline.isoformat())
            )
        lines.append(_("Status: %(status)s", status=status_text(status)))
        if event.redaction is not None:
            lines.append(_("The office withheld this entry's text and files from public view."))
        elif event.note:
            lines.append(event.note)
        sub(entry, "content", "\n".join(lines), type="text")
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


def _events(*where) -> list[Event]:
    return db.session.scalars(
        select(Event)
        .join(Event.commitment)
        .options(
            selectinload(Event.commitment).selectinload(Commitment.department),
            selectinload(Event.redaction),
        )
        .where(*where)
        .order_by(Event.created_at.desc(), Event.id.desc())
        .limit(FEED_SIZE)
    ).all()


@bp.route("/feed.atom")
def feed():
    return atom_feed(
        _("Commitment board"),
        url_for("board.feed", _external=True),
        url_for("board.index", _external=True),
        _events(),
    )


@bp.route("/departments/<int:department_id>/feed.atom")
def department_feed(department_id: int):
    dept = db.session.get(Department, department_id)
    if dept is None:
        abort(404)
    return atom_feed(
        _("Commitments of %(name)s", name=dept.name),
        url_for("board.department_feed", department_id=dept.id, _external=True),
        url_for("board.index", department=dept.id, _external=True),
        _events(Commitment.department_id == dept.id),
    )


@bp.route("/commitments/<int:commitment_id>/feed.atom")
def commitment_feed(commitment_id: int):
    item = db.session.get(Commitment, commitment_id)
    if item is None:
        abort(404)
    return atom_feed(
        _("Commitment #%(id)d", id=item.id),
        url_for("board.commitment_feed", commitment_id=item.id, _external=True),
        url_for("board.commitment", commitment_id=item.id, _external=True),
        _events(Event.commitment_id == item.id),
    )


# Live updates for the public pages. Call after the transaction commits; each
# pushes the same block the page itself renders.

# Everyone on the plain board gets the re-rendered first page (one render per
# locale, whatever the number of viewers). A filtered, sorted or later page
# cannot be rendered for everyone at once; there the pushed element makes that
# browser reload its own region once, so rows and totals never disagree;
# live.js spreads those reloads over a few seconds so they never arrive at once.
STALE_HTML = '<span id="board-stale" data-live-refetch-soon></span>'


def publish_board(changed: int | None = None) -> None:
    """Push the changed board: the first page to the plain view, a refresh to the others."""
    query = BoardQuery()
    live.publish(
        live.PUBLIC,
        "board",
        target='#board[data-view="default"]',
        swap="outerHTML",
        render=lambda: render_block(
            "board/index.html", "rows", **board_context(query, changed=changed)
        ),
    )
    live.publish(
        live.PUBLIC,
        "board",
        target='#board[data-view="custom"] #board-stale',
        swap="outerHTML",
        render=lambda: STALE_HTML,
    )


def publish_commitment(commitment: Commitment, *, new: bool = False) -> None:
    """A commitment was made or changed: update the board, its own page and
    the call it came from. (`new` is accepted for callers; the board is
    re-rendered either way, so a new row lands where the sort puts it.)"""
    # Checked before our own query, whose autoflush would hide unsaved changes.
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("publish_commitment() before commit: commit the transaction first")
    item = db.session.scalar(
        public_commitments()
        .options(
            selectinload(Commitment.events).selectinload(Event.attachments),
            selectinload(Commitment.events).selectinload(Event.redaction),
        )
        .where(Commitment.id == commitment.id)
    )
    publish_board(changed=item.id)
    publish_timeline(item)
    publish_call(item.call)
    if item.events and item.events[-1].kind == EventKind.VERIFIED:
        # Just verified as met: ratings open now for everyone watching. (Nobody
        # can have rated yet, so one rendering fits every browser.)
        live.publish(
            live.PUBLIC,
            f"commitment:{item.id}",
            target="#rating",
            swap="outerHTML",
            render=lambda: render_block(
                "board/commitment.html", "rating", **commitment_context(item), my_rating=None
            ),
        )


def publish_timeline(item: Commitment) -> None:
    """The commitment's own page: status, history and rating counts."""
    live.publish(
        live.PUBLIC,
        f"commitment:{item.id}",
        target="#timeline",
        swap="outerHTML",
        render=lambda: render_block(
            "board/commitment.html", "timeline", **commitment_context(item)
        ),
    )


def publish_call(call: Call, *, new: bool = False) -> None:
    """A call was logged or its outcome changed: update the show's public call list."""
    live.publish(
        live.PUBLIC,
        f"show:{call.show_id}",
        target="#call-list" if new else f"#call-{call.id}",
        swap="afterbegin" if new else "outerHTML",
        render=lambda: render_block("board/show.html", "call_row", call=call),
    )


def publish_show(show: Show) -> None:
    """The show went live or ended: its public page says so at once."""
    live.publish(
        live.PUBLIC,
        f"show:{show.id}",
        target="#show-status",
        swap="outerHTML",
        render=lambda: render_block("board/show.html", "show_status", show=show),
    )


# Citizens' questions (群众提问): sent before or during a show from the show's QR
# code (代表码), queued for the moderator, who puts them on air or declines them.


@bp.route("/shows/<int:show_id>/ask", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config.get("HOTLINE_QUESTION_LIMIT", "5 per hour"), methods=["POST"]
)
def ask(show_id: int):
    show = db.session.get(Show, show_id) or abort(404)
    form = QuestionForm()
    open_for_questions = show.status != ShowStatus.ENDED
    if open_for_questions and form.validate_on_submit():
        text = form.question.data
        # A double tap or a resend of the same question queues it once.
        duplicate = db.session.scalar(
            select(Question.id).where(
                Question.show_id == show.id,
                Question.text == text,
                Question.status == QuestionStatus.QUEUED,
            )
        )
        if not duplicate:
            db.session.add(
                Question(
                    show_id=show.id,
                    text=text,
                    area=form.area.data or "",
                    name=form.name.data or "",
                    phone=form.phone.data or "",
                )
            )
            db.session.commit()
            from .desk import publish_questions

            publish_questions(show)
        flash(_("Thank you. Your question is with the show's moderator."), "success")
        return redirect(url_for("board.show", show_id=show.id), 303)
    refused = request.method == "POST" and not open_for_questions
    status = 422 if form.errors else (409 if refused else 200)
    return render_template(
        "board/ask.html", show=show, form=form, open_for_questions=open_for_questions
    ), status


@bp.route("/shows/<int:show_id>/ask/qr.svg")
def ask_qr(show_id: int):
    if db.session.get(Show, show_id) is None:
        abort(404)
    return qr_response(url_for("board.ask", show_id=show_id, _external=True))
