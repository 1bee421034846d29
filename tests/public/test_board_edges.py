"""Board edges found in review: lateness and withdrawals never flatter a
department, extensions show in feeds, odd URLs are not 500s, exports are
limited, the API refuses filters it does not know."""

import re
import xml.etree.ElementTree as ET

import pytest
from followup_support import make_commitment, submit
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Commitment, Department


def scorecard_row(client, department_id: int) -> str:
    html = client.get("/departments?lang=en").text
    row = html[html.index(f'<tr id="department-{department_id}"') :]
    return row[: row.index("</tr>")]


def cell(row: str, column: str) -> str:
    return re.search(rf'data-col="{column}">([^<]*)', row).group(1).strip()


def test_a_late_report_says_how_late_while_awaiting_verification(app, client, liaison):
    cid = make_commitment(app, days=-5)
    submit(liaison, cid, "completion", note="迟了五天才办完")
    assert "逾期5天报办结，待核实" in client.get(f"/commitments/{cid}").text
    assert "逾期5天报办结，待核实" in client.get("/?status=reported").text


def test_withdrawing_an_overdue_item_does_not_lift_the_rate(app, client, supervisor):
    with app.app_context():
        dept = db.session.scalar(select(Department).where(Department.name == "市城市管理执法局"))
        overdue = db.session.scalar(
            select(Commitment).where(
                Commitment.department_id == dept.id, Commitment.state == "open"
            )
        )
        dept_id, cid = dept.id, overdue.id
    before = cell(scorecard_row(client, dept_id), "on_time")
    assert submit(supervisor, cid, "withdraw", reason="重复事项").status_code == 302
    after = scorecard_row(client, dept_id)
    assert cell(after, "on_time") == before  # same rate, same base: it still fell due
    assert cell(after, "withdrawn") == "1"


def test_scorecard_columns_add_up_to_the_total(client):
    html = client.get("/departments?lang=en").text
    for row in re.findall(r'<tr id="department-\d+">.*?</tr>', html, re.S):
        total = int(cell(row, "total"))
        met_on_time = int(re.search(r"\((\d+) of \d+\)", row).group(1))
        parts = [
            int(cell(row, c))
            for c in ("met_late", "overdue", "in_progress", "reported", "withdrawn")
        ]
        after_extension = int(re.search(r'data-col="met_after_extension">(\d+)<', row).group(1))
        assert met_on_time + after_extension + sum(parts) == total, row


def test_rates_are_rounded_down_and_a_zero_minimum_does_not_crash(app, client):
    with app.app_context():
        percent = app.jinja_env.globals["percent"]
        assert (str(percent(199 / 200)), str(percent(1.0)), str(percent(None))) == (
            "99%",
            "100%",
            "—",
        )
    app.config["HOTLINE_RANK_MIN_SAMPLE"] = 0
    assert client.get("/departments").status_code == 200


def test_the_feed_shows_an_extension_with_the_original_date(app, client):
    with app.app_context():
        item = db.session.scalar(
            select(Commitment).where(Commitment.deadline != Commitment.original_deadline)
        )
        cid, original = item.id, item.original_deadline.isoformat()
    feed = ET.fromstring(client.get(f"/commitments/{cid}/feed.atom").data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    contents = [e.text for e in feed.findall("a:entry/a:content", ns)]
    assert contents and all(original in text for text in contents)


@pytest.mark.parametrize(
    "url",
    [
        "/?department=1000000000000000000000000000000",
        "/?show=99999999999&deputy=-3&page=100000000000000000000",
        "/?q=%00%01abc",
        "/commitments/1099511627776",
        "/shows/1099511627776",
        "/commitments/1099511627776/qr.svg",
    ],
)
def test_odd_urls_are_never_server_errors(client, url):
    assert client.get(url).status_code in (200, 404)


def test_the_api_refuses_filters_it_does_not_know(client):
    # An id no row could have is a 400 naming the parameter (it used to be
    # ignored, answering every commitment).
    for query in ("status=overdu", "department=abc", "sort=random", "department=3000000000"):
        response = client.get(f"/api/v1/commitments?{query}")
        assert response.status_code == 400, query
        assert response.get_json()["parameter"] == query.split("=")[0]


def test_full_exports_are_rate_limited(client):
    for _ in range(20):
        assert client.get("/api/v1/commitments.csv").status_code == 200
    assert client.get("/api/v1/commitments.csv").status_code == 429


def test_links_are_built_only_for_trusted_host_names(app, client):
    app.config["TRUSTED_HOSTS"] = ["hotline.example.cn"]
    assert client.get("/commitments/1/qr.svg", headers={"Host": "evil.example"}).status_code == 400
    ok = client.get("/commitments/1/qr.svg", headers={"Host": "hotline.example.cn"})
    assert ok.status_code == 200


def test_fragments_vary_on_every_htmx_header(client):
    vary = client.get("/").headers["Vary"]
    for header in ("HX-Request", "HX-Boosted", "HX-History-Restore-Request"):
        assert header in vary


def test_the_qr_code_encodes_exactly_this_pages_address(client):
    import io

    import segno

    expected = io.BytesIO()
    segno.make("http://localhost/commitments/3", error="m").save(
        expected, kind="svg", scale=6, border=2, xmldecl=True
    )
    assert client.get("/commitments/3/qr.svg").data == expected.getvalue()


def test_scorecard_numbers_match_the_record(app, client):
    """Extensions, median days to complete and ratings, recomputed by hand from
    the database, against what the open data says."""
    import statistics

    from hotline.clock import to_local
    from hotline.models import Rating

    with app.app_context():
        items = db.session.scalars(select(Commitment)).all()
        ratings = db.session.scalars(select(Rating)).all()
        expected = {}
        for c in items:
            e = expected.setdefault(c.department_id, {"extended": 0, "days": [], "satisfied": 0})
            e["extended"] += c.deadline != c.original_deadline
            if c.state == "met":
                e["days"].append((c.completed_on - to_local(c.created_at).date()).days)
        for r in ratings:
            if r.value == "satisfied":
                expected[db.session.get(Commitment, r.commitment_id).department_id][
                    "satisfied"
                ] += 1
    for record in client.get("/api/v1/departments").get_json()["data"]:
        e = expected.get(record["id"], {"extended": 0, "days": [], "satisfied": 0})
        assert record["extended"] == e["extended"], record["name"]
        median = statistics.median(e["days"]) if e["days"] else None
        assert record["median_days_to_complete"] == median, record["name"]
        assert record["ratings_satisfied"] == e["satisfied"], record["name"]
