"""After the show: progress, extensions, completion, verification and 督办.

Liaisons work on their own department's commitments (the department check is
in the query: another department's item is a 404); the supervisor decides
extensions, verifies or reopens completions, presses and withdraws. Each POST
runs one domain function from hotline.commitments, commits once, then pushes.
"""

from flask import Blueprint

bp = Blueprint("followup", __name__, url_prefix="/followup")

from . import evidence, hotspots, notfixed, routes  # noqa: E402, F401
