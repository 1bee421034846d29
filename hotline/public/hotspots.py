"""Hot spots (问题热点) for everyone: calls and board items by category × area
× period, with the rates that matter, as a table, a chart and CSV.

Public because it is counts only: an area, a category and numbers, nothing of
a caller and no call's words (the suggestion list already posts each call's
area). The office's own copy (followup/hotspots.py) adds, beside each hot spot,
a way to propose it as a topic for the next show."""

from __future__ import annotations

from flask import abort, render_template, request

from ..clock import today
from ..queries import hotspots as q
from ..web import csv_download
from . import lists_bp as lists


@lists.route("/hotspots")
def hotspots():
    day = today()
    query = q.HotspotQuery.from_args(request.args, day) or abort(404)
    report = q.hotspots(query, day)
    if request.args.get("format") == "csv":
        header, rows = q.csv_table(report)
        return csv_download(f"hotspots-{query.level}-{query.period.key}", header, rows)
    return render_template("lists/hotspots.html", **q.page_context(report, day), staff=False)
