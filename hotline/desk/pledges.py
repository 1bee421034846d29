"""The vague-phrase flag (rules/pledges.py): as the pledge is typed on the
call's commitment form, the phrases that promise an effort instead of a result
are marked beside it, on their own request (never inside the save). A warning,
never a block: the pledge is saved in the official's words."""

from __future__ import annotations

from flask import request

from ..access import roles_required
from ..queries.pledges import flags
from ..rules.pledges import segments
from ..web import render_block
from . import bp
from .helpers import ANYONE

FLAGS = "desk/_pledges.html"
# The pledge's field on the call's commitment form, and on the correction page.
FIELDS = ("commit-pledge", "pledge")


def flags_for(text: str | None) -> dict:
    """The flags and the marked text, for the fragment (no query for no text)."""
    found = flags(text or "")
    return {"flags": found, "parts": segments(text or "", found)}


@bp.route("/pledges/vague", methods=["POST"])
@roles_required(*ANYONE)
def vague_phrases():
    """The flags for the pledge typed so far (a POST: a pledge may be long)."""
    text = next((request.form[name] for name in FIELDS if name in request.form), "")
    return render_block(FLAGS, "flags", **flags_for(text))
