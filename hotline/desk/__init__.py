"""The live desk: moderators schedule and run shows and log calls; department
liaisons answer or commit for their own department, in real time.

Every form works without JavaScript (post, then redirect); with htmx the same
URL returns just the changed block. Each change is pushed (hotline.pushes) to
the other consoles and the public pages after it commits.
"""

from flask import Blueprint

bp = Blueprint("desk", __name__, url_prefix="/desk")

from . import (  # noqa: E402, F401
    calls,
    crew,
    cue,
    department,
    dossier,
    onair,
    pledges,
    questions,
    radar,
    shows,
    tally,
    topics,
    wall,
)
