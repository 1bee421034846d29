"""Staff sign-in: /auth/login and /auth/logout; one's own password
(/auth/password) and sessions (/auth/sessions); single sign-on (/auth/sso/...)."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from . import passwords, routes, sessions, sso  # noqa: E402, F401
