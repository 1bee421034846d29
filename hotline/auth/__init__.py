"""Staff sign-in: /auth/login and /auth/logout, and single sign-on (/auth/sso/...)."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from . import routes, sso  # noqa: E402, F401
