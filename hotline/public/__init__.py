"""Public pages (no login): the board, shows, departments, deputies, feeds,
ratings, citizens' questions, a show's topics, viewers' votes on the answer
on air, and the three lists with the
period report.

Only public data is read here: nothing joins or loads `CallerContact`.
Citizens' questions are only ever written here (the ask form); their names and
phones are never read back on a public page.
"""

from flask import Blueprint

bp = Blueprint("public", __name__)
lists_bp = Blueprint("lists", __name__, url_prefix="/lists")

from . import (  # noqa: E402, F401
    accessibility,
    areas,
    board,
    commitments,
    cue,
    deputies,
    directory,
    elder,
    feeds,
    hotspots,
    lists,
    notfixed,
    notifications,
    ograf,
    overlay,
    rundown,
    shows,
    topics,
    track,
    versions,
    votes,
    wall,
)
