"""A property-based fuzz of every public form and API parameter (hypothesis):
random text — control characters, bidi overrides, zero-width characters,
noncharacters, unpaired surrogates, huge strings — POSTed to the question,
rating and sign-in forms, and random query parameters on the board, the pages,
the API and the feeds. Never a 500; and afterwards every feed still parses as
XML, every JSON answer as JSON, every CSV with the csv module.

Bounded and repeatable: a fixed number of examples, derandomized, no example
database, so it runs the same way in CI in well under a minute."""

from __future__ import annotations

import csv
import io
import itertools
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import AuditLog, Commitment, Department, Question, Rating, Show

FUZZ = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "\x00",
    "\x1b[2J",
    "\n",
    "\r\n",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\U0010ffff",
    "\ud800",
    "\udfff",
    "]]>",
    "<script>alert(1)</script>",
    "&amp;&#0;",
    '=HYPERLINK("x")',
    "' OR 1=1 --",
    "%s%n",
    "代表专线",
    "../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999",
    "2026-02-30",
    "2026-03-01T25:00",
]
HUGE = ["x" * 100_000, "代" * 20_000, "\u202e" * 5_000]

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(NASTY),
    st.lists(st.sampled_from(NASTY) | st.text(max_size=5), max_size=6).map("".join),
    st.sampled_from(HUGE),
)

PARAMS = [
    "q",
    "status",
    "kind",
    "department",
    "show",
    "deputy",
    "year",
    "sort",
    "page",
    "per_page",
    "format",
    "lang",
    "period",
    "updated_since",
    "since",
    "service_code",
    "service_request_id",
    "start_date",
    "end_date",
    "code",
    "sent",
]


def or_nasty(*plain: str):
    """Sometimes an ordinary value (so the whole form is valid and stored), else nasty."""
    return st.one_of(st.sampled_from(plain), nasty_text)


query_params = st.dictionaries(
    st.sampled_from(PARAMS) | st.text(max_size=8), nasty_text, max_size=4
)

# Every public GET with a fixed URL; ids are filled in per app below.
PAGES = [
    "/",
    "/shows",
    "/departments",
    "/deputies",
    "/lists/",
    "/lists/suggestions",
    "/lists/assignments",
    "/lists/results",
    "/lists/report",
    "/track",
    "/feed.atom",
    "/api/v1/",
    "/api/v1/openapi.json",
    "/api/v1/commitments",
    "/api/v1/commitments.csv",
    "/api/v1/shows",
    "/api/v1/shows.csv",
    "/api/v1/departments",
    "/api/v1/departments.csv",
    "/open311/v2/services.json",
    "/open311/v2/requests.json",
]

_addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))


def encode(value: str) -> str:
    """Percent-encode any str, unpaired surrogates included (as the bytes a
    broken client would send)."""
    return quote_from_bytes(value.encode("utf-8", "surrogatepass"), safe="")


def form_body(fields: dict[str, str]) -> bytes:
    return "&".join(f"{encode(k)}={encode(v)}" for k, v in fields.items()).encode("ascii")


def query_string(params: dict[str, str]) -> str:
    return "&".join(f"{encode(k)}={encode(v)}" for k, v in params.items())


def ids(app) -> dict:
    with app.app_context():
        return {
            "shows": db.session.scalars(select(Show.id).order_by(Show.id)).all(),
            "open_shows": db.session.scalars(
                select(Show.id).where(Show.status != "ended").order_by(Show.id)
            ).all(),
            "commitments": db.session.scalars(select(Commitment.id).order_by(Commitment.id)).all(),
            "departments": db.session.scalars(select(Department.id).order_by(Department.id)).all(),
        }


def fresh_client(app):
    """A new citizen from a new address (so per-address limits do not mask a 500)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = next(_addresses)
    return client


def post(client, url: str, fields: dict[str, str]):
    fields = {"csrf_token": client.csrf(), **fields}
    return client.post(
        url, data=form_body(fields), content_type="application/x-www-form-urlencoded"
    )


def check_parses(response) -> None:
    """A successful answer is well-formed in its own format."""
    if response.status_code != 200:
        return
    mimetype = response.mimetype
    if mimetype in ("application/atom+xml", "application/xml", "text/xml"):
        ET.fromstring(response.data)
    elif mimetype.endswith("json"):
        json.loads(response.data)
    elif mimetype == "text/csv":
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
        assert rows and all(len(row) == len(rows[0]) for row in rows)


def stored(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def every_export_still_parses(app) -> None:
    """After the fuzz: the feeds, JSON and CSV (stored data included) are valid."""
    client = app.test_client()
    found = ids(app)
    urls = [u for u in PAGES if u.endswith((".atom", ".csv", ".json")) or "/api/" in u]
    urls += [f"/departments/{d}/feed.atom" for d in found["departments"]]
    urls += [f"/commitments/{c}/feed.atom" for c in found["commitments"][:10]]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        check_parses(response)


@pytest.fixture
def fuzz_app(app):
    # The site's own limits stay on; only the rating limit is raised so that the
    # examples reach the handler rather than the limiter.
    app.config["HOTLINE_RATING_LIMIT"] = "100000 per hour"
    app.config["HOTLINE_QUESTION_SHOW_LIMIT"] = "100000 per minute"
    return app


def test_random_questions_never_fail(fuzz_app):
    app, found = fuzz_app, ids(fuzz_app)
    targets = found["open_shows"] + found["shows"][:1] + [0, 10**9]

    @FUZZ
    @given(
        show=st.sampled_from(targets),
        question=or_nasty("小区门口积水", "路灯不亮"),
        area=or_nasty("", "城东街道"),
        name=or_nasty("", "张女士"),
        phone=or_nasty("", "13900001111"),
        idem=or_nasty("", "k1", "k2"),
    )
    def run(show, question, area, name, phone, idem):
        client = fresh_client(app)
        fields = {"question": question, "area": area, "name": name, "phone": phone, "idem": idem}
        response = post(client, f"/shows/{show}/ask", fields)
        assert response.status_code < 500
        if response.status_code == 303:
            assert client.get(response.headers["Location"]).status_code < 500

    before = stored(app, Question)
    run()
    assert stored(app, Question) > before  # the fuzz reached the handler, not only CSRF
    every_export_still_parses(app)
    # The moderator's queue, where the questions land, still renders.
    moderator = app.test_client()
    moderator.login("host")
    for show in found["open_shows"]:
        assert moderator.get(f"/desk/shows/{show}").status_code == 200


def test_random_ratings_never_fail(fuzz_app):
    app, found = fuzz_app, ids(fuzz_app)

    @FUZZ
    @given(
        commitment=st.sampled_from(found["commitments"] + [0, 10**9]),
        value=st.sampled_from(["satisfied", "basic", "dissatisfied"]) | nasty_text,
        extra=query_params,
        htmx=st.booleans(),
    )
    def run(commitment, value, extra, htmx):
        client = fresh_client(app)
        headers = {"HX-Request": "true"} if htmx else {}
        fields = {"csrf_token": client.csrf(), **extra, "value": value}
        response = client.post(
            f"/commitments/{commitment}/rate",
            data=form_body(fields),
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
        assert response.status_code < 500

    run()
    assert stored(app, Rating) > 0
    every_export_still_parses(app)


def test_random_sign_ins_never_fail(fuzz_app):
    app = fuzz_app

    @FUZZ
    @given(username=nasty_text, password=nasty_text, next_url=nasty_text)
    def run(username, password, next_url):
        client = fresh_client(app)
        response = post(
            client,
            "/auth/login?next=" + encode(next_url),
            {"username": username, "password": password},
        )
        assert response.status_code in (200, 400, 422, 429)

    run()
    assert stored(app, AuditLog) > 0  # failed sign-ins recorded, typed names and all
    every_export_still_parses(app)


def test_random_query_parameters_never_fail(fuzz_app):
    app, found = fuzz_app, ids(fuzz_app)
    pages = PAGES + [
        f"/shows/{found['shows'][0]}",
        f"/commitments/{found['commitments'][0]}",
        f"/commitments/{found['commitments'][0]}/feed.atom",
        f"/departments/{found['departments'][0]}/feed.atom",
        "/deputies/1",
    ]
    client = app.test_client()

    @FUZZ
    @given(
        page=st.sampled_from(pages),
        params=query_params,
        code=nasty_text,
        htmx=st.booleans(),
    )
    def run(page, params, code, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(f"{page}?{query_string(params)}", headers=headers)
        assert response.status_code < 500, (page, params)
        check_parses(response)
        track = client.get(f"/track/{encode(code)[:2000]}")
        assert track.status_code < 500
        record = client.get(f"/open311/v2/requests/{encode(code)[:2000]}.json")
        assert record.status_code < 500

    run()
    every_export_still_parses(app)
