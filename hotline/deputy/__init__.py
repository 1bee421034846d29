"""A deputy's own pages between shows: the queue of their 代表码 messages and
the calls they carried, and what they may do with each. The office (supervisor)
works the same queue for every deputy. Every lookup is scoped in its query."""

from flask import Blueprint

bp = Blueprint("deputy", __name__, url_prefix="/deputy")

from . import routes  # noqa: E402, F401
