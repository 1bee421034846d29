"""/areas/options: the area picker's suggestions for what was typed so far,
as <option>s for its <datalist> (templates/_areas.html). The office's area
names only, which are public; never an alias or a text someone typed."""

from __future__ import annotations

from flask import get_template_attribute, request

from ..queries.areas import options
from . import bp

MAX_TYPED = 210


@bp.route("/areas/options")
def area_options():
    # The picker sends its input under the input's own name (area, correct-area...).
    typed = next(iter(request.args.values()), "")[:MAX_TYPED]
    html = get_template_attribute("_areas.html", "area_options")(options(typed))
    return html, 200, {"Cache-Control": "public, max-age=60"}
