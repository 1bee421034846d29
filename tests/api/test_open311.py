"""The board as Open311 GeoReport v2: services are departments, requests are
the commitments, open or closed, with the expected date."""

from datetime import datetime

from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Commitment, Department


def test_services_are_the_departments(app, client):
    services = client.get("/open311/v2/services.json").get_json()
    with app.app_context():
        names = {str(d.id): d.name for d in db.session.scalars(select(Department))}
    assert {s["service_code"]: s["service_name"] for s in services} == names
    assert all(s["metadata"] is False and s["type"] == "realtime" for s in services)


def test_requests_are_the_commitments(app, client):
    found = client.get("/open311/v2/requests.json").get_json()
    with app.app_context():
        items = {c.id: c for c in db.session.scalars(select(Commitment))}
        assert len(found) == len(items)
        for r in found:
            c = items[int(r["service_request_id"])]
            assert r["status"] == ("closed" if c.state in ("met", "withdrawn") else "open")
            assert r["service_code"] == str(c.department_id) and r["description"] == c.pledge
            expected = datetime.fromisoformat(r["expected_datetime"])
            assert expected.date() == c.deadline and expected.utcoffset() is not None
            assert r["requested_datetime"].endswith("Z")
    closed = client.get("/open311/v2/requests.json?status=closed").get_json()
    assert closed and {r["status"] for r in closed} == {"closed"}
    one = client.get("/open311/v2/requests.json?service_code=1").get_json()
    assert one and {r["service_code"] for r in one} == {"1"}
    picked = client.get("/open311/v2/requests.json?service_request_id=2,1").get_json()
    assert sorted(r["service_request_id"] for r in picked) == ["1", "2"]
    later = client.get("/open311/v2/requests.json?start_date=2100-01-01T00:00:00Z").get_json()
    assert later == []
    single = client.get("/open311/v2/requests/1.json").get_json()
    assert [r["service_request_id"] for r in single] == ["1"]


def test_open311_refusals_are_georeport_errors(client):
    for url, parameter in (
        ("/open311/v2/requests.json?status=pending", "status"),
        ("/open311/v2/requests.json?service_code=99", "service_code"),
        ("/open311/v2/requests.json?start_date=2026-01-01", "start_date"),
        ("/open311/v2/requests.json?service_request_id=a", "service_request_id"),
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        [error] = response.get_json()
        assert error["code"] == 400 and error["parameter"] == parameter, url
    [missing] = client.get("/open311/v2/requests/999.json").get_json()
    assert missing["code"] == 404
