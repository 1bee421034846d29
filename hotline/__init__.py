"""Hotline: live deputy-hotline shows and the public board of commitments."""

import logging
from pathlib import Path

from flask import Flask, g, request, session
from flask_babel import get_locale
from werkzeug.routing import IntegerConverter

from . import config
from .config import LOCALES
from .extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
from .models import MAX_ID

ROOT = Path(__file__).resolve().parent.parent


# What an API client's Accept-Language may name, and the locale each one means.
ACCEPTED = {"zh": "zh_CN", "zh-CN": "zh_CN", "zh-Hans": "zh_CN", "zh_CN": "zh_CN", "en": "en"}


def select_locale() -> str:
    """?lang= picks the language and it sticks (kept in the session). An API
    client keeps no cookie: its Accept-Language picks the language of the
    messages (Chinese when it names neither), the pages stay Chinese first."""
    asked = request.args.get("lang")
    if asked in LOCALES:
        session["lang"] = asked
        return asked
    if "lang" not in session and request.path.startswith(("/api/", "/open311/")):
        best = request.accept_languages.best_match(ACCEPTED)
        return ACCEPTED[best] if best else "zh_CN"
    return session.get("lang", "zh_CN")


class BoundedInt(IntegerConverter):
    def __init__(self, url_map, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, **kwargs)


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    # The database, the secret key and the evidence live here: owner only (0700).
    config.private_dir(Path(app.instance_path))
    app.config.from_mapping(config.load(app.instance_path))
    if test_config:
        app.config.update(test_config)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "hotline" / "translations"))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    if hosts := app.config.get("HOTLINE_TRUSTED_HOSTS"):
        # Links in QR codes, feeds and the API are built from the Host header:
        # only the site's own names may be used.
        app.config["TRUSTED_HOSTS"] = hosts

    if hops := app.config.get("HOTLINE_PROXY_HOPS"):
        # Behind nginx: take the client's address from X-Forwarded-For, so rate
        # limits and logs see citizens, not the proxy.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    # Ids in URLs fit the database's integers; a larger one is a 404, not a 500.
    app.url_map.converters["int"] = BoundedInt

    from . import database

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: None)
    htmx.init_app(app)
    limiter.init_app(app)

    # access registers the sign-in session's account loader with Flask-Login.
    from . import (  # noqa: F401
        access,
        admin,
        api,
        auth,
        delivery,
        deputy,
        desk,
        followup,
        public,
        web,
    )
    from .realtime import edge, fragments, live

    delivery.init_app(app)

    live.init_app(app)
    edge.init_app(app)
    fragments.init_app(app)
    web.init_app(app)
    # One blueprint per audience (public has two: the board and the three lists;
    # api two: the open data and its Open311 face).
    blueprints = (public.bp, public.lists_bp, desk.bp, followup.bp, deputy.bp, admin.bp, api.bp)
    for blueprint in (*blueprints, api.open311_bp, api.writes_bp, auth.bp):
        app.register_blueprint(blueprint)

    from .cli import commands as cli

    cli.init_app(app)

    from .rules.text import xml_safe

    # Feeds and XML exports pass stored text through it: one bad row must never
    # make the whole document unparseable.
    app.jinja_env.filters["xml_safe"] = xml_safe

    @app.after_request
    def strict_transport_security(response):
        # Behind TLS, browsers must not fall back to plain HTTP (cookies are Secure too).
        if app.config.get("HOTLINE_HTTPS"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response

    @app.before_request
    def remember_locale() -> None:
        # "zh_CN" or "en": what templates and the socket rooms call the locale.
        g.locale = "en" if get_locale().language == "en" else "zh_CN"

    return app
