"""The test client every app-tier test signs in with, and the authenticator-app
codes it (and the served and browser tiers) pass the second step with."""

from __future__ import annotations

import re
import time

from flask.testing import FlaskClient

DEMO_PASSWORD = "hotline-demo"


def app_code(secret: str, after_step: int | None = None) -> tuple[str, int]:
    """An authenticator app's code for `secret` and its time step. A code is
    good once: give the last step the site accepted, and the code is one after
    it, waiting for the next 30 seconds when the codes the site takes (the
    step before, now and the one after) are spent."""
    import pyotp

    totp = pyotp.TOTP(secret)
    now = int(time.time() // totp.interval)
    step = now if after_step is None else max(now, after_step + 1)
    if step > now + 1:
        time.sleep(max(0.0, (step - 1) * totp.interval - time.time()) + 0.1)
    return totp.at(step * totp.interval), step


def demo_code(username: str, after_step: int | None = None) -> tuple[str, int]:
    """The same for a demo account's app (its public secret: hotline/cli/demo.py)."""
    from hotline.cli.demo import demo_totp_secret

    return app_code(demo_totp_secret(username), after_step)


def asks_for_second_factor(response) -> bool:
    """A sign-in answered with the second step (auth/factors.py)."""
    return response.status_code == 302 and response.headers["Location"].endswith("/auth/verify")


class HotlineClient(FlaskClient):
    """A test client that knows the page's CSRF token and how to sign in."""

    def csrf(self) -> str:
        html = self.get("/auth/login").get_data(as_text=True)
        found = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"', html
        )
        return found.group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf())
        return self.post(url, data=data, **kwargs)

    def htmx_post(self, url: str, data: dict | None = None, **kwargs):
        headers = {"HX-Request": "true", "X-CSRFToken": self.csrf(), **kwargs.pop("headers", {})}
        return self.post(url, data=data or {}, headers=headers, **kwargs)

    def login(self, username: str, password: str = DEMO_PASSWORD):
        """Sign in, with the second step where the site asks for it: the app's
        current code for an account that has one (the demo office), or setting
        an app up for an account whose role must have one and has none yet."""
        response = self.post_form("/auth/login", {"username": username, "password": password})
        assert response.status_code == 302, f"login as {username} failed"
        if asks_for_second_factor(response):
            code, _step = app_code(self.app_secret(username), self.last_step(username))
            response = self.post_form("/auth/verify", {"code": code})
            assert response.status_code == 302, f"second step as {username} failed"
        elif response.headers["Location"].endswith("/auth/enrol"):
            response = self.enrol_app(username)
        return response

    def enrol_app(self, username: str):
        """Set up an authenticator app (reading its key off the page, as one
        types it into a phone); its secret is kept for the next sign-in."""
        page = self.get("/auth/factors/app").get_data(as_text=True)
        secret = re.search(r'id="app-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
        self.application.extensions.setdefault("test-app-secrets", {})[username] = secret
        code, _step = app_code(secret, self.last_step(username))
        response = self.post_form("/auth/factors/app", {"code": code})
        assert response.status_code == 200, f"setting up an app for {username} failed"
        return response

    def app_secret(self, username: str) -> str:
        """The account's app secret: one set up by enrol_app(), else the demo's."""
        from hotline.cli.demo import demo_totp_secret

        kept = self.application.extensions.get("test-app-secrets", {})
        return kept.get(username) or demo_totp_secret(username)

    def last_step(self, username: str) -> int | None:
        """The last time step the site accepted from the account's app."""
        from sqlalchemy import func, select

        from hotline.extensions import db
        from hotline.models import SecondFactor, User

        with self.application.app_context():
            return db.session.scalar(
                select(func.max(SecondFactor.last_step))
                .join(User, User.id == SecondFactor.user_id)
                .where(User.username == username)
            )
