"""Helpers the integration-API tests share: tokens and Bearer requests."""

from datetime import timedelta

from hotline.changes import tokens
from hotline.extensions import db
from hotline.models import utcnow

HOUSING, TRANSPORT = 1, 2


def make_token(app, name, role, department_id=None, expired=False) -> str:
    with app.app_context():
        expires = utcnow() - timedelta(minutes=1) if expired else None
        _token, secret = tokens.create(name, role, department_id=department_id, expires_at=expires)
        db.session.commit()
        return secret


def bearer(secret: str, key: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {secret}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def api_post(app, url, secret, json=None, key=None):
    return app.test_client().post(url, json=json or {}, headers=bearer(secret, key))
