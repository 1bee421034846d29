"""What every page shares: security headers, error pages, template helpers and
rendering a named block of a page as an htmx fragment."""

from __future__ import annotations

import csv
import io
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

import segno
from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_request_context,
    jsonify,
    render_template,
    request,
)
from flask.globals import request_ctx
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from . import labels
from .clock import (
    format_date,
    format_datetime,
    format_offset,
    format_time,
    moment_url,
    next_local_midnight,
    to_local,
    today,
)
from .rules.status import under_notice
from .rules.text import for_log

log = logging.getLogger("hotline")

# No inline script or style anywhere; pushed HTML is applied by static/live.js.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def render_block(template_name: str, block: str, **context) -> str:
    """Render one named block of a page: the same HTML the full page contains.
    Rendered for a room (live.render_for_room), the block sees nobody signed
    in, whoever's request made the change: what it shows is everyone's."""
    app = current_app._get_current_object()
    template = app.jinja_env.get_template(template_name)
    if g.get("pushing"):  # explicit values win over the context processors'
        context.setdefault("current_user", app.login_manager.anonymous_user())
    app.update_template_context(context)
    return "".join(template.blocks[block](template.new_context(context)))


# Where a request's own value goes in a block kept by render_stamped. Stored
# text never holds a noncharacter (hotline/rules/text.py refuses them), so no
# rendered text can contain one by accident.
_STAMP = "\ufdd0{}\ufdd0"
_STAMPED_MAX = 256
_stamped: OrderedDict = OrderedDict()
_stamped_lock = threading.Lock()


def render_stamped(
    template_name: str, block: str, key: tuple, stamps: dict, context: Callable[[], dict]
) -> str:
    """A block (as render_block renders it) that comes out the same for every
    request with the same `key` but for a few values of the request's own
    (`stamps`, name → value: the session's CSRF token, a form's one-time key):
    rendered once per key (and locale, and version of the template), then
    copied with this request's values stamped in. `key` must name everything
    else the block shows: a blank form is the case (its choices in the key), a
    form with data or errors is not.

    A value that does not appear exactly once in the rendering cannot be
    stamped: the block is then rendered every time (never served wrong).
    `context()` gives what the block renders from, called only to render."""
    app = current_app._get_current_object()
    template = app.jinja_env.get_template(template_name)
    values = {name: str(escape(value)) for name, value in stamps.items()}
    # The template object changes when it is reloaded (debug): old copies go unused.
    full_key = (template, block, str(get_locale()), key)
    with _stamped_lock:
        kept = _stamped.get(full_key)
        if kept is not None:
            _stamped.move_to_end(full_key)
    if kept is None:
        html = render_block(template_name, block, **context())
        kept = html
        for name, value in values.items():
            if not value or html.count(value) != 1 or _STAMP.format(name) in html:
                return html
            kept = kept.replace(value, _STAMP.format(name))
        with _stamped_lock:
            _stamped[full_key] = kept
            while len(_stamped) > _STAMPED_MAX:
                _stamped.popitem(last=False)
        return html
    for name, value in values.items():
        kept = kept.replace(_STAMP.format(name), value)
    return kept


def page_or_block(template_name: str, block: str, **context) -> str:
    """The whole page for a normal request, just the block for htmx (not boosted)."""
    if is_fragment_request():
        return render_block(template_name, block, **context)
    return render_template(template_name, **context)


def csrf_field() -> Markup:
    """A form's CSRF token field; nothing in HTML pushed to a room (see
    live.render_for_room), where htmx sends the page's own token as a header."""
    if g.get("pushing"):
        return Markup("")
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % generate_csrf()


def from_our_own_page() -> bool:
    """The request was sent by one of this site's pages (its Origin, else its
    Referer, is this host) to one of this site's forms."""
    sender = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(sender)
    return (
        parts.scheme in ("http", "https")
        and parts.netloc == request.host
        and request.url_rule is not None
    )


def is_fragment_request() -> bool:
    """An htmx request for a region (not boosted navigation, not a history restore)."""
    return bool(
        request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    )


def qr_response(url: str, scale: int = 6, xmldecl: bool = True) -> Response:
    """An SVG QR code of one of our own addresses (never an arbitrary one), cacheable.
    Smaller and without the XML declaration where it sits on a printed list."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=scale, border=2, xmldecl=xmldecl)
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def qr_data_uri(text: str) -> str:
    """A QR code as an inline SVG image (data: URI) for a page that must not
    leave it at an address of its own: an authenticator app's secret."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


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


CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def zh_content(text) -> Markup:
    """Stored Chinese text on an English page, marked as Chinese (WCAG 3.1.2), so
    screen readers read it in the right voice. Under force_locale too (pushes)."""
    escaped = Markup.escape("" if text is None else text)
    locale = get_locale()
    if locale is not None and locale.language == "en" and CJK.search(escaped):
        return Markup('<span lang="zh-CN">%s</span>') % escaped
    return escaped


def elder_mode() -> bool:
    """长辈版: the reader chose it in this browser (public/elder.py sets the cookie).
    Never while pushing: pushed HTML belongs to no reader."""
    if not has_request_context() or g.get("pushing"):
        return False
    return request.cookies.get("elder") == "1"


def here() -> str:
    """This page's path and query (less ?lang=, which sticks anyway), for a
    link that comes back to it."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + ("?" + urlencode(args) if args else "")


def zh_lang(text) -> Markup:
    """The same, as an attribute for an element that holds the text."""
    locale = get_locale()
    if locale is not None and locale.language == "en" and CJK.search(str(text or "")):
        return Markup(' lang="zh-CN"')
    return Markup("")


def nl2br(text: str) -> Markup:
    """Line breaks in user text, escaped first (never |safe on user text)."""
    escaped = Markup.escape(text or "")
    return Markup("<br>").join(escaped.split("\n"))


def url_breaks(address: str) -> Markup:
    """A printed address may wrap only after a slash or before ? and &, never
    inside a word (each piece escaped, joined by <wbr>)."""
    pieces = re.split(r"(?<=[^/:]/)|(?=[?&])", address or "")
    return Markup("<wbr>").join(pieces)


API_PREFIXES = ("/api/", "/open311/")


def is_api_request() -> bool:
    """An address under the APIs: its errors are JSON, whatever matched it."""
    return request.path.startswith(API_PREFIXES) or request.path in ("/api", "/open311")


def api_json_error(code: int, message: str) -> Response:
    """The APIs' error shape: {"error": …, "status": …} (Open311: its list of
    {code, description}), never stored by a cache."""
    if request.path.startswith("/open311"):
        response = jsonify([{"code": code, "description": message}])
    else:
        response = jsonify({"error": message, "status": code})
    response.status_code = code
    response.cache_control.no_store = True
    return response


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


def _translations():
    """Flask-Babel's translations for the locale in force, looked up once per
    locale a request renders in. (Its own gettext walks the request context
    three times for every string a template translates: a good part of what
    a pushed block cost.) force_locale() sets a new locale object, so a
    block rendered for a room finds its own language."""
    locale = get_locale()
    kept = g.get("translations_for")
    if kept is None or kept[0] is not locale:
        kept = g.translations_for = (locale, get_translations())
    return kept[1]


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    # The same callables Flask-Babel installs, on the lookup above.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.filters.update(
        datetime=format_datetime,
        time=format_time,
        date=format_date,
        date_of=lambda moment: format_date(to_local(moment).date()) if moment else "",
        nl2br=nl2br,
        url_breaks=url_breaks,
        offset=format_offset,
        zh=zh_content,
    )
    app.jinja_env.globals.update(
        status_text=labels.status_text,
        event_label=labels.event_label,
        outcome_label=labels.outcome_label,
        show_status_label=labels.show_status_label,
        show_kind_label=labels.show_kind_label,
        role_label=labels.role_label,
        rating_label=labels.rating_label,
        rundown_reason=labels.rundown_reason,
        on_air_kind_label=labels.on_air_kind_label,
        webhook_error_label=labels.webhook_error_label,
        kind_label=labels.kind_label,
        callback_text=labels.callback_text,
        item_title=labels.item_title,
        source_text=labels.source_text,
        message_status_label=labels.message_status_label,
        message_event_label=labels.message_event_label,
        topic_source_label=labels.topic_source_label,
        topic_event_label=labels.topic_event_label,
        status_filter_label=labels.status_filter_label,
        radar_status=labels.radar_status,
        show_short=labels.show_short,
        promise_card_text=labels.promise_card_text,
        milestone_standing_label=labels.milestone_standing_label,
        year_check_label=labels.year_check_label,
        openness_part_label=labels.openness_part_label,
        term_label=labels.term_label,
        vague_hint=labels.vague_hint,
        under_notice=under_notice,
        today=today,
        # The locale a block is rendered in (under force_locale for pushes too).
        locale_code=lambda: "en" if get_locale().language == "en" else "zh_CN",
        moment_url=lambda call: moment_url(call.show.stream_url, call.air_offset),
        zh_lang=zh_lang,
        elder_mode=elder_mode,
        here=here,
        next_local_midnight=next_local_midnight,
        csrf_field=csrf_field,
    )

    # The macros are globals too: a block rendered on its own (render_block) does
    # not run the page's top-level {% from "macros.html" import ... %}. So are
    # the area and category pickers' (_areas.html, _categories.html).
    for name in ("macros.html", "_areas.html", "_categories.html"):
        macros = app.jinja_env.get_template(name).module
        app.jinja_env.globals.update(
            {key: value for key, value in vars(macros).items() if not key.startswith("_")}
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
        if request.endpoint != "static" and current_user.is_authenticated:
            # Staff pages show callers' phones: no cache may keep a copy.
            response.headers["Cache-Control"] = "no-store"
        # Pages differ between a full load and an htmx fragment, and by language.
        response.vary.add("HX-Request")
        response.vary.add("HX-Boosted")
        response.vary.add("HX-History-Restore-Request")
        response.vary.add("Cookie")
        if is_api_request():  # messages follow the client's Accept-Language
            response.vary.add("Accept-Language")
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        log.warning(
            "CSRF refused: %s %s (%s)",
            request.method,
            for_log(request.path),
            for_log(error.description),
        )
        if is_api_request():
            return api_json_error(400, error_message(400)[1])
        if not from_our_own_page():
            # A forged cross-site request: refuse it plainly. Offering a resubmit
            # form with a fresh token would turn the forgery into a one-click
            # action, and starting a session would replace the user's own.
            title, text = error_message(400)
            return render_template("errors/error.html", code=400, title=title, text=text), 400
        # Keep what the user typed: offer it again in a form with a fresh token.
        # Passwords are never echoed; keys and versions travel as hidden fields.
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
        # A 405 says which methods the address does take (RFC 9110, Allow).
        allow = {k: v for k, v in error.get_headers() if k == "Allow"}
        if is_api_request():
            # No API route matched (or a route refused the method): the API's
            # own JSON error, as its description promises, never the HTML page.
            response = api_json_error(error.code or 500, text)
            response.headers.update(allow)
            return response
        if request_ctx.url_adapter is None:
            # E.g. a Host header not in TRUSTED_HOSTS: no page with links can be built.
            return (
                f"{error.code} {title}\n",
                error.code,
                {"Content-Type": "text/plain; charset=utf-8"},
            )
        template = "errors/error.html"
        if request.htmx:
            block = render_block(template, "error", code=error.code, title=title, text=text)
            return block, error.code, allow
        page = render_template(template, code=error.code, title=title, text=text)
        return page, error.code, allow

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if current_app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error  # tests see the real traceback
        log.exception("Unhandled error on %s %s", request.method, for_log(request.path))
        from .extensions import db

        db.session.rollback()  # a failed transaction must not break the error page
        title, text = error_message(500)
        if is_api_request():
            return api_json_error(500, text)
        return render_template("errors/error.html", code=500, title=title, text=text), 500
