"""Atom feeds: the whole board, a department, one commitment. They parse."""

from xml.etree import ElementTree as ET

from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Commitment, Event

A = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{A}feed"
    for tag in ("title", "id", "updated"):
        assert root.find(f"{A}{tag}") is not None and root.find(f"{A}{tag}").text
    return root


def entries(root):
    return root.findall(f"{A}entry")


def test_board_feed_lists_the_latest_events(app, client):
    root = parse(client.get("/feed.atom"))
    items = entries(root)
    with app.app_context():
        n = db.session.query(Event).count()
    assert len(items) == min(n, 50)
    ids = [e.find(f"{A}id").text for e in items]
    assert len(set(ids)) == len(ids)
    for entry in items:
        assert entry.find(f"{A}title").text
        assert entry.find(f"{A}updated").text.endswith("Z")
        assert "/commitments/" in entry.find(f"{A}link").get("href")
    # The self link points at the feed, the alternate at the board.
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert links["self"].endswith("/feed.atom") and links["alternate"].endswith("/")
    assert '<link rel="alternate" type="application/atom+xml"' in client.get("/").text


def test_department_and_commitment_feeds(app, client):
    with app.app_context():
        item = db.session.scalar(select(Commitment).order_by(Commitment.id).limit(1))
        cid, dept, pledge = item.id, item.department_id, item.pledge
        own_events = len(item.events)
        dept_ids = set(
            db.session.scalars(select(Commitment.id).where(Commitment.department_id == dept))
        )
    root = parse(client.get(f"/commitments/{cid}/feed.atom?lang=en"))
    assert len(entries(root)) == own_events
    assert all(pledge[:20] in e.find(f"{A}title").text for e in entries(root))
    root = parse(client.get(f"/departments/{dept}/feed.atom"))
    hrefs = {e.find(f"{A}link").get("href").rsplit("/", 1)[1] for e in entries(root)}
    assert hrefs and {int(h) for h in hrefs} <= dept_ids
    assert client.get("/departments/999/feed.atom").status_code == 404
    assert client.get("/commitments/999/feed.atom").status_code == 404


def test_feed_text_is_escaped(app, client):
    with app.app_context():
        item = db.session.scalar(select(Commitment).order_by(Commitment.id).limit(1))
        from hotline.commitments import add_event
        from hotline.models import EventKind

        add_event(item, EventKind.PROGRESS, None, note="<script>alert(1)</script> & done")
        db.session.commit()
        cid = item.id
    root = parse(client.get(f"/commitments/{cid}/feed.atom"))
    contents = [e.find(f"{A}content").text for e in entries(root)]
    assert any("<script>alert(1)</script> & done" in c for c in contents)  # as text, parsed back
    assert b"<script>" not in client.get(f"/commitments/{cid}/feed.atom").data
