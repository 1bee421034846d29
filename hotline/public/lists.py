"""The three lists (三张清单: suggestions, assignments, results) and the period
report, posted publicly: pages, CSV and QR codes. No caller details are loaded.
Each row of a list ends with its verification code (核验码): /v/<code> shows
the row's record as it was printed."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from ..changes.versions import codes_for
from ..clock import format_datetime, today
from ..labels import list_title, outcome_label, report_column_label, source_text, status_text
from ..models import ClaimKind
from ..queries.lists import calls_in, commitments_in, online_votes, report_rows, votes_of
from ..queries.milestones import due_in
from ..queries.openness import by_name
from ..queries.places import place_arg, place_choices
from ..rules import milestones, openness, reports
from ..rules.versions import display
from ..web import csv_download, qr_response
from . import lists_bp as lists

KINDS = ("suggestions", "assignments", "results")
CHART_WIDTH = 600


def asked_period() -> reports.Period:
    text = request.args.get("period") or str(today().year)
    try:
        return reports.parse_period(text)
    except ValueError:
        abort(404)


class Places:
    """The lists' category and area filters (queries/places.py), from the URL."""

    def __init__(self, args):
        self.category = place_arg(args, "category")
        self.area = place_arg(args, "area")

    def args(self) -> dict:
        return {k: v for k, v in (("category", self.category), ("area", self.area)) if v}

    def options(self) -> dict:
        return place_choices(self.category, self.area)


def period_choices(day) -> list[str]:
    year = day.year
    keys = []
    for y in (year, year - 1):
        keys += [str(y), f"{y}-H1", f"{y}-H2"] + [f"{y}-Q{q}" for q in range(1, 5)]
    return keys


@lists.route("/")
def index():
    return render_template(
        "lists/index.html",
        period=asked_period(),
        choices=period_choices(today()),
        kinds=KINDS,
        list_title=list_title,
    )


def _codes(kind: ClaimKind, items, day) -> list[str]:
    """Each row's verification code, issued at once for the whole list."""
    codes = codes_for([(kind, item) for item in items], day)
    return [codes[(kind.value, item.id)] for item in items]


def _suggestions(period, day, places: Places):
    calls = calls_in(period, places.category, places.area)
    codes = _codes(ClaimKind.CALL, calls, day)
    header = [_("Show"), _("Date"), _("Call"), _("Area"), _("Topic"), _("Department"),
              _("Outcome"), _("Verification code")]  # fmt: skip
    rows = [
        [
            c.show.title,
            format_datetime(c.received_at)[:10],
            c.number,
            c.area,
            c.topic,
            c.department.name if c.department else "",
            outcome_label(c.outcome),
            display(code),
        ]
        for c, code in zip(calls, codes, strict=True)
    ]
    return header, rows, [url_for("public.show", show_id=c.show_id) for c in calls], codes


def _commitment_list(kind, period, day, places: Places):
    items = commitments_in(period, places.category, places.area)
    codes = _codes(ClaimKind.COMMITMENT, items, day)
    if kind == "assignments":
        header = [_("Department"), _("Commitment"), _("Official"), _("Source"),
                  _("Original deadline"), _("Deadline"), _("Status"),
                  _("Verification code")]  # fmt: skip
        rows = [
            [
                c.department.name,
                c.pledge,
                f"{c.official_name} {c.official_title}".strip(),
                source_text(c),
                c.original_deadline.isoformat(),
                c.deadline.isoformat(),
                status_text(c.status(day)),
                display(code),
            ]
            for c, code in zip(items, codes, strict=True)
        ]
    else:
        online = online_votes([c.id for c in items])
        header = [_("Department"), _("Commitment"), _("Status"), _("Reported done on"),
                  _("Satisfied"), _("Basically satisfied"), _("Dissatisfied"),
                  _("Verification code")]  # fmt: skip
        rows = [
            [
                c.department.name,
                c.pledge,
                status_text(c.status(day)),
                c.completed_on.isoformat() if c.completed_on else "",
                *votes_of(c, online),
                display(code),
            ]
            for c, code in zip(items, codes, strict=True)
        ]
    links = [url_for("public.commitment", commitment_id=c.id) for c in items]
    return header, rows, links, codes


@lists.route("/<any(suggestions, assignments, results):kind>")
def show_list(kind: str):
    period = asked_period()
    day = today()
    places = Places(request.args)
    if kind == "suggestions":
        header, rows, links, codes = _suggestions(period, day, places)
    else:
        header, rows, links, codes = _commitment_list(kind, period, day, places)
    if request.args.get("format") == "csv":
        return csv_download(f"{kind}-{period.key}", header, rows)
    return render_template(
        "lists/list.html",
        query=places,
        options=places.options(),
        kind=kind,
        title=list_title(kind),
        period=period,
        choices=period_choices(day),
        header=header,
        rows=list(zip(rows, links, codes, strict=True)),
    )


@lists.route("/qr.svg")
def qr():
    """QR code of one of our own list or report pages (never an arbitrary address)."""
    kind = request.args.get("for", "")
    period = asked_period()
    if kind in KINDS:
        filters = Places(request.args).args()
        target = url_for("lists.show_list", kind=kind, period=period.key, _external=True, **filters)
    elif kind == "report":
        target = url_for("lists.report", period=period.key, _external=True)
    else:
        abort(404)
    return qr_response(target, scale=4, xmldecl=False)


@lists.route("/report")
def report():
    period = asked_period()
    lines, total = reports.build(report_rows(period), period, today())
    found = by_name(today(), period)  # openness of the items made in the period
    for line in lines:
        line.openness = found[line.department].score if line.department in found else None
    total.openness = openness.overall(found).score
    if request.args.get("format") == "csv":
        header = [_("Department")] + [report_column_label(col) for col in reports.COLUMNS]
        rows = [[line.department] + [reports.cell(line, col) for col in reports.COLUMNS]
                for line in lines]  # fmt: skip
        rows.append([_("Total")] + [reports.cell(total, col) for col in reports.COLUMNS])
        return csv_download(f"report-{period.key}", header, rows)
    bars, top = reports.chart(lines, width=CHART_WIDTH)
    return render_template(
        "lists/report.html",
        period=period,
        choices=period_choices(today()),
        lines=lines,
        total=total,
        columns=reports.COLUMNS,
        column_label=report_column_label,
        cell=reports.cell,
        chart=list(zip(lines, bars, strict=True)),
        top=top,
        chart_width=CHART_WIDTH,
        checks=milestones.period_checks(due_in(period, today()), period.start, period.end),
    )
