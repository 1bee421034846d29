"""Citizens rate met commitments: once per browser, limited per address,
only met ones, CSRF-protected; counts shown beside the placard vote."""

import hashlib
from datetime import timedelta

from sqlalchemy import func, select

from hotline.clock import today as local_today
from hotline.extensions import db
from hotline.models import Commitment, Rating


def ids_by_met(app):
    with app.app_context():
        today = local_today()
        items = db.session.scalars(select(Commitment).order_by(Commitment.id)).all()
        met = [c.id for c in items if c.status(today).is_met]
        other = [c.id for c in items if not c.status(today).is_met]
    return met, other


def count(app, cid):
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Rating).where(Rating.commitment_id == cid)
        )


def test_rate_a_met_commitment_once_per_browser(app, client):
    met, _other = ids_by_met(app)
    cid = met[0]
    page = client.get(f"/commitments/{cid}?lang=en").text
    assert 'name="value" value="satisfied"' in page and "csrf_token" in page

    response = client.post_form(f"/commitments/{cid}/rate", {"value": "satisfied"})
    assert response.status_code == 302
    cookie = client.get_cookie("hotline_browser")
    assert cookie is not None and cookie.http_only and len(cookie.value) >= 32
    with app.app_context():
        rating = db.session.scalar(select(Rating).where(Rating.commitment_id == cid))
        # Only the hash of the browser id is stored, never the address.
        assert rating.browser_key == hashlib.sha256(cookie.value.encode()).hexdigest()
        assert rating.value == "satisfied"

    page = client.get(f"/commitments/{cid}?lang=en").text
    assert "You rated this commitment: Satisfied" in page
    assert 'data-online="satisfied">1<' in page

    again = client.post_form(f"/commitments/{cid}/rate", {"value": "dissatisfied"})
    assert again.status_code == 302  # without JS: back to the page with a message
    assert "already rated" in client.get(f"/commitments/{cid}?lang=en").text
    assert count(app, cid) == 1

    htmx = client.htmx_post(f"/commitments/{cid}/rate", {"value": "basic"})
    assert htmx.status_code == 409 and "already rated" in htmx.text
    assert htmx.text.lstrip().startswith('<section id="rating"')
    assert count(app, cid) == 1

    other_browser = app.test_client()  # another person: another address
    other_browser.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert (
        other_browser.post_form(f"/commitments/{cid}/rate", {"value": "basic"}).status_code == 302
    )
    assert count(app, cid) == 2
    page = other_browser.get(f"/commitments/{cid}?lang=en").text
    assert 'data-online="satisfied">1<' in page and 'data-online="basic">1<' in page
    with app.app_context():
        placards = db.session.get(Commitment, cid).call.placard_satisfied
    # the placard vote from the show beside it
    assert f'data-placard="satisfied">{placards}<' in page


def test_only_met_commitments_can_be_rated(app, client):
    _met, other = ids_by_met(app)
    cid = other[0]
    assert "Send my rating" not in client.get(f"/commitments/{cid}?lang=en").text
    response = client.post_form(f"/commitments/{cid}/rate?lang=en", {"value": "satisfied"})
    assert response.status_code == 400
    assert "Only a met commitment can be rated." in response.text
    htmx = client.htmx_post(f"/commitments/{cid}/rate", {"value": "satisfied"})
    assert htmx.status_code == 400 and 'class="error-text"' in htmx.text
    assert count(app, cid) == 0


def test_bad_value_is_refused_with_a_message(app, client):
    met, _other = ids_by_met(app)
    response = client.post_form(f"/commitments/{met[0]}/rate?lang=en", {"value": "ecstatic"})
    assert response.status_code == 400 and "Choose one of the three answers." in response.text
    assert count(app, met[0]) == 0


def test_rating_needs_csrf_and_post(app, client):
    met, _other = ids_by_met(app)
    response = client.post(f"/commitments/{met[0]}/rate", data={"value": "satisfied"})
    assert response.status_code == 400
    assert client.get(f"/commitments/{met[0]}/rate").status_code == 405
    assert count(app, met[0]) == 0


def test_rating_is_rate_limited_per_address(app):
    app.config["HOTLINE_RATING_LIMIT"] = "3 per hour"
    met, _other = ids_by_met(app)
    statuses = []
    for n in range(5):
        browser = app.test_client()  # a fresh browser each time: the cookie alone can't stop it
        browser.environ_base["HTTP_USER_AGENT"] = f"browser {n}"
        statuses.append(
            browser.post_form(
                f"/commitments/{met[n % len(met)]}/rate", {"value": "basic"}
            ).status_code
        )
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3:] == [429, 429]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 3


def test_clearing_the_cookie_does_not_give_a_second_rating(app, client, monkeypatch):
    """Once per browser is not a cookie only: the same address and user agent
    rate a commitment once a day, whatever the cookie says."""
    met, _other = ids_by_met(app)
    cid = met[0]
    assert client.post_form(f"/commitments/{cid}/rate", {"value": "satisfied"}).status_code == 302
    client.delete_cookie("hotline_browser")
    again = client.htmx_post(f"/commitments/{cid}/rate?lang=en", {"value": "dissatisfied"})
    assert again.status_code == 409 and "already come from here today" in again.text
    fresh = app.test_client()  # a private window: same address, same browser
    assert (
        fresh.post_form(f"/commitments/{cid}/rate?lang=en", {"value": "basic"}).status_code == 302
    )
    assert "already come from here today" in fresh.get(f"/commitments/{cid}?lang=en").text
    assert count(app, cid) == 1
    with app.app_context():
        rating = db.session.scalar(select(Rating).where(Rating.commitment_id == cid))
        assert "127.0.0.1" not in rating.client_key and len(rating.client_key) == 64

    # Someone else behind another address rates; so does this one the next day.
    neighbour = app.test_client()
    neighbour.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert neighbour.post_form(f"/commitments/{cid}/rate", {"value": "basic"}).status_code == 302
    assert count(app, cid) == 2
    import hotline.public.browser as browsers
    import hotline.public.commitments as ratings

    with app.app_context():
        tomorrow = local_today() + timedelta(days=1)
    monkeypatch.setattr(ratings, "today", lambda: tomorrow)
    monkeypatch.setattr(browsers, "today", lambda: tomorrow)  # the connection's day
    client.delete_cookie("hotline_browser")
    assert client.post_form(f"/commitments/{cid}/rate", {"value": "basic"}).status_code == 302
    assert count(app, cid) == 3
