"""What every open-data response shares (hotline/api/http.py): CORS for any
page, caching headers, 304s for an unchanged answer, JSON errors."""

import io
from datetime import date

from api_support import bearer, make_token
from sqlalchemy import select

from hotline.changes.commitments import add_event
from hotline.extensions import db
from hotline.models import Commitment, EventKind, Role

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


def test_an_unknown_api_address_answers_the_apis_json_404(client):
    for url in ("/api/v1/no-such-thing", "/api/v2/commitments", "/api/v1/commitments/abc"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.mimetype == "application/json", url
        assert response.get_json()["status"] == 404
        assert response.get_json()["error"]
    open311 = client.get("/open311/v2/nothing.json")
    assert open311.status_code == 404 and open311.get_json()[0]["code"] == 404
    # The site's own pages keep their HTML error page.
    assert client.get("/no-such-page").mimetype == "text/html"


def test_a_refused_method_is_a_json_405_that_names_the_methods_allowed(client):
    response = client.delete("/api/v1/commitments")
    assert response.status_code == 405
    assert response.get_json() == {
        "error": response.get_json()["error"],
        "status": 405,
    }
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    write = client.get("/api/v1/shows/1/calls")  # a write endpoint takes POST only
    assert write.status_code == 405 and write.get_json()["status"] == 405
    assert "POST" in write.headers["Allow"]
    # An HTML page refusing a method says what it takes too.
    page = client.put("/")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]


def test_a_body_over_the_limit_on_the_api_is_a_json_413(app, client):
    secret = make_token(app, "desk", Role.SUPERVISOR)
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post(
        "/api/v1/commitments/1/progress",
        data={"note": "done", "evidence": (io.BytesIO(b"%PDF" + b"x" * 5000), "a.pdf")},
        content_type="multipart/form-data",
        headers=bearer(secret),
    )
    assert response.status_code == 413
    assert response.get_json()["status"] == 413
