"""Staff sign-in: /auth/login and /auth/logout."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from . import routes  # noqa: E402, F401
