"""Public pages (no login): the board of commitments, shows, departments."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from . import live
from .extensions import db
from .models import Call, Commitment, Department, Show
from .web import page_or_block, render_block

bp = Blueprint("board", __name__)


def public_commitments():
    """Commitments with what a public row shows, loaded in a fixed number of queries."""
    return select(Commitment).options(
        selectinload(Commitment.department),
        selectinload(Commitment.call).selectinload(Call.show),
    )


@bp.route("/")
def index():
    commitments = db.session.scalars(
        public_commitments().order_by(Commitment.deadline, Commitment.id)
    ).all()
    return page_or_block("board/index.html", "rows", commitments=commitments)


@bp.route("/commitments/<int:commitment_id>")
def commitment(commitment_id: int):
    item = db.session.scalar(
        public_commitments()
        .options(selectinload(Commitment.events))
        .where(Commitment.id == commitment_id)
    )
    if item is None:
        abort(404)
    return page_or_block("board/commitment.html", "timeline", c=item)


@bp.route("/shows")
def shows():
    rows = db.session.execute(
        select(Show, func.count(Call.id))
        .outerjoin(Call, Call.show_id == Show.id)
        .group_by(Show.id)
        .order_by(Show.starts_at.desc())
    ).all()
    return render_template("board/shows.html", rows=rows)


@bp.route("/shows/<int:show_id>")
def show(show_id: int):
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
    return page_or_block("board/show.html", "calls", show=item)


@bp.route("/departments")
def departments():
    rows = db.session.scalars(
        select(Department).where(Department.active.is_(True)).order_by(Department.id)
    ).all()
    return render_template("board/departments.html", departments=rows)


# Live updates for the public pages. Call after the transaction commits; each
# pushes the same block the page itself renders.


def publish_commitment(commitment: Commitment, *, new: bool = False) -> None:
    """A commitment was made or changed: update the board row, its own page and
    the call it came from."""
    item = db.session.scalar(
        public_commitments()
        .options(selectinload(Commitment.events))
        .where(Commitment.id == commitment.id)
    )
    live.publish(
        live.PUBLIC,
        "board",
        target="#board-rows" if new else f"#commitment-{item.id}",
        swap="afterbegin" if new else "outerHTML",
        render=lambda: render_block("board/index.html", "row", c=item),
    )
    live.publish(
        live.PUBLIC,
        f"commitment:{item.id}",
        target="#timeline",
        swap="outerHTML",
        render=lambda: render_block("board/commitment.html", "timeline", c=item),
    )
    publish_call(item.call)


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
