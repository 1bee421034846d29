"""Atom feeds of the latest entries on the public timeline, one per language
(`?lang=en`; Chinese without it), with ids that never depend on the Host header."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from flask import Response, abort, current_app, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..clock import today
from ..config import LOCALES
from ..extensions import db
from ..labels import event_label, item_title, source_text, status_text
from ..models import Call, Commitment, Department, Event
from ..queries.changes import last_change
from ..queries.places import item_conditions, place_arg
from ..queries.shows import latest_events
from . import bp

ATOM = "http://www.w3.org/2005/Atom"
FEED_MAX_AGE = 60  # seconds, as the open data's
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# What XML 1.0 allows in a document: no C0 controls but tab and newlines, no
# surrogates, no U+FFFE / U+FFFF.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Stored text made safe for an XML document: illegal characters dropped."""
    return NOT_XML.sub("", text)


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def tag_uri(specific: str) -> str:
    """A tag: URI (RFC 4151) under the configured site name, not the request's host."""
    config = current_app.config
    return f"tag:{config['HOTLINE_SITE_NAME']},{config['HOTLINE_TAG_DATE']}:{specific}"


def feed_locale() -> str:
    """The feed's language comes from its address only (a reader keeps no cookies)."""
    asked = request.args.get("lang")
    return asked if asked in LOCALES and asked != "zh_CN" else "zh_CN"


def lang_arg(locale: str) -> dict:
    return {} if locale == "zh_CN" else {"lang": locale}


def atom_feed(
    title: str, specific: str, endpoint: str, page_url: str, events: list[Event], **values
) -> Response:
    ET.register_namespace("", ATOM)
    locale = feed_locale()

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(
            parent, f"{{{ATOM}}}{tag}", {k: xml_text(str(v)) for k, v in attrs.items()}
        )
        if text is not None:
            el.text = xml_text(text)
        return el

    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: "en" if locale == "en" else "zh-CN"})
    with force_locale(locale):
        sub(feed, "title", title)
        sub(feed, "id", tag_uri(f"{specific}/{'en' if locale == 'en' else 'zh-CN'}"))
        self_url = url_for(endpoint, _external=True, **values, **lang_arg(locale))
        sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
        sub(feed, "link", rel="alternate", href=page_url, type="text/html")
        for other in LOCALES:
            if other != locale:
                href = url_for(endpoint, _external=True, **values, **lang_arg(other))
                hreflang = "en" if other == "en" else "zh-CN"
                sub(feed, "link", rel="alternate", href=href, hreflang=hreflang,
                    type="application/atom+xml")  # fmt: skip
        updated = max((e.created_at for e in events), default=datetime(2000, 1, 1))
        sub(feed, "updated", _iso(updated))
        author = sub(feed, "author")
        sub(author, "name", _("Hotline"))
        day = today()
        for event in events:
            c = event.commitment
            url = url_for("public.commitment", commitment_id=c.id, _external=True)
            entry = sub(feed, "entry")
            sub(entry, "title", f"{event_label(event.kind)}: {c.pledge[:80]}")
            sub(entry, "id", tag_uri(f"commitment/{c.id}/event/{event.id}"))
            sub(entry, "link", rel="alternate", href=url, type="text/html")
            sub(entry, "updated", _iso(event.created_at))
            status = c.status(day)
            sub(entry, "category", term=status.code.value)
            lines = [
                c.department.name,
                source_text(c),  # the show and call, or 代表码
                _("Deadline: %(date)s", date=c.deadline.isoformat()),
            ]
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
    return conditional(Response(body, mimetype="application/atom+xml"))


def conditional(response: Response) -> Response:
    """A feed reader polls: ETag and Last-Modified as the open data API has
    them (the same last change), so an unchanged feed is a bodiless 304."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    response.last_modified = min(last_change(), now)
    response.cache_control.max_age = FEED_MAX_AGE
    if session.modified:  # ?lang= is being remembered in a cookie: not for shared caches
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.add_etag()
    return response.make_conditional(request)


def places() -> tuple[dict, list, str]:
    """The feed's category and area filters (queries/places.py; an area takes
    in its streets and communities) from its address: (the values for its
    links, the conditions on Event, the part of its id they make)."""
    values = {name: place_arg(request.args, name) for name in ("category", "area")}
    values = {name: value for name, value in values.items() if value}
    if not values:
        return {}, [], ""
    items = (
        select(Commitment.id)
        .outerjoin(Call, Commitment.call_id == Call.id)
        .where(*item_conditions(values.get("category"), values.get("area")))
    )
    specific = "".join(f"/{name}/{value}" for name, value in values.items())
    return values, [Event.commitment_id.in_(items)], specific


@bp.route("/feed.atom")
def feed():
    with force_locale(feed_locale()):
        title = _("Commitment board")
    values, where, specific = places()
    return atom_feed(
        title,
        f"feed/board{specific}",
        "public.feed",
        url_for("public.index", _external=True, **values, **lang_arg(feed_locale())),
        latest_events(*where),
        **values,
    )


@bp.route("/departments/<int:department_id>/feed.atom")
def department_feed(department_id: int):
    dept = db.session.get(Department, department_id)
    if dept is None:
        abort(404)
    with force_locale(feed_locale()):
        title = _("Commitments of %(name)s", name=dept.name)
    values, where, specific = places()
    return atom_feed(
        title,
        f"feed/department/{dept.id}{specific}",
        "public.department_feed",
        url_for(
            "public.index",
            department=dept.id,
            _external=True,
            **values,
            **lang_arg(feed_locale()),
        ),
        latest_events(Commitment.department_id == dept.id, *where),
        department_id=dept.id,
        **values,
    )


@bp.route("/commitments/<int:commitment_id>/feed.atom")
def commitment_feed(commitment_id: int):
    item = db.session.get(Commitment, commitment_id)
    if item is None:
        abort(404)
    with force_locale(feed_locale()):
        title = item_title(item)
    return atom_feed(
        title,
        f"feed/commitment/{item.id}",
        "public.commitment_feed",
        url_for(
            "public.commitment", commitment_id=item.id, _external=True, **lang_arg(feed_locale())
        ),
        latest_events(Event.commitment_id == item.id),
        commitment_id=item.id,
    )
