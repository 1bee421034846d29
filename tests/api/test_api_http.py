"""What every open-data response shares (hotline/api/http.py): CORS for any
page, caching headers, 304s for an unchanged answer, JSON errors."""

from datetime import date

from sqlalchemy import select

from hotline.changes.commitments import add_event
from hotline.extensions import db
from hotline.models import Commitment, EventKind

DATA = (
    "/api/v1/commitments",
    "/api/v1/shows.csv",
    "/api/v1/departments",
    "/open311/v2/requests.json",
)


def test_anyone_may_read_the_open_data(client):
    for url in (*DATA, "/api/v1/openapi.json", "/api/v1/commitments?year=1999"):
        response = client.get(url)
        assert response.headers["Access-Control-Allow-Origin"] == "*", url
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/commitments",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    # Pages of the site itself are not opened to other origins.
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_unchanged_answers_are_304s_until_something_changes(app, client):
    first = client.get("/api/v1/commitments")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=60"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    same = client.get("/api/v1/commitments", headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.data == b""
    since = client.get("/api/v1/commitments", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    with app.app_context():
        item = db.session.scalar(select(Commitment).order_by(Commitment.id).limit(1))
        item.deadline = date(2031, 1, 1)  # a change the ETag sees
        add_event(item, EventKind.PROGRESS, None, note="进展")
        db.session.commit()
    changed = client.get("/api/v1/commitments", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_last_modified_is_never_before_local_midnight(app, client):
    from email.utils import parsedate_to_datetime

    from hotline.clock import to_local, today

    with app.test_request_context("/"):
        day = today()
    modified = parsedate_to_datetime(client.get("/api/v1/departments").headers["Last-Modified"])
    with app.test_request_context("/"):
        assert to_local(modified.replace(tzinfo=None)).date() >= day


def test_errors_are_json_and_never_cached(client):
    for url, code in (
        ("/api/v1/shows?kind=tv", 400),
        ("/open311/v2/requests/999.json", 404),
        ("/open311/v2/requests/abc.json", 404),
    ):
        response = client.get(url)
        assert response.status_code == code and response.mimetype == "application/json", url
        assert response.headers["Cache-Control"] == "no-store"


def test_a_language_switch_is_not_cached_for_everyone(client):
    response = client.get("/open311/v2/requests.json?lang=en")
    assert "private" in response.headers["Cache-Control"]
