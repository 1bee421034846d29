"""Atom feeds of the latest entries on the public timeline."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from flask import Response, abort, url_for
from flask_babel import gettext as _

from ..clock import today
from ..extensions import db
from ..labels import event_label, item_title, status_text
from ..models import Commitment, Department, Event
from ..queries.shows import latest_events
from . import bp

ATOM = "http://www.w3.org/2005/Atom"


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
    day = today()
    for event in events:
        c = event.commitment
        url = url_for("board.commitment", commitment_id=c.id, _external=True)
        entry = sub(feed, "entry")
        sub(entry, "title", f"{event_label(event.kind)}: {c.pledge[:80]}")
        sub(entry, "id", f"{url}#event-{event.id}")
        sub(entry, "link", rel="alternate", href=url, type="text/html")
        sub(entry, "updated", _iso(event.created_at))
        sub(entry, "category", term=c.status(day).code.value)
        status = c.status(day)
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


@bp.route("/feed.atom")
def feed():
    return atom_feed(
        _("Commitment board"),
        url_for("board.feed", _external=True),
        url_for("board.index", _external=True),
        latest_events(),
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
        latest_events(Commitment.department_id == dept.id),
    )


@bp.route("/commitments/<int:commitment_id>/feed.atom")
def commitment_feed(commitment_id: int):
    item = db.session.get(Commitment, commitment_id)
    if item is None:
        abort(404)
    return atom_feed(
        item_title(item),
        url_for("board.commitment_feed", commitment_id=item.id, _external=True),
        url_for("board.commitment", commitment_id=item.id, _external=True),
        latest_events(Event.commitment_id == item.id),
    )
