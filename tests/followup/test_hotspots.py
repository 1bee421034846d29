"""Hot spots (问题热点): the report's numbers on a seeded year nobody else uses
(2024), counted by hand; the levels and periods; both languages; the CSV; the
office's link that proposes a hot spot as a topic of the next show; a fixed
number of statements whatever the rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from places_support import seed_places
from sqlalchemy import insert, select

from hotline.extensions import db
from hotline.models import Call, Commitment, Repeat, Show


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=4)  # noon in Asia/Shanghai


@pytest.fixture
def seeded(app):
    """The calls and items of 2024 (and one of 2023), in the demo's areas:

    call  day         area             category  note
    c1    2024-05-10  凤凰社区 (community of 凤凰街道)  住房  raised again (radar)
    c2    2024-05-11  凤凰街道          住房
    c3    2024-06-02  凤凰街道          住房
    c8    2024-05-12  凤凰街道          住房      a duplicate of c2 (并单)
    c4    2023-08-01  凤凰街道          住房      the year before
    c5    2024-02-01  古楼街道          城管      raised again
    c6    2024-03-01  鄂城区 (district) 城管
    c7    2024-04-01  (not mapped)      城管

    items: c1 met on time; c2 open, overdue; c3 met late, and one withdrawn;
    c5 open, overdue; c8 met on time (not counted: a duplicate's item).
    """
    places = seed_places(app, map_calls=False)
    housing, city = places.categories["住房"], places.categories["城管"]
    with app.app_context():
        show = Show(title="2024 测试场次", starts_at=at("2024-02-01"), status="ended")
        db.session.add(show)
        db.session.flush()
        spec = {
            "c1": ("2024-05-10", places.community, housing),
            "c2": ("2024-05-11", places.fenghuang, housing),
            "c3": ("2024-06-02", places.fenghuang, housing),
            "c8": ("2024-05-12", places.fenghuang, housing),
            "c4": ("2023-08-01", places.fenghuang, housing),
            "c5": ("2024-02-01", places.gulou, city),
            "c6": ("2024-03-01", places.district, city),
            "c7": ("2024-04-01", None, city),
        }
        calls = {}
        for n, (name, (day, area, category)) in enumerate(spec.items(), start=1):
            call = Call(show_id=show.id, number=n, topic=f"保密的话题 {name}",
                        received_at=at(day), area_id=area, category_id=category)  # fmt: skip
            db.session.add(call)
            db.session.flush()
            calls[name] = call
        calls["c8"].duplicate_of_id = calls["c2"].id
        db.session.add_all(
            [
                Repeat(call_id=calls["c1"].id, kind="call", item_id=calls["c4"].id),
                Repeat(call_id=calls["c5"].id, kind="call", item_id=calls["c6"].id),
            ]
        )

        def item(name, made, state, deadline, original=None, completed=None):
            return {
                "call_id": calls[name].id, "department_id": 1, "pledge": f"承诺 {name}",
                "official_name": "official", "state": state, "created_at": at(made),
                "deadline": date.fromisoformat(deadline),
                "original_deadline": date.fromisoformat(original or deadline),
                "completed_on": date.fromisoformat(completed) if completed else None,
            }  # fmt: skip

        db.session.execute(
            insert(Commitment),
            [
                item("c1", "2024-05-10", "met", "2024-06-01", completed="2024-05-20"),
                item("c2", "2024-05-11", "open", "2024-07-01"),
                item("c3", "2024-06-02", "met", "2024-07-01", completed="2024-08-01"),
                item("c3", "2024-06-02", "withdrawn", "2024-07-01"),
                item("c5", "2024-02-01", "open", "2024-04-01"),
                item("c8", "2024-05-12", "met", "2024-06-01", completed="2024-05-20"),
            ],
        )
        db.session.commit()
    return places


COLUMNS = ["calls", "previous", "repeats", "repeat_rate", "made", "met_on_time",
           "on_time_rate", "overdue", "overdue_rate"]  # fmt: skip


def table(html: str) -> dict[tuple[str, str], list[str]]:
    """{(area, category): [cells…]} of the report's table, and ("Total", "")."""
    body = html[html.index('id="hotspots"') :]
    body = body[: body.index("</table>")]
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]:
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        found[(cells[0], cells[1])] = cells[2 : 2 + len(COLUMNS)]
    return found


def test_the_report_counts_what_was_counted_by_hand(client, seeded):
    html = client.get("/lists/hotspots?period=2024&level=street&lang=en").text
    rows = table(html)
    assert rows == {
        ("鄂城区 · 凤凰街道", "住房"): ["4", "1", "1", "25%", "3", "1", "33.3%", "1", "33.3%"],
        ("鄂城区 · 古楼街道", "城管"): ["1", "0", "1", "100%", "1", "0", "0%", "1", "100%"],
        ("鄂城区", "城管"): ["1", "0", "0", "0%", "0", "0", "", "0", ""],
        ("Area not yet mapped", "城管"): ["1", "0", "0", "0%", "0", "0", "", "0", ""],
        ("Total", ""): ["7", "1", "2", "28.6%", "4", "1", "25%", "2", "50%"],
    }
    # Hottest first: most calls, then most raised again.
    order = [key for key in rows if key[0] != "Total"]
    assert order[:2] == [("鄂城区 · 凤凰街道", "住房"), ("鄂城区 · 古楼街道", "城管")]
    assert "保密的话题" not in html  # counts only: no call's words
    assert "(2023)" in html  # the period before is named


def test_districts_take_in_their_streets_and_communities(client, seeded):
    rows = table(client.get("/lists/hotspots?period=2024&level=district&lang=en").text)
    assert rows[("鄂城区", "住房")][:5] == ["4", "1", "1", "25%", "3"]
    assert rows[("鄂城区", "城管")] == ["2", "0", "1", "50%", "1", "0", "0%", "1", "100%"]
    assert len(rows) == 4  # 住房, 城管, not mapped, total


def test_quarters_and_months_compare_with_the_period_before(client, seeded):
    rows = table(client.get("/lists/hotspots?period=2024-Q2&lang=en").text)
    # Q1's calls (c5, c6) are only "the period before": no spot of Q2, but in
    # the total of the period before.
    assert rows == {
        ("鄂城区 · 凤凰街道", "住房"): ["4", "0", "1", "25%", "3", "1", "33.3%", "1", "33.3%"],
        ("Area not yet mapped", "城管"): ["1", "0", "0", "0%", "0", "0", "", "0", ""],
        ("Total", ""): ["5", "2", "1", "20%", "3", "1", "33.3%", "1", "33.3%"],
    }
    rows = table(client.get("/lists/hotspots?period=2024-05&lang=en").text)
    assert rows[("鄂城区 · 凤凰街道", "住房")] == [
        "3",
        "0",
        "1",
        "33.3%",
        "2",
        "1",
        "50%",
        "1",
        "50%",
    ]
    assert rows[("Total", "")][:2] == ["3", "1"]  # April's unmapped call, the month before
    assert client.get("/lists/hotspots?period=2024-13").status_code == 404
    assert client.get("/lists/hotspots?period=2024-H1").status_code == 404
    assert client.get("/lists/hotspots?period=x").status_code == 404
    assert 'value="street" selected' in client.get("/lists/hotspots?level=planet").text


def test_the_csv_has_the_table(client, seeded):
    response = client.get("/lists/hotspots?period=2024&level=street&format=csv&lang=en")
    assert (
        response.status_code == 200
        and "hotspots-street-2024" in response.headers["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Area", "Category", "Calls", "Calls in the period before"]
    assert [
        "鄂城区 · 凤凰街道",
        "住房",
        "4",
        "1",
        "1",
        "25%",
        "3",
        "1",
        "33.3%",
        "1",
        "33.3%",
    ] in rows
    assert rows[-1] == ["Total", "", "7", "1", "2", "28.6%", "4", "1", "25%", "2", "50%"]


def test_both_languages_and_a_chart_with_its_words(client, seeded):
    zh = client.get("/lists/hotspots?period=2024&lang=zh_CN").text
    en = client.get("/lists/hotspots?period=2024&lang=en").text
    assert "<h1>问题热点 · 2024</h1>" in zh and "<h1>Hot spots · 2024</h1>" in en
    assert "区域尚未对应" in zh  # "Area not yet mapped"
    for html in (zh, en):
        svg = html[html.index("<svg") : html.index("</svg>")]
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert svg.count('class="bar-') >= 3  # bars for the spots, hatched for repeats
    assert "鄂城区 · 凤凰街道, 住房: 4 calls, 1 raised again." in en


def test_the_office_proposes_a_hot_spot_as_a_topic(app, login, client, seeded):
    moderator = login("host")
    html = moderator.get("/followup/hotspots?period=2024&lang=en").text
    with app.app_context():
        show = db.session.scalar(select(Show).where(Show.status == "scheduled"))
        show_id, title = show.id, show.title
    assert f"Propose a hot spot as a topic of {title}" in html
    link = re.search(r'href="([^"]*)"[^>]*data-propose-topic', html).group(1).replace("&amp;", "&")
    assert link.startswith(f"/desk/shows/{show_id}/topics?")
    page = moderator.get(link.split("#")[0]).text
    form = page[page.index('id="add-heading"') :]
    assert "住房 in 鄂城区 · 凤凰街道: 4 calls in 2024, 1 raised again" in form
    assert 'value="凤凰街道"' in form
    # A liaison reads the report, without the link; citizens are sent to sign in.
    liaison = login("housing").get("/followup/hotspots?period=2024&lang=en").text
    assert "data-propose-topic" not in liaison and "鄂城区 · 凤凰街道" in liaison
    assert client.get("/followup/hotspots").status_code in (302, 303)
    assert "data-propose-topic" not in client.get("/lists/hotspots?period=2024").text


def test_the_report_takes_a_fixed_number_of_statements(app, client, seeded, count_queries):
    url = "/lists/hotspots?period=2024&level=street"
    client.get(url)
    with count_queries() as before:
        assert client.get(url).status_code == 200
    with app.app_context():  # many more spots: every area × category, with items
        show_id = db.session.scalar(select(Show.id).where(Show.title == "2024 测试场次"))
        areas = [seeded.community, seeded.gulou, seeded.huarong, seeded.retired, None]
        categories = list(seeded.categories.values())
        rows = [
            {"show_id": show_id, "number": 100 + i, "topic": "t", "received_at": at("2024-09-01"),
             "area_id": areas[i % 5], "category_id": categories[i // 5 % 5]}
            for i in range(200)
        ]  # fmt: skip
        db.session.execute(insert(Call), rows)
        db.session.commit()
    with count_queries() as after:
        html = client.get(url).text
    assert len(table(html)) > 5
    assert after[0] == before[0]
    assert before[0] <= 8
