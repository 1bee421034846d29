"""What every page shares: security headers, error pages, template helpers and
rendering a named block of a page as an htmx fragment."""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from .status import Code, PublicStatus, local_date

log = logging.getLogger("hotline")

# No inline script or style anywhere; pushed HTML is applied by static/live.js.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def render_block(template_name: str, block: str, **context) -> str:
    """Render one named block of a page: the same HTML the full page contains."""
    app = current_app._get_current_object()
    template = app.jinja_env.get_template(template_name)
    app.update_template_context(context)
    return "".join(template.blocks[block](template.new_context(context)))


def page_or_block(template_name: str, block: str, **context) -> str:
    """The whole page for a normal request, just the block for htmx (not boosted)."""
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        return render_block(template_name, block, **context)
    return render_template(template_name, **context)


def today() -> date:
    return local_date(datetime.now().astimezone(), current_app.config["HOTLINE_TIMEZONE"])


def next_local_midnight(now: datetime | None = None) -> str:
    """When the local date next changes, as UTC ISO: open pages refetch their
    live regions then, because statuses ("due today", "overdue") depend on it."""
    zone = ZoneInfo(current_app.config["HOTLINE_TIMEZONE"])
    local = (now or datetime.now(ZoneInfo("UTC"))).astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone)
    return midnight.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_local(moment: datetime | None) -> datetime | None:
    """Stored naive UTC → aware datetime in the deployment's zone."""
    if moment is None:
        return None
    zone = ZoneInfo(current_app.config["HOTLINE_TIMEZONE"])
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)


def local_to_utc(moment: datetime) -> datetime:
    """A naive datetime typed in the deployment's zone → naive UTC for storage."""
    zone = ZoneInfo(current_app.config["HOTLINE_TIMEZONE"])
    aware = moment.replace(tzinfo=zone)
    return aware.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def format_datetime(moment: datetime | None) -> str:
    local = to_local(moment)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def format_time(moment: datetime | None) -> str:
    local = to_local(moment)
    return local.strftime("%H:%M") if local else ""


def format_date(day: date | None) -> str:
    return day.isoformat() if day else ""


def status_text(status: PublicStatus) -> str:
    """The public status in words, as DESIGN.md lists them."""
    code, n = status.code, status.days or 0
    if code == Code.DUE:
        text = ngettext("Due in %(num)d day", "Due in %(num)d days", n)
    elif code == Code.DUE_TODAY:
        text = _("Due today")
    elif code == Code.OVERDUE:
        text = ngettext("Overdue by %(num)d day", "Overdue by %(num)d days", n)
    elif code == Code.REPORTED and n > 0:
        # Reported after the deadline: the lateness shows while it awaits verification.
        text = ngettext(
            "Reported done %(num)d day late, awaiting verification",
            "Reported done %(num)d days late, awaiting verification",
            n,
        )
    elif code == Code.REPORTED:
        text = _("Reported done, awaiting verification")
    elif code == Code.MET_ON_TIME:
        text = _("Met on time")
    elif code == Code.MET_AFTER_EXTENSION:
        text = _("Met after extension")
    elif code == Code.MET_LATE:
        text = ngettext("Met late (%(num)d day)", "Met late (%(num)d days)", n)
    else:
        text = _("Withdrawn")
    return text


def event_label(kind: str) -> str:
    return {
        "created": _("Committed on air"),
        "corrected": _("Corrected"),
        "progress": _("Progress note"),
        "extension_requested": _("Extension requested"),
        "extension_granted": _("Extension granted"),
        "extension_refused": _("Extension refused"),
        "completion_reported": _("Completion reported"),
        "verified": _("Verified as met"),
        "reopened": _("Sent back (reopened)"),
        "pressed": _("Pressed (督办)"),
        "withdrawn": _("Withdrawn"),
        "withheld": _("Withheld from public view"),
    }.get(kind, kind)


def outcome_label(outcome: str) -> str:
    return {
        "pending": _("Waiting for an answer"),
        "answered": _("Answered on air"),
        "committed": _("Committed with a deadline"),
        "referred": _("Referred for offline verification"),
    }.get(outcome, outcome)


def show_status_label(status: str) -> str:
    return {"scheduled": _("Scheduled"), "live": _("Live"), "ended": _("Ended")}.get(status, status)


def show_kind_label(kind: str) -> str:
    return {"hotline": _("Deputy hotline"), "onsite": _("Deputies are here")}.get(kind, kind)


def role_label(role: str) -> str:
    return {
        "supervisor": _("Supervisor (standing committee office)"),
        "moderator": _("Moderator"),
        "liaison": _("Department liaison"),
    }.get(role, role)


def rating_label(value: str) -> str:
    return {
        "satisfied": _("Satisfied"),
        "basic": _("Basically satisfied"),
        "dissatisfied": _("Dissatisfied"),
    }.get(value, value)


def neutralise(value) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def csv_download(name: str, header: list[str], rows) -> Response:
    """Every CSV the site offers: UTF-8 with a BOM (so Excel reads Chinese), no
    cell a spreadsheet would run as a formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    response = Response(out.getvalue().encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def nl2br(text: str) -> Markup:
    """Line breaks in user text, escaped first (never |safe on user text)."""
    escaped = Markup.escape(text or "")
    return Markup("<br>").join(escaped.split("\n"))


def error_message(code: int) -> tuple[str, str]:
    messages = {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Not allowed"), _("Your account cannot do this.")),
        404: (_("Not found"), _("There is nothing at this address.")),
        405: (_("Not allowed"), _("This address does not accept that method.")),
        409: (_("Changed by someone else"), _("Reload to see the latest version.")),
        413: (_("File too large"), _("The upload is larger than the limit.")),
        429: (_("Too many requests"), _("Please wait a moment and try again.")),
        500: (_("Something went wrong"), _("The error has been logged. Please try again.")),
    }
    return messages.get(code, messages[500])


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        datetime=format_datetime,
        time=format_time,
        date=format_date,
        date_of=lambda moment: format_date(to_local(moment).date()) if moment else "",
        nl2br=nl2br,
    )
    app.jinja_env.globals.update(
        status_text=status_text,
        today=today,
        event_label=event_label,
        outcome_label=outcome_label,
        show_status_label=show_status_label,
        show_kind_label=show_kind_label,
        role_label=role_label,
        rating_label=rating_label,
        next_local_midnight=next_local_midnight,
    )

    # The macros are globals too: a block rendered on its own (render_block) does
    # not run the page's top-level {% from "macros.html" import ... %}.
    macros = app.jinja_env.get_template("macros.html").module
    app.jinja_env.globals.update(
        {name: value for name, value in vars(macros).items() if not name.startswith("_")}
    )

    @app.context_processor
    def shows_on_air():
        # Called by base.html, so every page says when a show is live.
        from .extensions import db
        from .models import Show, ShowStatus

        def on_air():
            try:
                return db.session.scalars(
                    select(Show).where(Show.status == ShowStatus.LIVE).order_by(Show.starts_at)
                ).all()
            except SQLAlchemyError:  # the error page must render even if the database cannot
                db.session.rollback()
                return []

        return {"shows_on_air": on_air}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Pages differ between a full load and an htmx fragment, and by language.
        response.vary.add("HX-Request")
        response.vary.add("HX-Boosted")
        response.vary.add("HX-History-Restore-Request")
        response.vary.add("Cookie")
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        # Keep what the user typed: offer it again in a form with a fresh token.
        # Passwords are never echoed; keys and versions travel as hidden fields.
        log.warning("CSRF refused: %s %s (%s)", request.method, request.path, error.description)
        hidden, shown = [], []
        for name, value in request.form.items(multi=True):
            if name == "csrf_token" or "password" in name:
                continue
            is_hidden = name.endswith(("idem", "version")) or name.endswith("action")
            (hidden if is_hidden else shown).append((name, value))
        context = {"hidden": hidden, "shown": shown, "action": request.path}
        if request.htmx:
            return render_block("errors/csrf.html", "resubmit", **context), 400
        return render_template("errors/csrf.html", **context), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        title, text = error_message(error.code or 500)
        if request_ctx.url_adapter is None:
            # E.g. a Host header not in TRUSTED_HOSTS: no page with links can be built.
            return (
                f"{error.code} {title}\n",
                error.code,
                {"Content-Type": "text/plain; charset=utf-8"},
            )
        template = "errors/error.html"
        if request.htmx:
            return render_block(template, "error", code=error.code, title=title, text=text), (
                error.code
            )
        return render_template(template, code=error.code, title=title, text=text), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if current_app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error  # tests see the real traceback
        log.exception("Unhandled error on %s %s", request.method, request.path)
        from .extensions import db

        db.session.rollback()  # a failed transaction must not break the error page
        title, text = error_message(500)
        return render_template("errors/error.html", code=500, title=title, text=text), 500
