"""Atom feeds: the whole board, a department, one commitment. They parse."""

import re
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
    links = {
        link.get("rel"): link.get("href")
        for link in root.findall(f"{A}link")
        if link.get("type") != "application/atom+xml" or link.get("rel") == "self"
    }
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
        from hotline.changes.commitments import add_event
        from hotline.models import EventKind

        add_event(item, EventKind.PROGRESS, None, note="<script>alert(1)</script> & done")
        db.session.commit()
        cid = item.id
    root = parse(client.get(f"/commitments/{cid}/feed.atom"))
    contents = [e.find(f"{A}content").text for e in entries(root)]
    assert any("<script>alert(1)</script> & done" in c for c in contents)  # as text, parsed back
    assert b"<script>" not in client.get(f"/commitments/{cid}/feed.atom").data


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_each_language_is_its_own_feed(client):
    for url in ("/feed.atom", "/departments/1/feed.atom", "/commitments/1/feed.atom"):
        zh, en = parse(client.get(url)), parse(client.get(url + "?lang=en"))
        assert (zh.get(XML_LANG), en.get(XML_LANG)) == ("zh-CN", "en"), url
        assert zh.find(f"{A}id").text != en.find(f"{A}id").text, url
        self_zh = zh.find(f"{A}link[@rel='self']").get("href")
        self_en = en.find(f"{A}link[@rel='self']").get("href")
        assert self_zh.endswith(url) and self_en.endswith(url + "?lang=en"), url
        page_en = en.find(f"{A}link[@rel='alternate'][@type='text/html']").get("href")
        assert page_en.endswith("lang=en"), url
        # Each points at the other language.
        other = zh.find(f"{A}link[@hreflang='en']")
        assert other is not None and other.get("href") == self_en, url
    # The language comes from the address, not from what the session remembers.
    client.get("/?lang=en")
    assert parse(client.get("/feed.atom")).get(XML_LANG) == "zh-CN"


def test_ids_are_tag_uris_that_ignore_the_host(app, client):
    app.config["HOTLINE_SITE_NAME"] = "hotline.example.cn"
    one = parse(client.get("/feed.atom", headers={"Host": "a.example"}))
    two = parse(client.get("/feed.atom", headers={"Host": "b.example"}))
    ids = [e.find(f"{A}id").text for e in entries(one)]
    assert ids == [e.find(f"{A}id").text for e in entries(two)]
    assert one.find(f"{A}id").text == "tag:hotline.example.cn,2026:feed/board/zh-CN"
    assert all(
        re.fullmatch(r"tag:hotline\.example\.cn,2026:commitment/\d+/event/\d+", i) for i in ids
    )


def test_stored_text_can_never_make_the_feed_invalid_xml(app, client):
    from hotline.changes.commitments import add_event
    from hotline.models import EventKind

    with app.app_context():
        item = db.session.scalar(select(Commitment).order_by(Commitment.id).limit(1))
        item.pledge = "修路\x01\x0b承诺\ufffe"
        add_event(item, EventKind.PROGRESS, None, note="进展\x00\x1f\uffff完成")
        db.session.commit()
        cid, dept = item.id, item.department_id
    for url in (f"/commitments/{cid}/feed.atom", f"/departments/{dept}/feed.atom", "/feed.atom"):
        root = parse(client.get(url))  # parses: nothing illegal got through
        texts = [e.find(f"{A}content").text for e in entries(root)]
        assert any("进展完成" in t for t in texts), url
        assert any("修路承诺" in e.find(f"{A}title").text for e in entries(root)), url


def test_xml_text_drops_only_what_xml_forbids():
    from hotline.public.feeds import xml_text

    assert xml_text("a\tb\nc\rd") == "a\tb\nc\rd"
    assert xml_text("\x00\x08\x0b\x0c\x1f\ud800\udfff\ufffe\uffff") == ""
    assert (
        xml_text("代表专线 😀 \u2028 \ue000 \U0010ffff") == "代表专线 😀 \u2028 \ue000 \U0010ffff"
    )


def feed_links(html: str) -> list[str]:
    return re.findall(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html
    )


def test_every_page_with_a_feed_advertises_it_in_its_language(client):
    assert feed_links(client.get("/?lang=zh_CN").text) == ["/feed.atom"]
    assert feed_links(client.get("/?lang=en").text) == ["/feed.atom?lang=en"]
    filtered = feed_links(client.get("/?department=2&lang=zh_CN").text)
    assert filtered == ["/departments/2/feed.atom", "/feed.atom"]
    assert "/departments/2/feed.atom" in client.get("/?department=2").text  # the visible link too
    departments = feed_links(client.get("/departments?lang=en").text)
    assert departments and all(
        re.fullmatch(r"/departments/\d+/feed.atom\?lang=en", h) for h in departments
    )
    commitment = feed_links(client.get("/commitments/1?lang=en").text)
    assert commitment[0] == "/commitments/1/feed.atom?lang=en" and len(commitment) == 2
    for href in ("/feed.atom?lang=en", *departments, *commitment):
        assert client.get(href).status_code == 200, href


def test_an_unchanged_feed_is_a_304_until_something_changes(app, client):
    from datetime import date

    from hotline.changes.commitments import add_event
    from hotline.models import EventKind

    with app.app_context():
        first_item = db.session.scalar(select(Commitment).order_by(Commitment.id).limit(1))
        item_id, department_id = first_item.id, first_item.department_id
    feeds = (
        "/feed.atom",
        "/feed.atom?lang=en",
        f"/departments/{department_id}/feed.atom",
        f"/commitments/{item_id}/feed.atom",
    )
    seen = {}
    for url in feeds:
        reader = app.test_client()  # a feed reader keeps no cookie
        first = reader.get(url)
        assert first.status_code == 200
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert "max-age=60" in first.headers["Cache-Control"]
        same = reader.get(url, headers={"If-None-Match": etag})
        assert same.status_code == 304 and same.data == b"", url
        since = reader.get(url, headers={"If-Modified-Since": modified})
        assert since.status_code == 304, url
        seen[url] = etag
    with app.app_context():
        item = db.session.get(Commitment, item_id)
        item.deadline = date(2031, 1, 1)
        add_event(item, EventKind.PROGRESS, None, note="新的进展")
        db.session.commit()
    for url in feeds:
        changed = app.test_client().get(url, headers={"If-None-Match": seen[url]})
        assert changed.status_code == 200 and changed.headers["ETag"] != seen[url], url
        assert "新的进展" in changed.get_data(as_text=True), url
