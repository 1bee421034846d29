"""Staff sign-in: /auth/login and /auth/logout, the second step after the
password (/auth/verify) and setting up second factors (/auth/factors,
/auth/enrol); one's own password (/auth/password) and sessions
(/auth/sessions); single sign-on (/auth/sso/...)."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from . import enrol, factors, passwords, routes, sessions, sso  # noqa: E402, F401
