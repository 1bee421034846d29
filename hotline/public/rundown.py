"""The 回音壁 segment of a show: the earlier commitments its host reads out,
printable on A4 with a QR code to each, after the show's agenda (the topics
chosen with voters). Signed-in moderators pick from here
which goes on air and record the placard vote on the result (举牌评效果).
Each item carries its verification code (核验码, /v/<code>)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from ..changes.versions import codes_for
from ..clock import today
from ..forms.staff import new_key
from ..models import ClaimKind, Role
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
    items = rundown(show, day)
    codes = codes_for([(ClaimKind.COMMITMENT, i.commitment) for i in items], day)
    return render_template(
        "public/rundown.html",
        show=show,
        items=items,
        codes={item_id: code for (_kind, item_id), code in codes.items()},
        previous=previous_show(show),
        agenda=agenda(show.id),
        may_air=may_air,
        card=on_air_card(show, day) if may_air else None,
        new_key=new_key,
    )
