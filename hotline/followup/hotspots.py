"""Hot spots (问题热点) for the office: the public report (public/hotspots.py)
with, beside each hot spot, a link that opens the next show's topics with the
hot spot filled in, to propose it as a topic (代表来了, 未诉先办)."""

from __future__ import annotations

from flask import abort, render_template, request

from ..access import staff_required
from ..clock import today
from ..queries import hotspots as q
from ..web import csv_download
from . import bp


@bp.route("/hotspots")
@staff_required
def hotspots():
    day = today()
    query = q.HotspotQuery.from_args(request.args, day) or abort(404)
    report = q.hotspots(query, day)
    if request.args.get("format") == "csv":
        header, rows = q.csv_table(report)
        return csv_download(f"hotspots-{query.level}-{query.period.key}", header, rows)
    return render_template(
        "lists/hotspots.html", **q.page_context(report, day), staff=True, topic_show=q.topic_show()
    )
