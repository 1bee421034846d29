"""The 回音壁 segment of a show: the earlier commitments its host reads out,
printable on A4 with a QR code to each, after the show's agenda (the topics
chosen with voters). Signed-in moderators pick from here
which goes on air and record the placard vote on the result (举牌评效果)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from ..clock import today
from ..forms.staff import new_key
from ..models import Role
from ..queries.onair import on_air_card
from ..queries.rundown import previous_show, rundown
from ..queries.shows import show_with_calls
from ..queries.topics import agenda
from . import bp


@bp.route("/shows/<int:show_id>/rundown")
def rundown_page(show_id: int):
    show = show_with_calls(show_id)
    if show is None:
        abort(404)
    day = today()
    may_air = current_user.is_authenticated and current_user.role in (
        Role.MODERATOR,
        Role.SUPERVISOR,
    )
    return render_template(
        "public/rundown.html",
        show=show,
        items=rundown(show, day),
        previous=previous_show(show),
        agenda=agenda(show.id),
        may_air=may_air,
        card=on_air_card(show, day) if may_air else None,
        new_key=new_key,
    )
