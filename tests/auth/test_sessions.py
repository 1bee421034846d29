"""Sessions a web page cannot break: forged cross-site posts get no resubmit
form and never replace a session; signing out ends every copy of the cookie,
on every server process; sign-in time does not tell usernames apart; staff
pages are never cached."""

import time

from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Commitment, StaffSession, User

EVIL = "https://evil.example"


def test_a_forged_cross_site_post_gets_no_resubmit_form(app, moderator):
    with app.app_context():
        cid = db.session.scalar(select(Commitment.id).where(Commitment.state == "open"))
    # The browser sends the staff cookie (a same-site page) but no token.
    response = moderator.post(
        f"/followup/commitments/{cid}/withdraw",
        data={"withdraw-reason": "伪造的撤销理由"},
        headers={"Origin": EVIL},
    )
    assert response.status_code == 400
    assert 'id="resubmit"' not in response.text and "伪造的撤销理由" not in response.text
    # Nor from a page that sends no Origin but a foreign Referer.
    response = moderator.post(
        "/desk/shows/4/status", data={"action": "end"}, headers={"Referer": f"{EVIL}/x"}
    )
    assert response.status_code == 400 and 'id="resubmit"' not in response.text


def test_a_refused_request_never_replaces_the_session(app, moderator):
    # SameSite=Lax: a cross-site POST arrives without the session cookie.
    anonymous = app.test_client()
    response = anonymous.post(
        "/desk/shows/4/status", data={"action": "end"}, headers={"Origin": EVIL}
    )
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers  # the moderator's cookie stays as it was
    assert moderator.get("/desk/").status_code == 200


def test_a_same_site_post_with_an_expired_token_keeps_the_text(moderator):
    response = moderator.post(
        "/desk/shows/4/calls",
        data={"topic": "过期页面上写的诉求", "csrf_token": "expired"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 400
    assert "过期页面上写的诉求" in response.text and 'id="resubmit"' in response.text


def copy_of(app, signed_in):
    """A second browser holding a copy of the signed-in session cookie."""
    thief = app.test_client()
    cookie = signed_in.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_signing_out_ends_every_copy_of_the_cookie(app, login):
    liaison = login("housing")
    thief = copy_of(app, liaison)
    assert thief.get("/desk/department").status_code == 200
    assert liaison.post_form("/auth/logout").status_code == 302
    assert thief.get("/desk/department").status_code == 302  # to the sign-in page
    with app.app_context():
        rows = db.session.scalars(select(StaffSession)).all()
        assert rows and all(row.revoked_at is not None for row in rows)
        # Only a hash of the token is kept: the cookie's value is not in the database.
        assert all(len(row.id) == 64 for row in rows)


def test_other_sessions_of_the_account_stay_signed_in(app, login):
    phone, laptop = login("housing"), login("housing")
    phone.post_form("/auth/logout")
    assert phone.get("/desk/department").status_code == 302
    assert laptop.get("/desk/department").status_code == 200


def test_a_password_reset_or_disabling_ends_every_session(app, login, supervisor):
    liaison = login("housing")
    thief = copy_of(app, liaison)
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "housing"))
    supervisor.post_form(f"/admin/users/{user_id}/password", {"password": "a-new-long-one"})
    assert liaison.get("/desk/department").status_code == 302
    assert thief.get("/desk/department").status_code == 302


def test_sign_in_takes_as_long_for_an_unknown_name(client):
    def attempt(username):
        start = time.perf_counter()
        client.post_form("/auth/login", {"username": username, "password": "wrong-password"})
        return time.perf_counter() - start

    # Not a timed assertion: both paths run the same password check, so the
    # unknown name can never be an order of magnitude faster (it was 12×).
    known = min(attempt("housing") for _ in range(3))
    unknown = min(attempt(f"nobody{i}") for i in range(3))
    assert unknown > known / 3


def test_staff_pages_are_never_cached_public_pages_may_be(moderator, client):
    assert moderator.get("/desk/shows/4").headers["Cache-Control"] == "no-store"
    assert moderator.get("/followup/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in (client.get("/").headers.get("Cache-Control") or "")
