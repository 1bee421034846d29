"""Filters by the office's category and area on every surface: the board (page,
htmx fragment, links that keep them), the open data (JSON, CSV, OpenAPI), the
Atom feeds and the three lists. An area includes everything inside it; an id
nobody has is an empty answer on the pages and a 400 naming the parameter on
the API, never a 500."""

from __future__ import annotations

import csv
import io
import re
from xml.etree import ElementTree as ET

import pytest
from places_support import add_items, seed_places
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Area, Call, Commitment, Event

ROW = re.compile(r'<tr id="commitment-(\d+)"')
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def places(app):
    return seed_places(app)


def items_of(app, *areas: int, category: int | None = None) -> set[int]:
    """The board items whose call is in one of these areas (and of the category)."""
    with app.app_context():
        stmt = select(Commitment.id).join(Call, Commitment.call_id == Call.id)
        if areas:
            stmt = stmt.where(Call.area_id.in_(areas))
        if category:
            stmt = stmt.where(Call.category_id == category)
        return set(db.session.scalars(stmt))


def board(client, query: str) -> set[int]:
    response = client.get(f"/?per_page=50&{query}")
    assert response.status_code == 200
    return {int(i) for i in ROW.findall(response.text)}


def test_the_board_filtered_by_a_district_includes_its_streets_items(app, client, places):
    streets = (places.fenghuang, places.community, places.gulou)
    expected = items_of(app, *streets)
    assert expected and items_of(app, places.community)  # a community's item among them
    assert board(client, f"area={places.district}") == expected
    # A street: its own items and its community's, not its sister street's.
    assert board(client, f"area={places.fenghuang}") == items_of(
        app, places.fenghuang, places.community
    )
    assert board(client, f"area={places.community}") == items_of(app, places.community)
    # Another district has nothing of the first.
    assert board(client, f"area={places.huarong}") == items_of(app, places.huarong)
    assert not board(client, f"area={places.huarong}") & expected


def test_category_and_area_filters_combine(app, client, places):
    housing = places.categories["住房"]
    expected = items_of(app, places.fenghuang, places.community, places.gulou, category=housing)
    assert expected
    assert board(client, f"category={housing}") == items_of(app, category=housing)
    assert board(client, f"category={housing}&area={places.district}") == expected


def test_unknown_ids_are_an_empty_board_that_says_so(client, places):
    for query in ("area=999999", "category=999999", "area=0", "area=x", "category=-3"):
        response = client.get(f"/?lang=en&{query}")
        assert response.status_code == 200
    html = client.get("/?lang=en&area=999999").text
    assert not ROW.findall(html)
    assert "No commitments match these filters." in html
    assert "Unknown area 999999" in html  # the select says what it filters
    # Ids that no row could have filter nothing (as the board's other id filters).
    assert ROW.findall(client.get("/?lang=en&area=x").text)


def test_the_board_offers_active_categories_and_the_area_hierarchy(client, places):
    html = client.get("/?lang=en").text
    select_html = html[html.index('id="filter-area"') :]
    select_html = select_html[: select_html.index("</select>")]
    names = re.findall(r'data-depth="(\d)"[^>]*>([^<]*)</option>', select_html)
    shown = [(int(depth), text.replace("\u3000", "").replace("└ ", "")) for depth, text in names]
    # Each district followed by its streets, each street by its communities.
    assert shown == [
        (0, "华容区"),
        (0, "鄂城区"),
        (1, "凤凰街道"),
        (2, "凤凰社区"),
        (1, "古楼街道"),
    ]
    assert "梁子湖区" not in select_html  # retired
    categories = html[html.index('id="filter-category"') :]
    categories = categories[: categories.index("</select>")]
    assert all(name in categories for name in ("住房", "城管", "交通", "水利", "环境"))
    # A retired area chosen in a shared link is still named, marked retired.
    html = client.get(f"/?lang=en&area={places.retired}").text
    assert re.search(rf'value="{places.retired}"[^>]* selected>梁子湖区 \(retired\)', html)


def test_filters_stick_to_pages_feeds_and_csv_links_and_work_as_fragments(app, client, places):
    housing = places.categories["住房"]
    html = client.get(f"/?per_page=2&area={places.district}&category={housing}").text
    nav = html[html.index('class="pagination"') :]
    assert f"area={places.district}" in nav and f"category={housing}" in nav
    csv_link = re.search(r'href="(/api/v1/commitments\.csv[^"]*)"', html).group(1)
    assert f"area={places.district}" in csv_link and f"category={housing}" in csv_link
    feed_link = re.search(r'class="board-feeds" href="([^"]*feed\.atom[^"]*)"', html).group(1)
    assert f"area={places.district}" in feed_link
    assert re.search(rf'id="filter-area".*value="{places.district}"[^>]* selected', html, re.S)
    # htmx asks for the rows only; the same filter applies.
    fragment = client.get(f"/?area={places.district}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert {int(i) for i in ROW.findall(fragment.text)} <= items_of(
        app, places.fenghuang, places.community, places.gulou
    )
    assert f"area={places.district}" in re.search(
        r'data-live-refetch="([^"]*)"', fragment.text
    ).group(1)


def test_the_api_filters_by_category_and_area_and_refuses_unknown_ids(app, client, places):
    expected = items_of(app, places.fenghuang, places.community, places.gulou)
    body = client.get(f"/api/v1/commitments?area={places.district}&per_page=100").json
    assert {row["id"] for row in body["data"]} == expected and body["total"] == len(expected)
    assert f"area={places.district}" in body["links"]["self"]
    housing = places.categories["住房"]
    body = client.get(f"/api/v1/commitments?category={housing}&per_page=100").json
    assert {row["id"] for row in body["data"]} == items_of(app, category=housing)
    for name in ("area", "category"):
        refused = client.get(f"/api/v1/commitments?{name}=999999")
        assert refused.status_code == 400
        assert refused.json["parameter"] == name
        assert refused.json["error"] == f"{name}: there is no {name} 999999"
        assert client.get(f"/api/v1/commitments.csv?{name}=0").status_code == 400


def test_the_csv_export_keeps_the_filter(app, client, places):
    response = client.get(f"/api/v1/commitments.csv?area={places.fenghuang}")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {int(r["id"]) for r in rows} == items_of(app, places.fenghuang, places.community)


def test_the_openapi_document_names_the_filters(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/commitments", "/api/v1/commitments.csv"):
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert {"category", "area"} <= names


def feed_items(response) -> set[int]:
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    links = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
    return {int(re.search(r"/commitments/(\d+)", link).group(1)) for link in links}, root


def test_the_feeds_filter_by_area_and_category(app, client, places):
    expected = items_of(app, places.fenghuang, places.community, places.gulou)
    shown, root = feed_items(client.get(f"/feed.atom?area={places.district}"))
    assert shown and shown <= expected
    with app.app_context():  # every item of the district with an event is in the feed
        with_events = set(
            db.session.scalars(select(Event.commitment_id).where(Event.commitment_id.in_(expected)))
        )
    assert shown == with_events
    self_link = next(k for k in root.findall(f"{ATOM}link") if k.get("rel") == "self")
    assert f"area={places.district}" in self_link.get("href")
    everything_id = ET.fromstring(client.get("/feed.atom").data).find(f"{ATOM}id").text
    assert root.find(f"{ATOM}id").text != everything_id  # a feed of its own
    housing = places.categories["住房"]
    shown, _root = feed_items(client.get(f"/departments/1/feed.atom?category={housing}"))
    with app.app_context():
        of_housing = set(
            db.session.scalars(
                select(Commitment.id)
                .join(Call, Commitment.call_id == Call.id)
                .where(Call.category_id == housing, Commitment.department_id == 1)
            )
        )
    assert shown and shown <= of_housing
    empty, _root = feed_items(client.get("/feed.atom?area=999999"))
    assert empty == set()


def list_ids(html: str) -> list[str]:
    return re.findall(r'<a href="(/(?:shows|commitments)/\d+)"', html[html.index('id="list"') :])


def test_the_three_lists_filter_by_area_with_its_children(app, client, places):
    period = "2026"
    with app.app_context():
        years = {c.received_at.year for c in db.session.scalars(select(Call))}
        period = str(max(years))
        in_district = db.session.scalars(
            select(Call).where(
                Call.area_id.in_(select(Area.id).where(Area.path.contains(f"/{places.district}/")))
            )
        ).all()
        topics = {c.topic for c in in_district if c.received_at.year == int(period)}
        others = {
            c.topic
            for c in db.session.scalars(select(Call))
            if c.received_at.year == int(period) and c not in in_district
        }
    html = client.get(f"/lists/suggestions?period={period}&area={places.district}").text
    assert topics and all(t in html for t in topics)
    assert not any(t in html for t in others - topics)
    assert "data-filters-applied" in html and "鄂城区" in html
    # The CSV and the QR code keep the filter; so does the picker.
    assert f"format=csv&amp;area={places.district}" in html or (
        f"area={places.district}&amp;format=csv" in html
    )
    exported = client.get(f"/lists/suggestions?period={period}&area={places.district}&format=csv")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))[1:]
    assert {row[4] for row in rows} == topics
    expected = items_of(app, places.fenghuang, places.community, places.gulou)
    for kind in ("assignments", "results"):
        html = client.get(f"/lists/{kind}?period={period}&area={places.district}").text
        shown = {int(i) for i in re.findall(r'href="/commitments/(\d+)"', html)}
        assert shown and shown <= expected
    html = client.get(f"/lists/assignments?period={period}&category=999999").text
    assert (
        "Nothing in this period."
        in client.get(f"/lists/assignments?period={period}&category=999999&lang=en").text
    )
    assert html.count('href="/commitments/') == 0


def test_a_filtered_board_takes_as_many_queries_with_more_rows(app, client, places, count_queries):
    city = places.categories["城管"]
    url = f"/?area={places.district}&category={city}"
    add_items(app, 60, start=1000, area=places.community, category=city)
    client.get(url)
    with count_queries() as before:
        assert client.get(url).status_code == 200
    add_items(app, 300, start=2000, area=places.gulou, category=city)
    with count_queries() as after:
        html = client.get(url).text
    assert len(ROW.findall(html)) == 50
    assert after[0] == before[0] <= 13


def test_an_item_from_a_deputy_code_message_takes_the_messages_area(app, client, places):
    """A 代表码 item has no call: the message's category and area count."""
    from datetime import timedelta

    from hotline.clock import today as local_today
    from hotline.models import Deputy, DeputyMessage

    with app.app_context():
        deputy_id = db.session.scalar(select(Deputy.id).limit(1))
        message = DeputyMessage(
            deputy_id=deputy_id, text="私信内容", summary="东港村村口路灯损坏", status="assigned",
            area_id=places.community, category_id=places.categories["城管"],
        )  # fmt: skip
        db.session.add(message)
        db.session.flush()
        deadline = local_today() + timedelta(days=10)
        item = Commitment(
            message_id=message.id, department_id=1, pledge="修复村口路灯", official_name="",
            deadline=deadline, original_deadline=deadline, state="open",
        )  # fmt: skip
        db.session.add(item)
        db.session.commit()
        item_id = item.id
    assert item_id in board(client, f"area={places.district}")
    assert item_id in board(client, f"category={places.categories['城管']}")
    assert item_id not in board(client, f"area={places.gulou}")
    api = client.get(f"/api/v1/commitments?area={places.fenghuang}&per_page=100").json
    assert item_id in {row["id"] for row in api["data"]}
