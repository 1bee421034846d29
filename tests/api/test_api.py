"""The open data API: documented fields, the board's filters, pages, ISO
dates, CSV exports that Excel reads and cannot be tricked into formulas."""

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from hotline.api.routes import COMMITMENT_FIELDS, DEPARTMENT_FIELDS, SHOW_FIELDS
from hotline.changes.commitments import create_commitment
from hotline.extensions import db
from hotline.models import Call
from hotline.web import neutralise

API_DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")


def documented(heading: str) -> list[str]:
    """Field names in the docs/api.md table under a heading, in order."""
    section = API_DOC[API_DOC.index(heading) :]
    section = section[section.index("| field |") :]
    table = section[: section.index("\n\n")]
    return re.findall(r"^\| `(\w+)` \|", table, flags=re.M)


@pytest.mark.parametrize(
    ("heading", "fields"),
    [
        ("### `GET /api/v1/commitments`", COMMITMENT_FIELDS),
        ("### `GET /api/v1/shows`", SHOW_FIELDS),
        ("### `GET /api/v1/departments`", DEPARTMENT_FIELDS),
    ],
)
def test_every_field_is_documented(heading, fields):
    assert documented(heading) == list(fields)


def test_commitments_json_matches_the_documentation(client):
    response = client.get("/api/v1/commitments")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["total"] == len(body["data"]) == 21  # 18 commitments, 3 referrals
    assert sum(body["totals"].values()) == body["total"]
    types = {
        "id": int,
        "department_id": int,
        "call_number": int,
        "extended": bool,
        "pledge": str,
        "status": str,
    }
    for item in body["data"]:
        assert set(item) == set(COMMITMENT_FIELDS)
        for name, kind in types.items():
            assert isinstance(item[name], kind), name
        date.fromisoformat(item["deadline"])
        date.fromisoformat(item["original_deadline"])
        assert item["created_at"].endswith("Z")
        datetime.fromisoformat(item["created_at"][:-1])
        assert item["url"].endswith(f"/commitments/{item['id']}")
        assert item["extended"] is (item["deadline"] != item["original_deadline"])
        if item["completed_on"]:
            date.fromisoformat(item["completed_on"])
    date.fromisoformat(body["as_of"])


def test_filters_and_pages_match_the_board(client):
    for query in ("status=met", "status=overdue", "department=3", "q=%E5%B0%8F%E5%8C%BA"):
        api = {i["id"] for i in client.get(f"/api/v1/commitments?{query}").get_json()["data"]}
        board = set(
            map(int, re.findall(r'<tr id="commitment-(\d+)"', client.get(f"/?{query}").text))
        )
        assert api == board, query
    met = client.get("/api/v1/commitments?status=met").get_json()
    assert met["data"] and all(i["status"].startswith("met_") for i in met["data"])

    seen, url = [], "/api/v1/commitments?per_page=5&sort=newest"
    first = client.get(url).get_json()
    assert (first["page"], first["per_page"], first["pages"]) == (1, 5, 5)
    assert "prev" not in first["links"]
    body = first
    while True:
        seen += [i["id"] for i in body["data"]]
        if "next" not in body["links"]:
            break
        body = client.get(body["links"]["next"]).get_json()
    assert len(seen) == len(set(seen)) == 21
    # A page size over the limit is refused like any out-of-range filter (it was
    # silently cut to 100 before).
    too_big = client.get("/api/v1/commitments?per_page=1000")
    assert too_big.status_code == 400 and too_big.get_json()["parameter"] == "per_page"
    assert client.get("/api/v1/commitments?per_page=100").get_json()["per_page"] == 100
    # A page past the end is empty and still gives the total (not the last page again).
    past = client.get("/api/v1/commitments?per_page=5&page=9").get_json()
    assert (past["data"], past["total"], past["page"], past["pages"]) == ([], 21, 9, 5)
    assert "next" not in past["links"] and "page=5&" in past["links"]["prev"]


def test_shows_and_departments_json(client):
    shows = client.get("/api/v1/shows").get_json()["data"]
    assert shows and all(set(s) == set(SHOW_FIELDS) for s in shows)
    assert sum(s["commitments"] for s in shows) == 21
    onsite = client.get("/api/v1/shows?kind=onsite").get_json()["data"]
    assert onsite and {s["kind"] for s in onsite} == {"onsite"}
    assert client.get("/api/v1/shows?year=2001").get_json()["data"] == []
    scheduled = client.get("/api/v1/shows.csv?status=scheduled").data.decode("utf-8-sig")
    assert len(scheduled.strip().splitlines()) == 2  # the header and the one upcoming show
    departments = client.get("/api/v1/departments").get_json()
    assert all(set(d) == set(DEPARTMENT_FIELDS) for d in departments["data"])
    ranked = [d["rank"] for d in departments["data"] if d["rank"]]
    assert ranked == sorted(ranked)
    for d in departments["data"]:
        parts = ("met_on_time", "met_after_extension", "met_late", "reported", "due")
        rest = sum(d[k] for k in parts) + d["due_today"] + d["overdue"] + d["withdrawn"]
        assert rest == d["commitments"]


def read_csv(response):
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_csv_exports_have_the_same_columns(client):
    rows = read_csv(client.get("/api/v1/commitments.csv?status=met"))
    assert rows[0] == list(COMMITMENT_FIELDS)
    api = client.get("/api/v1/commitments?status=met").get_json()
    assert len(rows) - 1 == api["total"]
    assert read_csv(client.get("/api/v1/shows.csv"))[0] == list(SHOW_FIELDS)
    assert read_csv(client.get("/api/v1/departments.csv"))[0] == list(DEPARTMENT_FIELDS)


def test_csv_neutralises_formula_cells(app, client):
    with app.app_context():
        call = db.session.scalar(select(Call).order_by(Call.id).limit(1))
        item = create_commitment(
            call,
            department_id=call.department_id,
            pledge='=HYPERLINK("http://evil.example","click")',
            official_name="+SUM(A1:A9)",
            official_title="@cmd",
            deadline=date(2030, 1, 1),
            actor=None,
        )
        db.session.commit()
        cid = item.id
    rows = read_csv(client.get("/api/v1/commitments.csv"))
    header, data = rows[0], {int(r[0]): r for r in rows[1:]}
    row = dict(zip(header, data[cid], strict=True))
    assert row["pledge"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["official_name"] == "'+SUM(A1:A9)"
    assert row["official_title"] == "'@cmd"
    # JSON carries the text unchanged: only spreadsheets need the guard.
    api = client.get("/api/v1/commitments?q=HYPERLINK").get_json()["data"]
    assert api[0]["pledge"].startswith("=HYPERLINK")


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("-2", "'-2"), ("@x", "'@x"), ("+3", "'+3"), ("ok", "ok"), (None, "")],
)
def test_neutralise(value, cell):
    assert neutralise(value) == cell


def test_the_demo_referrals_are_on_the_board(client):
    """Each call the demo shows referred for offline verification (转线下核实) is
    a referral item on the board: the older ones answered and verified, the
    recent one still open within its deadline."""
    body = client.get("/api/v1/commitments?kind=referral").get_json()
    referrals = body["data"]
    assert len(referrals) == 3
    assert {item["kind"] for item in referrals} == {"referral"}
    statuses = sorted(item["status"] for item in referrals)
    assert statuses.count("met_on_time") == 2
    assert set(statuses) - {"met_on_time"} <= {"open", "due"}  # the recent one, not yet due
    assert all(item["official_name"] == "" for item in referrals)
    assert all("现场核实" in item["pledge"] for item in referrals)
